"""`yinling export <kind> … -o FILE`: the files staff get from /export, written on the server
straight from the database. Safe while the bot runs (SQLite in WAL mode lets a reader work
beside it).

Adding a kind of export is one `Kind` in `KINDS`: its name and help (in bot/texts/cli.py), a
function adding its own options (every kind gets `-o/--output`), and a function that writes
the file from an open session and returns the line to print. Settings, the database and the
output folders (for `-o` and for the options named in `also_writes`, created when missing) are
seen to before it runs. To refuse, raise `CliError` (`EXIT_NOT_FOUND` for an id that does not
exist, `EXIT_CONFIG` for options that do not go together).
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.cli.common import (
    EXIT_CONFIG,
    EXIT_NOT_FOUND,
    EXIT_OK,
    CliError,
    load_settings,
    require_writable,
    sqlite_file,
    write_failed,
)
from bot.settings import Settings
from bot.texts import cli as T
from storage import branches, themeday
from storage.db import Database
from storage.exports.ledger import build_ledger
from storage.exports.quiz import QuizNotFound, build_quiz_export
from storage.exports.summary import write_summary, year_summary


def _no_check(args: argparse.Namespace) -> None:
    pass


@dataclass(frozen=True)
class Kind:
    """One `yinling export <name>`."""

    name: str
    help: str
    description: str
    output_help: str
    # Adds the kind's own options to its parser.
    arguments: Callable[[argparse.ArgumentParser], None]
    # Writes the export; returns what to print.
    write: Callable[[argparse.Namespace, Settings, Session], str]
    # Refuses options that do not go together, before anything is opened or created.
    check: Callable[[argparse.Namespace], None] = _no_check
    # Options besides -o naming files the export writes (their folders are created too).
    also_writes: tuple[str, ...] = ()


def add_parsers(subparsers: Any) -> None:
    """Register `yinling export <kind>` for every kind in KINDS."""
    for kind in KINDS:
        parser = subparsers.add_parser(kind.name, help=kind.help, description=kind.description)
        kind.arguments(parser)
        parser.add_argument(
            "-o", "--output", type=Path, required=True, metavar="FILE", help=kind.output_help
        )
        parser.set_defaults(func=functools.partial(export, kind))


def export(kind: Kind, args: argparse.Namespace) -> int:
    """Run one export: settings, output folders, database, then the kind's own writer."""
    kind.check(args)
    settings = load_settings()
    for path in output_paths(kind, args):
        prepare_output(path)
    db = open_database(settings)
    try:
        with db.session() as session:
            message = kind.write(args, settings, session)
    except OSError as exc:
        raise write_failed(exc, " ".join(map(str, output_paths(kind, args)))) from None
    finally:
        db.dispose()
    print(message)
    return EXIT_OK


def output_paths(kind: Kind, args: argparse.Namespace) -> list[Path]:
    found = [args.output, *(getattr(args, name) for name in kind.also_writes)]
    return [path for path in found if path is not None]


def prepare_output(path: Path) -> None:
    """Create the folder a file is written into, or say why it cannot be (exit 2)."""
    if path.is_dir():
        raise CliError(T.OUTPUT_IS_A_FOLDER.format(path=path), EXIT_CONFIG)
    folder = path.absolute().parent
    require_writable(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        error = exc.strerror or type(exc).__name__
        raise CliError(T.FOLDER_UNWRITABLE.format(path=folder, error=error)) from None


def open_database(settings: Settings) -> Database:
    """The bot's database for reading; refuses (exit 2) when there is none to read."""
    path = sqlite_file(settings)
    if path is not None and not path.is_file():
        raise CliError(T.NO_DATABASE.format(path=path), EXIT_CONFIG)
    return Database(settings.db_url)


# --- the study ledger -------------------------------------------------------------------------


def ledger_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--branch", type=int, metavar="ID", help=T.HELP_LEDGER_BRANCH)
    which.add_argument("--all", action="store_true", help=T.HELP_LEDGER_ALL)
    parser.add_argument("--session", type=int, metavar="ID", help=T.HELP_LEDGER_SESSION)
    for option, dest, text in (
        ("--from", "since", T.HELP_LEDGER_FROM),
        ("--to", "until", T.HELP_LEDGER_TO),
    ):
        parser.add_argument(option, dest=dest, type=day, metavar="YYYY-MM-DD", help=text)
    parser.add_argument("--zip", type=Path, metavar="FILE.zip", help=T.HELP_LEDGER_ZIP)


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(T.BAD_DATE.format(text=text)) from None


def check_ledger(args: argparse.Namespace) -> None:
    if args.session is not None and (args.since or args.until):
        raise CliError(T.LEDGER_SESSION_AND_DATES, EXIT_CONFIG)
    if args.since and args.until and args.since > args.until:
        raise CliError(T.LEDGER_FROM_AFTER_TO, EXIT_CONFIG)


def write_ledger(args: argparse.Namespace, settings: Settings, session: Session) -> str:
    branch_id = ledger_branch(args, session)
    summary = build_ledger(
        session,
        branch_id=branch_id,
        session_ids=[args.session] if args.session is not None else None,
        since=args.since,
        until=args.until,
        tz=settings.tz,
        xlsx_path=args.output,
        zip_path=args.zip,
        archive_dir=settings.archive_dir,
        staff_ids=settings.staff_ids,
    )
    message = T.LEDGER_DONE.format(sessions=summary.sessions, rows=summary.rows, path=args.output)
    if args.zip:
        message += "\n" + T.LEDGER_DONE_ZIP.format(files=summary.files, path=args.zip)
    return message


def ledger_branch(args: argparse.Namespace, session: Session) -> int | None:
    """The branch to export (None: every branch); by default the only one there is."""
    if args.session is not None:
        theme = themeday.get(session, args.session)
        if theme is None:
            raise CliError(T.LEDGER_NO_SESSION.format(id=args.session), EXIT_NOT_FOUND)
        return None if args.all else theme.branch_id
    if args.all:
        return None
    return one_branch(session, args.branch, T.LEDGER_SEVERAL_BRANCHES)


def one_branch(session: Session, branch_id: int | None, several: str) -> int:
    """The branch given with --branch, or the only one there is (else `several`, exit 2)."""
    if branch_id is not None:
        if branches.get(session, branch_id) is None:
            raise CliError(T.LEDGER_NO_BRANCH.format(id=branch_id), EXIT_NOT_FOUND)
        return branch_id
    found = branches.active(session)
    if not found:
        raise CliError(T.LEDGER_NO_BRANCHES, EXIT_NOT_FOUND)
    if len(found) > 1:
        listed = "\n".join(T.LEDGER_BRANCH_LINE.format(id=b.id, title=b.title) for b in found)
        raise CliError(several.format(branches=listed), EXIT_CONFIG)
    only = found[0].id
    assert only is not None
    return only


# --- quiz results ---------------------------------------------------------------------------


def quiz_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("quiz_id", type=int, metavar="ID", help=T.HELP_QUIZ_ID)
    parser.add_argument("--format", choices=("xlsx", "csv"), default=None, help=T.HELP_QUIZ_FORMAT)


def write_quiz(args: argparse.Namespace, settings: Settings, session: Session) -> str:
    output: Path = args.output
    kind = args.format or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
    try:
        result = build_quiz_export(
            session,
            quiz_id=args.quiz_id,
            tz=settings.tz,
            xlsx_path=output if kind == "xlsx" else None,
            csv_path=output if kind == "csv" else None,
        )
    except QuizNotFound:
        raise CliError(T.QUIZ_NOT_FOUND.format(id=args.quiz_id), EXIT_NOT_FOUND) from None
    return T.QUIZ_DONE.format(title=result.title, participants=result.participants, path=output)


# --- the year's work in figures ---------------------------------------------------------------


def summary_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, metavar="YYYY", help=T.HELP_SUMMARY_YEAR)
    parser.add_argument("--branch", type=int, metavar="ID", help=T.HELP_LEDGER_BRANCH)


def check_summary(args: argparse.Namespace) -> None:
    if args.year is not None and not 2000 <= args.year <= 2100:
        raise CliError(T.SUMMARY_BAD_YEAR.format(year=args.year), EXIT_CONFIG)


def write_summary_file(args: argparse.Namespace, settings: Settings, session: Session) -> str:
    branch_id = one_branch(session, args.branch, T.SUMMARY_SEVERAL_BRANCHES)
    today = datetime.now(UTC).astimezone(settings.tz).date()
    summary = year_summary(
        session,
        branch_id=branch_id,
        year=args.year or today.year,
        tz=settings.tz,
        today=today,
        staff_ids=settings.staff_ids,
    )
    write_summary(summary, args.output)
    year = summary.year
    return T.SUMMARY_DONE.format(
        branch=year.branch,
        year=year.year,
        until=year.until.isoformat(),
        sessions=summary.area("themeday").figures["held"],
        reflections=summary.area("reflections").figures["total"],
        sheets=summary.area("quiz").figures["sheets"],
        path=args.output,
    )


KINDS: list[Kind] = [
    Kind(
        name="ledger",
        help=T.HELP_LEDGER,
        description=T.DESCRIPTION_LEDGER,
        output_help=T.HELP_LEDGER_OUTPUT,
        arguments=ledger_arguments,
        write=write_ledger,
        check=check_ledger,
        also_writes=("zip",),
    ),
    Kind(
        name="quiz",
        help=T.HELP_QUIZ,
        description=T.DESCRIPTION_QUIZ,
        output_help=T.HELP_QUIZ_OUTPUT,
        arguments=quiz_arguments,
        write=write_quiz,
    ),
    Kind(
        name="summary",
        help=T.HELP_SUMMARY,
        description=T.DESCRIPTION_SUMMARY,
        output_help=T.HELP_SUMMARY_OUTPUT,
        arguments=summary_arguments,
        write=write_summary_file,
        check=check_summary,
    ),
]
