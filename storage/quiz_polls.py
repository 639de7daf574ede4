"""Data access for group quizzes, answered through Telegram polls: from a poll to its question,
the voter's sheet, a flood of votes recorded at once, and polls whose sending is unsure.

Each poll is an outbox row of kind `storage.quiz.POLL_KIND` whose `ref` is the question id; its
`poll_id` leads an answer back to its question. Apart from storage/quiz.py (banks, runs,
private attempts, results) because this is the hot path of a quiz: hundreds of votes a minute,
read and written in bulk (bench/poll_answers.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.due import Due
from storage.models import (
    Branch,
    Member,
    OutboxMessage,
    Quiz,
    QuizAttempt,
    QuizQuestion,
)
from storage.quiz import POLL_KIND, RECORD_ANSWER
from storage.quiz_scoring import encode_choice

# --- group mode: polls ------------------------------------------------------------------


@dataclass(frozen=True)
class PollTarget:
    """The question a Telegram poll asks (cached by poll id: it never changes)."""

    quiz_id: int
    question_id: int
    branch_id: int
    chat_id: int


def poll_target(session: Session, poll_id: str) -> PollTarget | None:
    """The question a poll asks; `chat_id` is the branch's group as it is now (a poll sent
    before Telegram upgraded the group was sent under the group's old id)."""
    ref = session.exec(
        select(OutboxMessage.ref).where(
            OutboxMessage.poll_id == poll_id, OutboxMessage.kind == POLL_KIND
        )
    ).first()
    if ref is None or not ref.isdigit():
        return None
    found = session.exec(
        select(QuizQuestion.quiz_id, Quiz.branch_id, Branch.chat_id)
        .join(Quiz, col(Quiz.id) == col(QuizQuestion.quiz_id))
        .join(Branch, col(Branch.id) == col(Quiz.branch_id))
        .where(QuizQuestion.id == int(ref))
    ).first()
    if found is None or found[1] is None:
        return None
    quiz_id, branch_id, chat_id = found
    return PollTarget(quiz_id=quiz_id, question_id=int(ref), branch_id=branch_id, chat_id=chat_id)


@dataclass(frozen=True)
class Voter:
    """What an incoming poll answer needs to know, read in one statement."""

    status: str
    closes_at: datetime | None
    member_id: int | None
    member_active: bool
    attempt_id: int | None

    def is_open(self, now: datetime) -> bool:
        return self.status == "open" and self.closes_at is not None and now < self.closes_at


# Built once: a poll answer runs this for every vote, and building the statement (not running
# it) was most of the cost.
_SHEET = aliased(QuizAttempt)
_VOTER = (
    # More columns than sqlmodel's select() is typed for.
    sa_select(
        col(Quiz.status),
        col(Quiz.closes_at),
        col(Member.id),
        col(Member.active),
        col(_SHEET.id),
    )
    .select_from(Quiz)
    .outerjoin(
        Member,
        and_(
            col(Member.branch_id) == bindparam("branch_id"),
            col(Member.user_id) == bindparam("user_id"),
        ),
    )
    .outerjoin(
        _SHEET,
        and_(
            col(_SHEET.quiz_id) == col(Quiz.id),
            col(_SHEET.member_id) == col(Member.id),
            col(_SHEET.number) == 1,
        ),
    )
    .where(col(Quiz.id) == bindparam("quiz_id"))
)


def voter(session: Session, *, quiz_id: int, branch_id: int, user_id: int) -> Voter | None:
    """The quiz's state, the member (if the voter is one) and their answer sheet, at once."""
    # Core, not ORM: nothing here needs the unit of work, and this runs for every vote.
    row = (
        session.connection()
        .execute(_VOTER, {"quiz_id": quiz_id, "branch_id": branch_id, "user_id": user_id})
        .first()
    )
    if row is None:
        return None
    status, closes_at, member_id, active, attempt_id = row
    return Voter(status, closes_at, member_id, bool(active), attempt_id)


# --- group mode: many votes at once (a quiz's flood of poll answers) ----------------------


@dataclass(frozen=True, slots=True)
class Sheet1:
    """A voter in a branch: their member row, whether active, and their answer sheet if any."""

    member_id: int
    active: bool
    attempt_id: int | None


def quiz_state(session: Session, quiz_id: int) -> tuple[str, datetime | None] | None:
    """(status, closes_at) of a quiz, read without building the ORM object."""
    row = session.connection().execute(_QUIZ_STATE, {"quiz_id": quiz_id}).first()
    return None if row is None else (row[0], row[1])


_QUIZ_STATE = sa_select(col(Quiz.status), col(Quiz.closes_at)).where(
    col(Quiz.id) == bindparam("quiz_id")
)


def voters(
    session: Session, *, quiz_id: int, branch_id: int, user_ids: Sequence[int]
) -> dict[int, Sheet1]:
    """The branch's member rows (and first answer sheets for the quiz) of these accounts."""
    if not user_ids:
        return {}
    rows = session.connection().execute(
        _VOTERS, {"quiz_id": quiz_id, "branch_id": branch_id, "user_ids": list(user_ids)}
    )
    return {
        int(user_id): Sheet1(member_id, bool(active), attempt_id)
        for user_id, member_id, active, attempt_id in rows
        if user_id is not None and member_id is not None
    }


# Built once (a new statement per call cost more than running it).
_FIRST_SHEET = aliased(QuizAttempt)
_VOTERS = (
    sa_select(col(Member.user_id), col(Member.id), col(Member.active), col(_FIRST_SHEET.id))
    .select_from(Member)
    .outerjoin(
        _FIRST_SHEET,
        and_(
            col(_FIRST_SHEET.quiz_id) == bindparam("quiz_id"),
            col(_FIRST_SHEET.member_id) == col(Member.id),
            col(_FIRST_SHEET.number) == 1,
        ),
    )
    .where(
        col(Member.branch_id) == bindparam("branch_id"),
        col(Member.user_id).in_(bindparam("user_ids", expanding=True)),
    )
)


_NEW_SHEETS = insert(QuizAttempt).on_conflict_do_nothing(
    index_elements=["quiz_id", "member_id", "number"]
)


def new_attempts(
    session: Session, *, quiz_id: int, members: dict[int, int], now: datetime
) -> dict[int, int]:
    """First answer sheets for these members ({member id: user id}); returns member id ->
    sheet id (sheets that existed already included)."""
    if not members:
        return {}
    connection = session.connection()
    connection.execute(
        _NEW_SHEETS,
        [
            {
                "quiz_id": quiz_id,
                "member_id": member_id,
                "user_id": user_id,
                "number": 1,
                "position": 0,
                "pending": "",
                "started_at": now,
            }
            for member_id, user_id in members.items()
        ],
    )
    rows = connection.execute(
        sa_select(col(QuizAttempt.member_id), col(QuizAttempt.id)).where(
            col(QuizAttempt.quiz_id) == quiz_id,
            col(QuizAttempt.number) == 1,
            col(QuizAttempt.member_id).in_(list(members)),
        )
    )
    return {member_id: sheet_id for member_id, sheet_id in rows if sheet_id is not None}


def record_answers(
    session: Session, answers: Sequence[tuple[int, int, Sequence[int]]], *, now: datetime
) -> None:
    """Keep each (sheet id, question id, options chosen) unless that question was answered on
    that sheet before (the first answer counts; in the order given)."""
    if answers:
        session.connection().execute(
            RECORD_ANSWER,
            [
                {
                    "attempt_id": attempt_id,
                    "question_id": question_id,
                    "chosen": encode_choice(chosen),
                    "answered_at": now,
                }
                for attempt_id, question_id, chosen in answers
            ],
        )


def cancel_unsent_polls(session: Session, question_ids: Sequence[int]) -> None:
    """Polls still waiting in the outbox when the quiz closes are not sent at all (nor are
    unsure ones looked for any more)."""
    if not question_ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.kind) == POLL_KIND,
            col(OutboxMessage.ref).in_([str(q) for q in question_ids]),
            col(OutboxMessage.status).in_(["pending", "unsure"]),
        )
        .values(status="failed", error="quiz closed before the poll was sent")
    )


# --- polls whose send timed out (bot/runtime/sender.py: "unsure") ---------------------------


def adopt_unsure_poll(
    session: Session, *, poll_id: str, question: str, options: Sequence[str], now: datetime
) -> OutboxMessage | None:
    """A poll the bot does not know showed up (its `poll` update): if it is the copy of an
    unsure quiz poll (same question and options), record its id there; returns that row."""
    rows = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.kind == POLL_KIND,
            OutboxMessage.status == "unsure",
            OutboxMessage.method == "sendPoll",
        )
    ).all()
    for row in rows:
        payload = json.loads(row.payload)
        asked = [str(o.get("text", "")) for o in payload.get("options", [])]
        if str(payload.get("question", "")).strip() == question.strip() and asked == list(options):
            row.status = "sent"
            row.poll_id = poll_id
            row.sent_at = row.sent_at or now
            row.error = "its answer was lost; recognised by its poll update"
            return row
    return None


# Unsure quiz polls tried at or before `unsure_sent_by` (give it a grace with `earlier`).
UNSURE_DUE = Due(
    and_(
        col(OutboxMessage.kind) == POLL_KIND,
        col(OutboxMessage.status) == "unsure",
        col(OutboxMessage.sent_at) <= bindparam("unsure_sent_by"),
    ),
    "unsure_sent_by",
)


def unsure_polls_before(session: Session, before: datetime) -> list[OutboxMessage]:
    """Unsure quiz polls tried before `before` that no vote has shown to have gone out."""
    statement = select(OutboxMessage).where(UNSURE_DUE.where)
    return list(session.exec(statement, params=UNSURE_DUE.bind(before)))


def resend_key(row: OutboxMessage) -> str:
    """The dedupe key of the one second copy an unsure poll may get."""
    return f"{row.dedupe_key or f'quiz:poll:{row.ref}'}:again"


def unstopped_polls(session: Session, question_ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """(question id, chat id, message id) of sent polls that nobody has queued a stop for."""
    if not question_ids:
        return []
    stop = aliased(OutboxMessage)
    rows = session.exec(
        select(OutboxMessage.ref, OutboxMessage.chat_id, OutboxMessage.message_id).where(
            col(OutboxMessage.kind) == POLL_KIND,
            col(OutboxMessage.ref).in_([str(q) for q in question_ids]),
            col(OutboxMessage.status) == "sent",
            col(OutboxMessage.message_id).is_not(None),
            ~exists().where(col(stop.dedupe_key) == "quiz:stop:" + col(OutboxMessage.ref)),
        )
    )
    return [(int(ref), int(chat), int(message)) for ref, chat, message in rows if message]
