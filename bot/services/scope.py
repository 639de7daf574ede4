"""The branch a private command is about, over the database: the rule of bot/core/scope.py
with the person's remembered choice read and kept fresh, and the questions asked.

No `Update` and no Telegram here: handlers/scope.py asks with buttons and runs the command
again after the tap.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.core import scope as rules
from bot.core.scope import Decision, Remembered
from storage import scope as store
from storage.models import BranchQuestion


def decide(session: Session, user_id: int, candidates: list[int], now: datetime) -> Decision:
    """What `bot.core.scope.decide` says; acting on the remembered branch renews its window."""
    found = store.choice(session, user_id)
    remembered = Remembered(found.branch_id, found.active_at) if found is not None else None
    decision = rules.decide(candidates, remembered, now)
    if decision.remembered and found is not None:
        found.active_at = now
    return decision


def choose(session: Session, user_id: int, branch_id: int, now: datetime) -> None:
    """The person chose this branch: their next private commands are about it."""
    store.remember(session, user_id=user_id, branch_id=branch_id, now=now)


def ask(
    session: Session,
    *,
    user_id: int,
    chat_id: int,
    need: str,
    update_json: str | None,
    now: datetime,
) -> int:
    """Record a question (with the update to run again after the tap); its id for the buttons."""
    question = store.add_question(
        session, user_id=user_id, chat_id=chat_id, need=need, update_json=update_json, now=now
    )
    assert question.id is not None
    return question.id


def open_question(
    session: Session, question_id: int, *, user_id: int, chat_id: int, now: datetime
) -> BranchQuestion | None:
    """The question, if it was asked of this person in this chat and may still be answered."""
    found = store.question(session, question_id)
    if (
        found is None
        or found.user_id != user_id
        or found.chat_id != chat_id
        or not rules.question_open(found.asked_at, now)
    ):
        return None
    return found


def answered(session: Session, question: BranchQuestion) -> None:
    store.drop_question(session, question)


def forget_expired(session: Session, now: datetime) -> int:
    """Forget the questions nobody can answer any more: they hold what the person wrote."""
    return store.prune_questions(session, before=now - rules.QUESTION_LIFETIME)
