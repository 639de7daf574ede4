"""`yinling run` (the bot, until SIGTERM or Ctrl-C) and `yinling migrate` (the schema only).

Both check first that the data dir can be written, so that a read-only folder is a message
naming it (exit 2), not a traceback from deep inside start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.app import AlreadyRunning, BotRunner
from bot.cli.common import (
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_RUNTIME,
    load_settings,
    require_data_dir_writable,
    scrub,
    sqlite_file,
)
from bot.clock import Clock
from bot.runtime.inbox import FatalPollingError
from bot.runtime.sender import TELEGRAM_PACING, Pacing
from bot.settings import Settings
from bot.texts import cli as T
from storage.db import Database

log = logging.getLogger("yinling")


def run(args: argparse.Namespace) -> int:
    """Run the bot until stopped."""
    settings = load_settings()
    require_data_dir_writable(settings, *written_by_the_bot(settings))
    logs.setup(settings.log_level, settings.data_dir / "logs")
    try:
        asyncio.run(serve(settings))
    except AlreadyRunning as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_RUNTIME
    except (FatalPollingError, InvalidToken) as exc:
        print(str(exc) if isinstance(exc, FatalPollingError) else T.TOKEN_REFUSED, file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as exc:
        error = scrub(f"{type(exc).__name__}: {exc}", settings)
        print(T.UNREACHABLE.format(error=error), file=sys.stderr)
        return EXIT_RUNTIME
    return EXIT_OK


def written_by_the_bot(settings: Settings) -> list[Path]:
    """The folders the bot cannot work without, besides the data dir itself.

    Not backups/ or exports/: a backups folder left to root by `sudo yinling backup` should
    cost the daily backup (logged, and a ✗ from the doctor), not stop the bot.
    """
    folders = [settings.data_dir / "logs", settings.archive_dir]
    database = sqlite_file(settings)
    if database is not None:
        folders.append(database.parent)
    return folders


# Something that plays while the bot runs and is given the running bot: `yinling demo`'s month.
Story = Callable[[BotRunner], Awaitable[None]]


async def serve(
    settings: Settings,
    *,
    clock: Clock | None = None,
    pacing: Pacing = TELEGRAM_PACING,
    story: Story | None = None,
) -> None:
    """Start the bot, and stop it on SIGINT/SIGTERM after the update in hand.

    `yinling run` gives only the settings. `yinling demo` comes through here too, so that the
    bot it shows is the one `run` starts: with its fake clock, unpaced sends (the Bot API double
    has no flood limits), and its `story`, after which the bot stops as on SIGTERM.
    """
    runner = BotRunner(settings, clock=clock, pacing=pacing)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.start()
    waiter = asyncio.ensure_future(runner.wait())
    stopper = asyncio.ensure_future(stop.wait())
    player = asyncio.ensure_future(story(runner)) if story is not None else None
    try:
        watched = {waiter, stopper} | ({player} if player is not None else set())
        await asyncio.wait(watched, return_when="FIRST_COMPLETED")
        if waiter.done():
            waiter.result()
        if player is not None and player.done():
            player.result()
    finally:
        stopper.cancel()
        if player is not None and not player.done():
            player.cancel()
            await asyncio.gather(player, return_exceptions=True)
        log.info("stopping: finishing the update in hand")
        await runner.stop()


def migrate(args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    settings = load_settings()
    database = sqlite_file(settings)
    require_data_dir_writable(settings, *([database.parent] if database else []))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.db_url)
    try:
        db.migrate()
        print(T.MIGRATED.format(revision=db.current_revision()))
    finally:
        db.dispose()
    return EXIT_OK
