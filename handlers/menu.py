"""/menu: every task an admin (or staff member) does, as big buttons, privately.

A feature offers its tasks by registering a section at import (`register(MenuSection(...))`,
next to its handlers): a title, where it stands in the menu, and its entries. An entry is a
label and what to do when tapped (`run(update, context, branch)`), usually starting a guided
flow (handlers/flows.py). The branch is chosen the one way every command chooses it
(handlers/scope.py `branch_for`). In a group, /menu answers with a button that opens the
private chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.texts import fmt
from bot.texts import menu as T
from handlers.callbacks import MenuHome, MenuOpen, MenuRun, MenuShow, on
from handlers.common import Need, is_group, reply, staff_only
from handlers.scope import branch_for
from storage.models import Branch

COMMANDS = [Command("menu", T.CMD_MENU, "staff")]

Run = Callable[[Update, BotContext, Branch], Awaitable[None]]


@dataclass(frozen=True)
class MenuEntry:
    """One task: its button label, who may use it, and what tapping it does."""

    label: str
    run: Run
    need: Need = "admin"


@dataclass(frozen=True)
class MenuSection:
    """A group of tasks under one button of the menu; `order` places it (low first)."""

    title: str
    order: int
    entries: Sequence[MenuEntry]


_SECTIONS: list[MenuSection] = []


def register(section: MenuSection) -> MenuSection:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
        _SECTIONS.sort(key=lambda s: (s.order, s.title))
    return section


def sections() -> list[MenuSection]:
    return list(_SECTIONS)


def _home_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(s.title, callback_data=MenuOpen(i).build())]
            for i, s in enumerate(_SECTIONS)
        ]
    )


@staff_only
async def menu_command(update: Update, context: BotContext) -> None:
    """/menu: the sections, as buttons (privately; in the group, a button to go there)."""
    if is_group(update.effective_chat):
        link = context.services.deep_link("menu")
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(T.OPEN_PRIVATE, url=link)]])
        reply(update, context, T.PRIVATE_ONLY, keyboard=keyboard)
        return
    reply(update, context, T.HOME_NO_BRANCH, keyboard=_home_keyboard())


def open_button(update: Update, context: BotContext) -> InlineKeyboardButton:
    """The button that opens the menu (under /start and /help for admins and staff): in the
    private chat it shows it; in a group it opens the private chat."""
    if is_group(update.effective_chat):
        return InlineKeyboardButton(T.OPEN_PRIVATE, url=context.services.deep_link("menu"))
    return InlineKeyboardButton(T.OPEN_PRIVATE, callback_data=MenuShow().build())


async def show(update: Update, context: BotContext, pressed: MenuShow) -> None:
    """The menu as a new message (the sections check rights when an entry is tapped)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    context.outbox.message(context.db, chat.id, T.HOME_NO_BRANCH, keyboard=_home_keyboard())


async def home(update: Update, context: BotContext, pressed: MenuHome) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or query.message is None:
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    context.outbox.edit_text(
        context.db, chat.id, query.message.message_id, T.HOME_NO_BRANCH, keyboard=_home_keyboard()
    )


async def open_section(update: Update, context: BotContext, pressed: MenuOpen) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or query.message is None:
        return
    if pressed.section >= len(_SECTIONS):
        context.outbox.answer_callback(context.db, chat.id, query.id, T.GONE)
        return
    section = _SECTIONS[pressed.section]
    rows = [
        [InlineKeyboardButton(e.label, callback_data=MenuRun(pressed.section, i).build())]
        for i, e in enumerate(section.entries)
    ]
    rows.append([InlineKeyboardButton(T.BACK_HOME, callback_data=MenuHome().build())])
    context.outbox.answer_callback(context.db, chat.id, query.id)
    context.outbox.edit_text(
        context.db,
        chat.id,
        query.message.message_id,
        fmt(T.SECTION, title=section.title),
        keyboard=InlineKeyboardMarkup(rows),
    )


async def run_entry(update: Update, context: BotContext, pressed: MenuRun) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    if pressed.section >= len(_SECTIONS) or pressed.entry >= len(
        _SECTIONS[pressed.section].entries
    ):
        context.outbox.answer_callback(context.db, chat.id, query.id, T.GONE)
        return
    entry = _SECTIONS[pressed.section].entries[pressed.entry]
    context.outbox.answer_callback(context.db, chat.id, query.id)
    branch = await branch_for(update, context, entry.need)
    if branch is not None:
        await entry.run(update, context, branch)


async def start_link(update: Update, context: BotContext) -> None:
    """/start menu, from the group's button."""
    await menu_command(update, context)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("menu", menu_command, filters=filters.UpdateType.MESSAGE),
        CommandHandler(
            "start",
            start_link,
            filters=filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+menu\s*$"),
        ),
        on(MenuHome, home),
        on(MenuShow, show),
        on(MenuOpen, open_section),
        on(MenuRun, run_entry),
    ]
