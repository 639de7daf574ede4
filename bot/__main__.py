"""The `yinling` command: its arguments, and which function in bot/cli does each subcommand.

Only parsing lives here. A subcommand returns its exit code, or raises `CliError` with a
message for stderr (bot/cli/common.py has the exit codes).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli import backup, demo, doctor, export, run
from bot.cli.common import CliError
from bot.texts import cli as T


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="yinling", description=T.DESCRIPTION)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help=T.HELP_RUN).set_defaults(func=run.run)
    sub.add_parser("migrate", help=T.HELP_MIGRATE).set_defaults(func=run.migrate)
    sub.add_parser("doctor", help=T.HELP_DOCTOR).set_defaults(func=doctor.command)
    demo.add_parser(sub)

    backup_parser = sub.add_parser("backup", help=T.HELP_BACKUP)
    backup_parser.add_argument("file", nargs="?", type=Path, help=T.HELP_BACKUP_FILE)
    backup_parser.set_defaults(func=backup.backup)

    restore_parser = sub.add_parser("restore", help=T.HELP_RESTORE)
    restore_parser.add_argument("file", type=Path, help=T.HELP_RESTORE_FILE)
    restore_parser.set_defaults(func=backup.restore)

    export_parser = sub.add_parser("export", help=T.HELP_EXPORT)
    kinds = export_parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    export.add_parsers(kinds)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func = getattr(args, "func", run.run)  # plain `yinling` runs the bot
    try:
        code: int = func(args)
    except CliError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    return code


if __name__ == "__main__":
    sys.exit(main())
