"""Background jobs: slow work an update asks for, run after the update committed, outside it.

An update is processed inside the inbox's write transaction, so nothing slow or networked may
happen there: a 5 MB spreadsheet to download and check, or an export to build, would hold up
every other update and every send. The handler queues a job instead (`Jobs.add`, in its own
transaction, so the job exists exactly when the update's other effects do) and returns. The
runner then calls the job's `prepare` (download, parse, build: no transaction held, CPU-bound
parts in a worker thread), and commits what `prepare` returned (`apply`: store, queue replies)
together with the job's "done" mark, in one short transaction.

Jobs are rows (`storage.jobs`), so one in hand when the bot stops runs again after the restart;
because `apply` and the done mark commit together, its effects happen once. A `prepare` that
raises is retried with back-off a few times; then the job's `failed` hook tells the person.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.clock import Clock
from bot.runtime.loops import wait_any
from storage import jobs
from storage.db import Database

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
MAX_RUNNING = 2
# How long shutdown waits for jobs in hand before leaving them for the next start.
STOP_GRACE = 30.0
KEEP_FINISHED = timedelta(days=7)

Apply = Callable[[Session], None]
Prepare = Callable[["Services", dict[str, Any]], Awaitable[Apply]]
Failed = Callable[["Services", Session, dict[str, Any]], None]


@dataclass(frozen=True)
class JobKind:
    """What a kind of job does: `prepare` (slow, outside any transaction) returns `apply`
    (quick, inside the transaction that marks the job done); `failed` tells the person when
    the job gave up."""

    prepare: Prepare
    failed: Failed | None = None


def real_now() -> datetime:
    """Retry timing uses real time even when a test fakes the domain clock."""
    return datetime.now(UTC)


class Jobs:
    """Queues jobs in the caller's transaction and runs them in the background."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._kinds: dict[str, JobKind] = {}
        self._wake = asyncio.Event()
        self._running: dict[int, asyncio.Task[None]] = {}
        # While the database takes no writes: when jobs may start again, and the current wait.
        self._storage_retry_at = 0.0
        self._storage_wait = 0.0
        db.after_commit(self._on_commit)

    def register(self, kind: str, prepare: Prepare, failed: Failed | None = None) -> None:
        if kind in self._kinds:
            raise ValueError(f"job kind {kind!r} registered twice")
        self._kinds[kind] = JobKind(prepare, failed)

    def add(
        self, session: Session, kind: str, payload: dict[str, Any], *, key: str | None = None
    ) -> int | None:
        """Queue a job in the caller's transaction; None if a job with `key` exists already."""
        if kind not in self._kinds:
            raise ValueError(f"unknown job kind {kind!r}")
        return jobs.add(session, kind, payload, now=self.clock.now(), key=key)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def _on_commit(self, session: Session) -> None:
        if session.info.get("job_added"):
            self._wake.set()

    async def run(self, services: Services, stop: asyncio.Event) -> None:
        """Run due jobs until `stop`; then give those in hand `STOP_GRACE` seconds to finish."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            self._wake.clear()
            within = 1.0
            if self._storage_retry_at > loop.time():
                # The database took no writes lately: no job starts again (to download and
                # parse once more, for nothing) before then.
                within = self._storage_retry_at - loop.time()
            else:
                try:
                    await self._dispatch(services)
                except Exception:
                    log.exception("jobs: could not read the job table; trying again shortly")
            await wait_any(self._wake, stop, within=within)
        if self._running:
            _, pending = await asyncio.wait(list(self._running.values()), timeout=STOP_GRACE)
            for task in pending:
                task.cancel()  # still pending in the table: it runs again after the restart

    async def _dispatch(self, services: Services) -> None:
        room = MAX_RUNNING - len(self._running)
        if room <= 0:
            return
        async with self.db.write() as session:
            rows = jobs.due(session, now=real_now(), exclude=set(self._running), limit=room)
        for row in rows:
            assert row.id is not None
            task = asyncio.create_task(
                self._run_one(services, row.id, row.kind, row.payload, row.attempts),
                name=f"job:{row.kind}:{row.id}",
            )
            self._running[row.id] = task
            task.add_done_callback(functools.partial(self._finished, row.id))

    def _finished(self, job_id: int, _task: object = None) -> None:
        self._running.pop(job_id, None)
        self._wake.set()

    async def _run_one(
        self, services: Services, job_id: int, kind: str, raw: str, attempts: int
    ) -> None:
        spec = self._kinds.get(kind)
        payload: dict[str, Any] = json.loads(raw)
        if spec is None:
            log.error("jobs: no handler for job %s of kind %r; giving up", job_id, kind)
            async with self.db.write() as session:
                jobs.fail(session, job_id, now=self.clock.now(), error="unknown kind")
            return
        try:
            apply = await spec.prepare(services, payload)
            async with self.db.write() as session:
                if jobs.finish(session, job_id, now=self.clock.now()):
                    apply(session)
        except asyncio.CancelledError:
            raise
        except OperationalError as exc:
            self._storage_failed(job_id, exc)
            return
        except Exception as exc:
            try:
                await self._retry_or_fail(services, job_id, kind, payload, attempts, exc)
            except OperationalError as storage:
                self._storage_failed(job_id, storage)
            return
        self._storage_wait = 0.0
        log.info("job %s (%s) done", job_id, kind)

    def _storage_failed(self, job_id: int, exc: OperationalError) -> None:
        """A full disk or a long lock: the job's result could not be stored and the job stays
        pending. Start no job for a while (doubling), instead of redoing this one at once."""
        if self._storage_wait == 0.0:
            log.error(
                "jobs: cannot write to the database (%s). Is the disk full? Job %s waits; "
                "no job starts until writing works again",
                exc.orig if exc.orig is not None else exc,
                job_id,
            )
        self._storage_wait = min(60.0, max(1.0, self._storage_wait * 2))
        self._storage_retry_at = asyncio.get_running_loop().time() + self._storage_wait

    async def _retry_or_fail(
        self,
        services: Services,
        job_id: int,
        kind: str,
        payload: dict[str, Any],
        attempts: int,
        exc: Exception,
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if attempts + 1 < MAX_ATTEMPTS:
            delay = min(120.0, 2.0 ** (attempts + 1)) * random.uniform(0.5, 1.0)
            log.warning("job %s (%s) failed (%s); retrying in %.0f s", job_id, kind, error, delay)
            async with self.db.write() as session:
                jobs.retry_later(
                    session, job_id, at=real_now() + timedelta(seconds=delay), error=error
                )
            return
        log.error("job %s (%s) gave up: %s", job_id, kind, error, exc_info=exc)
        spec = self._kinds[kind]
        async with self.db.write() as session:
            jobs.fail(session, job_id, now=self.clock.now(), error=error)
            if spec.failed is not None:
                spec.failed(services, session, payload)

    async def prune(self) -> None:
        async with self.db.write() as session:
            jobs.prune(session, before=self.clock.now() - KEEP_FINISHED)
