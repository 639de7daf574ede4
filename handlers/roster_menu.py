"""The 名单与生日 section of /menu: the roster (as /roster shows it, privately), its template,
how to import one (by sending the file), and the birthdays and party anniversaries coming up
(as /upcoming shows them), and changing a member's status (在册/住院/调离/已故, handlers/people.py). Each entry runs what the command runs; nothing is done twice.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext, Command
from bot.texts import people as P
from bot.texts import roster_menu as T
from handlers import greetings, people, roster
from handlers.common import reply
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from storage.models import Branch

COMMANDS: list[Command] = []


async def _view(update: Update, context: BotContext, branch: Branch) -> None:
    await roster.list_roster(update, context)


async def _template(update: Update, context: BotContext, branch: Branch) -> None:
    roster.send_template(update, context)


async def _import(update: Update, context: BotContext, branch: Branch) -> None:
    reply(update, context, T.IMPORT_HOW)


async def _upcoming(update: Update, context: BotContext, branch: Branch) -> None:
    await greetings.upcoming(update, context)


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=50,
        entries=[
            MenuEntry(T.MENU_VIEW, _view),
            MenuEntry(P.MENU_STATUS, people.open_status_flow),
            MenuEntry(T.MENU_TEMPLATE, _template),
            MenuEntry(T.MENU_IMPORT, _import),
            MenuEntry(T.MENU_UPCOMING, _upcoming, "staff"),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    # The entries' work is /roster's and /upcoming's; the menu (handlers/menu.py) runs them.
    return []
