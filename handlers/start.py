"""/start, /help and /setup: the first things anyone says to the bot."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Command
from bot.services.group import make_branch
from bot.texts import SafeHtml, fmt
from bot.texts import common as T
from handlers.callbacks import HelpTopic, HelpTopicName, on
from handlers.common import (
    current_branch,
    display_name,
    is_admin,
    is_group,
    refuse_unless,
    reply,
)
from handlers.group import check_setup_first
from handlers.menu import open_button
from storage import branches

COMMANDS = [
    Command("start", "开始使用，查看怎样参加学习"),
    Command("help", "查看帮助和可用的命令"),
    Command("setup", "把本群设为支部群", "admin"),
]


async def role_of(update: Update, context: BotContext) -> str:
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        return "member"
    roles = context.services.roles
    if is_group(chat):
        assert chat is not None
        if await roles.is_admin(user.id, chat.id):
            return "admin"
    else:
        if roles.is_configured_admin(user.id):
            return "admin"
        for branch in branches.branches_of(context.db, user.id):
            if await roles.is_admin(user.id, branch.chat_id):
                return "admin"
    return "staff" if roles.is_staff(user.id) else "member"


def command_lines(context: BotContext, audiences: set[str]) -> SafeHtml:
    lines = [
        fmt(T.COMMAND_LINE, name=c.name, description=c.description)
        for c in context.services.commands
        if c.audience in audiences
    ]
    return SafeHtml("\n".join(lines))


def help_text(context: BotContext, role: str) -> str:
    """Admins and staff: their commands and the members'; members: one short screen."""
    member_commands = SafeHtml(fmt(T.HELP_COMMANDS, commands=command_lines(context, {"member"})))
    if role == "admin":
        return fmt(
            T.HELP_ADMIN,
            commands=command_lines(context, {"admin", "staff"}),
            member_commands=member_commands,
        )
    if role == "staff":
        return fmt(
            T.HELP_STAFF,
            commands=command_lines(context, {"staff"}),
            member_commands=member_commands,
        )
    return T.HELP_MEMBER


def member_help_keyboard() -> InlineKeyboardMarkup:
    """The longer help, a tap away: how to hand in, how to answer, reminders, commands."""

    def button(label: str, topic: HelpTopicName) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=HelpTopic(topic).build())

    return InlineKeyboardMarkup(
        [
            [button(T.HELP_BUTTON_REFLECT, "reflect"), button(T.HELP_BUTTON_QUIZ, "quiz")],
            [button(T.HELP_BUTTON_REMIND, "remind"), button(T.HELP_BUTTON_COMMANDS, "commands")],
        ]
    )


async def start(update: Update, context: BotContext) -> None:
    """Greet the person and tell them how to take part (tailored to their role)."""
    user = update.effective_user
    if user is None:
        return
    text = fmt(T.START_MEMBER, name=display_name(user))
    if not is_group(update.effective_chat):
        text += T.START_PRIVATE_EXTRA
    role = await role_of(update, context)
    keyboard = member_help_keyboard()
    if role != "member":
        text += "\n\n" + help_text(context, role)
        keyboard = InlineKeyboardMarkup([[open_button(update, context)], *keyboard.inline_keyboard])
    reply(update, context, text, keyboard=keyboard)


async def show_help(update: Update, context: BotContext) -> None:
    """The command list for admins and staff; for members a short screen with buttons."""
    role = await role_of(update, context)
    if role == "member":
        keyboard = member_help_keyboard()
    else:
        keyboard = InlineKeyboardMarkup([[open_button(update, context)]])
    reply(update, context, help_text(context, role), keyboard=keyboard)


async def help_topic(update: Update, context: BotContext, pressed: HelpTopic) -> None:
    """One of the member's help buttons: that topic, in full."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    texts = {
        "reflect": T.HELP_REFLECT,
        "quiz": T.HELP_QUIZ,
        "remind": T.HELP_REMIND,
        "commands": fmt(T.HELP_COMMANDS, commands=command_lines(context, {"member"})),
    }
    context.outbox.message(context.db, chat.id, texts[pressed.topic])


async def setup(update: Update, context: BotContext) -> None:
    """Make this group a branch (admins, in the group)."""
    chat = update.effective_chat
    if not is_group(chat):
        # Said to everyone: in a private chat nobody can be an admin of a group not yet set up.
        reply(update, context, T.SETUP_GROUP_ONLY)
        return
    if not await refuse_unless(update, context, allowed=is_admin, refusal=T.NOT_ADMIN):
        return
    assert chat is not None
    title = chat.title or str(chat.id)
    if current_branch(update, context) is not None:
        reply(update, context, fmt(T.SETUP_ALREADY, title=title))
        return
    if check_setup_first(update, context):
        return  # the answer comes from the check (handlers/group.py)
    user = update.effective_user
    message = update.effective_message
    make_branch(
        context.services,
        context.db,
        chat_id=chat.id,
        title=title,
        user_id=user.id if user is not None and not user.is_bot else None,
        user_name=display_name(user) if user is not None else "",
        reply_to=message.message_id if message is not None else None,
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button no feature handles (an old message, forged data, anything that does not parse
    as one of handlers/callbacks.py): say so, so the client stops waiting; registered after
    every feature's buttons."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    chat_id = chat.id if chat is not None else query.from_user.id
    context.outbox.answer_callback(context.db, chat_id, query.id, T.BUTTON_STALE)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("start", start),
        CommandHandler("help", show_help),
        CommandHandler("setup", setup),
        on(HelpTopic, help_topic),
        CallbackQueryHandler(stale_button),
    ]
