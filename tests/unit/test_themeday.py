"""The theme day's pure parts: how materials are grouped into sends, the rule kept in the
branch's options, the catch-up window, dates in words."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.material_batches import MAX_GROUP, Batch, Item, message_count, plan
from bot.core.monthly_rule import MonthlyRule, latest_occurrence, parse_rule
from bot.services import themeday as theme_day
from storage.models import Branch

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def items(kinds: str) -> list[Item]:
    names = {"d": "document", "p": "photo", "t": "text", "l": "link"}
    return [Item(i, names[k]) for i, k in enumerate(kinds, start=1)]


def shape(batches: list[Batch]) -> list[tuple[str, list[int]]]:
    return [(b.method, [i.id for i in b.items]) for b in batches]


def test_documents_and_photos_are_grouped_apart_where_the_first_of_each_was() -> None:
    assert shape(plan(items("dptdp"))) == [
        ("sendMediaGroup", [1, 4]),
        ("sendMediaGroup", [2, 5]),
        ("sendMessage", [3]),
    ]


def test_a_lone_file_goes_as_a_plain_send() -> None:
    assert shape(plan(items("dpt"))) == [
        ("sendDocument", [1]),
        ("sendPhoto", [2]),
        ("sendMessage", [3]),
    ]


def test_groups_hold_at_most_ten_and_a_lone_eleventh_goes_alone() -> None:
    batches = plan(items("d" * 11))
    assert [(b.method, len(b.items)) for b in batches] == [
        ("sendMediaGroup", MAX_GROUP),
        ("sendDocument", 1),
    ]
    assert message_count(batches) == 11


def test_texts_and_links_keep_their_order_and_nothing_is_lost() -> None:
    given = items("tlddtpp")
    batches = plan(given)
    assert sorted(i.id for b in batches for i in b.items) == [i.id for i in given]
    assert shape(batches)[:2] == [("sendMessage", [1]), ("sendMessage", [2])]
    assert plan([]) == []


def branch(options: str = "{}") -> Branch:
    return Branch(chat_id=-100, title="老干之家", created_at=NOW, options=options)


def test_the_rule_round_trips_through_the_branch_options() -> None:
    b = branch()
    assert theme_day.rule_of(b) is None
    theme_day.set_rule(b, parse_rule("last-fri"), time(9, 30), "党史", by=7, now=NOW)
    rule = theme_day.rule_of(b)
    assert rule is not None
    assert (rule.rule, rule.at, rule.topic, rule.since, rule.set_by) == (
        MonthlyRule(nth=-1, weekday=4),
        time(9, 30),
        "党史",
        NOW,
        7,
    )
    assert theme_day.clear_rule(b) and theme_day.rule_of(b) is None
    assert not theme_day.clear_rule(b)


def test_a_damaged_stored_rule_reads_as_no_rule() -> None:
    assert theme_day.rule_of(branch('{"themeday": {"rule": "99", "time": "09:00"}}')) is None
    assert theme_day.rule_of(branch('{"themeday": "15"}')) is None


@pytest.mark.parametrize(
    ("late", "hours", "allowed"),
    [
        (timedelta(minutes=0), 0, True),
        (timedelta(hours=2), 0, True),
        (timedelta(hours=14, minutes=59), 0, True),  # 23:59 the same day
        (timedelta(hours=15), 0, False),  # midnight: the next day
        (timedelta(hours=6), 6, True),
        (timedelta(hours=6, minutes=1), 6, False),
        (timedelta(hours=20), 24, True),
    ],
)
def test_the_catch_up_window(late: timedelta, hours: int, allowed: bool) -> None:
    b = branch(f'{{"catchup_hours": {hours}}}')
    due = datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI)
    assert theme_day.may_catch_up(b, due, due + late, SHANGHAI) is allowed


def test_the_latest_day_of_a_last_day_rule_in_short_and_leap_months() -> None:
    rule = parse_rule("last")
    at = time(9, 0)
    cases = {
        datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI): date(2027, 2, 28),
        datetime(2028, 3, 1, 8, 0, tzinfo=SHANGHAI): date(2028, 2, 29),
        datetime(2026, 5, 1, 8, 0, tzinfo=SHANGHAI): date(2026, 4, 30),
    }
    for now, expected in cases.items():
        assert latest_occurrence(rule, at, now, SHANGHAI).astimezone(SHANGHAI).date() == expected


def test_the_next_theme_day_in_words_and_how_far_off() -> None:
    b = branch()
    theme_day.set_rule(b, parse_rule("15"), time(9, 0), "学习", by=7, now=NOW)
    rule = theme_day.rule_of(b)
    assert rule is not None
    now = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)
    assert theme_day.next_words(rule, now, SHANGHAI) == ("12月15日（周二）09:00", "5天后")
    on_the_day = datetime(2026, 12, 15, 0, 0, tzinfo=UTC)
    assert theme_day.next_words(rule, on_the_day, SHANGHAI) == ("12月15日（周二）09:00", "今天")
