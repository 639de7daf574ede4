"""The monthly theme-day push: due when a branch's rule says so, caught up after downtime.

Each tick recomputes, from the rules in the database, the latest theme day at or before now.
If that day has no session yet (and no /push earlier that month stood in for it) the push is
queued (one transaction, send-once keys), provided
it is still within the catch-up window (the same local day unless the branch set
"catchup_hours"); otherwise the secretary is told once that it was missed. (Material sends
Telegram refused as a whole media group: schedules/refused_groups.py.)
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.context import Services
from bot.core import cn_format
from bot.core.monthly_rule import latest_occurrence
from bot.services import themeday as theme_day
from bot.texts import fmt
from bot.texts import themeday as T
from storage import branches, themeday
from storage.models import Branch

log = logging.getLogger(__name__)


async def run_due(services: Services, now: datetime) -> None:
    """Push every theme day that is due, report missed ones."""
    async with services.db.write() as session:
        for branch in branches.active(session):
            _run_branch(services, session, branch, now)


def _run_branch(services: Services, session: Session, branch: Branch, now: datetime) -> None:
    rule = theme_day.rule_of(branch)
    if rule is None or branch.id is None:
        return
    tz = services.settings.tz
    due = latest_occurrence(rule.rule, rule.at, now, tz)
    if due < rule.since:
        return  # the rule was set after that day: nothing was missed
    day = due.astimezone(tz).date()
    key = f"rule:{day.isoformat()}"
    if themeday.by_key(session, branch.id, key) is not None:
        return  # pushed on time or caught up
    if themeday.of_branch(session, branch.id, since=day.replace(day=1), until=day):
        # Started by hand with /push earlier this month (a branch meeting on another day
        # this month): that was this month's theme day.
        return
    notify = theme_day.notify_chat(
        session, branch, [rule.set_by], admins=list(services.settings.admin_ids)
    )
    if theme_day.may_catch_up(branch, due, now, tz):
        _, created = theme_day.push(
            services,
            session,
            branch=branch,
            key=key,
            topic=rule.topic,
            now=now,
            day=day,
            notify_chat_id=notify,
        )
        if created:
            log.info("themeday: pushed %s for branch %s (due %s)", day, branch.id, due)
        return
    services.outbox.message(
        session,
        notify,
        fmt(
            T.MISSED,
            branch=branch.title,
            when=cn_format.moment(due, tz),
            topic=rule.topic,
        ),
        dedupe_key=f"themeday:{branch.id}:missed:{day.isoformat()}",
        kind="themeday.missed",
        ref=branch.id,
    )
