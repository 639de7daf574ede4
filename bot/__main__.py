"""The `yinling` command: its arguments, and which function in bot/cli does each subcommand.

Only parsing lives here. A subcommand returns its exit code, or raises `CliError` with a
message for stderr (bot/cli/common.py has the exit codes). Each subcommand's module is imported
only when it runs: `yinling run` does not load the demo's world or the doctor's alembic, which
took a third of the bot's start-up (bench/footprint.py).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.cli import export
from bot.cli.common import CliError, positive
from bot.texts import cli as T
from bot.texts import demo as demo_texts

Command = Callable[[argparse.Namespace], int]


def later(module: str, name: str) -> Command:
    """The subcommand `name` of `module` (bot/cli/<module>.py), imported when it runs."""

    def command(args: argparse.Namespace) -> int:
        func: Command = getattr(importlib.import_module(f"bot.cli.{module}"), name)
        return func(args)

    return command


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="yinling", description=T.DESCRIPTION)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help=T.HELP_RUN).set_defaults(func=later("run", "run"))
    sub.add_parser("migrate", help=T.HELP_MIGRATE).set_defaults(func=later("run", "migrate"))
    sub.add_parser("doctor", help=T.HELP_DOCTOR).set_defaults(func=later("doctor", "command"))
    demo = sub.add_parser(
        "demo", help=demo_texts.HELP_DEMO, description=demo_texts.DESCRIPTION_DEMO
    )
    demo.add_argument("--dir", type=Path, help=demo_texts.HELP_DIR)
    demo.add_argument("--speed", type=positive, default=1.0, help=demo_texts.HELP_SPEED)
    demo.set_defaults(func=later("demo", "command"))

    backup_parser = sub.add_parser("backup", help=T.HELP_BACKUP)
    backup_parser.add_argument("file", nargs="?", type=Path, help=T.HELP_BACKUP_FILE)
    backup_parser.set_defaults(func=later("backup", "backup"))

    restore_parser = sub.add_parser("restore", help=T.HELP_RESTORE)
    restore_parser.add_argument("file", type=Path, help=T.HELP_RESTORE_FILE)
    restore_parser.set_defaults(func=later("backup", "restore"))

    export_parser = sub.add_parser("export", help=T.HELP_EXPORT)
    kinds = export_parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    export.add_parsers(kinds)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func: Command = getattr(args, "func", later("run", "run"))  # plain `yinling` runs the bot
    try:
        code: int = func(args)
    except CliError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    return code


if __name__ == "__main__":
    sys.exit(main())
