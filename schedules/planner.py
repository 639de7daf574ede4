"""The planner: one repeating job that runs every feature's due work in turn.

Each feature registers `async def run_due(services, now)`. It must be idempotent: the planner
calls it on every tick (the first one shortly after start), and the outbox's dedupe keys make sure a message
that is due is queued once however often it is asked.

A feature whose work is found in the database may also name, as `DUE`, the conditions that
work looks for (storage/due.py): the planner asks all of them in one statement each tick and
runs the work only when one holds, so that a tick with nothing due costs one read instead of a
transaction and a few queries per feature (bench/ticks.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import BotContext, Services
from storage.due import Due, DueChecks

log = logging.getLogger(__name__)

# The first tick comes this long after start (or after one interval, if shorter): updates that
# piled up while the bot was down (a quiz's votes, a command) go first; timed work can wait.
FIRST_TICK = 2.0

DueWork = Callable[[Services, datetime], Awaitable[None]]


class Planner:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.works: list[tuple[str, DueWork, list[Due]]] = []
        self._lock = asyncio.Lock()
        self._checks: DueChecks | None = None
        self.ticks = 0

    def register(self, name: str, work: DueWork, due: Sequence[Due] = ()) -> None:
        """Run `work` every tick; with `due`, only on ticks when one of those conditions holds."""
        self.works.append((name, work, list(due)))
        self._checks = None

    async def tick(self) -> None:
        """Run every feature's due work once for the clock's current time."""
        async with self._lock:  # a slow tick and the next one must not overlap
            now = self.services.now()
            for name, work in self._due_works(now):
                try:
                    await work(self.services, now)
                except Exception:
                    log.exception("planner: %s failed; it will be tried again next tick", name)
            self.ticks += 1

    def _due_works(self, now: datetime) -> list[tuple[str, DueWork]]:
        """The works to run at `now`: those without conditions, and those with one holding."""
        if self._checks is None:
            self._checks = DueChecks([due for _, _, dues in self.works for due in dues])
        try:
            holds = iter(self._checks.ask(self.services.db, now))
        except Exception:
            log.exception("planner: could not ask what is due; running every work")
            return [(name, work) for name, work, _ in self.works]
        chosen = []
        for name, work, dues in self.works:
            answers = [next(holds) for _ in dues]
            if not dues or any(answers):
                chosen.append((name, work))
        return chosen

    async def _job(self, context: BotContext) -> None:
        await self.tick()

    def install(self, application: Application[Any, BotContext, Any, Any, Any, Any]) -> None:
        assert application.job_queue is not None
        application.job_queue.run_repeating(
            self._job,
            interval=self.services.settings.tick_seconds,
            first=min(FIRST_TICK, self.services.settings.tick_seconds),
            name="planner",
        )
