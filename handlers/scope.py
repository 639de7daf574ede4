"""Which branch a command is about: the one path every command that acts on a branch takes,
and `/branch` to switch.

In a branch's group it is that group's branch. In a private chat (the rule is in
bot/core/scope.py), someone with one branch gets it without being asked; someone with several
is asked once with buttons, and the command they gave (or the file they sent) is then carried
out for the branch they tap, without their sending it again: the update is kept with the
question and run again after the tap. The choice holds for their next commands while they keep
acting on it; each answer about that remembered branch is preceded by a short line naming it,
and `/branch` asks again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextvars import ContextVar

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext, Command, Services
from bot.core.scope import WINDOW
from bot.runtime.inbox import RawUpdate
from bot.services import scope
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import scope as T
from handlers.callbacks import BranchPick, on
from handlers.common import (
    Need,
    branches_for,
    current_branch,
    is_group,
    reply,
    staff_only,
)
from storage import branches
from storage.models import Branch

COMMANDS = [Command("branch", T.CMD_BRANCH, "staff")]


def _roles_wanted(session: Session, chat: object, user: object) -> set[tuple[int, int]]:
    if not isinstance(chat, dict) or not isinstance(user, dict) or user.get("is_bot"):
        return set()
    chat_id, user_id = chat.get("id"), user.get("id")
    if not isinstance(chat_id, int) or not isinstance(user_id, int):
        return set()
    if chat.get("type") in ("group", "supergroup"):
        return {(chat_id, user_id)}
    # Privately, a command may be about any branch the person administers (`branch_for`).
    return {(branch.chat_id, user_id) for branch in branches.active(session)}


def commands_to_ask(
    services: Services, session: Session, updates: Sequence[RawUpdate]
) -> set[tuple[int, int]]:
    """Before the batch's transaction (bot/runtime/inbox.py `Prefetch`): whose role in which
    group the commands in these messages will check."""
    wanted: set[tuple[int, int]] = set()
    for update in updates:
        text = update.body.get("text") or update.body.get("caption") or ""
        if isinstance(text, str) and text.startswith("/"):
            wanted |= _roles_wanted(session, update.body.get("chat"), update.body.get("from"))
    return wanted


def taps_to_ask(
    services: Services, session: Session, updates: Sequence[RawUpdate]
) -> set[tuple[int, int]]:
    """The same for button presses (the chat is the pressed message's)."""
    wanted: set[tuple[int, int]] = set()
    for update in updates:
        message = update.body.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        wanted |= _roles_wanted(session, chat, update.body.get("from"))
    return wanted


PREFETCH = {"message": commands_to_ask, "callback_query": taps_to_ask}

# Set while a command runs again after its branch was tapped: the tap's answer named it.
_REPLAYING: ContextVar[bool] = ContextVar("yinling_scope_replaying", default=False)


async def branch_for(update: Update, context: BotContext, need: Need = "admin") -> Branch | None:
    """The branch this command is about, or None after saying why there is none, or after
    asking which (the command then runs again by itself once a branch is tapped)."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return None
    if is_group(chat):
        here = current_branch(update, context)
        if here is None:
            reply(update, context, C.NOT_A_BRANCH)
        return here
    found = await branches_for(context, user.id, need)
    ids = [b.id for b in found if b.id is not None]
    decision = scope.decide(context.db, user.id, ids, context.now())
    if decision.ask:
        ask(update, context, found, need, run_again=True)
        return None
    branch = next((b for b in found if b.id == decision.branch_id), None)
    if branch is None:
        reply(update, context, C.NO_BRANCH_PRIVATE)
        return None
    if decision.remembered and not _REPLAYING.get():
        context.outbox.message(context.db, chat.id, fmt(T.NOTE, branch=branch.title))
    return branch


def ask(
    update: Update, context: BotContext, found: list[Branch], need: Need, *, run_again: bool
) -> None:
    """Ask which branch, with one button per branch; keep the update to run after the tap."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    question = scope.ask(
        context.db,
        user_id=user.id,
        chat_id=chat.id,
        need=need,
        update_json=update.to_json() if run_again else None,
        now=context.now(),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.title, callback_data=BranchPick(question, b.id).build())]
            for b in found
            if b.id is not None
        ]
    )
    reply(update, context, C.CHOOSE_BRANCH, keyboard=keyboard)


async def branch_picked(update: Update, context: BotContext, pick: BranchPick) -> None:
    """A branch tapped under "which branch?": remember it, then carry out what was asked."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    now = context.now()
    question = scope.open_question(
        context.db, pick.question, user_id=user.id, chat_id=chat.id, now=now
    )
    if question is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.QUESTION_GONE)
        return
    need: Need = "staff" if question.need == "staff" else "admin"
    found = await branches_for(context, user.id, need)
    branch = next((b for b in found if b.id == pick.branch), None)
    if branch is None or branch.id is None:  # forged, or their rights changed meanwhile
        refusal = C.NOT_STAFF if need == "staff" else C.NOT_ADMIN
        context.outbox.answer_callback(context.db, chat.id, query.id, refusal)
        return
    scope.choose(context.db, user.id, branch.id, now)
    stored = question.update_json
    scope.answered(context.db, question)
    context.outbox.answer_callback(context.db, chat.id, query.id)
    if query.message is not None:
        minutes = int(WINDOW.total_seconds() // 60)
        text = fmt(T.CHOSEN, branch=branch.title, minutes=minutes)
        context.outbox.edit_text(context.db, chat.id, query.message.message_id, text)
    if stored is not None:
        await _run_again(context, stored)


async def _run_again(context: BotContext, stored: str) -> None:
    """Process the update that asked, now that its branch is remembered (same transaction: if
    it fails, the tap's effects roll back with it)."""
    update = Update.de_json(json.loads(stored), context.bot)
    token = _REPLAYING.set(True)
    try:
        await context.application.process_update(update)
    finally:
        _REPLAYING.reset(token)


@staff_only
async def branch_command(update: Update, context: BotContext) -> None:
    """/branch: choose, or switch, the branch private commands are about."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    if is_group(chat):
        here = current_branch(update, context)
        reply(update, context, fmt(T.IN_GROUP, branch=here.title) if here else C.NOT_A_BRANCH)
        return
    found = await branches_for(context, user.id, "staff")
    if not found:
        reply(update, context, C.NO_BRANCH_PRIVATE)
    elif len(found) == 1:
        reply(update, context, fmt(T.ONLY_ONE, branch=found[0].title))
    else:
        ask(update, context, found, "staff", run_again=False)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("branch", branch_command),
        on(BranchPick, branch_picked),
    ]
