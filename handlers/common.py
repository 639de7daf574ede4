"""What every feature's handlers share: who is speaking, in which branch, and replying."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, Literal, ParamSpec

from telegram import Chat, Message, Update, User
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.services import exports
from bot.texts import common as T
from bot.texts import fmt
from storage import branches, people
from storage.models import Branch, Member

P = ParamSpec("P")
# A handler, maybe with more arguments after the context (a button's parsed data).
Handler = Callable[Concatenate[Update, BotContext, P], Coroutine[Any, Any, None]]
# Whose branches a command acts on: those one administers, or (reports, downloads) also every
# branch for staff.
Need = Literal["admin", "staff"]


# Telegram's statuses of someone who is in a group (left and kicked are not).
IN_GROUP = frozenset({"creator", "administrator", "member", "restricted"})


def display_name(user: User) -> str:
    """A Telegram account's name, tidied as members' names are (storage.branches.full_name)."""
    return branches.full_name(user.first_name, user.last_name, user.username, user.id)


def reply(update: Update, context: BotContext, html_text: str, **kwargs: Any) -> None:
    """Queue an answer to the message in hand, in the same chat."""
    message = update.effective_message
    chat = update.effective_chat
    if chat is None:
        return
    context.outbox.message(
        context.db,
        chat.id,
        html_text,
        reply_to=message.message_id if message is not None else None,
        **kwargs,
    )


def answer_tap(update: Update, context: BotContext, text: str | None = None) -> None:
    """Answer the button press in hand (Telegram shows `text`, if any, to the presser only)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is not None and chat is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == Chat.PRIVATE


def current_branch(update: Update, context: BotContext) -> Branch | None:
    """The branch of the group the update came from, if that group is one."""
    chat = update.effective_chat
    if not is_group(chat):
        return None
    assert chat is not None
    branch = branches.by_chat(context.db, chat.id)
    return branch if branch is not None and branch.active else None


def anonymous_admin(message: Message | None) -> bool:
    """A group admin posting as the group itself: Telegram hides who they are."""
    return (
        message is not None
        and message.sender_chat is not None
        and message.chat is not None
        and message.sender_chat.id == message.chat.id
    )


async def is_admin(update: Update, context: BotContext) -> bool:
    """Admin of this group, or (in a private chat) of at least one branch."""
    user = update.effective_user
    if user is None:
        return False
    chat = update.effective_chat
    if is_group(chat):
        assert chat is not None
        return await context.services.roles.is_admin(user.id, chat.id)
    return bool(await branches_for(context, user.id, "admin"))


async def is_staff_or_admin(update: Update, context: BotContext) -> bool:
    """May see reports and download results."""
    user = update.effective_user
    if user is None:
        return False
    return context.services.roles.is_staff(user.id) or await is_admin(update, context)


async def refuse_unless(
    update: Update,
    context: BotContext,
    *,
    allowed: Callable[[Update, BotContext], Awaitable[bool]],
    refusal: str,
) -> bool:
    """True if the sender may go on; otherwise queue a polite refusal and return False.

    Works for commands and for button presses (forged callback data included).
    """
    if anonymous_admin(update.effective_message) and update.callback_query is None:
        reply(update, context, T.ANONYMOUS_ADMIN)
        return False
    if await allowed(update, context):
        return True
    query = update.callback_query
    if query is not None and update.effective_chat is not None:
        context.outbox.answer_callback(context.db, update.effective_chat.id, query.id, refusal)
    else:
        reply(update, context, refusal)
    return False


def refusal(update: Update, context: BotContext, usual: str) -> str:
    """Why a private command is refused: usually `usual`; but someone whose branch lost the bot
    (removed from the group) is told that, and how to add it back."""
    user = update.effective_user
    if user is None or not is_private(update.effective_chat) or update.callback_query is not None:
        return usual  # (a button's notice holds 200 characters: too short for the way back)
    configured = context.services.roles.is_configured_admin(user.id)
    gone = branches.removed_of(context.db, None if configured else user.id)
    if not gone:
        return usual
    return fmt(T.BOT_REMOVED, titles="、".join(b.title for b in gone))


def admin_only(callback: Handler[P]) -> Handler[P]:
    """Run the command only for admins; anyone else gets a polite refusal and nothing changes."""

    @functools.wraps(callback)
    async def wrapper(
        update: Update, context: BotContext, /, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        why = refusal(update, context, T.NOT_ADMIN)
        if await refuse_unless(update, context, allowed=is_admin, refusal=why):
            await callback(update, context, *args, **kwargs)

    return wrapper


def staff_only(callback: Handler[P]) -> Handler[P]:
    """Run the command for admins and staff (reports, downloads)."""

    @functools.wraps(callback)
    async def wrapper(
        update: Update, context: BotContext, /, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        why = refusal(update, context, T.NOT_STAFF)
        if await refuse_unless(update, context, allowed=is_staff_or_admin, refusal=why):
            await callback(update, context, *args, **kwargs)

    return wrapper


def download_button(callback: Handler[P]) -> Handler[P]:
    """A button that leads to a download: admins and staff only, and only in a private chat,
    so that no export ever reaches a group (callback data can be forged, so checked here)."""

    @functools.wraps(callback)
    async def wrapper(
        update: Update, context: BotContext, /, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        if not await refuse_unless(update, context, allowed=is_staff_or_admin, refusal=T.NOT_STAFF):
            return
        if not is_private(chat):
            context.outbox.answer_callback(context.db, chat.id, query.id, T.EXPORT_PRIVATE_ONLY)
            return
        await callback(update, context, *args, **kwargs)

    return wrapper


async def branches_for(context: BotContext, user_id: int, need: Need) -> list[Branch]:
    """The branches this person may act on from a private chat: those they administer (every
    branch for configured admins), and for staff commands every branch for staff. Which one a
    command is about is decided in handlers/scope.py."""
    roles = context.services.roles
    if roles.is_configured_admin(user_id) or (need == "staff" and roles.is_staff(user_id)):
        return branches.active(context.db)
    return [
        b
        for b in branches.branches_of(context.db, user_id)
        if await roles.is_admin(user_id, b.chat_id)
    ]


def stop_here() -> None:
    """End processing of this update in later handler groups."""
    raise ApplicationHandlerStop


def send_generated_file(
    update: Update,
    context: BotContext,
    data: bytes,
    *,
    stored_as: str,
    filename: str,
    caption: str,
    kind: str,
) -> None:
    """Queue a file the bot made (a template) as a document in the chat of the update; it is
    written under the exports folder and pruned with the exports (bot/services/exports.py)."""
    chat = update.effective_chat
    if chat is None:
        return
    name = stored_as.rsplit(".", 1)[0]
    path = exports.write_file(context.settings, name, chat.id, stored_as, data, context.now())
    context.outbox.document(
        context.db, chat.id, path, filename=filename, caption=caption, kind=kind
    )


async def member_in_branch(
    context: BotContext, branch_id: int, chat_id: int, user: User
) -> Member | None:
    """The user as an active member of the branch, registering them if Telegram says they are
    in its group (`chat_id`); None for bots, for people outside the group, and for members
    recorded as moved away or passed away (nothing is recorded or said about them)."""
    if user.is_bot:
        return None
    found = branches.member(context.db, branch_id, user.id)
    if found is not None and people.is_gone(found):
        return None
    in_group = found is not None and found.active
    if not in_group and await context.services.roles.status(chat_id, user.id) not in IN_GROUP:
        return None
    return branches.ensure_member(
        context.db, branch_id=branch_id, user_id=user.id, name=display_name(user), now=context.now()
    )


async def may_administer(context: BotContext, user_id: int, branch: Branch) -> bool:
    """Changes to this branch: its admins (the group's, and the configured ones)."""
    return await context.services.roles.is_admin(user_id, branch.chat_id)


async def may_view(context: BotContext, user_id: int, branch: Branch) -> bool:
    """Reports and downloads of this branch: its admins, and staff."""
    roles = context.services.roles
    return roles.is_staff(user_id) or await roles.is_admin(user_id, branch.chat_id)


def command_text(message: Message) -> str:
    """What follows the command word in a message ("/report 2026-11-26" -> "2026-11-26")."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def branches_of_user(context: BotContext, user: User) -> list[Branch]:
    """The branches this person belongs to: registered there, or in the group per Telegram."""
    found = branches.branches_of(context.db, user.id)
    if found:
        return found
    result = []
    for branch in branches.active(context.db):
        if await context.services.roles.status(branch.chat_id, user.id) in IN_GROUP:
            assert branch.id is not None
            branches.ensure_member(
                context.db,
                branch_id=branch.id,
                user_id=user.id,
                name=display_name(user),
                now=context.now(),
            )
            result.append(branch)
    return result


# Characters per message when a long list is split (Telegram allows 4096).
MAX_MESSAGE = 3500


def chunks(lines: list[str]) -> list[str]:
    """Lines joined into as few messages as fit Telegram's limit (with room to spare)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_MESSAGE:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks
