"""/export: the download menu for admins and staff, in private chats only.

Each feature that offers a download handles its own button (callback data "export:<kind>…",
registered in that feature's module) and must check the presser's rights again, since callback
data can be forged. Exports are never sent to a group.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext, Command
from bot.texts import common as T
from handlers.common import is_private, reply, staff_only

COMMANDS = [Command("export", "下载学习台账、测试成绩（私聊中使用）", "staff")]

# (callback data, button text): one per feature that offers a download.
KINDS = [("export:ledger", T.EXPORT_LEDGER), ("export:quiz", T.EXPORT_QUIZ)]


@staff_only
async def export_menu(update: Update, context: BotContext) -> None:
    """Offer the downloads; in a group, explain that downloads happen privately."""
    if not is_private(update.effective_chat):
        reply(update, context, T.EXPORT_PRIVATE_ONLY)
        return
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for data, text in KINDS]
    )
    reply(update, context, T.EXPORT_MENU, keyboard=keyboard)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [CommandHandler("export", export_menu)]
