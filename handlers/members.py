"""Registering people as they appear: any message, joins and leaves, chat_member updates.

Runs first for every update (its own handler group) and never stops the others.
"""

from __future__ import annotations

from telegram import ChatMember, ChatMemberUpdated, Update, User
from telegram.ext import BaseHandler, ChatMemberHandler, TypeHandler

from bot.context import BotContext
from handlers.common import display_name, is_private
from storage import branches

GROUP = -10  # before every feature


def _remember(context: BotContext, user: User, *, private: bool = False) -> None:
    if user.is_bot:
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


async def track_people(update: Update, context: BotContext) -> None:
    """Record the sender (and anyone joining) and their membership of the branch group."""
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    if user is not None:
        _remember(context, user, private=is_private(chat) and update.message is not None)
    if chat is None or chat.id > 0:
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
            branches.set_active(context.db, branch.id, left.id, False)


LEFT = {ChatMember.LEFT, ChatMember.BANNED}


async def member_changed(update: Update, context: BotContext) -> None:
    """Someone joined, left or was promoted in a branch group (bot must be admin to see it)."""
    change: ChatMemberUpdated | None = update.chat_member
    if change is None:
        return
    user = change.new_chat_member.user
    context.services.roles.forget(change.chat.id, user.id)
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
    """The bot itself was removed from a branch group: stop sending there."""
    change = update.my_chat_member
    if change is None or change.chat.id > 0:
        return
    if change.new_chat_member.status in LEFT:
        branches.deactivate_chat(context.db, change.chat.id)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [TypeHandler(Update, track_people)]


def build_late_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        ChatMemberHandler(member_changed, ChatMemberHandler.CHAT_MEMBER),
        ChatMemberHandler(bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
