"""The `yinling` command: run the bot, and the operator's tools around it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType

from pydantic import ValidationError
from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.app import AlreadyRunning, BotRunner
from bot.cli import ledger as cli_ledger
from bot.cli import quiz as quiz_cli
from bot.runtime.inbox import FatalPollingError
from bot.settings import Settings

TOKEN_REFUSED = (
    "Telegram 拒绝了这个机器人令牌。请到 @BotFather 核对令牌，更新 YINLING_BOT_TOKEN。"
    "\nTelegram refused the bot token; check it with @BotFather and update YINLING_BOT_TOKEN."
)
UNREACHABLE = (
    "连接不上 Telegram。请检查网络；在中国大陆需要设置代理 YINLING_PROXY（如 socks5://127.0.0.1:1080）。"
    "\nCannot reach Telegram; check the network, or set YINLING_PROXY."
)
EXIT_CONFIG = 2
EXIT_RUNTIME = 3

log = logging.getLogger("yinling")


def settings_problems(exc: ValidationError) -> list[str]:
    """One line per wrong setting, in Chinese and English, never echoing the token."""
    lines = []
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
    return lines


def load_settings() -> Settings:
    """Parse settings, or explain in Chinese and English what is wrong and exit 2."""
    try:
        return Settings()  # values come from the environment
    except ValidationError as exc:
        lines = ["银龄无法启动：设置有误。/ Yinling cannot start: the settings are wrong."]
        lines.extend(settings_problems(exc))
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
    except (FatalPollingError, InvalidToken) as exc:
        print(str(exc) if isinstance(exc, FatalPollingError) else TOKEN_REFUSED, file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as exc:
        print(f"{UNREACHABLE}\n({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_RUNTIME
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import Database

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.db_url)
    db.migrate()
    print(f"数据库已是最新版本 / database at revision {db.current_revision()}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.cli import doctor

    try:
        settings = Settings()
    except ValidationError as exc:
        print(doctor.settings_failed(settings_problems(exc)).lines())
        return doctor.report_end(1, print)
    return asyncio.run(doctor.run(settings))


def cmd_backup(args: argparse.Namespace) -> int:
    from storage import backup

    settings = load_settings()
    local_now = datetime.now(settings.tz)
    try:
        db_path = backup.sqlite_path(settings.db_url)
        target = args.file or backup.free_name(settings.backups_dir, local_now)
        if target.is_dir():
            target = backup.free_name(target, local_now)
        info = backup.create(db_path, settings.archive_dir, target, created_at=local_now)
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_RUNTIME
    print(
        f"备份完成：{info.path}（{info.size / 1024 / 1024:.1f} MB，含 {info.files} 个存档文件）"
        f" / Backup written: {info.path} ({info.size} bytes, {info.files} archived files)"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from storage import backup

    settings = load_settings()
    try:
        db_path = backup.sqlite_path(settings.db_url)
        info = backup.restore(args.file, settings.data_dir, db_path)
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_RUNTIME
    print(
        f"已恢复到 {settings.data_dir}：数据库 {info.database} 完好（integrity_check: ok），"
        f"{info.files} 个存档文件。现在可以启动机器人（yinling run 会自动升级数据库）。"
        f" / Restored into {settings.data_dir}: the database passed the integrity check,"
        f" {info.files} archived files. Start the bot with yinling run."
    )
    return 0


# Feature modules that add `yinling export <what>`: each has add_cli(subparsers), registering
# a parser whose `func(args) -> int` does the export.
EXPORTERS: list[ModuleType] = [cli_ledger, quiz_cli]


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
    doctor = sub.add_parser(
        "doctor", help="检查设置、网络、数据库和各支部群 / check the whole set-up"
    )
    doctor.set_defaults(func=cmd_doctor)
    backup = sub.add_parser(
        "backup", help="备份数据库和存档文件（运行中也可以）/ back up the data (safe while running)"
    )
    backup.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="备份文件名，默认放在 <数据目录>/backups/ / the .tar.gz to write",
    )
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser(
        "restore", help="把备份恢复到空的数据目录 / restore a backup into an empty data dir"
    )
    restore.add_argument("file", type=Path, help="yinling backup 做的 .tar.gz / the backup")
    restore.set_defaults(func=cmd_restore)
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
