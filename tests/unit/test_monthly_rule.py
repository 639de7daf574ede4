"""The monthly theme-day rule: which day, described and stored, and when it next comes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.cn_parse import ParseError
from bot.core.monthly_rule import (
    MonthlyRule,
    latest_occurrence,
    next_occurrence,
    occurrence_in,
    parse_rule,
    parse_setting,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NINE = time(9, 0)

ALL_RULES = (
    [MonthlyRule(day=d) for d in range(1, 29)]
    + [MonthlyRule(last_day=True)]
    + [MonthlyRule(nth=n, weekday=w) for n in (1, 2, 3, 4, -1) for w in range(7)]
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the day in a month ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "year", "month", "day"),
    [
        (MonthlyRule(day=15), 2026, 2, date(2026, 2, 15)),
        (MonthlyRule(day=28), 2026, 2, date(2026, 2, 28)),
        (MonthlyRule(last_day=True), 2026, 2, date(2026, 2, 28)),  # 28 days
        (MonthlyRule(last_day=True), 2024, 2, date(2024, 2, 29)),  # 29 days
        (MonthlyRule(last_day=True), 2100, 2, date(2100, 2, 28)),  # 2100 is not a leap year
        (MonthlyRule(last_day=True), 2000, 2, date(2000, 2, 29)),
        (MonthlyRule(last_day=True), 2026, 4, date(2026, 4, 30)),  # 30 days
        (MonthlyRule(last_day=True), 2026, 1, date(2026, 1, 31)),  # 31 days
        (MonthlyRule(last_day=True), 2026, 12, date(2026, 12, 31)),
        (MonthlyRule(nth=1, weekday=4), 2026, 5, date(2026, 5, 1)),  # 1 May 2026 is a Friday
        (MonthlyRule(nth=1, weekday=3), 2026, 5, date(2026, 5, 7)),
        (MonthlyRule(nth=4, weekday=6), 2026, 2, date(2026, 2, 22)),
        (MonthlyRule(nth=-1, weekday=4), 2026, 5, date(2026, 5, 29)),
        (MonthlyRule(nth=-1, weekday=6), 2026, 5, date(2026, 5, 31)),  # the last day itself
        (MonthlyRule(nth=-1, weekday=0), 2026, 2, date(2026, 2, 23)),
        (MonthlyRule(nth=-1, weekday=6), 2015, 2, date(2015, 2, 22)),  # Feb 2015: four weeks
        (MonthlyRule(nth=4, weekday=5), 2015, 2, date(2015, 2, 28)),
    ],
)
def test_the_theme_day_of_a_month(rule: MonthlyRule, year: int, month: int, day: date) -> None:
    assert rule.date_in(year, month) == day


def test_every_nth_weekday_lands_on_that_weekday_in_the_right_week_of_every_month() -> None:
    for year in range(2024, 2031):
        for month in range(1, 13):
            for rule in ALL_RULES:
                d = rule.date_in(year, month)
                assert (d.year, d.month) == (year, month)
                if rule.weekday is None:
                    continue
                assert d.weekday() == rule.weekday
                if rule.nth == -1:
                    assert (d + timedelta(days=7)).month != month
                else:
                    assert (d.day - 1) // 7 + 1 == rule.nth


@pytest.mark.parametrize(
    ("rule", "described", "stored"),
    [
        (MonthlyRule(day=15), "每月15日", "15"),
        (MonthlyRule(day=1), "每月1日", "1"),
        (MonthlyRule(last_day=True), "每月最后一天", "last"),
        (MonthlyRule(nth=1, weekday=4), "每月第一个周五", "first-fri"),
        (MonthlyRule(nth=2, weekday=1), "每月第二个周二", "second-tue"),
        (MonthlyRule(nth=3, weekday=2), "每月第三个周三", "third-wed"),
        (MonthlyRule(nth=4, weekday=6), "每月第四个周日", "fourth-sun"),
        (MonthlyRule(nth=-1, weekday=4), "每月最后一个周五", "last-fri"),
        (MonthlyRule(nth=-1, weekday=0), "每月最后一个周一", "last-mon"),
        (MonthlyRule(nth=1, weekday=3), "每月第一个周四", "first-thu"),
        (MonthlyRule(nth=1, weekday=5), "每月第一个周六", "first-sat"),
    ],
)
def test_a_rule_is_described_in_chinese_and_stored_short(
    rule: MonthlyRule, described: str, stored: str
) -> None:
    assert rule.describe() == described
    assert rule.to_storage() == stored
    assert parse_rule(stored) == rule


def test_every_rule_reads_back_from_its_stored_form_and_its_description() -> None:
    for rule in ALL_RULES:
        assert parse_rule(rule.to_storage()) == rule
        assert parse_rule(rule.describe()) == rule


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"day": 29},
        {"day": 31},
        {"day": 0},
        {"day": 15, "last_day": True},
        {"day": 15, "nth": 1, "weekday": 4},
        {"last_day": True, "nth": 1, "weekday": 4},
        {"nth": 1},
        {"weekday": 4},
        {"nth": 5, "weekday": 4},
        {"nth": 0, "weekday": 4},
        {"nth": -2, "weekday": 4},
        {"nth": 1, "weekday": 7},
    ],
)
def test_a_rule_that_means_nothing_or_two_things_cannot_be_made(kwargs: dict[str, int]) -> None:
    with pytest.raises(ParseError):
        MonthlyRule(**kwargs)  # type: ignore[arg-type]


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("15", MonthlyRule(day=15)),
        ("1", MonthlyRule(day=1)),
        ("28", MonthlyRule(day=28)),
        (" 15 ", MonthlyRule(day=15)),
        ("１５", MonthlyRule(day=15)),
        ("15日", MonthlyRule(day=15)),
        ("15号", MonthlyRule(day=15)),
        ("每月15日", MonthlyRule(day=15)),
        ("last", MonthlyRule(last_day=True)),
        ("LAST", MonthlyRule(last_day=True)),
        ("最后一天", MonthlyRule(last_day=True)),
        ("每月最后一天", MonthlyRule(last_day=True)),
        ("月底", MonthlyRule(last_day=True)),
        ("first-fri", MonthlyRule(nth=1, weekday=4)),
        ("First-Friday", MonthlyRule(nth=1, weekday=4)),
        ("1st-fri", MonthlyRule(nth=1, weekday=4)),
        ("second-mon", MonthlyRule(nth=2, weekday=0)),
        ("third-wed", MonthlyRule(nth=3, weekday=2)),
        ("fourth-sun", MonthlyRule(nth=4, weekday=6)),
        ("last-mon", MonthlyRule(nth=-1, weekday=0)),
        ("last-fri", MonthlyRule(nth=-1, weekday=4)),
        ("last_sat", MonthlyRule(nth=-1, weekday=5)),
        ("第一个周五", MonthlyRule(nth=1, weekday=4)),
        ("第一个星期五", MonthlyRule(nth=1, weekday=4)),
        ("每月第一个星期五", MonthlyRule(nth=1, weekday=4)),
        ("第1个周五", MonthlyRule(nth=1, weekday=4)),
        ("第二个礼拜三", MonthlyRule(nth=2, weekday=2)),
        ("第三个星期天", MonthlyRule(nth=3, weekday=6)),
        ("第四个周日", MonthlyRule(nth=4, weekday=6)),
        ("最后一个周一", MonthlyRule(nth=-1, weekday=0)),
        ("最后一个星期五", MonthlyRule(nth=-1, weekday=4)),
        ("最后一个 星期五", MonthlyRule(nth=-1, weekday=4)),
    ],
)
def test_the_secretary_can_name_the_day_in_english_shorthand_or_chinese(
    text: str, rule: MonthlyRule
) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "请写明"),
        ("   ", "请写明"),
        ("29", "最后一天"),
        ("30", "最后一天"),
        ("31日", "最后一天"),
        ("0", "没有0号"),
        ("32", "没有32号"),
        ("fifth-fri", "最后一个周五"),
        ("第五个周五", "最后一个周五"),
        ("first-xyz", "没看懂"),
        ("next-fri", "没看懂"),
        ("第一个周八", "没看懂"),
        ("第六个周一", "没看懂"),
        ("每周五", "没看懂"),
        ("tomorrow", "没看懂"),
        ("15.5", "没看懂"),
    ],
)
def test_a_day_that_cannot_be_a_monthly_rule_is_refused_with_examples(text: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_rule(text)
    assert says in caught.value.message


def test_the_general_refusal_shows_chinese_forms_only() -> None:
    """The short English forms (last, first-fri) are still read, but never shown: the hint is
    for a secretary who types Chinese."""
    with pytest.raises(ParseError) as caught:
        parse_rule("whenever")
    message = caught.value.message
    for example in ("/themeday 15号 9:00", "/themeday 最后一天", "/themeday 第一个周五"):
        assert example in message
    assert not re.search(r"[A-Za-z]{3,}", message.replace("/themeday", "").replace("whenever", ""))


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("十五号", MonthlyRule(day=15)),
        ("十五日", MonthlyRule(day=15)),
        ("十五", MonthlyRule(day=15)),
        ("二十八号", MonthlyRule(day=28)),
        ("每月1号", MonthlyRule(day=1)),
        ("每月最后一个周五", MonthlyRule(nth=-1, weekday=4)),
        ("每月 最后一个 周五", MonthlyRule(nth=-1, weekday=4)),
        ("最后周五", MonthlyRule(nth=-1, weekday=4)),
        ("第二个周日", MonthlyRule(nth=2, weekday=6)),
        ("first fri", MonthlyRule(nth=1, weekday=4)),
        ("月末", MonthlyRule(last_day=True)),
    ],
)
def test_more_chinese_ways_of_naming_the_day(text: str, rule: MonthlyRule) -> None:
    assert parse_rule(text) == rule


# --- the whole setting: day, time, topic ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule", "at", "topic"),
    [
        ("15 09:00 学习主题", MonthlyRule(day=15), time(9, 0), "学习主题"),
        ("15号 9点 学习主题", MonthlyRule(day=15), time(9, 0), "学习主题"),
        ("15号9点半 学习主题", MonthlyRule(day=15), time(9, 30), "学习主题"),
        ("十五号 上午九点 学习", MonthlyRule(day=15), time(9, 0), "学习"),
        ("每月最后一个周五 上午9点半 主题", MonthlyRule(nth=-1, weekday=4), time(9, 30), "主题"),
        (
            "最后一个 周五 下午 3点 学习 党章",
            MonthlyRule(nth=-1, weekday=4),
            time(15, 0),
            "学习 党章",
        ),
        ("last-fri 14:00", MonthlyRule(nth=-1, weekday=4), time(14, 0), ""),
        ("第一个星期五 9：30 党史（上）", MonthlyRule(nth=1, weekday=4), time(9, 30), "党史（上）"),
        ("最后一天 晚上8点 月末学习", MonthlyRule(last_day=True), time(20, 0), "月末学习"),
        # The time ends at a space: a topic that starts with a number stays the topic.
        ("15 9点 30周年纪念", MonthlyRule(day=15), time(9, 0), "30周年纪念"),
        ("15 9点 半年总结", MonthlyRule(day=15), time(9, 0), "半年总结"),
        ("15 9点 30 周年", MonthlyRule(day=15), time(9, 0), "30 周年"),
    ],
)
def test_the_day_the_time_and_the_topic_are_told_apart(
    text: str, rule: MonthlyRule, at: time, topic: str
) -> None:
    assert parse_setting(text) == (rule, at, topic)


def test_a_day_without_a_time_asks_for_the_time() -> None:
    assert parse_setting("15") == (MonthlyRule(day=15), None, "")
    assert parse_setting("每月 最后一个 周五") == (MonthlyRule(nth=-1, weekday=4), None, "")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31 09:00 学习", "最后一天"),
        ("每月某天 09:00", "没看懂“每月某天”这个日子"),
        ("15 25:00 学习", "没有25点"),
        ("15 学习主题", "没看懂“学习主题”这个时间"),
        ("15 上午13点 学习", "上午没有13点"),
        ("每月二十九点 学习", "空一格"),  # 20号 9点, or 2号 19点?
        ("", "请写明"),
    ],
)
def test_a_wrong_day_or_time_in_the_setting_is_explained(text: str, says: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_setting(text)
    assert says in caught.value.message


# --- occurrences ----------------------------------------------------------------------------


def test_a_shanghai_theme_day_at_nine_is_one_in_the_morning_utc() -> None:
    got = occurrence_in(MonthlyRule(day=15), NINE, 2026, 6, SHANGHAI)
    assert got == utc(2026, 6, 15, 1, 0)
    assert got.tzinfo is UTC


def test_berlin_keeps_nine_oclock_local_across_summer_time() -> None:
    rule = MonthlyRule(day=15)
    assert occurrence_in(rule, NINE, 2026, 1, BERLIN) == utc(2026, 1, 15, 8, 0)
    assert occurrence_in(rule, NINE, 2026, 7, BERLIN) == utc(2026, 7, 15, 7, 0)


def test_a_time_skipped_by_the_spring_clock_change_moves_forward() -> None:
    # Berlin skips 02:00-03:00 on the last Sunday of March (29 March 2026).
    got = occurrence_in(MonthlyRule(nth=-1, weekday=6), time(2, 30), 2026, 3, BERLIN)
    assert got == utc(2026, 3, 29, 1, 30)
    assert got.astimezone(BERLIN).time() == time(3, 30)


def test_a_time_repeated_by_the_autumn_clock_change_means_the_first_of_the_two() -> None:
    # Berlin repeats 02:00-03:00 on 25 October 2026; the first 02:30 is still summer time.
    got = occurrence_in(MonthlyRule(nth=-1, weekday=6), time(2, 30), 2026, 10, BERLIN)
    assert got == utc(2026, 10, 25, 0, 30)


def test_a_local_time_with_a_zone_attached_is_refused() -> None:
    with pytest.raises(ValueError):
        occurrence_in(MonthlyRule(day=1), time(9, tzinfo=UTC), 2026, 1, SHANGHAI)


@pytest.mark.parametrize(
    ("rule", "after", "expected"),
    [
        # the last day, around month ends: one minute before, at, and after 09:00 local
        (MonthlyRule(last_day=True), utc(2026, 1, 31, 0, 59), utc(2026, 1, 31, 1, 0)),
        (MonthlyRule(last_day=True), utc(2026, 1, 31, 1, 0), utc(2026, 2, 28, 1, 0)),
        (MonthlyRule(last_day=True), utc(2026, 1, 31, 1, 1), utc(2026, 2, 28, 1, 0)),
        (MonthlyRule(last_day=True), utc(2024, 2, 28, 12, 0), utc(2024, 2, 29, 1, 0)),
        (MonthlyRule(last_day=True), utc(2026, 4, 29, 12, 0), utc(2026, 4, 30, 1, 0)),
        # year ends
        (MonthlyRule(last_day=True), utc(2026, 12, 31, 1, 0), utc(2027, 1, 31, 1, 0)),
        (MonthlyRule(day=1), utc(2026, 12, 15, 0, 0), utc(2027, 1, 1, 1, 0)),
        (MonthlyRule(nth=1, weekday=4), utc(2025, 12, 20, 0, 0), utc(2026, 1, 2, 1, 0)),
        (MonthlyRule(nth=-1, weekday=2), utc(2025, 12, 31, 1, 0), utc(2026, 1, 28, 1, 0)),
        # after midnight UTC on the 1st, it is already 08:00 on the 1st in Shanghai
        (MonthlyRule(day=1), utc(2026, 2, 28, 23, 0), utc(2026, 3, 1, 1, 0)),
        (MonthlyRule(day=1), utc(2026, 3, 1, 0, 30), utc(2026, 3, 1, 1, 0)),
        (MonthlyRule(day=1), utc(2026, 3, 1, 1, 30), utc(2026, 4, 1, 1, 0)),
    ],
)
def test_the_next_theme_day_in_shanghai(
    rule: MonthlyRule, after: datetime, expected: datetime
) -> None:
    assert next_occurrence(rule, NINE, after, SHANGHAI) == expected


@pytest.mark.parametrize(
    ("rule", "now", "expected"),
    [
        (MonthlyRule(last_day=True), utc(2026, 1, 31, 0, 59), utc(2025, 12, 31, 1, 0)),
        (MonthlyRule(last_day=True), utc(2026, 1, 31, 1, 0), utc(2026, 1, 31, 1, 0)),
        (MonthlyRule(last_day=True), utc(2026, 3, 1, 0, 0), utc(2026, 2, 28, 1, 0)),
        (MonthlyRule(day=1), utc(2027, 1, 1, 0, 59), utc(2026, 12, 1, 1, 0)),
        (MonthlyRule(day=1), utc(2027, 1, 1, 1, 0), utc(2027, 1, 1, 1, 0)),
        (MonthlyRule(nth=1, weekday=4), utc(2026, 1, 1, 12, 0), utc(2025, 12, 5, 1, 0)),
        (MonthlyRule(nth=-1, weekday=4), utc(2026, 1, 29, 0, 0), utc(2025, 12, 26, 1, 0)),
    ],
)
def test_the_latest_theme_day_in_shanghai(
    rule: MonthlyRule, now: datetime, expected: datetime
) -> None:
    assert latest_occurrence(rule, NINE, now, SHANGHAI) == expected


def test_next_and_latest_in_berlin_around_the_clock_changes() -> None:
    rule = MonthlyRule(nth=-1, weekday=6)  # the clock-change Sundays
    skipped, repeated = time(2, 30), time(2, 30)
    assert next_occurrence(rule, skipped, utc(2026, 3, 1), BERLIN) == utc(2026, 3, 29, 1, 30)
    assert next_occurrence(rule, repeated, utc(2026, 10, 1), BERLIN) == utc(2026, 10, 25, 0, 30)
    # between the first and the second 02:30 of 25 October, the theme day is over
    assert next_occurrence(rule, repeated, utc(2026, 10, 25, 0, 45), BERLIN) == utc(
        2026, 11, 29, 1, 30
    )
    assert latest_occurrence(rule, repeated, utc(2026, 10, 25, 1, 45), BERLIN) == utc(
        2026, 10, 25, 0, 30
    )
    assert latest_occurrence(rule, NINE, utc(2026, 3, 29, 7, 0), BERLIN) == utc(2026, 3, 29, 7, 0)
    assert latest_occurrence(rule, NINE, utc(2026, 3, 29, 6, 59), BERLIN) == utc(2026, 2, 22, 8, 0)


def test_after_and_now_may_be_given_in_any_zone_but_not_naive() -> None:
    after = datetime(2026, 1, 31, 8, 59, tzinfo=SHANGHAI)
    rule = MonthlyRule(last_day=True)
    assert next_occurrence(rule, NINE, after, SHANGHAI) == utc(2026, 1, 31, 1, 0)
    assert next_occurrence(rule, NINE, after.astimezone(BERLIN), SHANGHAI) == utc(2026, 1, 31, 1, 0)
    with pytest.raises(ValueError):
        next_occurrence(rule, NINE, datetime(2026, 1, 31, 8, 59), SHANGHAI)
    with pytest.raises(ValueError):
        latest_occurrence(rule, NINE, datetime(2026, 1, 31, 8, 59), SHANGHAI)


@given(
    st.sampled_from(ALL_RULES),
    st.times(),
    st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)),
    st.sampled_from([SHANGHAI, BERLIN]),
)
def test_latest_and_next_bracket_any_moment_with_nothing_between(
    rule: MonthlyRule, at: time, moment: datetime, tz: ZoneInfo
) -> None:
    at = at.replace(second=0, microsecond=0)
    before, after = latest_occurrence(rule, at, moment, tz), next_occurrence(rule, at, moment, tz)
    assert before <= moment < after
    assert before.tzinfo is UTC and after.tzinfo is UTC
    assert next_occurrence(rule, at, before, tz) == after
    assert latest_occurrence(rule, at, after, tz) == after
    # consecutive months: the next one is in the month after the latest one
    b, a = before.astimezone(tz), after.astimezone(tz)
    assert (a.year * 12 + a.month) - (b.year * 12 + b.month) == 1
    assert a.date() == rule.date_in(a.year, a.month)


def test_a_theme_day_on_a_day_the_zone_skipped_entirely_moves_to_the_next_morning() -> None:
    # Samoa jumped the date line and skipped Friday 30 December 2011 altogether.
    apia = ZoneInfo("Pacific/Apia")
    last_friday = MonthlyRule(nth=-1, weekday=4)
    got = occurrence_in(last_friday, NINE, 2011, 12, apia)
    assert got == utc(2011, 12, 30, 19, 0)
    assert got.astimezone(apia) == datetime(2011, 12, 31, 9, 0, tzinfo=apia)
    assert next_occurrence(last_friday, NINE, utc(2011, 12, 1), apia) == got
    assert latest_occurrence(last_friday, NINE, utc(2012, 1, 15), apia) == got
