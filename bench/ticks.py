"""6. Daily ticks: the planner's work when nothing is due, with many members.

The planner runs every feature's due work each tick (every 20 s). Once the day's greetings,
reminders and thanks are out, a tick should cost the same whatever the number of members: it
reads what is due from the database (a per-branch "greeted today" mark, the open sessions) and
loads no member row. Measured in this process on the bot's own `Planner` over a database on
disk: a branch of 10,000 roster members with birthdays and party anniversaries spread over the
year (five of them today, greeted by the first tick), the clock then set later that day; the
reference is the same over a branch of 10 members. Backups are off here (their tick reads a
folder, not the members). The figure is the median of many ticks after the first.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert

from bench.common import Figure
from bot.app import BotRunner
from bot.clock import FakeClock
from bot.demo.fake.botapi import TOKEN, FakeBotApi
from bot.settings import Settings
from storage.dates import BirthDate, Calendar
from storage.models import Branch, Member

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 26)  # a Thursday with no festival
GOAL_MS = 5.0
TICKS = 60


def seed(runner: BotRunner, members: int) -> None:
    now = runner.clock.now()
    with runner.db.session() as s:
        branch = Branch(chat_id=-1006000000000, title="老干之家", created_at=now)
        s.add(branch)
        s.commit()
        rows: list[dict[str, Any]] = []
        for i in range(members):
            today = i % 2000 == 0
            month, day = (DAY.month, DAY.day) if today else (1 + i % 12, 1 + i % 28)
            rows.append(
                {
                    "branch_id": branch.id,
                    "name": f"成员{i}",
                    "party_member": True,
                    "active": True,
                    "joined_at": now,
                    "on_roster": True,
                    "birth": BirthDate(Calendar.SOLAR, 1940 + i % 20, month, day).to_storage(),
                    "joined_party": date(1960 + i % 40, 1 + (i + 5) % 12, 1 + i % 28),
                    "note": "",
                    "public_birthday": True,
                }
            )
        s.connection().execute(insert(Member), rows)
        s.commit()


async def one(fake: FakeBotApi, data_dir: Path, members: int) -> tuple[float, int]:
    """(median ms of a tick with nothing due, member rows loaded by those ticks)."""
    clock = FakeClock(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TOKEN,
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        data_dir=data_dir,
        backup_keep=0,
    )
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    runner = BotRunner(settings, clock=clock)
    runner.db.migrate()
    seed(runner, members)
    loaded = 0

    def count(member: Member, context: Any) -> None:
        nonlocal loaded
        loaded += 1

    try:
        await runner.planner.tick()  # the day's greetings
        clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=SHANGHAI))
        await runner.planner.tick()
        loaded = 0
        event.listen(Member, "load", count)
        times = []
        for _ in range(TICKS):
            started = time.perf_counter()
            await runner.planner.tick()
            times.append((time.perf_counter() - started) * 1000)
        event.remove(Member, "load", count)
    finally:
        runner.db.dispose()
    return statistics.median(times), loaded


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> Figure:
    count = 2_000 if quick else 10_000
    fake = FakeBotApi(self_check=False, enforce_limits=False)
    await fake.start()
    ours: list[float] = []
    small: list[float] = []
    loaded = 0
    try:
        for run in range(runs):
            ms, rows = await one(fake, workdir / f"ticks-{run}", count)
            ours.append(ms)
            loaded += rows
            ms, _ = await one(fake, workdir / f"ticks-small-{run}", 10)
            small.append(ms)
    finally:
        await fake.stop()
    measured, reference = statistics.median(ours), statistics.median(small)
    return Figure(
        name="ticks",
        title=f"Daily tick with nothing due ({count} members)",
        measured=f"{measured:.2f} ms",
        reference=f"{reference:.2f} ms (10 members)",
        ratio=f"{measured / reference:.2f}×",
        goal=f"< {GOAL_MS:.0f} ms, no member row loaded",
        passed=measured < GOAL_MS and loaded == 0,
        details=[
            "runs "
            + ", ".join(f"{t:.2f}" for t in ours)
            + " ms; 10 members: "
            + ", ".join(f"{t:.2f}" for t in small)
            + " ms",
            f"member rows loaded by {runs * TICKS} ticks: {loaded}",
        ],
    )
