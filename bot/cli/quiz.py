"""`yinling export quiz <id> --format xlsx|csv -o FILE`: quiz results from the command line.

The same files staff get from /export in a private chat (storage.quiz_export), written straight
from the database, e.g. for a printout or a benchmark. Safe to run while the bot is running
(SQLite in WAL mode lets it read alongside).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from storage.db import Database
from storage.exports.quiz import QuizNotFound, build_quiz_export

EXIT_NOT_FOUND = 4


def add_cli(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "quiz",
        help="知识测试成绩 / quiz results",
        description="导出一次知识测试的成绩 / export the results of one quiz",
    )
    parser.add_argument("quiz_id", type=int, help="测试编号（/quiz 列表里的编号）/ quiz id")
    parser.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default=None,
        help="xlsx（三页：成绩、各题正确率、未参加）或 csv（每人成绩）；默认看文件名",
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件 / output file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: bot.__main__ imports this module to build its parser.
    from bot.__main__ import load_settings

    settings = load_settings()
    output: Path = args.output
    kind = args.format or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
    output.parent.mkdir(parents=True, exist_ok=True)
    db = Database(settings.db_url)
    try:
        with db.session() as session:
            result = build_quiz_export(
                session,
                quiz_id=args.quiz_id,
                tz=settings.tz,
                xlsx_path=output if kind == "xlsx" else None,
                csv_path=output if kind == "csv" else None,
            )
    except QuizNotFound:
        print(f"没有编号为 {args.quiz_id} 的测试。/ No quiz {args.quiz_id}.", file=sys.stderr)
        return EXIT_NOT_FOUND
    finally:
        db.dispose()
    print(
        f"已导出“{result.title}”：{result.participants}人参加 → {output}"
        f" / exported {result.participants} participants to {output}"
    )
    return 0
