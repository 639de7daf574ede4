"""Pushing a theme day and reminding by hand, never on one tap: `/push [主题]`, `/remind`, and
the menu's buttons each show a preview first (what will be posted, to whom, and whether it
replaces this month's scheduled push; the names of who has not handed in only here, in the
private chat), and only 确认发出 posts.

Typed in the group, /push and /remind post nothing: the preview goes to the admin's private
chat (or, if they never started one, a button opens it). Two admins confirming at once: the
confirm looks again, in its own transaction, for a push or reminder made since its preview was
shown, and if there is one it says so instead of posting a second.
"""

from __future__ import annotations

import re
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.core import branch_settings, cn_format
from bot.core.monthly_rule import push_now_effect
from bot.services import reflections as shared
from bot.services import themeday as theme_day
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import push as T
from bot.texts import themeday as TT
from handlers import flows
from handlers.common import admin_only, is_group, may_administer, reply
from handlers.flows import CONFIRM_STEP, Choice, FlowSpec, InputError, State, Step
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.report import send_report
from handlers.scope import branch_for
from storage import branches, materials, outbox, themeday
from storage.models import Branch, ThemeSession

COMMANDS = [
    # Private only: in the group's command menu one tap would have posted.
    Command("push", T.CMD_PUSH, "admin", private_only=True),
    Command("remind", T.CMD_REMIND, "admin", private_only=True),
]

TOPIC_LIMIT = 40
REMINDER_KIND = "reflect.reminder"
DEEP_LINK = re.compile(r"^/start(@\w+)?\s+(push|remind)_(\d{1,12})\s*$")

What = Literal["push", "remind"]


# --- push now ---------------------------------------------------------------------------------


def _usual_topic(branch: Branch) -> str:
    rule = theme_day.rule_of(branch)
    return rule.topic if rule is not None else TT.DEFAULT_TOPIC


def _topic_prompt(context: BotContext, state: State) -> str:
    return T.TOPIC_ASK


def _topic_choices(context: BotContext, state: State) -> list[Choice]:
    assert state.branch is not None
    topic = _usual_topic(state.branch)
    return [Choice(T.TOPIC_KEEP.format(topic=topic)[:60], topic)]


def _read_topic(text: str, context: BotContext, state: State) -> str:
    topic = " ".join(text.split())
    if not topic or len(topic) > TOPIC_LIMIT:
        raise InputError(fmt(T.TOPIC_EXAMPLE, limit=TOPIC_LIMIT))
    return topic


def _effect(context: BotContext, branch: Branch) -> str:
    """Whether a push now replaces this month's scheduled one, in words."""
    assert branch.id is not None
    rule = theme_day.rule_of(branch)
    if rule is None:
        return T.EFFECT_NO_RULE
    now, tz = context.now(), context.settings.tz
    first = now.astimezone(tz).date().replace(day=1)
    days = [t.local_date for t in themeday.of_branch(context.db, branch.id, since=first)]
    effect = push_now_effect(rule.rule, rule.at, now, tz, days)
    scheduled = cn_format.moment(effect.scheduled, tz)
    if effect.replaces:
        return fmt(T.EFFECT_REPLACES, date=scheduled)
    if effect.replaced_by is not None:
        nxt = theme_day.next_at(rule, effect.scheduled, tz)
        return fmt(
            T.EFFECT_ALREADY,
            day=cn_format.day_text(effect.replaced_by),
            next=cn_format.moment(nxt, tz),
        )
    return fmt(T.EFFECT_EXTRA, next=scheduled)


def _push_preview(context: BotContext, state: State) -> str:
    branch = state.branch
    assert branch is not None and branch.id is not None
    staff = set(context.settings.staff_ids)
    people = [m for m in branches.members(context.db, branch.id) if m.user_id not in staff]
    ids = [m.user_id for m in people if m.user_id is not None]
    queued = materials.queued(context.db, branch.id)
    shown = (
        fmt(T.PREVIEW_MATERIALS, count=len(queued), titles="》《".join(m.title for m in queued))
        if queued
        else T.PREVIEW_NO_MATERIALS
    )
    now, tz = context.now(), context.settings.tz
    deadline, _ = theme_day.schedule_of(branch, now.astimezone(tz))
    return fmt(
        T.PREVIEW,
        branch=branch.title,
        members=len(people),
        reachable=len(branches.reachable_privately(context.db, ids)),
        topic=state.answers["topic"],
        materials=shown,
        deadline=cn_format.moment(deadline, tz),
        effect=_effect(context, branch),
    )


def _pushed_since(context: BotContext, branch: Branch, state: State) -> ThemeSession | None:
    assert branch.id is not None
    return themeday.started_since(context.db, branch.id, state.started_at)


async def _push_confirmed(context: BotContext, state: State) -> str:
    """Push, unless someone pushed since this preview was shown (or a push is going out)."""
    branch = state.branch
    assert branch is not None
    now, tz = context.now(), context.settings.tz
    other = _pushed_since(context, branch, state)
    if other is not None:
        when = cn_format.clock(other.created_at.astimezone(tz))
        return fmt(T.PUSHED_BY_OTHER, when=when, branch=branch.title, topic=other.topic)
    busy = theme_day.being_pushed(context.db, branch, now)
    if busy is not None:
        return fmt(T.PUSH_BUSY, branch=branch.title, topic=busy.topic)
    topic = str(state.answers["topic"])
    notify = theme_day.notify_chat(
        context.db, branch, [state.user_id], admins=list(context.settings.admin_ids)
    )
    theme, created = theme_day.push(
        context.services,
        context.db,
        branch=branch,
        key=f"push:flow:{state.flow_id}",
        topic=topic,
        now=now,
        notify_chat_id=notify,
    )
    if not created or theme.id is None:
        return TT.PUSH_ALREADY
    count = len(materials.of_session(context.db, theme.id))
    return fmt(T.PUSHED, branch=branch.title, topic=topic, count=count)


PUSH = flows.register(
    FlowSpec(
        kind="push",
        steps=[Step("topic", _topic_prompt, _topic_choices, read=_read_topic, columns=1)],
        summary=_push_preview,
        confirm=_push_confirmed,
        confirm_label=T.CONFIRM_PUSH,
    )
)


async def start_push(
    update: Update, context: BotContext, branch: Branch, topic: str | None = None
) -> None:
    """The push's preview in the admin's private chat (the topic asked unless given)."""
    if topic:
        answers = {"topic": topic[:TOPIC_LIMIT]}
        await flows.start(update, context, PUSH, branch=branch, answers=answers, first=CONFIRM_STEP)
    else:
        await flows.start(update, context, PUSH, branch=branch)


async def menu_push(update: Update, context: BotContext, branch: Branch) -> None:
    await start_push(update, context, branch)


# --- remind now -------------------------------------------------------------------------------


def _current(context: BotContext, branch: Branch) -> ThemeSession | None:
    assert branch.id is not None
    return themeday.latest(context.db, branch.id)


def _remind_preview(context: BotContext, state: State) -> str:
    branch = state.branch
    assert branch is not None
    theme = themeday.get(context.db, int(state.answers["session"]))
    assert theme is not None
    missing = shared.not_submitted(context.services, context.db, theme)
    named = [m for m in missing if m.user_id is not None]
    ids = [m.user_id for m in named if m.user_id is not None]
    how = (
        T.REMIND_HOW_NAMED
        if branch_settings.of(branch).remind_names_in_group
        else T.REMIND_HOW_GENERAL
    )
    text = fmt(
        T.REMIND_PREVIEW,
        branch=branch.title,
        date=cn_format.day_text(theme.local_date),
        topic=theme.topic,
        deadline=shared.local_deadline(context.services, theme),
        count=len(named),
        names=shared.names_html(named, branch),
        how=fmt(
            how, count=len(named), reachable=len(branches.reachable_privately(context.db, ids))
        ),
    )
    unnamed = len(missing) - len(named)
    return text + (fmt(T.REMIND_NOT_NAMED, count=unnamed) if unnamed else "")


async def _remind_confirmed(context: BotContext, state: State) -> str:
    """Remind, unless a reminder of this session went out since the preview was shown."""
    branch = state.branch
    assert branch is not None
    theme = themeday.get(context.db, int(state.answers["session"]))
    if theme is None:
        return T.REMIND_NO_SESSION
    last = outbox.latest_of_kind(context.db, REMINDER_KIND, str(theme.id))
    if last is not None and last.created_at >= state.started_at:
        when = cn_format.clock(last.created_at.astimezone(context.settings.tz))
        return fmt(T.REMINDED_BY_OTHER, when=when)
    key = f"reflect.remind:{theme.id}:flow:{state.flow_id}"
    named = shared.remind(context.services, context.db, theme=theme, key=key)
    if not named:
        return T.REMIND_NOW_NOBODY
    return fmt(T.REMINDED, count=len(named), names=shared.names_html(named, branch))


REMIND = flows.register(
    FlowSpec(
        kind="remind",
        steps=[],
        summary=_remind_preview,
        confirm=_remind_confirmed,
        confirm_label=T.CONFIRM_REMIND,
    )
)


async def start_remind(update: Update, context: BotContext, branch: Branch) -> None:
    """The reminder's preview in the admin's private chat (or why there is nothing to send)."""
    user = update.effective_user
    if user is None:
        return
    theme = _current(context, branch)
    if theme is None or theme.id is None:
        context.outbox.message(context.db, user.id, T.REMIND_NO_SESSION)
        return
    missing = shared.not_submitted(context.services, context.db, theme)
    if not missing:
        context.outbox.message(context.db, user.id, fmt(T.REMIND_NOBODY, topic=theme.topic))
        return
    if all(m.user_id is None for m in missing):
        text = fmt(T.REMIND_NONE_REACHABLE, count=len(missing))
        context.outbox.message(context.db, user.id, text)
        return
    await flows.start(
        update, context, REMIND, branch=branch, answers={"session": theme.id}, first=CONFIRM_STEP
    )


async def menu_remind(update: Update, context: BotContext, branch: Branch) -> None:
    await start_remind(update, context, branch)


async def menu_report(update: Update, context: BotContext, branch: Branch) -> None:
    theme = _current(context, branch)
    if theme is None:
        reply(update, context, T.REMIND_NO_SESSION)
        return
    send_report(update, context, branch, theme)


register_section(
    MenuSection(
        T.MENU_REMIND_TITLE,
        order=30,
        entries=[
            MenuEntry(T.MENU_REMIND, menu_remind),
            MenuEntry(T.MENU_REPORT, menu_report, "staff"),
            MenuEntry(T.MENU_PUSH, menu_push),
        ],
    )
)


# --- typed ------------------------------------------------------------------------------------


async def _previewed(update: Update, context: BotContext, what: What, topic: str) -> None:
    branch = await branch_for(update, context)
    user = update.effective_user
    if branch is None or branch.id is None or user is None:
        return
    chat, message = update.effective_chat, update.effective_message
    if is_group(chat) and chat is not None and message is not None:
        # Nothing is posted from the group: the preview goes privately, or a button opens it.
        # Once per message, however often its update is seen.
        key = f"push.group:{what}:{chat.id}:{message.message_id}"
        if outbox.find_by_key(context.db, key) is not None:
            return
        if user.id not in branches.reachable_privately(context.db, [user.id]):
            link = context.services.deep_link(f"{what}_{branch.id}")
            button = InlineKeyboardButton(T.OPEN_PRIVATE, url=link)
            keyboard = InlineKeyboardMarkup([[button]])
            reply(update, context, T.GROUP_OPEN_PRIVATE, keyboard=keyboard, dedupe_key=key)
            return
        reply(update, context, T.GROUP_SENT_PRIVATELY, dedupe_key=key)
    if what == "push":
        await start_push(update, context, branch, topic)
    else:
        await start_remind(update, context, branch)


@admin_only
async def push_command(update: Update, context: BotContext) -> None:
    """/push [主题]: the preview of a theme day started now; 确认发出 posts it."""
    await _previewed(update, context, "push", " ".join(context.args or []).strip())


@admin_only
async def remind_command(update: Update, context: BotContext) -> None:
    """/remind: the preview of a reminder to those who have not handed in; 确认发出 sends it."""
    await _previewed(update, context, "remind", "")


async def start_link(update: Update, context: BotContext) -> None:
    """/start push_<branch> or remind_<branch>, from the group's button."""
    message = update.effective_message
    user = update.effective_user
    found = DEEP_LINK.match(message.text or "") if message is not None else None
    if found is None or user is None:
        return
    branch = branches.get(context.db, int(found[3]))
    if branch is None or not branch.active or not await may_administer(context, user.id, branch):
        reply(update, context, C.NOT_ADMIN)
        return
    if found[2] == "push":
        await start_push(update, context, branch)
    else:
        await start_remind(update, context, branch)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    only_new = filters.UpdateType.MESSAGE
    return [
        CommandHandler("push", push_command, filters=only_new),
        CommandHandler("remind", remind_command, filters=only_new),
        CommandHandler(
            "start", start_link, filters=filters.ChatType.PRIVATE & filters.Regex(DEEP_LINK)
        ),
    ]
