"""Error types shared by the spreadsheet readers, and the Chinese report built from them.

A file that cannot be read at all raises ``SheetError`` (one message). A file that can be read but
holds mistakes raises a ``ProblemsError`` subclass carrying *every* problem found, each tied to
its spreadsheet row, so the secretary can fix the whole file in one go instead of resending it
once per mistake. ``describe()`` turns that list into one chat message.

This module must not import openpyxl, the database or Telegram: it is plain values only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "MAX_LISTED",
    "Problem",
    "ProblemsError",
    "SheetError",
    "SpreadsheetError",
    "quote",
]

# A chat message of 30 short lines is already a lot to read on a phone; the rest is summarised.
MAX_LISTED = 30
# Telegram refuses messages over 4096 characters; stay well below so the caller can add a line.
_MAX_CHARS = 3500
# User text quoted back inside a message is shortened so one bad cell cannot flood the report.
_QUOTE_CHARS = 20


def quote(value: str, limit: int = _QUOTE_CHARS) -> str:
    """``value`` in Chinese quotes, shortened with … when long, newlines shown as spaces."""
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"“{text}”"


@dataclass(frozen=True)
class Problem:
    """One mistake in an uploaded file; ``row`` is the 1-based spreadsheet row (None: the file)."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"第{self.row}行：{self.message}"


class SpreadsheetError(Exception):
    """Base of every error raised for an uploaded spreadsheet; ``describe()`` is the chat text."""

    def describe(self) -> str:
        return str(self)


class SheetError(SpreadsheetError):
    """The file could not be read as a table at all (wrong type, corrupt, empty, bad encoding)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def describe(self) -> str:
        return self.message


class ProblemsError(SpreadsheetError):
    """The file was read but has mistakes; ``problems`` lists every one of them."""

    #: What the file is called in the report's first line ("题库", "名单").
    subject = "文件"

    def __init__(self, problems: Iterable[Problem]) -> None:
        # Whole-file problems first, then by row; sorted() is stable so the order in which one
        # row's problems were found (left to right across its columns) is kept.
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.row is not None, p.row or 0)
        )
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[type[ProblemsError], tuple[list[Problem]]]:
        # Rebuilt from the problems (not the message) when it comes back from the process
        # that parsed the file (bot/runtime/sandbox.py).
        return (type(self), (self.problems,))

    def describe(self, limit: int = MAX_LISTED) -> str:
        """Every problem on its own line, at most ``limit`` of them, under a one-line heading."""
        total = len(self.problems)
        head = (
            f"{self.subject}里有1处需要修改，改好后请再发一次："
            if total == 1
            else f"{self.subject}里有{total}处需要修改，改好后请再发一次："
        )
        lines = [head]
        used = len(head)
        shown = 0
        for problem in self.problems[:limit]:
            line = str(problem)
            if used + len(line) + 1 > _MAX_CHARS:
                break
            lines.append(line)
            used += len(line) + 1
            shown += 1
        if shown < total:
            lines.append(f"……还有{total - shown}处，先改好上面这些吧。")
        return "\n".join(lines)
