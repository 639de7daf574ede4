"""Forgetting guided flows nobody finished: what was answered in them is kept no longer than
the flow could still go on (bot/core/flows.py)."""

from __future__ import annotations

from datetime import datetime

from bot.context import Services
from bot.core.flows import LIFETIME
from storage import flows

DUE = [flows.FLOWS_DUE.earlier(LIFETIME)]


async def run_due(services: Services, now: datetime) -> None:
    async with services.db.write() as session:
        flows.forget_before(session, now - LIFETIME)
