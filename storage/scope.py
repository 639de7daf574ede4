"""Data access for the branch a private command is about: the remembered choice per person
and the "which branch?" questions waiting for a tap (rules in bot/core/scope.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete
from sqlmodel import Session, col

from storage.due import Due
from storage.models import BranchChoice, BranchQuestion


def choice(session: Session, user_id: int) -> BranchChoice | None:
    return session.get(BranchChoice, user_id)


def remember(session: Session, *, user_id: int, branch_id: int, now: datetime) -> BranchChoice:
    """Keep the person's choice (replacing the one before) as made and acted on now."""
    found = session.get(BranchChoice, user_id)
    if found is None:
        found = BranchChoice(user_id=user_id, branch_id=branch_id, chosen_at=now, active_at=now)
        session.add(found)
    else:
        found.branch_id, found.chosen_at, found.active_at = branch_id, now, now
    session.flush()
    return found


def add_question(
    session: Session,
    *,
    user_id: int,
    chat_id: int,
    need: str,
    update_json: str | None,
    now: datetime,
) -> BranchQuestion:
    question = BranchQuestion(
        user_id=user_id, chat_id=chat_id, need=need, update_json=update_json, asked_at=now
    )
    session.add(question)
    session.flush()
    return question


def question(session: Session, question_id: int) -> BranchQuestion | None:
    return session.get(BranchQuestion, question_id)


def drop_question(session: Session, found: BranchQuestion) -> None:
    session.delete(found)
    session.flush()


def prune_questions(session: Session, *, before: datetime) -> int:
    """Forget questions asked before `before` (they hold what the person wrote)."""
    statement = delete(BranchQuestion).where(QUESTIONS_DUE.where)
    return int(session.connection().execute(statement, QUESTIONS_DUE.bind(before)).rowcount)


# Questions asked before `questions_asked_before`.
QUESTIONS_DUE = Due(
    col(BranchQuestion.asked_at) < bindparam("questions_asked_before"), "questions_asked_before"
)
