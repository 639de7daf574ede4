"""SIGKILL during a burst of 500 mixed updates (group posts, private commands, edits, presses on
buttons nobody handles, update types the bot has never heard of), restarted each time: every
update takes effect exactly once."""

from __future__ import annotations

import asyncio
import json
import random
import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from bot.demo.fake.botapi import FakeBotApi
from storage.db import Database, sqlite_url
from storage.models import InboxUpdate, Member, OutboxMessage
from tests.e2e.test_durability import spawn

GROUP_ID = -1009876500000
SECRETARY = 5000
POSTS, COMMANDS, EDITS, PRESSES, UNKNOWN = 250, 100, 50, 50, 50
BURST = POSTS + COMMANDS + EDITS + PRESSES + UNKNOWN

# A real process, killed and restarted: seconds, not milliseconds.
pytestmark = pytest.mark.slow


def effects(db: Database) -> dict[str, int]:
    with Session(db.engine) as s:

        def count(query: object) -> int:
            return int(s.exec(query).one())  # type: ignore[call-overload]

        return {
            "done": count(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "done")
            ),
            "members": count(select(func.count()).select_from(Member)),
            "replies": count(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.chat_id) > 0, OutboxMessage.method == "sendMessage")
            ),
            "answers": count(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.method == "answerCallbackQuery")
            ),
        }


async def test_sigkill_during_a_mixed_burst_applies_every_update_exactly_once(
    tmp_path: Path,
) -> None:
    # No spec self-check: it would refuse to deliver the update kinds the spec does not know.
    fake = FakeBotApi(enforce_limits=False, self_check=False)
    await fake.start()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    bot = None
    try:
        fake.add_user(SECRETARY, "赵书记")
        fake.add_group(GROUP_ID, "老干之家", creator_id=SECRETARY)
        posters = list(range(8000, 8000 + POSTS))
        askers = list(range(7000, 7000 + COMMANDS))
        for uid in posters + askers:
            fake.add_user(uid, f"成员{uid}")
        fake.message(GROUP_ID, SECRETARY, "/setup")
        bot = await spawn(fake, data_dir)
        [setup_reply] = await fake.wait_sent(GROUP_ID, 1, timeout=30)

        rng = random.Random(20261126)
        kinds = ["post"] * POSTS + ["command"] * COMMANDS + ["press"] * PRESSES
        kinds += ["unknown"] * UNKNOWN
        rng.shuffle(kinds)
        # Edits go in at random points after the post they change.
        posted: list[int] = []
        queue_posters, queue_askers = iter(posters), iter(askers)
        edits_left = EDITS
        callbacks: list[str] = []
        for n, kind in enumerate(kinds):
            if kind == "post":
                posted.append(fake.message(GROUP_ID, next(queue_posters), "大家好")["message_id"])
            elif kind == "command":
                asker = next(queue_askers)
                fake.message(asker, asker, rng.choice(["/help", "/start", "/help 我不会用"]))
            elif kind == "press":
                presser = rng.choice(posters)
                data = f"gone:{n}"
                callbacks.append(
                    fake.press(presser, GROUP_ID, setup_reply["message_id"], data, force=True)
                )
            else:
                fake.raw_update({"future_update_kind": {"id": n, "note": "来自未来的更新"}})
            if edits_left and posted and rng.random() < EDITS / len(kinds) * 1.5:
                fake.edit(GROUP_ID, posted.pop(rng.randrange(len(posted))), "大家好！（修改）")
                edits_left -= 1
        while edits_left:
            fake.edit(GROUP_ID, posted.pop(), "大家好！（修改）")
            edits_left -= 1

        # Four kills, each once processing has got past a random point of the burst (with
        # a random extra moment, so that some land mid-batch and some between batches).
        db = Database(sqlite_url(data_dir / "yinling.db"))
        kill_rng = random.Random(7)
        loop = asyncio.get_running_loop()
        for point in sorted(kill_rng.sample(range(20, BURST - 20), 4)):
            deadline = loop.time() + 30
            while effects(db)["done"] < point:
                assert loop.time() < deadline, f"never got to {point}: {effects(db)}"
                await asyncio.sleep(0.005)
            await asyncio.sleep(kill_rng.uniform(0, 0.03))
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            bot = await spawn(fake, data_dir)

        expected = {
            "done": BURST + 1,
            "members": POSTS + 1,
            "replies": COMMANDS,
            "answers": PRESSES,
        }
        deadline = loop.time() + 60
        while effects(db) != expected or fake.unconfirmed():
            assert loop.time() < deadline, f"stuck at {effects(db)}, expected {expected}"
            await asyncio.sleep(0.1)
        await fake.wait_until(lambda: not fake.unanswered_callbacks(), timeout=30)
        await fake.wait_until(lambda: all(fake.sent(uid) for uid in askers), timeout=30)

        with Session(db.engine) as s:
            assert (
                s.exec(
                    select(func.count())
                    .select_from(InboxUpdate)
                    .where(InboxUpdate.status != "done")
                ).one()
                == 0
            )
            # One reply row per private command, one answer row per press: nothing twice.
            per_chat = s.exec(
                select(OutboxMessage.chat_id, func.count())
                .where(col(OutboxMessage.chat_id) > 0)
                .group_by(col(OutboxMessage.chat_id))
            ).all()
            assert sorted(c for c, _ in per_chat) == askers
            assert {n for _, n in per_chat} == {1}
            answered = [
                json.loads(p)["callback_query_id"]
                for p in s.exec(
                    select(OutboxMessage.payload).where(
                        OutboxMessage.method == "answerCallbackQuery"
                    )
                )
            ]
            assert sorted(answered) == sorted(callbacks)
            members = s.exec(select(Member.user_id)).all()
            assert Counter(members) == Counter([SECRETARY, *posters])
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 30) == 0
        db.dispose()
    finally:
        if bot is not None and bot.returncode is None:
            bot.kill()
            await bot.wait()
        await fake.stop()
