"""The 祝福 section of /menu, as guided flows: change a greeting's words (pick the kind, see
the words and how they look now, type new words with {姓名}-style placeholders, see them as
members will, 确认), switch a kind of greeting on or off, set the time greetings go out.

The words are checked by the one template checker (bot/core/care/templates.py), which also
serves `/greetings 修改 …`; the switches and the time are the options /greetings sets
(handlers/greetings.py), so both ways change the same thing.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext, Command
from bot.core.care.options import OPT_TEMPLATES, OPT_TIME, SWITCHES, label
from bot.core.care.templates import (
    PERSONAL_TEMPLATES,
    TEMPLATES,
    TemplateError,
    check_template,
    default_template,
    festival_of,
    placeholder_names,
    render,
    sample_values,
    shown,
)
from bot.core.cn_format import clock
from bot.core.cn_parse import ParseError, parse_time
from bot.texts import SafeHtml, fmt
from bot.texts import care as TC
from bot.texts import greetings_menu as T
from handlers import flows
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from handlers.greetings import set_switch, settings_of
from handlers.menu import MenuEntry, MenuSection, Run
from handlers.menu import register as register_section
from storage import branches
from storage.models import Branch

COMMANDS: list[Command] = []
TIME_CHOICES = (time(8, 0), time(8, 30), time(9, 0))


def _branch(state: State) -> Branch:
    assert state.branch is not None
    return state.branch


def _help(key: str) -> str:
    return TC.TEMPLATE_HELP.get(key, T.FESTIVAL_HELP)


def example(key: str) -> str:
    """A short greeting for `key` that passes the checker, to show when words are refused."""
    if festival_of(key) is not None:
        return T.EXAMPLE_FESTIVAL
    return T.EXAMPLE_ANNIVERSARY if key.startswith("anniversary") else T.EXAMPLE_BIRTHDAY


def preview(key: str, template: str) -> str:
    """The greeting as members will see it, filled in with the sample person or festival."""
    return render(template, sample_values(key))


def _sample(key: str) -> str:
    values = sample_values(key)
    if "festival" in values:
        return fmt(T.SAMPLE_FESTIVAL, festival=values["festival"])
    return fmt(T.SAMPLE_PERSON, name=values["name"])


# --- changing a greeting's words ---------------------------------------------------------------


def _kind_prompt(context: BotContext, state: State) -> str:
    s = settings_of(_branch(state))
    lines = "".join(
        fmt(
            T.KIND_LINE,
            label=label(k),
            help=_help(k),
            custom=TC.CUSTOM_MARK if s.customised(k) else "",
        )
        for k in PERSONAL_TEMPLATES
    )
    return T.ASK_KIND + lines


def _kind_choices(context: BotContext, state: State) -> list[Choice]:
    s = settings_of(_branch(state))
    # The words as they are when the kind is picked: what the next step shows, and what a
    # save must still find (another admin may change them meanwhile).
    return [Choice(label(k), {"key": k, "was": s.template(k)}) for k in TEMPLATES]


def _kind(state: State) -> tuple[str, str]:
    picked = state.answers["kind"]
    return str(picked["key"]), str(picked["was"])


def _text_prompt(context: BotContext, state: State) -> str:
    key, was = _kind(state)
    s = settings_of(_branch(state))
    return fmt(
        T.ASK_TEXT,
        label=label(key),
        help=_help(key),
        custom=TC.CUSTOM_MARK if s.customised(key) else "",
        source=shown(was),
        preview=SafeHtml(preview(key, was)),
        allowed=placeholder_names(key),
        example=example(key),
    )


def _text_choices(context: BotContext, state: State) -> list[Choice]:
    key, _ = _kind(state)
    if settings_of(_branch(state)).customised(key):
        return [Choice(T.BUTTON_RESET, {"reset": True})]
    return []


def _read_text(text: str, context: BotContext, state: State) -> dict[str, Any]:
    key, _ = _kind(state)
    try:
        return {"text": check_template(key, text)}
    except TemplateError as exc:
        raise InputError(fmt(T.REFUSED, reason=SafeHtml(exc.html), example=example(key))) from None


def _new_template(state: State) -> str | None:
    """The new words (None: back to the default)."""
    answer = state.answers["text"]
    return None if answer.get("reset") else str(answer["text"])


def _edit_summary(context: BotContext, state: State) -> str:
    key, _ = _kind(state)
    new = _new_template(state)
    template = new if new is not None else default_template(key)
    return fmt(
        T.SUMMARY if new is not None else T.SUMMARY_RESET,
        label=label(key),
        sample=_sample(key),
        preview=SafeHtml(preview(key, template)),
    )


async def _edit_confirmed(context: BotContext, state: State) -> str:
    branch = _branch(state)
    key, was = _kind(state)
    new = _new_template(state)
    settings = settings_of(branch)
    now = settings.template(key)
    wanted = new if new is not None else default_template(key)
    if now == wanted and (new is not None or not settings.customised(key)):
        return fmt(T.UNCHANGED, label=label(key))
    if now != was:
        return fmt(T.CHANGED_MEANWHILE, label=label(key), preview=SafeHtml(preview(key, now)))
    templates = dict(settings.templates)
    if new is None:
        templates.pop(key, None)
    else:
        templates[key] = new
    branches.set_option(branch, OPT_TEMPLATES, templates)
    context.db.add(branch)
    return fmt(T.SAVED if new is not None else T.RESET_DONE, label=label(key))


EDIT = flows.register(
    FlowSpec(
        kind="greetings.edit",
        steps=[
            Step("kind", _kind_prompt, _kind_choices, columns=3),
            Step("text", _text_prompt, _text_choices, read=_read_text, columns=1),
        ],
        summary=_edit_summary,
        confirm=_edit_confirmed,
    )
)


# --- switching a kind on or off ------------------------------------------------------------------


def _switch_help(key: str) -> str:
    return TC.SWITCH_HELP.get(key) or fmt(T.FESTIVAL_SWITCH_HELP, label=label(key))


def _switch_prompt(context: BotContext, state: State) -> str:
    s = settings_of(_branch(state))
    lines = "".join(
        fmt(
            T.SWITCH_LINE,
            mark=TC.ON if s.enabled(k) else TC.OFF,
            label=label(k),
            help=_switch_help(k),
        )
        for k in SWITCHES
    )
    return fmt(T.ASK_SWITCH, lines=SafeHtml(lines))


def _switch_choices(context: BotContext, state: State) -> list[Choice]:
    s = settings_of(_branch(state))
    return [
        Choice(
            T.SWITCH_BUTTON.format(mark=TC.ON if s.enabled(k) else TC.OFF, label=label(k)),
            {"key": k, "on": not s.enabled(k)},
        )
        for k in SWITCHES
    ]


def _switch_summary(context: BotContext, state: State) -> str:
    picked = state.answers["switch"]
    key = str(picked["key"])
    text = T.SUMMARY_SWITCH_ON if picked["on"] else T.SUMMARY_SWITCH_OFF
    return fmt(text, label=label(key), help=_switch_help(key))


async def _switch_confirmed(context: BotContext, state: State) -> str:
    branch = _branch(state)
    picked = state.answers["switch"]
    key, on = str(picked["key"]), bool(picked["on"])
    if settings_of(branch).enabled(key) == on:
        state_now = T.STATE_ON if on else T.STATE_OFF
        return fmt(T.SWITCH_UNCHANGED, label=label(key), state=state_now)
    set_switch(branch, key, on)
    context.db.add(branch)
    return fmt(T.SWITCHED_ON if on else T.SWITCHED_OFF, label=label(key))


SWITCH = flows.register(
    FlowSpec(
        kind="greetings.switch",
        steps=[Step("switch", _switch_prompt, _switch_choices, columns=2)],
        summary=_switch_summary,
        confirm=_switch_confirmed,
    )
)


# --- the time greetings go out -------------------------------------------------------------------


def _time_prompt(context: BotContext, state: State) -> str:
    return fmt(T.ASK_TIME, time=clock(settings_of(_branch(state)).greeting_time))


def _read_time(text: str, context: BotContext, state: State) -> str:
    try:
        return clock(parse_time(text))
    except ParseError as exc:
        raise InputError(fmt("{reason}", reason=exc.message)) from None


def _time_summary(context: BotContext, state: State) -> str:
    old = clock(settings_of(_branch(state)).greeting_time)
    return fmt(T.SUMMARY_TIME, old=old, new=state.answers["time"])


async def _time_confirmed(context: BotContext, state: State) -> str:
    branch = _branch(state)
    new = str(state.answers["time"])
    if clock(settings_of(branch).greeting_time) == new:
        return fmt(T.TIME_UNCHANGED, time=new)
    branches.set_option(branch, OPT_TIME, new)
    context.db.add(branch)
    return fmt(T.TIME_SET, time=new)


TIME = flows.register(
    FlowSpec(
        kind="greetings.time",
        steps=[
            Step(
                "time",
                _time_prompt,
                lambda c, s: [Choice(clock(t), clock(t)) for t in TIME_CHOICES],
                read=_read_time,
                columns=3,
            )
        ],
        summary=_time_summary,
        confirm=_time_confirmed,
    )
)


# --- the section ---------------------------------------------------------------------------


def _starter(spec: FlowSpec) -> Run:
    async def run(update: Update, context: BotContext, branch: Branch) -> None:
        await flows.start(update, context, spec, branch=branch)

    return run


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=60,
        entries=[
            MenuEntry(T.MENU_EDIT, _starter(EDIT)),
            MenuEntry(T.MENU_SWITCH, _starter(SWITCH)),
            MenuEntry(T.MENU_TIME, _starter(TIME)),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    # Everything here is a flow (handlers/flows.py answers its buttons and typed words).
    return []
