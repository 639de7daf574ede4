"""The combined thanks in the group: once nobody has submitted for a quiet moment, one message
names everyone received (bot/services/reflections.py `flush_acks`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Services
from bot.services import reflections as shared
from storage import reflections

# A member writing within this grace after a private wait expired is told so; later messages
# are theirs to send to anything else.
WAIT_GRACE = timedelta(days=2)


async def run_due(services: Services, now: datetime) -> None:
    """Thank quiet groups; forget private waits long expired."""
    async with services.db.write() as session:
        shared.flush_acks(services, session, now)
        reflections.prune_waits(session, before=now - WAIT_GRACE)
