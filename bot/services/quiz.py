"""Knowledge-quiz work over a session and the outbox: starting a quiz (the group's intro and
one poll per question, or the private-quiz button), closing it (stop its polls, post the
encouraging summary), the results /results shows, and how quiz times and states read in
Chinese. Used by the /quiz handlers and the closing job. Everything here queues through the
outbox inside the caller's transaction; nothing calls Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Services
from bot.core import cn_format
from bot.core.quiz_layout import StartArgs, poll_explanation, poll_question
from bot.runtime.outbox import Outbox, SendPoll
from bot.texts import SafeHtml, fmt
from bot.texts import common as TC
from bot.texts import quiz as T
from storage import branches, quiz_polls
from storage import quiz as quizzes
from storage.models import Quiz, QuizQuestion
from storage.quiz_scoring import Tally, average, decode_choice, format_number, tally

# The summary lists at most this many names (a long list helps nobody in a group chat).
SUMMARY_NAMES = 60
RESULTS_LINES = 40
RESULTS_QUESTION_CHARS = 24


def mode_name(mode: str | None) -> str:
    return T.MODE_GROUP if mode == "group" else T.MODE_PRIVATE


def state_text(quiz: Quiz, tz: ZoneInfo) -> str:
    if quiz.status == "open":
        return fmt(
            T.STATE_OPEN, mode=mode_name(quiz.mode), closes=cn_format.moment(quiz.closes_at, tz)
        )
    if quiz.status == "closed":
        return fmt(T.STATE_CLOSED, closed=cn_format.moment(quiz.closed_at, tz))
    return T.STATE_DRAFT


@dataclass
class Results:
    """A quiz's results so far: participants' counted scores and per-question tallies."""

    quiz: Quiz
    scores: list[tuple[str, int, datetime]]  # (name, points, started) in roster order
    tallies: list[tuple[int, str, Tally]]  # (position, question text, tally)
    full: int
    members: int

    @property
    def average(self) -> str:
        mean = average(points for _, points, _ in self.scores)
        return T.NO_AVERAGE if mean is None else format_number(mean)


def results(session: Session, quiz: Quiz) -> Results:
    assert quiz.id is not None and quiz.branch_id is not None
    questions = quizzes.questions(session, quiz.id)
    keys = {q.id: quizzes.key_of(q) for q in questions if q.id is not None}
    scores: list[tuple[str, int, datetime]] = []
    choices: list[dict[int, frozenset[int]]] = []
    for sheet in quizzes.sheets(session, quiz.id, keys):
        scores.append((sheet.name, sheet.score.points, sheet.started_at))
        choices.append(sheet.choices)
    tallies = tally(choices, keys)
    return Results(
        quiz=quiz,
        scores=scores,
        tallies=[(q.position, q.text, tallies[q.id]) for q in questions if q.id is not None],
        full=sum(k.points for k in keys.values()),
        members=quizzes.active_member_count(session, quiz.branch_id),
    )


def summary_text(found: Results) -> str:
    """The closing message for the group: encouraging, names only if the admin chose so."""
    quiz = found.quiz
    if not found.scores:
        return fmt(T.SUMMARY_NOBODY, title=quiz.title)
    text = fmt(
        T.SUMMARY,
        title=quiz.title,
        participants=len(found.scores),
        average=found.average,
        full=found.full,
    )
    if quiz.show_scores:
        # In the order people took part: a ranking would single out the last.
        ordered = sorted(found.scores, key=lambda item: item[2])
        lines = [
            fmt(T.SUMMARY_SCORE_LINE, name=name, points=points)
            for name, points, _ in ordered[:SUMMARY_NAMES]
        ]
        if len(ordered) > SUMMARY_NAMES:
            lines.append(fmt(T.SUMMARY_MORE, count=len(ordered) - SUMMARY_NAMES))
        text += fmt(T.SUMMARY_SCORES, lines=SafeHtml("\n".join(lines)))
    return text


def results_text(found: Results, tz: ZoneInfo) -> str:
    """What /results shows: participation, the average and each question's accuracy."""
    lines = []
    for position, text, counted in found.tallies[:RESULTS_LINES]:
        short = text if len(text) <= RESULTS_QUESTION_CHARS else text[:RESULTS_QUESTION_CHARS] + "…"
        if counted.answered:
            lines.append(
                fmt(
                    T.RESULTS_LINE,
                    number=position,
                    text=short,
                    accuracy=f"{format_number(counted.accuracy or 0.0)}%",
                    correct=counted.correct,
                    answered=counted.answered,
                )
            )
        else:
            lines.append(fmt(T.RESULTS_NO_ANSWERS, number=position, text=short))
    if len(found.tallies) > RESULTS_LINES:
        lines.append(fmt(T.RESULTS_MORE, count=len(found.tallies)))
    return (
        fmt(
            T.RESULTS,
            title=found.quiz.title,
            state=SafeHtml(state_text(found.quiz, tz)),
            participants=len(found.scores),
            members=found.members,
            average=found.average,
            full=found.full,
            lines=SafeHtml("\n".join(lines)),
        )
        + T.RESULTS_EXPORT_HINT
    )


def stop_polls(session: Session, outbox: Outbox, quiz: Quiz) -> None:
    """Stop every poll of a closed group quiz that is still open (idempotent)."""
    assert quiz.id is not None
    question_ids = [q.id for q in quizzes.questions(session, quiz.id) if q.id is not None]
    quiz_polls.cancel_unsent_polls(session, question_ids)
    for question_id, chat_id, message_id in quiz_polls.unstopped_polls(session, question_ids):
        outbox.stop_poll(
            session,
            chat_id,
            message_id,
            dedupe_key=quizzes.stop_key(question_id),
            kind="quiz.stop",
            ref=question_id,
        )


def close_quiz(session: Session, outbox: Outbox, quiz: Quiz, *, now: datetime) -> None:
    """Close the quiz: no more answers count, polls stop, the group gets the summary."""
    assert quiz.id is not None and quiz.branch_id is not None
    quizzes.close(quiz, now)
    session.flush()
    if quiz.mode == "group":
        stop_polls(session, outbox, quiz)
    branch = branches.get(session, quiz.branch_id)
    if branch is None or not branch.active:
        return
    outbox.message(
        session,
        branch.chat_id,
        summary_text(results(session, quiz)),
        dedupe_key=f"quiz:{quiz.id}:summary",
        kind="quiz.summary",
        ref=quiz.id,
    )


def open_quiz(
    services: Services, session: Session, quiz: Quiz, args: StartArgs, notify: int | None
) -> str:
    """Start the quiz and queue what the group gets; returns the answer for the admin.

    `notify` is whom to tell privately if a poll cannot be sent (the admin starting it).
    """
    tz = services.settings.tz
    if quiz.status == "open":
        return fmt(T.ALREADY_OPEN, title=quiz.title, closes=cn_format.moment(quiz.closes_at, tz))
    if quiz.status == "closed":
        return fmt(T.ALREADY_CLOSED, title=quiz.title)
    if args.mode == "group" and not quiz.poll_ok:
        return fmt(T.NEEDS_PRIVATE, title=quiz.title, id=quiz.id)
    assert quiz.id is not None and quiz.branch_id is not None
    branch = branches.get(session, quiz.branch_id)
    if branch is None or not branch.active:
        return TC.NOT_A_BRANCH
    quizzes.start(
        quiz,
        mode=args.mode,
        now=services.now(),
        hours=args.hours,
        show_scores=args.show_scores,
        allow_retry=args.allow_retry,
    )
    questions = quizzes.questions(session, quiz.id)
    closes = cn_format.moment(quiz.closes_at, tz)
    full = sum(q.points for q in questions)
    values: dict[str, Any] = {
        "title": quiz.title,
        "count": len(questions),
        "full": full,
        "closes": closes,
    }
    if args.mode == "group":
        services.outbox.message(
            session,
            branch.chat_id,
            fmt(T.GROUP_INTRO, **values),
            dedupe_key=f"quiz:{quiz.id}:intro",
            kind="quiz.intro",
            ref=quiz.id,
        )
        for question in questions:
            assert question.id is not None
            services.outbox.poll(
                session,
                poll_payload(branch.chat_id, question),
                dedupe_key=f"quiz:poll:{question.id}",
                kind=quizzes.POLL_KIND,
                ref=question.id,
                describe=T.POLL_DESCRIBE.format(title=quiz.title, number=question.position),
                notify_chat_id=notify,
            )
    else:
        button = InlineKeyboardButton(T.START_BUTTON, url=services.deep_link(f"quiz_{quiz.id}"))
        services.outbox.message(
            session,
            branch.chat_id,
            fmt(T.PRIVATE_INTRO, **values),
            keyboard=InlineKeyboardMarkup([[button]]),
            dedupe_key=f"quiz:{quiz.id}:intro",
            kind="quiz.intro",
            ref=quiz.id,
        )
    return fmt(
        T.STARTED,
        title=quiz.title,
        mode=mode_name(args.mode),
        closes=closes,
        id=quiz.id,
        scores=T.STARTED_SCORES if args.show_scores else "",
    )


def poll_payload(chat_id: int, question: QuizQuestion) -> SendPoll:
    """A non-anonymous Telegram quiz poll for one question (each vote reaches the bot)."""
    answer = sorted(decode_choice(question.answer))
    multiple = len(answer) > 1
    payload: SendPoll = {
        "chat_id": chat_id,
        "question": poll_question(question.position, question.text, multiple),
        "options": [{"text": option} for option in quizzes.options_of(question)],
        "is_anonymous": False,
        "type": "quiz",
        "correct_option_ids": answer,
    }
    if multiple:
        payload["allows_multiple_answers"] = True
    explanation = poll_explanation(question.explanation)
    if explanation:
        payload["explanation"] = explanation
    return payload
