"""/summary [年份]: the year's work in figures (全年工作数据) for admins and staff, privately: a
short text and a workbook (an overview, one sheet per area, charts) to print for the bureau's
annual report. Also the "📊 全年工作数据" button of the /export menu (this year).

The figures are counted and the workbook written by a background job (bot/runtime/jobs.py), so
a big year never holds up the group; buttons check the presser's rights again.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext, Command, Services
from bot.runtime.jobs import Apply, JobKind
from bot.services import exports
from bot.services import summary as figures
from bot.texts import common as TC
from bot.texts import fmt
from bot.texts import summary as T
from handlers.common import (
    command_text,
    download_button,
    is_private,
    may_view,
    reply,
    staff_only,
    viewable_branches,
)
from storage import branches
from storage.models import Branch

COMMANDS = [Command("summary", "全年工作数据（汇报用，私聊中使用）", "staff")]

FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_asked(text: str, this_year: int) -> int | None:
    """The year in "/summary 2025" (or "2025年"); this year when none is given."""
    if not text:
        return this_year
    found = re.fullmatch(r"(\d{4})\s*年?", text.strip())
    if found is None or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        return None
    return int(found[1])


@staff_only
async def summary_command(update: Update, context: BotContext) -> None:
    """/summary [年份]: the year's figures and their workbook, in the private chat."""
    message = update.message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    if not is_private(chat):
        reply(update, context, T.SUMMARY_PRIVATE_ONLY)
        return
    year = year_asked(command_text(message), context.services.local_now().year)
    if year is None:
        reply(update, context, T.SUMMARY_USAGE)
        return
    await offer(update, context, chat.id, year, origin=f"m{chat.id}:{message.message_id}")


@download_button
async def summary_menu(update: Update, context: BotContext) -> None:
    """export:summary from the /export menu: this year's figures."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    context.outbox.answer_callback(context.db, chat.id, query.id)
    year = context.services.local_now().year
    await offer(update, context, chat.id, year, origin=f"q{query.id}")


async def offer(update: Update, context: BotContext, chat_id: int, year: int, origin: str) -> None:
    """The one branch's figures, or buttons to choose a branch."""
    found = await viewable_branches(update, context)
    if not found:
        context.outbox.message(context.db, chat_id, T.SUMMARY_NO_BRANCH)
    elif len(found) == 1:
        queue(context, chat_id, found[0], year, origin)
    else:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.title, callback_data=f"sm:{year}:{b.id}")] for b in found]
        )
        context.outbox.message(context.db, chat_id, T.SUMMARY_CHOOSE_BRANCH, keyboard=keyboard)


@download_button
async def summary_choice(update: Update, context: BotContext) -> None:
    """sm:<year>:<branch> buttons: that branch's figures follow privately."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    assert query is not None and chat is not None
    m = re.fullmatch(r"sm:(\d{4}):(\d{1,12})", query.data or "")
    branch = branches.get(context.db, int(m[2])) if m else None
    if m is None or user is None or branch is None or not await may_view(context, user.id, branch):
        context.outbox.answer_callback(context.db, chat.id, query.id, TC.NOT_STAFF)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    queue(context, chat.id, branch, int(m[1]), f"q{query.id}")


def queue(context: BotContext, chat_id: int, branch: Branch, year: int, origin: str) -> None:
    context.outbox.message(
        context.db, chat_id, fmt(T.SUMMARY_WORKING, branch=branch.title, year=year)
    )
    context.services.jobs.add(
        context.db,
        SUMMARY_JOB,
        {"chat_id": chat_id, "branch_id": branch.id, "year": year},
        key=f"{SUMMARY_JOB}:{origin}",
    )


SUMMARY_JOB = "export.summary"


async def prepare_summary(services: Services, payload: dict[str, Any]) -> Apply:
    """Count the year and write its workbook in a worker thread; then queue the text and file."""
    chat_id, branch_id, year = (int(payload[k]) for k in ("chat_id", "branch_id", "year"))
    folder = exports.new_folder(services.settings, f"summary-{year}", chat_id, services.now())
    built = await figures.build(
        services.db,
        services.settings,
        branch_id=branch_id,
        year=year,
        today=services.local_now().date(),
        path=folder / "summary.xlsx",
    )

    def deliver(session: Session) -> None:
        scope = built.summary.year
        if built.path is None:
            services.outbox.message(
                session, chat_id, fmt(T.SUMMARY_EMPTY, branch=scope.branch, year=year)
            )
            return
        services.outbox.message(session, chat_id, figures.text(built.summary), kind="summary")
        services.outbox.document(
            session,
            chat_id,
            built.path,
            filename=exports.safe_filename(scope.branch, f"{year}年工作数据", ext="xlsx"),
            caption=fmt(T.SUMMARY_CAPTION, branch=scope.branch, year=year),
            kind="summary.workbook",
        )

    return deliver


def summary_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(session, int(payload["chat_id"]), T.SUMMARY_FAILED)


JOBS = {SUMMARY_JOB: JobKind(prepare_summary, summary_failed)}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("summary", summary_command, filters=filters.UpdateType.MESSAGE),
        CallbackQueryHandler(summary_menu, pattern=r"^export:summary$"),
        CallbackQueryHandler(summary_choice, pattern=r"^sm:\d{4}:\d+$"),
    ]
