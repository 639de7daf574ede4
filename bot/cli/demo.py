"""`yinling demo [--dir DIR] [--speed N]`: a month of a branch, played without Telegram.

It starts the Bot API double (bot/demo/fake) on 127.0.0.1, makes a fresh data dir in the demo
folder, and runs the real bot through `serve()`, the very path of `yinling run`, pointed at the
double, with a `FakeClock` that the script moves (bot/demo/scenes.py). The chats are printed
as they happen and written at the end as a chat page (`demo.html`), with the files the bot
sent (exports/) and the ones its people sent (files/) beside it.

Nothing here reads the environment or `.env`: the demo's settings are all given, so that a
real token, database or proxy configured on the machine is never touched; proxies in the
environment are bypassed for 127.0.0.1. The only sockets are the double's and the bot's
connections to it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot import logs
from bot.app import BotRunner
from bot.cli.common import EXIT_CONFIG, EXIT_OK, CliError
from bot.cli.run import serve
from bot.clock import FakeClock
from bot.demo import page
from bot.demo.fake.botapi import TOKEN, FakeBotApi
from bot.demo.scenes import SCENES, YEAR, play
from bot.demo.stage import Stage
from bot.demo.transcript import Recorder
from bot.demo.world import (
    BOT_NAME,
    BOT_USERNAME,
    EVERYONE,
    GROUP_ID,
    GROUP_TITLE,
    PEOPLE,
    SECRETARY,
    STAFF,
)
from bot.runtime.sender import NO_PACING
from bot.settings import Settings
from bot.texts import demo as T

TIMEZONE = "Asia/Shanghai"
MARKER = ".yinling-demo"  # says a folder is an earlier demo's, which a new demo may replace
PAGE = "demo.html"


@dataclass
class Demo:
    """What a demo left: its folder, the transcript, the page and the files beside it."""

    folder: Path
    recorder: Recorder
    finished: bool  # False: stopped early (Ctrl-C)
    page: Path
    exports: list[Path]
    files: list[Path]
    api_url: str  # where the Bot API double listened

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"


def command(args: argparse.Namespace) -> int:
    """Play the demo month; print it; write the page and the files."""
    folder = prepare(args.dir)
    handlers = logs.setup("INFO", folder / "data" / "logs")
    handlers[0].setLevel(logging.ERROR)  # the terminal is for the chats; the rest is in the log
    show(folder, speed=args.speed, out=sys.stdout)
    return EXIT_OK


def show(folder: Path, *, speed: float, out: TextIO) -> Demo | None:
    """Say it is a simulation, play it, say so again and where everything is."""
    out.write(T.SIMULATION + "\n" + T.FOLDER.format(path=folder) + "\n")
    try:
        demo = asyncio.run(run(folder, speed=speed, out=out))
    except KeyboardInterrupt:  # before the bot's own Ctrl-C handling was in place
        out.write(T.STOPPED + "\n")
        return None
    if not demo.finished:
        out.write(T.STOPPED + "\n")
    done = T.DONE.format(page=demo.page, exports=folder / "exports", data=demo.data_dir)
    out.write("\n" + done + "\n")
    out.flush()
    return demo


def prepare(given: Path | None) -> Path:
    """The demo folder: new and empty, or an earlier demo's (emptied); anything else refused."""
    folder = (
        Path(tempfile.mkdtemp(prefix="yinling-demo-")) if given is None else given.expanduser()
    ).resolve()
    try:
        if folder.exists() and any(folder.iterdir()):
            if not (folder / MARKER).exists():
                raise CliError(T.DIR_NOT_EMPTY.format(path=folder), EXIT_CONFIG)
            for child in folder.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text("yinling demo\n", encoding="utf-8")
    except OSError as exc:
        message = T.DIR_UNWRITABLE.format(path=folder, error=exc.strerror or exc)
        raise CliError(message, EXIT_CONFIG) from None
    return folder


def demo_settings(fake: FakeBotApi, data_dir: Path) -> Settings:
    """Every setting given, none read from the environment or `.env`."""
    values: dict[str, Any] = {
        name: field.get_default(call_default_factory=True)
        for name, field in Settings.model_fields.items()
        if not field.is_required()
    }
    values.update(
        bot_token=TOKEN,
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        proxy=None,
        data_dir=data_dir,
        database_url=None,
        timezone=TIMEZONE,
        admin_ids=[],
        staff_ids=[STAFF.user_id],
        # The script ticks the planner itself after moving the clock; its own round (at start
        # and then hourly) finds nothing more to do.
        tick_seconds=3600.0,
        poll_timeout=2,
        backup_keep=0,  # a demo has nothing to keep
    )
    return Settings(_env_file=None, **values)


def build_world(fake: FakeBotApi) -> None:
    """The people and the group of bot/demo/world.py, in the double."""
    for someone in EVERYONE:
        fake.add_user(someone.user_id, someone.name, username=someone.username)
    committee = [p.user_id for p in PEOPLE if p.role == "committee"]
    others = [p.user_id for p in EVERYONE if p.role in ("member", "staff")]
    fake.add_group(
        GROUP_ID, GROUP_TITLE, creator_id=SECRETARY.user_id, admins=committee, members=others
    )


def bypass_proxies() -> None:
    """Connections to the double on 127.0.0.1 never go through a proxy from the environment
    (HTTPS_PROXY, ALL_PROXY …), which httpx would otherwise use."""
    for name in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(name, "").split(",") if h.strip()]
        if "127.0.0.1" not in hosts:
            os.environ[name] = ",".join([*hosts, "127.0.0.1"])


async def run(
    folder: Path,
    *,
    speed: float = 1.0,
    out: TextIO | None = None,
) -> Demo:
    """Play the month in `folder`; write the page and the files beside it."""
    tz = ZoneInfo(TIMEZONE)
    bypass_proxies()
    month, day, hour, minute = SCENES[0].starts
    clock = FakeClock(datetime(YEAR, month, day, hour, minute, tzinfo=tz) - timedelta(minutes=1))
    fake = FakeBotApi(enforce_limits=False, bot_name=BOT_NAME, bot_username=BOT_USERNAME)
    fake.wall_clock = lambda: clock.now().timestamp()
    build_world(fake)
    recorder = Recorder(fake, tz, {p.user_id: p.label for p in EVERYONE}, out=out)
    finished = False

    async def story(runner: BotRunner) -> None:
        nonlocal finished
        stage = Stage(runner, fake, clock, recorder, tz=tz, speed=speed, year=YEAR)
        await play(stage, SCENES)
        finished = True

    await fake.start()
    try:
        await serve(
            demo_settings(fake, folder / "data"), clock=clock, pacing=NO_PACING, story=story
        )
    finally:
        await fake.stop()
    recorder.finish()
    files = page.write_files(recorder, folder)
    target = folder / PAGE
    target.write_text(page.render(recorder, files), encoding="utf-8")
    return Demo(folder, recorder, finished, target, files.exports, files.sent, fake.url)
