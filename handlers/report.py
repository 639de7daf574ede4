"""Who has handed in a reflection: `/remind` (a gentle note now to those who have not) for
admins, `/report [日期]` (who submitted what and when, who has not; the day as 11月26日, 上周四 or
2026-11-26) for admins and staff, always sent privately."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.core.cn_parse import ParseError, parse_date
from bot.services import reflections as shared
from bot.services.reflections import recent_sessions
from bot.texts import common as TC
from bot.texts import fmt
from bot.texts import reflections as T
from handlers.common import (
    admin_branches,
    admin_only,
    command_text,
    is_private,
    may_view,
    reply,
    staff_only,
    viewable_branches,
)
from handlers.reflections import session_buttons
from storage import branches, themeday
from storage.models import Branch, ThemeSession

COMMANDS = [
    Command("remind", "提醒还没交心得的同志", "admin"),
    Command("report", "查看本次主题党日谁交了心得", "staff"),
]


async def choose_branch(
    update: Update, context: BotContext, found: list[Branch], action: str
) -> Branch | None:
    """The one branch, or None after asking with buttons (or explaining there is none)."""
    if len(found) == 1:
        return found[0]
    if not found:
        reply(update, context, TC.NO_BRANCH_PRIVATE)
        return None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title, callback_data=f"rf:{action}:b:{b.id}")] for b in found]
    )
    reply(update, context, TC.CHOOSE_BRANCH, keyboard=keyboard)
    return None


@admin_only
async def remind_command(update: Update, context: BotContext) -> None:
    """/remind: a gentle note now to everyone who has not submitted."""
    branch = await choose_branch(update, context, await admin_branches(update, context), "remind")
    if branch is not None:
        remind_branch(update, context, branch)


def remind_branch(update: Update, context: BotContext, branch: Branch) -> None:
    assert branch.id is not None
    theme = themeday.latest(context.db, branch.id)
    chat = update.effective_chat
    if theme is None or chat is None:
        reply(update, context, T.NO_SESSION)
        return
    # One reminder per /remind message (or button press), however often its update is seen.
    query = update.callback_query
    message = update.effective_message
    origin = (
        f"q{query.id}"
        if query is not None
        else f"m{chat.id}:{message.message_id if message else update.update_id}"
    )
    key = f"reflect.remind:{theme.id}:cmd:{origin}"
    named = shared.remind(context.services, context.db, theme=theme, key=key)
    if not named:
        context.outbox.message(context.db, chat.id, T.REMIND_NOBODY)
    elif chat.id != branch.chat_id:
        context.outbox.message(
            context.db,
            chat.id,
            fmt(T.REMIND_DONE, names=shared.names_html(named, branch)),
        )


@staff_only
async def report_command(update: Update, context: BotContext) -> None:
    """/report [日期]: who submitted for the current (or that day's) session."""
    message = update.message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None:
        return
    branch = await choose_branch(
        update, context, await viewable_branches(update, context), "report"
    )
    if branch is None or branch.id is None:
        return
    wanted = command_text(message)
    theme: ThemeSession | None
    if wanted:
        try:
            day = parse_date(wanted, context.services.local_now().date())
        except ParseError as exc:
            reply(update, context, fmt(T.REPORT_BAD_DATE, reason=exc.message))
            return
        found = themeday.of_branch(context.db, branch.id, since=day, until=day)
        theme = found[-1] if found else None
        if theme is None:
            reply(update, context, T.REPORT_NOT_FOUND)
            return
    else:
        theme = themeday.latest(context.db, branch.id)
        if theme is None:
            reply(update, context, T.NO_SESSION)
            return
    send_report(update, context, branch, theme)


def send_report(
    update: Update,
    context: BotContext,
    branch: Branch,
    theme: ThemeSession,
    edit_message_id: int | None = None,
) -> None:
    """The report goes privately: it names who has not submitted, which the group need not see."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or theme.id is None or branch.id is None:
        return
    text = shared.report_text(context.services, context.db, branch, theme)
    others = [t for t in recent_sessions(context.db, branch.id) if t.id != theme.id]
    keyboard = session_buttons(others, "rf:rs:") if others else None
    if edit_message_id is not None:
        context.outbox.edit_text(context.db, chat.id, edit_message_id, text, keyboard=keyboard)
        return
    if is_private(chat):
        reply(update, context, text, keyboard=keyboard)
        return
    if user.id not in branches.reachable_privately(context.db, [user.id]):
        reply(update, context, T.REPORT_START_PRIVATE)
        return
    context.outbox.message(context.db, user.id, text, keyboard=keyboard)
    reply(update, context, T.REPORT_SENT_PRIVATELY)


async def _refuse_button(update: Update, context: BotContext, text: str) -> None:
    chat = update.effective_chat
    query = update.callback_query
    if chat is not None and query is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)


async def button(update: Update, context: BotContext) -> None:
    """rf:remind:b:<branch>, rf:report:b:<branch> and rf:rs:<session> buttons."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None or not query.data:
        return
    parts = query.data.split(":")
    if parts[1] == "remind" and len(parts) == 4:
        branch = branches.get(context.db, int(parts[3]))
        allowed = branch is not None and await context.services.roles.is_admin(
            user.id, branch.chat_id
        )
        if branch is None or not allowed:
            await _refuse_button(update, context, TC.NOT_ADMIN)
            return
        context.outbox.answer_callback(context.db, chat.id, query.id)
        remind_branch(update, context, branch)
        return
    if parts[1] in ("report", "rs"):
        if parts[1] == "report":
            branch = branches.get(context.db, int(parts[-1]))
            theme = themeday.latest(context.db, branch.id) if branch and branch.id else None
        else:
            theme = themeday.get(context.db, int(parts[-1]))
            branch = branches.get(context.db, theme.branch_id) if theme else None
        if branch is None or not await may_view(context, user.id, branch):
            await _refuse_button(update, context, TC.NOT_STAFF)
            return
        context.outbox.answer_callback(context.db, chat.id, query.id)
        if theme is None:
            context.outbox.message(context.db, chat.id, T.NO_SESSION)
            return
        edit = query.message.message_id if parts[1] == "rs" and query.message else None
        send_report(update, context, branch, theme, edit_message_id=edit)
        return


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    only_new = filters.UpdateType.MESSAGE
    return [
        CommandHandler("remind", remind_command, filters=only_new),
        CommandHandler("report", report_command, filters=only_new),
        CallbackQueryHandler(button, pattern=r"^rf:(remind|report|rs):"),
    ]
