"""/material and /materials: admins build the library of study materials for the theme day.

An admin replies `/material 标题` to a document, photo, text or link (or sends a document or
photo with that caption), in the group or privately (an admin of several branches is asked
which, handlers/scope.py); the bot keeps Telegram's file_id to resend it and queues a download
into the branch's archive. `/materials` shows the queue for the next
theme day with buttons to remove an item or move it up; `/materials 全部` shows the library,
whose items can be queued again. Every button checks the presser's rights again, since
callback data can be forged.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext, Command
from bot.core import cn_format
from bot.core.material_batches import Item, single
from bot.services import themeday as theme_day
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import themeday as T
from handlers.callbacks import MaterialAction, on
from handlers.common import admin_only, current_branch, is_group, reply
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.scope import branch_for
from storage import branches, materials
from storage.models import Branch, Material

COMMANDS = [
    Command("material", "回复文件、图片、文字或链接，加为学习材料", "admin"),
    Command("materials", "查看、调整下次主题党日的学习材料", "admin"),
]

CAPTION_COMMAND = re.compile(r"^/material(?:@\w+)?(?:\s+(?P<title>.*))?$", re.DOTALL)
LIBRARY_WORDS = frozenset({"全部", "all", "资料库", "库", "library"})
TITLE_LIMIT = 60
LIST_LIMIT = 30  # three buttons each, under Telegram's 100 buttons per message


# A web address in plain text (Telegram marks it as an entity too; forwarded or pasted text
# may come without one).
LINK = re.compile(r"https?://\S", re.IGNORECASE)


def has_link(message: Message) -> bool:
    """Whether a text message holds a link."""
    if not message.text:
        return False
    linked = any(e.type in (MessageEntity.URL, MessageEntity.TEXT_LINK) for e in message.entities)
    return linked or LINK.search(message.text) is not None


# --- adding ---------------------------------------------------------------------------------


def _default_title(source: Message, kind: str) -> str:
    if kind == "document" and source.document is not None:
        name = source.document.file_name or ""
        return PurePosixPath(name).stem or name or T.TITLE_DOCUMENT
    if kind == "photo":
        caption = (source.caption or "").strip()
        return caption.splitlines()[0] if caption and not caption.startswith("/") else T.TITLE_PHOTO
    first_line = (source.text or "").strip().splitlines()
    return first_line[0] if first_line else T.TITLE_TEXT


def _material_from(source: Message, title: str, *, added_by: int, now: datetime) -> Material | None:
    """A new Material for this message (in no queue yet), or None if we cannot push it."""
    material = Material(
        kind="",
        title="",
        source_chat_id=source.chat_id,
        source_message_id=source.message_id,
        added_by=added_by,
        state=materials.LIBRARY,
        created_at=now,
    )
    if source.document is not None:
        doc = source.document
        material.kind = "document"
        material.file_id, material.file_unique_id = doc.file_id, doc.file_unique_id
        material.file_name, material.size = doc.file_name, doc.file_size
    elif source.photo:
        photo = source.photo[-1]  # the largest size
        material.kind = "photo"
        material.file_id, material.file_unique_id = photo.file_id, photo.file_unique_id
        material.size = photo.file_size
    elif source.text:
        material.kind = "link" if has_link(source) else "text"
        material.text_html = source.text_html
    else:
        return None
    material.title = (title.strip() or _default_title(source, material.kind))[:TITLE_LIMIT]
    return material


def _when_text(context: BotContext, branch: Branch, position: int) -> str:
    when = theme_day.next_day_text(branch, context.now(), context.settings.tz)
    if when is None:
        return fmt(T.MATERIAL_WHEN_NO_RULE, n=position)
    return fmt(T.MATERIAL_WHEN_NEXT, date=when, n=position)


def _file_into_archive(context: BotContext, material: Material, branch: Branch) -> bool:
    """Queue the download of a file material; True if it is too big to download."""
    if material.file_id is None or material.file_unique_id is None:
        return False
    if material.kind == "photo":
        ext = "jpg"
    else:
        ext = PurePosixPath(material.file_name or "").suffix.lstrip(".") or "bin"
    day = context.now().astimezone(context.settings.tz).date().isoformat()
    row = context.services.archive.queue(
        context.db,
        file_id=material.file_id,
        file_unique_id=material.file_unique_id,
        size=material.size,
        folder=[branch.title, "学习材料"],
        name=[day, material.title],
        ext=ext,
        kind="material",
        ref=material.id or "",
    )
    material.archive_id = row.id
    return row.status == "too_big"


def _assign(context: BotContext, material: Material, branch: Branch) -> str:
    """Put the material in the branch's queue and archive; the confirmation to send."""
    assert branch.id is not None
    materials.enqueue(context.db, material, branch_id=branch.id)
    too_big = _file_into_archive(context, material, branch)
    position = len(materials.queued(context.db, branch.id))
    text = fmt(T.MATERIAL_ADDED, title=material.title) + _when_text(context, branch, position)
    return text + (T.MATERIAL_TOO_BIG if too_big else "")


async def _add(update: Update, context: BotContext, source: Message | None, title: str) -> None:
    user = update.effective_user
    if user is None:
        return
    if source is None:
        reply(update, context, T.MATERIAL_USAGE)
        return
    if is_group(update.effective_chat) and current_branch(update, context) is None:
        reply(update, context, C.NOT_A_BRANCH)
        return
    existing = materials.by_source(context.db, source.chat_id, source.message_id)
    if existing is not None and existing.state != materials.CHOOSING:
        _again(update, context, existing)
        return
    # New, or left "choosing" a branch by a version that asked after storing it.
    material = existing or _material_from(source, title, added_by=user.id, now=context.now())
    if material is None:
        reply(update, context, T.MATERIAL_UNSUPPORTED)
        return
    branch = await branch_for(update, context)
    if branch is None:
        return
    if existing is None:
        materials.add(context.db, material)
    reply(update, context, _assign(context, material, branch))


async def add_from(update: Update, context: BotContext, source: Message) -> None:
    """Add `source` (the admin's own message) as a material, as /material in reply to it does."""
    await _add(update, context, source, "")


def _again(update: Update, context: BotContext, material: Material) -> None:
    """/material on a message that already is a material."""
    if material.state == materials.QUEUED:
        reply(update, context, fmt(T.MATERIAL_ALREADY_QUEUED, title=material.title))
    else:
        materials.enqueue(context.db, material)
        reply(update, context, fmt(T.MATERIAL_REQUEUED, title=material.title))


@admin_only
async def material_command(update: Update, context: BotContext) -> None:
    """/material [标题] in reply to the message to keep."""
    message = update.effective_message
    if message is None:
        return
    await _add(update, context, message.reply_to_message, " ".join(context.args or []))


@admin_only
async def material_caption(update: Update, context: BotContext) -> None:
    """A document or photo sent with the caption "/material 标题"."""
    message = update.effective_message
    if message is None:
        return
    match = CAPTION_COMMAND.match(message.caption or "")
    title = (match.group("title") or "") if match else ""
    await _add(update, context, message, title)


# --- listing and buttons --------------------------------------------------------------------


def queue_view(context: BotContext, branch: Branch) -> tuple[str, InlineKeyboardMarkup | None]:
    """The queue for the next theme day, with remove/move-up buttons."""
    assert branch.id is not None
    when = theme_day.next_day_text(branch, context.now(), context.settings.tz)
    when = when or T.QUEUE_WHEN_NO_RULE
    items = materials.queued(context.db, branch.id)
    if not items:
        return fmt(T.QUEUE_EMPTY, branch=branch.title, when=when), None
    lines = [fmt(T.QUEUE_HEADER, branch=branch.title, when=when)]
    rows: list[list[InlineKeyboardButton]] = []
    for n, item in enumerate(items, start=1):
        lines.append(fmt(T.QUEUE_LINE, n=n, icon=T.ICONS.get(item.kind, ""), title=item.title))
        if n > LIST_LIMIT:
            continue
        assert item.id is not None
        remove = MaterialAction("rm", item.id).build()
        preview = MaterialAction("pv", item.id).build()
        row = [
            InlineKeyboardButton(T.BUTTON_PREVIEW.format(n=n), callback_data=preview),
            InlineKeyboardButton(T.BUTTON_REMOVE.format(n=n), callback_data=remove),
        ]
        if n > 1:
            up = MaterialAction("up", item.id).build()
            row.append(InlineKeyboardButton(T.BUTTON_UP.format(n=n), callback_data=up))
        rows.append(row)
    return "\n".join(lines) + T.QUEUE_FOOTER, InlineKeyboardMarkup(rows)


def library_view(context: BotContext, branch: Branch) -> tuple[str, InlineKeyboardMarkup | None]:
    """Materials not queued now, with a button to use each again."""
    assert branch.id is not None
    items = materials.library(context.db, branch.id, limit=LIST_LIMIT)
    if not items:
        return fmt(T.LIBRARY_EMPTY, branch=branch.title), None
    tz = context.settings.tz
    lines = [fmt(T.LIBRARY_HEADER, branch=branch.title, count=len(items))]
    rows = []
    for n, item in enumerate(items, start=1):
        used = (
            T.LIBRARY_USED.format(
                date=cn_format.day_text(item.last_pushed_at.astimezone(tz).date())
            )
            if item.last_pushed_at
            else T.LIBRARY_NEVER_USED
        )
        icon = T.ICONS.get(item.kind, "")
        lines.append(fmt(T.LIBRARY_LINE, n=n, icon=icon, title=item.title, used=used))
        assert item.id is not None
        reuse = MaterialAction("re", item.id).build()
        rows.append([InlineKeyboardButton(T.BUTTON_REUSE.format(n=n), callback_data=reuse)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@admin_only
async def materials_command(update: Update, context: BotContext) -> None:
    """/materials: the queue for the next theme day; /materials 全部: the library."""
    args = context.args or []
    library = bool(args) and args[0].lower() in LIBRARY_WORDS
    if is_group(update.effective_chat) and current_branch(update, context) is None:
        reply(update, context, C.NOT_A_BRANCH)
        return
    branch = await branch_for(update, context)
    if branch is None:
        return
    text, keyboard = (library_view if library else queue_view)(context, branch)
    reply(update, context, text, keyboard=keyboard)


async def material_button(update: Update, context: BotContext, pressed: MaterialAction) -> None:
    """A button of the queue or the library (rights checked again: data can be forged)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or query.from_user is None:
        return

    def answer(text: str | None = None) -> None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)

    material = materials.get(context.db, pressed.material)
    branch = (
        branches.get(context.db, material.branch_id)
        if material is not None and material.branch_id is not None
        else None
    )
    if material is None or branch is None or not branch.active or branch.id is None:
        answer(T.ANSWER_GONE)
        return
    if not await context.services.roles.is_admin(query.from_user.id, branch.chat_id):
        answer(T.ANSWER_NOT_ADMIN)
        return
    message = query.message
    message_id = message.message_id if message is not None else None

    def show(view: tuple[str, InlineKeyboardMarkup | None]) -> None:
        if message_id is not None:
            text, keyboard = view
            context.outbox.edit_text(context.db, chat.id, message_id, text, keyboard=keyboard)

    if pressed.action == "pv":
        _preview(context, chat.id, query.from_user.id, material, branch)
        answer(T.ANSWER_PREVIEW)
    elif pressed.action == "rm":
        if material.state != materials.QUEUED:
            answer(T.ANSWER_GONE)
        else:
            materials.unqueue(material)
            answer(T.ANSWER_REMOVED)
        show(queue_view(context, branch))
    elif pressed.action == "up":
        if material.state != materials.QUEUED:
            answer(T.ANSWER_GONE)
            show(queue_view(context, branch))
        elif materials.move_up(context.db, material):
            answer(T.ANSWER_MOVED)
            show(queue_view(context, branch))
        else:
            answer(T.ANSWER_FIRST)
    else:
        if material.state == materials.LIBRARY:
            materials.enqueue(context.db, material)
        answer(T.ANSWER_REQUEUED)
        show(library_view(context, branch))


def _preview(
    context: BotContext, chat_id: int, user_id: int, material: Material, branch: Branch
) -> None:
    """The material sent privately exactly as the group will get it (the group's copy: the
    same send the push makes, to the presser's private chat instead)."""
    assert material.id is not None
    to = chat_id if chat_id == user_id else user_id
    batch = single(Item(material.id, material.kind))
    context.outbox.call(
        context.db,
        to,
        batch.method,
        theme_day.batch_payload(to, batch, [material]),
        kind="material.preview",
        ref=material.id,
    )


# --- the menu's 学习材料 section -------------------------------------------------------------


async def _menu_queue(update: Update, context: BotContext, branch: Branch) -> None:
    text, keyboard = queue_view(context, branch)
    reply(update, context, text, keyboard=keyboard)


async def _menu_library(update: Update, context: BotContext, branch: Branch) -> None:
    text, keyboard = library_view(context, branch)
    reply(update, context, text, keyboard=keyboard)


async def _menu_how(update: Update, context: BotContext, branch: Branch) -> None:
    reply(update, context, fmt(T.MENU_HOW_TEXT, branch=branch.title))


register_section(
    MenuSection(
        T.MENU_MATERIALS,
        order=20,
        entries=[
            MenuEntry(T.MENU_QUEUE, _menu_queue),
            MenuEntry(T.MENU_HOW, _menu_how),
            MenuEntry(T.MENU_LIBRARY, _menu_library),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("material", material_command),
        CommandHandler("materials", materials_command),
        MessageHandler(
            (filters.Document.ALL | filters.PHOTO)
            & filters.CaptionRegex(r"^/material(?:@\w+)?(?:\s|$)"),
            material_caption,
        ),
        on(MaterialAction, material_button),
    ]
