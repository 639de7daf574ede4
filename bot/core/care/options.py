"""What a branch chose for its greetings, read from its options: the greeting time, the leap
month rule, which kinds are switched on, its own templates; and the names admins use for them.

Pure: no I/O, no clock, no database, no Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from bot.core.calendar import (
    FESTIVAL_NAMES,
    Festival,
    LeapRule,
)
from bot.core.care.templates import default_template, festival_of
from bot.core.cn_parse import ParseError, parse_time
from bot.texts import care as T
from storage.care import GREETED

OPT_TIME = "care.greeting_time"


OPT_LEAP = "care.leap_rule"


OPT_OFF = "care.off"


OPT_ON = "care.on"


OPT_TEMPLATES = "care.templates"


OPT_DIGEST_SENT = "care.digest_sent"


OPT_MEDAL_SENT = "care.medal_sent"


# The branch-local day whose greetings were queued: later ticks that day load no members
# (cleared by storage/care.py whenever something that could be due today changes).
OPT_GREETED = GREETED


DEFAULT_TIME = time(8, 30)


MEDAL_NOTICE = (6, 1)


DIGEST_DAYS = 14


DIGEST_WEEKDAY = 0  # Monday


MAX_UPCOMING_DAYS = 366


DEFAULT_OFF = ("anniversary_group",)


SWITCHES = (
    "birthday",
    "anniversary",
    "anniversary_group",
    *[f.value for f in Festival],
    "digest",
    "medal",
)


def label(key: str) -> str:
    """The Chinese name of a template or switch, as admins type it."""
    festival = festival_of(key)
    if festival is not None:
        return FESTIVAL_NAMES[festival]
    return T.TEMPLATE_LABELS.get(key) or T.SWITCH_LABELS.get(key) or key


def _aliases(key: str) -> set[str]:
    names = {key, label(key)}
    if key == Festival.PARTY_DAY:
        names |= {"七一", "建党节"}
    if key == Festival.NATIONAL_DAY:
        names.add("国庆")
    if key == Festival.DOUBLE_NINTH:
        names.add("重阳")
    if key == Festival.MID_AUTUMN:
        names.add("中秋")
    if key == Festival.DRAGON_BOAT:
        names.add("端午")
    if key == Festival.LANTERN:
        names.add("元宵")
    return {n.casefold() for n in names}


def find(name: str, keys: Iterable[str]) -> str | None:
    """The template or switch key an admin meant by `name` (Chinese name or key)."""
    wanted = name.strip().casefold()
    return next((k for k in keys if wanted in _aliases(k)), None)


@dataclass(frozen=True)
class CareSettings:
    """What a branch chose for its greetings (read from Branch.options)."""

    greeting_time: time
    leap_rule: LeapRule
    switched_off: frozenset[str]
    templates: Mapping[str, str]

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> CareSettings:
        greeting_time = _stored_time(options.get(OPT_TIME))
        try:
            leap_rule = LeapRule(options.get(OPT_LEAP, LeapRule.ORDINARY.value))
        except ValueError:
            leap_rule = LeapRule.ORDINARY
        off_list = options.get(OPT_OFF, [])
        on_list = options.get(OPT_ON, [])
        off = {k for k in off_list if k in SWITCHES} if isinstance(off_list, list) else set()
        on = set(on_list) if isinstance(on_list, list) else set()
        off |= {k for k in DEFAULT_OFF if k not in on}
        templates = options.get(OPT_TEMPLATES, {})
        return cls(
            greeting_time=greeting_time or DEFAULT_TIME,
            leap_rule=leap_rule,
            switched_off=frozenset(off),
            templates=dict(templates) if isinstance(templates, dict) else {},
        )

    def enabled(self, switch: str) -> bool:
        return switch not in self.switched_off

    def template(self, key: str) -> str:
        custom = self.templates.get(key)
        return custom if isinstance(custom, str) else default_template(key)

    def customised(self, key: str) -> bool:
        return isinstance(self.templates.get(key), str)


def switch_options(options: Mapping[str, Any], switch: str, on: bool) -> dict[str, list[str]]:
    """The new values of the on/off option lists after turning `switch` on or off."""
    off = [k for k in options.get(OPT_OFF, []) if k != switch]
    forced_on = [k for k in options.get(OPT_ON, []) if k != switch]
    if switch in DEFAULT_OFF:
        if on:
            forced_on.append(switch)
    elif not on:
        off.append(switch)
    return {OPT_OFF: sorted(off), OPT_ON: sorted(forced_on)}


def _stored_time(value: object) -> time | None:
    """The greeting time kept in the options ('08:30'), or None if there is none that reads."""
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ParseError:
        return None
