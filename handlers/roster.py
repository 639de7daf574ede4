"""/roster: import the branch's roster from a spreadsheet, list it, send the template; and
linking roster people to their Telegram accounts ("这是我", confirmed by an admin).

A roster import is all or nothing: the file is checked first and every problem is listed;
nothing changes unless the whole file is good and the admin confirmed its preview
(handlers/roster_import.py). Importing updates members in place (see
`storage.care.import_roster`), so what members already submitted stays theirs.
"""

from __future__ import annotations

import logging

from telegram import (
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
    User,
)
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext, Command
from bot.core.cn_format import full_date, month_day
from bot.texts import SafeHtml, fmt
from bot.texts import care as T
from bot.texts import common as C
from bot.texts import people as P
from handlers import roster_import
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
from handlers.people import status_keyboard
from handlers.roster_import import start_roster_import
from handlers.scope import branch_for
from storage import branches
from storage import care as care_db
from storage import people as people_db
from storage.models import Member
from storage.spreadsheets import (
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
    """The roster file to import: for the branch the command is about, previewed before
    anything changes (handlers/roster_import.py)."""
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    await start_roster_import(update, context, branch, document)


JOBS = roster_import.JOBS


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
    """The roster. In the group only the names; privately who is linked, each one's details
    and status (住院, and those who left or passed away, respectfully), and 更改状态."""
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    people = care_db.roster(context.db, branch.id)
    if not people:
        reply(update, context, T.ROSTER_EMPTY)
        return
    if not is_private(update.effective_chat):
        names = [fmt(T.ROSTER_GROUP_LINE, name=m.name) for m in people]
        lines = [fmt(T.ROSTER_GROUP_HEADER, count=len(people)), *names, T.ROSTER_GROUP_NOTE]
        for chunk in chunks(lines):
            reply(update, context, chunk)
        return
    linked = sum(1 for m in people if m.user_id is not None)
    lines = [fmt(T.ROSTER_HEADER, count=len(people), linked=linked)]
    for m in people:
        lines.append(fmt(T.ROSTER_LINE, mark=SafeHtml(_mark(m)), name=m.name, details=_details(m)))
    others = sum(1 for m in branches.members(context.db, branch.id) if not m.on_roster)
    lines.append(fmt(T.ROSTER_FOOTER, others=others) if others else T.ROSTER_FOOTER_NO_OTHERS)
    gone = care_db.gone_from_roster(context.db, branch.id)
    if gone:
        lines.append(P.GONE_HEADER)
        lines.extend(fmt(P.GONE_LINE, name=m.name, label=people_db.label(m)) for m in gone)
    lines.extend(_recent_changes(context, branch.id))
    lines.append(P.STATUS_HINT)
    keyboard = status_keyboard(branch)
    parts = chunks(lines)
    for n, chunk in enumerate(parts):
        reply(update, context, chunk, keyboard=keyboard if n == len(parts) - 1 else None)


RECENT_CHANGES = 5


def _recent_changes(context: BotContext, branch_id: int) -> list[str]:
    """The latest status changes: who changed whose status to what, when, and how."""
    changes = people_db.log_of(context.db, branch_id)[-RECENT_CHANGES:]
    if not changes:
        return []
    tz = context.services.settings.tz
    lines = [P.LOG_HEADER]
    for change in reversed(changes):
        target = care_db.get(context.db, change.member_id)
        by = branches.person(context.db, change.changed_by) if change.changed_by else None
        new = P.STATUS_NAMES.get(change.new_status, change.new_status)
        if change.new_status == people_db.DECEASED and change.since is not None:
            new = f"{new} {change.since.isoformat()}"
        lines.append(
            fmt(
                P.LOG_LINE,
                day=month_day(change.changed_at.astimezone(tz).date()),
                name=target.name if target is not None else "",
                old=P.STATUS_NAMES.get(change.old_status, change.old_status),
                new=new,
                by=by.first_name + (by.last_name or "") if by is not None else "",
                how=P.LOG_SOURCES.get(change.source, change.source),
            )
        )
    return lines


def _mark(m: Member) -> str:
    if m.user_id is not None:
        return T.ROSTER_LINKED
    return T.ROSTER_CLAIMED if m.claimed_by is not None else T.ROSTER_UNLINKED


def _details(m: Member) -> str:
    parts = []
    if m.status != people_db.PRESENT:
        parts.append(people_db.label(m))
    birth = care_db.birth_of(m)
    if birth is not None:
        parts.append(f"生日 {birth}")
    if m.party_member:
        kind = "预备党员" if m.probationary else "党员"
        parts.append(f"{full_date(m.joined_party)}入党" if m.joined_party else kind)
        if m.probationary and m.joined_party:
            parts.append(kind)
        if m.confirmed_party:
            parts.append(f"{full_date(m.confirmed_party)}转正")
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
        *roster_import.HANDLERS,
        on(Claim, claim_pressed),
        on(ClaimVerdict, claim_decided),
    ]
