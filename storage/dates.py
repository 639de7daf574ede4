"""Birth dates as members and rosters write them: the value type, its text forms, lunar tables.

A member's birthday may be counted on the solar (公历) or the Chinese lunar (农历) calendar, so a
birth date is a ``BirthDate`` that carries its calendar. This module parses what people type or
what a roster cell holds ("1948-03-12", "农历1948年二月初八", "腊月廿三" …) into that type,
gives it a Chinese display form and a compact storage form, and converts between calendars.

The lunar calendar comes from lunar_python, read once per lunar year into ``lunar_year_months``
(cached), which every other lunar computation here and in ``bot/core/calendar.py`` uses.

This module must stay pure: no I/O, no clock (callers pass ``today``), no database, no Telegram;
it imports only the standard library and lunar_python.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from lunar_python import LunarYear

__all__ = [
    "EXAMPLES",
    "MIN_BIRTH_YEAR",
    "BirthDate",
    "Calendar",
    "DateError",
    "LunarMonthInfo",
    "cn_number",
    "lunar_day_name",
    "lunar_leap_month",
    "lunar_month",
    "lunar_month_name",
    "lunar_to_solar",
    "lunar_year_months",
    "parse_date",
    "solar_to_lunar",
]

MIN_BIRTH_YEAR = 1900
# The lunar tables are only trusted where they have been cross-checked (see the unit tests);
# the wider bound keeps a typo such as 21948 from reaching the astronomy code.
_MIN_YEAR = 1800
_MAX_YEAR = 2200

EXAMPLES = "1948-03-12，或 农历1948年二月初八"

# Julian day number of 0001-01-01 (proleptic Gregorian) minus one: lunar_python gives each month's
# first day as an integer Julian day (noon), and date.fromordinal wants the proleptic ordinal.
_JD_TO_ORDINAL = 1721425

_MONTH_NAMES = ("正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
_DIGITS = "〇一二三四五六七八九"


class Calendar(StrEnum):
    """Which calendar a birth date is counted on."""

    SOLAR = "solar"
    LUNAR = "lunar"


class DateError(ValueError):
    """A date that cannot be accepted; ``.message`` is a short Chinese explanation with an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- lunar tables ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LunarMonthInfo:
    """One month of a lunar year: its number, whether it is the leap month, where it starts."""

    year: int
    month: int
    leap: bool
    first_day: date
    days: int  # 29 or 30


@lru_cache(maxsize=512)
def lunar_year_months(year: int) -> tuple[LunarMonthInfo, ...]:
    """The 12 or 13 months of lunar ``year`` in order (a leap month follows its ordinary one)."""
    if not _MIN_YEAR - 1 <= year <= _MAX_YEAR + 1:
        raise ValueError(f"lunar year {year} is outside the supported range")
    # Building a LunarYear costs a few milliseconds (it computes new moons and solar terms),
    # which is why the result is cached per year here rather than converting day by day.
    return tuple(
        LunarMonthInfo(
            year=year,
            month=abs(m.getMonth()),
            leap=m.isLeap(),
            first_day=date.fromordinal(int(m.getFirstJulianDay()) - _JD_TO_ORDINAL),
            days=int(m.getDayCount()),
        )
        for m in LunarYear.fromYear(year).getMonthsInYear()
    )


@lru_cache(maxsize=512)
def _month_index(year: int) -> dict[tuple[int, bool], LunarMonthInfo]:
    return {(m.month, m.leap): m for m in lunar_year_months(year)}


def lunar_month(year: int, month: int, leap: bool = False) -> LunarMonthInfo | None:
    """The given lunar month, or None if that year has no such (leap) month."""
    return _month_index(year).get((month, leap))


def lunar_leap_month(year: int) -> int:
    """The number of the leap month of lunar ``year``, 0 if the year has none."""
    for m in lunar_year_months(year):
        if m.leap:
            return m.month
    return 0


def lunar_month_name(month: int, leap: bool = False) -> str:
    """'正月', '闰六月', '冬月', '腊月' …"""
    return ("闰" if leap else "") + _MONTH_NAMES[month - 1] + "月"


def lunar_day_name(day: int) -> str:
    """'初一' … '初十', '十一' … '十九', '二十', '廿一' … '廿九', '三十'."""
    if day <= 10:
        return "初" + ("十" if day == 10 else _DIGITS[day])
    if day < 20:
        return "十" + _DIGITS[day - 10]
    if day == 20:
        return "二十"
    if day < 30:
        return "廿" + _DIGITS[day - 20]
    return "三十"


# --- the value type -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A date of birth on the solar or the lunar calendar; constructing one checks it exists."""

    calendar: Calendar
    year: int
    month: int
    day: int
    leap: bool = False  # only for lunar: born in the leap month of that number

    def __post_init__(self) -> None:
        _check_exists(self.calendar, self.year, self.month, self.day, self.leap)

    def __str__(self) -> str:
        if self.calendar is Calendar.SOLAR:
            return f"{self.year}年{self.month}月{self.day}日"
        return (
            f"农历{self.year}年{lunar_month_name(self.month, self.leap)}{lunar_day_name(self.day)}"
        )

    def to_storage(self) -> str:
        """'S1948-03-12', 'L1948-02-08', 'L1948-06-10-leap'; read back by ``from_storage``."""
        prefix = "S" if self.calendar is Calendar.SOLAR else "L"
        suffix = "-leap" if self.leap else ""
        return f"{prefix}{self.year:04d}-{self.month:02d}-{self.day:02d}{suffix}"

    @classmethod
    def from_storage(cls, s: str) -> BirthDate:
        m = _STORAGE_RE.fullmatch(s)
        if m is None:
            raise DateError(f"无法识别保存的日期“{s}”。")
        calendar = Calendar.SOLAR if m["cal"] == "S" else Calendar.LUNAR
        leap = m["leap"] is not None
        if leap and calendar is Calendar.SOLAR:
            raise DateError(f"无法识别保存的日期“{s}”：公历没有闰月。")
        return cls(calendar, int(m["y"]), int(m["m"]), int(m["d"]), leap)


_STORAGE_RE = re.compile(r"(?P<cal>[SL])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?P<leap>-leap)?")


def _check_exists(calendar: Calendar, year: int, month: int, day: int, leap: bool) -> None:
    if not isinstance(calendar, Calendar):
        raise TypeError(f"calendar must be a Calendar, not {calendar!r}")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise DateError(f"{year}年超出了可以计算的年份范围。请这样写：{EXAMPLES}。")
    if not 1 <= month <= 12:
        raise DateError(f"没有{month}月，月份应在1到12之间。请这样写：{EXAMPLES}。")
    if calendar is Calendar.SOLAR:
        if leap:
            raise DateError(
                "公历没有闰月。如果是农历闰月生日，请在前面写“农历”，例如 农历1941年闰六月初十。"
            )
        try:
            date(year, month, day)
        except ValueError:
            raise DateError(
                f"公历{year}年{month}月没有{day}日，请核对日期，例如 1948-03-12。"
            ) from None
        return
    if day > 30:
        raise DateError(f"农历每月最多三十天，没有{day}日。请这样写：农历1948年二月初八。")
    if day < 1:
        raise DateError(f"没有{day}日这一天，请核对日期。请这样写：农历1948年二月初八。")
    info = lunar_month(year, month, leap)
    if info is None:
        leap_month = lunar_leap_month(year)
        has = f"这一年闰{_MONTH_NAMES[leap_month - 1]}月" if leap_month else "这一年没有闰月"
        raise DateError(
            f"农历{year}年没有{lunar_month_name(month, True)}（{has}），请核对，"
            "例如 农历1941年闰六月初十。"
        )
    if day > info.days:
        raise DateError(
            f"农历{year}年{lunar_month_name(month, leap)}只有{info.days}天，"
            f"没有{lunar_day_name(day)}，请核对日期。"
        )


# --- conversions ----------------------------------------------------------------------------


def lunar_to_solar(b: BirthDate) -> date:
    """The Gregorian day of ``b``; a solar BirthDate is simply returned as a date."""
    if b.calendar is Calendar.SOLAR:
        return date(b.year, b.month, b.day)
    info = lunar_month(b.year, b.month, b.leap)
    assert info is not None  # BirthDate checked it exists
    return date.fromordinal(info.first_day.toordinal() + b.day - 1)


def solar_to_lunar(d: date) -> BirthDate:
    """The lunar date of Gregorian day ``d``."""
    # The lunar new year falls between 21 January and 20 February, so the day is in lunar year
    # d.year unless it comes before that year's first month.
    months = lunar_year_months(d.year)
    if d < months[0].first_day:
        months = lunar_year_months(d.year - 1)
    i = bisect_right([m.first_day for m in months], d) - 1
    m = months[i]
    return BirthDate(Calendar.LUNAR, m.year, m.month, (d - m.first_day).days + 1, m.leap)


# --- parsing --------------------------------------------------------------------------------

_LUNAR_PREFIXES = ("农历", "阴历", "旧历")
_SOLAR_PREFIXES = ("公历", "阳历", "新历", "西历")
_PREFIX_RE = re.compile(rf"^({'|'.join(_LUNAR_PREFIXES + _SOLAR_PREFIXES)})[\s:,，]*")

_NUMERIC_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_COMPACT_RE = re.compile(r"(\d{8})")
_CN_NUM = "〇零一二三四五六七八九十"
_WORDS_RE = re.compile(
    rf"(?:(?P<year>[\d{_CN_NUM}]+)年)?"
    r"(?P<leap>闰)?"
    rf"(?P<month>\d{{1,2}}|[正冬腊{_CN_NUM}]+)月"
    rf"(?P<day>\d{{1,2}}|[初廿卅{_CN_NUM}]+)(?:日|号)?"
)


def parse_date(text: str, *, calendar: Calendar | None = None, today: date) -> BirthDate:
    """Read a birth date as a member or a roster wrote it.

    ``calendar`` is what the roster's 历法 column says; a 农历/公历 prefix in the text says the
    same, and the two must agree. Month and day written in words ('二月初八', '腊月廿三') are
    taken as lunar unless the text or the column says 公历, since that is how lunar dates are
    written; numeric dates are solar unless said otherwise.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        raise DateError(f"请填写日期，例如 {EXAMPLES}。")
    shown = s

    said: Calendar | None = None
    m = _PREFIX_RE.match(s)
    if m is not None:
        said = Calendar.LUNAR if m[1] in _LUNAR_PREFIXES else Calendar.SOLAR
        s = s[m.end() :]
    if said is not None and calendar is not None and said is not calendar:
        column = "农历" if calendar is Calendar.LUNAR else "公历"
        raise DateError(
            f"历法一栏写的是{column}，日期“{shown}”却写了{m[1] if m else ''}，请改成一致。"
        )
    # Spaces between numbers separate them ("1948 3 12"); elsewhere they are noise.
    s = re.sub(r"(?<=\d)\s+(?=\d)", "-", s)
    s = re.sub(r"\s+", "", s)

    year: int | None
    lunar_only = False  # written in a way only a lunar date is written (正月, 初八, 闰 …)
    words = False
    if mm := _NUMERIC_RE.fullmatch(s):
        year, month, day, leap = int(mm[1]), int(mm[3]), int(mm[4]), False
    elif mm := _COMPACT_RE.fullmatch(s):
        year, month, day, leap = int(s[:4]), int(s[4:6]), int(s[6:]), False
    elif mm := _WORDS_RE.fullmatch(s):
        year = _parse_year(mm["year"], shown) if mm["year"] else None
        month_text, day_text = mm["month"], mm["day"]
        month_n = _cn_month(month_text)
        day_n = _cn_day(day_text)
        if month_n is None or day_n is None:
            raise _malformed(shown)
        month, day = month_n, day_n
        leap = mm["leap"] is not None
        words = not (month_text.isdigit() and day_text.isdigit())
        lunar_only = leap or month_text[0] in "正冬腊" or day_text[0] in "初廿卅"
        if year is None:
            raise DateError(f"请写上出生的年份，例如 农历1948年{month_text}月{day_text}。")
    else:
        if re.fullmatch(r"\d{2}[-/.]\d{1,2}[-/.]\d{1,2}", s):
            raise DateError(f"年份请写全四位，例如 {EXAMPLES}。")
        raise _malformed(shown)

    chosen = said or calendar or (Calendar.LUNAR if words or lunar_only else Calendar.SOLAR)
    if chosen is Calendar.SOLAR and lunar_only:
        raise DateError(
            f"“{shown}”是农历的写法，但这里按公历填写。请改为公历日期（例如 1948-03-12），"
            "或把历法改为农历。"
        )
    if year < MIN_BIRTH_YEAR:
        raise DateError(f"{year}年早于1900年，请核对年份。请这样写：{EXAMPLES}。")
    if year > today.year:
        raise _future(shown, today)
    result = BirthDate(chosen, year, month, day, leap)
    if lunar_to_solar(result) > today:
        raise _future(shown, today)
    return result


def _malformed(shown: str) -> DateError:
    return DateError(f"看不懂日期“{shown}”。请这样写：{EXAMPLES}。")


def _future(shown: str, today: date) -> DateError:
    return DateError(
        f"日期“{shown}”在今天（{today.year}年{today.month}月{today.day}日）之后，请核对。"
        f"请这样写：{EXAMPLES}。"
    )


def _parse_year(text: str, shown: str) -> int:
    if text.isdigit():
        if len(text) != 4:
            raise DateError(f"年份请写全四位，例如 {EXAMPLES}。")
        return int(text)
    # Year in words is read digit by digit: 一九四八 = 1948.
    if len(text) != 4 or any(c not in "〇零一二三四五六七八九" for c in text):
        raise _malformed(shown)
    return int("".join(str(_DIGITS.index("〇" if c == "零" else c)) for c in text))


def cn_number(text: str) -> int | None:
    """A whole number in digits or in Chinese numerals up to 99: '15', '〇', '十', '十五', '二十',
    '四十五'; None if it is not one. Callers check the range they need."""
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        if text == "十":
            return 10
        i = _DIGITS.find("〇" if text == "零" else text)
        return i if i >= 0 else None
    tens, sep, units = text.partition("十")
    if not sep:
        return None
    t = 1 if tens == "" else _DIGITS.find(tens)
    u = 0 if units == "" else _DIGITS.find(units)
    if t < 1 or u < 0 or len(tens) > 1 or len(units) > 1 or (units and u == 0):
        return None
    return 10 * t + u


def _cn_month(text: str) -> int | None:
    if text in ("正", "冬", "腊"):
        return {"正": 1, "冬": 11, "腊": 12}[text]
    n = cn_number(text)
    return n if n is not None and 1 <= n <= 12 else None


def _cn_day(text: str) -> int | None:
    if text.startswith("初"):
        n = cn_number(text[1:])
        return n if n is not None and 1 <= n <= 10 else None
    if text.startswith("廿"):
        if text == "廿":
            return 20
        n = cn_number(text[1:])
        return 20 + n if n is not None and 1 <= n <= 9 else None
    if text.startswith("卅"):
        if text == "卅":
            return 30
        n = cn_number(text[1:])
        return 30 + n if n == 1 else None
    n = cn_number(text)
    return n if n is not None and 1 <= n <= 31 else None
