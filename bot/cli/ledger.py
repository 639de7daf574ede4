"""`yinling export ledger`: the study ledger as .xlsx (and the originals as .zip) from the
command line, for staff who run the server. Reads the database directly; the bot may keep
running (SQLite in WAL mode lets a reader work beside it)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.settings import Settings
from storage import branches, themeday
from storage.db import Database
from storage.exports.ledger import build_ledger


def add_cli(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ledger",
        help="导出学习台账（.xlsx，可附心得原件 .zip）/ export the study ledger",
        description="导出学习台账。默认导出唯一支部的全部记录。/ Export the study ledger.",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--branch", type=int, help="支部编号 / branch id")
    which.add_argument("--all", action="store_true", help="所有支部 / every branch")
    parser.add_argument("--session", type=int, help="只导出这一次主题党日 / one session id")
    parser.add_argument("--from", dest="since", type=_day, help="起始日期 YYYY-MM-DD")
    parser.add_argument("--to", dest="until", type=_day, help="截止日期 YYYY-MM-DD")
    parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 .xlsx 文件")
    parser.add_argument("--zip", type=Path, help="同时导出心得原件到这个 .zip 文件")
    parser.set_defaults(func=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text!r}") from None


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()  # values come from the environment and .env
    except ValidationError as exc:
        return _fail(f"设置有误 / settings are wrong: {exc}")
    if args.session is not None and (args.since or args.until):
        return _fail("--session 与 --from/--to 只能选一种。/ Use --session or --from/--to.")
    if args.since and args.until and args.since > args.until:
        return _fail("--from 晚于 --to。/ --from is after --to.")
    if settings.database_url is None and not (settings.data_dir / "yinling.db").exists():
        return _fail(f"找不到数据库 / no database in {settings.data_dir}")
    db = Database(settings.db_url)
    try:
        with db.session() as session:
            branch_id: int | None = args.branch
            if args.session is not None:
                theme = themeday.get(session, args.session)
                if theme is None:
                    return _fail(f"没有编号为 {args.session} 的主题党日 / no such session")
                branch_id = theme.branch_id
            elif not args.all and branch_id is None:
                found = branches.active(session)
                if len(found) != 1:
                    listed = "\n".join(f"  --branch {b.id}  {b.title}" for b in found)
                    return _fail(
                        "有多个支部，请用 --branch 选择一个，或用 --all：\n"
                        f"/ several branches, choose one with --branch or use --all:\n{listed}"
                    )
                branch_id = found[0].id
            elif branch_id is not None and branches.get(session, branch_id) is None:
                return _fail(f"没有编号为 {branch_id} 的支部 / no such branch")
            summary = build_ledger(
                session,
                branch_id=None if args.all else branch_id,
                session_ids=[args.session] if args.session is not None else None,
                since=args.since,
                until=args.until,
                tz=settings.tz,
                xlsx_path=args.output,
                zip_path=args.zip,
                archive_dir=settings.archive_dir,
                staff_ids=settings.staff_ids,
            )
    finally:
        db.dispose()
    print(
        f"已导出 {summary.sessions} 次主题党日、{summary.rows} 行到 {args.output}"
        + (f"，心得原件 {summary.files} 个到 {args.zip}" if args.zip else "")
        + f"\n/ exported {summary.sessions} sessions, {summary.rows} rows"
    )
    return 0
