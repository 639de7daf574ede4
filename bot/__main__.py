"""The `yinling` command: run the bot, and the operator's tools around it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from types import ModuleType

from pydantic import ValidationError

from bot import logs, quiz_cli
from bot.app import AlreadyRunning, BotRunner
from bot.polling import FatalPollingError
from bot.settings import Settings

EXIT_CONFIG = 2
EXIT_RUNTIME = 3

log = logging.getLogger("yinling")


def load_settings() -> Settings:
    """Parse settings, or explain in Chinese and English what is wrong and exit 2."""
    try:
        return Settings()  # values come from the environment
    except ValidationError as exc:
        lines = ["银龄无法启动：设置有误。/ Yinling cannot start: the settings are wrong."]
        for error in exc.errors():
            name = "YINLING_" + str(error["loc"][0]).upper() if error["loc"] else "?"
            if name == "YINLING_BOT_TOKEN":
                if error["type"] == "missing":
                    lines.append(
                        "  • 缺少 YINLING_BOT_TOKEN：请把 @BotFather 给的令牌写进环境变量或 .env 文件。"
                        "\n    YINLING_BOT_TOKEN is missing: put the token from @BotFather in the"
                        " environment or in .env."
                    )
                else:
                    lines.append(
                        "  • YINLING_BOT_TOKEN 格式不对，应类似 123456789:AAH…（数字、冒号、一串字母）。"
                        "\n    YINLING_BOT_TOKEN is malformed; it looks like 123456789:AAH…"
                    )
            else:
                lines.append(f"  • {name}: {error['msg']}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


async def serve(settings: Settings) -> None:
    runner = BotRunner(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runner.start()
    waiter = asyncio.ensure_future(runner.wait())
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({waiter, stopper}, return_when="FIRST_COMPLETED")
        if waiter.done():
            waiter.result()
    finally:
        stopper.cancel()
        log.info("stopping: finishing the update in hand")
        await runner.stop()


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    logs.setup(settings.log_level, settings.data_dir / "logs")
    try:
        asyncio.run(serve(settings))
    except AlreadyRunning as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_RUNTIME
    except FatalPollingError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import Database

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.db_url)
    db.migrate()
    print(f"数据库已是最新版本 / database at revision {db.current_revision()}")
    return 0


# Feature modules that add `yinling export <what>`: each has add_cli(subparsers), registering
# a parser whose `func(args) -> int` does the export.
EXPORTERS: list[ModuleType] = [quiz_cli]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="yinling",
        description="银龄：离退休干部党支部的 Telegram 学习助手 / Yinling, a party branch's bot",
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="启动机器人（默认）/ run the bot (default)")
    run.set_defaults(func=cmd_run)
    migrate = sub.add_parser("migrate", help="升级数据库结构 / upgrade the database schema")
    migrate.set_defaults(func=cmd_migrate)
    export = sub.add_parser(
        "export", help="导出学习台账、测试成绩为表格 / export the ledger or quiz results"
    )
    kinds = export.add_subparsers(dest="what", metavar="WHAT", required=True)
    for module in EXPORTERS:
        module.add_cli(kinds)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func = getattr(args, "func", cmd_run)
    code: int = func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
