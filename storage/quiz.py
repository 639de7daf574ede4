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

from sqlalchemy import and_, bindparam, exists, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import people
from storage.models import (
    Branch,
    Member,
    OutboxMessage,
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


def due_to_close(session: Session, now: datetime) -> list[Quiz]:
    return list(session.exec(select(Quiz).where(Quiz.status == "open", col(Quiz.closes_at) <= now)))


def recently_closed(session: Session, now: datetime) -> list[Quiz]:
    return list(
        session.exec(
            select(Quiz).where(
                Quiz.status == "closed",
                Quiz.mode == "group",
                col(Quiz.closed_at) > now - STOP_CHECK,
            )
        )
    )


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
_RECORD = insert(QuizAnswer).on_conflict_do_nothing(index_elements=["attempt_id", "question_id"])


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
    return bool(session.connection().execute(_RECORD, values).rowcount)


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
            _RECORD,
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


def unsure_polls_before(session: Session, before: datetime) -> list[OutboxMessage]:
    """Unsure quiz polls tried before `before` that no vote has shown to have gone out."""
    return list(
        session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == POLL_KIND,
                OutboxMessage.status == "unsure",
                col(OutboxMessage.sent_at) <= before,
            )
        )
    )


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
