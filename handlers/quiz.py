"""Knowledge quizzes (知识测试): import a bank, run it in the group or privately, see results.

Admins: `/quiz` (list), reply `/quiz 名称` to a spreadsheet (import), `/quiz template`,
`/quiz start <id> group|private [hours] [公布成绩] [可重答]`, `/quiz close <id>`, and the start
buttons under an imported bank. Staff and admins: `/results`, and the quiz download offered by
/export. Members: vote in the group's quiz polls (each `poll_answer` is recorded, the first one
counts), or answer privately after `/start quiz_<id>`, one question at a time with buttons.

Every button is checked again when pressed (data can be forged; quizzes close; attempts belong
to one person) and every press is answered.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import (
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.context import BotContext, Command, Services
from bot.core.quiz_layout import (
    ArgsError,
    StartArgs,
    layout,
    parse_start,
    parse_tap,
    poll_explanation,
    poll_question,
    tap_data,
)
from bot.runtime.outbox import SendPoll
from bot.services.quiz import close_quiz, local_time, mode_name, results, results_text, state_text
from bot.texts import SafeHtml, fmt
from bot.texts import common as C
from bot.texts import quiz as T
from handlers.common import (
    admin_branches,
    admin_only,
    current_branch,
    display_name,
    download_button,
    is_group,
    is_private,
    reply,
    send_generated_file,
    staff_only,
    viewable_branches,
)
from storage import branches
from storage import quiz as quizzes
from storage.exports.quiz import build_quiz_export
from storage.models import Member, Quiz, QuizAttempt, QuizQuestion
from storage.quiz_scoring import decode_choice, is_correct, letters
from storage.spreadsheets import BankError, parse_quiz_bank, quiz_template, safe_filename

log = logging.getLogger(__name__)

COMMANDS = [
    Command("quiz", T.CMD_QUIZ, "admin"),
    Command("results", T.CMD_RESULTS, "staff"),
]

MAX_BANK_BYTES = 5 * 1024 * 1024
TITLE_MAX = 60
IN_GROUP = frozenset({"creator", "administrator", "member", "restricted"})
TEMPLATE_WORDS = frozenset({"template", "模板"})
START_WORDS = frozenset({"start", "开始"})
CLOSE_WORDS = frozenset({"close", "stop", "结束"})
LIST_WORDS = frozenset({"list", "列表"})
POLL_CACHE = "quiz_polls"
EXPORT_TASKS = "quiz_exports"


# --- importing a bank ------------------------------------------------------------------------


@admin_only
async def quiz_command(update: Update, context: BotContext) -> None:
    """/quiz and its sub-commands; replying to a spreadsheet imports it."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    first = args[0].lower() if args else ""
    replied = message.reply_to_message
    if first in TEMPLATE_WORDS:
        send_template(update, context)
    elif is_group(update.effective_chat) and current_branch(update, context) is None:
        reply(update, context, C.NOT_A_BRANCH)
    elif first in START_WORDS:
        await start_command(update, context, args[1:])
    elif first in CLOSE_WORDS:
        await close_command(update, context, args[1:])
    elif replied is not None and replied.document is not None:
        await import_bank(update, context, replied, replied.document, " ".join(args))
    elif first in LIST_WORDS or not args:
        await list_quizzes(update, context)
    else:
        reply(update, context, T.NEED_FILE)


@admin_only
async def quiz_caption(update: Update, context: BotContext) -> None:
    """A spreadsheet sent with the caption `/quiz 名称`."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    title = re.sub(r"^/quiz(@\w+)?", "", message.caption or "").strip()
    await import_bank(update, context, message, message.document, title)


def send_template(update: Update, context: BotContext) -> None:
    send_generated_file(
        update,
        context,
        quiz_template(),
        stored_as="quiz-template.xlsx",
        filename="知识测试题库模板.xlsx",
        caption=T.TEMPLATE_CAPTION,
        kind="quiz.template",
    )


async def import_bank(
    update: Update, context: BotContext, source: Message, document: Document, title: str
) -> None:
    """Check the spreadsheet and, if every row is right, store it as a draft quiz."""
    user = update.effective_user
    if user is None:
        return
    if is_group(update.effective_chat):
        here = current_branch(update, context)
        if here is None:
            reply(update, context, C.NOT_A_BRANCH)
            return
        targets = [here]
    else:
        targets = await admin_branches(update, context)
        if not targets:
            reply(update, context, C.NO_BRANCH_PRIVATE)
            return
    if document.file_size is not None and document.file_size > MAX_BANK_BYTES:
        size = f"{document.file_size / 1024 / 1024:.1f}"
        reply(update, context, fmt(T.FILE_TOO_BIG, size=size))
        return
    name = document.file_name or "题库"
    try:
        telegram_file = await context.bot.get_file(document.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("quiz: could not download bank %s: %s", document.file_id, exc)
        reply(update, context, T.DOWNLOAD_FAILED)
        return
    try:
        questions = parse_quiz_bank(data, name, for_polls=False)
    except BankError as exc:
        reply(update, context, fmt(T.BANK_REFUSED, report=exc.describe()))
        return
    poll_problems: BankError | None = None
    try:
        parse_quiz_bank(data, name, for_polls=True)
    except BankError as exc:
        poll_problems = exc
    title = (title.strip() or Path(name).stem.strip() or "知识测试")[:TITLE_MAX]
    quiz = quizzes.create(
        context.db,
        branch_id=targets[0].id if len(targets) == 1 else None,
        title=title,
        questions=questions,
        poll_ok=poll_problems is None,
        created_by=user.id,
        now=context.now(),
    )
    if len(targets) > 1:
        choices = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.title, callback_data=f"quiz:bank:{quiz.id}:{b.id}")]
                for b in targets
            ]
        )
        text = fmt(T.CHOOSE_BRANCH, title=title, count=len(questions))
        reply(update, context, text, keyboard=choices)
        return
    text, keyboard = card(context, quiz, poll_problems)
    chat = update.effective_chat
    assert chat is not None
    context.outbox.message(context.db, chat.id, text, reply_to=source.message_id, keyboard=keyboard)


def plain(html_text: str) -> str:
    """An HTML text for a place that shows plain text (a button press's notice)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def card(
    context: BotContext, quiz: Quiz, poll_problems: BankError | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The imported quiz shown with its question count and the buttons that start it."""
    assert quiz.id is not None
    questions = quizzes.questions(context.db, quiz.id)
    multi = sum(1 for q in questions if len(decode_choice(q.answer)) > 1)
    text = fmt(
        T.IMPORTED,
        title=quiz.title,
        id=quiz.id,
        count=len(questions),
        single=len(questions) - multi,
        multi=multi,
        full=sum(q.points for q in questions),
        hours=quizzes.DEFAULT_HOURS,
    )
    if not quiz.poll_ok:
        if poll_problems is None:
            text += T.POLL_TOO_LONG_SHORT
        else:
            problems = "\n".join(str(p) for p in poll_problems.problems)
            text += fmt(T.POLL_TOO_LONG, problems=problems)
    if quiz.status != "draft":
        return text, None
    buttons = []
    if quiz.poll_ok:
        buttons.append(
            InlineKeyboardButton(T.BUTTON_START_GROUP, callback_data=f"quiz:go:{quiz.id}:g")
        )
    buttons.append(
        InlineKeyboardButton(T.BUTTON_START_PRIVATE, callback_data=f"quiz:go:{quiz.id}:p")
    )
    return text, InlineKeyboardMarkup([[b] for b in buttons])


async def choose_branch(update: Update, context: BotContext) -> None:
    """The admin of several branches says which branch a privately sent bank is for."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    m = re.fullmatch(r"quiz:bank:(\d{1,12}):(\d{1,12})", query.data or "")
    quiz = quizzes.get(context.db, int(m[1])) if m else None
    if m is None or quiz is None or quiz.created_by != user.id:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_STALE)
        return
    if quiz.branch_id is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_ANSWERED)
        return
    allowed = {b.id: b for b in await admin_branches(update, context)}
    branch = allowed.get(int(m[2]))
    if branch is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_NOT_ADMIN)
        return
    quiz.branch_id = branch.id
    context.db.flush()
    context.outbox.answer_callback(
        context.db, chat.id, query.id, T.BRANCH_CHOSEN.format(title=quiz.title, branch=branch.title)
    )
    text, keyboard = card(context, quiz)
    if query.message is not None:
        context.outbox.edit_text(
            context.db, chat.id, query.message.message_id, text, keyboard=keyboard
        )


# --- listing, starting, closing ----------------------------------------------------------


async def list_quizzes(update: Update, context: BotContext) -> None:
    """The branch's quizzes with their state, and the commands that act on them."""
    targets = await admin_branches(update, context)
    if not targets:
        reply(update, context, C.NO_BRANCH_PRIVATE)
        return
    tz = context.settings.tz
    parts = []
    for branch in targets:
        assert branch.id is not None
        found = quizzes.of_branch(context.db, branch.id)
        if not found:
            parts.append(fmt(T.LIST_EMPTY, branch=branch.title))
            continue
        lines = [fmt(T.LIST_HEADER, branch=branch.title)]
        lines += [
            fmt(
                T.LIST_LINE,
                id=q.id,
                title=q.title,
                count=q.question_count,
                state=SafeHtml(state_text(q, tz)),
            )
            for q in found
        ]
        parts.append("\n".join(lines))
    reply(update, context, "\n\n".join(parts) + T.LIST_HELP)


async def quiz_for_admin(update: Update, context: BotContext, quiz_id: int) -> Quiz | None:
    """The quiz if it belongs to a branch the sender administers here; else say so."""
    quiz = quizzes.get(context.db, quiz_id)
    allowed = {b.id for b in await admin_branches(update, context)}
    if quiz is None or (quiz.branch_id is not None and quiz.branch_id not in allowed):
        reply(update, context, fmt(T.NO_SUCH_QUIZ, id=quiz_id))
        return None
    if quiz.branch_id is None:
        reply(update, context, T.UNASSIGNED)
        return None
    return quiz


async def start_command(update: Update, context: BotContext, words: list[str]) -> None:
    """/quiz start <id> group|private [hours] [公布成绩] [可重答]"""
    try:
        args = parse_start(words)
    except ArgsError as exc:
        reply(update, context, exc.text)
        return
    quiz = await quiz_for_admin(update, context, args.quiz_id)
    if quiz is not None:
        reply(update, context, open_quiz(context, quiz, args, starter(update, context)))


async def start_button(update: Update, context: BotContext) -> None:
    """The start buttons under an imported bank (default window, no names, one attempt)."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    m = re.fullmatch(r"quiz:go:(\d{1,12}):([gp])", query.data or "")
    quiz = quizzes.get(context.db, int(m[1])) if m else None
    if m is None or quiz is None or quiz.branch_id is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_STALE)
        return
    branch = branches.get(context.db, quiz.branch_id)
    if branch is None or not await context.services.roles.is_admin(user.id, branch.chat_id):
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_NOT_ADMIN)
        return
    assert quiz.id is not None
    mode = "group" if m[2] == "g" else "private"
    if quiz.status != "draft":  # pressed twice, or started meanwhile by command
        context.outbox.answer_callback(
            context.db,
            chat.id,
            query.id,
            plain(open_quiz(context, quiz, StartArgs(quiz.id, mode), None)),
        )
        return
    text = open_quiz(context, quiz, StartArgs(quiz.id, mode), starter(update, context))
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if query.message is not None and quiz.status == "open":
        # The started quiz's card loses its buttons, so nobody starts it twice.
        card_text, _ = card(context, quiz)
        context.outbox.edit_text(context.db, chat.id, query.message.message_id, card_text)
    context.outbox.message(
        context.db,
        chat.id,
        text,
        reply_to=query.message.message_id if query.message is not None else None,
    )


def starter(update: Update, context: BotContext) -> int | None:
    """Whom to tell privately if a poll cannot be sent: the admin starting it, if reachable."""
    user = update.effective_user
    if user is None or not branches.reachable_privately(context.db, [user.id]):
        return None
    return user.id


def open_quiz(context: BotContext, quiz: Quiz, args: StartArgs, notify: int | None) -> str:
    """Start the quiz and queue what the group gets; returns the answer for the admin."""
    tz = context.settings.tz
    if quiz.status == "open":
        return fmt(T.ALREADY_OPEN, title=quiz.title, closes=local_time(quiz.closes_at, tz))
    if quiz.status == "closed":
        return fmt(T.ALREADY_CLOSED, title=quiz.title)
    if args.mode == "group" and not quiz.poll_ok:
        return fmt(T.NEEDS_PRIVATE, title=quiz.title, id=quiz.id)
    assert quiz.id is not None and quiz.branch_id is not None
    branch = branches.get(context.db, quiz.branch_id)
    if branch is None or not branch.active:
        return C.NOT_A_BRANCH
    quizzes.start(
        quiz,
        mode=args.mode,
        now=context.now(),
        hours=args.hours,
        show_scores=args.show_scores,
        allow_retry=args.allow_retry,
    )
    questions = quizzes.questions(context.db, quiz.id)
    closes = local_time(quiz.closes_at, tz)
    full = sum(q.points for q in questions)
    values: dict[str, Any] = {
        "title": quiz.title,
        "count": len(questions),
        "full": full,
        "closes": closes,
    }
    if args.mode == "group":
        context.outbox.message(
            context.db,
            branch.chat_id,
            fmt(T.GROUP_INTRO, **values),
            dedupe_key=f"quiz:{quiz.id}:intro",
            kind="quiz.intro",
            ref=quiz.id,
        )
        for question in questions:
            assert question.id is not None
            context.outbox.poll(
                context.db,
                poll_payload(branch.chat_id, question),
                dedupe_key=f"quiz:poll:{question.id}",
                kind=quizzes.POLL_KIND,
                ref=question.id,
                describe=T.POLL_DESCRIBE.format(title=quiz.title, number=question.position),
                notify_chat_id=notify,
            )
    else:
        button = InlineKeyboardButton(
            T.START_BUTTON, url=context.services.deep_link(f"quiz_{quiz.id}")
        )
        context.outbox.message(
            context.db,
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


async def close_command(update: Update, context: BotContext, words: list[str]) -> None:
    """/quiz close <id>: end the quiz now and post the summary."""
    if len(words) != 1 or not words[0].isdigit():
        reply(update, context, T.USAGE)
        return
    quiz = await quiz_for_admin(update, context, int(words[0]))
    if quiz is None:
        return
    if quiz.status != "open":
        state = state_text(quiz, context.settings.tz)
        reply(update, context, fmt(T.NOT_OPEN, title=quiz.title, state=SafeHtml(state)))
        return
    close_quiz(context.db, context.outbox, quiz, now=context.now())
    reply(update, context, fmt(T.CLOSED_BY_ADMIN, title=quiz.title))


# --- answering in the group: polls ---------------------------------------------------------


def poll_cache(services: Services) -> dict[str, quizzes.PollTarget]:
    cache: dict[str, quizzes.PollTarget] = services.extras.setdefault(POLL_CACHE, {})
    return cache


async def poll_answer(update: Update, context: BotContext) -> None:
    """A member voted in a quiz poll: keep their first choice while the quiz is open."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return  # anonymous, or a retracted vote: the first answer stays
    cache = poll_cache(context.services)
    target = cache.get(answer.poll_id)
    if target is None:
        target = quizzes.poll_target(context.db, answer.poll_id)
        if target is None:
            return  # not one of our quiz polls (or not yet known to be: see storage.outbox)
        if len(cache) > 50_000:
            cache.clear()
        cache[answer.poll_id] = target
    user = answer.user
    now = context.now()
    voter = quizzes.voter(
        context.db, quiz_id=target.quiz_id, branch_id=target.branch_id, user_id=user.id
    )
    if voter is None:
        return
    member_id = voter.member_id
    if member_id is None:
        # Someone the bot has not seen in the group yet: ask Telegram once whether they are in it.
        member = await member_in_group(context, target.branch_id, target.chat_id, user)
        if member is None:
            return
        member_id = member.id
    elif not voter.member_active:
        return
    if not voter.is_open(now):
        tell_late(context, target.quiz_id, user.id)
        return
    assert member_id is not None
    attempt_id = voter.attempt_id or quizzes.new_attempt(
        context.db,
        quiz_id=target.quiz_id,
        member_id=member_id,
        user_id=user.id,
        number=1,
        now=now,
    )
    quizzes.record_answer(
        context.db,
        attempt_id=attempt_id,
        question_id=target.question_id,
        chosen=answer.option_ids,
        now=now,
    )


async def member_in_group(
    context: BotContext, branch_id: int, chat_id: int, user: User
) -> Member | None:
    """The member for this person if Telegram says they are in the branch group."""
    if user.is_bot:
        return None
    if await context.services.roles.status(chat_id, user.id) not in IN_GROUP:
        return None
    return branches.ensure_member(
        context.db,
        branch_id=branch_id,
        user_id=user.id,
        name=display_name(user),
        now=context.now(),
    )


def tell_late(context: BotContext, quiz_id: int, user_id: int) -> None:
    """Kindly, once per quiz and only in private: that answer came after the close."""
    if not branches.reachable_privately(context.db, [user_id]):
        return
    quiz = quizzes.get(context.db, quiz_id)
    if quiz is None:
        return
    context.outbox.message(
        context.db,
        user_id,
        fmt(T.LATE_ANSWER, title=quiz.title),
        dedupe_key=f"quiz:{quiz_id}:late:{user_id}",
        kind="quiz.late",
        ref=quiz_id,
    )


# --- answering privately -------------------------------------------------------------------


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
        member = await member_in_group(context, branch.id, branch.chat_id, user)
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
    action = "t" if multiple else "a"
    rows = [
        [
            InlineKeyboardButton(
                label, callback_data=tap_data(action, attempt.id, attempt.position, i)
            )
        ]
        for i, label in enumerate(laid.labels)
    ]
    if multiple:
        text += T.MULTI_HINT
        rows.append(
            [
                InlineKeyboardButton(
                    T.CONFIRM_BUTTON, callback_data=tap_data("c", attempt.id, attempt.position)
                )
            ]
        )
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


async def answer_button(update: Update, context: BotContext) -> None:
    """An option, tick or confirm button of a private question."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return

    def answer(text: str | None = None) -> None:
        assert query is not None and chat is not None
        context.outbox.answer_callback(context.db, chat.id, query.id, text)

    tap = parse_tap(query.data or "")
    attempt = quizzes.attempt(context.db, tap.attempt_id) if tap else None
    if tap is None or attempt is None or query.message is None:
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
    if attempt.finished_at is not None or tap.position != attempt.position:
        answer(T.TAP_ANSWERED)
        return
    questions = quizzes.questions(context.db, quiz.id)
    if tap.position >= len(questions):
        answer(T.TAP_STALE)
        return
    question = questions[tap.position]
    options = quizzes.options_of(question)
    correct = decode_choice(question.answer)
    multiple = len(correct) > 1
    if (tap.action == "a" and multiple) or (tap.action != "a" and not multiple):
        answer(T.TAP_STALE)
        return
    if tap.option is not None and tap.option >= len(options):
        answer(T.TAP_STALE)
        return
    message_id = query.message.message_id
    if tap.action == "t":
        assert tap.option is not None
        ticked = decode_choice(attempt.pending) ^ {tap.option}
        attempt.pending = ",".join(str(i) for i in sorted(ticked))
        shown = show(attempt, question, len(questions), frozenset(ticked))
        answer()
        context.outbox.edit_text(
            context.db, chat.id, message_id, shown.text, keyboard=shown.keyboard
        )
        return
    chosen = frozenset([tap.option]) if tap.action == "a" and tap.option is not None else None
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


# --- results for staff ---------------------------------------------------------------------


@staff_only
async def show_results(update: Update, context: BotContext) -> None:
    """/results [id]: the latest quiz's participation and per-question accuracy."""
    scope = await viewable_branches(update, context)
    if not scope:
        reply(
            update,
            context,
            C.NOT_A_BRANCH if is_group(update.effective_chat) else C.NO_BRANCH_PRIVATE,
        )
        return
    tz = context.settings.tz
    args = context.args or []
    if args:
        if not args[0].isdigit():
            reply(update, context, T.RESULTS_USAGE)
            return
        quiz = quizzes.get(context.db, int(args[0]))
        if quiz is None or quiz.branch_id not in {b.id for b in scope}:
            reply(update, context, fmt(T.NO_SUCH_QUIZ, id=args[0]))
            return
        reply(update, context, results_text(results(context.db, quiz), tz))
        return
    for branch in scope:
        assert branch.id is not None
        latest = quizzes.latest(context.db, branch.id)
        if latest is None:
            reply(update, context, fmt(T.RESULTS_NONE, branch=branch.title))
        else:
            reply(update, context, results_text(results(context.db, latest), tz))


@download_button
async def export_menu(update: Update, context: BotContext) -> None:
    """The /export menu's quiz button: choose which quiz to download."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    scope = [b.id for b in await viewable_branches(update, context) if b.id is not None]
    found = quizzes.started_of(context.db, scope)
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if not found:
        reply(update, context, T.EXPORT_NONE)
        return
    tz = context.settings.tz
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    # Button labels are plain text: no escaping.
                    T.EXPORT_BUTTON.format(title=q.title, date=local_time(q.opens_at, tz)),
                    callback_data=f"quiz:x:{q.id}",
                )
            ]
            for q in found
        ]
    )
    context.outbox.message(context.db, chat.id, T.EXPORT_CHOOSE, keyboard=keyboard)


@download_button
async def export_quiz(update: Update, context: BotContext) -> None:
    """Build the chosen quiz's .xlsx and .csv in a worker thread and send them privately."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    m = re.fullmatch(r"quiz:x:(\d{1,12})", query.data or "")
    quiz = quizzes.get(context.db, int(m[1])) if m else None
    scope = {b.id for b in await viewable_branches(update, context)}
    if quiz is None or quiz.id is None or quiz.branch_id not in scope:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_STALE)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id, T.EXPORT_PREPARING)
    services = context.services
    tasks: set[asyncio.Task[None]] = services.extras.setdefault(EXPORT_TASKS, set())
    task = asyncio.create_task(send_export(services, chat.id, quiz.id, quiz.title))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def send_export(services: Services, chat_id: int, quiz_id: int, title: str) -> None:
    """Write the files off the event loop, then queue them (after the handler's commit)."""
    folder = services.settings.exports_dir
    stamp = services.local_now().strftime("%Y%m%d-%H%M%S")
    xlsx = folder / f"quiz-{quiz_id}-{stamp}-{chat_id}.xlsx"
    csv = xlsx.with_suffix(".csv")

    def build() -> Any:
        folder.mkdir(parents=True, exist_ok=True)
        with services.db.session() as session:
            return build_quiz_export(
                session, quiz_id=quiz_id, tz=services.settings.tz, xlsx_path=xlsx, csv_path=csv
            )

    try:
        result = await asyncio.to_thread(build)
    except Exception:
        log.exception("quiz: export of quiz %s failed", quiz_id)
        async with services.db.write() as session:
            services.outbox.message(session, chat_id, T.EXPORT_FAILED, kind="quiz.export")
        return
    date = services.local_now().strftime("%Y-%m-%d")
    async with services.db.write() as session:
        services.outbox.document(
            session,
            chat_id,
            xlsx,
            filename=safe_filename(title, "成绩", date, ext="xlsx"),
            caption=fmt(
                T.EXPORT_XLSX_CAPTION,
                title=title,
                participants=result.participants,
                absent=result.absent,
            ),
            kind="quiz.export",
            ref=quiz_id,
        )
        services.outbox.document(
            session,
            chat_id,
            csv,
            filename=safe_filename(title, "成绩", date, ext="csv"),
            caption=T.EXPORT_CSV_CAPTION,
            kind="quiz.export",
            ref=quiz_id,
        )


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("quiz", quiz_command),
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(r"^/quiz(@\w+)?(\s|$)"), quiz_caption
        ),
        CommandHandler("results", show_results),
        CommandHandler(
            "start",
            start_private,
            filters=filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+quiz_\d+\s*$"),
        ),
        PollAnswerHandler(poll_answer),
        CallbackQueryHandler(choose_branch, pattern=r"^quiz:bank:"),
        CallbackQueryHandler(start_button, pattern=r"^quiz:go:"),
        CallbackQueryHandler(answer_button, pattern=r"^quiz:[atc]:"),
        CallbackQueryHandler(export_menu, pattern=r"^export:quiz$"),
        CallbackQueryHandler(export_quiz, pattern=r"^quiz:x:"),
    ]
