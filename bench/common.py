"""What every benchmark shares: the result record, medians, the machine, and running the bot.

The bot under test runs as it does in production: a separate process (`python -m bot run`)
with its database on disk, talking HTTP to the fake Bot API server (bot/demo/fake/botapi.py),
which runs in this process's event loop. References run the same way, in the same run.
"""

from __future__ import annotations

import asyncio
import io
import os
import platform
import pstats
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import telegram

from bot.demo.fake.botapi import TOKEN, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent


class NeedsFeature(Exception):
    """The benchmark measures a feature that is not in this build yet."""


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    title: str
    measured: str
    reference: str
    goal: str
    passed: bool | None  # None: not measured (needs a feature)
    ratio: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "—"}[self.passed]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def spread(values: Sequence[float], unit: str, digits: int = 0) -> str:
    """ "median (min–max, n runs)" for the details line."""
    return (
        f"{median(values):.{digits}f} {unit} (min {min(values):.{digits}f}, "
        f"max {max(values):.{digits}f}, {len(values)} runs)"
    )


def machine() -> dict[str, str]:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return {
        "CPU": model,
        "cores": str(os.cpu_count()),
        "memory": f"{memory:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "python-telegram-bot": telegram.__version__,
        "SQLite": sqlite3.sqlite_version,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- the bot as a process -------------------------------------------------------------------


def bot_env(fake: FakeBotApi, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "YINLING_BOT_TOKEN": TOKEN,
        "YINLING_API_BASE_URL": fake.base_url,
        "YINLING_API_FILE_URL": fake.base_file_url,
        "YINLING_DATA_DIR": str(data_dir),
        "YINLING_POLL_TIMEOUT": "10",
        "YINLING_LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


async def spawn_bot(
    fake: FakeBotApi, data_dir: Path, *, profile: Path | None = None, **extra: str
) -> asyncio.subprocess.Process:
    """`python -m bot run` against the fake (optionally profiled: bench/profiled_bot.py)."""
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    args = ["-m", "bot", "run"]
    if profile is not None:
        args = ["-m", "bench.profiled_bot", str(profile), "run"]
    # stderr to a file: a pipe nobody reads would fill up and block the bot's logging.
    with (data_dir / "stderr.log").open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            env=bot_env(fake, data_dir, **extra),
            cwd=data_dir.parent,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )


async def spawn_bare(
    fake: FakeBotApi,
    *,
    marks: Sequence[int] = (),
    profile: Path | None = None,
    allowed: str = "",
    reply_to: str = "",
) -> asyncio.subprocess.Process:
    """The reference: a bare python-telegram-bot Application polling with the standard Updater."""
    args = ["-m", "bench.bare_bot", fake.base_url, ",".join(map(str, marks)), allowed, reply_to]
    if profile is not None:
        args = ["-m", "cProfile", "-o", str(profile), *args]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop_process(process: asyncio.subprocess.Process, *, within: float = 30) -> None:
    """SIGTERM, then wait; SIGKILL if it will not go."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        process.kill()
        await process.wait()


async def wait_for(
    predicate: Callable[[], bool | Awaitable[bool]],
    *,
    within: float,
    what: str,
    every: float = 0.02,
    process: asyncio.subprocess.Process | None = None,
) -> None:
    """Poll until `predicate()` holds; fail with `what` after `timeout` or if `process` died."""
    deadline = time.monotonic() + within
    while True:
        result = predicate()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if process is not None and process.returncode is not None:
            raise RuntimeError(f"the process died (exit {process.returncode}) waiting for {what}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(every)


def first_call_at(fake: FakeBotApi, method: str, since: float = 0.0) -> float | None:
    for call in fake.calls:
        if call.method == method and call.at >= since:
            return call.at
    return None


def sqlite_count(db_path: Path, sql: str) -> int:
    """A read-only count from the bot's database (WAL lets it run beside the bot)."""
    if not db_path.exists():
        return -1
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=15)
    try:
        return int(connection.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return -1  # not migrated yet
    finally:
        connection.close()


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


# --- profiles ---------------------------------------------------------------------------------

HOT_PATH = ("process_batch", "_store_batch", "_fetch")


def print_profile(path: Path, limit: int = 25) -> None:
    """How the update loop's time splits (bench/profiled_bot.py profiles from the end of the
    start-up): its parts in % of the time spent fetching, storing and processing updates, then
    the functions costing most by their own time, in the same %. The raw profile is kept in the
    system's temp dir for a closer look (pstats, snakeviz)."""
    kept = Path(tempfile.gettempdir()) / f"yinling-{path.stem}.prof"
    shutil.copyfile(path, kept)
    stats = pstats.Stats(str(path), stream=io.StringIO())
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    roots = {k: v for k, v in raw.items() if k[2] in HOT_PATH and "bot/runtime" in k[0]}
    total = sum(v[3] for v in roots.values()) or 1.0
    print(f"profile kept in {kept}")
    print(f"update loop: {total:.3f} s in all (cumulative), of which:")
    for key, value in sorted(roots.items(), key=lambda kv: -kv[1][3]):
        print(f"  {value[3]:8.3f} s {100 * value[3] / total:5.1f}%  {key[2]}")
    ours = [
        (k, v)
        for k, v in raw.items()
        if any(f"/{p}/" in k[0] for p in ("bot", "handlers", "storage", "schedules"))
    ]
    print("our functions by cumulative time (% of the update loop):")
    for key, value in sorted(ours, key=lambda kv: -kv[1][3])[:limit]:
        print(f"  {value[3]:8.3f} s {100 * value[3] / total:5.1f}%  {key[2]} ({_short(key[0])})")
    print("all functions by own time (% of the update loop; the idle wait left out):")
    busy = [(k, v) for k, v in raw.items() if "epoll" not in k[2] and "select" not in k[2]]
    for key, value in sorted(busy, key=lambda kv: -kv[1][2])[:limit]:
        print(f"  {value[2]:8.3f} s {100 * value[2] / total:5.1f}%  {key[2]} ({_short(key[0])})")


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/wt/perf/", "python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
