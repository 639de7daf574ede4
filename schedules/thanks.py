"""The combined thanks in the group: once nobody has submitted for a quiet moment, one message
names everyone received (bot/services/reflections.py `flush_acks`); a private album's thanks
once its pages are in. Also forgets private waits and offers long past."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Services
from bot.services import reflections as shared
from storage import reflections

# A member writing within this grace after a private wait expired is told so; later messages
# are theirs to send to anything else.
WAIT_GRACE = timedelta(days=2)
# A private message offered as a reflection is kept this long for the "交上" tap (it holds
# what the member wrote); a later tap is told it has lapsed.
OFFER_KEPT = timedelta(days=7)
DUE = [
    reflections.ACKS_DUE,
    reflections.WAITS_DUE.earlier(WAIT_GRACE),
    reflections.OFFERS_DUE.earlier(OFFER_KEPT),
]


async def run_due(services: Services, now: datetime) -> None:
    """Thank quiet groups and finished albums; forget private waits and offers long past."""
    async with services.db.write() as session:
        shared.flush_acks(services, session, now)
        reflections.prune_waits(session, before=now - WAIT_GRACE)
        reflections.prune_offers(session, before=now - OFFER_KEPT)
