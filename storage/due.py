"""Whether timed work has anything to do, asked of the database in one statement per tick.

The planner runs every feature's timed work every 20 seconds, and on almost every tick there is
nothing to do: no quiz to close, no thanks to send, no expired question to forget. Opening a
transaction and running a feature's queries only to find that out cost about a millisecond a
feature (bench/ticks.py). Instead each feature names, as a `Due`, the condition its work looks
for — the same SQL condition its own query then uses, so the two cannot disagree — and the
planner asks all of them at once: `SELECT EXISTS(...), EXISTS(...), ...`, built once, each EXISTS
over an indexed column or a small table. A feature's work runs only when one of its conditions
holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, exists, select

from storage.db import Database


@dataclass(frozen=True, eq=False)
class Due:
    """Rows matching `where` mean work is due. `where` may compare a time column with the
    bound parameter named `moment` (unique among all conditions), which is then the tick's
    time minus `ago`."""

    where: ColumnElement[bool]
    moment: str | None = None
    ago: timedelta = timedelta(0)

    def at(self, now: datetime) -> dict[str, Any]:
        """The parameters binding `where` for a tick at `now`."""
        return self.bind(now - self.ago)

    def bind(self, moment: datetime) -> dict[str, Any]:
        """The parameters binding `where` to `moment` itself (for the work's own query)."""
        return {} if self.moment is None else {self.moment: moment}

    def earlier(self, ago: timedelta) -> Due:
        """The same condition, compared with `ago` before the tick's time."""
        return replace(self, ago=ago)


class DueChecks:
    """Several `Due`s asked together, with the statement built once."""

    def __init__(self, dues: Sequence[Due]) -> None:
        names = [due.moment for due in dues if due.moment is not None]
        if len(set(names)) != len(names):
            raise ValueError(f"two conditions bind the same parameter: {sorted(names)}")
        self.dues = list(dues)
        self._statement: Executable | None = (
            select(*(exists().where(due.where) for due in dues)) if dues else None
        )

    def ask(self, db: Database, now: datetime) -> list[bool]:
        """Which conditions hold at `now`, in order (a read: no write lock is taken)."""
        if self._statement is None:
            return []
        params: dict[str, Any] = {}
        for due in self.dues:
            params.update(due.at(now))
        with db.engine.connect() as connection:
            row = connection.execute(self._statement, params).one()
        return [bool(value) for value in row]
