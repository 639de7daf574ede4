"""The branch's group itself: Telegram upgraded it to a supergroup (the branch follows it), and
a /setup in a supergroup that may be a branch's upgraded group.

The logic is in `bot.services.group`; here are the service messages, and the two background
jobs that ask Telegram (never inside the update's transaction): who created the group, so the
secretary hears of the upgrade, and whether a branch's basic group became this supergroup.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from telegram import Chat, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.context import BotContext, Services
from bot.runtime.jobs import Apply, JobKind
from bot.services import group
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import group as T
from handlers.common import display_name
from storage import branches


async def group_upgraded(update: Update, context: BotContext) -> None:
    """Telegram's note, in the old chat or the new one, that the group became a supergroup."""
    message = update.effective_message
    if message is None:
        return
    user = message.from_user
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    by = user.id if user is not None and not user.is_bot else None
    branch = group.follow_upgrade(context.services, context.db, old, new, by=by)
    if branch is not None:
        # Telegram told the bot in the group itself: it is there, whatever was noted before.
        branch.active = True


def check_setup_first(update: Update, context: BotContext) -> bool:
    """/setup in a supergroup while a branch lives in a basic group: that group may have been
    upgraded to this one without the bot hearing of it, so ask Telegram first (a job). True
    when the answer will come from there."""
    chat = update.effective_chat
    message = update.effective_message
    user = update.effective_user
    if chat is None or message is None or chat.type != Chat.SUPERGROUP:
        return False
    candidates = [b.chat_id for b in branches.basic_groups(context.db)]
    if not candidates:
        return False
    payload = {
        "chat_id": chat.id,
        "title": chat.title or str(chat.id),
        "user_id": user.id if user is not None and not user.is_bot else None,
        "user_name": display_name(user) if user is not None else "",
        "message_id": message.message_id,
        "candidates": candidates,
    }
    context.services.jobs.add(
        context.db,
        group.SETUP_JOB,
        payload,
        key=f"{group.SETUP_JOB}:{chat.id}:{message.message_id}",
    )
    return True


async def prepare_setup(services: Services, payload: dict[str, Any]) -> Apply:
    """Ask Telegram whether one of the branches' basic groups became this supergroup."""
    chat_id = int(payload["chat_id"])
    found: int | None = None
    for old in payload["candidates"]:
        if await services.roles.upgraded_to(int(old)) == chat_id:
            found = int(old)
            break
    title = str(payload["title"])
    user_id = payload["user_id"]
    reply_to = int(payload["message_id"])

    def apply(session: Session) -> None:
        here = branches.by_chat(session, chat_id)
        if here is not None and here.active:
            text = fmt(C.SETUP_ALREADY, title=title)
            services.outbox.message(session, chat_id, text, reply_to=reply_to)
            return
        if found is None or branches.by_chat(session, found) is None:
            group.make_branch(
                services,
                session,
                chat_id=chat_id,
                title=title,
                user_id=user_id,
                user_name=str(payload["user_name"]),
                reply_to=reply_to,
            )
            return
        branch = group.follow_upgrade(services, session, found, chat_id, by=user_id)
        assert branch is not None and branch.id is not None
        branch.active = True
        if user_id is not None:
            branches.ensure_member(
                session,
                branch_id=branch.id,
                user_id=user_id,
                name=str(payload["user_name"]),
                now=services.now(),
            )
        text = fmt(T.SETUP_FOLLOWED, title=branch.title)
        services.outbox.message(session, chat_id, text, reply_to=reply_to)

    return apply


def setup_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(
        session,
        int(payload["chat_id"]),
        T.SETUP_CHECK_FAILED,
        reply_to=int(payload["message_id"]),
    )


async def prepare_notice(services: Services, payload: dict[str, Any]) -> Apply:
    """Find the secretary (the group's creator) to tell about the upgrade."""
    creator = await services.roles.creator(int(payload["new"]))
    people: list[int] = []
    for person in (creator, payload.get("by"), *services.settings.admin_ids):
        if person is not None and person not in people:
            people.append(int(person))

    def apply(session: Session) -> None:
        group.tell_upgraded(
            services,
            session,
            branch_id=int(payload["branch_id"]),
            old_chat_id=int(payload["old"]),
            people=people,
        )

    return apply


JOBS = {
    group.NOTICE_JOB: JobKind(prepare_notice),
    group.SETUP_JOB: JobKind(prepare_setup, setup_failed),
}


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [MessageHandler(filters.StatusUpdate.MIGRATE, group_upgraded)]
