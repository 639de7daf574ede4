"""A member's private chat: a chat waiting for a reflection, and whatever no feature took.
Every message gets one answer.

After the "📝 提交心得" button the next message is the reflection. Otherwise a text, a voice, a
photo or a file sent while a theme day is open is offered as the member's reflection
("要把这条作为本次主题党日的心得交上吗？" [交上] [不用]; the taps are answered in
handlers/reflections.py, which records it exactly as a reply in the group would be). An album
gets one question for all its pages, and pages that arrive after the question (or after the
tap) join it. Anything else (a sticker, a location, "好的", an unknown command, a stray
/cancel) gets a short friendly note of what the bot can do.

Registered last of all (bot/app.py `FEATURES`): an admin in the middle of a guided flow and
every command a feature knows are served first; this only sees what they leave.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.context import BotContext
from bot.core import reflections as rules
from bot.core.cn_format import month_day
from bot.texts import common as TC
from bot.texts import fmt
from bot.texts import reflections as T
from handlers import files
from handlers.callbacks import ReflectOffer, ReflectOfferNo
from handlers.common import branches_of_user, reply
from handlers.reflections import Waiting, ack_privately, member_of, read_message, submit
from handlers.start import member_help_keyboard
from storage import branches, reflections, themeday
from storage.models import Member, ThemeSession
from storage.reflections import NewReflection


async def open_sessions(context: BotContext, user: User) -> list[ThemeSession]:
    """The latest session of each of the member's branches that still takes a reflection."""
    now = context.now()
    found = []
    for branch in await branches_of_user(context, user):
        if branch.id is None or not branch.active:
            continue
        theme = themeday.latest(context.db, branch.id)
        if theme is not None and rules.open_for_offer(theme.deadline, now):
            found.append(theme)
    return found


async def private_submission(update: Update, context: BotContext) -> None:
    """The next private message after the button: their reflection for that session (an
    album's first page to arrive; the others join it in `join_album`)."""
    message = update.message
    user = update.effective_user
    if message is None or user is None:
        return
    wait = reflections.get_wait(context.db, user.id, now=context.now())
    theme = themeday.get(context.db, wait.session_id) if wait and wait.session_id else None
    branch = branches.get(context.db, theme.branch_id) if theme is not None else None
    if wait is None or theme is None or branch is None:
        # Pressed too long ago (or the session is gone): asked about like any other message.
        reflections.clear_wait(context.db, user.id)
        await private_message(update, context)
        return
    item = read_message(message)
    if item is None:
        reply(update, context, T.WAIT_UNSUPPORTED)
        return
    if item.kind == "text" and rules.is_acknowledgment(item.text):
        reply(update, context, T.WAIT_STILL)  # "好的": still waiting for the reflection
        return
    member = await member_of(context, branch, user)
    reflections.clear_wait(context.db, user.id)
    if member is None:
        reply(update, context, T.NOT_IN_BRANCH)
        return
    found = submit(
        context,
        theme=theme,
        member=member,
        item=item,
        chat_id=message.chat.id,
        message_id=message.message_id,
        via="private",
    )
    # An album is thanked once all its pages are in (schedules/thanks.py).
    if found is not None and item.media_group_id is None:
        ack_privately(update, context, [found.reflection], member)


async def private_message(update: Update, context: BotContext) -> None:
    """Anything sent privately that nothing else took: one answer (an album: one in all)."""
    message = update.message
    user = update.effective_user
    if message is None or user is None or user.is_bot:
        return
    if message.text and any(e.type == "bot_command" and e.offset == 0 for e in message.entities):
        word = message.text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        text = T.NOTHING_TO_CANCEL if word == "/cancel" else TC.UNKNOWN_COMMAND
        reply(update, context, text, keyboard=member_help_keyboard())
        return
    item = read_message(message)
    album = item is not None and item.media_group_id is not None
    if album and item is not None and await join_album(context, message, item):
        return  # the album's first page was answered
    # An admin's file, picture or link: what is it for (handlers/files.py)?
    if await files.ask(update, context, lambda: _reflection_open(context, user)):
        return
    if item is None or (item.kind == "text" and rules.is_acknowledgment(item.text)):
        await note(update, context, user)
        return
    await offer(update, context, user, message, item)


async def _reflection_open(context: BotContext, user: User) -> bool:
    """Whether the person has a theme day open that they have not handed in for."""
    return any(not _submitted(context, t, user) for t in await open_sessions(context, user))


async def _offer_file(update: Update, context: BotContext, message: Message) -> None:
    """[这是我的心得] under an admin's file: offered as their reflection the usual way."""
    user = update.effective_user
    item = read_message(message)
    if user is None or item is None:
        return
    await offer(update, context, user, message, item)


files.use_offer(_offer_file)


async def join_album(context: BotContext, message: Message, item: NewReflection) -> bool:
    """Another page of an album already recorded or offered: add it, say nothing more."""
    assert item.media_group_id is not None
    chat_id = message.chat.id
    row = reflections.album(context.db, chat_id, item.media_group_id)
    if row is not None:
        theme = themeday.get(context.db, row.session_id)
        member = context.db.get(Member, row.member_id)
        if theme is not None and member is not None:
            submit(
                context,
                theme=theme,
                member=member,
                item=item,
                chat_id=chat_id,
                message_id=message.message_id,
                via="private",
            )
        return True
    offered = reflections.offer_of_album(context.db, chat_id, item.media_group_id)
    if offered is None:
        return False
    if offered.status == "open":
        reflections.add_offer_part(context.db, offered, message_id=message.message_id, item=item)
    return True


async def note(update: Update, context: BotContext, user: User) -> None:
    """A short friendly note of what the bot can do, with the help buttons."""
    themes = await open_sessions(context, user)
    pending = [t for t in themes if not _submitted(context, t, user)]
    if pending:
        text = fmt(T.NOTE_OPEN, topic=pending[0].topic)
    elif themes:
        text = T.NOTE_SUBMITTED
    elif not branches.branches_of(context.db, user.id):
        text = TC.NO_BRANCH_PRIVATE
    else:
        text = T.NOTE
    reply(update, context, text, keyboard=member_help_keyboard())


def _submitted(context: BotContext, theme: ThemeSession, user: User) -> bool:
    member = branches.member(context.db, theme.branch_id, user.id)
    return (
        member is not None
        and member.id is not None
        and theme.id is not None
        and reflections.has_submitted(context.db, theme.id, member.id)
    )


async def offer(
    update: Update, context: BotContext, user: User, message: Message, item: NewReflection
) -> None:
    """Ask whether this message is their reflection, with one tap to hand it in."""
    chat_id, message_id = message.chat.id, message.message_id
    if (
        reflections.offer_of_message(context.db, chat_id, message_id) is not None
        or reflections.by_message(context.db, chat_id, message_id) is not None
    ):
        return  # the same message seen again: asked already
    themes = await open_sessions(context, user)
    if not themes:
        if item.media_group_id is not None:
            # Remember the album as answered, so that its other pages get no note of their own.
            noted = reflections.add_offer(
                context.db,
                user_id=user.id,
                chat_id=chat_id,
                message_id=message_id,
                item=item,
                now=context.now(),
            )
            noted.status = "noted"
        await note(update, context, user)
        return
    offered = reflections.add_offer(
        context.db,
        user_id=user.id,
        chat_id=chat_id,
        message_id=message_id,
        item=item,
        now=context.now(),
    )
    assert offered.id is not None
    album = item.media_group_id is not None
    no = InlineKeyboardButton(T.OFFER_NO, callback_data=ReflectOfferNo(offered.id).build())
    if len(themes) == 1:
        [theme] = themes
        assert theme.id is not None
        yes = InlineKeyboardButton(
            T.OFFER_YES, callback_data=ReflectOffer(offered.id, theme.id).build()
        )
        text = fmt(T.OFFER_ALBUM if album else T.OFFER, topic=theme.topic)
        reply(update, context, text, keyboard=InlineKeyboardMarkup([[yes, no]]))
        return
    buttons = [
        [
            InlineKeyboardButton(
                T.OFFER_TO.format(date=month_day(t.local_date), topic=t.topic)[:60],
                callback_data=ReflectOffer(offered.id, t.id).build(),
            )
        ]
        for t in themes
        if t.id is not None
    ]
    reply(update, context, T.OFFER_SEVERAL, keyboard=InlineKeyboardMarkup([*buttons, [no]]))


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    only_new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    return [
        # A chat waiting for a reflection (the "📝 提交心得" button was pressed) comes first.
        MessageHandler(only_new & private & Waiting() & ~filters.COMMAND, private_submission),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL,
            private_message,
        ),
    ]
