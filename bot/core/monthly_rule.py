"""The monthly theme-day rule (主题党日): which day of each month, and when it next falls.

The secretary sets the rule with a command such as ``/themeday 15号 9:00 学习主题`` or
``/themeday 每月最后一个周五 上午9点半 …``; this module reads the day and time parts (with the
shared pieces of `bot.core.cn_parse`), describes the rule back in Chinese, stores it as short
text ('15', 'last', 'first-fri'), and turns it into aware UTC datetimes in the branch's time
zone for the scheduler.

It must stay pure: no I/O, no clock (callers pass ``now``/``after``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.cn_format import weekday as weekday_name
from bot.core.cn_parse import (
    PERIOD_WORD,
    WEEKDAY_WORD,
    ParseError,
    normalize,
    number,
    parse_time,
    weekday_number,
)
from bot.texts import themeday as T

__all__ = [
    "MonthlyRule",
    "latest_occurrence",
    "next_occurrence",
    "occurrence_in",
    "parse_rule",
    "parse_setting",
    "push_now_effect",
]

_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NTH_KEYS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


@dataclass(frozen=True, slots=True)
class MonthlyRule:
    """One of: a fixed day (1..28), the last day, or the nth (1..4, -1 = last) weekday."""

    day: int | None = None
    last_day: bool = False
    nth: int | None = None
    weekday: int | None = None  # 0 = Monday .. 6 = Sunday, as date.weekday()

    def __post_init__(self) -> None:
        kinds = (self.day is not None) + self.last_day + (self.nth is not None)
        if kinds != 1:
            raise ParseError(T.RULE_ONE_KIND)
        if self.day is not None and not 1 <= self.day <= 31:
            raise ParseError(T.RULE_NO_SUCH_DAY.format(day=self.day))
        # Days 29..31 do not occur every month; "last" says what such a rule usually means.
        if self.day is not None and self.day > 28:
            raise ParseError(T.RULE_NOT_EVERY_MONTH.format(day=self.day))
        if (self.nth is None) != (self.weekday is None):
            raise ParseError(T.RULE_NTH_AND_WEEKDAY)
        if self.nth is not None and self.nth not in _NTH_KEYS:
            raise ParseError(T.RULE_NTH_RANGE)
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ParseError(T.RULE_WEEKDAY_RANGE)

    def date_in(self, year: int, month: int) -> date:
        """The theme day of that month."""
        if self.day is not None:
            return date(year, month, self.day)
        last = _last_day_of_month(year, month)
        if self.last_day:
            return last
        assert self.nth is not None and self.weekday is not None
        if self.nth == -1:
            return last - timedelta(days=(last.weekday() - self.weekday) % 7)
        first = date(year, month, 1)
        first_match = first + timedelta(days=(self.weekday - first.weekday()) % 7)
        # The fourth weekday always exists (day 22..28), which is why nth stops at 4.
        return first_match + timedelta(weeks=self.nth - 1)

    def describe(self) -> str:
        """'每月15日', '每月最后一天', '每月第一个周五', '每月最后一个周五'."""
        if self.day is not None:
            return T.RULE_DAY.format(day=self.day)
        if self.last_day:
            return T.RULE_LAST_DAY
        assert self.nth is not None and self.weekday is not None
        return T.RULE_NTH_WEEKDAY.format(
            nth=T.NTH_NAMES[self.nth], weekday=weekday_name(self.weekday)
        )

    def to_storage(self) -> str:
        """'15', 'last', 'first-fri', 'last-fri'; read back by ``parse_rule``."""
        if self.day is not None:
            return str(self.day)
        if self.last_day:
            return "last"
        assert self.nth is not None and self.weekday is not None
        return f"{_NTH_KEYS[self.nth]}-{_WEEKDAY_KEYS[self.weekday]}"


def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


# --- parsing --------------------------------------------------------------------------------

_EN_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_EN_NTH |= {"fourth": 4, "4th": 4, "last": -1}
_EN_WEEKDAYS = {k: i for i, k in enumerate(_WEEKDAY_KEYS)}
_EN_WEEKDAYS |= {
    name: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_LAST_DAY_WORDS = frozenset({"last", "最后一天", "月底", "月末"})

_EN_NTH_RE = re.compile(r"([a-z0-9]+)[-_]([a-z]+)")
_CN_NTH_RE = re.compile(rf"(?:第(.+?)个|(最后一个|最后)){WEEKDAY_WORD}(.)")
_DAY_RE = re.compile(r"([\d〇零一二两三四五六七八九十]{1,3})(?:日|号)?")


def parse_rule(text: str) -> MonthlyRule:
    """Read the day part of ``/themeday``: '15号', '十五日', '最后一天', '第一个周五',
    '每月最后一个星期五', and the stored forms '15', 'last', 'first-fri' …"""
    shown = " ".join(text.split())
    # Words in English keep their separator ('first fri' is 'first-fri').
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    s = normalize(re.sub(r"(?<=[a-z0-9])\s+(?=[a-z])", "-", plain))
    if s is None:
        raise ParseError(T.RULE_UNREADABLE.format(text=shown))
    s = s.removeprefix("每月")
    if not s:
        raise ParseError(T.RULE_EMPTY)
    if s in _LAST_DAY_WORDS:
        return MonthlyRule(last_day=True)
    if m := _DAY_RE.fullmatch(s):
        day = number(m[1])
        if day is not None:
            return MonthlyRule(day=day)
    if m := _EN_NTH_RE.fullmatch(s):
        if m[1] in ("fifth", "5th"):
            raise ParseError(T.RULE_NO_FIFTH)
        nth, weekday = _EN_NTH.get(m[1]), _EN_WEEKDAYS.get(m[2])
        if nth is not None and weekday is not None:
            return MonthlyRule(nth=nth, weekday=weekday)
    if m := _CN_NTH_RE.fullmatch(s):
        if m[1] is not None and number(m[1]) == 5:
            raise ParseError(T.RULE_NO_FIFTH)
        nth = -1 if m[2] else number(m[1])
        weekday = weekday_number(m[3])
        if nth in _NTH_KEYS and weekday is not None:
            return MonthlyRule(nth=nth, weekday=weekday)
    raise ParseError(T.RULE_UNREADABLE.format(text=shown))


# How far into the command the day and the time may reach, in characters.
_LONGEST_RULE = 24
_LONGEST_TIME = 16
_PERIOD_RE = re.compile(rf"{PERIOD_WORD}\s")


def parse_setting(text: str) -> tuple[MonthlyRule, time | None, str]:
    """The day, the time and the rest (the topic) of ``/themeday 每月最后一个周五 上午9点半 学习``.

    The day and the time may be written together ('15号9点') or apart; the time ends at a space
    and holds one only after a part of the day ('下午 3点'). The time is None when nothing
    follows the day. Raises `ParseError` for the day, else for the time, when either is wrong.
    """
    # Not normalized: the topic is kept as it was typed (the parsers normalize what they read).
    s = " ".join(text.split())
    readings: dict[int, set[tuple[MonthlyRule, time]]] = {}
    rule_only: tuple[int, MonthlyRule] | None = None
    for p in range(1, min(len(s), _LONGEST_RULE) + 1):
        try:
            rule = parse_rule(s[:p])
        except ParseError:
            continue
        if p == len(s) or s[p] == " ":
            rule_only = (p, rule)
        for q in range(p + 1, min(len(s), p + _LONGEST_TIME) + 1):
            if q < len(s) and s[q] != " ":
                continue
            part = s[p:q].strip()
            if " " in part and not _PERIOD_RE.match(part):
                continue
            try:
                at = parse_time(part)
            except ParseError:
                continue
            readings.setdefault(q, set()).add((rule, at))
    if readings:
        end = max(readings)
        (rule, at), *others = readings[end]
        if others:
            raise ParseError(T.RULE_AMBIGUOUS.format(text=s[:end]))
        return rule, at, s[end:].strip()
    if rule_only is None:
        parse_rule(s.split(" ", 1)[0] if s else "")  # raises the reason the day is wrong
        raise ParseError(T.RULE_UNREADABLE.format(text=s))
    end, rule = rule_only
    rest = s[end:].strip()
    if not rest:
        return rule, None, ""
    parse_time(rest.split(" ", 1)[0])  # raises the reason the time is wrong
    raise ParseError(T.RULE_UNREADABLE.format(text=s))


# --- occurrences ----------------------------------------------------------------------------


def occurrence_in(rule: MonthlyRule, at: time, year: int, month: int, tz: ZoneInfo) -> datetime:
    """The theme day of that month at local time ``at`` in ``tz``, as an aware UTC datetime.

    A local time skipped by a daylight-saving change (02:30 on the spring-forward night) means
    the same moment as the hour before the change plus the gap, i.e. it moves forward by the
    gap (03:30); a repeated local time means its first occurrence.
    """
    if at.tzinfo is not None:
        raise ValueError("at must be a local wall-clock time without tzinfo")
    local = datetime.combine(rule.date_in(year, month), at, tzinfo=tz)
    # PEP 495: fold=0 takes the offset in force before a transition. For a skipped time that
    # is the pre-change offset, which lands the instant after the gap; for a repeated time it
    # is the first of the two.
    return local.astimezone(UTC)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _occurrences_around(
    rule: MonthlyRule, at: time, moment: datetime, tz: ZoneInfo
) -> list[datetime]:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    local = moment.astimezone(tz)
    # An occurrence is on its month's day, but a local time skipped by a clock change just
    # before midnight can push it into the next month (so the latest one may be two months
    # back); looking two months either way covers that at the cost of a few date sums.
    return [
        occurrence_in(rule, at, *_shift_month(local.year, local.month, delta), tz)
        for delta in (-2, -1, 0, 1, 2)
    ]


def next_occurrence(rule: MonthlyRule, at: time, after: datetime, tz: ZoneInfo) -> datetime:
    """The first theme-day moment strictly after ``after`` (aware), in UTC."""
    return min(o for o in _occurrences_around(rule, at, after, tz) if o > after)


def latest_occurrence(rule: MonthlyRule, at: time, now: datetime, tz: ZoneInfo) -> datetime:
    """The most recent theme-day moment at or before ``now`` (aware), in UTC."""
    return max(o for o in _occurrences_around(rule, at, now, tz) if o <= now)


@dataclass(frozen=True, slots=True)
class PushNowEffect:
    """What a push started by hand at some moment does to the month's scheduled push.

    ``replaces``: this month's theme day is still to come and nothing stood in for it yet, so
    the push now is this month's theme day and the scheduled one will not go out (the
    scheduler skips a month that already had a push on or before its day). ``replaced_by``:
    an earlier push this month already stood in for it. Otherwise (``scheduled`` is the next
    one) this month's has passed and the push now is an extra one that changes nothing.
    """

    scheduled: datetime
    replaces: bool
    replaced_by: date | None = None


def push_now_effect(
    rule: MonthlyRule, at: time, now: datetime, tz: ZoneInfo, pushed_days: list[date]
) -> PushNowEffect:
    """The effect of a push at ``now`` given the local days of this month's pushes so far."""
    local = now.astimezone(tz)
    due = occurrence_in(rule, at, local.year, local.month, tz)
    if due <= now:
        return PushNowEffect(scheduled=next_occurrence(rule, at, now, tz), replaces=False)
    day = due.astimezone(tz).date()
    first = local.date().replace(day=1)
    earlier = sorted(d for d in pushed_days if first <= d <= day)
    if earlier:
        return PushNowEffect(scheduled=due, replaces=False, replaced_by=earlier[0])
    return PushNowEffect(scheduled=due, replaces=True)
