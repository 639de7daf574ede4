"""Importing a roster file: check it, show what it would change, and import it only on 确认.

`start_roster_import(update, context, branch, document)` is the one entry point (the /roster
reply and caption use it; so may a "这个文件要做什么？ → 导入为名单" button). It queues a
durable job that downloads and reads the file outside any transaction (`prepare_preview`);
a file with mistakes is refused with every problem listed. A good file gets a preview:
新增 N人 / 更新 N人 / 不在新名单中 N人, with the names privately to the admin who sent it, and
buttons: what to do with the people missing from the new file (保留 / 标为调离), then 确认导入
/ 返回 / 取消. Nothing changes before 确认导入, which queues a second job that reads the same
file again and imports it (`prepare_apply`), all or nothing.

The preview waiting for an answer is kept in the branch's options (one per branch, numbered:
the buttons of an older preview are answered as stale and change nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext, Services
from bot.runtime.files import DownloadFailed, TooBig
from bot.runtime.jobs import Apply, JobKind
from bot.runtime.sandbox import OverBudget, run_limited
from bot.texts import care as T
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import people as P
from handlers.callbacks import RosterImportTap, on
from storage import branches
from storage import care as care_db
from storage.models import Branch
from storage.spreadsheets import RosterError, RosterRow, SheetTooBig, check_upload, parse_roster

log = logging.getLogger(__name__)

MAX_FILE = 5 * 1024 * 1024
PREVIEW_JOB = "roster.import"  # the name the import job always had: queued ones still run
APPLY_JOB = "roster.apply"
# Branch options: the preview waiting for 确认, and the number the next one takes.
OPT_PENDING = "roster.pending"
OPT_COUNTER = "roster.previews"


async def start_roster_import(
    update: Update, context: BotContext, branch: Branch, document: Document
) -> None:
    """Start importing `document` as `branch`'s roster (the caller checked it is an admin):
    the size now; the download, the check and the preview in a background job."""
    chat = update.effective_chat
    message = update.effective_message
    user = update.effective_user
    if branch.id is None or chat is None or message is None:
        return
    if document.file_size is not None and document.file_size > MAX_FILE:
        context.outbox.message(context.db, chat.id, T.ROSTER_TOO_BIG)
        return
    payload = {
        "chat_id": chat.id,
        "message_id": message.message_id,
        "branch_id": branch.id,
        "file_id": document.file_id,
        "file_name": document.file_name or "名单.xlsx",
        "user_id": user.id if user is not None else None,
    }
    context.services.jobs.add(
        context.db, PREVIEW_JOB, payload, key=f"{PREVIEW_JOB}:{chat.id}:{message.message_id}"
    )


async def _read(
    services: Services, payload: dict[str, Any]
) -> tuple[list[RosterRow] | None, str | None]:
    """The file's rows, or the text that says why it cannot be imported."""
    try:
        data = await services.files.download(payload["file_id"], max_bytes=MAX_FILE)
    except TooBig:
        return None, T.ROSTER_TOO_BIG
    except DownloadFailed:
        return None, T.ROSTER_DOWNLOAD_FAILED
    today = services.local_now().date()
    try:
        # Within a budget: plainly too big is refused at once, the rest is parsed in a separate
        # process with a time and memory limit (bot/runtime/sandbox.py).
        check_upload(data)
        rows = await run_limited(parse_roster, data, payload["file_name"], today=today)
    except RosterError as exc:
        return None, fmt(T.ROSTER_REFUSED, problems=exc.describe())
    except (SheetTooBig, OverBudget) as exc:
        log.warning("roster: %r refused unread: %s", payload["file_name"], exc)
        return None, T.ROSTER_FILE_TOO_BIG
    return rows, None


def _answer(services: Services, payload: dict[str, Any], text: str) -> Apply:
    def apply(session: Session) -> None:
        services.outbox.message(
            session, int(payload["chat_id"]), text, reply_to=int(payload["message_id"])
        )

    return apply


def _names(names: list[str]) -> str:
    return "、".join(names)


def _keyboard(
    branch_id: int, number: int, *, missing: int, chosen: str | None
) -> InlineKeyboardMarkup:
    def button(label: str, action: str) -> InlineKeyboardButton:
        data = RosterImportTap(branch_id, number, action)  # type: ignore[arg-type]
        return InlineKeyboardButton(label, callback_data=data.build())

    if missing and chosen is None:
        rows = [
            [button(P.BUTTON_KEEP, "keep"), button(P.BUTTON_MOVED, "moved")],
            [button(P.BUTTON_CANCEL, "no")],
        ]
    else:
        last = [button(P.BUTTON_BACK, "back")] if missing else []
        rows = [[button(P.BUTTON_IMPORT, "ok")], [*last, button(P.BUTTON_CANCEL, "no")]]
    return InlineKeyboardMarkup(rows)


async def prepare_preview(services: Services, payload: dict[str, Any]) -> Apply:
    """Download and read the file outside any transaction; show what it would change."""
    rows, refusal = await _read(services, payload)
    if rows is None:
        return _answer(services, payload, refusal or T.ROSTER_DOWNLOAD_FAILED)
    chat_id, message_id = int(payload["chat_id"]), int(payload["message_id"])
    branch_id = int(payload["branch_id"])
    user_id = payload.get("user_id")

    def show(session: Session) -> None:
        to_chat = chat_id
        branch = branches.get(session, branch_id)
        if branch is None:
            return
        try:
            result = care_db.preview_roster(
                session, branch_id, rows, now=services.now(), today=services.local_now().date()
            )
        except RosterError as exc:
            services.outbox.message(
                session,
                to_chat,
                fmt(T.ROSTER_REFUSED, problems=exc.describe()),
                reply_to=message_id,
            )
            return
        counts = {
            "added": len(result.added),
            "updated": len(result.updated),
            "missing": len(result.missing),
        }
        text = fmt(P.IMPORT_PREVIEW, branch=branch.title, total=len(rows), **counts)
        private = to_chat > 0
        reply_to: int | None = message_id
        admin = int(user_id) if isinstance(user_id, int) else None
        if not private and admin is not None and branches.reachable_privately(session, [admin]):
            # The names go privately to the admin; the group only hears that it arrived.
            person = branches.person(session, admin)
            who = person.first_name if person is not None else ""
            services.outbox.message(
                session,
                to_chat,
                fmt(P.IMPORT_PREVIEW_GROUP, admin=who, **counts),
                reply_to=message_id,
            )
            to_chat, private, reply_to = admin, True, None
        if private:
            if result.status_changed:
                text += fmt(P.IMPORT_PREVIEW_STATUS, names=_names(result.status_changed))
            if result.missing:
                text += fmt(P.IMPORT_PREVIEW_MISSING_NAMES, names=_names(result.missing))
        if result.missing:
            text += P.IMPORT_PREVIEW_ASK_MISSING
        text += P.IMPORT_PREVIEW_ASK
        number = branches.option(branch, OPT_COUNTER, 0) + 1
        branches.set_option(branch, OPT_COUNTER, number)
        pending = {
            **payload,
            "number": number,
            "chat": to_chat,
            "text": text,
            "missing": len(result.missing),
            "chosen": None,
        }
        branches.set_option(branch, OPT_PENDING, pending)
        services.outbox.message(
            session,
            to_chat,
            text,
            reply_to=reply_to,
            keyboard=_keyboard(branch_id, number, missing=len(result.missing), chosen=None),
            kind="roster.preview",
            ref=branch_id,
        )

    return show


async def prepare_apply(services: Services, payload: dict[str, Any]) -> Apply:
    """Read the confirmed file again and import it, all or nothing."""
    rows, refusal = await _read(services, payload)
    chat_id = int(payload["chat"])

    def tell(text: str) -> Apply:
        def apply(session: Session) -> None:
            services.outbox.message(session, chat_id, text)

        return apply

    if rows is None:
        return tell(refusal or T.ROSTER_DOWNLOAD_FAILED)

    def store(session: Session) -> None:
        missing = payload.get("chosen") or care_db.KEEP
        user_id = payload.get("user_id")
        try:
            with session.begin_nested():
                result = care_db.import_roster(
                    session,
                    int(payload["branch_id"]),
                    rows,
                    now=services.now(),
                    today=services.local_now().date(),
                    missing=missing,
                    by=int(user_id) if isinstance(user_id, int) else None,
                )
        except RosterError as exc:
            services.outbox.message(
                session, chat_id, fmt(T.ROSTER_REFUSED, problems=exc.describe())
            )
            return
        text = fmt(
            T.ROSTER_IMPORTED,
            total=len(rows),
            added=len(result.added),
            updated=len(result.updated),
            linked=result.linked,
            unlinked=result.unlinked,
        )
        if result.missing and missing == care_db.MARK_MOVED:
            text += fmt(
                P.IMPORT_MOVED_DONE, count=len(result.missing), names=_names(result.missing)
            )
        elif result.missing:
            text += fmt(P.IMPORT_KEPT_DONE, count=len(result.missing))
        if result.unlinked:
            text += T.ROSTER_IMPORT_UNLINKED_HINT
        services.outbox.message(session, chat_id, text)

    return store


def _failed(key: str) -> Callable[[Services, Session, dict[str, Any]], None]:
    def failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
        services.outbox.message(session, int(payload[key]), T.ROSTER_DOWNLOAD_FAILED)

    return failed


JOBS = {
    PREVIEW_JOB: JobKind(prepare_preview, _failed("chat_id")),
    APPLY_JOB: JobKind(prepare_apply, _failed("chat")),
}


async def preview_tapped(update: Update, context: BotContext, tap: RosterImportTap) -> None:
    """保留 / 标为调离 / 确认导入 / 返回 / 取消 under a roster preview."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    db = context.db
    branch = branches.get(db, tap.branch)
    if branch is None or not await context.services.roles.is_admin(user.id, branch.chat_id):
        context.outbox.answer_callback(db, chat.id, query.id, C.NOT_ADMIN)
        return
    pending: dict[str, Any] = branches.option(branch, OPT_PENDING, {})
    message_id = query.message.message_id if query.message is not None else None
    if not isinstance(pending, dict) or pending.get("number") != tap.preview:
        context.outbox.answer_callback(db, chat.id, query.id, P.IMPORT_STALE, alert=True)
        if message_id is not None:
            context.outbox.drop_keyboard(db, chat.id, message_id)
        return
    context.outbox.answer_callback(db, chat.id, query.id)
    text, missing = str(pending["text"]), int(pending.get("missing") or 0)

    def show(new_text: str, chosen: str | None) -> None:
        if message_id is not None:
            keyboard = _keyboard(branch.id or 0, tap.preview, missing=missing, chosen=chosen)
            context.outbox.edit_text(db, chat.id, message_id, new_text, keyboard=keyboard)

    if tap.action in ("keep", "moved"):
        if not missing:
            return
        pending["chosen"] = care_db.KEEP if tap.action == "keep" else care_db.MARK_MOVED
        branches.set_option(branch, OPT_PENDING, pending)
        chosen_text = P.IMPORT_CHOSEN_KEEP if tap.action == "keep" else P.IMPORT_CHOSEN_MOVED
        show(text.removesuffix(P.IMPORT_PREVIEW_ASK) + chosen_text + P.IMPORT_PREVIEW_ASK, "x")
    elif tap.action == "back":
        pending["chosen"] = None
        branches.set_option(branch, OPT_PENDING, pending)
        show(text, None)
    elif tap.action == "no":
        branches.set_option(branch, OPT_PENDING, None)
        if message_id is not None:
            context.outbox.edit_text(db, chat.id, message_id, P.IMPORT_CANCELLED)
    else:  # ok
        if missing and pending.get("chosen") is None:
            show(text, None)
            return
        branches.set_option(branch, OPT_PENDING, None)
        job = {**pending, "chat": chat.id, "user_id": user.id}
        job.pop("text", None)
        context.services.jobs.add(db, APPLY_JOB, job, key=f"{APPLY_JOB}:{branch.id}:{tap.preview}")
        if message_id is not None:
            context.outbox.edit_text(db, chat.id, message_id, P.IMPORT_WORKING)


HANDLERS = [on(RosterImportTap, preview_tapped)]
