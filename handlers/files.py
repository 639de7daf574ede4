"""A file, a picture or a link an admin sends privately: "这个文件要做什么？" with
[加为学习材料] [导入为题库] [导入为名单] [不用] — no command, no reply-to needed.

The rule (asked from handlers/private.py, which routes private messages): the sender
administers a branch, the message is a document, a photo or a text with a link, and nothing
else took it first — a chat waiting for a reflection (the "📝 提交心得" button) and a guided
flow's step come before, and while a flow is open a file gets a note to finish it first. An
admin who is also a member and has a theme day open gets one more button, [这是我的心得],
which offers it as their reflection the usual way. An album is asked about once (its first
page).

The question replies to the file, so a tap finds the file in the message it answers; the
import buttons appear for spreadsheets only. 加为学习材料 adds it to the queue as /material
does; 导入为题库 starts the same check as `/quiz` on a file; 导入为名单 the roster import
(`handlers.roster_import.start_roster_import`). Each action is keyed on the file or the question, so a
second tap does nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.texts import common as C
from bot.texts import files as T
from bot.texts import fmt
from handlers import flows, materials
from handlers.callbacks import FileAction, FileWhat, on
from handlers.common import branches_for, reply
from handlers.quiz import bank
from handlers.roster_import import start_roster_import
from handlers.scope import branch_for
from storage import flows as flow_store
from storage import outbox

SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xls", ".csv"})

# Offer a private message as the sender's reflection (handlers/private.py hands it in at import).
Offer = Callable[[Update, BotContext, Message], Awaitable[None]]
_offer: Offer | None = None


def use_offer(offer: Offer) -> None:
    global _offer
    _offer = offer


def _is_spreadsheet(message: Message) -> bool:
    name = message.document.file_name if message.document is not None else None
    return PurePosixPath(name or "").suffix.lower() in SPREADSHEETS


def _question(message: Message) -> str:
    if message.photo:
        return T.ASK_PHOTO
    return T.ASK if message.document is not None else T.ASK_LINK


async def ask(
    update: Update, context: BotContext, reflection_open: Callable[[], Awaitable[bool]]
) -> bool:
    """Ask what an admin's private file is for; False if the message is not such a file (or
    not from an admin), so that the caller answers it the usual way."""
    message = update.message
    user = update.effective_user
    if message is None or user is None:
        return False
    if message.document is None and not message.photo and not materials.has_link(message):
        return False
    if not await branches_for(context, user.id, "admin"):
        return False
    if flows.live(flow_store.of_user(context.db, user.id), context.now()):
        reply(update, context, T.IN_A_FLOW)
        return True
    key = f"file.ask:{message.chat.id}:{message.media_group_id or message.message_id}"
    if outbox.find_by_key(context.db, key) is not None:
        return True  # another page of an album already asked about, or the same message again

    def button(label: str, action: FileWhat) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=FileAction(action).build())

    rows = [[button(T.AS_MATERIAL, "material")]]
    if _is_spreadsheet(message):
        rows.append([button(T.AS_QUIZ, "quiz"), button(T.AS_ROSTER, "roster")])
    if await reflection_open():
        rows.append([button(T.AS_REFLECTION, "reflect")])
    rows.append([button(T.NOTHING, "no")])
    reply(update, context, _question(message), keyboard=InlineKeyboardMarkup(rows), dedupe_key=key)
    return True


LABELS: dict[FileWhat, str] = {
    "material": T.AS_MATERIAL,
    "quiz": T.AS_QUIZ,
    "roster": T.AS_ROSTER,
    "reflect": T.AS_REFLECTION,
    "no": T.NOTHING,
}


async def tapped(update: Update, context: BotContext, pressed: FileAction) -> None:
    """A button under the question: do that with the file the question replies to."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    asked = query.message if isinstance(query.message, Message) else None
    source = asked.reply_to_message if asked is not None else None
    if asked is None or source is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.FILE_GONE)
        return
    if pressed.action != "reflect" and not await branches_for(context, user.id, "admin"):
        context.outbox.answer_callback(context.db, chat.id, query.id, C.NOT_ADMIN)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    shown = fmt(T.CHOSEN, question=asked.text or "", answer=LABELS[pressed.action])
    context.outbox.edit_text(context.db, chat.id, asked.message_id, shown)
    if pressed.action == "material":
        await materials.add_from(update, context, source)
    elif pressed.action == "quiz" and source.document is not None:
        reply(update, context, T.QUIZ_STARTED)
        await bank.import_bank(update, context, source, source.document, "")
    elif pressed.action == "roster" and source.document is not None:
        branch = await branch_for(update, context)
        if branch is not None:
            reply(update, context, T.ROSTER_STARTED)
            await start_roster_import(update, context, branch, source.document)
    elif pressed.action == "reflect" and _offer is not None:
        await _offer(update, context, source)
    elif pressed.action == "no":
        reply(update, context, T.NOTHING_DONE)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [on(FileAction, tapped)]
