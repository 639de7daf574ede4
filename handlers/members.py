"""Registering people as they appear: any message, joins and leaves, chat_member updates.

Runs first for every update (its own handler group) and never stops the others.

Most updates come from people the bot already knows, so a cache of what the database already
holds (a person's names; "this account is an active member of the branch in this group") lets
their updates skip the three queries and the write that registering would cost: this handler
runs for every update, and those queries were most of the time spent on an update that needs no
reply (see bench/inbound.py). The cache only learns an entry after the update that wrote it has
committed (a rolled-back update teaches it nothing) and forgets entries after `SEEN_SECONDS`,
so that a change made elsewhere (a member deactivated by an admin, a branch removed) is picked
up within minutes at worst.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session
from telegram import ChatMember, ChatMemberUpdated, Update, User
from telegram.ext import BaseHandler, ChatMemberHandler, TypeHandler

from bot.context import CURRENT, BotContext, UpdateState
from handlers.common import display_name, is_private
from storage import branches

GROUP = -10  # before every feature
SEEN_SECONDS = 600.0
SEEN_LIMIT = 50_000  # entries; past that the cache starts again empty
_PENDING = "members.seen"  # session.info key: what to learn once the batch has committed

Names = tuple[str, str | None, str | None]


@dataclass
class SeenCache:
    """What the database is known to hold about people and memberships, as last committed."""

    people: dict[int, tuple[Names, float]] = field(default_factory=dict)
    # (group chat id, user id) -> expiry: an active member of the active branch of that group.
    members: dict[tuple[int, int], float] = field(default_factory=dict)

    def knows_person(self, user: User) -> bool:
        entry = self.people.get(user.id)
        return (
            entry is not None
            and entry[1] > time.monotonic()
            and entry[0] == (user.first_name, user.last_name, user.username)
        )

    def knows_member(self, chat_id: int, user_id: int) -> bool:
        expiry = self.members.get((chat_id, user_id))
        return expiry is not None and expiry > time.monotonic()

    def forget_member(self, chat_id: int, user_id: int) -> None:
        self.members.pop((chat_id, user_id), None)

    def forget_chat(self, chat_id: int) -> None:
        for key in [k for k in self.members if k[0] == chat_id]:
            del self.members[key]

    def learn_later(self, session: Session, what: tuple[str, Any, Any]) -> None:
        """Remember `what` once this update's savepoint and the batch have both committed."""
        state = CURRENT.get(None)
        session.info.setdefault(_PENDING, []).append((state, what))

    def on_commit(self, session: Session) -> None:
        pending: list[tuple[UpdateState | None, tuple[str, Any, Any]]] = session.info.get(
            _PENDING, []
        )
        if not pending:
            return
        if len(self.people) + len(self.members) > SEEN_LIMIT:
            self.people.clear()
            self.members.clear()
        expiry = time.monotonic() + SEEN_SECONDS
        for state, (kind, key, value) in pending:
            if state is not None and state.error is not None:
                continue  # that update was rolled back
            if kind == "person":
                self.people[key] = (value, expiry)
            else:
                self.members[key] = expiry


def seen_cache(context: BotContext) -> SeenCache:
    services = context.services
    cache: SeenCache | None = services.extras.get(_PENDING)
    if cache is None:
        cache = services.extras[_PENDING] = SeenCache()
        services.db.after_commit(cache.on_commit)
    return cache


def _remember(context: BotContext, user: User, *, private: bool = False) -> None:
    if user.is_bot:
        return
    cache = seen_cache(context)
    # A private message also proves the person can be written to: that write always happens.
    if not private and cache.knows_person(user):
        return
    branches.upsert_person(
        context.db,
        user_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        now=context.now(),
        private=private,
    )
    cache.learn_later(
        context.db, ("person", user.id, (user.first_name, user.last_name, user.username))
    )


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
    branch = branches.by_chat(context.db, chat.id)
    if branch is None or not branch.active or branch.id is None:
        return
    if user is not None and not user.is_bot and update.chat_member is None:
        branches.ensure_member(
            context.db,
            branch_id=branch.id,
            user_id=user.id,
            name=display_name(user),
            now=context.now(),
        )
        cache.learn_later(context.db, ("member", (chat.id, user.id), None))
    if message is not None:
        for joined in message.new_chat_members or ():
            if not joined.is_bot:
                _remember(context, joined)
                branches.ensure_member(
                    context.db,
                    branch_id=branch.id,
                    user_id=joined.id,
                    name=display_name(joined),
                    now=context.now(),
                )
        left = message.left_chat_member
        if left is not None and not left.is_bot:
            cache.forget_member(chat.id, left.id)
            branches.set_active(context.db, branch.id, left.id, False)


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


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [TypeHandler(Update, track_people)]


def build_late_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        ChatMemberHandler(member_changed, ChatMemberHandler.CHAT_MEMBER),
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
