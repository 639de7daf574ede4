"""Registering people as they appear: any message, joins and leaves, chat_member updates.

Runs first for every update (its own handler group) and never stops the others.

Most updates come from people the bot already knows: `bot.runtime.seen.SeenCache` (what the
database is known to hold, as last committed) lets them skip registering again.

Most of all, plain group chatter from known members (a text post without a command, a mention, a
link or a reply, and edits of such posts) needs nothing from any feature: `BULK` takes runs of
it straight from the stored JSON, without building `Update` objects or running the feature
handlers, and leaves everything else to them. tests/unit/test_plain_chatter.py checks that no
handler of any feature would have taken such an update; a feature that wants plain chatter one
day must narrow `is_plain_chatter` (and that test will say so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram import ChatMember, ChatMemberUpdated, Update, User
from telegram.ext import BaseHandler, ChatMemberHandler, TypeHandler

from bot.context import BotContext, Services
from bot.runtime.inbox import RawUpdate
from bot.runtime.seen import SeenCache
from handlers.common import display_name, is_private
from storage import branches
from storage.models import Person

GROUP = -10  # before every feature


def seen_cache(context: BotContext) -> SeenCache:
    return context.services.state.seen


def _remember(context: BotContext, user: User, *, private: bool = False) -> None:
    if user.is_bot:
        return
    cache = seen_cache(context)
    names = (user.first_name, user.last_name, user.username)
    # A private message also proves the person can be written to: that write always happens.
    if not private and cache.knows_person(user):
        return
    session = context.db
    if private or session.identity_key(Person, user.id) in session.identity_map:
        branches.upsert_person(
            session,
            user_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            now=context.now(),
            private=private,
        )
    else:
        # The common case (someone in a group, not loaded in this transaction): two plain
        # statements, and a write only for a newcomer or a rename.
        recorded = branches.names_of(session, [user.id])
        if recorded.get(user.id) != names:
            branches.upsert_people(session, {user.id: names}, recorded=recorded, now=context.now())
    cache.learn_later(session, ("person", user.id, names))


async def track_people(update: Update, context: BotContext) -> None:
    """Record the sender (and anyone joining) and their membership of the branch group."""
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    if user is not None:
        _remember(context, user, private=is_private(chat) and update.message is not None)
    if chat is None or chat.id > 0:
        return
    cache = seen_cache(context)
    joins_or_leaves = message is not None and bool(
        message.new_chat_members or message.left_chat_member
    )
    if (
        user is not None
        and update.chat_member is None
        and not joins_or_leaves
        and cache.knows_member(chat.id, user.id)
    ):
        return
    branch_id = branches.active_id_of(context.db, chat.id)
    if branch_id is None:
        return
    if user is not None and not user.is_bot and update.chat_member is None:
        # One statement (a new row, or an inactive one active again), no row built.
        branches.register_members(
            context.db, branch_id=branch_id, names={user.id: display_name(user)}, now=context.now()
        )
        cache.learn_later(context.db, ("member", (chat.id, user.id), None))
    if message is not None:
        for joined in message.new_chat_members or ():
            if not joined.is_bot:
                _remember(context, joined)
                branches.ensure_member(
                    context.db,
                    branch_id=branch_id,
                    user_id=joined.id,
                    name=display_name(joined),
                    now=context.now(),
                )
        left = message.left_chat_member
        if left is not None and not left.is_bot:
            cache.forget_member(chat.id, left.id)
            branches.set_active(context.db, branch_id, left.id, False)


LEFT = {ChatMember.LEFT, ChatMember.BANNED}


async def member_changed(update: Update, context: BotContext) -> None:
    """Someone joined, left or was promoted in a branch group (bot must be admin to see it)."""
    change: ChatMemberUpdated | None = update.chat_member
    if change is None:
        return
    user = change.new_chat_member.user
    context.services.roles.forget(change.chat.id, user.id)
    seen_cache(context).forget_member(change.chat.id, user.id)
    branch = branches.by_chat(context.db, change.chat.id)
    if branch is None or branch.id is None or user.is_bot:
        return
    _remember(context, user)
    if change.new_chat_member.status in LEFT:
        branches.set_active(context.db, branch.id, user.id, False)
    else:
        branches.ensure_member(
            context.db,
            branch_id=branch.id,
            user_id=user.id,
            name=display_name(user),
            now=context.now(),
        )


async def bot_membership_changed(update: Update, context: BotContext) -> None:
    """The bot was removed from a branch group (stop sending there), or someone blocked it in
    their private chat (no more private messages to them until they write again)."""
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.id > 0:
        if change.new_chat_member.status in LEFT:
            branches.mark_unreachable(context.db, change.chat.id, when=context.now())
        return
    if change.new_chat_member.status in LEFT:
        seen_cache(context).forget_chat(change.chat.id)
        branches.deactivate_chat(context.db, change.chat.id)


# What a message may hold and still be plain chatter: anything else (an entity, a reply, a
# caption, media, joins and leaves, a topic, a sender chat...) goes to the feature handlers.
PLAIN_FIELDS = frozenset(
    {"message_id", "date", "chat", "from", "text", "edit_date", "link_preview_options"}
)
GROUP_TYPES = frozenset({"group", "supergroup"})


def is_plain_chatter(message: Any) -> bool:
    """A text post (or its edit) in a group with nothing any feature acts on."""
    return (
        isinstance(message, dict)
        and message.keys() <= PLAIN_FIELDS
        and isinstance(message.get("text"), str)
        and not message["text"].startswith("/")
        and isinstance(message.get("chat"), dict)
        and message["chat"].get("type") in GROUP_TYPES
        and isinstance(message.get("from"), dict)
        and not message["from"].get("is_bot", True)
    )


async def plain_chatter(
    services: Services, session: Session, updates: Sequence[RawUpdate]
) -> list[int]:
    """Runs of messages or edits: for plain chatter, what `track_people` does, for the whole
    run at once (people recorded, newcomers registered as members of the group's branch); the
    rest goes through the handlers."""
    seen = services.state.seen
    left = []
    names: dict[int, branches.Names] = {}
    newcomers: dict[int, dict[int, str]] = {}  # chat id -> {user id: name}
    for index, update in enumerate(updates):
        message = update.body
        if not is_plain_chatter(message):
            left.append(index)
            continue
        user = message["from"]
        user_id = int(user["id"])
        names[user_id] = (str(user["first_name"]), user.get("last_name"), user.get("username"))
        chat_id = int(message["chat"]["id"])
        if not seen.knows_member(chat_id, user_id):
            newcomers.setdefault(chat_id, {})[user_id] = branches.full_name(
                *names[user_id], user_id
            )
    now = services.now()
    remember_people(services, session, names, now=now)
    for chat_id, members in newcomers.items():
        branch_id = branches.active_id_of(session, chat_id)
        if branch_id is None:
            continue  # not a branch group: nobody to register
        branches.register_members(session, branch_id=branch_id, names=members, now=now)
        for user_id in members:
            seen.learn_later(session, ("member", (chat_id, user_id), None))
    return left


def remember_people(
    services: Services, session: Session, names: dict[int, branches.Names], *, now: datetime
) -> None:
    """Record many people seen at once, as `_remember` does one by one: only those the cache
    cannot vouch for are looked up, and only newcomers and renames are written."""
    seen = services.state.seen
    unverified = {u: n for u, n in names.items() if not seen.knows_names(u, n)}
    recorded = branches.names_of(session, list(unverified))
    changed = {u: n for u, n in unverified.items() if recorded.get(u) != n}
    branches.upsert_people(session, changed, recorded=recorded, now=now)
    for user_id, user_names in unverified.items():
        seen.learn_later(session, ("person", user_id, user_names))


BULK = {"message": plain_chatter, "edited_message": plain_chatter}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [TypeHandler(Update, track_people)]


def build_late_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        ChatMemberHandler(member_changed, ChatMemberHandler.CHAT_MEMBER),
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
