"""A small helper for the bot's background loops (poller, processor, sender, downloader)."""

from __future__ import annotations

import asyncio


async def wait_any(*events: asyncio.Event, within: float | None = None) -> None:
    """Return when any event is set, or after `within` seconds, whichever comes first."""
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
