"""Birth dates as members and rosters write them: parsing, display, storage, conversions."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.dates import (
    BirthDate,
    Calendar,
    DateError,
    lunar_day_name,
    lunar_leap_month,
    lunar_month,
    lunar_month_name,
    lunar_to_solar,
    lunar_year_months,
    parse_date,
    solar_to_lunar,
)

TODAY = date(2026, 5, 1)
S, L = Calendar.SOLAR, Calendar.LUNAR


@st.composite
def birth_dates(draw: st.DrawFn, min_year: int = 1900, max_year: int = 2090) -> BirthDate:
    """Any BirthDate that exists, with leap months and month ends drawn often."""
    if draw(st.booleans()):
        d = draw(st.dates(date(min_year, 1, 1), date(max_year, 12, 31)))
        return BirthDate(S, d.year, d.month, d.day)
    year = draw(st.integers(min_year, max_year))
    months = lunar_year_months(year)
    m = draw(st.sampled_from(months))
    day = draw(st.one_of(st.integers(1, m.days), st.sampled_from([29, m.days])))
    return BirthDate(L, year, m.month, day, m.leap)


# --- accepted formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1948-03-12", BirthDate(S, 1948, 3, 12)),
        ("1948/3/12", BirthDate(S, 1948, 3, 12)),
        ("1948.3.12", BirthDate(S, 1948, 3, 12)),
        ("1948年3月12日", BirthDate(S, 1948, 3, 12)),
        ("1948年3月12号", BirthDate(S, 1948, 3, 12)),
        ("1948年03月12日", BirthDate(S, 1948, 3, 12)),
        ("19480312", BirthDate(S, 1948, 3, 12)),
        ("  1948-03-12  ", BirthDate(S, 1948, 3, 12)),
        ("1948 3 12", BirthDate(S, 1948, 3, 12)),
        ("1948年 3月 12日", BirthDate(S, 1948, 3, 12)),
        ("公历1948-03-12", BirthDate(S, 1948, 3, 12)),
        ("阳历 1948年3月12日", BirthDate(S, 1948, 3, 12)),
        ("新历1948.3.12", BirthDate(S, 1948, 3, 12)),
        ("公历1948年三月十二日", BirthDate(S, 1948, 3, 12)),
        ("1948-02-29", BirthDate(S, 1948, 2, 29)),
        ("1900-01-01", BirthDate(S, 1900, 1, 1)),
        ("2026-05-01", BirthDate(S, 2026, 5, 1)),  # today itself is not "after today"
        ("农历1948年二月初八", BirthDate(L, 1948, 2, 8)),
        ("阴历1948年二月初八", BirthDate(L, 1948, 2, 8)),
        ("农历：1948年二月初八", BirthDate(L, 1948, 2, 8)),
        ("农历1941年闰六月初十", BirthDate(L, 1941, 6, 10, leap=True)),
        ("农历1941年闰6月10日", BirthDate(L, 1941, 6, 10, leap=True)),
        ("农历 1950-02-08", BirthDate(L, 1950, 2, 8)),
        ("农历1950年2月8日", BirthDate(L, 1950, 2, 8)),
        ("农历1950/2/8", BirthDate(L, 1950, 2, 8)),
        ("农历19500208", BirthDate(L, 1950, 2, 8)),
        ("1948年正月十五", BirthDate(L, 1948, 1, 15)),
        ("1948年腊月廿三", BirthDate(L, 1948, 12, 23)),
        ("1950年冬月三十", BirthDate(L, 1950, 11, 30)),
        ("1948年十一月二十", BirthDate(L, 1948, 11, 20)),
        ("1948年十二月二十三", BirthDate(L, 1948, 12, 23)),
        ("1948年三月十二日", BirthDate(L, 1948, 3, 12)),  # words without 公历 are lunar
        ("1948年二月初八日", BirthDate(L, 1948, 2, 8)),
        ("1942年腊月卅", BirthDate(L, 1942, 12, 30)),
        ("一九四八年二月初八", BirthDate(L, 1948, 2, 8)),
        ("一九五〇年正月初一", BirthDate(L, 1950, 1, 1)),
        ("一九五零年正月初一", BirthDate(L, 1950, 1, 1)),
        ("1941年闰六月三十", BirthDate(L, 1941, 6, 30, leap=True)),
    ],
)
def test_a_member_can_write_the_birth_date_in_any_usual_way(text: str, expected: BirthDate) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１９４８－０３－１２", BirthDate(S, 1948, 3, 12)),
        ("１９４８／３／１２", BirthDate(S, 1948, 3, 12)),
        ("１９４８．３．１２", BirthDate(S, 1948, 3, 12)),
        ("１９４８年３月１２日", BirthDate(S, 1948, 3, 12)),
        ("１９４８０３１２", BirthDate(S, 1948, 3, 12)),
        ("\u3000１９４８－３－１２\u3000", BirthDate(S, 1948, 3, 12)),
        ("农历１９４８年二月初八", BirthDate(L, 1948, 2, 8)),
        ("农历：１９５０－０２－０８", BirthDate(L, 1950, 2, 8)),
        ("农历１９４１年闰６月１０日", BirthDate(L, 1941, 6, 10, leap=True)),
    ],
)
def test_full_width_digits_and_punctuation_from_a_chinese_keyboard_are_accepted(
    text: str, expected: BirthDate
) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("day", range(1, 31))
def test_every_lunar_day_word_is_understood(day: int) -> None:
    # 1950's eleventh month has 30 days, so every day word from 初一 to 三十 exists in it.
    text = f"农历1950年冬月{lunar_day_name(day)}"
    assert parse_date(text, today=TODAY) == BirthDate(L, 1950, 11, day)


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("正", 1),
        ("一", 1),
        ("二", 2),
        ("三", 3),
        ("四", 4),
        ("五", 5),
        ("六", 6),
        ("七", 7),
        ("八", 8),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("冬", 11),
        ("十二", 12),
        ("腊", 12),
    ],
)
def test_every_lunar_month_word_is_understood(word: str, month: int) -> None:
    assert parse_date(f"1950年{word}月初一", today=TODAY) == BirthDate(L, 1950, month, 1)


@pytest.mark.parametrize(
    ("word", "day"),
    [("廿", 20), ("廿一", 21), ("廿九", 29), ("二十一", 21), ("卅", 30), ("十", 10), ("初十", 10)],
)
def test_less_common_day_words_are_understood(word: str, day: int) -> None:
    assert parse_date(f"1950年冬月{word}", today=TODAY).day == day


def test_the_roster_column_makes_a_plain_numeric_date_lunar() -> None:
    for text in ("1950-02-08", "1950/2/8", "1950年2月8日", "19500208"):
        assert parse_date(text, calendar=L, today=TODAY) == BirthDate(L, 1950, 2, 8)


def test_the_roster_column_agrees_with_a_prefix_that_says_the_same() -> None:
    assert parse_date("农历1950-02-08", calendar=L, today=TODAY) == BirthDate(L, 1950, 2, 8)
    assert parse_date("公历1950-02-08", calendar=S, today=TODAY) == BirthDate(S, 1950, 2, 8)


def test_a_solar_roster_column_keeps_a_date_in_plain_chinese_numerals_solar() -> None:
    assert parse_date("1948年三月十二日", calendar=S, today=TODAY) == BirthDate(S, 1948, 3, 12)


@given(birth_dates())
def test_what_the_bot_displays_reads_back_as_the_same_date(b: BirthDate) -> None:
    assert parse_date(str(b), today=date(2100, 12, 31)) == b


# --- refused input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "calendar", "says"),
    [
        ("", None, "请填写日期"),
        ("   ", None, "请填写日期"),
        ("abc", None, "看不懂"),
        ("1948", None, "看不懂"),
        ("1948-03", None, "看不懂"),
        ("1948-3/12", None, "看不懂"),  # mixed separators
        ("1948031", None, "看不懂"),
        ("1948年3月", None, "看不懂"),
        ("1948年二月初十一", None, "看不懂"),
        ("1948年二月初零", None, "看不懂"),
        ("1948年二月廿十", None, "看不懂"),
        ("1948年二月卅二", None, "看不懂"),
        ("1948年十三月初一", None, "看不懂"),
        ("1948年二月三十二", None, "看不懂"),
        ("一九四八七年二月初八", None, "看不懂"),
        ("一九四十年二月初八", None, "看不懂"),
        ("农历1948年2月0日", None, "看不懂"),
        ("48-03-12", None, "四位"),
        ("48年2月8日", None, "四位"),
        ("腊月廿三", None, "年份"),
        ("二月初八", None, "年份"),
        ("1948-02-30", None, "没有30日"),
        ("1949-02-29", None, "没有29日"),
        ("1900-02-29", None, "没有29日"),  # 1900 is not a leap year
        ("1948-04-31", None, "没有31日"),
        ("1948-13-01", None, "没有13月"),
        ("1948-00-10", None, "没有0月"),
        ("1948-03-00", None, "没有0日"),
        ("1948-03-32", None, "没有32日"),
        ("农历1948-03-31", None, "最多三十天"),
        ("农历1948年闰六月初十", None, "没有闰六月（这一年没有闰月）"),
        ("农历1941年闰五月初十", None, "没有闰五月（这一年闰六月）"),
        ("农历1949年冬月三十", None, "只有29天"),
        ("1941年六月三十", None, "只有29天"),
        ("1899-12-31", None, "早于1900年"),
        ("农历1899年腊月廿九", None, "早于1900年"),
        ("2026-05-02", None, "之后"),
        ("2027-01-01", None, "之后"),
        ("3000-01-01", None, "之后"),
        ("农历2026年三月十六", None, "之后"),  # TODAY is 三月十五
        ("公历1948年腊月廿三", None, "农历的写法"),
        ("1948年正月十五", S, "农历的写法"),
        ("1948年闰6月10日", S, "农历的写法"),
        ("农历1948-03-12", S, "历法一栏写的是公历"),
        ("公历1948-03-12", L, "历法一栏写的是农历"),
    ],
)
def test_a_date_that_cannot_be_right_is_refused_with_a_chinese_explanation(
    text: str, calendar: Calendar | None, says: str
) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text, calendar=calendar, today=TODAY)
    assert says in caught.value.message
    assert str(caught.value) == caught.value.message


def test_the_lunar_future_check_uses_the_solar_day_of_the_lunar_date() -> None:
    # 2026-05-01 is 农历三月十五: a baby born today is accepted, tomorrow's date is not.
    assert parse_date("农历2026年三月十五", today=date(2026, 5, 1)) == BirthDate(L, 2026, 3, 15)
    assert parse_date("农历2026年三月十六", today=date(2026, 5, 2)) == BirthDate(L, 2026, 3, 16)
    with pytest.raises(DateError):
        parse_date("农历2026年三月十六", today=date(2026, 5, 1))


def test_every_refusal_gives_an_example_of_what_to_write() -> None:
    for text in ("abc", "1948-02-30", "1899-01-01", "2099-01-01", "48-3-12"):
        with pytest.raises(DateError) as caught:
            parse_date(text, today=TODAY)
        assert "1948" in caught.value.message


# --- display and storage --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("b", "shown", "stored"),
    [
        (BirthDate(S, 1948, 3, 12), "1948年3月12日", "S1948-03-12"),
        (BirthDate(L, 1948, 2, 8), "农历1948年二月初八", "L1948-02-08"),
        (BirthDate(L, 1941, 6, 10, leap=True), "农历1941年闰六月初十", "L1941-06-10-leap"),
        (BirthDate(L, 1948, 1, 15), "农历1948年正月十五", "L1948-01-15"),
        (BirthDate(L, 1948, 11, 20), "农历1948年冬月二十", "L1948-11-20"),
        (BirthDate(L, 1948, 12, 23), "农历1948年腊月廿三", "L1948-12-23"),
        (BirthDate(L, 1942, 12, 30), "农历1942年腊月三十", "L1942-12-30"),
    ],
)
def test_a_birth_date_shows_in_chinese_and_stores_compactly(
    b: BirthDate, shown: str, stored: str
) -> None:
    assert str(b) == shown
    assert b.to_storage() == stored
    assert BirthDate.from_storage(stored) == b


@given(birth_dates())
def test_the_stored_form_reads_back_as_the_same_date(b: BirthDate) -> None:
    assert BirthDate.from_storage(b.to_storage()) == b


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "1948-03-12",
        "X1948-03-12",
        "S1948-3-12",
        "S1948-03-12-leap",
        "L1948-06-10-leap",  # 1948 has no leap month
        "S1948-02-30",
        " S1948-03-12",
    ],
)
def test_a_damaged_stored_date_is_refused(stored: str) -> None:
    with pytest.raises(DateError):
        BirthDate.from_storage(stored)


@pytest.mark.parametrize(
    "args",
    [
        (S, 1948, 2, 30, False),
        (S, 1948, 3, 12, True),
        (L, 1948, 13, 1, False),
        (L, 1948, 2, 31, False),
        (L, 1948, 2, 0, False),
        (L, 1948, 6, 1, True),
        (S, 1700, 1, 1, False),
        (S, 2300, 1, 1, False),
    ],
)
def test_a_birth_date_that_does_not_exist_cannot_be_made(
    args: tuple[Calendar, int, int, int, bool],
) -> None:
    with pytest.raises(DateError):
        BirthDate(*args)


def test_a_calendar_must_be_given_as_the_enum() -> None:
    with pytest.raises(TypeError):
        BirthDate("solar", 1948, 3, 12)  # type: ignore[arg-type]


def test_lunar_names_are_the_traditional_ones() -> None:
    months = " ".join(lunar_month_name(m) for m in range(1, 13))
    assert months == "正月 二月 三月 四月 五月 六月 七月 八月 九月 十月 冬月 腊月"
    assert lunar_month_name(6, leap=True) == "闰六月"
    assert " ".join(lunar_day_name(d) for d in range(1, 31)) == (
        "初一 初二 初三 初四 初五 初六 初七 初八 初九 初十 "
        "十一 十二 十三 十四 十五 十六 十七 十八 十九 二十 "
        "廿一 廿二 廿三 廿四 廿五 廿六 廿七 廿八 廿九 三十"
    )


# --- conversions and lunar tables -----------------------------------------------------------


@pytest.mark.parametrize(
    ("solar", "lunar"),
    [
        (date(2026, 2, 17), BirthDate(L, 2026, 1, 1)),  # 春节 2026
        (date(2026, 3, 3), BirthDate(L, 2026, 1, 15)),  # 元宵 2026
        (date(2026, 6, 19), BirthDate(L, 2026, 5, 5)),  # 端午 2026
        (date(2026, 9, 25), BirthDate(L, 2026, 8, 15)),  # 中秋 2026
        (date(2026, 10, 18), BirthDate(L, 2026, 9, 9)),  # 重阳 2026
        (date(2025, 7, 25), BirthDate(L, 2025, 6, 1, leap=True)),  # 闰六月初一 2025
        (date(2025, 1, 28), BirthDate(L, 2024, 12, 29)),  # 除夕 2025: no 腊月三十
        (date(2024, 2, 9), BirthDate(L, 2023, 12, 30)),  # 除夕 2024
        (date(2023, 3, 22), BirthDate(L, 2023, 2, 1, leap=True)),  # 闰二月 2023
        (date(2020, 5, 23), BirthDate(L, 2020, 4, 1, leap=True)),  # 闰四月 2020
        (date(2033, 12, 22), BirthDate(L, 2033, 11, 1, leap=True)),  # the "2033 problem" month
        (date(1949, 10, 1), BirthDate(L, 1949, 8, 10)),  # 开国大典
        (date(1900, 1, 31), BirthDate(L, 1900, 1, 1)),
        (date(1900, 1, 30), BirthDate(L, 1899, 12, 30)),
    ],
)
def test_published_dates_convert_both_ways(solar: date, lunar: BirthDate) -> None:
    assert solar_to_lunar(solar) == lunar
    assert lunar_to_solar(lunar) == solar


def test_a_solar_birth_date_is_its_own_solar_day() -> None:
    assert lunar_to_solar(BirthDate(S, 1948, 3, 12)) == date(1948, 3, 12)


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_every_solar_day_has_one_lunar_date_that_maps_back(d: date) -> None:
    assert lunar_to_solar(solar_to_lunar(d)) == d


def test_lunar_years_are_made_of_whole_consecutive_months() -> None:
    for year in range(1900, 2101):
        months = lunar_year_months(year)
        assert len(months) == (13 if lunar_leap_month(year) else 12)
        assert [m.month for m in months if not m.leap] == list(range(1, 13))
        assert {m.days for m in months} <= {29, 30}
        for a, b in pairwise(months):
            assert b.first_day == a.first_day + timedelta(days=a.days)
        following = lunar_year_months(year + 1)[0].first_day
        assert following == months[-1].first_day + timedelta(days=months[-1].days)
        # 春节 falls between 21 January and 20 February.
        assert date(year, 1, 21) <= months[0].first_day <= date(year, 2, 20)


def test_known_leap_months() -> None:
    assert {y: lunar_leap_month(y) for y in range(2017, 2034) if lunar_leap_month(y)} == {
        2017: 6,
        2020: 4,
        2023: 2,
        2025: 6,
        2028: 5,
        2031: 3,
        2033: 11,
    }
    assert lunar_leap_month(1941) == 6
    assert lunar_leap_month(2026) == 0
    assert lunar_month(2026, 6, leap=True) is None
    month = lunar_month(2025, 6, leap=True)
    assert month is not None
    assert (month.first_day, month.days) == (date(2025, 7, 25), 29)
