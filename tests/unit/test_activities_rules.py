"""The rules of an activity's life (bot/core/activities.py): phases, when each reminder is due,
the quiet period between card edits, and a card that fits however many sign up."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import activities as rules
from bot.core.activities import Details, Person, Phase, Plan, Reminder
from bot.demo.fake.html import parse_html
from storage.activities import Tally

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


# An outing on Sunday 8 November at 09:00, meeting at 08:00; sign-up until Thursday 18:00;
# the card went out on Monday 2 November at 09:00.
PLAN = Plan(
    starts_at=at(11, 8, 9),
    deadline=at(11, 5, 18),
    created_at=at(11, 2, 9),
    meet_at=at(11, 8, 8),
)


def test_the_phases_of_an_outing() -> None:
    assert PLAN.phase(at(11, 5, 17, 59), TZ) is Phase.OPEN
    assert PLAN.phase(at(11, 5, 18), TZ) is Phase.CLOSED
    assert PLAN.phase(at(11, 8, 6, 59), TZ) is Phase.CLOSED
    assert PLAN.phase(at(11, 8, 7), TZ) is Phase.CHECKIN  # an hour before meeting
    assert PLAN.phase(at(11, 8, 23, 59), TZ) is Phase.CHECKIN
    assert PLAN.phase(at(11, 9, 0), TZ) is Phase.OVER
    cancelled = Plan(PLAN.starts_at, PLAN.deadline, PLAN.created_at, cancelled=True)
    assert cancelled.phase(at(11, 3, 9), TZ) is Phase.CANCELLED
    assert cancelled.next_event(at(11, 3, 9), TZ) is None


def test_an_evening_forum_keeps_check_in_open_three_hours() -> None:
    evening = Plan(at(11, 8, 22), at(11, 7, 18), at(11, 2, 9))
    assert evening.checkin_closes(TZ) == at(11, 9, 1)


def test_each_reminder_is_due_in_its_window_only() -> None:
    assert PLAN.nudge(TZ) == at(11, 4, 10)
    assert PLAN.day_before(TZ) == at(11, 7, 18)
    assert PLAN.soon(TZ) == at(11, 8, 6, 30)  # 2 h before 08:00 would be 06:00: too early
    expected = {
        at(11, 4, 9, 59): [],
        at(11, 4, 10): [Reminder.NUDGE],
        at(11, 5, 17, 59): [Reminder.NUDGE],
        at(11, 5, 18): [],
        at(11, 7, 18): [Reminder.DAY_BEFORE],
        at(11, 7, 21, 59): [Reminder.DAY_BEFORE],
        at(11, 7, 22): [],  # four hours of catching up, no more
        at(11, 8, 6, 30): [Reminder.SOON],
        at(11, 8, 7, 59): [Reminder.SOON],
        at(11, 8, 8): [],
    }
    for now, due in expected.items():
        assert PLAN.due(now, TZ) == due, now


def test_a_late_afternoon_start_is_reminded_two_hours_before_the_start() -> None:
    forum = Plan(at(11, 8, 15), at(11, 7, 12), at(11, 2, 9))
    assert forum.soon(TZ) == at(11, 8, 13)


def test_no_day_before_reminder_for_an_activity_made_after_it_was_due() -> None:
    late = Plan(at(11, 8, 9), at(11, 7, 20), created_at=at(11, 7, 19))
    assert late.day_before(TZ) is None
    assert Reminder.DAY_BEFORE not in late.due(at(11, 7, 19, 30), TZ)


def test_the_note_to_those_who_have_not_answered_is_never_too_soon_or_too_late() -> None:
    # Made on Wednesday for a Thursday-evening deadline: the day before is too soon after the
    # card, so the note goes on Thursday at 10:00.
    assert Plan(at(11, 8, 9), at(11, 5, 18), at(11, 4, 9)).nudge(TZ) == at(11, 5, 10)
    # A deadline at 11:00: 10:00 that day is within two hours of it; the day before is fine.
    assert Plan(at(11, 8, 9), at(11, 5, 11), at(11, 1, 9)).nudge(TZ) == at(11, 4, 10)
    # Made the evening before a morning deadline: no note at all.
    assert Plan(at(11, 8, 9), at(11, 5, 11), at(11, 4, 20)).nudge(TZ) is None


def test_the_next_event_walks_through_the_timeline() -> None:
    times = []
    now = PLAN.created_at
    while (now := PLAN.next_event(now, TZ)) is not None:  # type: ignore[assignment]
        times.append(now)
    assert times == [
        at(11, 4, 10),
        at(11, 5, 18),
        at(11, 7, 18),
        at(11, 8, 6, 30),
        at(11, 8, 7),
        at(11, 9, 0),
    ]


def test_the_card_is_edited_at_once_after_a_quiet_spell_else_after_it() -> None:
    now = at(11, 3, 9)
    assert rules.card_edit_at(None, now) == now
    assert rules.card_edit_at(now - timedelta(seconds=31), now) == now
    assert rules.card_edit_at(now - timedelta(seconds=10), now) == now + timedelta(seconds=20)


DETAILS = Details(
    title="秋游：参观<红旗>村",
    starts_at=at(11, 8, 9),
    place="红旗村",
    notes="带身份证",
    deadline=at(11, 5, 18),
    capacity=200,
    plus_one=True,
    public_list=True,
    meet_place="局机关大院门口",
    meet_at=at(11, 8, 8),
)


def test_a_card_with_two_hundred_names_fits_in_a_message() -> None:
    going = [Person(f"同志第{n:03d}号", family=n % 3 == 0) for n in range(200)]
    text = rules.card(DETAILS, Phase.OPEN, Tally(going=200, family=66, waiting=5), TZ, going=going)
    plain, _ = parse_html(text)
    assert len(plain) < 4096
    assert "✋ 已报名 266人（含家属66人），名额已满；候补5人" in plain
    assert "同志第000号" in plain and "同志第199号" not in plain and "另有" in plain
    assert "&lt;红旗&gt;" in text


def test_a_card_without_a_public_list_shows_only_counts() -> None:
    private = Details(**{**DETAILS.__dict__, "public_list": False})
    text = rules.card(private, Phase.OPEN, Tally(going=3), TZ, going=[Person("王建国")])
    assert "王建国" not in text and "已报名 <b>3</b>人" in text
    assert "🚌 集合：局机关大院门口，08:00" in text
    assert "11月8日（周日）09:00" in text


def test_a_cancelled_card_says_so_and_why() -> None:
    details = Details(**{**DETAILS.__dict__, "cancel_reason": "天气预报有大雨"})
    text = rules.card(details, Phase.CANCELLED, Tally(going=3), TZ)
    assert "（已取消）" in text and "原因：天气预报有大雨" in text and "已报名" not in text


def test_the_count_on_the_day_shows_who_has_arrived() -> None:
    text = rules.card(DETAILS, Phase.CHECKIN, Tally(going=10, arrived=7), TZ)
    assert "✅ 已到 <b>7</b>人" in text and "我到了" in text
