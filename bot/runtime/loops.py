"""Small helpers for the bot's background loops (poller, processor, sender, downloader), and
the loop that checkpoints the database's WAL."""

from __future__ import annotations

import asyncio
import logging

from storage.db import Database

log = logging.getLogger(__name__)


async def wait_any(*events: asyncio.Event, within: float | None = None) -> None:
    """Return when any event is set, or after `within` seconds, whichever comes first."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


# Checkpoint once the WAL holds this much (SQLite's own default is 1,000 pages, some 4 MB).
WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024


async def checkpoints(db: Database, stop: asyncio.Event, *, every: float = 1.0) -> None:
    """Keep the WAL short from a worker thread, so that no commit in the loop pays for it."""
    while not stop.is_set():
        await wait_any(stop, within=every)
        if db.wal_bytes() >= WAL_CHECKPOINT_BYTES:
            try:
                await asyncio.to_thread(db.checkpoint)
            except Exception:  # a full disk, a lock held elsewhere: try again later
                log.warning("could not checkpoint the database's WAL", exc_info=True)
