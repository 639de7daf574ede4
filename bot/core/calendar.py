"""Which festivals fall on a day, and when a member's birthday or party anniversary is greeted.

The branch greets members on the festivals it keeps (solar: 元旦, 七一, 国庆; lunar: 春节, 元宵,
端午, 中秋, 重阳), on their birthday (solar or lunar, as each member counts it) and on the
anniversary of joining the party (政治生日). This module holds those rules as plain functions
over dates; the scheduler asks it "who is due today?".

The rules are computed here from lunar month and day numbers, not taken from lunar_python's
ready-made festival or birthday helpers, because those do not say what happens in short months
or leap months. Lunar data come from ``storage.dates`` and are cached per year, since one
lunar_python conversion costs about a millisecond and the scheduler checks thousands of
members a day.

It must stay pure: no I/O, no clock (callers pass the day), no Telegram, no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from storage.dates import (
    BirthDate,
    Calendar,
    lunar_day_name,
    lunar_leap_month,
    lunar_month,
    lunar_month_name,
    lunar_year_months,
)

__all__ = [
    "FESTIVAL_NAMES",
    "MEDAL_YEARS",
    "Festival",
    "LeapRule",
    "anniversary_on",
    "birthday_on",
    "festival_date",
    "festivals_on",
    "is_medal_anniversary",
    "is_round_age",
    "is_round_anniversary",
    "lunar_label",
    "next_anniversary",
    "next_birthday",
]

# "光荣在党50年" commemorative medal: handed out at 七一 to members with fifty years in the party.
MEDAL_YEARS = 50


class Festival(StrEnum):
    """The festivals the branch marks, in the order of the year."""

    NEW_YEAR = "new_year"
    SPRING = "spring"
    LANTERN = "lantern"
    DRAGON_BOAT = "dragon_boat"
    PARTY_DAY = "party_day"
    MID_AUTUMN = "mid_autumn"
    NATIONAL_DAY = "national_day"
    DOUBLE_NINTH = "double_ninth"


FESTIVAL_NAMES: dict[Festival, str] = {
    Festival.NEW_YEAR: "元旦",
    Festival.SPRING: "春节",
    Festival.LANTERN: "元宵节",
    Festival.DRAGON_BOAT: "端午节",
    Festival.PARTY_DAY: "七一建党节",
    Festival.MID_AUTUMN: "中秋节",
    Festival.NATIONAL_DAY: "国庆节",
    Festival.DOUBLE_NINTH: "重阳节",
}

_SOLAR_FESTIVALS: dict[tuple[int, int], Festival] = {
    (1, 1): Festival.NEW_YEAR,
    (7, 1): Festival.PARTY_DAY,
    (10, 1): Festival.NATIONAL_DAY,
}
# Lunar festivals are kept in the ordinary month only: in a year with a leap fifth month,
# 端午 is the fifth day of the first (ordinary) fifth month, never of the leap one.
_LUNAR_FESTIVALS: dict[tuple[int, int], Festival] = {
    (1, 1): Festival.SPRING,
    (1, 15): Festival.LANTERN,
    (5, 5): Festival.DRAGON_BOAT,
    (8, 15): Festival.MID_AUTUMN,
    (9, 9): Festival.DOUBLE_NINTH,
}
_FESTIVAL_MONTH_DAY = {
    f: md for table in (_SOLAR_FESTIVALS, _LUNAR_FESTIVALS) for md, f in table.items()
}


class LeapRule(StrEnum):
    """When to greet a member born in a leap lunar month (闰月生日); families differ."""

    ORDINARY = "ordinary"  # every year in the ordinary month of that number
    LEAP = "leap"  # in the leap month when the year has that same leap month, else the ordinary


def _isleap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class _LunarDay(NamedTuple):
    year: int
    month: int
    day: int
    leap: bool
    month_days: int  # length of the month this day is in: 29 or 30
    leap_month: int  # the leap month of this lunar year, 0 if none


@lru_cache(maxsize=256)
def _gregorian_year_table(year: int) -> tuple[_LunarDay, ...]:
    """The lunar date of every day of Gregorian ``year``, indexed by day of year - 1."""
    jan1 = date(year, 1, 1).toordinal()
    size = 366 if _isleap(year) else 365
    table: list[_LunarDay | None] = [None] * size
    # A Gregorian year holds the end of lunar year - 1 (January, February) and the start of
    # lunar year ``year``; walking their months fills it without a conversion per day.
    for lunar_year in (year - 1, year):
        leap_month = lunar_leap_month(lunar_year)
        for m in lunar_year_months(lunar_year):
            start = m.first_day.toordinal() - jan1
            for i in range(m.days):
                if 0 <= start + i < size:
                    table[start + i] = _LunarDay(
                        lunar_year, m.month, i + 1, m.leap, m.days, leap_month
                    )
    assert all(d is not None for d in table)
    return tuple(d for d in table if d is not None)


@lru_cache(maxsize=4096)
def _lunar_day(day: date) -> _LunarDay:
    return _gregorian_year_table(day.year)[day.timetuple().tm_yday - 1]


def lunar_label(day: date) -> str:
    """The lunar date of ``day`` for display: '农历九月初九', '农历闰六月初一'."""
    ld = _lunar_day(day)
    return f"农历{lunar_month_name(ld.month, ld.leap)}{lunar_day_name(ld.day)}"


# --- festivals ------------------------------------------------------------------------------


def festivals_on(day: date) -> list[Festival]:
    """The festivals that fall on ``day``, in the order of ``Festival`` (usually none or one)."""
    found = set()
    if (f := _SOLAR_FESTIVALS.get((day.month, day.day))) is not None:
        found.add(f)
    ld = _lunar_day(day)
    if not ld.leap and (f := _LUNAR_FESTIVALS.get((ld.month, ld.day))) is not None:
        found.add(f)
    return [f for f in Festival if f in found]


def festival_date(festival: Festival, year: int) -> date:
    """The day of ``festival`` in Gregorian ``year``."""
    month, day = _FESTIVAL_MONTH_DAY[festival]
    if festival in _SOLAR_FESTIVALS.values():
        return date(year, month, day)
    # Lunar new year falls in late January or February and 重阳 before November, so each lunar
    # festival of lunar year ``year`` lies inside Gregorian ``year``.
    info = lunar_month(year, month)
    assert info is not None  # every lunar year has each ordinary month
    return info.first_day + timedelta(days=day - 1)


# --- birthdays and anniversaries ------------------------------------------------------------


def _solar_greeting_day(month: int, day: int, year: int) -> int:
    # Someone born on 29 February is greeted on the 28th in common years, the day that still
    # belongs to February, rather than on 1 March.
    if month == 2 and day == 29 and not _isleap(year):
        return 28
    return day


def birthday_on(
    birth: BirthDate, day: date, *, leap_rule: LeapRule = LeapRule.ORDINARY
) -> int | None:
    """The age (周岁) ``birth`` reaches if ``day`` is when to greet them, else None.

    Lunar birthdays count lunar years: a birthday in the twelfth lunar month of year Y is
    reached in January or February of Gregorian Y+1 and the age is Y - birth year. A lunar day
    30 is greeted on the 29th when the month has only 29 days that year. The birth day itself
    (age 0) is not a birthday.
    """
    # Kept lean: the scheduler calls this for every member every day; the month test first
    # rejects eleven members in twelve.
    if birth.calendar is Calendar.SOLAR:
        if day.month != birth.month or day.day != _solar_greeting_day(
            birth.month, birth.day, day.year
        ):
            return None
        age = day.year - birth.year
    else:
        ld = _lunar_day(day)
        if ld.month != birth.month:
            return None
        in_leap = birth.leap and leap_rule is LeapRule.LEAP and ld.leap_month == birth.month
        if ld.leap != in_leap or ld.day != min(birth.day, ld.month_days):
            return None
        age = ld.year - birth.year
    return age if age > 0 else None


def _lunar_greeting_date(birth: BirthDate, lunar_year: int, leap_rule: LeapRule) -> date:
    in_leap = (
        birth.leap and leap_rule is LeapRule.LEAP and lunar_leap_month(lunar_year) == birth.month
    )
    info = lunar_month(lunar_year, birth.month, in_leap)
    assert info is not None  # every year has the ordinary month; the leap one was checked
    return info.first_day + timedelta(days=min(birth.day, info.days) - 1)


def next_birthday(
    birth: BirthDate, on_or_after: date, *, leap_rule: LeapRule = LeapRule.ORDINARY
) -> tuple[date, int]:
    """The first greeting day on or after ``on_or_after``, and the age reached then."""
    if birth.calendar is Calendar.SOLAR:
        year = max(on_or_after.year, birth.year + 1)
        while True:
            d = date(year, birth.month, _solar_greeting_day(birth.month, birth.day, year))
            if d >= on_or_after:
                return d, year - birth.year
            year += 1
    # The greeting in lunar year L - 1 is over before lunar year L (the one on_or_after is in)
    # begins, so the search starts at L.
    lunar_year = max(_lunar_day(on_or_after).year, birth.year + 1)
    while True:
        d = _lunar_greeting_date(birth, lunar_year, leap_rule)
        if d >= on_or_after:
            return d, lunar_year - birth.year
        lunar_year += 1


def anniversary_on(joined: date, day: date) -> int | None:
    """Whole years in the party if ``day`` is the anniversary of ``joined`` (政治生日), else None."""
    if day.month != joined.month or day.day != _solar_greeting_day(
        joined.month, joined.day, day.year
    ):
        return None
    years = day.year - joined.year
    return years if years > 0 else None


def next_anniversary(joined: date, on_or_after: date) -> tuple[date, int]:
    """The first party anniversary on or after ``on_or_after``, and the years it marks."""
    year = max(on_or_after.year, joined.year + 1)
    while True:
        d = date(year, joined.month, _solar_greeting_day(joined.month, joined.day, year))
        if d >= on_or_after:
            return d, year - joined.year
        year += 1


def is_round_age(age: int) -> bool:
    """60, 70, 80, 90, 100, 110 …: the birthdays (整寿) the branch marks specially."""
    return age >= 60 and age % 10 == 0


def is_round_anniversary(years: int) -> bool:
    """10, 20, 30 … years in the party."""
    return years >= 10 and years % 10 == 0


def is_medal_anniversary(years: int) -> bool:
    """Fifty years in the party: the "光荣在党50年" medal year."""
    return years == MEDAL_YEARS
