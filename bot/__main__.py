"""The `yinling` command: its arguments, and which function in bot/cli does each subcommand.

Only parsing lives here. A subcommand returns its exit code, or raises `CliError` with a
message for stderr (bot/cli/common.py has the exit codes). Each subcommand's module is imported
only when it runs: `yinling run` does not load the demo's world or the doctor's alembic, which
took a third of the bot's start-up (bench/footprint.py).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.texts import cli as T
from bot.texts import demo as demo_texts

Command = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Later:
    """The subcommand `name` of bot/cli/<module>.py, imported only when it is the one run."""

    module: str
    name: str

    def load(self) -> Command:
        func: Command = getattr(importlib.import_module(f"bot.cli.{self.module}"), self.name)
        return func


def parser() -> argparse.ArgumentParser:
    from bot.cli import export
    from bot.cli.common import positive

    top = argparse.ArgumentParser(prog="yinling", description=T.DESCRIPTION)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help=T.HELP_RUN).set_defaults(func=Later("run", "run"))
    sub.add_parser("migrate", help=T.HELP_MIGRATE).set_defaults(func=Later("run", "migrate"))
    sub.add_parser("doctor", help=T.HELP_DOCTOR).set_defaults(func=Later("doctor", "command"))
    demo = sub.add_parser(
        "demo", help=demo_texts.HELP_DEMO, description=demo_texts.DESCRIPTION_DEMO
    )
    demo.add_argument("--dir", type=Path, help=demo_texts.HELP_DIR)
    demo.add_argument("--speed", type=positive, default=1.0, help=demo_texts.HELP_SPEED)
    demo.set_defaults(func=Later("demo", "command"))

    backup_parser = sub.add_parser("backup", help=T.HELP_BACKUP)
    backup_parser.add_argument("file", nargs="?", type=Path, help=T.HELP_BACKUP_FILE)
    backup_parser.set_defaults(func=Later("backup", "backup"))

    restore_parser = sub.add_parser("restore", help=T.HELP_RESTORE)
    restore_parser.add_argument("file", type=Path, help=T.HELP_RESTORE_FILE)
    restore_parser.set_defaults(func=Later("backup", "restore"))

    export_parser = sub.add_parser("export", help=T.HELP_EXPORT)
    kinds = export_parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    export.add_parsers(kinds)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    # What the imports build (modules, ORM mappers, PTB's classes) lives as long as the
    # process: the collector's passes over it while it grows cost a tenth of start-up.
    gc.disable()
    try:
        from bot.cli.common import CliError

        args = parser().parse_args(argv)
        chosen = getattr(args, "func", Later("run", "run"))  # plain `yinling` runs the bot
        func: Command = chosen.load() if isinstance(chosen, Later) else chosen
    finally:
        gc.enable()
    try:
        code: int = func(args)
    except CliError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    return code


if __name__ == "__main__":
    sys.exit(main())
