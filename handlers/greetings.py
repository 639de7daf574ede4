"""/greetings (admins): see and change greeting templates, switch kinds on and off, preview;
/upcoming [days] (admins, staff): birthdays and party anniversaries coming up, for visits.

Templates and switches are kept in the branch's options; a template is checked (placeholders,
markup) before it replaces the old one, so a refused edit changes nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import BotContext, Command
from bot.core.calendar import LeapRule
from bot.core.care.occasions import digest, person_of
from bot.core.care.options import (
    DIGEST_DAYS,
    MAX_UPCOMING_DAYS,
    OPT_LEAP,
    OPT_TEMPLATES,
    OPT_TIME,
    SWITCHES,
    CareSettings,
    find,
    label,
    switch_options,
)
from bot.core.care.templates import (
    CHINESE_NAMES,
    TEMPLATES,
    TemplateError,
    check_template,
    render,
    sample_values,
    shown,
)
from bot.core.cn_format import clock
from bot.core.cn_parse import ParseError, parse_time
from bot.texts import SafeHtml, fmt
from bot.texts import care as T
from bot.texts import common as C
from handlers.callbacks import GreetingSwitch, on
from handlers.common import (
    admin_only,
    chunks,
    is_private,
    reply,
    staff_only,
)
from handlers.scope import branch_for
from storage import branches
from storage.models import Branch

COMMANDS = [
    Command("greetings", "祝福设置：查看、修改、预览祝福语，开关各类祝福", "admin"),
    Command("upcoming", "近期的生日和政治生日（走访慰问参考），可加天数", "staff"),
]

VERBS = {
    "预览": "preview",
    "查看": "preview",
    "preview": "preview",
    "show": "preview",
    "修改": "set",
    "设置": "set",
    "set": "set",
    "恢复": "reset",
    "恢复默认": "reset",
    "reset": "reset",
    "开": "on",
    "打开": "on",
    "on": "on",
    "关": "off",
    "关闭": "off",
    "off": "off",
    "时间": "time",
    "time": "time",
    "闰月": "leap",
    "leap": "leap",
}

LEAP_WORDS = {
    "按闰月": LeapRule.LEAP,
    "闰月": LeapRule.LEAP,
    "leap": LeapRule.LEAP,
    "按平月": LeapRule.ORDINARY,
    "平月": LeapRule.ORDINARY,
    "ordinary": LeapRule.ORDINARY,
}


def settings_of(branch: Branch) -> CareSettings:
    return CareSettings.from_options(branches.options(branch))


def overview(branch: Branch) -> tuple[str, InlineKeyboardMarkup]:
    """The settings page and its on/off buttons."""
    s = settings_of(branch)
    switches = "\n".join(
        fmt(
            T.SWITCH_LINE,
            mark=T.ON if s.enabled(k) else T.OFF,
            label=label(k),
            help=T.SWITCH_HELP.get(k, label(k) + "祝福"),
        )
        for k in SWITCHES
    )
    templates = "\n".join(
        fmt(
            T.TEMPLATE_LINE,
            label=label(k),
            help=T.TEMPLATE_HELP.get(k, "群里的节日祝福"),
            custom=T.CUSTOM_MARK if s.customised(k) else "",
        )
        for k in TEMPLATES
    )
    text = fmt(
        T.GREETINGS_OVERVIEW,
        time=clock(s.greeting_time),
        leap_rule=T.LEAP_LEAP if s.leap_rule is LeapRule.LEAP else T.LEAP_ORDINARY,
        switches=SafeHtml(switches),
        templates=SafeHtml(templates),
        placeholders="、".join(
            "{" + CHINESE_NAMES[p] + "}" + note for p, note in T.PLACEHOLDER_HELP.items()
        ),
    )
    buttons = [
        InlineKeyboardButton(
            T.TOGGLE_BUTTON.format(mark=T.ON if s.enabled(k) else T.OFF, label=label(k)),
            callback_data=GreetingSwitch(branch.id, k).build(),
        )
        for k in SWITCHES
        if branch.id is not None
    ]
    return text, InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def preview_text(branch: Branch, key: str, title: str = T.GREETINGS_PREVIEW) -> str:
    s = settings_of(branch)
    source = s.template(key)
    return fmt(
        title,
        label=label(key),
        custom=T.CUSTOM_MARK if s.customised(key) else "",
        source=shown(source),
        preview=SafeHtml(render(source, sample_values(key))),
    )


@admin_only
async def greetings(update: Update, context: BotContext) -> None:
    """/greetings [预览|修改|恢复|开|关|时间|闰月 …]."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    branch = await branch_for(update, context)
    if branch is None:
        return
    # The raw text after the command (split on the first spaces only, so that a template
    # keeps its own line breaks).
    parts = message.text.split(maxsplit=1)
    rest = parts[1] if len(parts) > 1 else ""
    if not rest:
        text, keyboard = overview(branch)
        reply(update, context, text, keyboard=keyboard)
        return
    verb_word, *tail = rest.split(maxsplit=1)
    rest = tail[0] if tail else ""
    verb = VERBS.get(verb_word.lower())
    if verb is None:
        # "/greetings 重阳节" means: show me that one.
        if find(verb_word, TEMPLATES) is None:
            reply(update, context, fmt(T.GREETINGS_BAD_VERB, verb=verb_word))
            return
        verb, rest = "preview", verb_word
    if verb == "time":
        try:
            when = parse_time(rest)
        except ParseError as exc:
            reply(update, context, fmt(T.GREETINGS_BAD_TIME, reason=exc.message))
            return
        branches.set_option(branch, OPT_TIME, clock(when))
        reply(update, context, fmt(T.GREETINGS_TIME_SET, time=clock(when)))
        return
    if verb == "leap":
        rule = LEAP_WORDS.get(rest.strip().lower())
        if rule is None:
            reply(update, context, T.GREETINGS_BAD_LEAP)
            return
        branches.set_option(branch, OPT_LEAP, rule.value)
        reply(
            update,
            context,
            fmt(
                T.GREETINGS_LEAP_SET, rule=T.LEAP_LEAP if rule is LeapRule.LEAP else T.LEAP_ORDINARY
            ),
        )
        return
    if verb in ("on", "off"):
        key = find(rest, SWITCHES)
        if key is None:
            names = "、".join(label(k) for k in SWITCHES)
            reply(update, context, fmt(T.GREETINGS_UNKNOWN_SWITCH, name=rest, names=names))
            return
        set_switch(branch, key, verb == "on")
        done = T.GREETINGS_SWITCHED_ON if verb == "on" else T.GREETINGS_SWITCHED_OFF
        reply(update, context, fmt(done, label=label(key)))
        return
    name, *more = rest.split(maxsplit=1) or [""]
    body = more[0] if more else ""
    key = find(name, TEMPLATES)
    if key is None:
        names = "、".join(label(k) for k in TEMPLATES)
        reply(update, context, fmt(T.GREETINGS_UNKNOWN_TEMPLATE, name=name, names=names))
        return
    if verb == "preview":
        reply(update, context, preview_text(branch, key))
    elif verb == "reset":
        templates = dict(settings_of(branch).templates)
        templates.pop(key, None)
        branches.set_option(branch, OPT_TEMPLATES, templates)
        reply(update, context, preview_text(branch, key, T.GREETINGS_RESET))
    else:
        if not body.strip():
            reply(update, context, T.GREETINGS_NEED_TEXT)
            return
        try:
            checked = check_template(key, body)
        except TemplateError as exc:
            reply(update, context, fmt(T.GREETINGS_REFUSED, reason=SafeHtml(exc.html)))
            return
        templates = dict(settings_of(branch).templates)
        templates[key] = checked
        branches.set_option(branch, OPT_TEMPLATES, templates)
        reply(update, context, preview_text(branch, key, T.GREETINGS_SAVED))


def set_switch(branch: Branch, key: str, on: bool) -> None:
    for option, value in switch_options(branches.options(branch), key, on).items():
        branches.set_option(branch, option, value)


async def toggle_pressed(update: Update, context: BotContext, pressed: GreetingSwitch) -> None:
    """A switch button on the /greetings page: flip it and redraw the page."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    key = pressed.key
    branch = branches.get(context.db, pressed.branch)
    if (
        branch is None
        or not branch.active
        or not await context.services.roles.is_admin(user.id, branch.chat_id)
    ):
        context.outbox.answer_callback(context.db, chat.id, query.id, C.NOT_ADMIN)
        return
    on = not settings_of(branch).enabled(key)
    set_switch(branch, key, on)
    done = T.GREETINGS_SWITCHED_ON if on else T.GREETINGS_SWITCHED_OFF
    context.outbox.answer_callback(context.db, chat.id, query.id, fmt(done, label=label(key)))
    if query.message is not None:
        text, keyboard = overview(branch)
        context.outbox.edit_text(
            context.db, chat.id, query.message.message_id, text, keyboard=keyboard
        )


@staff_only
async def upcoming(update: Update, context: BotContext) -> None:
    """/upcoming [days]: birthdays (with age) and party anniversaries coming up."""
    args = context.args or []
    days = DIGEST_DAYS
    if args:
        if not args[0].isdigit() or not 1 <= int(args[0]) <= MAX_UPCOMING_DAYS:
            reply(update, context, T.UPCOMING_BAD_DAYS)
            return
        days = int(args[0])
    if not is_private(update.effective_chat):
        # Private-only members' birthdays must not be listed in the group.
        reply(update, context, T.UPCOMING_PRIVATE_ONLY)
        return
    branch = await branch_for(update, context, "staff")
    if branch is None or branch.id is None:
        return
    today = context.services.local_now().date()
    people = [person_of(m) for m in branches.members(context.db, branch.id)]
    text = digest(people, today, days, leap_rule=settings_of(branch).leap_rule, weekly=False)
    for chunk in chunks(text.split("\n")):
        reply(update, context, chunk)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("greetings", greetings),
        CommandHandler("upcoming", upcoming),
        on(GreetingSwitch, toggle_pressed),
    ]
