"""/export: the downloads for admins and staff, in private chats only: the study ledger
(学习台账, a workbook plus a zip of the archived originals) and a quiz's results (.xlsx + .csv).

Every button checks the presser's rights again (callback data can be forged) and files only ever
go to a private chat. The files are built by background jobs (bot/runtime/jobs.py), so a big
export never holds up other members' messages; a job in hand at shutdown runs again after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext, Command, Services
from bot.core import reflections as rules
from bot.core.cn_format import date_range, full_date, moment, month_day
from bot.runtime.jobs import Apply, JobKind
from bot.services import exports
from bot.services.reflections import recent_sessions
from bot.texts import common as TC
from bot.texts import export as T
from bot.texts import fmt
from bot.texts import quiz as TQ
from bot.texts import reflections as TR
from bot.texts import summary as TS
from handlers import roster, summary, visits
from handlers.callbacks import ExportMenu, LedgerPeriod, LedgerSession, QuizExport, on
from handlers.common import (
    download_button,
    is_private,
    may_view,
    reply,
    staff_only,
)
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.scope import branch_for
from storage import branches, themeday
from storage import quiz as quizzes
from storage.exports.ledger import LedgerSummary, build_ledger
from storage.exports.quiz import ExportResult, build_quiz_export
from storage.models import Branch, ThemeSession

COMMANDS = [Command("export", "下载学习台账、测试成绩（私聊中使用）", "staff")]

# One button per download offered (the yearly summary: handlers/summary.py).
KINDS: list[tuple[Literal["ledger", "quiz", "summary"], str]] = [
    ("ledger", T.EXPORT_LEDGER),
    ("quiz", T.EXPORT_QUIZ),
    ("summary", TS.SUMMARY_BUTTON),
]
# The cloud Bot API refuses uploads over 50 MB; leave room for the multipart envelope.
UPLOAD_LIMIT = 49 * 1024 * 1024


@staff_only
async def export_menu(update: Update, context: BotContext) -> None:
    """Offer the downloads; in a group, explain that downloads happen privately."""
    if not is_private(update.effective_chat):
        reply(update, context, TC.EXPORT_PRIVATE_ONLY)
        return
    branch = await branch_for(update, context, "staff")
    if branch is None or branch.id is None:
        return
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text, callback_data=ExportMenu(what, branch.id).build())]
            for what, text in KINDS
        ]
    )
    reply(update, context, T.EXPORT_MENU, keyboard=keyboard)


def refuse_button(update: Update, context: BotContext, text: str) -> None:
    chat = update.effective_chat
    query = update.callback_query
    if chat is not None and query is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)


# --- the study ledger -------------------------------------------------------------------------


@download_button
async def export_chosen(update: Update, context: BotContext, pressed: ExportMenu) -> None:
    """A download of the /export menu: the ledger's periods, or the quizzes to choose from."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    assert query is not None and user is not None and chat is not None
    branch = branches.get(context.db, pressed.branch)
    if branch is None or not branch.active or not await may_view(context, user.id, branch):
        refuse_button(update, context, TC.NOT_STAFF)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if pressed.what == "ledger":
        period_menu(context, chat.id, branch)
    elif pressed.what == "summary":
        this_year = context.services.local_now().year
        summary.queue(context, chat.id, branch, this_year, origin=f"q{query.id}")
    else:
        quiz_menu(context, chat.id, branch)


def period_menu(context: BotContext, chat_id: int, branch: Branch) -> None:
    assert branch.id is not None
    rows = [
        [
            InlineKeyboardButton(
                TR.SESSION_BUTTON.format(date=month_day(t.local_date), topic=t.topic)[:60],
                callback_data=LedgerSession(t.id).build(),
            )
        ]
        for t in recent_sessions(context.db, branch.id)
        if t.id is not None
    ]
    rows.append(
        [
            InlineKeyboardButton(
                T.LEDGER_RECENT_3M, callback_data=LedgerPeriod("m3", branch.id).build()
            ),
            InlineKeyboardButton(
                T.LEDGER_THIS_YEAR, callback_data=LedgerPeriod("y", branch.id).build()
            ),
        ]
    )
    rows.append(
        [InlineKeyboardButton(T.LEDGER_ALL, callback_data=LedgerPeriod("a", branch.id).build())]
    )
    context.outbox.message(
        context.db,
        chat_id,
        fmt(T.LEDGER_CHOOSE_PERIOD, title=branch.title),
        keyboard=InlineKeyboardMarkup(rows),
    )


@download_button
async def ledger_session(update: Update, context: BotContext, pressed: LedgerSession) -> None:
    """One session's ledger; the files follow privately."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    theme = themeday.get(context.db, pressed.session)
    if theme is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, TR.SESSION_GONE)
        return
    await _ledger(update, context, theme.branch_id, theme, None)


@download_button
async def ledger_period(update: Update, context: BotContext, pressed: LedgerPeriod) -> None:
    """The ledger of the last three months, this year or everything; the files follow."""
    await _ledger(update, context, pressed.branch, None, pressed.period)


async def _ledger(
    update: Update,
    context: BotContext,
    branch_id: int,
    theme: ThemeSession | None,
    period: str | None,
) -> None:
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    assert query is not None and user is not None and chat is not None
    branch = branches.get(context.db, branch_id)
    if branch is None or branch.id is None or not await may_view(context, user.id, branch):
        refuse_button(update, context, TC.NOT_STAFF)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    today = context.now().astimezone(context.settings.tz).date()
    since: date | None = None
    until: date | None = None
    if theme is not None:
        since = until = theme.local_date
        label = fmt(T.LEDGER_WHAT_SESSION, date=full_date(theme.local_date))
    elif period == "m3":
        since, until = rules.months_back(today, 3), today
        label = date_range(since, until, year=True)
    elif period == "y":
        since, until = date(today.year, 1, 1), today
        label = date_range(since, until, year=True)
    else:
        label = T.LEDGER_WHAT_ALL
    context.outbox.message(context.db, chat.id, fmt(T.LEDGER_WORKING, what=label))
    request = LedgerRequest(
        chat_id=chat.id,
        branch_id=branch.id,
        session_id=theme.id if theme is not None else None,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        label=label,
        stem=f"学习台账_{branch.title}_{since or '全部'}_{until or today}",
    )
    context.services.jobs.add(
        context.db, LEDGER_JOB, request.__dict__, key=f"{LEDGER_JOB}:{query.id}"
    )


LEDGER_JOB = "export.ledger"


@dataclass(frozen=True)
class LedgerRequest:
    """What the ledger job builds and for whom (stored as the job's payload)."""

    chat_id: int
    branch_id: int
    session_id: int | None
    since: str | None
    until: str | None
    label: str
    stem: str


async def prepare_ledger(services: Services, payload: dict[str, Any]) -> Apply:
    """Build the workbook and the zip in a worker thread; then queue them to the private chat."""
    request = LedgerRequest(**payload)
    settings = services.settings
    folder = exports.new_folder(settings, "ledger", request.chat_id, services.now())
    xlsx = folder / "ledger.xlsx"
    zipped = folder / "files.zip"
    summary: LedgerSummary = await exports.build(
        services.db,
        lambda session: build_ledger(
            session,
            branch_id=request.branch_id,
            session_ids=[request.session_id] if request.session_id is not None else None,
            since=date.fromisoformat(request.since) if request.since else None,
            until=date.fromisoformat(request.until) if request.until else None,
            tz=settings.tz,
            xlsx_path=xlsx,
            zip_path=zipped,
            archive_dir=settings.archive_dir,
            staff_ids=settings.staff_ids,
        ),
    )
    zip_size = zipped.stat().st_size if summary.files else 0

    def deliver(session: Session) -> None:
        chat_id = request.chat_id
        if summary.sessions == 0:
            services.outbox.message(session, chat_id, T.LEDGER_EMPTY)
            return
        services.outbox.document(
            session,
            chat_id,
            xlsx,
            filename=f"{request.stem}.xlsx",
            caption=fmt(
                T.LEDGER_XLSX_CAPTION,
                what=request.label,
                sessions=summary.sessions,
                rows=summary.rows,
                done=summary.submitted,
            ),
            kind="reflect.ledger",
        )
        if summary.files == 0:
            services.outbox.message(session, chat_id, T.LEDGER_NO_FILES)
        elif zip_size > UPLOAD_LIMIT:
            services.outbox.message(
                session, chat_id, fmt(T.LEDGER_ZIP_TOO_BIG, size=zip_size // (1024 * 1024))
            )
        else:
            services.outbox.document(
                session,
                chat_id,
                zipped,
                filename=f"{request.stem}.zip",
                caption=fmt(T.LEDGER_ZIP_CAPTION, files=summary.files),
                kind="reflect.ledger.zip",
            )

    return deliver


def ledger_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(session, int(payload["chat_id"]), T.LEDGER_FAILED)


# --- quiz results ---------------------------------------------------------------------------


def quiz_menu(context: BotContext, chat_id: int, branch: Branch) -> None:
    """The branch's started quizzes, one button each, to download its results."""
    assert branch.id is not None
    found = quizzes.started_of(context.db, [branch.id])
    if not found:
        context.outbox.message(context.db, chat_id, T.QUIZ_EXPORT_NONE)
        return
    tz = context.settings.tz
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    # Button labels are plain text: no escaping.
                    T.QUIZ_EXPORT_BUTTON.format(
                        title=q.title, date=moment(q.opens_at, tz, with_weekday=False)
                    ),
                    callback_data=QuizExport(q.id).build(),
                )
            ]
            for q in found
            if q.id is not None
        ]
    )
    context.outbox.message(context.db, chat_id, T.QUIZ_EXPORT_CHOOSE, keyboard=keyboard)


@download_button
async def export_quiz(update: Update, context: BotContext, pressed: QuizExport) -> None:
    """The chosen quiz: its .xlsx and .csv follow privately."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    assert query is not None and user is not None and chat is not None
    quiz = quizzes.get(context.db, pressed.quiz)
    branch = (
        branches.get(context.db, quiz.branch_id)
        if quiz is not None and quiz.branch_id is not None
        else None
    )
    if (
        quiz is None
        or quiz.id is None
        or branch is None
        or not await may_view(context, user.id, branch)
    ):
        context.outbox.answer_callback(context.db, chat.id, query.id, TQ.TAP_STALE)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id, T.QUIZ_EXPORT_PREPARING)
    context.services.jobs.add(
        context.db,
        QUIZ_JOB,
        {"chat_id": chat.id, "quiz_id": quiz.id, "title": quiz.title},
        key=f"{QUIZ_JOB}:{query.id}",
    )


QUIZ_JOB = "export.quiz"


async def prepare_quiz(services: Services, payload: dict[str, Any]) -> Apply:
    """Write the workbook and the CSV in a worker thread; then queue both."""
    chat_id, quiz_id, title = int(payload["chat_id"]), int(payload["quiz_id"]), payload["title"]
    folder = exports.new_folder(services.settings, f"quiz-{quiz_id}", chat_id, services.now())
    xlsx = folder / "results.xlsx"
    csv = folder / "results.csv"
    tz = services.settings.tz
    result: ExportResult = await exports.build(
        services.db,
        lambda session: build_quiz_export(
            session, quiz_id=quiz_id, tz=tz, xlsx_path=xlsx, csv_path=csv
        ),
    )
    day = services.local_now().strftime("%Y-%m-%d")

    def deliver(session: Session) -> None:
        services.outbox.document(
            session,
            chat_id,
            xlsx,
            filename=exports.safe_filename(title, "成绩", day, ext="xlsx"),
            caption=fmt(
                T.QUIZ_EXPORT_XLSX_CAPTION,
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
            filename=exports.safe_filename(title, "成绩", day, ext="csv"),
            caption=T.QUIZ_EXPORT_CSV_CAPTION,
            kind="quiz.export",
            ref=quiz_id,
        )

    return deliver


def quiz_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(
        session, int(payload["chat_id"]), T.QUIZ_EXPORT_FAILED, kind="quiz.export"
    )


JOBS = {
    LEDGER_JOB: JobKind(prepare_ledger, ledger_failed),
    QUIZ_JOB: JobKind(prepare_quiz, quiz_failed),
}


# --- the menu's 导出与报表 section ------------------------------------------------------------


def _chat_id(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat is not None else None


async def _menu_ledger(update: Update, context: BotContext, branch: Branch) -> None:
    chat_id = _chat_id(update)
    if chat_id is not None:
        period_menu(context, chat_id, branch)


async def _menu_quiz(update: Update, context: BotContext, branch: Branch) -> None:
    chat_id = _chat_id(update)
    if chat_id is not None:
        quiz_menu(context, chat_id, branch)


async def _menu_summary(update: Update, context: BotContext, branch: Branch) -> None:
    chat_id = _chat_id(update)
    if chat_id is not None:
        year = context.services.local_now().year
        summary.queue(context, chat_id, branch, year, origin=f"menu{update.update_id}")


async def _menu_roster(update: Update, context: BotContext, branch: Branch) -> None:
    await roster.list_roster(update, context)


async def _menu_visits(update: Update, context: BotContext, branch: Branch) -> None:
    chat_id = _chat_id(update)
    if chat_id is not None:
        visits.show_overview(context, chat_id, branch)


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=70,
        entries=[
            MenuEntry(T.EXPORT_LEDGER, _menu_ledger, "staff"),
            MenuEntry(T.EXPORT_QUIZ, _menu_quiz, "staff"),
            MenuEntry(TS.SUMMARY_BUTTON, _menu_summary, "staff"),
            MenuEntry(T.MENU_ROSTER, _menu_roster),
            MenuEntry(T.MENU_VISITS, _menu_visits, "staff"),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("export", export_menu),
        on(ExportMenu, export_chosen),
        on(LedgerSession, ledger_session),
        on(LedgerPeriod, ledger_period),
        on(QuizExport, export_quiz),
    ]
