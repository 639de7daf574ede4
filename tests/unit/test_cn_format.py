"""How the bot writes dates, times and lengths in Chinese: one style everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.cn_format import (
    clock,
    date_range,
    day_text,
    days_from,
    duration,
    full_date,
    moment,
    month_day,
    weekday,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 11, 23), "周一"),
        (date(2026, 11, 24), "周二"),
        (date(2026, 11, 25), "周三"),
        (date(2026, 11, 26), "周四"),
        (date(2026, 11, 27), "周五"),
        (date(2026, 11, 28), "周六"),
        (date(2026, 11, 29), "周日"),
    ],
)
def test_every_weekday_has_its_short_name(day: date, name: str) -> None:
    assert weekday(day) == name
    assert weekday(day.weekday()) == name
    assert day_text(day) == f"{day.month}月{day.day}日（{name}）"


@pytest.mark.parametrize(
    ("day", "short", "full", "with_weekday", "with_year"),
    [
        (date(2026, 11, 8), "11月8日", "2026年11月8日", "11月8日（周日）", "2026年11月8日（周日）"),
        (date(2026, 1, 1), "1月1日", "2026年1月1日", "1月1日（周四）", "2026年1月1日（周四）"),
        (date(2024, 2, 29), "2月29日", "2024年2月29日", "2月29日（周四）", "2024年2月29日（周四）"),
        (date(2026, 2, 28), "2月28日", "2026年2月28日", "2月28日（周六）", "2026年2月28日（周六）"),
        (
            date(2026, 12, 31),
            "12月31日",
            "2026年12月31日",
            "12月31日（周四）",
            "2026年12月31日（周四）",
        ),
    ],
)
def test_a_day_in_its_forms(
    day: date, short: str, full: str, with_weekday: str, with_year: str
) -> None:
    assert month_day(day) == short
    assert full_date(day) == full
    assert day_text(day) == with_weekday
    assert day_text(day, year=True) == with_year


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (time(0, 0), "00:00"),
        (time(9, 0), "09:00"),
        (time(9, 5), "09:05"),
        (time(12, 0), "12:00"),
        (time(23, 59), "23:59"),
        (datetime(2026, 11, 8, 14, 30), "14:30"),
    ],
)
def test_times_are_on_the_24_hour_clock_with_two_digit_minutes(
    at: time | datetime, text: str
) -> None:
    assert clock(at) == text


def test_a_moment_is_shown_in_the_branchs_time_zone() -> None:
    # 16:30 UTC is half past midnight the next day in Shanghai.
    late = datetime(2026, 12, 14, 16, 30, tzinfo=UTC)
    assert moment(late, SHANGHAI) == "12月15日（周二）00:30"
    assert moment(late, SHANGHAI, with_weekday=False) == "12月15日 00:30"
    assert moment(late, BERLIN) == "12月14日（周一）17:30"
    # A naive datetime is already local.
    assert moment(datetime(2026, 12, 15, 9, 0), SHANGHAI) == "12月15日（周二）09:00"
    assert moment(None, SHANGHAI) == ""


@pytest.mark.parametrize(
    ("start", "end", "year", "text"),
    [
        (date(2026, 11, 8), date(2026, 11, 21), False, "11月8日至11月21日"),
        (date(2026, 11, 8), date(2026, 11, 8), False, "11月8日"),
        (date(2026, 12, 25), date(2027, 1, 7), False, "2026年12月25日至2027年1月7日"),
        (date(2026, 8, 26), date(2026, 11, 26), True, "2026年8月26日至11月26日"),
        (date(2026, 1, 1), date(2026, 1, 1), True, "2026年1月1日"),
        (date(2024, 2, 15), date(2024, 2, 29), False, "2月15日至2月29日"),
    ],
)
def test_a_span_of_days(start: date, end: date, year: bool, text: str) -> None:
    assert date_range(start, end, year=year) == text


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (0, "今天"),
        (1, "明天"),
        (2, "后天"),
        (3, "3天后"),
        (19, "19天后"),
        (400, "400天后"),
        (-1, "昨天"),
        (-2, "前天"),
        (-3, "3天前"),
    ],
)
def test_how_far_off_a_day_is(offset: int, text: str) -> None:
    today = date(2026, 11, 26)
    assert days_from(today, today + timedelta(days=offset)) == text


def test_how_far_off_counts_across_a_month_end_and_29_february() -> None:
    assert days_from(date(2024, 2, 28), date(2024, 3, 1)) == "后天"
    assert days_from(date(2026, 2, 28), date(2026, 3, 1)) == "明天"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (0, ""),
        (-5, ""),
        (7, "7秒"),
        (60, "1分钟"),
        (72, "1分12秒"),
        (1800, "30分钟"),
        (3600, "1小时"),
        (3720, "1小时2分"),
        (3725, "1小时2分"),
    ],
)
def test_durations_read_naturally(seconds: int | None, text: str) -> None:
    assert duration(seconds) == text
