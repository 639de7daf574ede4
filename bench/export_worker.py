"""One export in a fresh process, so that its peak memory is its own (ru_maxrss).

    python -m bench.export_worker <kind> <out.xlsx> [args...]

Prints one JSON line: {"seconds": ..., "peak_mb": ..., "rows": ..., "bytes": ...}.
Kinds: "plain-quiz" and "plain-ledger" (the references: the same number of rows of plain values
through `storage.spreadsheets.write_xlsx`), and "feature-quiz" / "feature-ledger" (the features'
own builders over a seeded database; see bench/exports.py).
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from storage.spreadsheets import SheetSpec, write_xlsx

START = datetime(2026, 1, 5, 9, 30)


def quiz_rows(members: int, questions: int) -> Iterator[list[object]]:
    """What a quiz results sheet holds per member: who, score, when, one cell per answer."""
    for m in range(members):
        answers = ["ABCD"[(m + q) % 4] for q in range(questions)]
        score = sum(1 for q, a in enumerate(answers) if a == "ABCD"[q % 4])
        yield [
            f"成员{m:05d}",
            f"第{m % 50 + 1}支部",
            score * 5,
            START + timedelta(seconds=37 * m),
            *answers,
        ]


def quiz_sheets(members: int, questions: int) -> list[SheetSpec]:
    header = ["姓名", "支部", "得分", "交卷时间", *[f"第{q + 1}题" for q in range(questions)]]
    per_question = (
        [f"第{q + 1}题", members, round(members * 0.25), 0.25] for q in range(questions)
    )
    return [
        SheetSpec("成绩", header, quiz_rows(members, questions)),
        SheetSpec("各题正确率", ["题目", "作答人数", "答对人数", "正确率"], per_question),
    ]


def ledger_rows(members: int, months: int) -> Iterator[list[object]]:
    """A study ledger line per member per month: who, session, how they took part."""
    kinds = ["文字", "语音", "照片", "未提交"]
    for month in range(months):
        for m in range(members):
            kind = kinds[(m + month) % 4]
            yield [
                f"2026-{month + 1:02d}",
                f"第{m % 50 + 1}支部",
                f"成员{m:05d}",
                "党章第三章学习" if month % 2 else "学习贯彻二十届四中全会精神",
                kind,
                None if kind == "未提交" else START + timedelta(days=30 * month, minutes=m),
                "" if kind != "文字" else "通过学习，我深刻认识到……" * 8,
                "" if kind in ("文字", "未提交") else f"archive/2026-{month + 1:02d}/{m}.ogg",
            ]


def ledger_sheets(members: int, months: int) -> list[SheetSpec]:
    header = ["月份", "支部", "姓名", "主题", "提交方式", "提交时间", "心得摘要", "文件"]
    return [SheetSpec("学习台账", header, ledger_rows(members, months))]


def peak_rss_kb() -> int:
    """This process's own peak resident memory.

    VmHWM belongs to the process's address space, which exec starts afresh; ru_maxrss would
    also count the parent's size at fork time (Linux keeps it across exec), and the parent has
    just seeded a large database.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> None:
    kind, out, *args = argv
    path = Path(out)
    started = time.perf_counter()
    rows = 0
    if kind == "plain-quiz":
        members, questions = int(args[0]), int(args[1])
        write_xlsx(path, quiz_sheets(members, questions))
        rows = members + questions
    elif kind == "plain-ledger":
        members, months = int(args[0]), int(args[1])
        write_xlsx(path, ledger_sheets(members, months))
        rows = members * months
    elif kind.startswith("feature-"):
        # args: module, function, database path; the builder writes `path` from the database.
        module, function, db_path = args
        build = getattr(importlib.import_module(module), function)
        from storage.db import Database, sqlite_url

        db = Database(sqlite_url(Path(db_path)))
        with db.session() as session:
            result = build(session=session, path=path)
        rows = int(result) if isinstance(result, int) else 0
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    seconds = time.perf_counter() - started
    peak_kb = peak_rss_kb()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "rows": rows,
                "bytes": path.stat().st_size if path.exists() else 0,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
