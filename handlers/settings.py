"""支部设置: the settings a secretary can change (bot/core/branch_settings.py), changed by
tapping: which setting (each shown with its current value), then the new value (a button for
each common value, or typed), then 确认. `/settings` privately; in the group it answers with a
button that opens the private chat for that branch.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.core import branch_settings
from bot.core.branch_settings import SPEC_OF, SPECS, SettingError
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import settings as T
from handlers import flows
from handlers.common import admin_only, is_group, may_administer, reply
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from handlers.scope import branch_for
from storage import branches

COMMANDS = [Command("settings", T.CMD_SETTINGS, "admin")]
DEEP_LINK = "settings_{branch}"


def _current(state: State) -> branch_settings.BranchSettings:
    assert state.branch is not None
    return branch_settings.of(state.branch)


def _shown(key: str, value: Any) -> str:
    return SPEC_OF[key].shown(value)


def _which_prompt(context: BotContext, state: State) -> str:
    assert state.branch is not None
    return fmt(T.CHOOSE, branch=state.branch.title)


def _which_choices(context: BotContext, state: State) -> list[Choice]:
    current = _current(state)
    return [
        Choice(
            T.CHOICE.format(label=spec.label, value=spec.shown(getattr(current, spec.key))),
            spec.key,
        )
        for spec in SPECS
    ]


def _value_prompt(context: BotContext, state: State) -> str:
    spec = SPEC_OF[state.answers["which"]]
    value = getattr(_current(state), spec.key)
    return fmt(T.ASK, label=spec.label, help=spec.help, value=spec.shown(value))


def _value_choices(context: BotContext, state: State) -> list[Choice]:
    spec = SPEC_OF[state.answers["which"]]
    return [Choice(spec.shown(v), branch_settings.encode(v)) for v in spec.common]


def _read_value(text: str, context: BotContext, state: State) -> Any:
    spec = SPEC_OF[state.answers["which"]]
    try:
        return branch_settings.encode(spec.read(text))
    except SettingError as exc:
        raise InputError(fmt("{example}", example=str(exc))) from None


def _summary(context: BotContext, state: State) -> str:
    key = state.answers["which"]
    old = getattr(_current(state), key)
    new = branch_settings.decode(key, state.answers["value"])
    return fmt(T.SUMMARY, label=SPEC_OF[key].label, old=_shown(key, old), new=_shown(key, new))


async def _confirm(context: BotContext, state: State) -> str:
    assert state.branch is not None
    key = state.answers["which"]
    label = SPEC_OF[key].label
    new = branch_settings.decode(key, state.answers["value"])
    # Read again now: another admin may have changed it since this flow began.
    if getattr(branch_settings.of(state.branch), key) == new:
        return fmt(T.UNCHANGED, label=label, new=_shown(key, new))
    branch_settings.save(state.branch, key, new)
    context.db.add(state.branch)
    return fmt(T.SAVED, label=label, new=_shown(key, new))


SETTINGS = flows.register(
    FlowSpec(
        kind="settings",
        steps=[
            Step("which", _which_prompt, _which_choices, columns=1),
            Step("value", _value_prompt, _value_choices, read=_read_value, columns=3),
        ],
        summary=_summary,
        confirm=_confirm,
    )
)


@admin_only
async def settings_command(update: Update, context: BotContext) -> None:
    """/settings: change one of the branch's settings, by tapping."""
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    if is_group(update.effective_chat):
        link = context.services.deep_link(DEEP_LINK.format(branch=branch.id))
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(T.OPEN_PRIVATE, url=link)]])
        reply(update, context, T.PRIVATE_ONLY, keyboard=keyboard)
        return
    await flows.start(update, context, SETTINGS, branch=branch)


async def settings_link(update: Update, context: BotContext) -> None:
    """/start settings_<branch> from the group's button: the settings of that branch."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = re.search(r"settings_(\d{1,12})", message.text or "")
    branch = branches.get(context.db, int(found[1])) if found else None
    if branch is None or not branch.active or not await may_administer(context, user.id, branch):
        reply(update, context, C.NOT_ADMIN)
        return
    await flows.start(update, context, SETTINGS, branch=branch)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("settings", settings_command, filters=filters.UpdateType.MESSAGE),
        CommandHandler(
            "start",
            settings_link,
            filters=private & filters.Regex(r"^/start(@\w+)?\s+settings_\d{1,12}\s*$"),
        ),
    ]
