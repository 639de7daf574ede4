"""/visits: the year's figures, and the downloads (the ledger of a period, the per-person summary)
built by a background job and sent privately."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext, Services
from bot.core.cn_format import date_range
from bot.core.cn_parse import ParseError, parse_date
from bot.runtime.jobs import Apply, JobKind
from bot.services import exports
from bot.services import visits as service
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import visits as T
from handlers.callbacks import VisitExport, VisitNew
from handlers.common import (
    answer_tap,
    command_text,
    download_button,
    is_group,
    may_view,
    reply,
    staff_only,
)
from handlers.scope import branch_for
from handlers.visits.form import today_of
from storage import branches
from storage.exports import visits as visit_exports
from storage.models import Branch

DEEP_LINK = "visits"
Period = Literal["m1", "m3", "y", "ly", "a", "pp"]


# --- /visits and the downloads ------------------------------------------------------------------


def show_overview(context: BotContext, chat_id: int, branch: Branch) -> None:
    assert branch.id is not None
    today = today_of(context)
    text = service.overview(context.db, branch, today.year) + T.OVERVIEW_HINT
    rows = [[InlineKeyboardButton(T.BUTTON_NEW, callback_data=VisitNew(branch.id).build())]]
    pairs: tuple[tuple[Period, Period], ...] = (("m1", "m3"), ("y", "ly"), ("a", "pp"))
    for pair in pairs:
        rows.append(
            [
                InlineKeyboardButton(
                    T.BUTTON_PERIODS[what], callback_data=VisitExport(branch.id, what).build()
                )
                for what in pair
            ]
        )
    context.outbox.message(context.db, chat_id, text, keyboard=InlineKeyboardMarkup(rows))


_RANGE_SPLIT = re.compile(r"\s*(?:至|到|~|～|—)\s*|\s+")


def _read_range(text: str, today: date) -> tuple[date, date] | None:
    parts = [p for p in _RANGE_SPLIT.split(text.strip()) if p]
    if len(parts) != 2:
        return None
    try:
        return parse_date(parts[0], today), parse_date(parts[1], today)
    except ParseError:
        return None


@staff_only
async def visits_command(update: Update, context: BotContext) -> None:
    """/visits: the year's visits and the downloads (privately); `/visits 1月1日 6月30日`
    downloads the ledger of those days."""
    if is_group(update.effective_chat):
        link = context.services.deep_link(DEEP_LINK)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(T.OPEN_PRIVATE, url=link)]])
        reply(update, context, T.PRIVATE_ONLY, keyboard=keyboard)
        return
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None:
        return
    wanted = command_text(message) if message.text and message.text.startswith("/visits") else ""
    span: tuple[date, date] | None = None
    if wanted:
        span = _read_range(wanted, today_of(context))
        if span is None:
            reply(update, context, fmt(T.BAD_RANGE, text=wanted[:40]))
            return
        if span[0] > span[1]:
            reply(update, context, T.RANGE_BACKWARDS)
            return
    branch = await branch_for(update, context, "staff")
    if branch is None or branch.id is None:
        return
    if span is None:
        show_overview(context, chat.id, branch)
        return
    _queue_ledger(context, chat.id, branch, span[0], span[1], key=f"{message.message_id}")


async def start_link(update: Update, context: BotContext) -> None:
    """/start visits, from the group's button."""
    await visits_command(update, context)


def _queue_ledger(
    context: BotContext,
    chat_id: int,
    branch: Branch,
    since: date | None,
    until: date | None,
    *,
    key: str,
) -> None:
    assert branch.id is not None
    what = (
        fmt(T.LEDGER_WHAT, range=date_range(since, until, year=True))
        if since is not None and until is not None
        else T.LEDGER_ALL
    )
    context.outbox.message(context.db, chat_id, fmt(T.WORKING, what=what))
    payload = {
        "chat_id": chat_id,
        "branch_id": branch.id,
        "what": "ledger",
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "label": what,
        "stem": f"走访台账_{branch.title}_{since or '全部'}_{until or today_of(context)}",
    }
    context.services.jobs.add(context.db, JOB, payload, key=f"{JOB}:{chat_id}:{key}")


@download_button
async def export_pressed(update: Update, context: BotContext, pressed: VisitExport) -> None:
    """A download under /visits: the ledger of a period, or the per-person summary."""
    user = update.effective_user
    chat = update.effective_chat
    query = update.callback_query
    branch = branches.get(context.db, pressed.branch)
    assert user is not None and chat is not None and query is not None
    if branch is None or branch.id is None or not await may_view(context, user.id, branch):
        answer_tap(update, context, C.NOT_STAFF)
        return
    answer_tap(update, context)
    today = today_of(context)
    if pressed.what == "pp":
        what = fmt(T.SUMMARY_WHAT, year=today.year)
        context.outbox.message(context.db, chat.id, fmt(T.WORKING, what=what))
        payload = {
            "chat_id": chat.id,
            "branch_id": branch.id,
            "what": "summary",
            "year": today.year,
            "label": what,
            "stem": f"走访汇总_{branch.title}_{today.year}",
        }
        context.services.jobs.add(context.db, JOB, payload, key=f"{JOB}:{query.id}")
        return
    since: date | None
    until: date | None = today
    if pressed.what == "m1":
        since = today.replace(day=1)
    elif pressed.what == "m3":
        since = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    elif pressed.what == "y":
        since = date(today.year, 1, 1)
    elif pressed.what == "ly":
        since, until = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    else:
        since = until = None
    _queue_ledger(context, chat.id, branch, since, until, key=query.id)


JOB = "visits.export"


async def prepare_export(services: Services, payload: dict[str, Any]) -> Apply:
    """Write the ledger or the summary in a worker thread; then send it privately."""
    chat_id, branch_id = int(payload["chat_id"]), int(payload["branch_id"])
    folder = exports.new_folder(services.settings, "visits", chat_id, services.now())
    path = folder / "visits.xlsx"
    tz = services.settings.tz
    staff = set(services.settings.staff_ids)

    def build(session: Session) -> int:
        if payload["what"] == "summary":
            members = [
                m
                for m in branches.members(session, branch_id)
                if m.user_id is None or m.user_id not in staff
            ]
            return visit_exports.build_summary(
                session,
                branch_id=branch_id,
                members=members,
                year=int(payload["year"]),
                xlsx_path=path,
            )
        return visit_exports.build_ledger(
            session,
            branch_id=branch_id,
            since=date.fromisoformat(payload["since"]) if payload.get("since") else None,
            until=date.fromisoformat(payload["until"]) if payload.get("until") else None,
            tz=tz,
            xlsx_path=path,
        )

    rows = await exports.build(services.db, build)
    label = str(payload["label"])

    def deliver(session: Session) -> None:
        if payload["what"] == "ledger" and rows == 0:
            services.outbox.message(session, chat_id, fmt(T.EMPTY, what=label))
            return
        caption = (
            fmt(T.SUMMARY_CAPTION, what=label, people=rows)
            if payload["what"] == "summary"
            else fmt(T.LEDGER_CAPTION, what=label, rows=rows)
        )
        services.outbox.document(
            session,
            chat_id,
            path,
            filename=exports.safe_filename(str(payload["stem"]), ext="xlsx"),
            caption=caption,
            kind="visits.export",
            ref=branch_id,
        )

    return deliver


def export_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(session, int(payload["chat_id"]), T.FAILED)


JOBS = {JOB: JobKind(prepare_export, export_failed)}
