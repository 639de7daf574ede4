"""What the parts of the activities feature share: the branch and its time zone, when attendance
may be taken."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.context import BotContext
from bot.core import activities as rules
from bot.core.activities import Phase
from bot.services import activities as service
from storage import branches
from storage.models import Activity, Branch


def branch_tz(context: BotContext) -> Any:
    return context.settings.tz


def stored_at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def branch_of(context: BotContext, activity: Activity) -> Branch:
    branch = branches.get(context.db, activity.branch_id)
    assert branch is not None
    return branch


def attendance_open(activity: Activity, phase: Phase, now: datetime) -> bool:
    plan = service.plan_of(activity)
    return (
        phase in (Phase.CHECKIN, Phase.OVER)
        and now <= activity.starts_at + rules.ATTENDANCE_FOR
        and plan.checkin_opens() <= now
    )
