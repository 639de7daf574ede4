"""Stands in for the theme-day push in reflection tests: a session, its header and invitation."""

from __future__ import annotations

import itertools
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import fmt
from storage import branches, themeday
from tests.e2e.harness import GROUP_ID, Harness

_keys = itertools.count(1)


async def push_session(
    harness: Harness,
    topic: str = "学习党的二十届四中全会精神",
    *,
    deadline: datetime | None = None,
    chat_id: int = GROUP_ID,
) -> tuple[int, int]:
    """Push a session now (to the branch of `chat_id`); returns (session id, invitation message
    id)."""
    runner = harness.runner
    assert runner is not None
    now = harness.clock.now()
    local = now.astimezone(harness.services.settings.tz)
    default_deadline, reminders = themeday.default_schedule(local)
    async with runner.db.write() as s:
        branch = branches.by_chat(s, chat_id)
        assert branch is not None and branch.id is not None
        theme, _ = themeday.create(
            s,
            branch_id=branch.id,
            key=f"push:test-{next(_keys)}",
            local_date=local.date(),
            topic=topic,
            deadline=deadline or default_deadline,
            reminders=reminders,
            now=now,
        )
        theme.pushed_at = now
        assert theme.id is not None
        session_id = theme.id
        outbox = harness.services.outbox
        outbox.message(
            s,
            chat_id,
            fmt("<b>主题党日</b>：{topic}", topic=topic),
            kind="themeday.header",
            ref=str(session_id),
        )
        button = InlineKeyboardButton(
            "📝 提交心得", url=harness.services.deep_link(f"reflect_{session_id}")
        )
        outbox.message(
            s,
            chat_id,
            "学完后，请<b>回复</b>这条消息提交心得体会。",
            kind="themeday.invitation",
            ref=str(session_id),
            keyboard=InlineKeyboardMarkup([[button]]),
        )
    await harness.settle()
    return session_id, harness.fake.sent(chat_id)[-1]["message_id"]
