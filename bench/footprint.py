"""5. Footprint: the running bot's resident memory with 10,000 members and a year of data, and
its start-up time to the first getUpdates.

The database is seeded directly with SQL before the bot starts: 50 branches, 10,000 people and
members, a year of theme-day sessions and of the outbox (pushes, reminders, replies), the last
seven days of the inbox (the bot prunes older updates), a year of archived files. The bot
(`python -m bot run`) starts against the fake; start-up is from spawning the process to its
first getUpdates (the fake records when each call arrives). Its memory is sampled (psutil RSS)
while it handles a burst of 1,000 updates from those members and afterwards; the figure is the
highest sample. The reference is a bare python-telegram-bot Application measured the same way.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from bench.common import (
    Figure,
    first_call_at,
    median,
    spawn_bare,
    spawn_bot,
    sqlite_count,
    stop_process,
    wait_for,
)
from bot.demo.fake.botapi import FakeBotApi
from storage.db import Database, sqlite_url

GOAL_MB = 150.0
GOAL_SECONDS = 2.0
SECRETARY = 10
FIRST_GROUP = -1003000000000
FIRST_MEMBER = 300_000
FAKE_IDS = 700_000_000  # the fake numbers its updates from here; the seeded ones stay below
NOW = datetime.now(UTC).replace(microsecond=0)

# Features add a seeder here once merged: f(connection, branch_ids, member_ids) fills a year of
# their own tables (reflections, quiz answers, greetings sent...).
FEATURE_SEEDERS: list[Callable[[sqlite3.Connection, list[int], list[tuple[int, int]]], None]] = []


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def seed(db_path: Path, *, branches: int, members: int, inbox_days: int = 7) -> None:
    """A year of a large deployment, written straight into the migrated schema."""
    Database(sqlite_url(db_path)).migrate()
    rng = random.Random(2026)
    con = sqlite3.connect(db_path)
    year_ago = NOW - timedelta(days=365)
    con.executemany(
        "INSERT INTO branch (id, chat_id, title, active, created_at, options) "
        "VALUES (?, ?, ?, 1, ?, '{}')",
        [(b + 1, FIRST_GROUP - b, f"第{b + 1}支部", stamp(year_ago)) for b in range(branches)],
    )
    people = [FIRST_MEMBER + i for i in range(members)]
    con.executemany(
        "INSERT INTO person (user_id, first_name, last_name, username, private_started, "
        "updated_at) VALUES (?, ?, ?, NULL, ?, ?)",
        [(uid, f"成员{uid % 10000}", "老师", uid % 3 != 0, stamp(year_ago)) for uid in people],
    )
    membership = [(i % branches + 1, uid) for i, uid in enumerate(people)]
    con.executemany(
        "INSERT INTO member (branch_id, user_id, name, party_member, active, joined_at) "
        "VALUES (?, ?, ?, ?, 1, ?)",
        [(b, uid, f"成员{uid % 10000}老师", uid % 2, stamp(year_ago)) for b, uid in membership],
    )
    # Twelve theme days per branch.
    sessions = []
    for b in range(branches):
        for month in range(12):
            day = (year_ago + timedelta(days=30 * month + 15)).date()
            sessions.append(
                (
                    b + 1,
                    f"rule:{day.isoformat()}",
                    day.isoformat(),
                    f"{day.month}月主题党日",
                    stamp(datetime.combine(day + timedelta(days=7), datetime.min.time(), UTC)),
                    "[]",
                    stamp(datetime.combine(day, datetime.min.time(), UTC)),
                    stamp(datetime.combine(day, datetime.min.time(), UTC)),
                )
            )
    con.executemany(
        "INSERT INTO theme_session (branch_id, key, local_date, topic, deadline, reminders, "
        "created_at, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        sessions,
    )

    # The send log of a year: per branch and month a push of 4 messages, per member and month
    # a reminder and a reply to their reflection, plus a birthday greeting each.
    def outbox_rows() -> object:
        n = 0
        for month in range(12):
            sent = year_ago + timedelta(days=30 * month + 15)
            for b in range(branches):
                for kind in ("header", "materials", "materials", "invitation"):
                    n += 1
                    yield _outbox(n, FIRST_GROUP - b, f"themeday.{kind}", sent, "主题党日" * 20)
            for uid in people:
                n += 1
                yield _outbox(n, uid, "themeday.reminder", sent, "老师您好，" * 10)
                n += 1
                yield _outbox(n, uid, "reflection.thanks", sent, "谢谢您的心得！" * 5)
        for uid in people:
            n += 1
            yield _outbox(
                n, uid, "greeting.birthday", year_ago + timedelta(days=uid % 365), "生日快乐" * 10
            )

    con.executemany(
        "INSERT INTO outbox (id, chat_id, method, payload, files, dedupe_key, kind, ref, "
        "describe, notify_chat_id, status, attempts, not_before, created_at, sent_at, "
        "message_id, poll_id, result, error) VALUES "
        "(?, ?, 'sendMessage', ?, NULL, ?, ?, '', '', NULL, 'sent', 1, ?, ?, ?, ?, NULL, ?, NULL)",
        outbox_rows(),
    )

    # The inbox: the last week's updates (the bot prunes older ones), about one per member a day.
    def inbox_rows() -> object:
        update_id = 500_000_000
        for day in range(inbox_days, 0, -1):
            for uid in people:
                update_id += 1
                when = NOW - timedelta(days=day, seconds=rng.randrange(86_400 // 2))
                payload = {
                    "update_id": update_id,
                    "message": {
                        "message_id": update_id % 1_000_000,
                        "date": int(when.timestamp()),
                        "chat": {"id": FIRST_GROUP - uid % branches, "type": "supergroup",
                                 "title": "支部"},
                        "from": {"id": uid, "is_bot": False, "first_name": f"成员{uid % 10000}"},
                        "text": "今天学习了党章第三章，很有收获。",
                    },
                }  # fmt: skip
                yield (update_id, json.dumps(payload, ensure_ascii=False), stamp(when))

    con.executemany(
        "INSERT INTO inbox (update_id, payload, status, received_at, processed_at, error) "
        "VALUES (?, ?, 'done', ?, ?3, NULL)",
        inbox_rows(),
    )
    # Reflections kept as files: about half the members send a voice or a photo each month.
    con.executemany(
        "INSERT INTO archive_file (file_id, file_unique_id, size, rel_path, status, attempts, "
        "kind, ref, error, created_at, done_at) VALUES (?, ?, ?, ?, 'done', 1, 'reflection', "
        "'', NULL, ?, ?5)",
        (
            (f"F{i}", f"U{i}", 200_000, f"2026/{i % 12 + 1:02d}/成员{i}.ogg", stamp(year_ago))
            for i in range(members * 6)
        ),
    )
    for seeder in FEATURE_SEEDERS:
        seeder(con, list(range(1, branches + 1)), membership)
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _outbox(n: int, chat_id: int, kind: str, when: datetime, text: str) -> tuple[object, ...]:
    payload = json.dumps(
        {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}, ensure_ascii=False
    )
    at = stamp(when)
    result = json.dumps(
        {"message_id": n, "chat": {"id": chat_id}, "text": text}, ensure_ascii=False
    )
    return (n, chat_id, payload, f"bench:{n}", kind, at, at, at, n, result)


async def sample_rss(pid: int, seconds: float, peak: list[float]) -> None:
    deadline = time.monotonic() + seconds
    process = psutil.Process(pid)
    while time.monotonic() < deadline:
        peak.append(process.memory_info().rss / 2**20)
        await asyncio.sleep(0.1)


def burst(fake: FakeBotApi, branches: int, senders: list[int]) -> int:
    for uid in senders:
        fake.message(FIRST_GROUP - uid % branches, uid, "今天学习了党章第三章，很有收获。")
    return len(senders)


async def run_bot(
    fake: FakeBotApi, data_dir: Path, branches: int, senders: list[int]
) -> tuple[float, float]:
    """(start-up seconds, peak RSS MB) of the bot over the seeded database."""
    db = data_dir / "yinling.db"
    fresh = f"SELECT count(*) FROM inbox WHERE status != 'pending' AND update_id > {FAKE_IDS}"
    before = sqlite_count(db, fresh)
    mark = time.monotonic()
    bot = await spawn_bot(fake, data_dir)
    try:
        await wait_for(
            lambda: first_call_at(fake, "getUpdates", mark) is not None,
            within=120, what="the bot's first getUpdates", process=bot,
        )  # fmt: skip
        started = first_call_at(fake, "getUpdates", mark)
        assert started is not None
        peak: list[float] = []
        sampler = asyncio.create_task(sample_rss(bot.pid, 3600, peak))
        count = burst(fake, branches, senders)
        await wait_for(
            lambda: sqlite_count(db, fresh) >= before + count,
            within=300, what="the burst", process=bot, every=0.1,
        )  # fmt: skip
        await asyncio.sleep(3.0)  # settled: the sender, downloader and planner idle
        sampler.cancel()
        return started - mark, max(peak)
    finally:
        await stop_process(bot)


async def run_bare(fake: FakeBotApi, branches: int, senders: list[int]) -> tuple[float, float]:
    mark = time.monotonic()
    bare = await spawn_bare(fake, marks=[len(senders)])
    assert bare.stdout is not None
    try:
        await wait_for(
            lambda: first_call_at(fake, "getUpdates", mark) is not None,
            within=60, what="the reference's first getUpdates", process=bare,
        )  # fmt: skip
        started = first_call_at(fake, "getUpdates", mark)
        assert started is not None
        line = await asyncio.wait_for(bare.stdout.readline(), 30)
        assert line.strip() == b"ready", line
        peak: list[float] = []
        sampler = asyncio.create_task(sample_rss(bare.pid, 3600, peak))
        burst(fake, branches, senders)
        await asyncio.wait_for(bare.stdout.readline(), 120)
        await asyncio.sleep(3.0)
        sampler.cancel()
        return started - mark, max(peak)
    finally:
        await stop_process(bare)
        await wait_for(lambda: fake.unconfirmed() == 0, within=5, what="confirmation")


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> list[Figure]:
    branches, members = (10, 2000) if quick else (50, 10_000)
    data_dir = workdir / "data"
    data_dir.mkdir()
    seeded = time.monotonic()
    seed(data_dir / "yinling.db", branches=branches, members=members)
    seed_seconds = time.monotonic() - seeded
    size_mb = (data_dir / "yinling.db").stat().st_size / 2**20

    fake = FakeBotApi(self_check=False, enforce_limits=False)
    await fake.start()
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    try:
        fake.add_user(SECRETARY, "赵", "书记")
        people = [FIRST_MEMBER + i for i in range(members)]
        for uid in people:
            fake.add_user(uid, f"成员{uid % 10000}", "老师")
        for b in range(branches):
            group_members = [uid for uid in people if uid % branches == b]
            fake.add_group(
                FIRST_GROUP - b, f"第{b + 1}支部", creator_id=SECRETARY, members=group_members
            )
        rng = random.Random(7)
        for _ in range(runs):
            senders = rng.sample(people, 1000)
            bare.append(await run_bare(fake, branches, senders))
            ours.append(await run_bot(fake, data_dir, branches, senders))
    finally:
        await fake.stop()
    start_s = median([s for s, _ in ours])
    rss = max(m for _, m in ours)
    ref_start = median([s for s, _ in bare])
    ref_rss = max(m for _, m in bare)
    return [
        Figure(
            "footprint-memory",
            f"Memory of the running bot ({members} members, a year of data)",
            f"{rss:.0f} MB RSS (peak)",
            f"{ref_rss:.0f} MB (bare PTB)",
            f"< {GOAL_MB:.0f} MB",
            rss < GOAL_MB,
            ratio=f"{rss / ref_rss:.2f}×",
            details=[
                f"database {size_mb:.0f} MB on disk, seeded in {seed_seconds:.0f} s",
                "peaks per run: " + ", ".join(f"{m:.0f}" for _, m in ours),
            ],
        ),
        Figure(
            "footprint-startup",
            "Start-up to the first getUpdates",
            f"{start_s:.2f} s",
            f"{ref_start:.2f} s (bare PTB)",
            f"< {GOAL_SECONDS:.0f} s",
            start_s < GOAL_SECONDS,
            ratio=f"{start_s / ref_start:.2f}×",
            details=["runs: " + ", ".join(f"{s:.2f}" for s, _ in ours)],
        ),
    ]
