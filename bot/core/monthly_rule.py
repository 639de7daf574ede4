"""The monthly theme-day rule (主题党日): which day of each month, and when it next falls.

The secretary sets the rule with a command such as ``/themeday 15 09:00 学习主题`` or
``/themeday last-fri 09:00 …``; this module parses the day and time parts, describes the rule
back in Chinese, stores it as short text, and turns it into aware UTC datetimes in the
branch's time zone for the scheduler.

It must stay pure: standard library only, no I/O, no clock (callers pass ``now``/``after``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "MonthlyRule",
    "RuleError",
    "latest_occurrence",
    "next_occurrence",
    "occurrence_in",
    "parse_rule",
    "parse_time",
]

_RULE_EXAMPLES = (
    "例如：/themeday 15 09:00 学习主题（每月15日），"
    "/themeday last 09:00 学习主题（每月最后一天），"
    "/themeday first-fri 09:00 学习主题（每月第一个星期五）"
)
_TIME_EXAMPLES = "请用24小时制，例如 09:00、9:30、14:00 或 9点"

_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_NTH_KEYS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_NTH_NAMES = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", -1: "最后一个"}


class RuleError(ValueError):
    """A rule or time that cannot be accepted; ``.message`` explains in Chinese, with examples."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
            raise RuleError(f"请只设一种主题党日规则。{_RULE_EXAMPLES}。")
        if self.day is not None and not 1 <= self.day <= 31:
            raise RuleError(f"没有{self.day}日。{_RULE_EXAMPLES}。")
        # Days 29..31 do not occur every month; "last" says what such a rule usually means.
        if self.day is not None and self.day > 28:
            raise RuleError(
                f"每月{self.day}日不是每个月都有，请选1到28日，或用 last 表示每月最后一天。"
                f"{_RULE_EXAMPLES}。"
            )
        if (self.nth is None) != (self.weekday is None):
            raise RuleError(f"“第几个星期几”需要同时写明第几个和星期几。{_RULE_EXAMPLES}。")
        if self.nth is not None and self.nth not in _NTH_KEYS:
            raise RuleError(
                "只能选第一到第四个，或最后一个星期几（例如 last-fri）。" + _RULE_EXAMPLES + "。"
            )
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise RuleError(f"星期几应在星期一到星期日之间。{_RULE_EXAMPLES}。")

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
        """'每月15日', '每月最后一天', '每月第一个星期五', '每月最后一个星期五'."""
        if self.day is not None:
            return f"每月{self.day}日"
        if self.last_day:
            return "每月最后一天"
        assert self.nth is not None and self.weekday is not None
        return f"每月{_NTH_NAMES[self.nth]}{_WEEKDAY_NAMES[self.weekday]}"

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
_CN_NTH = {"一": 1, "1": 1, "二": 2, "2": 2, "三": 3, "3": 3, "四": 4, "4": 4}
_CN_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_CN_WEEKDAYS |= {str(i + 1): i for i in range(7)}

_EN_NTH_RE = re.compile(r"([a-z0-9]+)[-_ ]([a-z]+)")
_CN_NTH_RE = re.compile(r"(?:第(.+?)个|(最后一个|最后))(?:周|星期|礼拜)(.)")
_DAY_RE = re.compile(r"(\d{1,2})(?:日|号)?")


def parse_rule(text: str) -> MonthlyRule:
    """Read the day part of ``/themeday``: '15', 'last', 'first-fri', '最后一个周一' …"""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = re.sub(r"\s+", " ", s)
    if s.startswith("每月"):
        s = s[2:].strip()
    if not s:
        raise RuleError(f"请写明每月哪一天。{_RULE_EXAMPLES}。")
    if s in ("last", "最后一天", "月底", "月末"):
        return MonthlyRule(last_day=True)
    if m := _DAY_RE.fullmatch(s):
        day = int(m[1])
        return MonthlyRule(day=day)
    if m := _EN_NTH_RE.fullmatch(s):
        nth, weekday = _EN_NTH.get(m[1]), _EN_WEEKDAYS.get(m[2])
        if m[1] in ("fifth", "5th"):
            raise _fifth()
        if nth is not None and weekday is not None:
            return MonthlyRule(nth=nth, weekday=weekday)
    if m := _CN_NTH_RE.fullmatch(s.replace(" ", "")):
        weekday = _CN_WEEKDAYS.get(m[3])
        if m[1] in ("五", "5"):
            raise _fifth()
        nth = -1 if m[2] else _CN_NTH.get(m[1])
        if nth is not None and weekday is not None:
            return MonthlyRule(nth=nth, weekday=weekday)
    raise RuleError(f"看不懂“{text.strip()}”这个日子。{_RULE_EXAMPLES}。")


def _fifth() -> RuleError:
    return RuleError(
        "不是每个月都有第五个星期几，请用 last（最后一个），例如 last-fri 表示每月最后一个星期五。"
    )


_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")
_DIAN_RE = re.compile(r"(\d{1,2})点(?:(\d{1,2})分?|(半))?")
_HALF_DAY_RE = re.compile(r"(上午|早上|中午|下午|晚上)")


def parse_time(text: str) -> time:
    """Read the time part of ``/themeday``, 24-hour: '09:00', '9:30', '9点', '9点半', '09：00'."""
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if _HALF_DAY_RE.match(s):
        # 下午3点 is 15:00 but 下午12点 could be noon or midnight: rather than guess, ask.
        raise RuleError(f"时间请用24小时制，例如下午3点写作 15:00。{_TIME_EXAMPLES}。")
    if m := _CLOCK_RE.fullmatch(s):
        hour, minute = int(m[1]), int(m[2])
    elif m := _DIAN_RE.fullmatch(s):
        hour = int(m[1])
        minute = 30 if m[3] else int(m[2] or 0)
    else:
        raise RuleError(f"看不懂时间“{text.strip()}”。{_TIME_EXAMPLES}。")
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise RuleError(f"没有{hour}点{minute}分这个时间。{_TIME_EXAMPLES}。")
    return time(hour, minute)


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
