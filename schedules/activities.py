"""Timed work of activities: the private reminders (the note to those who have not answered,
the day before, two hours before), the card moving from sign-up to check-in to the record, and
card edits that waited for their quiet period.

Each activity says when it next has something due (`Activity.next_due_at`, indexed), so a tick
looks only at those; every reminder carries a send-once key naming the member and the start
time, so a tick repeated, or a restart, sends nothing twice (bot/services/activities.py).
"""

from __future__ import annotations

from datetime import datetime

from bot.context import Services
from bot.services import activities as service
from storage import activities

DUE = [activities.ACTIVITY_DUE]


async def run_due(services: Services, now: datetime) -> None:
    async with services.db.write() as session:
        for activity in activities.due(session, now):
            service.run_due(services, session, activity, now)
