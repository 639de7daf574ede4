"""走访慰问台账: staff and admins record a visit in a few taps, privately (who, which kind, when,
who went, what was brought, notes); [已走访] under the Monday digest opens the same form filled
in; /visits shows the year's figures and downloads the ledger of a period or the per-person
summary (built by background jobs, sent privately).

Two parts: `form` (recording a visit) and `ledger` (/visits and the downloads).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.texts import visits as T
from handlers import flows
from handlers.callbacks import VisitExport, VisitFromDigest, VisitNew, on
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.visits.form import RECORD, from_digest, new_pressed
from handlers.visits.ledger import JOBS, export_pressed, show_overview, start_link, visits_command
from storage.models import Branch

__all__ = ["COMMANDS", "JOBS", "build_handlers", "show_overview"]

COMMANDS = [Command("visits", T.CMD_VISITS, "staff")]


# --- the menu -------------------------------------------------------------------------------------


async def _menu_new(update: Update, context: BotContext, branch: Branch) -> None:
    await flows.start(update, context, RECORD, branch=branch)


async def _menu_ledger(update: Update, context: BotContext, branch: Branch) -> None:
    chat = update.effective_chat
    if chat is not None:
        show_overview(context, chat.id, branch)


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=94,
        entries=[
            MenuEntry(T.MENU_NEW, _menu_new, "staff"),
            MenuEntry(T.MENU_LEDGER, _menu_ledger, "staff"),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("visits", visits_command, filters=filters.UpdateType.MESSAGE),
        CommandHandler(
            "start",
            start_link,
            filters=filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+visits\s*$"),
        ),
        on(VisitFromDigest, from_digest),
        on(VisitNew, new_pressed),
        on(VisitExport, export_pressed),
    ]
