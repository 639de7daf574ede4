"""Old export files: once an hour, remove what the bot generated more than
`bot.services.exports.RETENTION` ago, so files do not pile up in `<data dir>/exports/` on a bot
nobody downloads from for a while (each new export prunes too)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.context import Services
from bot.services import exports

log = logging.getLogger(__name__)

EVERY = timedelta(hours=1)


async def run_due(services: Services, now: datetime) -> None:
    """Prune the exports folder if it was not pruned in the last hour."""
    state = services.state
    if state.exports_pruned_at is not None and now - state.exports_pruned_at < EVERY:
        return
    state.exports_pruned_at = now
    removed = await asyncio.to_thread(exports.prune, services.settings.exports_dir, now=now)
    if removed:
        log.info("exports: removed %d old export files", removed)
