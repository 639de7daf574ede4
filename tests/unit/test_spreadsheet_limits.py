"""Hostile spreadsheets are refused whole, quickly, before they are parsed (storage only), and a
parse that still runs away is stopped by the process it runs in (bot/runtime/sandbox.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest

from bot.runtime.sandbox import OverBudget, run_limited
from storage.spreadsheets import (
    BankError,
    SheetTooBig,
    check_quiz_bank,
    check_upload,
    limits,
    parse_quiz_bank,
    parse_roster,
)
from tests.bombs import BANK_HEADER, BANK_ROW, csv_bytes, shared_strings_bomb, xlsx

BANK = [BANK_HEADER, BANK_ROW]

HOSTILE: dict[str, Callable[[], tuple[bytes, str]]] = {
    "1.5 million repeated shared strings (64 KB)": lambda: (shared_strings_bomb(), "题库.xlsx"),
    "150,000 distinct shared strings": lambda: (
        xlsx(BANK, extra_strings=150_000, distinct_strings=True),
        "题库.xlsx",
    ),
    "a sheet padded to 20 MB": lambda: (xlsx(BANK, padding=20 * 1024 * 1024), "题库.xlsx"),
    "10 MB packed a thousand to one": lambda: (xlsx(BANK, padding=10 * 1024 * 1024), "题库.xlsx"),
    "1,000 parts": lambda: (xlsx(BANK, extra_parts=1000), "题库.xlsx"),
    "a cell at row 1,048,576": lambda: (xlsx(BANK, last_row=1_048_576), "题库.xlsx"),
    "a cell of 40,000 characters": lambda: (
        xlsx([*BANK, ["长" * 40_000, "1", "2", "A"]]),
        "题库.xlsx",
    ),
    "a CSV of 60,000 empty lines": lambda: (
        csv_bytes([",".join(BANK_HEADER), ",".join(BANK_ROW)] + [","] * 60_000),
        "题库.csv",
    ),
    "a CSV field of 40,000 characters": lambda: (
        csv_bytes([",".join(BANK_HEADER), "长" * 40_000 + ",1,2,A"]),
        "题库.csv",
    ),
    "a CSV of 9 MB": lambda: (
        csv_bytes([",".join(BANK_HEADER)] + ["x" * 1000 + ",1,2,A"] * 9000),
        "题库.csv",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_whole_and_quickly(name: str) -> None:
    data, file_name = HOSTILE[name]()
    with pytest.raises(SheetTooBig) as caught:  # how quickly: bench/hostile.py
        parse_quiz_bank(data, file_name)
    assert caught.value.detail, name
    assert caught.value.describe() == limits.TOO_BIG
    assert "太大" in limits.TOO_BIG and "另存为" in limits.TOO_BIG
    with pytest.raises(SheetTooBig):
        parse_roster(data, file_name.replace("题库", "名单"), today=date(2026, 11, 26))


def test_the_bomb_from_the_report_is_small_and_refused_from_its_directory() -> None:
    bomb = shared_strings_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(SheetTooBig) as caught:
        check_upload(bomb)  # the bot's own process: only the zip's directory is read
    assert "sharedStrings" in caught.value.detail


def test_files_within_the_budget_are_read_as_before() -> None:
    questions, poll_problems = check_quiz_bank(xlsx(BANK), "题库.xlsx")
    assert [q.text for q in questions] == ["一加一等于几？"] and poll_problems is None
    # 1,000 distinct strings, a cell far down the sheet but within it, and a CSV: all fine.
    assert parse_quiz_bank(xlsx(BANK, extra_strings=1000, distinct_strings=True), "b.xlsx")
    assert (
        len(parse_quiz_bank(xlsx([*BANK, *[["", "", "", ""]] * 3], last_row=None), "b.xlsx")) == 1
    )
    assert parse_quiz_bank(csv_bytes([",".join(BANK_HEADER), ",".join(BANK_ROW)]), "b.csv")
    check_upload(xlsx(BANK))
    check_upload(csv_bytes(["a,b"]))


async def test_the_parse_runs_in_a_process_and_its_answers_come_back_whole() -> None:
    questions, poll_problems = await run_limited(check_quiz_bank, xlsx(BANK), "题库.xlsx")
    assert [q.answer for q in questions] == [frozenset({1})] and poll_problems is None
    # A bank with mistakes: every problem crosses back, row by row.
    bad = xlsx([BANK_HEADER, ["", "1", "2", "B"], ["第二题", "1", "", "C"]])
    with pytest.raises(BankError) as caught:
        await run_limited(check_quiz_bank, bad, "题库.xlsx")
    assert [p.row for p in caught.value.problems] == [2, 3, 3]
    with pytest.raises(SheetTooBig) as too_big:
        await run_limited(check_quiz_bank, shared_strings_bomb(), "题库.xlsx")
    assert "sharedStrings" in too_big.value.detail


async def test_a_parse_over_its_time_or_memory_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(OverBudget, match="took more than"):
        await run_limited(time.sleep, 30, seconds=1.0)
    assert (
        time.monotonic() - started < 20
    )  # stopped at its 1 s budget, long before the 30 s sleep ends
    with pytest.raises(OverBudget, match="memory"):
        await run_limited(bytearray, 4 * 1024**3)
