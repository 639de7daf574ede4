"""7. Hostile spreadsheets: how long a file built to exhaust the reader takes to be refused.

An uploaded bank or roster is checked before it is parsed (storage/spreadsheets/limits.py): a
68 KB zip bomb of 1.5 million shared strings took openpyxl 18 s and 200 MB to open before the
checks. Each hostile file of the suite's list (tests/unit/test_spreadsheet_limits.py) is refused
here in this process, timed; the reference is the same call parsing a real 500-question bank,
the largest a branch uploads. Goal: the slowest refusal costs at most as much as reading that
real bank twice (the time tests used to assert, now measured as a ratio in the same run).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.common import Figure, median
from storage.spreadsheets import SheetTooBig, parse_quiz_bank
from tests.bombs import BANK_HEADER, xlsx
from tests.unit.test_spreadsheet_limits import HOSTILE

GOAL_RATIO = 2.0


def real_bank(questions: int = 500) -> bytes:
    rows = [
        [f"第{i}题：党的十八大以来，下列说法正确的是哪一项？" * 2, "甲方案", "乙方案", "丙方案"]
        for i in range(questions)
    ]
    header = [*BANK_HEADER[:3], "选项C", BANK_HEADER[3]]
    return xlsx([header, *[[*r, "B"] for r in rows]])


def seconds(data: bytes, name: str, *, refused: bool) -> float:
    started = time.perf_counter()
    try:
        parse_quiz_bank(data, name)
    except SheetTooBig:
        if not refused:
            raise
    else:
        if refused:
            raise AssertionError(f"{name} was not refused")
    return time.perf_counter() - started


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> Figure:
    bank = real_bank(100 if quick else 500)
    reference = median([seconds(bank, "题库.xlsx", refused=False) for _ in range(runs)])
    slowest, worst = 0.0, ""
    details = []
    for label, build in HOSTILE.items():
        data, name = build()
        took = median([seconds(data, name, refused=True) for _ in range(runs)])
        details.append(f"{label}: {took * 1000:.0f} ms")
        if took > slowest:
            slowest, worst = took, label
    ratio = slowest / reference
    return Figure(
        "hostile",
        "Hostile spreadsheet refused",
        f"{slowest * 1000:.0f} ms ({worst})",
        f"{reference * 1000:.0f} ms (a real {'100' if quick else '500'}-question bank read)",
        f"≤ {GOAL_RATIO:.0f}× the real bank",
        ratio <= GOAL_RATIO,
        ratio=f"{ratio:.2f}×",
        details=details,
    )
