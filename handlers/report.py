"""Who has handed in a reflection (`/remind`, previewed first, is in handlers/push.py):
`/report [日期]` (who submitted what and when, who has not; the day as 11月26日, 上周四 or
2026-11-26) for admins and staff, always sent privately."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.core.cn_parse import ParseError, parse_date
from bot.services import reflections as shared
from bot.services.reflections import recent_sessions
from bot.texts import common as TC
from bot.texts import fmt
from bot.texts import reflections as T
from handlers.callbacks import ReportSession, on
from handlers.common import (
    command_text,
    is_private,
    may_view,
    reply,
    staff_only,
)
from handlers.reflections import session_buttons
from handlers.scope import branch_for
from storage import branches, themeday
from storage.models import Branch, ThemeSession

COMMANDS = [
    Command("report", "查看本次主题党日谁交了心得", "staff"),
]


@staff_only
async def report_command(update: Update, context: BotContext) -> None:
    """/report [日期]: who submitted for the current (or that day's) session."""
    message = update.message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None:
        return
    branch = await branch_for(update, context, "staff")
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
    keyboard = session_buttons(others, ReportSession) if others else None
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


async def session_pressed(update: Update, context: BotContext, pressed: ReportSession) -> None:
    """A button under a report: the report of another recent session, in its place."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    theme = themeday.get(context.db, pressed.session)
    branch = branches.get(context.db, theme.branch_id) if theme is not None else None
    if theme is None or branch is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, TC.BUTTON_STALE)
        return
    if not await may_view(context, user.id, branch):
        context.outbox.answer_callback(context.db, chat.id, query.id, TC.NOT_STAFF)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    edit = query.message.message_id if query.message is not None else None
    send_report(update, context, branch, theme, edit_message_id=edit)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    only_new = filters.UpdateType.MESSAGE
    return [
        CommandHandler("report", report_command, filters=only_new),
        on(ReportSession, session_pressed),
    ]
