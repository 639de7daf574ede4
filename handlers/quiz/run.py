"""`/quiz` and its sub-commands: list the branch's quizzes, start one (command or the buttons
under an imported bank), close one."""

from __future__ import annotations

from telegram import (
    Update,
)

from bot.context import BotContext
from bot.core.quiz_layout import (
    ArgsError,
    StartArgs,
    parse_start,
)
from bot.services.quiz import close_quiz, open_quiz, state_text
from bot.texts import SafeHtml, fmt
from bot.texts import common as C
from bot.texts import quiz as T
from handlers.callbacks import QuizStart
from handlers.common import (
    admin_only,
    current_branch,
    is_group,
    reply,
)
from handlers.quiz.bank import card, import_bank, plain, send_template
from handlers.scope import branch_for
from storage import branches
from storage import quiz as quizzes
from storage.models import Quiz

TEMPLATE_WORDS = frozenset({"template", "模板"})


START_WORDS = frozenset({"start", "开始"})


CLOSE_WORDS = frozenset({"close", "stop", "结束"})


LIST_WORDS = frozenset({"list", "列表"})


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


async def list_quizzes(update: Update, context: BotContext) -> None:
    """The branch's quizzes with their state, and the commands that act on them."""
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    found = quizzes.of_branch(context.db, branch.id)
    if not found:
        reply(update, context, fmt(T.LIST_EMPTY, branch=branch.title) + T.LIST_HELP)
        return
    tz = context.settings.tz
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
    reply(update, context, "\n".join(lines) + T.LIST_HELP)


async def quiz_for_admin(update: Update, context: BotContext, quiz_id: int) -> Quiz | None:
    """The quiz if the sender may manage it here (in a group: the group's branch's; privately:
    of a branch they administer); else say so."""
    quiz = quizzes.get(context.db, quiz_id)
    user = update.effective_user
    if quiz is None or user is None:
        reply(update, context, fmt(T.NO_SUCH_QUIZ, id=quiz_id))
        return None
    if quiz.branch_id is None:
        # Imported before the branch was asked up front: its importer places it now.
        if quiz.created_by != user.id:
            reply(update, context, fmt(T.NO_SUCH_QUIZ, id=quiz_id))
            return None
        branch = await branch_for(update, context)
        if branch is None:
            return None
        quiz.branch_id = branch.id
        return quiz
    branch = branches.get(context.db, quiz.branch_id)
    if is_group(update.effective_chat):
        here = current_branch(update, context)
        allowed = here is not None and here.id == quiz.branch_id
    else:
        allowed = (
            branch is not None
            and branch.active
            and await context.services.roles.is_admin(user.id, branch.chat_id)
        )
    if not allowed:
        reply(update, context, fmt(T.NO_SUCH_QUIZ, id=quiz_id))
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
        reply(
            update,
            context,
            open_quiz(context.services, context.db, quiz, args, starter(update, context)),
        )


async def start_button(update: Update, context: BotContext, pressed: QuizStart) -> None:
    """The start buttons under an imported bank (default window, no names, one attempt)."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    quiz = quizzes.get(context.db, pressed.quiz)
    if quiz is None or quiz.branch_id is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_STALE)
        return
    branch = branches.get(context.db, quiz.branch_id)
    if branch is None or not await context.services.roles.is_admin(user.id, branch.chat_id):
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_NOT_ADMIN)
        return
    assert quiz.id is not None
    mode = "group" if pressed.mode == "g" else "private"
    if quiz.status != "draft":  # pressed twice, or started meanwhile by command
        context.outbox.answer_callback(
            context.db,
            chat.id,
            query.id,
            plain(open_quiz(context.services, context.db, quiz, StartArgs(quiz.id, mode), None)),
        )
        return
    text = open_quiz(
        context.services, context.db, quiz, StartArgs(quiz.id, mode), starter(update, context)
    )
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if query.message is not None and quiz.status == "open":
        # The started quiz's card loses its buttons, so nobody starts it twice.
        card_text, _ = card(context.db, quiz)
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
