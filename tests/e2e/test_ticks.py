"""The planner's ticks do work in proportion to what is due, not to the number of members: with
10,000 members, a tick after the day's greetings went out reads no member row at all (the time
it takes is a figure in bench/ticks.py, not an assertion here)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.runtime.jobs import Jobs
from storage.dates import BirthDate, Calendar
from storage.models import Branch, Member
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import GROUP_ID, Harness, ident

THURSDAY = date(2026, 11, 26)  # no festival, not the digest's Monday
# A statement that scans members (a join from another table's few due rows is fine).
SCANS_MEMBERS = re.compile(r"\bFROM\s+member\b", re.IGNORECASE)


def seed_members(harness: Harness, count: int, *, birthday_today: int) -> None:
    """`count` roster members, one in `birthday_today` of them born on this day of the year."""
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        rows: list[Member] = []
        for i in range(count):
            born = (
                BirthDate(Calendar.SOLAR, 1940 + i % 20, THURSDAY.month, THURSDAY.day)
                if i % birthday_today == 0
                else BirthDate(Calendar.SOLAR, 1945, 1 + i % 12, 3)
            )
            rows.append(
                Member(
                    branch_id=ident(branch.id),
                    name=f"成员{i}",
                    party_member=True,
                    joined_at=harness.clock.now(),
                    on_roster=True,
                    birth=born.to_storage(),
                    joined_party=date(1970 + i % 30, 7, 2),
                )
            )
        # As a roster import does: the branch's greetings for today are looked at again.
        s.add_all(rows)
        s.commit()


async def test_a_tick_with_nothing_due_reads_no_member_rows(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    await harness.start()
    await harness.setup_branch()
    seed_members(harness, 10_000, birthday_today=2_000)
    await harness.tick()  # today's greetings: five birthdays
    greeted = [t for t in harness.texts(GROUP_ID) if "生日" in t]
    assert len(greeted) == 5

    statements: list[str] = []
    loaded: list[Member] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def count(member: Member, context: Any) -> None:
        loaded.append(member)

    assert harness.runner is not None
    engine = harness.runner.db.engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(Member, "load", count)
    try:
        harness.clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=SHANGHAI))
        await harness.tick()
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(Member, "load", count)
    assert statements, "the tick ran no statement at all"
    assert [s for s in statements if SCANS_MEMBERS.search(s)] == []
    assert loaded == []
    assert len([t for t in harness.texts(GROUP_ID) if "生日" in t]) == 5


async def test_a_birthday_recorded_after_greeting_time_is_greeted_that_day(
    harness: Harness,
) -> None:
    harness.clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    await harness.start()
    await harness.setup_branch()
    seed_members(harness, 20, birthday_today=1_000)  # one birthday today: 成员0
    await harness.tick()
    assert len([t for t in harness.texts(GROUP_ID) if "生日" in t]) == 1
    with harness.session() as s:
        late = s.exec(select(Member).where(Member.name == "成员7")).one()
        late.birth = BirthDate(Calendar.SOLAR, 1950, THURSDAY.month, THURSDAY.day).to_storage()
        s.add(late)
        s.commit()
    harness.clock.set(datetime(2026, 11, 26, 16, 0, tzinfo=SHANGHAI))
    await harness.tick()
    greeted = [t for t in harness.texts(GROUP_ID) if "生日" in t]
    assert len(greeted) == 2 and "成员7" in greeted[-1]


async def test_finished_jobs_are_pruned_once_a_night(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    pruned: list[datetime] = []

    async def prune(self: Jobs) -> None:
        pruned.append(harness.clock.now())

    monkeypatch.setattr(Jobs, "prune", prune)
    await harness.start()
    harness.clock.set(datetime(2026, 11, 27, 3, 59, tzinfo=SHANGHAI))
    await harness.tick()
    for minute in (0, 1, 30, 59):  # every tick of the 04:00 hour
        harness.clock.set(datetime(2026, 11, 27, 4, minute, tzinfo=SHANGHAI))
        await harness.tick()
    harness.clock.set(datetime(2026, 11, 28, 4, 5, tzinfo=SHANGHAI))
    await harness.tick()
    assert [p.astimezone(SHANGHAI).date() for p in pruned] == [
        date(2026, 11, 27),
        date(2026, 11, 28),
    ]
