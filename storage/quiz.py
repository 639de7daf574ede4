"""Data access for knowledge quizzes: banks, runs, members' attempts and answers, results.

Answers are stored as the options chosen; every score is computed from them with
`storage.quiz_scoring`. Group quizzes are answered through Telegram polls, which are outbox rows
of kind "quiz.poll" whose `ref` is the question id; their `poll_id` leads an answer back to its
question.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage import people
from storage.due import Due
from storage.models import (
    Member,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
)
from storage.quiz_scoring import Key, Score, better, decode_choice, encode_choice, score_sheet
from storage.spreadsheets import Question

POLL_KIND = "quiz.poll"
DEFAULT_HOURS = 72
MAX_HOURS = 30 * 24
# How long after closing the planner keeps checking that every poll was stopped.
STOP_CHECK = timedelta(days=1)


def stop_key(question_id: int) -> str:
    return f"quiz:stop:{question_id}"


# --- quizzes ----------------------------------------------------------------------------


def create(
    session: Session,
    *,
    branch_id: int | None,
    title: str,
    questions: Sequence[Question],
    poll_ok: bool,
    created_by: int | None,
    now: datetime,
) -> Quiz:
    """Store a checked bank as a new draft quiz with its questions in file order."""
    quiz = Quiz(
        branch_id=branch_id,
        title=title,
        question_count=len(questions),
        poll_ok=poll_ok,
        created_by=created_by,
        created_at=now,
    )
    session.add(quiz)
    session.flush()
    assert quiz.id is not None
    session.add_all(
        QuizQuestion(
            quiz_id=quiz.id,
            position=position,
            text=q.text,
            options=json.dumps(list(q.options), ensure_ascii=False),
            answer=encode_choice(q.answer),
            explanation=q.explanation,
            points=q.points,
        )
        for position, q in enumerate(questions, start=1)
    )
    session.flush()
    return quiz


def get(session: Session, quiz_id: int) -> Quiz | None:
    return session.get(Quiz, quiz_id)


def of_branch(session: Session, branch_id: int, *, limit: int = 20) -> list[Quiz]:
    """The branch's quizzes, newest first."""
    return list(
        session.exec(
            select(Quiz)
            .where(Quiz.branch_id == branch_id)
            .order_by(col(Quiz.id).desc())
            .limit(limit)
        )
    )


def started_of(session: Session, branch_ids: Sequence[int], *, limit: int = 10) -> list[Quiz]:
    """Quizzes that have run (open or closed) in these branches, most recently started first."""
    if not branch_ids:
        return []
    return list(
        session.exec(
            select(Quiz)
            .where(col(Quiz.branch_id).in_(branch_ids), col(Quiz.opens_at).is_not(None))
            .order_by(col(Quiz.opens_at).desc(), col(Quiz.id).desc())
            .limit(limit)
        )
    )


def started_between(session: Session, branch_id: int, start: datetime, end: datetime) -> list[Quiz]:
    """The branch's quizzes started in [start, end), oldest first."""
    return list(
        session.exec(
            select(Quiz)
            .where(
                Quiz.branch_id == branch_id,
                col(Quiz.opens_at) >= start,
                col(Quiz.opens_at) < end,
            )
            .order_by(col(Quiz.opens_at), col(Quiz.id))
        )
    )


def latest(session: Session, branch_id: int) -> Quiz | None:
    """The branch's most recently started quiz (the one /results reports on)."""
    found = started_of(session, [branch_id], limit=1)
    return found[0] if found else None


def start(
    quiz: Quiz,
    *,
    mode: str,
    now: datetime,
    hours: int,
    show_scores: bool,
    allow_retry: bool,
) -> None:
    quiz.status = "open"
    quiz.mode = mode
    quiz.opens_at = now
    quiz.closes_at = now + timedelta(hours=hours)
    quiz.show_scores = show_scores
    quiz.allow_retry = allow_retry and mode == "private"


def is_open(quiz: Quiz, now: datetime) -> bool:
    """Answers count only while the quiz is open and its window has not passed."""
    return quiz.status == "open" and quiz.closes_at is not None and now < quiz.closes_at


# Open quizzes whose time is up.
CLOSE_DUE = Due(
    and_(col(Quiz.status) == "open", col(Quiz.closes_at) <= bindparam("quiz_closes_by")),
    "quiz_closes_by",
)
# Group quizzes closed lately, whose polls are checked for a missing stopPoll.
RECENTLY_CLOSED = Due(
    and_(
        col(Quiz.status) == "closed",
        col(Quiz.mode) == "group",
        col(Quiz.closed_at) > bindparam("quiz_closed_since"),
    ),
    "quiz_closed_since",
    STOP_CHECK,
)


def due_to_close(session: Session, now: datetime) -> list[Quiz]:
    return list(session.exec(select(Quiz).where(CLOSE_DUE.where), params=CLOSE_DUE.at(now)))


def recently_closed(session: Session, now: datetime) -> list[Quiz]:
    statement = select(Quiz).where(RECENTLY_CLOSED.where)
    return list(session.exec(statement, params=RECENTLY_CLOSED.at(now)))


def close(quiz: Quiz, now: datetime) -> None:
    quiz.status = "closed"
    quiz.closed_at = now
    if quiz.closes_at is None or quiz.closes_at > now:
        quiz.closes_at = now


# --- questions --------------------------------------------------------------------------


def questions(session: Session, quiz_id: int) -> list[QuizQuestion]:
    return list(
        session.exec(
            select(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz_id)
            .order_by(col(QuizQuestion.position))
        )
    )


def question_at(session: Session, quiz_id: int, position: int) -> QuizQuestion | None:
    return session.exec(
        select(QuizQuestion).where(
            QuizQuestion.quiz_id == quiz_id, QuizQuestion.position == position
        )
    ).first()


def options_of(question: QuizQuestion) -> list[str]:
    loaded = json.loads(question.options)
    return [str(o) for o in loaded]


def key_of(question: QuizQuestion) -> Key:
    return Key(answer=decode_choice(question.answer), points=question.points)


def keys(session: Session, quiz_id: int) -> dict[int, Key]:
    rows = session.exec(
        select(QuizQuestion.id, QuizQuestion.answer, QuizQuestion.points).where(
            QuizQuestion.quiz_id == quiz_id
        )
    )
    return {qid: Key(decode_choice(answer), points) for qid, answer, points in rows if qid}


def full_marks(session: Session, quiz_id: int) -> int:
    total = session.exec(
        select(func.sum(QuizQuestion.points)).where(QuizQuestion.quiz_id == quiz_id)
    ).one()
    return int(total or 0)


# --- attempts and answers (both modes) ----------------------------------------------


# Keeps the first answer to a question on a sheet (storage/quiz_polls.py records votes in bulk with it).
RECORD_ANSWER = insert(QuizAnswer).on_conflict_do_nothing(
    index_elements=["attempt_id", "question_id"]
)


_NEW_SHEET = (
    insert(QuizAttempt)
    .on_conflict_do_nothing(index_elements=["quiz_id", "member_id", "number"])
    .returning(col(QuizAttempt.id))
)
_FIND_SHEET = sa_select(col(QuizAttempt.id)).where(
    col(QuizAttempt.quiz_id) == bindparam("quiz_id"),
    col(QuizAttempt.member_id) == bindparam("member_id"),
    col(QuizAttempt.number) == bindparam("number"),
)


def new_attempt(
    session: Session, *, quiz_id: int, member_id: int, user_id: int, number: int, now: datetime
) -> int:
    """A new answer sheet (or the existing one with this number); returns its id."""
    connection = session.connection()
    values = {
        "quiz_id": quiz_id,
        "member_id": member_id,
        "user_id": user_id,
        "number": number,
        "position": 0,
        "pending": "",
        "started_at": now,
    }
    new_id = connection.execute(_NEW_SHEET, values).scalar_one_or_none()
    if new_id is None:  # it exists already (the same person's vote seen twice)
        new_id = connection.execute(_FIND_SHEET, values).scalar_one()
    assert new_id is not None
    return int(new_id)


def record_answer(
    session: Session, *, attempt_id: int, question_id: int, chosen: Sequence[int], now: datetime
) -> bool:
    """Keep the member's first answer to a question; returns False if one was kept before."""
    values = {
        "attempt_id": attempt_id,
        "question_id": question_id,
        "chosen": encode_choice(chosen),
        "answered_at": now,
    }
    return bool(session.connection().execute(RECORD_ANSWER, values).rowcount)


# --- private mode: attempts -------------------------------------------------------------


def attempt(session: Session, attempt_id: int) -> QuizAttempt | None:
    return session.get(QuizAttempt, attempt_id)


def latest_attempt(session: Session, quiz_id: int, member_id: int) -> QuizAttempt | None:
    return session.exec(
        select(QuizAttempt)
        .where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.member_id == member_id)
        .order_by(col(QuizAttempt.number).desc())
    ).first()


def choices_of(session: Session, attempt_id: int) -> dict[int, frozenset[int]]:
    rows = session.exec(
        select(QuizAnswer.question_id, QuizAnswer.chosen).where(QuizAnswer.attempt_id == attempt_id)
    )
    return {qid: decode_choice(chosen) for qid, chosen in rows}


def score_of(session: Session, attempt_id: int, quiz_id: int) -> Score:
    return score_sheet(choices_of(session, attempt_id), keys(session, quiz_id))


# --- results ----------------------------------------------------------------------------


@dataclass
class Sheet:
    """The answer sheet that counts for one member (their best, if they answered more than once)."""

    member_id: int
    name: str
    attempt_id: int
    started_at: datetime
    finished_at: datetime | None
    choices: dict[int, frozenset[int]] = field(default_factory=dict)
    score: Score = field(default_factory=lambda: Score(0, 0, 0))


def sheets(
    session: Session, quiz_id: int, keys_: dict[int, Key], *, batch: int = 2000
) -> Iterator[Sheet]:
    """Each participating member's counted sheet, in roster order, streamed from the database.

    Members with no answer at all did not take part and are left out. Two cursors run side by
    side in the same order (answer sheets with their last answer time; the answers themselves),
    so only one member's attempts are held in memory at a time.
    """
    last_answer = func.max(QuizAnswer.answered_at)
    attempts = session.execute(
        sa_select(
            col(QuizAttempt.id),
            col(QuizAttempt.member_id),
            col(QuizAttempt.started_at),
            col(QuizAttempt.finished_at),
            col(Member.name),
            last_answer.label("last_answer"),
        )
        .join(Member, col(Member.id) == col(QuizAttempt.member_id))
        .join(QuizAnswer, col(QuizAnswer.attempt_id) == col(QuizAttempt.id))
        .where(col(QuizAttempt.quiz_id) == quiz_id)
        .group_by(col(QuizAttempt.id))
        .order_by(col(QuizAttempt.member_id), col(QuizAttempt.id))
        .execution_options(yield_per=batch)
    )
    # Plain columns only: converting 200,000 timestamps would cost more than the rest.
    answers = session.execute(
        select(col(QuizAnswer.attempt_id), col(QuizAnswer.question_id), col(QuizAnswer.chosen))
        .join(QuizAttempt, col(QuizAttempt.id) == col(QuizAnswer.attempt_id))
        .where(col(QuizAttempt.quiz_id) == quiz_id)
        .order_by(col(QuizAttempt.member_id), col(QuizAttempt.id))
        .execution_options(yield_per=batch)
    )
    pending = iter(answers)
    ahead = next(pending, None)
    count = len(keys_)
    best: Sheet | None = None
    for attempt_id, member_id, started, finished, name, last in attempts:
        sheet = Sheet(member_id, name, attempt_id, started, finished)
        while ahead is not None and ahead[0] == attempt_id:
            sheet.choices[ahead[1]] = decode_choice(ahead[2])
            ahead = next(pending, None)
        sheet.score = score_sheet(sheet.choices, keys_)
        if sheet.finished_at is None and count and sheet.score.answered >= count:
            sheet.finished_at = _aware(last)  # a group sheet is complete with its last answer
        if best is None or best.member_id != member_id:
            if best is not None:
                yield best
            best = sheet
        elif better(sheet.score, best.score):
            best = sheet
    if best is not None:
        yield best


def _aware(value: datetime | str | None) -> datetime | None:
    """An aggregate's timestamp (SQLite returns it untyped) as an aware UTC datetime."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def absent_members(session: Session, quiz_id: int, branch_id: int) -> Iterator[Member]:
    """Members still with the branch (storage.people) with no answer to this quiz, in roster
    order: nobody who moved away or passed away is listed as not taking part."""
    answered = (
        select(QuizAttempt.member_id)
        .join(QuizAnswer, col(QuizAnswer.attempt_id) == col(QuizAttempt.id))
        .where(QuizAttempt.quiz_id == quiz_id)
    )
    statement = (
        select(Member)
        .where(
            Member.branch_id == branch_id,
            people.in_branch(),
            col(Member.id).not_in(answered),
        )
        .order_by(col(Member.id))
        .execution_options(yield_per=2000)
    )
    yield from session.exec(statement)


def active_member_count(session: Session, branch_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Member)
            .where(Member.branch_id == branch_id, people.in_branch())
        ).one()
    )
