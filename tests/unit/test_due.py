"""The planner's "anything due?" questions (storage/due.py) and how the planner uses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.context import Services
from schedules.planner import Planner
from storage import flows, quiz
from storage.db import Database, sqlite_url
from storage.due import Due, DueChecks
from storage.models import Flow

NOW = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(sqlite_url(tmp_path / "y.db"))
    database.migrate()
    return database


def add_flow(db: Database, updated_at: datetime) -> None:
    with db.session() as s:
        s.add(
            Flow(
                user_id=1,
                chat_id=1,
                kind="t",
                step="s",
                started_at=updated_at,
                updated_at=updated_at,
            )
        )
        s.commit()


def test_each_condition_is_answered_with_its_own_moment(db: Database) -> None:
    lifetime = timedelta(hours=2)
    checks = DueChecks([quiz.CLOSE_DUE, flows.FLOWS_DUE.earlier(lifetime)])
    assert checks.ask(db, NOW) == [False, False]

    add_flow(db, NOW - timedelta(hours=1))  # still within its lifetime
    assert checks.ask(db, NOW) == [False, False]
    assert checks.ask(db, NOW + timedelta(hours=1, seconds=1)) == [False, True]
    # The work then finds exactly what the condition saw.
    with db.session() as s:
        assert flows.forget_before(s, NOW + timedelta(hours=1, seconds=1) - lifetime) == 1
        s.commit()
    assert checks.ask(db, NOW + timedelta(hours=5)) == [False, False]


def test_two_conditions_may_not_share_a_parameter() -> None:
    with pytest.raises(ValueError, match="same parameter"):
        DueChecks([flows.FLOWS_DUE, flows.FLOWS_DUE.earlier(timedelta(hours=1))])


class Stand:
    """The two things the planner takes from the services."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def now(self) -> datetime:
        return NOW


async def test_the_planner_runs_gated_work_only_when_due(db: Database) -> None:
    ran: list[str] = []

    async def always(services: Any, now: datetime) -> None:
        ran.append("always")

    async def forget(services: Any, now: datetime) -> None:
        ran.append("forget")

    planner = Planner(cast(Services, Stand(db)))
    planner.register("always", always)
    planner.register("forget", forget, [flows.FLOWS_DUE.earlier(timedelta(hours=2))])

    await planner.tick()
    assert ran == ["always"]

    add_flow(db, NOW - timedelta(hours=3))
    ran.clear()
    await planner.tick()
    assert ran == ["always", "forget"]


async def test_the_planner_runs_everything_when_it_cannot_ask(db: Database) -> None:
    ran: list[str] = []

    async def forget(services: Any, now: datetime) -> None:
        ran.append("forget")

    broken = Due(quiz.CLOSE_DUE.where, "no_such_parameter")  # the statement cannot run
    planner = Planner(cast(Services, Stand(db)))
    planner.register("forget", forget, [broken])
    await planner.tick()
    assert ran == ["forget"]
