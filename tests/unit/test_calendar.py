"""Festivals, birthdays and party anniversaries: when the branch greets whom."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from borax.calendars.lunardate import LunarDate
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.calendar import (
    FESTIVAL_NAMES,
    MEDAL_YEARS,
    Festival,
    LeapRule,
    anniversary_on,
    birthday_on,
    festival_date,
    festivals_on,
    is_medal_anniversary,
    is_round_age,
    is_round_anniversary,
    lunar_label,
    next_anniversary,
    next_birthday,
)
from storage.dates import (
    BirthDate,
    Calendar,
    lunar_day_name,
    lunar_leap_month,
    lunar_month,
    lunar_month_name,
    lunar_to_solar,
    lunar_year_months,
    solar_to_lunar,
)

S, L = Calendar.SOLAR, Calendar.LUNAR
ORDINARY, LEAP = LeapRule.ORDINARY, LeapRule.LEAP


def days(start: date, end: date) -> list[date]:
    """Every day from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def lunar_year_days(year: int) -> list[date]:
    """Every Gregorian day of lunar year ``year``."""
    start = lunar_year_months(year)[0].first_day
    return days(start, lunar_year_months(year + 1)[0].first_day - timedelta(days=1))


def _days_in(year: int, month: int) -> int:
    info = lunar_month(year, month)
    assert info is not None
    return info.days


def greeting_days(birth: BirthDate, span: list[date], rule: LeapRule = ORDINARY) -> list[date]:
    return [d for d in span if birthday_on(birth, d, leap_rule=rule) is not None]


@st.composite
def birth_dates(draw: st.DrawFn) -> BirthDate:
    """Any BirthDate from 1900 to 2090, with leap months and month ends drawn often."""
    if draw(st.booleans()):
        d = draw(
            st.one_of(
                st.dates(date(1900, 1, 1), date(2090, 12, 31)),
                st.sampled_from([date(1940, 2, 29), date(1900, 2, 28), date(2000, 2, 29)]),
            )
        )
        return BirthDate(S, d.year, d.month, d.day)
    year = draw(st.integers(1900, 2090))
    months = lunar_year_months(year)
    leap_months = [m for m in months if m.leap]
    prefer_leap: bool = draw(st.booleans())
    m = draw(st.sampled_from(leap_months if leap_months and prefer_leap else months))
    day = draw(st.one_of(st.integers(1, m.days), st.sampled_from([1, 29, m.days])))
    return BirthDate(L, year, m.month, day, m.leap)


# --- the lunar calendar itself --------------------------------------------------------------


def test_lunar_python_agrees_with_borax_on_every_day_from_1901_to_2088() -> None:
    """Two independent tables (寿星天文历 / Hong Kong Observatory data) give the same dates.

    The brief asks for 1950..2056; members were born in the 1930s and 40s, so the check starts
    in 1901. It stops before 2089: there lunar_python and borax disagree on two months
    (2089-09-04, 2097-08-07) whose new moons fall within three minutes of midnight Beijing
    time, closer than the uncertainty of far-future Earth rotation; no calendar has been
    published for those years.
    """
    started = time.perf_counter()
    mismatches = []
    for d in days(date(1901, 1, 1), date(2088, 12, 31)):
        theirs = LunarDate.from_solar(d)
        ours = solar_to_lunar(d)
        if (theirs.year, theirs.month, theirs.day, bool(theirs.leap)) != (
            ours.year,
            ours.month,
            ours.day,
            ours.leap,
        ):
            mismatches.append((d, theirs, ours))
        label = f"农历{lunar_month_name(ours.month, ours.leap)}{lunar_day_name(ours.day)}"
        assert lunar_label(d) == label
    print(f"\nborax cross-check 1901-2088: {time.perf_counter() - started:.1f} s")
    assert mismatches == []


def test_lunar_python_and_borax_part_ways_only_on_near_midnight_new_moons_after_2088() -> None:
    for d in (date(2089, 9, 4), date(2097, 8, 7)):
        theirs = LunarDate.from_solar(d)
        assert (theirs.day, solar_to_lunar(d).day) == (30, 1)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 10, 18), "农历九月初九"),
        (date(2026, 2, 17), "农历正月初一"),
        (date(2025, 7, 25), "农历闰六月初一"),
        (date(2025, 1, 28), "农历腊月廿九"),
        (date(2024, 2, 9), "农历腊月三十"),
        (date(2025, 12, 20), "农历冬月初一"),
    ],
)
def test_the_lunar_date_of_a_day_is_shown_the_traditional_way(day: date, label: str) -> None:
    assert lunar_label(day) == label


# --- festivals ------------------------------------------------------------------------------

PUBLISHED = {
    2024: {
        Festival.SPRING: date(2024, 2, 10),
        Festival.LANTERN: date(2024, 2, 24),
        Festival.DRAGON_BOAT: date(2024, 6, 10),
        Festival.MID_AUTUMN: date(2024, 9, 17),
        Festival.DOUBLE_NINTH: date(2024, 10, 11),
    },
    2025: {
        Festival.SPRING: date(2025, 1, 29),
        Festival.LANTERN: date(2025, 2, 12),
        Festival.DRAGON_BOAT: date(2025, 5, 31),
        Festival.MID_AUTUMN: date(2025, 10, 6),
        Festival.DOUBLE_NINTH: date(2025, 10, 29),
    },
    2026: {
        Festival.NEW_YEAR: date(2026, 1, 1),
        Festival.SPRING: date(2026, 2, 17),
        Festival.LANTERN: date(2026, 3, 3),
        Festival.DRAGON_BOAT: date(2026, 6, 19),
        Festival.PARTY_DAY: date(2026, 7, 1),
        Festival.MID_AUTUMN: date(2026, 9, 25),
        Festival.NATIONAL_DAY: date(2026, 10, 1),
        Festival.DOUBLE_NINTH: date(2026, 10, 18),
    },
    2020: {Festival.MID_AUTUMN: date(2020, 10, 1), Festival.DRAGON_BOAT: date(2020, 6, 25)},
    2009: {Festival.DRAGON_BOAT: date(2009, 5, 28)},  # a year with a leap fifth month
}


@pytest.mark.parametrize(
    ("festival", "year", "day"),
    [(f, y, d) for y, fs in PUBLISHED.items() for f, d in fs.items()],
)
def test_festivals_fall_on_their_published_dates(festival: Festival, year: int, day: date) -> None:
    assert festival_date(festival, year) == day
    assert festival in festivals_on(day)


def test_every_festival_comes_exactly_once_a_year_from_1901_to_2100() -> None:
    for year in range(1901, 2101):
        seen: Counter[Festival] = Counter()
        for d in days(date(year, 1, 1), date(year, 12, 31)):
            for f in festivals_on(d):
                seen[f] += 1
                assert festival_date(f, year) == d
        assert seen == Counter(set(Festival)), year


def test_lunar_festivals_are_kept_in_the_ordinary_month_when_it_has_a_leap_twin() -> None:
    # 2028 has a leap fifth month: 端午 is 五月初五, not 闰五月初五.
    assert lunar_leap_month(2028) == 5
    leap_fifth = lunar_month(2028, 5, leap=True)
    assert leap_fifth is not None
    assert festivals_on(leap_fifth.first_day + timedelta(days=4)) == []
    assert lunar_label(festival_date(Festival.DRAGON_BOAT, 2028)) == "农历五月初五"


def test_mid_autumn_and_national_day_share_1_october_2020() -> None:
    assert festivals_on(date(2020, 10, 1)) == [Festival.MID_AUTUMN, Festival.NATIONAL_DAY]


def test_an_ordinary_day_has_no_festival() -> None:
    assert festivals_on(date(2026, 5, 2)) == []


def test_solar_festivals_are_on_their_fixed_days() -> None:
    for year in (1949, 2000, 2026, 2100):
        assert festival_date(Festival.NEW_YEAR, year) == date(year, 1, 1)
        assert festival_date(Festival.PARTY_DAY, year) == date(year, 7, 1)
        assert festival_date(Festival.NATIONAL_DAY, year) == date(year, 10, 1)


def test_every_festival_has_a_chinese_name() -> None:
    assert set(FESTIVAL_NAMES) == set(Festival)
    assert FESTIVAL_NAMES[Festival.DOUBLE_NINTH] == "重阳节"
    assert FESTIVAL_NAMES[Festival.SPRING] == "春节"


@pytest.mark.parametrize(
    ("year", "eve", "label"),
    [
        (2024, date(2024, 2, 9), "农历腊月三十"),
        (2025, date(2025, 1, 28), "农历腊月廿九"),
        (2026, date(2026, 2, 16), "农历腊月廿九"),
        (2027, date(2027, 2, 5), "农历腊月廿九"),
        (2028, date(2028, 1, 25), "农历腊月廿九"),
    ],
)
def test_new_years_eve_falls_on_the_29th_when_the_twelfth_month_is_short(
    year: int, eve: date, label: str
) -> None:
    assert festival_date(Festival.SPRING, year) == eve + timedelta(days=1)
    assert lunar_label(eve) == label
    # A member born on 腊月三十 is greeted on 除夕 whichever day of the month it is.
    born = BirthDate(L, 1942, 12, 30)
    assert birthday_on(born, eve) == (year - 1) - 1942
    assert greeting_days(born, days(eve - timedelta(days=40), eve + timedelta(days=40))) == [eve]


# --- birthdays ------------------------------------------------------------------------------


def test_a_solar_birthday_is_greeted_on_the_day_with_the_age_reached() -> None:
    born = BirthDate(S, 1946, 10, 18)
    assert birthday_on(born, date(2026, 10, 18)) == 80
    assert birthday_on(born, date(2026, 10, 17)) is None
    assert birthday_on(born, date(2026, 11, 18)) is None


def test_the_day_of_birth_itself_and_days_before_it_are_not_birthdays() -> None:
    assert birthday_on(BirthDate(S, 2000, 5, 1), date(2000, 5, 1)) is None
    assert birthday_on(BirthDate(S, 2000, 5, 1), date(1999, 5, 1)) is None
    assert birthday_on(BirthDate(L, 2000, 5, 1), lunar_to_solar(BirthDate(L, 2000, 5, 1))) is None
    assert birthday_on(BirthDate(L, 2000, 5, 1), lunar_to_solar(BirthDate(L, 1999, 5, 1))) is None


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2024, 2, 29), 84),
        (date(2024, 2, 28), None),
        (date(2024, 3, 1), None),
        (date(2025, 2, 28), 85),
        (date(2025, 3, 1), None),
        (date(2000, 2, 29), 60),  # 2000 is a leap year
        (date(2100, 2, 28), 160),  # 2100 is not
        (date(1941, 2, 28), 1),
    ],
)
def test_a_member_born_on_29_february_is_greeted_on_the_28th_in_common_years(
    day: date, age: int | None
) -> None:
    assert birthday_on(BirthDate(S, 1940, 2, 29), day) == age


def test_a_lunar_birthday_counts_lunar_years() -> None:
    born = BirthDate(L, 1948, 2, 8)
    assert birthday_on(born, date(2026, 3, 26)) == 78  # 2026 二月初八
    assert lunar_label(date(2026, 3, 26)) == "农历二月初八"


def test_a_twelfth_month_lunar_birthday_in_january_counts_the_lunar_year_just_ending() -> None:
    born = BirthDate(L, 1945, 12, 8)  # 腊八
    # 腊月初八 of lunar 2025 is 2026-01-26: the lunar year is 2025, so the age is 80, not 81.
    assert birthday_on(born, date(2026, 1, 26)) == 80
    assert next_birthday(born, date(2026, 1, 1)) == (date(2026, 1, 26), 80)
    assert next_birthday(born, date(2026, 1, 27)) == (date(2027, 1, 15), 81)


def test_a_lunar_30th_is_greeted_on_the_29th_when_the_month_is_short_that_year() -> None:
    born = BirthDate(L, 1950, 11, 30)  # 1950's 冬月 has 30 days
    long_month = lunar_month(2025, 11)
    assert long_month is not None and long_month.days == 30
    assert birthday_on(born, long_month.first_day + timedelta(days=29)) == 75
    assert birthday_on(born, long_month.first_day + timedelta(days=28)) is None
    short_month = lunar_month(2023, 11)
    assert short_month is not None and short_month.days == 29
    assert birthday_on(born, short_month.first_day + timedelta(days=28)) == 73
    # and not on the day after, which is 腊月初一
    assert birthday_on(born, short_month.first_day + timedelta(days=29)) is None


# 农历1941年闰六月初十: 1941 had a leap sixth month; so have 2017, 2025 and 2036.
LEAP_BORN = BirthDate(L, 1941, 6, 10, leap=True)


@pytest.mark.parametrize(
    ("year", "rule", "greeted"),
    [
        (2025, ORDINARY, date(2025, 7, 4)),  # 六月初十
        (2025, LEAP, date(2025, 8, 3)),  # 闰六月初十
        (2017, ORDINARY, date(2017, 7, 3)),
        (2017, LEAP, date(2017, 8, 1)),
        (2026, ORDINARY, date(2026, 7, 23)),  # no leap month: 六月初十 either way
        (2026, LEAP, date(2026, 7, 23)),
        (2023, ORDINARY, date(2023, 7, 27)),  # 2023 has a leap month, but the second
        (2023, LEAP, date(2023, 7, 27)),
    ],
)
def test_a_member_born_in_a_leap_month_is_greeted_once_under_either_rule(
    year: int, rule: LeapRule, greeted: date
) -> None:
    assert greeting_days(LEAP_BORN, lunar_year_days(year), rule) == [greeted]
    assert birthday_on(LEAP_BORN, greeted, leap_rule=rule) == year - 1941
    assert next_birthday(LEAP_BORN, date(year, 1, 1), leap_rule=rule) == (greeted, year - 1941)


def test_a_member_born_on_the_30th_of_a_leap_month_is_greeted_on_the_last_day_available() -> None:
    born = BirthDate(L, 1941, 6, 30, leap=True)  # 1941's 闰六月 had 30 days, its 六月 only 29
    for year in range(1942, 2100):
        for rule in LeapRule:
            [greeted] = greeting_days(born, lunar_year_days(year), rule)
            lunar = solar_to_lunar(greeted)
            in_leap = rule is LEAP and lunar_leap_month(year) == 6
            month = lunar_month(year, 6, in_leap)
            assert month is not None
            assert (lunar.month, lunar.leap, lunar.day) == (6, in_leap, month.days)


def test_each_lunar_birthday_is_greeted_exactly_once_in_every_lunar_year_1901_to_2099() -> None:
    """Every month's 30th (and 29th), and leap-month births, in every lunar year."""
    births: list[tuple[BirthDate, LeapRule]] = []
    for month in range(1, 13):
        year = next(y for y in range(1900, 1960) if _days_in(y, month) == 30)
        births += [
            (BirthDate(L, year, month, 30), ORDINARY),
            (BirthDate(L, year, month, 29), ORDINARY),
        ]
    births += [(b, r) for b in (LEAP_BORN, BirthDate(L, 1941, 6, 30, leap=True)) for r in LeapRule]
    births.append((BirthDate(L, 1900, 1, 1), ORDINARY))
    per_year: Counter[tuple[int, int]] = Counter()
    first, after_last = lunar_year_months(1901)[0], lunar_year_months(2100)[0]
    for day in days(first.first_day, after_last.first_day - timedelta(days=1)):
        lunar_year = solar_to_lunar(day).year
        for i, (birth, rule) in enumerate(births):
            age = birthday_on(birth, day, leap_rule=rule)
            if age is not None:
                assert age == lunar_year - birth.year
                per_year[(i, lunar_year)] += 1
    for i, (birth, _) in enumerate(births):
        for year in range(max(1901, birth.year + 1), 2100):
            assert per_year[(i, year)] == 1, (birth, year)


@settings(max_examples=150, deadline=None)
@given(birth_dates(), st.integers(1901, 2099), st.sampled_from(list(LeapRule)))
def test_any_birthday_is_greeted_exactly_once_a_year_on_the_day_next_birthday_names(
    birth: BirthDate, year: int, rule: LeapRule
) -> None:
    if year <= birth.year:
        year = min(birth.year + 1 + year % 9, 2099)
        if year <= birth.year:
            return
    if birth.calendar is S:
        span = days(date(year, 1, 1), date(year, 12, 31))
    else:
        span = lunar_year_days(year)
    [greeted] = greeting_days(birth, span, rule)
    assert birthday_on(birth, greeted, leap_rule=rule) == year - birth.year
    assert next_birthday(birth, span[0], leap_rule=rule) == (greeted, year - birth.year)
    assert next_birthday(birth, greeted, leap_rule=rule) == (greeted, year - birth.year)
    following, age = next_birthday(birth, greeted + timedelta(days=1), leap_rule=rule)
    assert following > greeted and age == year - birth.year + 1


def test_the_next_birthday_of_a_newborn_is_the_first_one() -> None:
    assert next_birthday(BirthDate(S, 2020, 3, 1), date(2019, 1, 1)) == (date(2021, 3, 1), 1)
    born = BirthDate(L, 2020, 4, 1, leap=True)  # 2020-05-23
    assert next_birthday(born, date(2020, 1, 1)) == (
        lunar_to_solar(BirthDate(L, 2021, 4, 1)),
        1,
    )


def test_a_solar_february_29_birthday_next_falls_on_the_28th() -> None:
    born = BirthDate(S, 1940, 2, 29)
    assert next_birthday(born, date(2025, 1, 1)) == (date(2025, 2, 28), 85)
    assert next_birthday(born, date(2027, 3, 1)) == (date(2028, 2, 29), 88)


def test_birthdays_of_ten_thousand_members_are_checked_quickly() -> None:
    rng = random.Random(20261018)
    members = []
    for _ in range(10_000):
        year = rng.randint(1925, 1965)
        if rng.random() < 0.5:
            d = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
            members.append(BirthDate(S, d.year, d.month, d.day))
        else:
            m = rng.choice(lunar_year_months(year))
            members.append(BirthDate(L, year, m.month, rng.randint(1, m.days), m.leap))
    day = date(2026, 10, 18)
    birthday_on(members[0], day)  # warm the per-year tables
    started = time.perf_counter()
    due = [b for b in members if birthday_on(b, day) is not None]
    elapsed = time.perf_counter() - started
    print(f"\n10,000-member birthday scan: {elapsed * 1000:.1f} ms, {len(due)} due")
    assert all(b.calendar is S or solar_to_lunar(day).month == b.month for b in due)


# --- party anniversaries --------------------------------------------------------------------


def test_the_political_birthday_counts_whole_years_in_the_party() -> None:
    joined = date(1976, 7, 1)
    assert anniversary_on(joined, date(2026, 7, 1)) == 50
    assert is_medal_anniversary(50) and MEDAL_YEARS == 50
    assert anniversary_on(joined, date(2026, 7, 2)) is None
    assert anniversary_on(joined, date(1976, 7, 1)) is None
    assert anniversary_on(joined, date(1975, 7, 1)) is None


@pytest.mark.parametrize(
    ("day", "years"),
    [
        (date(2024, 2, 29), 64),
        (date(2024, 2, 28), None),
        (date(2025, 2, 28), 65),
        (date(2025, 3, 1), None),
        (date(2100, 2, 28), 140),
    ],
)
def test_a_member_who_joined_on_29_february_is_remembered_on_the_28th_in_common_years(
    day: date, years: int | None
) -> None:
    assert anniversary_on(date(1960, 2, 29), day) == years


def test_the_next_anniversary_is_this_year_or_next() -> None:
    joined = date(1976, 7, 1)
    assert next_anniversary(joined, date(2026, 5, 1)) == (date(2026, 7, 1), 50)
    assert next_anniversary(joined, date(2026, 7, 1)) == (date(2026, 7, 1), 50)
    assert next_anniversary(joined, date(2026, 7, 2)) == (date(2027, 7, 1), 51)
    assert next_anniversary(joined, date(1970, 1, 1)) == (date(1977, 7, 1), 1)
    assert next_anniversary(date(1960, 2, 29), date(2025, 1, 1)) == (date(2025, 2, 28), 65)


@given(st.dates(date(1921, 7, 1), date(2090, 12, 31)), st.integers(1901, 2100))
def test_any_anniversary_comes_exactly_once_a_gregorian_year(joined: date, year: int) -> None:
    if year <= joined.year:
        return
    span = days(date(year, 1, 1), date(year, 12, 31))
    [day] = [d for d in span if anniversary_on(joined, d) is not None]
    assert anniversary_on(joined, day) == year - joined.year
    assert next_anniversary(joined, date(year, 1, 1)) == (day, year - joined.year)


@pytest.mark.parametrize(
    ("age", "round_"),
    [
        *[(59, False), (60, True), (65, False), (70, True), (80, True), (90, True)],
        *[(100, True), (110, True), (10, False), (50, False), (0, False), (81, False)],
    ],
)
def test_round_birthdays_are_every_ten_years_from_sixty(age: int, round_: bool) -> None:
    assert is_round_age(age) is round_


@pytest.mark.parametrize(
    ("years", "round_"),
    [(0, False), (5, False), (10, True), (20, True), (50, True), (51, False), (70, True)],
)
def test_round_anniversaries_are_every_ten_years(years: int, round_: bool) -> None:
    assert is_round_anniversary(years) is round_
    assert is_medal_anniversary(years) is (years == 50)
