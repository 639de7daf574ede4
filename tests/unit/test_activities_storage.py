"""Sign-ups against a real (temporary) database, without Telegram: seats counted in people, the
waiting list in tap order, promotions that never skip anyone, answers that are idempotent, and
the year's figures for the bureau's report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from storage import activities, branches
from storage.activities import DECLINED, GOING, WAITING, Choice
from storage.db import Database, sqlite_url
from storage.models import Activity

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    s = Session(db.engine)
    branches.create(s, chat_id=-100, title="老干之家", now=NOW)
    for user_id in range(1, 11):
        branches.ensure_member(s, branch_id=1, user_id=user_id, name=f"同志{user_id}", now=NOW)
    s.flush()
    return s


def outing(
    session: Session,
    *,
    capacity: int | None = 3,
    plus_one: bool = True,
    starts_at: datetime = NOW + timedelta(days=6),
    title: str = "秋游",
) -> Activity:
    return activities.create(
        session,
        branch_id=1,
        title=title,
        starts_at=starts_at,
        place="红旗村",
        notes="",
        deadline=starts_at - timedelta(days=2),
        capacity=capacity,
        plus_one=plus_one,
        public_list=False,
        meet_place=None,
        meet_at=None,
        created_by=1,
        now=NOW,
    )


def tap(session: Session, activity: Activity, member: int, choice: Choice) -> activities.Answered:
    return activities.answer(session, activity, member, choice, now=NOW)


def statuses(session: Session, activity: Activity) -> dict[int, str]:
    assert activity.id is not None
    return {s.member_id: s.status for s, _ in activities.answers(session, activity.id)}


def test_beyond_capacity_members_wait_in_tap_order(session: Session) -> None:
    trip = outing(session)
    for member in (1, 2, 3, 4, 5):
        tap(session, trip, member, "yes")
    assert statuses(session, trip) == {1: GOING, 2: GOING, 3: GOING, 4: WAITING, 5: WAITING}
    assert trip.id is not None
    assert [r.member_id for r in activities.waiting(session, trip.id)] == [4, 5]
    assert activities.tally(session, trip.id) == activities.Tally(going=3, waiting=2)


def test_a_withdrawal_moves_the_first_waiting_member_up(session: Session) -> None:
    trip = outing(session)
    for member in (1, 2, 3, 4, 5):
        tap(session, trip, member, "yes")
    result = tap(session, trip, 2, "no")
    assert [r.member_id for r in result.promoted] == [4]
    assert statuses(session, trip)[4] == GOING and statuses(session, trip)[5] == WAITING
    row = activities.signup(session, trip.id or 0, 5)
    assert row is not None and activities.position(session, row) == 1


def test_the_same_answer_twice_changes_nothing_and_the_latest_stands(session: Session) -> None:
    trip = outing(session)
    first = tap(session, trip, 1, "yes")
    again = tap(session, trip, 1, "yes")
    assert first.changed and not again.changed
    tap(session, trip, 1, "no")
    tap(session, trip, 1, "no")
    assert statuses(session, trip) == {1: DECLINED}
    tap(session, trip, 1, "family")
    assert statuses(session, trip) == {1: GOING}
    assert activities.tally(session, trip.id or 0) == activities.Tally(going=1, family=1)


def test_a_family_member_takes_a_seat_and_is_refused_when_none_is_free(session: Session) -> None:
    trip = outing(session)
    tap(session, trip, 1, "family")
    tap(session, trip, 2, "yes")
    assert activities.seats_taken(session, trip.id or 0) == 3
    refused = tap(session, trip, 2, "family")
    assert refused.family_refused and not refused.changed
    assert statuses(session, trip) == {1: GOING, 2: GOING}
    # Coming alone instead frees a seat for the next in line.
    tap(session, trip, 3, "yes")
    assert statuses(session, trip)[3] == WAITING
    moved = tap(session, trip, 1, "yes")
    assert [r.member_id for r in moved.promoted] == [3]


def test_every_family_member_is_counted(session: Session) -> None:
    trip = outing(session, capacity=7)
    for member in (1, 2, 3):
        tap(session, trip, member, "family")
    tap(session, trip, 4, "family")
    assert activities.seats_taken(session, trip.id or 0) == 6
    assert activities.tally(session, trip.id or 0) == activities.Tally(going=3, family=3, waiting=1)


def test_nobody_jumps_a_waiting_member_who_needs_two_seats(session: Session) -> None:
    trip = outing(session)
    for member in (1, 2, 3):
        tap(session, trip, member, "yes")
    tap(session, trip, 4, "family")  # waits for two seats
    tap(session, trip, 5, "yes")
    assert tap(session, trip, 1, "no").promoted == []  # one seat free: 4 keeps the place
    tap(session, trip, 6, "yes")  # comes later: behind them
    assert statuses(session, trip)[6] == WAITING
    moved = tap(session, trip, 2, "no")
    assert [r.member_id for r in moved.promoted] == [4]
    assert activities.seats_taken(session, trip.id or 0) == 3


def test_asking_again_after_declining_goes_to_the_end_of_the_list(session: Session) -> None:
    trip = outing(session, capacity=1)
    tap(session, trip, 1, "yes")
    tap(session, trip, 2, "yes")
    tap(session, trip, 3, "yes")
    tap(session, trip, 2, "no")
    tap(session, trip, 2, "yes")
    assert [r.member_id for r in activities.waiting(session, trip.id or 0)] == [3, 2]


def test_without_a_limit_everyone_goes_and_a_forbidden_family_member_is_not_counted(
    session: Session,
) -> None:
    trip = outing(session, capacity=None, plus_one=False)
    for member in range(1, 11):
        tap(session, trip, member, "family")
    assert activities.tally(session, trip.id or 0) == activities.Tally(going=10)


def test_checking_in_someone_who_never_answered_and_undoing_it(session: Session) -> None:
    trip = outing(session)
    assert trip.id is not None
    tap(session, trip, 1, "yes")
    assert activities.check_in(session, trip.id, 1, by=1, now=NOW)
    assert not activities.check_in(session, trip.id, 1, by=1, now=NOW)
    assert activities.check_in(session, trip.id, 7, by=1, now=NOW)
    assert activities.tally(session, trip.id) == activities.Tally(going=1, arrived=2)
    assert [m.id for m in activities.unanswered(session, trip)] == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    activities.undo_check_in(session, trip.id, 7)
    activities.undo_check_in(session, trip.id, 1)
    assert activities.tally(session, trip.id) == activities.Tally(going=1)
    assert activities.signup(session, trip.id, 7) is None


def test_only_activities_with_something_due_are_looked_at(session: Session) -> None:
    trip = outing(session)
    later = outing(session, title="重阳节座谈会")
    trip.next_due_at = NOW - timedelta(minutes=1)
    later.next_due_at = NOW + timedelta(days=1)
    session.flush()
    assert [a.id for a in activities.due(session, NOW)] == [trip.id]


def test_the_years_figures_count_what_was_held(session: Session) -> None:
    spring = outing(session, title="春游", starts_at=datetime(2026, 4, 20, 1, 0, tzinfo=UTC))
    autumn = outing(session, title="秋游", starts_at=datetime(2026, 10, 20, 1, 0, tzinfo=UTC))
    rained = outing(session, title="参观企业", starts_at=datetime(2026, 6, 1, 1, 0, tzinfo=UTC))
    # Shanghai's 1 January 2027 starts at 16:00 UTC on 31 December: next year's.
    outing(session, title="元旦座谈会", starts_at=datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    for trip, members in ((spring, (1, 2, 3)), (autumn, (1, 2, 3, 4, 5)), (rained, (1, 2))):
        for member in members:
            tap(session, trip, member, "family" if member == 1 else "yes")
    rained.status = activities.CANCELLED
    for member in (1, 2, 3):
        activities.check_in(session, spring.id or 0, member, by=1, now=NOW)
    activities.check_in(session, autumn.id or 0, 2, by=1, now=NOW)
    session.flush()

    year = activities.year_figures(session, 1, 2026, tz=SHANGHAI)
    assert (year.held, year.cancelled) == (2, 1)
    # Capacity 3: the spring outing seats 1 (with family) and 2; 3 waits.
    assert (year.signups, year.family, year.attended) == (2 + 2, 1 + 1, 3 + 1)
    assert [a.title for a in year.activities] == ["春游", "参观企业", "秋游"]
    assert activities.year_figures(session, 1, 2027, tz=SHANGHAI).held == 1
    midyear = activities.year_figures(
        session, 1, 2026, tz=SHANGHAI, until=datetime(2026, 7, 1, tzinfo=UTC)
    )
    assert midyear.held == 1
