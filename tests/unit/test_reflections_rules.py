"""Pure rules for reflections: how a submission is described, when reminders and thanks are due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.reflections import (
    ack_ready,
    describe,
    due_reminder,
    months_back,
    short_kind,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_what_was_received() -> None:
    assert describe("voice", 72) == "语音心得（1分12秒）"
    assert describe("text") == "文字心得"
    assert describe("photo", 10) == "照片心得"  # photos have no length
    assert describe("video_note", 0) == "视频心得"
    assert short_kind("audio", 65) == "录音1分5秒"


REMINDERS = [at(28, 9), at(3, 9, month=12)]
PUSHED = at(26, 9)
DEADLINE = at(3, 23, 59, month=12)


def due(now: datetime, reminders: list[datetime] = REMINDERS) -> datetime | None:
    return due_reminder(reminders, pushed_at=PUSHED, deadline=DEADLINE, now=now, tz=TZ)


def test_a_reminder_is_due_from_its_time_to_the_end_of_that_local_day() -> None:
    assert due(at(28, 8, 59)) is None
    assert due(at(28, 9)) == at(28, 9)
    assert due(at(28, 23, 59)) == at(28, 9)
    assert due(at(29, 0, 1)) is None  # missed yesterday: skipped, not sent a day late
    assert due(at(3, 20, month=12)) == at(3, 9, month=12)


def test_no_reminders_after_the_deadline_or_before_the_push() -> None:
    assert due(at(4, 9, month=12)) is None
    assert due_reminder(REMINDERS, pushed_at=None, deadline=DEADLINE, now=at(28, 10), tz=TZ) is None
    late_push = at(28, 10)
    assert (
        due_reminder(REMINDERS, pushed_at=late_push, deadline=DEADLINE, now=at(28, 11), tz=TZ)
        is None
    )


def test_two_reminders_due_the_same_day_send_only_the_latest() -> None:
    same_day = [at(28, 9), at(28, 15)]
    assert due(at(28, 16), same_day) == at(28, 15)


def test_thanks_wait_for_a_quiet_moment_but_not_forever() -> None:
    start = at(26, 9)
    delay, max_wait = timedelta(seconds=15), timedelta(seconds=90)
    assert not ack_ready([], now=start, delay=delay, max_wait=max_wait)
    assert not ack_ready([start], now=start + timedelta(seconds=10), delay=delay, max_wait=max_wait)
    assert ack_ready([start], now=start + timedelta(seconds=15), delay=delay, max_wait=max_wait)
    busy = [start + timedelta(seconds=s) for s in range(0, 100, 5)]
    assert ack_ready(busy, now=start + timedelta(seconds=96), delay=delay, max_wait=max_wait)


@pytest.mark.parametrize(
    ("today", "back", "expected"),
    [
        (date(2026, 11, 26), 3, date(2026, 8, 26)),
        (date(2026, 2, 15), 3, date(2025, 11, 15)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2028, 5, 31), 3, date(2028, 2, 29)),
    ],
)
def test_months_back(today: date, back: int, expected: date) -> None:
    assert months_back(today, back) == expected
