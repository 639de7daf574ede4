"""1. Inbound throughput: updates that need no immediate reply, stored durably and processed.

Each run injects two bursts into the fake at once, while the bot's long poll is waiting:

* first sighting: every member posts once in the branch group (each post registers a person and
  a member: inserts), goal ≥ 0.5× the bare bot;
* known members: every member posts again and edits the post, as members do all month long,
  goal ≥ 0.7× the bare bot (aim: 0.85×).

The real bot (a `python -m bot run` process, database on disk) must store each update in the
inbox, run it through the handlers and mark it done; the reference, a bare python-telegram-bot
Application with the standard Updater, only counts updates in memory. A burst's rate is
updates / (last one processed - burst injected); medians over the runs, reference and bot
alternating on the same fake server.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    Figure,
    median,
    print_profile,
    spawn_bare,
    spawn_bot,
    sqlite_count,
    stop_process,
    wait_for,
)
from bot.demo.fake.botapi import FakeBotApi

GROUP = -1001000000001
SECRETARY = 10
FIRST_MEMBER = 100_000
GOAL = 0.7
AIM = 0.85  # the goal with margin (issue 18)
FIRST_GOAL = 0.5


def first_posts(fake: FakeBotApi, members: list[int]) -> int:
    for uid in members:
        fake.message(GROUP, uid, "大家好，我是新来的。")
    return len(members)


def posts_and_edits(fake: FakeBotApi, members: list[int]) -> int:
    """Each member posts in the group, then edits the post: two updates per member."""
    posts = [fake.message(GROUP, uid, "今天学习了党章第三章，很有收获。") for uid in members]
    for post in posts:
        fake.edit(GROUP, post["message_id"], "今天学习了党章第三章，很有收获！（补充）")
    return 2 * len(members)


def long_poll_waiting(fake: FakeBotApi) -> bool:
    """A getUpdates is waiting in the fake (the bot is idle, ready to be handed a burst)."""
    for call in reversed(fake.calls):
        if call.method == "getUpdates":
            return call.status == 0
    return False


async def run_reference(fake: FakeBotApi, members: list[int]) -> tuple[float, float]:
    """(first sighting, known members) rates of the bare bot, updates per second."""
    n = len(members)
    bare = await spawn_bare(fake, marks=[n, 3 * n])
    assert bare.stdout is not None
    rates = []
    try:
        line = await asyncio.wait_for(bare.stdout.readline(), 30)
        assert line.strip() == b"ready", line
        for burst in (first_posts, posts_and_edits):
            await wait_for(lambda: long_poll_waiting(fake), within=10, what="the reference poll")
            count = burst(fake, members)
            started = datetime.now(UTC).timestamp()
            line = await asyncio.wait_for(bare.stdout.readline(), 300)
            kind, _, stamp = line.decode().split()
            assert kind == "done", line
            rates.append(count / (float(stamp) - started))
        return rates[0], rates[1]
    finally:
        await stop_process(bare)
        # Whatever the reference did not confirm must not reach the next bot.
        await wait_for(lambda: fake.unconfirmed() == 0, within=5, what="confirmation")


async def run_bot(
    fake: FakeBotApi, members: list[int], data_dir: Path, *, profile: Path | None = None
) -> tuple[float, float, list[str]]:
    """One run of the real bot: (first sighting, known members) rates and problems found."""
    db = data_dir / "yinling.db"
    replies_before = len(fake.sent(GROUP))
    fake.message(GROUP, SECRETARY, "/setup")
    bot = await spawn_bot(fake, data_dir, profile=profile)
    rates = []
    expect = 1  # the /setup
    try:
        await wait_for(
            lambda: len(fake.sent(GROUP)) > replies_before,
            within=60,
            what="the /setup reply",
            process=bot,
        )
        for burst in (first_posts, posts_and_edits):
            await wait_for(lambda: long_poll_waiting(fake), within=10, what="the bot's poll")
            count = burst(fake, members)
            started = datetime.now(UTC).timestamp()
            expect += count
            target = expect
            await wait_for(
                lambda target=target: (
                    sqlite_count(db, "SELECT count(*) FROM inbox WHERE status != 'pending'")
                    >= target
                ),
                within=600,
                what="the burst to be processed",
                process=bot,
                every=0.05,
            )
            rates.append(count / (_last_processed(db) - started))
    finally:
        await stop_process(bot)
    return rates[0], rates[1], check(db, expect, len(members))


def _last_processed(db: Path) -> float:
    connection = sqlite3.connect(db)
    try:
        (value,) = connection.execute("SELECT max(processed_at) FROM inbox").fetchone()
    finally:
        connection.close()
    return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()


def check(db: Path, expect: int, members: int) -> list[str]:
    """Every update stored once and done; every member registered once."""
    problems = []
    done = sqlite_count(db, "SELECT count(*) FROM inbox WHERE status = 'done'")
    stored = sqlite_count(db, "SELECT count(*) FROM inbox")
    if stored != expect or done != expect:
        problems.append(f"inbox holds {stored} updates, {done} done; expected {expect}")
    registered = sqlite_count(db, "SELECT count(*) FROM member")
    distinct = sqlite_count(db, "SELECT count(DISTINCT user_id) FROM member")
    if registered != members + 1 or distinct != registered:
        problems.append(f"{registered} member rows ({distinct} distinct); expected {members + 1}")
    people = sqlite_count(db, "SELECT count(*) FROM person")
    if people != members + 1:
        problems.append(f"{people} person rows; expected {members + 1}")
    return problems


def new_members(fake: FakeBotApi, run: int, count: int) -> list[int]:
    """Fresh accounts for each run, so that every run registers newcomers."""
    first = FIRST_MEMBER + run * 100_000
    ids = [first + i for i in range(count)]
    for uid in ids:
        fake.add_user(uid, f"成员{uid % 1000}", "老师")
    return ids


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> list[Figure]:
    count = 500 if quick else 2000
    fake = FakeBotApi(self_check=False, enforce_limits=False)
    await fake.start()
    fake.add_user(SECRETARY, "赵", "书记")
    fake.add_group(GROUP, "老干之家", creator_id=SECRETARY)
    ours_new: list[float] = []
    ours_known: list[float] = []
    bare_new: list[float] = []
    bare_known: list[float] = []
    problems: list[str] = []
    try:
        for run in range(runs):
            members = new_members(fake, 2 * run, count)
            new, known = await run_reference(fake, members)
            bare_new.append(new)
            bare_known.append(known)
            members = new_members(fake, 2 * run + 1, count)
            new, known, found = await run_bot(fake, members, workdir / f"inbound-{run}")
            ours_new.append(new)
            ours_known.append(known)
            problems += found
        if profile:
            members = new_members(fake, 2 * runs, count)
            target = workdir / "inbound.prof"
            await run_bot(fake, members, workdir / "inbound-profile", profile=target)
            print_profile(target)
    finally:
        await fake.stop()
    ratio = median(ours_known) / median(bare_known)
    first_ratio = median(ours_new) / median(bare_new)
    return [
        Figure(
            name="inbound",
            title=f"Inbound throughput, known members ({2 * count} posts and edits)",
            measured=f"{median(ours_known):.0f} updates/s",
            reference=f"{median(bare_known):.0f} updates/s (bare PTB, in memory)",
            ratio=f"{ratio:.2f}×",
            goal=f"≥ {GOAL}× the bare bot (aim ≥ {AIM}×), each update stored once",
            passed=ratio >= GOAL and not problems,
            details=[
                "bot runs " + ", ".join(f"{r:.0f}" for r in ours_known),
                "bare runs " + ", ".join(f"{r:.0f}" for r in bare_known),
                *problems,
            ],
        ),
        Figure(
            name="inbound-first",
            title=f"Inbound throughput, first sighting ({count} newcomers' first posts)",
            measured=f"{median(ours_new):.0f} updates/s",
            reference=f"{median(bare_new):.0f} updates/s (bare PTB, in memory)",
            ratio=f"{first_ratio:.2f}×",
            goal=f"≥ {FIRST_GOAL}× the bare bot, each newcomer a person and a member once",
            passed=first_ratio >= FIRST_GOAL and not problems,
            details=[
                "bot runs " + ", ".join(f"{r:.0f}" for r in ours_new),
                "bare runs " + ", ".join(f"{r:.0f}" for r in bare_new),
            ],
        ),
    ]
