"""The bot as a separate process, killed with SIGKILL part-way through a burst of updates:
after a restart every update has taken effect exactly once."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from bot.demo.fake.botapi import TOKEN, FakeBotApi
from storage.db import Database, sqlite_url
from storage.models import InboxUpdate, Member, OutboxMessage

GROUP_ID = -1009876543210
SECRETARY = 5000
BURST = 500

# A real process, killed and restarted: seconds, not milliseconds.
pytestmark = pytest.mark.slow


async def spawn(fake: FakeBotApi, data_dir: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "YINLING_BOT_TOKEN": TOKEN,
        "YINLING_API_BASE_URL": fake.base_url,
        "YINLING_API_FILE_URL": fake.base_file_url,
        "YINLING_DATA_DIR": str(data_dir),
        "YINLING_POLL_TIMEOUT": "1",
        "YINLING_LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=data_dir.parent,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,  # never read: a full pipe would stall the bot
    )


def counts(db: Database) -> tuple[int, int, int]:
    with Session(db.engine) as s:
        done = s.exec(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "done")
        ).one()
        members = s.exec(select(func.count()).select_from(Member)).one()
        replies = s.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.chat_id > 0)
        ).one()
    return int(done), int(members), int(replies)


# How long before a kill a send may have been answered without its answer being recorded.
IN_FLIGHT = 2.0


async def test_sigkill_during_a_burst_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    fake = FakeBotApi(enforce_limits=False)
    await fake.start()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    try:
        fake.add_user(SECRETARY, "赵书记")
        fake.add_group(GROUP_ID, "老干之家", creator_id=SECRETARY)
        private_senders = list(range(7000, 7050))
        group_senders = list(range(8000, 8450))
        for uid in private_senders + group_senders:
            fake.add_user(uid, f"成员{uid}")
        fake.message(GROUP_ID, SECRETARY, "/setup")

        bot = await spawn(fake, data_dir)
        await fake.wait_sent(GROUP_ID, 1, timeout=30)  # the branch exists

        # 450 members speaking in the group (each registers a member) and 50 private /help
        # (each queues exactly one reply): 500 updates with countable effects.
        senders = [(uid, uid, "/help") for uid in private_senders] + [
            (GROUP_ID, uid, "大家好") for uid in group_senders
        ]
        random.Random(7).shuffle(senders)
        for chat, user, text in senders:
            fake.message(chat, user, text)

        rng = random.Random(2026)
        kills: list[float] = []
        for _ in range(3):  # three kills at different points
            await asyncio.sleep(rng.uniform(0.05, 0.6))
            kills.append(time.monotonic())
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            bot = await spawn(fake, data_dir)

        db = Database(sqlite_url(data_dir / "yinling.db"))
        deadline = asyncio.get_running_loop().time() + 60
        while counts(db) != (BURST + 1, 451, 50) or fake.unconfirmed():
            assert asyncio.get_running_loop().time() < deadline, f"stuck at {counts(db)}"
            await asyncio.sleep(0.1)
        await fake.wait_until(
            lambda: all(len(fake.sent(uid)) >= 1 for uid in private_senders), timeout=30
        )

        with Session(db.engine) as s:
            # No update processed twice: one reply row per private /help, no duplicates.
            per_chat = s.exec(
                select(OutboxMessage.chat_id, func.count())
                .where(col(OutboxMessage.chat_id) > 0)
                .group_by(col(OutboxMessage.chat_id))
            ).all()
            assert sorted(c for c, _ in per_chat) == private_senders
            assert {n for _, n in per_chat} == {1}
            assert (
                s.exec(
                    select(func.count())
                    .select_from(InboxUpdate)
                    .where(InboxUpdate.status != "done")
                ).one()
                == 0
            )
        # Telegram may have accepted twice only a message that was in flight at a kill: sent,
        # but its "sent" mark not yet written (the sender serves several chats at once, so
        # there can be several at each kill). Any other repeat would be a bug.
        for uid in private_senders:
            sends = [
                c
                for c in fake.calls
                if c.method == "sendMessage" and c.status == 200 and c.params.get("chat_id") == uid
            ]
            assert len(sends) == len(fake.sent(uid)) >= 1
            for first in sends[:-1]:
                assert any(0 <= kill - first.at < IN_FLIGHT for kill in kills), (uid, sends)

        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 30) == 0
        db.dispose()
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        await fake.stop()
