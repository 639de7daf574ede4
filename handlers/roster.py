"""/roster: import the branch's roster from a spreadsheet, list it, send the template; and
linking roster people to their Telegram accounts ("这是我", confirmed by an admin).

A roster import is all or nothing: the file is checked first and every problem is listed;
nothing changes unless the whole file is good. Importing updates members in place (see
`storage.care.import_roster`), so what members already submitted stays theirs.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session
from telegram import (
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
    User,
)
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext, Command, Services
from bot.core.cn_format import full_date
from bot.runtime.files import DownloadFailed, TooBig
from bot.runtime.jobs import Apply, JobKind
from bot.runtime.sandbox import OverBudget, run_limited
from bot.texts import SafeHtml, fmt
from bot.texts import care as T
from bot.texts import common as C
from handlers.callbacks import Claim, ClaimVerdict, on
from handlers.common import (
    branches_of_user,
    chunks,
    display_name,
    is_admin,
    is_private,
    refuse_unless,
    reply,
    send_generated_file,
)
from handlers.scope import branch_for
from storage import branches
from storage import care as care_db
from storage.models import Branch, Member
from storage.spreadsheets import (
    RosterError,
    SheetTooBig,
    check_upload,
    parse_roster,
    roster_template,
)

log = logging.getLogger(__name__)

COMMANDS = [
    Command("roster", "支部名单：回复表格文件导入，/roster 查看，/roster 模板 要模板", "admin"),
]

MAX_FILE = 5 * 1024 * 1024
CLAIM_WORDS = {"认领", "claim", "这是我"}
TEMPLATE_WORDS = {"template", "模板"}


# --- /roster ---------------------------------------------------------------------------------


async def roster_command(update: Update, context: BotContext) -> None:
    """/roster: import (as a reply to a file), list, template; `/roster 认领` for members."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if args and args[0] in CLAIM_WORDS:
        await show_claim_list(update, context)
        return
    if not await refuse_unless(update, context, allowed=is_admin, refusal=C.NOT_ADMIN):
        return
    replied = message.reply_to_message
    if args and args[0].lower() in TEMPLATE_WORDS:
        send_template(update, context)
    elif args:
        reply(update, context, fmt(T.ROSTER_UNKNOWN, arg=" ".join(args)))
    elif replied is not None and replied.document is not None:
        await import_file(update, context, replied.document)
    elif replied is not None:
        reply(update, context, T.ROSTER_NOT_A_FILE)
    else:
        await list_roster(update, context)


async def roster_caption(update: Update, context: BotContext) -> None:
    """A file sent with the caption /roster: import it."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    if not await refuse_unless(update, context, allowed=is_admin, refusal=C.NOT_ADMIN):
        return
    await import_file(update, context, message.document)


async def import_file(update: Update, context: BotContext, document: Document) -> None:
    """Check who may import and the size; the download and the check run as a background job
    (`prepare_import`), which imports the file, or lists every problem and changes nothing."""
    branch = await branch_for(update, context)
    if branch is not None:
        await start_roster_import(update, context, branch, document)


async def start_roster_import(
    update: Update, context: BotContext, branch: Branch, document: Document
) -> None:
    """Import `document` as the roster of `branch` (a background job; see `import_file`)."""
    chat = update.effective_chat
    message = update.effective_message
    if branch is None or branch.id is None or chat is None or message is None:
        return
    if document.file_size is not None and document.file_size > MAX_FILE:
        reply(update, context, T.ROSTER_TOO_BIG)
        return
    payload = {
        "chat_id": chat.id,
        "message_id": message.message_id,
        "branch_id": branch.id,
        "file_id": document.file_id,
        "file_name": document.file_name or "名单.xlsx",
    }
    context.services.jobs.add(
        context.db, IMPORT_JOB, payload, key=f"{IMPORT_JOB}:{chat.id}:{message.message_id}"
    )


IMPORT_JOB = "roster.import"


async def prepare_import(services: Services, payload: dict[str, Any]) -> Apply:
    """Download and read the file outside any transaction; import it in the job's own."""
    chat_id, message_id = int(payload["chat_id"]), int(payload["message_id"])

    def answer(text: str) -> Apply:
        def apply(session: Session) -> None:
            services.outbox.message(session, chat_id, text, reply_to=message_id)

        return apply

    try:
        data = await services.files.download(payload["file_id"], max_bytes=MAX_FILE)
    except TooBig:
        return answer(T.ROSTER_TOO_BIG)
    except DownloadFailed:
        return answer(T.ROSTER_DOWNLOAD_FAILED)
    today = services.local_now().date()
    try:
        # Within a budget: plainly too big is refused at once, the rest is parsed in a separate
        # process with a time and memory limit (bot/runtime/sandbox.py).
        check_upload(data)
        rows = await run_limited(parse_roster, data, payload["file_name"], today=today)
    except RosterError as exc:
        return answer(fmt(T.ROSTER_REFUSED, problems=exc.describe()))
    except (SheetTooBig, OverBudget) as exc:
        log.warning("roster: %r refused unread: %s", payload["file_name"], exc)
        return answer(T.ROSTER_FILE_TOO_BIG)

    def store(session: Session) -> None:
        try:
            with session.begin_nested():
                result = care_db.import_roster(
                    session, int(payload["branch_id"]), rows, now=services.now()
                )
        except RosterError as exc:
            services.outbox.message(
                session,
                chat_id,
                fmt(T.ROSTER_REFUSED, problems=exc.describe()),
                reply_to=message_id,
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
        if result.dropped:
            text += fmt(
                T.ROSTER_IMPORT_DROPPED, count=len(result.dropped), names="、".join(result.dropped)
            )
        if result.unlinked:
            text += T.ROSTER_IMPORT_UNLINKED_HINT
        services.outbox.message(session, chat_id, text, reply_to=message_id)

    return store


def import_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(
        session,
        int(payload["chat_id"]),
        T.ROSTER_DOWNLOAD_FAILED,
        reply_to=int(payload["message_id"]),
    )


JOBS = {IMPORT_JOB: JobKind(prepare_import, import_failed)}


def send_template(update: Update, context: BotContext) -> None:
    send_generated_file(
        update,
        context,
        roster_template(),
        stored_as="roster_template.xlsx",
        filename=T.ROSTER_TEMPLATE_FILE,
        caption=T.ROSTER_TEMPLATE_CAPTION,
        kind="care.roster_template",
    )


async def list_roster(update: Update, context: BotContext) -> None:
    """The roster with who is linked; details (birthdays) only in a private chat."""
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    people = care_db.roster(context.db, branch.id)
    if not people:
        reply(update, context, T.ROSTER_EMPTY)
        return
    private = is_private(update.effective_chat)
    linked = sum(1 for m in people if m.user_id is not None)
    lines = [fmt(T.ROSTER_HEADER, count=len(people), linked=linked)]
    for m in people:
        lines.append(
            fmt(
                T.ROSTER_LINE,
                mark=SafeHtml(_mark(m)),
                name=m.name,
                details=_details(m) if private else "",
            )
        )
    others = sum(1 for m in branches.members(context.db, branch.id) if not m.on_roster)
    lines.append(fmt(T.ROSTER_FOOTER, others=others) if others else T.ROSTER_FOOTER_NO_OTHERS)
    if not private:
        lines.append(T.ROSTER_GROUP_NOTE)
    for chunk in chunks(lines):
        reply(update, context, chunk)


def _mark(m: Member) -> str:
    if m.user_id is not None:
        return T.ROSTER_LINKED
    return T.ROSTER_CLAIMED if m.claimed_by is not None else T.ROSTER_UNLINKED


def _details(m: Member) -> str:
    parts = []
    birth = care_db.birth_of(m)
    if birth is not None:
        parts.append(f"生日 {birth}")
    if m.party_member:
        parts.append(f"{full_date(m.joined_party)}入党" if m.joined_party else "党员")
    if not m.public_birthday:
        parts.append("只私下祝福")
    if m.username:
        parts.append("@" + m.username)
    return ("　" + "，".join(parts)) if parts else ""


# --- linking: "这是我" and the admin's confirmation -------------------------------------------


async def claim_keyboard(
    context: BotContext, user: User
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What to tell an account about linking itself to the roster, with "这是我" buttons."""
    buttons: list[list[InlineKeyboardButton]] = []
    for branch in await branches_of_user(context, user):
        assert branch.id is not None
        care_db.link_known_usernames(context.db, branch.id)
        mine = branches.member(context.db, branch.id, user.id)
        if mine is not None and mine.on_roster:
            return fmt(T.CLAIM_ALREADY_LINKED, name=mine.name), None
        for m in care_db.unlinked(context.db, branch.id):
            if m.id is not None and m.claimed_by in (None, user.id):
                buttons.append(
                    [
                        InlineKeyboardButton(
                            T.BUTTON_CLAIM.format(name=m.name)[:64],
                            callback_data=Claim(m.id).build(),
                        )
                    ]
                )
    if not buttons:
        return T.CLAIM_NONE_LEFT, None
    return T.CLAIM_LIST, InlineKeyboardMarkup(buttons)


async def show_claim_list(update: Update, context: BotContext) -> None:
    """/roster 认领: show the unlinked roster people to tap "这是我" on (private chat)."""
    user = update.effective_user
    if user is None:
        return
    if not is_private(update.effective_chat):
        reply(update, context, T.CLAIM_PRIVATE_ONLY)
        return
    if not await branches_of_user(context, user):
        reply(update, context, C.NO_BRANCH_PRIVATE)
        return
    text, keyboard = await claim_keyboard(context, user)
    reply(update, context, text, keyboard=keyboard)


async def claim_pressed(update: Update, context: BotContext, claim: Claim) -> None:
    """A member tapped "这是我": ask the branch's admins to confirm."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    target = care_db.get(context.db, claim.member)
    mine = [b.id for b in await branches_of_user(context, user)]
    if (
        target is None
        or target.branch_id not in mine
        or not target.on_roster
        or not target.active
        or target.user_id is not None
        or target.claimed_by not in (None, user.id)
    ):
        name = target.name if target is not None else ""
        context.outbox.answer_callback(context.db, chat.id, query.id)
        context.outbox.message(context.db, chat.id, fmt(T.CLAIM_TAKEN, name=name))
        return
    own = branches.member(context.db, target.branch_id, user.id)
    if own is not None and own.on_roster:
        context.outbox.answer_callback(context.db, chat.id, query.id)
        context.outbox.message(context.db, chat.id, fmt(T.CLAIM_ALREADY_LINKED, name=own.name))
        return
    target.claimed_by = user.id
    branch = branches.get(context.db, target.branch_id)
    assert branch is not None and target.id is not None
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if query.message is not None:
        context.outbox.edit_text(
            context.db, chat.id, query.message.message_id, fmt(T.CLAIM_SENT, name=target.name)
        )
    account = f"@{user.username}" if user.username else f"ID {user.id}"
    text = fmt(T.CLAIM_ASK_ADMIN, who=display_name(user), account=account, name=target.name)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    T.BUTTON_CONFIRM, callback_data=ClaimVerdict("ok", target.id, user.id).build()
                ),
                InlineKeyboardButton(
                    T.BUTTON_REJECT, callback_data=ClaimVerdict("no", target.id, user.id).build()
                ),
            ]
        ]
    )
    admins = await context.services.roles.branch_admins(branch.chat_id)
    reachable = sorted(branches.reachable_privately(context.db, admins))
    # With no admin reachable privately the question goes to the group, where admins see it.
    for chat_id in reachable or [branch.chat_id]:
        context.outbox.message(
            context.db, chat_id, text, keyboard=keyboard, kind="care.claim", ref=target.id or ""
        )


async def claim_decided(update: Update, context: BotContext, verdict: ClaimVerdict) -> None:
    """An admin confirmed or rejected a "这是我"."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    claimant = verdict.user
    target = care_db.get(context.db, verdict.member)
    message_id = query.message.message_id if query.message is not None else None
    if target is None:  # already confirmed by another admin (the roster-only row merged)
        context.outbox.answer_callback(context.db, chat.id, query.id, T.CLAIM_STALE)
        return
    branch = branches.get(context.db, target.branch_id)
    if branch is None or not await context.services.roles.is_admin(user.id, branch.chat_id):
        context.outbox.answer_callback(context.db, chat.id, query.id, C.NOT_ADMIN)
        return
    if target.user_id is not None or target.claimed_by != claimant:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.CLAIM_STALE)
        if message_id is not None:
            context.outbox.edit_text(context.db, chat.id, message_id, T.CLAIM_STALE)
        return
    person = branches.person(context.db, claimant)
    who = (
        " ".join(p for p in (person.first_name, person.last_name) if p) if person else str(claimant)
    )
    name = target.name
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if verdict.verdict == "ok":
        care_db.link(context.db, target, claimant)
        admin_text, member_text = T.CLAIM_CONFIRMED_ADMIN, T.CLAIM_CONFIRMED_MEMBER
    else:
        target.claimed_by = None
        admin_text, member_text = T.CLAIM_REJECTED_ADMIN, T.CLAIM_REJECTED_MEMBER
    if message_id is not None:
        context.outbox.edit_text(
            context.db, chat.id, message_id, fmt(admin_text, who=who, name=name)
        )
    if branches.reachable_privately(context.db, [claimant]):
        context.outbox.message(context.db, claimant, fmt(member_text, name=name))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("roster", roster_command),
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(r"^/roster(@\w+)?(\s|$)"), roster_caption
        ),
        on(Claim, claim_pressed),
        on(ClaimVerdict, claim_decided),
    ]
