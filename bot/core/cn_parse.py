"""Reading a time, a date, or both, as people in the branch type them: '9点半', '下午3点',
'09：00', '十点', '11月8日', '下周三', '明天上午9点' … Every refusal is a `ParseError` whose
Chinese message says what went wrong and shows forms that work; it is meant to be the reply.

Kept apart from `cn_format` (which writes dates) because reading is a grammar with its own
decisions, and a newcomer asked "why was 晚上12点 read as midnight?" should find one module
with those decisions in its docstring. The monthly theme-day rule (`bot.core.monthly_rule`)
is read with the same pieces: `normalize`, `number`, `weekday_number`.

Decisions:
- Times: a bare hour is on the 24-hour clock ('12点' is noon, '0点' midnight, '15点' 15:00).
  A part of the day moves the hour where it must: 凌晨 0–6点 (凌晨12点 = 0:00); 早上/早晨
  4–11点; 上午 0–11点; 中午 11–14点 (中午1点 = 13:00); 下午 1–11点 → 13–23点 (下午15点 is
  simply 15:00); 傍晚 4–8点 → 16–20点; 晚上 6–11点 → 18–23点. 晚上12点 is midnight at the end of
  that day: 0:00, and `parse_when` moves it to the next day. 上午12点 and 下午12点 are refused
  (noon or midnight? nobody can tell), as is an hour the part of the day does not have
  ('上午13点', '晚上3点').
- Minutes: '9:05' needs two digits after the colon; after 点 any of 5, 05, 零五, 三十, 半 (30),
  一刻 (15), 三刻 (45), with or without 分.
- Dates without a year ('11月8日') are the nearest such day to `today`, before or after; a bare
  weekday ('周三') is the next one, today included; 本周/这周 is the Monday-to-Sunday week of
  today, 下周 the one after, 上周 the one before.
- Spaces are ignored except between two digits ('2026/11/1 19:00' is not '2026/11/11 9:00').

Pure: no I/O, no clock (callers pass `today`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta
from typing import NamedTuple

from bot.texts import dates as T
from storage.dates import cn_number

__all__ = [
    "PERIOD_WORD",
    "WEEKDAY_WORD",
    "ParseError",
    "When",
    "normalize",
    "number",
    "parse_date",
    "parse_hours",
    "parse_time",
    "parse_when",
    "weekday_number",
]

_SHOWN_CHARS = 30


class ParseError(ValueError):
    """Typed text that is not a time or a date; ``.message`` is the Chinese reply, with examples."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class When(NamedTuple):
    """A day and a time of day, as `parse_when` reads them."""

    day: date
    at: time


def _shown(text: str) -> str:
    """What the person typed, as quoted back in a refusal (trimmed, never very long)."""
    s = " ".join(text.split())
    return s if len(s) <= _SHOWN_CHARS else s[: _SHOWN_CHARS - 1] + "…"


def normalize(text: str) -> str | None:
    """Full-width forms made plain (０９：３０ → 09:30), Latin letters lower-cased, spaces taken
    out; None if a space stood between two digits, where it would join two numbers into one."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    if re.search(r"\d\s+\d", s):
        return None
    return re.sub(r"\s+", "", s)


_CN_DIGITS = "〇零一二两三四五六七八九十"


def number(text: str) -> int | None:
    """A whole number up to 99 in digits or Chinese: '15', '十五', '两', '二十三'; else None."""
    if not text:
        return None
    if text == "两":
        return 2
    return cn_number(text)


_WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAY_CHARS |= {str(i + 1): i for i in range(7)}
WEEKDAY_WORD = r"(?:周|星期|礼拜)"


def weekday_number(char: str) -> int | None:
    """The weekday (0 = Monday) of the character after 周/星期/礼拜: '一' → 0, '日'/'天' → 6."""
    return _WEEKDAY_CHARS.get(char)


# --- times -----------------------------------------------------------------------------------

# Each part of the day: the hours it may name, and what to add to reach the 24-hour clock.
# (12点 in each is decided in `_apply_period`.)
_PERIOD_HOURS = {
    "凌晨": ((0, 6, 0),),
    "早上": ((4, 11, 0),),
    "早晨": ((4, 11, 0),),
    "上午": ((0, 11, 0),),
    "中午": ((11, 14, 0), (1, 2, 12)),
    "下午": ((1, 11, 12), (13, 23, 0)),
    "傍晚": ((4, 8, 12), (16, 20, 0)),
    "晚上": ((6, 11, 12), (18, 23, 0)),
}
PERIOD_WORD = f"(?:{'|'.join(_PERIOD_HOURS)})"
_NUM = rf"[\d{_CN_DIGITS}]{{1,3}}"
_TIME_RE = re.compile(
    rf"(?P<period>{'|'.join(_PERIOD_HOURS)})?"
    r"(?:"
    r"(?P<h1>\d{1,2}):(?P<m1>\d{2})"
    rf"|(?P<h2>{_NUM})[点时]"
    rf"(?:(?P<half>半)|(?P<quarter>[一三])刻|(?P<m2>{_NUM})(?:分钟|分)?|整|钟)?"
    r")"
)


def _minute(text: str) -> int | None:
    # '零五' and '05' are both five minutes past.
    if len(text) == 2 and text[0] in "零〇" and text[1] in _CN_DIGITS:
        text = text[1:]
    return number(text)


def _apply_period(period: str | None, hour: int, shown: str) -> tuple[int, int]:
    """The hour on the 24-hour clock and the day it falls on (1: midnight after 晚上12点)."""
    if period is None:
        return hour, 0
    if period in ("上午", "下午") and hour == 12:
        raise ParseError(T.NOON_OR_MIDNIGHT.format(text=shown))
    if period == "凌晨" and hour == 12:
        return 0, 0
    if period == "晚上" and hour == 12:
        return 0, 1
    for low, high, shift in _PERIOD_HOURS[period]:
        if low <= hour <= high:
            return hour + shift, 0
    raise ParseError(T.PERIOD_MISMATCH.format(text=shown, period=period, hour=hour))


def _read_time(text: str) -> tuple[time, int]:
    """The time and how many days after the day it names it falls (1 only for 晚上12点)."""
    shown = _shown(text)
    if not shown:
        raise ParseError(T.NO_TIME)
    s = normalize(text)
    m = _TIME_RE.fullmatch(s) if s else None
    if m is None:
        raise ParseError(T.BAD_TIME.format(text=shown))
    if m["h1"] is not None:
        hour, minute = int(m["h1"]), int(m["m1"])
    else:
        hour_n = number(m["h2"])
        if m["half"]:
            minute_n: int | None = 30
        elif m["quarter"]:
            minute_n = 15 if m["quarter"] == "一" else 45
        else:
            minute_n = _minute(m["m2"]) if m["m2"] else 0
        if hour_n is None or minute_n is None:
            raise ParseError(T.BAD_TIME.format(text=shown))
        hour, minute = hour_n, minute_n
    if hour > 23:
        raise ParseError(T.NO_SUCH_HOUR.format(hour=hour))
    if minute > 59:
        raise ParseError(T.NO_SUCH_MINUTE.format(minute=minute))
    hour, days = _apply_period(m["period"], hour, shown)
    return time(hour, minute), days


def parse_time(text: str) -> time:
    """A time of day: '9:00', '09：00', '9点', '9点半', '9点一刻', '下午3点', '九点半', '二十点' …"""
    return _read_time(text)[0]


# --- lengths of time ------------------------------------------------------------------------

_HOURS_IN = {"天": 24, "日": 24, "周": 168, "星期": 168, "礼拜": 168, "小时": 1, "钟头": 1, "h": 1}
_DURATION_RE = re.compile(
    rf"(?P<n>\d{{1,4}}|[{_CN_DIGITS}]{{1,3}}|半)个?(?P<unit>天|日|周|星期|礼拜|小时|钟头|h)?"
)


def parse_hours(text: str, *, most: int) -> int:
    """How long, in whole hours: '3天', '两天', '48小时', '48' (hours), '一周', '半天'; at
    least 1 and at most `most` hours."""
    s = normalize(text)
    m = _DURATION_RE.fullmatch(s) if s else None
    if s is None or m is None:
        raise ParseError(T.BAD_DURATION.format(text=_shown(text)))
    unit = _HOURS_IN[m["unit"] or "小时"]
    if m["n"] == "半":
        if unit == 1:  # 半小时: shorter than any quiz
            raise ParseError(T.DURATION_TOO_SHORT)
        hours = unit // 2
    else:
        n = int(m["n"]) if m["n"].isdigit() else number(m["n"])
        if n is None:
            raise ParseError(T.BAD_DURATION.format(text=_shown(text)))
        hours = n * unit
    if hours < 1:
        raise ParseError(T.DURATION_TOO_SHORT)
    if hours > most:
        raise ParseError(T.DURATION_TOO_LONG.format(days=most // 24))
    return hours


# --- dates -----------------------------------------------------------------------------------

_YEAR_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_NUMERIC_DATE_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_WORDS_DATE_RE = re.compile(
    r"(?:(?P<year>\d{4}|[〇零一二三四五六七八九]{4})年)?"
    rf"(?P<month>\d{{1,2}}|[{_CN_DIGITS}]{{1,2}})月"
    rf"(?P<day>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})[日号]"
)
_RELATIVE = {
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "大后天": 3,
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
}
_DAYS_RE = re.compile(rf"(?P<n>{_NUM})天(?:以|之)?(?P<way>后|前)")
_WEEKDAY_RE = re.compile(rf"(?P<week>本|这|这个|下|下个|上|上个)?{WEEKDAY_WORD}(?P<day>.)")
# A weekday after a date, as the bot writes it: '11月8日（周日）' (NFKC makes the brackets plain).
_CHECKED_RE = re.compile(rf"(?P<date>.+?)\(?{WEEKDAY_WORD}(?P<day>.)\)?")


def _made(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest(month: int, day: int, today: date) -> date | None:
    """The `month`/`day` nearest to today: last year's, this year's or next year's (a tie goes
    to the one ahead)."""
    found = [d for y in (today.year - 1, today.year, today.year + 1) if (d := _made(y, month, day))]
    return min(found, key=lambda d: (abs((d - today).days), d < today), default=None)


def _no_such_day(year: int, month: int, day: int) -> ParseError:
    if _made(2000, month, day) is None:  # 2000 was a leap year: it has every day there is
        return ParseError(T.NO_SUCH_DATE.format(month=month, day=day))
    return ParseError(T.NO_SUCH_DATE_IN_YEAR.format(year=year, month=month, day=day))


def _weekday_date(week: str | None, weekday: int, today: date) -> date:
    if week is None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    monday = today - timedelta(days=today.weekday())
    shift = {"本": 0, "这": 0, "这个": 0, "下": 7, "下个": 7, "上": -7, "上个": -7}[week]
    return monday + timedelta(days=shift + weekday)


def _read_date(s: str, today: date) -> date | None:
    """The day `s` (normalized) names; None if it is not written as a date at all."""
    if s in _RELATIVE:
        return today + timedelta(days=_RELATIVE[s])
    if m := _DAYS_RE.fullmatch(s):
        n = number(m["n"])
        if n is None:
            return None
        return today + timedelta(days=n if m["way"] == "后" else -n)
    if m := _WEEKDAY_RE.fullmatch(s):
        weekday = weekday_number(m["day"])
        return None if weekday is None else _weekday_date(m["week"], weekday, today)
    year: int | None
    if m := _NUMERIC_DATE_RE.fullmatch(s):
        year, month, day = int(m[1]), int(m[3]), int(m[4])
    elif m := _WORDS_DATE_RE.fullmatch(s):
        year_text = m["year"]
        if not year_text:
            year = None
        elif year_text.isdigit():
            year = int(year_text)
        else:
            year = int("".join(str(_YEAR_DIGITS[c]) for c in year_text))
        month_n, day_n = number(m["month"]), number(m["day"])
        if month_n is None or day_n is None:
            return None
        month, day = month_n, day_n
    else:
        return None
    found = _nearest(month, day, today) if year is None else _made(year, month, day)
    if found is None:
        raise _no_such_day(today.year if year is None else year, month, day)
    return found


def parse_date(text: str, today: date) -> date:
    """A calendar day: '2026-11-08', '2026/11/8', '11月8日', '十一月八号', '明天', '后天', '下周三',
    '本周五', '周三' (the next one, today included), '3天后'. A weekday written after a date
    ('11月8日（周日）') must be that date's."""
    shown = _shown(text)
    if not shown:
        raise ParseError(T.NO_DATE)
    s = normalize(text)
    found = _read_date(s, today) if s else None
    if found is not None:
        return found
    m = _CHECKED_RE.fullmatch(s) if s else None
    written = weekday_number(m["day"]) if m else None
    if m is not None and written is not None and not _WEEKDAY_RE.fullmatch(m["date"]):
        found = _read_date(m["date"], today)
        if found is not None and found.weekday() != written:
            raise ParseError(
                T.WRONG_WEEKDAY.format(
                    date=T.MONTH_DAY.format(month=found.month, day=found.day),
                    actual=T.WEEKDAYS[found.weekday()],
                    written=T.WEEKDAYS[written],
                )
            )
        if found is not None:
            return found
    raise ParseError(T.BAD_DATE.format(text=shown))


# --- a day and a time ------------------------------------------------------------------------

# No way of writing a day is longer than this ('二〇二六年十一月二十八日（星期六）').
_LONGEST_DATE = 24


def parse_when(text: str, today: date) -> When:
    """A day and then a time, in one string: '下周三上午9点', '明天9点半', '11月8日 14:00',
    '2026-11-08 09:00'. 晚上12点 is the midnight that ends the day named."""
    shown = _shown(text)
    if not shown:
        raise ParseError(T.NO_WHEN)
    s = " ".join(unicodedata.normalize("NFKC", text).split())
    found: set[When] = set()
    date_error: ParseError | None = None
    time_error: ParseError | None = None
    # Every place the day could end and the time begin; the readings must agree.
    for i in range(1, min(len(s), _LONGEST_DATE + 1)):
        try:
            day = parse_date(s[:i], today)
        except ParseError as exc:
            if date_error is None and _is_time(s[i:]):
                date_error = exc
            continue
        try:
            at, later = _read_time(s[i:])
        except ParseError as exc:
            time_error = time_error or exc
            continue
        found.add(When(day + timedelta(days=later), at))
    if len(found) == 1:
        return found.pop()
    if found:
        raise ParseError(T.WHEN_AMBIGUOUS.format(text=shown))
    if _is_date(s, today):
        raise ParseError(T.WHEN_NEEDS_TIME.format(text=shown))
    if _is_time(s):
        raise ParseError(T.WHEN_NEEDS_DATE.format(text=shown))
    raise time_error or date_error or ParseError(T.BAD_WHEN.format(text=shown))


def _is_date(text: str, today: date) -> bool:
    try:
        parse_date(text, today)
    except ParseError:
        return False
    return True


def _is_time(text: str) -> bool:
    try:
        parse_time(text)
    except ParseError:
        return False
    return True
