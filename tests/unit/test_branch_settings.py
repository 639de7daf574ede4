"""The settings a secretary can change: defaults, ranges, and tolerance of odd stored values."""

from __future__ import annotations

from datetime import time

import pytest

from bot.core.branch_settings import BranchSettings, SettingError


def test_a_new_branch_has_the_documented_defaults() -> None:
    s = BranchSettings.from_options({})
    assert (s.deadline_days, s.reminder_days_after, s.reminder_time) == (7, 2, time(9, 0))
    assert (s.ack_delay_seconds, s.honorific, s.catchup_hours) == (15, "同志", 0)


def test_stored_values_are_read_and_odd_ones_fall_back_to_the_default() -> None:
    s = BranchSettings.from_options(
        {
            "deadline_days": 10,
            "reminder_time": "08:30",
            "honorific": "老师",
            "ack_delay_seconds": 500,  # out of range: the default
            "catchup_hours": True,  # not a number: the default
            "reminder_days_after": "3",  # a string: the default
        }
    )
    assert s.deadline_days == 10 and s.reminder_time == time(8, 30) and s.honorific == "老师"
    assert (s.ack_delay_seconds, s.catchup_hours, s.reminder_days_after) == (15, 0, 2)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("deadline_days", 0),
        ("deadline_days", 31),
        ("reminder_days_after", 0),
        ("ack_delay_seconds", -1),
        ("ack_delay_seconds", 91),
        ("catchup_hours", 73),
        ("honorific", "先生"),
        ("reminder_time", "9点"),
        ("reminder_time", "25:00"),
        ("no_such_setting", 1),
    ],
)
def test_a_value_a_setting_cannot_take_is_refused(key: str, value: object) -> None:
    with pytest.raises(SettingError):
        BranchSettings().changed(key, value)


def test_a_change_is_stored_as_the_option_value() -> None:
    s = BranchSettings().changed("reminder_time", time(8, 30)).changed("deadline_days", 10)
    assert s.option_value("reminder_time") == "08:30"
    assert s.option_value("deadline_days") == 10
    assert BranchSettings.from_options({"reminder_time": "08:30", "deadline_days": 10}) == s
