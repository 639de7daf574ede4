"""Chinese dates, times and durations as the bot writes them: the one place that decides how a
day, a moment, a span of days or a length of time reads, so that every message says it the same
way ("12月15日（周二）09:00", "交流截止：12月22日（周二）23:59", "1分12秒", "3天后").

The style, chosen for elderly readers on small screens: weekdays as 周一 … 周日; dates as
11月8日 (with the year, 2026年11月8日, where records span years); times on the 24-hour clock
as 09:00, the way the branch's own notices write them. Reading what people type is
`bot.core.cn_parse`.

Pure: no I/O, no clock. A caller passes "today"; an aware datetime is shown in the time zone
given (the branch's), a naive one is taken as already local.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.calendar import Festival, festivals_on, lunar_label
from bot.texts import dates as T

__all__ = [
    "clock",
    "date_label",
    "date_range",
    "day_text",
    "days_from",
    "duration",
    "full_date",
    "moment",
    "month_day",
    "weekday",
]


def weekday(day: date | int) -> str:
    """'周一' … '周日', of a date or of a weekday number (0 = Monday, as `date.weekday()`)."""
    return T.WEEKDAYS[day if isinstance(day, int) else day.weekday()]


def month_day(day: date) -> str:
    """'11月8日'."""
    return T.MONTH_DAY.format(month=day.month, day=day.day)


def full_date(day: date) -> str:
    """'2026年11月8日'."""
    return T.FULL_DATE.format(year=day.year, month=day.month, day=day.day)


def day_text(day: date, *, year: bool = False) -> str:
    """'11月8日（周日）', or with the year '2026年11月8日（周日）'."""
    shown = full_date(day) if year else month_day(day)
    return T.WITH_WEEKDAY.format(date=shown, weekday=weekday(day))


def clock(at: time | datetime) -> str:
    """'09:00', '23:59': the 24-hour clock, minutes always two digits."""
    return f"{at.hour:02d}:{at.minute:02d}"


def _local(when: datetime, tz: ZoneInfo) -> datetime:
    return when.astimezone(tz) if when.tzinfo is not None else when


def moment(when: datetime | None, tz: ZoneInfo, *, with_weekday: bool = True) -> str:
    """'12月15日（周二）09:00' in `tz`; without the weekday '12月15日 09:00' (for buttons and
    long lists, where it would only crowd the line); empty for a time not known (None)."""
    if when is None:
        return ""
    local = _local(when, tz)
    if with_weekday:
        return T.MOMENT.format(date=day_text(local.date()), time=clock(local))
    return T.MOMENT_NO_WEEKDAY.format(date=month_day(local.date()), time=clock(local))


def date_range(start: date, end: date, *, year: bool = False) -> str:
    """'11月8日至11月21日'; the year is shown when the two fall in different years, or, with
    `year`, once at the start ('2026年8月26日至11月26日'). One day is just that day."""
    if start.year != end.year:
        return T.RANGE.format(start=full_date(start), end=full_date(end))
    first = full_date(start) if year else month_day(start)
    if start == end:
        return first
    return T.RANGE.format(start=first, end=month_day(end))


def days_from(today: date, day: date) -> str:
    """How far `day` is from `today` in words: '今天', '明天', '后天', '5天后', '昨天', '前天',
    '5天前'."""
    n = (day - today).days
    near = {
        0: T.TODAY,
        1: T.TOMORROW,
        2: T.DAY_AFTER_TOMORROW,
        -1: T.YESTERDAY,
        -2: T.DAY_BEFORE_YESTERDAY,
    }
    if n in near:
        return near[n]
    return T.DAYS_LATER.format(n=n) if n > 0 else T.DAYS_AGO.format(n=-n)


def duration(seconds: int | None) -> str:
    """'1分12秒', '45秒', '1分钟', '1小时2分'; empty for an unknown length."""
    if not seconds or seconds <= 0:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return T.HOURS_MINUTES.format(h=hours, m=minutes) if minutes else T.HOURS.format(h=hours)
    if minutes:
        if secs:
            return T.MINUTES_SECONDS.format(m=minutes, s=secs)
        return T.MINUTES.format(m=minutes)
    return T.SECONDS.format(s=secs)


def date_label(day: date, *, lunar: bool = False) -> str:
    """The {date} of a greeting: '10月18日' or, for lunar birthdays and festivals,
    '农历九月初九'."""
    if lunar or any(f in _LUNAR_FESTIVALS for f in festivals_on(day)):
        return lunar_label(day)
    return month_day(day)


_LUNAR_FESTIVALS = frozenset(
    {
        Festival.SPRING,
        Festival.LANTERN,
        Festival.DRAGON_BOAT,
        Festival.MID_AUTUMN,
        Festival.DOUBLE_NINTH,
    }
)


# --- names ------------------------------------------------------------------------------------

# Words that already address a person: after them no 同志/老师 is added ("赵书记", not
# "赵书记同志"; "李老师", not "李老师同志").
HONORIFICS = (
    "同志",
    "老师",
    "书记",
    "主任",
    "部长",
    "局长",
    "处长",
    "科长",
    "厅长",
    "院长",
    "校长",
    "先生",
    "女士",
    "阿姨",
    "叔叔",
)


def addressed(name: str, honorific: str) -> str:
    """The name with the branch's honorific after it, unless the name already ends with one."""
    return name if name.endswith(HONORIFICS) else name + honorific


def honorific_after(name: str, honorific: str) -> str:
    """The honorific to write after `name`: "" when the name already carries one."""
    return "" if name.endswith(HONORIFICS) else honorific
