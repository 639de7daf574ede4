"""Reflections (心得体会): members submit by replying to the theme-day posts, through the
private chat the "📝 提交心得" button opens, or with /reflect; edits keep the new words.

Submissions are matched by filters that look the replied-to message up in the database, so
replies to other features' messages pass through untouched. An album's pages are one
submission, whichever order they arrive in. A bare "收到" or "👍" replied to a session's post
is not a reflection: nothing is said in the group, and the member is asked privately.
Private messages sent without pressing the button are offered as a reflection in
handlers/private.py; reminders and /report are in handlers/report.py, the ledger download in
handlers/export.py.

Why one module of this size: every way a reflection arrives (a reply, an album page, an edit,
the button's private wait, /reflect) must reach the same submission rules in the same order;
the parts that are not about arriving already live elsewhere (above).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.context import BotContext, Command
from bot.core import cn_format
from bot.core import reflections as rules
from bot.core.cn_format import month_day
from bot.runtime.current import CURRENT
from bot.services import reflections as shared
from bot.texts import common as TC
from bot.texts import fmt
from bot.texts import reflections as T
from handlers.callbacks import (
    CallbackData,
    ReflectCancel,
    ReflectOffer,
    ReflectOfferNo,
    ReflectPick,
    on,
)
from handlers.common import (
    anonymous_admin,
    command_text,
    current_branch,
    display_name,
    is_group,
    is_private,
    member_in_branch,
    reply,
)
from storage import branches, reflections, themeday
from storage.models import Branch, Member, Reflection, ThemeSession
from storage.reflections import NewReflection, Recorded

COMMANDS = [
    Command("reflect", "提交心得体会（也可以直接回复邀请消息）"),
]


WAIT_FOR = timedelta(hours=12)


class _RepliesToSession(filters.MessageFilter):
    """A group message replying to a theme-day header or invitation."""

    def filter(self, message: Message) -> bool:
        state = CURRENT.get(None)
        reply_to = message.reply_to_message
        if state is None or reply_to is None or not is_group(message.chat):
            return False
        found = themeday.for_message(state.session, message.chat.id, reply_to.message_id)
        return found is not None


class _PageOfRecordedAlbum(filters.MessageFilter):
    """A group message of an album whose other pages were recorded as a reflection."""

    def filter(self, message: Message) -> bool:
        state = CURRENT.get(None)
        if state is None or message.media_group_id is None or not is_group(message.chat):
            return False
        return reflections.album(state.session, message.chat.id, message.media_group_id) is not None


class Waiting(filters.MessageFilter):
    """A private message from someone whose chat waits for a reflection."""

    def filter(self, message: Message) -> bool:
        state = CURRENT.get(None)
        user = message.from_user
        if state is None or user is None or not is_private(message.chat):
            return False
        # Expired waits pass here; the handler tells the member and clears them.
        return reflections.waiting_for(state.session, user.id) is not None


class _Recorded(filters.MessageFilter):
    """An edit of a message recorded as a reflection (or offered as one)."""

    def filter(self, message: Message) -> bool:
        state = CURRENT.get(None)
        if state is None:
            return False
        # Only three kinds of message can be a reflection: one sent privately, a reply (to a
        # session's post) and /reflect. Ordinary group chat being edited costs no query.
        words = message.text or message.caption or ""
        if not (
            is_private(message.chat)
            or message.reply_to_message is not None
            or words.startswith("/reflect")
        ):
            return False
        found = reflections.by_message(state.session, message.chat.id, message.message_id)
        if found is not None:
            return True
        return is_private(message.chat) and (
            reflections.offer_of_message(state.session, message.chat.id, message.message_id)
            is not None
        )


SUBMISSION = (
    filters.TEXT
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.PHOTO
    | filters.Document.ALL
) & ~filters.COMMAND


def _ext(file_name: str | None, default: str) -> str:
    if file_name and "." in file_name:
        return file_name.rsplit(".", 1)[1]
    return default


def _seconds(media: object) -> int | None:
    with warnings.catch_warnings():
        # PTB 22 warns that durations will become timedeltas; we accept both.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = getattr(media, "duration", None)
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return int(value) if isinstance(value, int | float) else None


def read_message(message: Message) -> NewReflection | None:
    """What kind of submission a message is, with its file details; None if none we keep."""
    caption = message.caption
    album = message.media_group_id
    if message.voice is not None:
        v = message.voice
        return NewReflection(
            "voice", caption, v.file_id, v.file_unique_id, _seconds(v), v.file_size, "ogg", album
        )
    if message.audio is not None:
        a = message.audio
        ext = _ext(a.file_name, "mp3")
        seconds = _seconds(a)
        return NewReflection(
            "audio", caption, a.file_id, a.file_unique_id, seconds, a.file_size, ext, album
        )
    if message.video is not None:
        w = message.video
        ext = _ext(w.file_name, "mp4")
        seconds = _seconds(w)
        return NewReflection(
            "video", caption, w.file_id, w.file_unique_id, seconds, w.file_size, ext, album
        )
    if message.video_note is not None:
        n = message.video_note
        return NewReflection(
            "video_note", None, n.file_id, n.file_unique_id, _seconds(n), n.file_size, "mp4"
        )
    if message.photo:
        p = message.photo[-1]  # the largest size
        return NewReflection(
            "photo", caption, p.file_id, p.file_unique_id, None, p.file_size, "jpg", album
        )
    if message.document is not None:
        d = message.document
        ext = _ext(d.file_name, "bin")
        return NewReflection(
            "document", caption, d.file_id, d.file_unique_id, None, d.file_size, ext, album
        )
    if message.text:
        return NewReflection("text", message.text)
    return None


async def member_of(context: BotContext, branch: Branch, user: User) -> Member | None:
    """The user as an active member of the branch (registered if Telegram says they are in it)."""
    assert branch.id is not None
    return await member_in_branch(context, branch.id, branch.chat_id, user)


def submit(
    context: BotContext,
    *,
    theme: ThemeSession,
    member: Member,
    item: NewReflection,
    chat_id: int,
    message_id: int,
    via: str,
    at: datetime | None = None,
) -> Recorded | None:
    """Record a submission from the update in hand (see `bot.services.reflections.submit`)."""
    return shared.submit(
        context.services,
        context.db,
        theme=theme,
        member=member,
        item=item,
        chat_id=chat_id,
        message_id=message_id,
        via=via,
        at=at,
    )


def ack_privately(
    update: Update, context: BotContext, rows: list[Reflection], member: Member
) -> None:
    """Thank at once for what was just handed in privately."""
    reply(
        update,
        context,
        shared.thank_privately(context.services, context.db, [(r, member) for r in rows]),
    )


def ask_privately(context: BotContext, *, theme: ThemeSession, member: Member, said: str) -> None:
    """After a bare "收到" replied to a session's post: ask the member privately (if the bot
    can write to them and they have not handed anything in), once per session."""
    if member.user_id is None or member.id is None or theme.id is None:
        return
    if reflections.has_submitted(context.db, theme.id, member.id):
        return
    if not branches.reachable_privately(context.db, [member.user_id]):
        return
    branch = branches.get(context.db, theme.branch_id)
    context.outbox.message(
        context.db,
        member.user_id,
        fmt(
            T.ASK_PRIVATE,
            name=member.name,
            honorific=cn_format.honorific_after(member.name, shared.honorific(branch)),
            said=said,
        ),
        dedupe_key=f"reflect.ask:{theme.id}:{member.id}",
        kind="reflect.ask",
        ref=theme.id,
    )


def prompt_wait(update: Update, context: BotContext, theme: ThemeSession, user: User) -> None:
    reflections.set_wait(
        context.db, user_id=user.id, session_id=theme.id, expires_at=context.now() + WAIT_FOR
    )
    branch = branches.get(context.db, theme.branch_id)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(T.CANCEL_BUTTON, callback_data=ReflectCancel().build())]]
    )
    text = fmt(
        T.WAIT_PROMPT,
        name=display_name(user),
        honorific=cn_format.honorific_after(display_name(user), shared.honorific(branch)),
        topic=theme.topic,
    )
    chat = update.effective_chat
    if chat is not None:
        context.outbox.message(context.db, chat.id, text, keyboard=keyboard)


async def reply_submission(update: Update, context: BotContext) -> None:
    """A member replied to a session's post (or sent another page of an album that did)."""
    message = update.message
    user = update.effective_user
    if message is None or user is None or user.is_bot or anonymous_admin(message):
        return
    branch = current_branch(update, context)
    item = read_message(message)
    if branch is None or item is None:
        return
    reply_to = message.reply_to_message
    theme = (
        themeday.for_message(context.db, message.chat.id, reply_to.message_id) if reply_to else None
    )
    if theme is None and item.media_group_id is not None:
        album = reflections.album(context.db, message.chat.id, item.media_group_id)
        theme = themeday.get(context.db, album.session_id) if album is not None else None
    if theme is None or theme.branch_id != branch.id:
        return
    member = await member_of(context, branch, user)
    if member is None:
        return
    if item.kind == "text" and rules.is_acknowledgment(item.text):
        # Said to the post, not a reflection on it: no thanks in the group, a question privately.
        ask_privately(context, theme=theme, member=member, said=item.text or "")
        return
    submit(
        context,
        theme=theme,
        member=member,
        item=item,
        chat_id=message.chat.id,
        message_id=message.message_id,
        via="reply",
    )


async def start_reflect(update: Update, context: BotContext) -> None:
    """/start reflect_<id> from the invitation's button: wait for their reflection here."""
    user = update.effective_user
    message = update.message
    if user is None or message is None or not message.text:
        return
    match = re.search(r"reflect_(\d+)", message.text)
    theme = themeday.get(context.db, int(match.group(1))) if match else None
    branch = branches.get(context.db, theme.branch_id) if theme is not None else None
    if theme is None or theme.pushed_at is None or branch is None or not branch.active:
        reply(update, context, T.SESSION_GONE)
        return
    if await member_of(context, branch, user) is None:
        reply(update, context, T.NOT_IN_BRANCH)
        return
    prompt_wait(update, context, theme, user)


async def cancel_wait(update: Update, context: BotContext) -> None:
    """/cancel (or the button) while the private chat waits for a reflection."""
    user = update.effective_user
    if user is None:
        return
    reflections.clear_wait(context.db, user.id)
    query = update.callback_query
    chat = update.effective_chat
    if query is not None and chat is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id)
        context.outbox.message(context.db, chat.id, T.WAIT_CANCELLED)
        return
    reply(update, context, T.WAIT_CANCELLED)


def session_buttons(
    themes: list[ThemeSession], button: Callable[[int], CallbackData]
) -> InlineKeyboardMarkup:
    """One button per session (newest first), whose data is `button(session id)`."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    T.SESSION_BUTTON.format(date=month_day(t.local_date), topic=t.topic)[:60],
                    callback_data=button(t.id).build(),
                )
            ]
            for t in themes
            if t.id is not None
        ]
    )


async def reflect_command(update: Update, context: BotContext) -> None:
    """/reflect 文字: a text reflection for the current session."""
    message = update.message
    user = update.effective_user
    chat = update.effective_chat
    if message is None or user is None or chat is None or user.is_bot:
        return
    if anonymous_admin(message):
        reply(update, context, TC.ANONYMOUS_ADMIN)
        return
    text = command_text(message)
    if is_group(chat):
        branch = current_branch(update, context)
        if branch is None or branch.id is None:
            reply(update, context, TC.NOT_A_BRANCH)
            return
        reply_to = message.reply_to_message
        theme = (
            themeday.for_message(context.db, chat.id, reply_to.message_id)
            if reply_to is not None
            else None
        ) or themeday.latest(context.db, branch.id)
        if theme is None or theme.branch_id != branch.id:
            reply(update, context, T.NO_SESSION)
            return
        if not text:
            reply(update, context, T.REFLECT_HOW)
            return
        member = await member_of(context, branch, user)
        if member is not None:
            submit(
                context,
                theme=theme,
                member=member,
                item=NewReflection("text", text),
                chat_id=chat.id,
                message_id=message.message_id,
                via="command",
            )
        return
    mine = branches.branches_of(context.db, user.id)
    if not mine:
        reply(update, context, TC.NO_BRANCH_PRIVATE)
        return
    themes = [t for b in mine if b.id is not None and (t := themeday.latest(context.db, b.id))]
    if not themes:
        reply(update, context, T.NO_SESSION)
        return
    if len(themes) > 1:
        reflections.set_wait(
            context.db,
            user_id=user.id,
            session_id=None,
            text=text or None,
            source_chat_id=chat.id,
            source_message_id=message.message_id,
            expires_at=context.now() + WAIT_FOR,
        )
        reply(update, context, T.CHOOSE_SESSION, keyboard=session_buttons(themes, ReflectPick))
        return
    await submit_text_or_wait(update, context, themes[0], user, text, message.message_id)


async def submit_text_or_wait(
    update: Update,
    context: BotContext,
    theme: ThemeSession,
    user: User,
    text: str | None,
    message_id: int,
) -> None:
    branch = branches.get(context.db, theme.branch_id)
    member = await member_of(context, branch, user) if branch is not None else None
    if member is None:
        reply(update, context, T.NOT_IN_BRANCH)
        return
    if not text:
        prompt_wait(update, context, theme, user)
        return
    found = submit(
        context,
        theme=theme,
        member=member,
        item=NewReflection("text", text),
        chat_id=user.id,
        message_id=message_id,
        via="command",
    )
    if found is not None:
        ack_privately(update, context, [found.reflection], member)


async def pick_session(update: Update, context: BotContext, pick: ReflectPick) -> None:
    """The member chose which session their private /reflect is for."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    theme = themeday.get(context.db, pick.session)
    wait = reflections.get_wait(context.db, user.id, now=context.now())
    if theme is None:
        context.outbox.message(context.db, chat.id, T.SESSION_GONE)
        return
    text = wait.text if wait is not None else None
    message_id = wait.source_message_id if wait is not None else None
    reflections.clear_wait(context.db, user.id)
    await submit_text_or_wait(update, context, theme, user, text, message_id or 0)


async def edited(update: Update, context: BotContext) -> None:
    """A member edited a text reflection or a caption (or a message they were asked about):
    keep the new words."""
    message = update.edited_message
    if message is None:
        return
    new_text = message.text if message.text is not None else message.caption
    chat_id, message_id = message.chat.id, message.message_id
    row = reflections.by_message(context.db, chat_id, message_id)
    if row is None:
        offer = reflections.offer_of_message(context.db, chat_id, message_id)
        if offer is not None and offer.status == "open":
            reflections.edit_offer_text(context.db, offer, message_id=message_id, text=new_text)
        return
    file = reflections.file_by_message(context.db, chat_id, message_id)
    if file is not None:
        file.caption = new_text
        context.db.add(file)
        reflections.refresh_from_files(context.db, row)
    else:
        if row.via == "command" and message.text is not None:
            new_text = command_text(message)
        if new_text is None:
            return
        row.text = new_text
    row.edited_at = context.now()


async def cancel_pressed(update: Update, context: BotContext, _: ReflectCancel) -> None:
    """The "cancel" button under the prompt to send a reflection."""
    await cancel_wait(update, context)


async def offer_taken(update: Update, context: BotContext, pressed: ReflectOffer) -> None:
    """ "交上": record what was offered for that session, as a reply in the group would be."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.message is None:
        return
    chat_id, question = query.message.chat.id, query.message.message_id
    offered = reflections.get_offer(context.db, pressed.offer)
    if offered is None or offered.user_id != user.id:
        context.outbox.answer_callback(context.db, chat_id, query.id, T.OFFER_GONE)
        return
    if offered.status == "taken":
        context.outbox.answer_callback(context.db, chat_id, query.id, T.OFFER_TAKEN)
        return
    context.outbox.answer_callback(context.db, chat_id, query.id)
    theme = themeday.get(context.db, pressed.session)
    branch = branches.get(context.db, theme.branch_id) if theme is not None else None
    if theme is None or branch is None or not branch.active:
        context.outbox.edit_text(context.db, chat_id, question, T.SESSION_GONE)
        return
    member = await member_of(context, branch, user)
    if member is None:
        context.outbox.edit_text(context.db, chat_id, question, T.NOT_IN_BRANCH)
        return
    rows: list[Reflection] = []
    for part in reflections.offer_parts(offered):
        found = submit(
            context,
            theme=theme,
            member=member,
            item=part.item,
            chat_id=offered.chat_id,
            message_id=part.message_id,
            via="private",
            at=offered.created_at,
        )
        if found is not None and found.reflection not in rows:
            rows.append(found.reflection)
    offered.status = "taken"
    offered.answered_at = context.now()
    offered.reflection_id = rows[0].id if rows else None
    context.db.add(offered)
    context.outbox.edit_text(context.db, chat_id, question, T.OFFER_TAKEN)
    if rows:
        context.outbox.message(
            context.db,
            chat_id,
            shared.thank_privately(context.services, context.db, [(r, member) for r in rows]),
            reply_to=offered.message_id,
        )


async def offer_declined(update: Update, context: BotContext, pressed: ReflectOfferNo) -> None:
    """ "不用": it was not a reflection; nothing is recorded."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.message is None:
        return
    chat_id, question = query.message.chat.id, query.message.message_id
    offered = reflections.get_offer(context.db, pressed.offer)
    if offered is None or offered.user_id != user.id:
        context.outbox.answer_callback(context.db, chat_id, query.id, T.OFFER_GONE)
        return
    context.outbox.answer_callback(context.db, chat_id, query.id)
    if offered.status != "open":
        return
    offered.status = "declined"
    offered.answered_at = context.now()
    context.db.add(offered)
    context.outbox.edit_text(context.db, chat_id, question, T.OFFER_DECLINED)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    only_new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    return [
        # The deep link's /start must win over the generic /start registered later.
        CommandHandler(
            "start", start_reflect, filters=only_new & private & filters.Regex(r"reflect_\d+")
        ),
        CommandHandler("cancel", cancel_wait, filters=only_new & private & Waiting()),
        CommandHandler("reflect", reflect_command, filters=only_new),
        on(ReflectCancel, cancel_pressed),
        on(ReflectPick, pick_session),
        on(ReflectOffer, offer_taken),
        on(ReflectOfferNo, offer_declined),
        MessageHandler(
            only_new
            & filters.ChatType.GROUPS
            & (_RepliesToSession() | _PageOfRecordedAlbum())
            & SUBMISSION,
            reply_submission,
        ),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & _Recorded(), edited),
    ]
