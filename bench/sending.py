"""3. Sending at Telegram's limit: a push to many branch groups and private reminders at once.

The fake enforces Telegram's flood limits (30 messages/s in all, 20 per minute per group, one per
second per private chat; a media group counts one per item) and answers 429 with retry_after
beyond them. Before the bot starts, its outbox holds, per branch group, what a theme-day push
sends (a header, the study materials as a media group of two documents, the invitation to reply),
and one private reminder per member, each with a dedupe key as the real push and reminders
have. The bot (`python -m bot run`) delivers them; the figure is the rate sustained from the
first message to the last, against the 30/s Telegram permits. Every chat must receive exactly
what was queued, in order, once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import Session

from bench.common import Figure, spawn_bot, stop_process, wait_for
from bot.clock import SystemClock
from bot.demo.fake.botapi import FakeBotApi
from bot.runtime.outbox import Outbox
from bot.runtime.sender import POSTING
from storage.db import Database, sqlite_url

SECRETARY = 10
FIRST_GROUP = -1002000000000
FIRST_MEMBER = 200_000
PERMITTED = 30.0  # messages per second, Telegram's overall limit for a bot
GOAL = 0.9


def queue_push(outbox: Outbox, session: Session, chat_id: int, documents: list[str], n: int) -> int:
    """What a theme-day push queues for one branch; returns how many messages that is."""
    outbox.message(
        session,
        chat_id,
        f"<b>主题党日</b>（第{n}支部）\n今天的学习内容：党章第三章。",
        dedupe_key=f"bench:header:{chat_id}",
        kind="themeday.header",
    )
    media = [{"type": "document", "media": file_id} for file_id in documents]
    outbox.call(
        session,
        chat_id,
        "sendMediaGroup",
        {"chat_id": chat_id, "media": media},
        dedupe_key=f"bench:materials:{chat_id}",
        kind="themeday.materials",
    )
    outbox.message(
        session,
        chat_id,
        "学完后，请<b>回复</b>这条消息，提交您的心得体会（打字、语音、照片都可以）。",
        dedupe_key=f"bench:invitation:{chat_id}",
        kind="themeday.invitation",
    )
    return 2 + len(documents)


def queue_reminder(outbox: Outbox, session: Session, user_id: int) -> int:
    outbox.message(
        session,
        user_id,
        "老师您好！本月主题党日的心得还没有收到，方便时回复群里的邀请消息即可。",
        dedupe_key=f"bench:reminder:{user_id}",
        kind="themeday.reminder",
    )
    return 1


def delivered_messages(fake: FakeBotApi) -> int:
    """Messages Telegram accepted so far (a media group is one per item)."""
    return sum(
        len(c.result) if isinstance(c.result, list) else 1
        for c in fake.calls
        if c.method in POSTING and c.status == 200
    )


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> Figure:
    groups = 50 if quick else 200
    members = 300 if quick else 2000
    fake = FakeBotApi(self_check=False, enforce_limits=True)
    await fake.start()
    try:
        fake.add_user(SECRETARY, "赵", "书记")
        group_ids = [FIRST_GROUP - i for i in range(groups)]
        for i, chat_id in enumerate(group_ids):
            fake.add_group(chat_id, f"第{i + 1}支部", creator_id=SECRETARY)
        member_ids = [FIRST_MEMBER + i for i in range(members)]
        for uid in member_ids:
            fake.add_user(uid, f"成员{uid % 1000}")
            fake.start_private(uid)
        documents = [
            fake.file(b"%PDF-1.4 study material", file_name=name, mime_type="application/pdf")[
                "file_id"
            ]
            for name in ("党章.pdf", "学习提纲.pdf")
        ]

        data_dir = workdir / "data"
        data_dir.mkdir()
        db = Database(sqlite_url(data_dir / "yinling.db"))
        db.migrate()
        outbox = Outbox(SystemClock())
        expected: dict[int, int] = {}
        with db.session() as session:
            for n, chat_id in enumerate(group_ids, 1):
                expected[chat_id] = queue_push(outbox, session, chat_id, documents, n)
            for uid in member_ids:
                expected[uid] = queue_reminder(outbox, session, uid)
            session.commit()
        db.dispose()
        total = sum(expected.values())

        bot = await spawn_bot(fake, data_dir)
        try:
            await wait_for(
                lambda: delivered_messages(fake) >= total,
                within=total / PERMITTED * 3 + 60,
                what="every message to be delivered",
                process=bot,
                every=0.25,
            )
            await asyncio.sleep(2.0)  # anything sent twice would show up now
        finally:
            await stop_process(bot)
    finally:
        await fake.stop()

    posts = [c for c in fake.calls if c.method in POSTING]
    delivered = [c for c in posts if c.status == 200]
    refused = sum(1 for c in posts if c.status == 429)
    first, last = delivered[0].at, delivered[-1].at
    rate = total / (last - first)
    problems = []
    for chat_id, count in expected.items():
        got = len(fake.sent(chat_id))
        if got != count:
            problems.append(f"chat {chat_id} got {got} messages, expected {count}")
    for chat_id in group_ids:
        kinds = [m["_method"] for m in fake.sent(chat_id)]
        if kinds != ["sendMessage", "sendMediaGroup", "sendMediaGroup", "sendMessage"]:
            problems.append(f"group {chat_id} got {kinds}")
            break
    share = rate / PERMITTED
    return Figure(
        name="sending",
        title=f"Sending at the limit ({groups} group pushes + {members} private reminders)",
        measured=f"{rate:.1f} messages/s ({total} messages in {last - first:.0f} s)",
        reference=f"{PERMITTED:.0f} messages/s permitted",
        ratio=f"{share:.0%}",
        goal=f"≥ {GOAL:.0%} of the permitted rate; none lost or doubled",
        passed=share >= GOAL and not problems,
        details=[f"{refused} answers 429 from the fake along the way", *problems[:5]],
    )
