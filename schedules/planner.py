"""The planner: one repeating job that runs every feature's due work in turn.

Each feature registers `async def run_due(services, now)`. It must be idempotent: the planner
calls it on every tick (the first one shortly after start), and the outbox's dedupe keys make sure a message
that is due is queued once however often it is asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram.ext import Application

from bot.context import BotContext, Services

log = logging.getLogger(__name__)

# The first tick comes this long after start (or after one interval, if shorter): updates that
# piled up while the bot was down (a quiz's votes, a command) go first; timed work can wait.
FIRST_TICK = 2.0

DueWork = Callable[[Services, datetime], Awaitable[None]]


class Planner:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.works: list[tuple[str, DueWork]] = []
        self._lock = asyncio.Lock()
        self.ticks = 0

    def register(self, name: str, work: DueWork) -> None:
        self.works.append((name, work))

    async def tick(self) -> None:
        """Run every feature's due work once for the clock's current time."""
        async with self._lock:  # a slow tick and the next one must not overlap
            now = self.services.now()
            for name, work in self.works:
                try:
                    await work(self.services, now)
                except Exception:
                    log.exception("planner: %s failed; it will be tried again next tick", name)
            self.ticks += 1

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
