"""Reminders to hand in a reflection, at each theme-day session's reminder times (with the
push's catch-up rule for ones missed while the bot was down: bot/core/reflections.py)."""

from __future__ import annotations

from datetime import datetime

from bot.context import Services
from bot.core import reflections as rules
from bot.services import reflections as shared
from storage import outbox, themeday

DUE = [themeday.OPEN_DUE]


async def run_due(services: Services, now: datetime) -> None:
    """Send any reminder that is due, once."""
    async with services.db.write() as session:
        for theme in themeday.open_sessions(session, now):
            due = rules.due_reminder(
                themeday.reminder_times(theme),
                pushed_at=theme.pushed_at,
                deadline=theme.deadline,
                now=now,
                tz=services.settings.tz,
            )
            if due is None:
                continue
            key = f"reflect.remind:{theme.id}:{due.isoformat()}"
            if outbox.find_by_key(session, key) is not None:
                continue
            shared.remind(services, session, theme=theme, key=key)
