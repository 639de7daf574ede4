"""Whether a push started by hand replaces the month's scheduled theme day (pure rule)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.monthly_rule import MonthlyRule, push_now_effect

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIFTEENTH = MonthlyRule(day=15)
NINE = time(9, 0)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def test_before_the_day_with_no_push_this_month_it_replaces_the_scheduled_one() -> None:
    effect = push_now_effect(FIFTEENTH, NINE, at(12, 10), SHANGHAI, [])
    assert effect.replaces and effect.replaced_by is None
    assert effect.scheduled == at(12, 15, 9)


def test_on_the_day_before_its_time_it_still_replaces_it() -> None:
    assert push_now_effect(FIFTEENTH, NINE, at(12, 15, 8, 59), SHANGHAI, []).replaces


def test_after_the_time_it_is_an_extra_push_and_the_next_month_is_untouched() -> None:
    effect = push_now_effect(FIFTEENTH, NINE, at(12, 15, 9, 1), SHANGHAI, [date(2026, 12, 15)])
    assert not effect.replaces and effect.replaced_by is None
    assert effect.scheduled == datetime(2027, 1, 15, 9, 0, tzinfo=SHANGHAI)


def test_an_earlier_push_this_month_already_stood_in_for_it() -> None:
    pushed = [date(2026, 11, 20), date(2026, 12, 3), date(2026, 12, 8)]
    effect = push_now_effect(FIFTEENTH, NINE, at(12, 10), SHANGHAI, pushed)
    assert not effect.replaces and effect.replaced_by == date(2026, 12, 3)
    assert effect.scheduled == at(12, 15, 9)


def test_weekday_and_last_day_rules() -> None:
    first_friday = MonthlyRule(nth=1, weekday=4)
    effect = push_now_effect(first_friday, NINE, at(12, 2), SHANGHAI, [])
    assert effect.replaces and effect.scheduled == at(12, 4, 9)
    last_day = MonthlyRule(last_day=True)
    effect = push_now_effect(last_day, time(20, 0), at(2, 28, 21), SHANGHAI, [])
    assert not effect.replaces and effect.scheduled == datetime(2026, 3, 31, 20, tzinfo=SHANGHAI)
