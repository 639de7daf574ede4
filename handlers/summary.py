"""/summary [年份]: the year's work in figures (全年工作数据) for admins and staff, privately: a
short text and a workbook (an overview, one sheet per area, charts) to print for the bureau's
annual report. The "📊 全年工作数据" button of the /export menu (this year) comes here too
(`queue`). The branch is decided the one way every command decides it (handlers/scope.py).

The figures are counted and the workbook written by a background job (bot/runtime/jobs.py), so
a big year never holds up the group.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command, Services
from bot.runtime.jobs import Apply, JobKind
from bot.services import exports
from bot.services import summary as figures
from bot.texts import fmt
from bot.texts import summary as T
from handlers.common import command_text, is_private, reply, staff_only
from handlers.scope import branch_for
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
    branch = await branch_for(update, context, "staff")
    if branch is not None:
        queue(context, chat.id, branch, year, origin=f"m{chat.id}:{message.message_id}")


def queue(context: BotContext, chat_id: int, branch: Branch, year: int, *, origin: str) -> None:
    """Say it is being done, and leave the counting and the workbook to a job (`origin`: the
    message or button press that asked, so that asking once makes one)."""
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
    return [CommandHandler("summary", summary_command, filters=filters.UpdateType.MESSAGE)]
