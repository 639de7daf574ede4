"""Answering privately: `/start quiz_<id>` opens the member's answer sheet; one question at a
time with a big button per option, ticks and a confirm for multiple answers, feedback after each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from bot.context import BotContext
from bot.core.quiz_layout import layout
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.callbacks import QuizConfirm, QuizTap
from handlers.common import (
    is_private,
    member_in_branch,
    reply,
)
from storage import branches
from storage import quiz as quizzes
from storage.models import QuizAttempt, QuizQuestion
from storage.quiz_scoring import decode_choice, is_correct, letters


async def start_private(update: Update, context: BotContext) -> None:
    """`/start quiz_<id>` from the group's button: start or resume the member's answer sheet."""
    message = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None:
        return
    m = re.search(r"quiz_(\d{1,12})", message.text or "")
    quiz = quizzes.get(context.db, int(m[1])) if m else None
    branch = branches.get(context.db, quiz.branch_id) if quiz and quiz.branch_id else None
    if quiz is None or quiz.id is None or branch is None or branch.id is None:
        reply(update, context, T.NOT_FOUND)
        return
    now = context.now()
    if quiz.status == "draft":
        reply(update, context, fmt(T.NOT_STARTED, title=quiz.title))
        return
    if not quizzes.is_open(quiz, now):
        reply(update, context, fmt(T.CLOSED, title=quiz.title))
        return
    if quiz.mode == "group":
        reply(update, context, fmt(T.IN_THE_GROUP, title=quiz.title))
        return
    member = branches.member(context.db, branch.id, user.id)
    if member is None or not member.active:
        member = await member_in_branch(context, branch.id, branch.chat_id, user)
    if member is None or member.id is None:
        reply(update, context, T.NOT_A_MEMBER)
        return
    questions = quizzes.questions(context.db, quiz.id)
    full = sum(q.points for q in questions)
    name = member.name
    latest = quizzes.latest_attempt(context.db, quiz.id, member.id)
    if latest is not None and latest.finished_at is None:
        attempt = latest
        greeting = fmt(T.WELCOME_BACK, name=name, title=quiz.title, number=attempt.position + 1)
    else:
        if latest is not None and not quiz.allow_retry:
            assert latest.id is not None
            score = quizzes.score_of(context.db, latest.id, quiz.id)
            reply(
                update,
                context,
                fmt(T.ALREADY_DONE, title=quiz.title, points=score.points, full=full),
            )
            return
        number = 1 if latest is None else latest.number + 1
        attempt_id = quizzes.new_attempt(
            context.db,
            quiz_id=quiz.id,
            member_id=member.id,
            user_id=user.id,
            number=number,
            now=now,
        )
        found = quizzes.attempt(context.db, attempt_id)
        assert found is not None
        attempt = found
        template = T.WELCOME if number == 1 else T.WELCOME_AGAIN
        greeting = fmt(
            template, name=name, title=quiz.title, count=len(questions), full=full, number=number
        )
    reply(update, context, greeting)
    send_question(context, chat.id, attempt, questions)


@dataclass(frozen=True)
class Shown:
    """A question as the member sees it: text and buttons."""

    text: str
    keyboard: InlineKeyboardMarkup


def question_head(question: QuizQuestion, count: int) -> str:
    """ "第2题（共3题 · 多选 · 2分）" and the question itself."""
    multiple = len(decode_choice(question.answer)) > 1
    return fmt(
        T.QUESTION,
        number=question.position,
        count=count,
        kind=T.KIND_MULTI if multiple else T.KIND_SINGLE,
        points=question.points,
        text=question.text,
    )


def show(attempt: QuizAttempt, question: QuizQuestion, count: int, ticked: frozenset[int]) -> Shown:
    assert attempt.id is not None
    options = quizzes.options_of(question)
    multiple = len(decode_choice(question.answer)) > 1
    laid = layout(options, ticked)
    text = question_head(question, count)
    if laid.options_in_text:
        text += "\n" + "".join(
            fmt(T.QUESTION_OPTION, letter=letters([i]), option=o) for i, o in enumerate(options)
        )
    action: Literal["a", "t"] = "t" if multiple else "a"
    rows = [
        [
            InlineKeyboardButton(
                label, callback_data=QuizTap(action, attempt.id, attempt.position, i).build()
            )
        ]
        for i, label in enumerate(laid.labels)
    ]
    if multiple:
        text += T.MULTI_HINT
        confirm = QuizConfirm(attempt.id, attempt.position).build()
        rows.append([InlineKeyboardButton(T.CONFIRM_BUTTON, callback_data=confirm)])
    return Shown(text, InlineKeyboardMarkup(rows))


def feedback_text(question: QuizQuestion, count: int, chosen: frozenset[int]) -> str:
    """The answered question: every option marked (right ones, the member's wrong picks),
    whether the answer was right, and the explanation."""
    correct = decode_choice(question.answer)
    lines = []
    for index, option in enumerate(quizzes.options_of(question)):
        mark = T.MARK_RIGHT if index in correct else ""
        if index in chosen and index not in correct:
            mark = T.MARK_CHOSEN_WRONG
        lines.append(fmt(T.QUESTION_OPTION, letter=letters([index]), option=option) + mark)
    text = question_head(question, count) + "\n" + "".join(lines)
    if is_correct(chosen, correct):
        text += T.RIGHT
    else:
        text += fmt(T.WRONG, chosen=letters(chosen), answer=letters(correct))
    if question.explanation.strip():
        text += fmt(T.EXPLANATION, explanation=question.explanation.strip())
    return text


def send_question(
    context: BotContext, chat_id: int, attempt: QuizAttempt, questions: list[QuizQuestion]
) -> None:
    question = questions[attempt.position]
    shown = show(attempt, question, len(questions), decode_choice(attempt.pending))
    context.outbox.message(
        context.db,
        chat_id,
        shown.text,
        keyboard=shown.keyboard,
        kind="quiz.question",
        ref=attempt.id or 0,
    )


async def option_pressed(update: Update, context: BotContext, tap: QuizTap) -> None:
    """An option of a private question: the answer, or a tick of a multi-answer one."""
    await _pressed(update, context, tap.action, tap.attempt, tap.position, tap.option)


async def confirm_pressed(update: Update, context: BotContext, tap: QuizConfirm) -> None:
    """The confirm button under a multi-answer question: the ticked options are the answer."""
    await _pressed(update, context, "c", tap.attempt, tap.position, None)


async def _pressed(
    update: Update,
    context: BotContext,
    action: Literal["a", "t", "c"],
    attempt_id: int,
    position: int,
    option: int | None,
) -> None:
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return

    def answer(text: str | None = None) -> None:
        assert query is not None and chat is not None
        context.outbox.answer_callback(context.db, chat.id, query.id, text)

    attempt = quizzes.attempt(context.db, attempt_id)
    if attempt is None or query.message is None:
        answer(T.TAP_STALE)
        return
    if attempt.user_id != user.id or not is_private(chat):
        answer(T.TAP_NOT_YOURS)
        return
    quiz = quizzes.get(context.db, attempt.quiz_id)
    if quiz is None or quiz.id is None:
        answer(T.TAP_STALE)
        return
    if not quizzes.is_open(quiz, context.now()):
        answer(T.TAP_CLOSED)
        return
    if attempt.finished_at is not None or position != attempt.position:
        answer(T.TAP_ANSWERED)
        return
    questions = quizzes.questions(context.db, quiz.id)
    if position >= len(questions):
        answer(T.TAP_STALE)
        return
    question = questions[position]
    options = quizzes.options_of(question)
    correct = decode_choice(question.answer)
    multiple = len(correct) > 1
    if (action == "a" and multiple) or (action != "a" and not multiple):
        answer(T.TAP_STALE)
        return
    if option is not None and option >= len(options):
        answer(T.TAP_STALE)
        return
    message_id = query.message.message_id
    if action == "t":
        assert option is not None
        ticked = decode_choice(attempt.pending) ^ {option}
        attempt.pending = ",".join(str(i) for i in sorted(ticked))
        shown = show(attempt, question, len(questions), frozenset(ticked))
        answer()
        context.outbox.edit_text(
            context.db, chat.id, message_id, shown.text, keyboard=shown.keyboard
        )
        return
    chosen = frozenset([option]) if action == "a" and option is not None else None
    if chosen is None:
        chosen = decode_choice(attempt.pending)
        if not chosen:
            answer(T.TAP_PICK_FIRST)
            return
    assert attempt.id is not None and question.id is not None
    quizzes.record_answer(
        context.db,
        attempt_id=attempt.id,
        question_id=question.id,
        chosen=sorted(chosen),
        now=context.now(),
    )
    attempt.position += 1
    attempt.pending = ""
    answer(T.TAP_RECORDED)
    context.outbox.edit_text(
        context.db, chat.id, message_id, feedback_text(question, len(questions), chosen)
    )
    if attempt.position < len(questions):
        send_question(context, chat.id, attempt, questions)
        return
    attempt.finished_at = context.now()
    context.db.flush()
    score = quizzes.score_of(context.db, attempt.id, quiz.id)
    text = fmt(
        T.FINISHED,
        points=score.points,
        full=sum(q.points for q in questions),
        correct=score.correct,
        count=len(questions),
    )
    keyboard = None
    if quiz.allow_retry:
        text += T.FINISHED_RETRY
        again = InlineKeyboardButton(
            T.AGAIN_BUTTON, url=context.services.deep_link(f"quiz_{quiz.id}")
        )
        keyboard = InlineKeyboardMarkup([[again]])
    context.outbox.message(
        context.db, chat.id, text, keyboard=keyboard, kind="quiz.finished", ref=attempt.id
    )
