"""Reading the times and days people type: every form the branch writes, every refusal with an
example that works, and round trips through what the bot itself writes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.cn_format import clock, day_text, days_from, full_date, moment, month_day
from bot.core.cn_parse import ParseError, When, number, parse_date, parse_time, parse_when

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 26)  # a Thursday

_DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """0..99 as people write it in words: 九, 十, 十五, 二十, 二十三."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[units] if units else "")


# --- times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("9:00", time(9, 0)),
        ("09:00", time(9, 0)),
        ("9：00", time(9, 0)),
        ("０９：３０", time(9, 30)),
        (" 9:00 ", time(9, 0)),
        ("9点", time(9, 0)),
        ("9点钟", time(9, 0)),
        ("9点整", time(9, 0)),
        ("9时", time(9, 0)),
        ("9时30分", time(9, 30)),
        ("9点半", time(9, 30)),
        ("9点30", time(9, 30)),
        ("9点30分", time(9, 30)),
        ("9点05", time(9, 5)),
        ("9点5分", time(9, 5)),
        ("九点零五", time(9, 5)),
        ("9点一刻", time(9, 15)),
        ("9点三刻", time(9, 45)),
        ("九点四十五", time(9, 45)),
        ("上午9点", time(9, 0)),
        ("上午09:00", time(9, 0)),
        ("上午 9点", time(9, 0)),
        ("早上9点半", time(9, 30)),
        ("早晨六点", time(6, 0)),
        ("凌晨3点", time(3, 0)),
        ("中午12点", time(12, 0)),
        ("中午12点半", time(12, 30)),
        ("中午1点", time(13, 0)),
        ("下午3点", time(15, 0)),
        ("下午3:30", time(15, 30)),
        ("下午15点", time(15, 0)),
        ("下午15:00", time(15, 0)),
        ("傍晚6点", time(18, 0)),
        ("晚上8点", time(20, 0)),
        ("晚上20:00", time(20, 0)),
        ("九点", time(9, 0)),
        ("九点半", time(9, 30)),
        ("十点", time(10, 0)),
        ("十二点", time(12, 0)),
        ("两点", time(2, 0)),
        ("下午两点半", time(14, 30)),
        ("下午三点", time(15, 0)),
        ("二十点", time(20, 0)),
        ("二十三点五十九分", time(23, 59)),
        ("0:00", time(0, 0)),
        ("0点", time(0, 0)),
        ("23:59", time(23, 59)),
        ("14:00", time(14, 0)),
    ],
)
def test_a_time_written_as_people_do(text: str, at: time) -> None:
    assert parse_time(text) == at


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "请写上时间"),
        ("   ", "请写上时间"),
        ("9", "没看懂“9”这个时间"),
        ("900", "没看懂"),
        ("9:5", "没看懂"),
        ("9:00:00", "没看懂"),
        ("9.30", "没看懂"),
        ("abc", "没看懂"),
        ("9am", "没看懂"),
        ("早上", "没看懂"),
        ("点半", "没看懂"),
        ("1 0:00", "没看懂"),  # a space between digits joins nothing
        ("25:00", "没有25点"),
        ("24:00", "没有24点"),
        ("24点", "没有24点"),
        ("二十五点", "没有25点"),
        ("9:60", "没有60分"),
        ("9点61分", "没有61分"),
        ("上午13点", "上午没有13点"),
        ("上午13:00", "上午没有13点"),
        ("早上3点", "早上没有3点"),
        ("晚上3点", "晚上没有3点"),
        ("下午0点", "下午没有0点"),
        ("中午5点", "中午没有5点"),
        ("上午12点", "中午还是半夜"),
        ("下午12点", "中午还是半夜"),
    ],
)
def test_a_time_that_cannot_be_read_is_refused_with_examples(text: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_time(text)
    assert says in caught.value.message
    assert (
        "可以这样写：9:00、9点半、下午3点" in caught.value.message
        or "12:00" in caught.value.message
    )


# Each part of the day: the first and last hour it has, what they mean, and the hours just
# outside, which are refused.
@pytest.mark.parametrize(
    ("period", "first", "last", "shift"),
    [
        ("凌晨", 0, 6, 0),
        ("早上", 4, 11, 0),
        ("早晨", 4, 11, 0),
        ("上午", 0, 11, 0),
        ("中午", 11, 14, 0),
        ("下午", 1, 11, 12),
        ("傍晚", 4, 8, 12),
        ("晚上", 6, 11, 12),
    ],
)
def test_the_boundaries_of_each_part_of_the_day(
    period: str, first: int, last: int, shift: int
) -> None:
    assert parse_time(f"{period}{first}点") == time(first + shift, 0)
    assert parse_time(f"{period}{last}点半") == time(last + shift, 30)
    for outside in (first - 1, last + 1):
        if outside < 0 or outside in (12, 13) or (period == "中午" and outside in (1, 2)):
            continue  # 12点 has its own rule; 13点 is 下午's own 24-hour form; 中午1点 is 13:00
        with pytest.raises(ParseError):
            parse_time(f"{period}{outside}点")


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # Without a part of the day the clock is the 24-hour one: 12点 is noon.
        ("12点", time(12, 0)),
        ("12:00", time(12, 0)),
        ("中午12点", time(12, 0)),
        # 晚上12点 is the midnight that ends the evening (parse_when moves it to the next day).
        ("晚上12点", time(0, 0)),
        ("凌晨12点", time(0, 0)),
        ("0点", time(0, 0)),
        # Noon's neighbours.
        ("上午11点59分", time(11, 59)),
        ("中午1点", time(13, 0)),
        ("下午1点", time(13, 0)),
        ("下午11点", time(23, 0)),
    ],
)
def test_noon_and_midnight(text: str, at: time) -> None:
    assert parse_time(text) == at


@given(st.times())
def test_every_time_the_bot_writes_reads_back(at: time) -> None:
    at = at.replace(second=0, microsecond=0)
    assert parse_time(clock(at)) == at


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_time_in_words_reads_back(hour: int, minute: int) -> None:
    assert parse_time(f"{hour}点{minute}分") == time(hour, minute)
    assert parse_time(f"{chinese(hour)}点{chinese(minute)}分") == time(hour, minute)
    assert parse_time(f"{hour}点{minute:02d}") == time(hour, minute)
    if 1 <= hour <= 11:
        assert parse_time(f"上午{chinese(hour)}点{minute}分") == time(hour, minute)
        assert parse_time(f"下午{hour}点{minute}分") == time(hour + 12, minute)
    if 13 <= hour <= 23:
        assert parse_time(f"下午{hour - 12}点{minute}分") == time(hour, minute)


def test_numbers_in_words() -> None:
    assert [number(chinese(n)) for n in range(100)] == list(range(100))
    assert number("两") == 2
    assert number("") is None
    assert number("十两") is None
    assert number("一百") is None


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-08", date(2026, 11, 8)),
        ("2026/11/8", date(2026, 11, 8)),
        ("2026.11.8", date(2026, 11, 8)),
        ("２０２６－１１－０８", date(2026, 11, 8)),
        ("2026年11月8日", date(2026, 11, 8)),
        ("二〇二六年十一月八日", date(2026, 11, 8)),
        ("二零二七年一月五号", date(2027, 1, 5)),
        ("11月8日", date(2026, 11, 8)),
        ("11月8号", date(2026, 11, 8)),
        ("11月 8日", date(2026, 11, 8)),
        ("十一月八日", date(2026, 11, 8)),
        ("十一月八号", date(2026, 11, 8)),
        ("十二月三十一日", date(2026, 12, 31)),
        ("11月8日（周日）", date(2026, 11, 8)),
        ("11月8日周日", date(2026, 11, 8)),
        ("2026年11月8日（星期日）", date(2026, 11, 8)),
        ("今天", date(2026, 11, 26)),
        ("明天", date(2026, 11, 27)),
        ("后天", date(2026, 11, 28)),
        ("大后天", date(2026, 11, 29)),
        ("昨天", date(2026, 11, 25)),
        ("前天", date(2026, 11, 24)),
        ("3天后", date(2026, 11, 29)),
        ("三天以后", date(2026, 11, 29)),
        ("10天前", date(2026, 11, 16)),
        ("周四", date(2026, 11, 26)),  # today is a Thursday: the next one is today
        ("周三", date(2026, 12, 2)),
        ("星期五", date(2026, 11, 27)),
        ("礼拜天", date(2026, 11, 29)),
        ("本周五", date(2026, 11, 27)),
        ("这周一", date(2026, 11, 23)),
        ("这个周日", date(2026, 11, 29)),
        ("下周三", date(2026, 12, 2)),
        ("下周一", date(2026, 11, 30)),
        ("下个星期日", date(2026, 12, 6)),
        ("上周四", date(2026, 11, 19)),
    ],
)
def test_a_day_written_as_people_do(text: str, day: date) -> None:
    assert parse_date(text, TODAY) == day


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "请写上日子"),
        ("下下周三", "没看懂“下下周三”这个日子"),
        ("周八", "没看懂"),
        ("11月8", "没看懂"),
        ("8号", "没看懂"),
        ("11-8", "没看懂"),
        ("26-11-08", "没看懂"),
        ("whenever", "没看懂"),
        ("2026/11/1 1", "没看懂"),
        ("2月30日", "没有2月30日这一天"),
        ("4月31日", "没有4月31日这一天"),
        ("13月1日", "没有13月1日这一天"),
        ("2026-13-01", "没有13月1日这一天"),
        ("2026-02-29", "2026年没有2月29日"),
        ("2月29日", "2026年没有2月29日"),
        ("11月8日周三", "11月8日是周日，不是周三"),
    ],
)
def test_a_day_that_cannot_be_read_is_refused_with_examples(text: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_date(text, TODAY)
    assert says in caught.value.message
    assert "可以这样写：11月8日、明天、下周三、2026-11-08" in caught.value.message


@pytest.mark.parametrize(
    ("text", "today", "day"),
    [
        # 29 February: in a leap year, and the nearest one to a day near it.
        ("2024-02-29", TODAY, date(2024, 2, 29)),
        ("2月29日", date(2024, 1, 10), date(2024, 2, 29)),
        ("2月29日", date(2028, 12, 1), date(2028, 2, 29)),
        ("2月28日", date(2026, 1, 10), date(2026, 2, 28)),
        # Month ends.
        ("1月31日", date(2026, 1, 2), date(2026, 1, 31)),
        ("4月30日", date(2026, 4, 2), date(2026, 4, 30)),
        ("12月31日", date(2027, 1, 2), date(2026, 12, 31)),
        ("明天", date(2026, 12, 31), date(2027, 1, 1)),
        ("明天", date(2024, 2, 28), date(2024, 2, 29)),
        ("明天", date(2026, 2, 28), date(2026, 3, 1)),
        ("下周一", date(2026, 12, 31), date(2027, 1, 4)),
        # Without a year: the nearest such day, before or after.
        ("1月3日", date(2026, 12, 28), date(2027, 1, 3)),
        ("12月28日", date(2027, 1, 3), date(2026, 12, 28)),
        ("1月1日", date(2026, 7, 1), date(2026, 1, 1)),
        ("1月1日", date(2026, 7, 3), date(2027, 1, 1)),
    ],
)
def test_month_ends_29_february_and_the_nearest_year(text: str, today: date, day: date) -> None:
    assert parse_date(text, today) == day


WEEKDAY_CHARS = "一二三四五六日"


@pytest.mark.parametrize("today", [TODAY + timedelta(days=n) for n in range(7)])
@pytest.mark.parametrize("weekday", range(7))
def test_every_weekday_from_every_day_of_the_week(today: date, weekday: int) -> None:
    char = WEEKDAY_CHARS[weekday]
    monday = today - timedelta(days=today.weekday())
    for word in ("周", "星期", "礼拜"):
        coming = parse_date(f"{word}{char}", today)
        assert coming.weekday() == weekday and today <= coming < today + timedelta(days=7)
        assert parse_date(f"本{word}{char}", today) == monday + timedelta(days=weekday)
        assert parse_date(f"这{word}{char}", today) == monday + timedelta(days=weekday)
        assert parse_date(f"下{word}{char}", today) == monday + timedelta(days=7 + weekday)
        assert parse_date(f"上{word}{char}", today) == monday + timedelta(days=weekday - 7)


near_days = st.integers(-150, 150).map(lambda n: TODAY + timedelta(days=n))


@given(near_days)
def test_every_day_the_bot_writes_reads_back(day: date) -> None:
    assert parse_date(month_day(day), TODAY) == day
    assert parse_date(day_text(day), TODAY) == day
    assert parse_date(day_text(day, year=True), TODAY) == day


@given(st.dates(date(1900, 1, 1), date(2200, 12, 31)))
def test_every_full_date_reads_back_whatever_today_is(day: date) -> None:
    assert parse_date(full_date(day), TODAY) == day
    assert parse_date(day.isoformat(), TODAY) == day
    assert parse_date(f"{day.year}/{day.month}/{day.day}", TODAY) == day


@given(st.integers(-999, 999))
def test_how_far_off_reads_back(offset: int) -> None:
    day = TODAY + timedelta(days=offset)
    assert parse_date(days_from(TODAY, day), TODAY) == day


# --- a day and a time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("下周三上午9点", When(date(2026, 12, 2), time(9, 0))),
        ("下周三 上午9点", When(date(2026, 12, 2), time(9, 0))),
        ("明天9点半", When(date(2026, 11, 27), time(9, 30))),
        ("明天下午三点", When(date(2026, 11, 27), time(15, 0))),
        ("11月8日 14:00", When(date(2026, 11, 8), time(14, 0))),
        ("11月8日14:00", When(date(2026, 11, 8), time(14, 0))),
        ("11月8号下午3点", When(date(2026, 11, 8), time(15, 0))),
        ("十一月八日九点", When(date(2026, 11, 8), time(9, 0))),
        ("2026-11-08 09:00", When(date(2026, 11, 8), time(9, 0))),
        ("2026/11/1 19:00", When(date(2026, 11, 1), time(19, 0))),
        ("2026/11/11 9:00", When(date(2026, 11, 11), time(9, 0))),
        ("周三十点", When(date(2026, 12, 2), time(10, 0))),
        ("12月15日（周二）09:00", When(date(2026, 12, 15), time(9, 0))),
        ("3天后8点", When(date(2026, 11, 29), time(8, 0))),
        # 晚上12点 ends the day named: it is the next day's 0:00.
        ("周三晚上12点", When(date(2026, 12, 3), time(0, 0))),
        ("12月31日晚上12点", When(date(2027, 1, 1), time(0, 0))),
        ("周三中午12点", When(date(2026, 12, 2), time(12, 0))),
        ("周三12点", When(date(2026, 12, 2), time(12, 0))),
    ],
)
def test_a_day_and_a_time_together(text: str, when: When) -> None:
    assert parse_when(text, TODAY) == when


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("下周三", "请写上几点，例如：下周三上午9点"),
        ("9点半", "请写上哪一天，例如：明天9点半"),
        ("大大后天9点", "没看懂“大大后天”这个日子"),
        ("明天25点", "没有25点"),
        ("明天上午13点", "上午没有13点"),
        ("2月30日 9点", "没有2月30日这一天"),
        ("随便什么时候", "请写上哪天、几点"),
        ("", "请写上哪天、几点"),
        ("   ", "请写上哪天、几点"),
    ],
)
def test_a_day_and_a_time_that_cannot_be_read(text: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_when(text, TODAY)
    assert says in caught.value.message


@given(st.datetimes(datetime(2026, 7, 1), datetime(2027, 4, 1)))
def test_every_moment_the_bot_writes_reads_back(local: datetime) -> None:
    local = local.replace(second=0, microsecond=0)
    expected = When(local.date(), local.time())
    aware = local.replace(tzinfo=SHANGHAI)
    assert parse_when(moment(aware, SHANGHAI), TODAY) == expected
    assert parse_when(moment(aware, SHANGHAI, with_weekday=False), TODAY) == expected
