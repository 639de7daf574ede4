"""The daily greetings: birthdays, festivals, party anniversaries, and the admins' lists.

Each tick, for every branch whose greeting time (default 08:30 branch time) has passed today,
queue what is due *today* (bot/services/greetings.py). Every message carries a dedupe key naming
the person (or branch), the kind and the day, so it goes out once however often the job runs; a
bot that was down at greeting time catches up the same day, within the branch's 错过祝福后补发
window if it set one (a birthday wish at nine at night would be odd): past it, the day's
greetings are not sent and the branch's admins are told privately how many were missed. A day
that has passed is never looked at again.

A tick does work in proportion to what is due, not to the number of members: the branch
remembers the day it was greeted (`OPT_GREETED`, committed with the greetings), so the ticks
after that, all day long, read the branch rows and nothing else. Timed work over members should
follow the same pattern: a cheap per-branch (or per-item) "done for this day" mark read first,
member rows loaded only when something is due.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Services
from bot.core import branch_settings
from bot.core.care.options import (
    OPT_GREETED,
    CareSettings,
)
from bot.services.greetings import (
    digest_due,
    due_greetings,
    greet,
    medal_due,
    send_digest,
    send_medal_list,
    tell_missed,
)
from storage import branches
from storage import care as care_db

log = logging.getLogger(__name__)


async def run_due(services: Services, now: datetime) -> None:
    """Queue today's greetings for every branch whose greeting time has come."""
    local = now.astimezone(services.settings.tz)
    today = local.date()
    notices: list[tuple[str, int, int]] = []
    missed: dict[int, int] = {}
    async with services.db.write() as session:
        for branch in branches.active(session):
            assert branch.id is not None
            settings = CareSettings.from_options(branches.options(branch))
            if local.time() < settings.greeting_time:
                continue
            if branches.option(branch, OPT_GREETED, "") != today.isoformat():
                care_db.link_known_usernames(session, branch.id)
                window = branch_settings.of(branch).greeting_catchup_hours
                due = datetime.combine(today, settings.greeting_time, tzinfo=local.tzinfo)
                if window and local > due + timedelta(hours=window):
                    count = len(due_greetings(session, branch, settings, today))
                    log.warning(
                        "greetings: branch %s missed %d greetings today (past its %d h window)",
                        branch.id,
                        count,
                        window,
                    )
                    if count:
                        missed[branch.id] = count
                        notices.append(("missed", branch.id, branch.chat_id))
                else:
                    greet(services, session, branch, settings, today)
                branches.set_option(branch, OPT_GREETED, today.isoformat())
            if digest_due(branch, settings, today):
                notices.append(("digest", branch.id, branch.chat_id))
            if medal_due(branch, settings, today):
                notices.append(("medal", branch.id, branch.chat_id))
    # Asking Telegram who the admins are happens outside any transaction.
    for kind, branch_id, chat_id in notices:
        if kind == "digest":
            recipients = await services.roles.admins_and_staff(chat_id)
            async with services.db.write() as session:
                send_digest(services, session, branch_id, recipients, today)
        elif kind == "missed":
            recipients = await services.roles.branch_admins(chat_id)
            async with services.db.write() as session:
                found = branches.get(session, branch_id)
                if found is not None:
                    tell_missed(services, session, found, recipients, missed[branch_id])
        else:
            recipients = await services.roles.branch_admins(chat_id)
            async with services.db.write() as session:
                send_medal_list(services, session, branch_id, recipients, today)
