"""The settings a branch's secretary can change, read from and written to the branch's options.

One typed view (`BranchSettings`) of the keys every feature reads, with their defaults and the
range each may take, so a value an admin sets is checked in one place and code never reads an
option key by hand. Stored values that no longer make sense (edited by hand, from an old
version) read as the default rather than failing.

Feature-specific stores keep their own modules (the monthly theme-day rule:
bot/services/themeday.py; greetings: bot/core/care/options.py).

Pure: no I/O, no clock, no database, no Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from typing import Any

from bot.core import cn_format
from bot.core.cn_parse import ParseError, number, parse_time
from bot.texts import fmt
from bot.texts import settings as T
from storage import branches, people
from storage.models import Branch

# Option keys, as stored in Branch.options (the names are those the first version used).
DEADLINE_DAYS = "deadline_days"
REMINDER_DAYS_AFTER = "reminder_days_after"
REMINDER_TIME = "reminder_time"
ACK_DELAY = "ack_delay_seconds"
HONORIFIC = "honorific"
CATCHUP_HOURS = "catchup_hours"
# How long after the greeting time missed greetings are still sent (0: any time that day).
GREETING_CATCHUP = "greeting_catchup_hours"
# Who owes a theme-day reflection: everyone (False) or party members only (storage/people.py).
PARTY_ONLY = people.OPT_PARTY_ONLY
# Group reminders name who has not submitted (off: a general note; names only privately).
NAMES_IN_GROUP = "remind_names_in_group"
# Round birthdays (八十大寿) follow 虚岁 rather than 周岁.
NOMINAL_AGE = "birthday_nominal_age"
SWITCHES = (PARTY_ONLY, NAMES_IN_GROUP, NOMINAL_AGE)

HONORIFICS = ("同志", "老师")
DEADLINE_RANGE = (1, 30)
REMINDER_DAYS_RANGE = (1, 29)
ACK_DELAY_RANGE = (0, 90)
CATCHUP_RANGE = (0, 72)
GREETING_CATCHUP_RANGE = (0, 12)


class SettingError(ValueError):
    """A value a setting cannot take; the message says which values it can."""


@dataclass(frozen=True)
class BranchSettings:
    """What a branch chose; every field has the default a new branch starts with."""

    # Reflections are due at 23:59 on this day after the push.
    deadline_days: int = 7
    # Reminders go out this many days after the push, and on the deadline day.
    reminder_days_after: int = 2
    reminder_time: time = time(9, 0)
    # Group thanks wait this long after the last submission (never more than 90 s).
    ack_delay_seconds: int = 15
    # After a member's name: 王建国同志 / 王建国老师.
    honorific: str = "同志"
    # How long after its time a missed theme-day push is still sent; 0: the same local day.
    catchup_hours: int = 0
    # How long after the greeting time a day's greetings missed while the bot was down still go
    # out; 0: any time that day (later than that, a birthday wish at night would be odd).
    greeting_catchup_hours: int = 0
    # 仅党员: only party members (预备党员 included) owe a reflection, are reminded, counted 未交.
    reflect_party_only: bool = False
    # 群内提醒点名: group reminders list who has not submitted (default: nobody named).
    remind_names_in_group: bool = False
    # 寿辰按虚岁: 八十大寿 and the other round birthdays follow 虚岁.
    birthday_nominal_age: bool = False

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> BranchSettings:
        """The settings as stored; a missing or unusable value reads as its default."""
        default = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = options.get(f.name)
            if raw is None:
                continue
            try:
                values[f.name] = _check(f.name, raw)
            except SettingError:
                continue
        return replace(default, **values)

    def changed(self, key: str, value: object) -> BranchSettings:
        """These settings with `key` set to `value`; SettingError if it cannot take it."""
        if key not in {f.name for f in fields(self)}:
            raise SettingError(f"unknown setting {key!r}")
        return replace(self, **{key: _check(key, value)})

    def option_value(self, key: str) -> object:
        """The value as stored in Branch.options (times as "HH:MM")."""
        value = getattr(self, key)
        return value.strftime("%H:%M") if isinstance(value, time) else value


def _in_range(value: object, bounds: tuple[int, int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingError(f"not a whole number: {value!r}")
    low, high = bounds
    if not low <= value <= high:
        raise SettingError(f"{value} is outside {low}–{high}")
    return value


def _check(key: str, value: object) -> Any:
    if key == DEADLINE_DAYS:
        return _in_range(value, DEADLINE_RANGE)
    if key == REMINDER_DAYS_AFTER:
        return _in_range(value, REMINDER_DAYS_RANGE)
    if key == ACK_DELAY:
        return _in_range(value, ACK_DELAY_RANGE)
    if key == CATCHUP_HOURS:
        return _in_range(value, CATCHUP_RANGE)
    if key == GREETING_CATCHUP:
        return _in_range(value, GREETING_CATCHUP_RANGE)
    if key in SWITCHES:
        if not isinstance(value, bool):
            raise SettingError(f"not on or off: {value!r}")
        return value
    if key == HONORIFIC:
        if value not in HONORIFICS:
            raise SettingError(f"{value!r} is not one of {HONORIFICS}")
        return value
    if key == REMINDER_TIME:
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0, tzinfo=None)
        if isinstance(value, str):
            try:
                hour, minute = value.split(":")
                return time(int(hour), int(minute))
            except ValueError:
                pass
        raise SettingError(f"not a time of day: {value!r}")
    raise SettingError(f"unknown setting {key!r}")


def encode(value: object) -> object:
    """A setting's value as JSON keeps it (a time as "HH:MM")."""
    return value.strftime("%H:%M") if isinstance(value, time) else value


def decode(key: str, raw: object) -> Any:
    """A value kept by `encode`, typed again; SettingError if it no longer fits."""
    return _check(key, raw)


def of(branch: Branch) -> BranchSettings:
    """The branch's settings."""
    return BranchSettings.from_options(branches.options(branch))


def save(branch: Branch, key: str, value: object) -> BranchSettings:
    """Set one setting on the branch (the caller's session stores it); SettingError if the
    value is not allowed, and then nothing changes."""
    updated = of(branch).changed(key, value)
    branches.set_option(branch, key, updated.option_value(key))
    return updated


# --- how each setting reads to the secretary ---------------------------------------------------


@dataclass(frozen=True)
class SettingSpec:
    """One setting as the 支部设置 flow shows it: its name, its common values (offered as
    buttons), how a value reads, and how a typed value is understood."""

    key: str
    common: tuple[Any, ...]
    shown: Callable[[Any], str]
    typed: Callable[[str], Any] | None

    @property
    def label(self) -> str:
        return T.LABELS[self.key]

    @property
    def help(self) -> str:
        return T.HELP[self.key]

    def read(self, text: str) -> Any:
        """The value typed; SettingError (whose message has an example) if not understood."""
        if self.typed is None:
            raise SettingError(T.EXAMPLES[self.key])
        try:
            value = self.typed(text)
            return _check(self.key, value)
        except (ParseError, SettingError, ValueError):
            raise SettingError(T.EXAMPLES[self.key]) from None


def _whole(text: str) -> int:
    """'10', '十', '10天', '30秒', '6小时' → the number."""
    found = number(text.strip().rstrip("天日秒钟分小时个").strip())
    if found is None:
        raise ValueError(text)
    return found


def _catchup(hours: int) -> str:
    return fmt(T.HOURS, value=hours) if hours else T.SAME_DAY


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(DEADLINE_DAYS, (3, 5, 7, 10, 14), lambda v: fmt(T.DAYS, value=v), _whole),
    SettingSpec(REMINDER_DAYS_AFTER, (1, 2, 3, 5), lambda v: fmt(T.DAY_N, value=v), _whole),
    SettingSpec(
        REMINDER_TIME,
        (time(8, 0), time(8, 30), time(9, 0), time(10, 0), time(15, 0)),
        cn_format.clock,
        parse_time,
    ),
    SettingSpec(
        ACK_DELAY,
        (0, 15, 30, 60),
        lambda v: fmt(T.SECONDS, value=v) if v else T.NOW,
        _whole,
    ),
    SettingSpec(HONORIFIC, HONORIFICS, str, None),
    SettingSpec(CATCHUP_HOURS, (0, 6, 12, 24), _catchup, _whole),
    SettingSpec(GREETING_CATCHUP, (0, 2, 4, 8), _catchup, _whole),
    SettingSpec(PARTY_ONLY, (False, True), lambda v: T.PARTY_ONLY if v else T.EVERYONE, None),
    SettingSpec(NAMES_IN_GROUP, (False, True), lambda v: T.ON if v else T.OFF, None),
    SettingSpec(NOMINAL_AGE, (False, True), lambda v: T.NOMINAL if v else T.FULL_YEARS, None),
)
SPEC_OF = {spec.key: spec for spec in SPECS}
