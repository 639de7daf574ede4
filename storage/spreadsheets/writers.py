"""Writing spreadsheets for download (quiz results, the study ledger) and safe file names.

Exports can be large (10,000 members × 20 questions), so ``write_xlsx`` and ``write_csv`` stream:
they consume each ``rows`` iterable exactly once, row by row, and never hold a sheet in memory,
so a caller can pass a database cursor. Both write to a temporary file next to ``path`` and move
it into place only when complete, so a failed export never leaves half a file behind.

Values are written as:

* ``None`` → empty cell; ``bool`` → "是" / "否";
* ``int`` / ``float`` / ``Decimal`` → numbers;
* ``datetime`` → an Excel date-time (``yyyy-mm-dd hh:mm``), taken as a *local* wall-clock time:
  callers convert to local time first; an aware datetime keeps its own wall-clock time;
* ``date`` → ``yyyy-mm-dd``, ``time`` → ``hh:mm``;
* ``str`` → text, never a formula (member text such as "=1+1" stays text), with characters
  that XML cannot hold removed and cut at Excel's 32,767 characters per cell;
* anything else → ``str(value)``.

This module must not read uploads (see ``tables``), query the database, or talk to Telegram.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from .tables import column_letter

__all__ = [
    "SheetSpec",
    "safe_filename",
    "sheet_title",
    "template_xlsx",
    "write_csv",
    "write_xlsx",
]

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
_EXCEL_CELL_MAX = 32767
_BOLD = Font(bold=True)


@dataclass
class SheetSpec:
    """One sheet to write; ``rows`` is consumed once, so it may be a generator or a cursor."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] | None = None


# --- xlsx ------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: Iterable[SheetSpec]) -> None:
    """Write ``sheets`` to an .xlsx at ``path``: bold frozen header, widths, streamed rows.

    Raises ``ValueError`` when ``sheets`` is empty (Excel cannot open a workbook without one).
    """
    path = Path(path)
    tmp = _temporary_beside(path)
    workbook = Workbook(write_only=True)
    try:
        count = _fill(workbook, sheets)
        if count == 0:
            raise ValueError("write_xlsx needs at least one sheet")
        workbook.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        # Saving what there is closes each sheet's stream and removes openpyxl's own temporary
        # files (otherwise they stay in /tmp until the bot exits); the result is thrown away.
        with contextlib.suppress(Exception):
            workbook.save(tmp)
        tmp.unlink(missing_ok=True)
        raise


def _fill(workbook: Any, sheets: Iterable[SheetSpec]) -> int:
    used: set[str] = set()
    count = 0
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title, used))
        count += 1
        widths = spec.widths if spec.widths is not None else _default_widths(spec.header)
        for index, width in enumerate(widths):
            sheet.column_dimensions[column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        # Staff print these; repeating the header on each page keeps long lists readable.
        sheet.print_title_rows = "1:1"
        header = []
        for name in spec.header:
            cell = WriteOnlyCell(sheet, _xlsx_text(str(name)))
            cell.font = _BOLD
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_xlsx_value(sheet, value) for value in row])
    return count


def _xlsx_value(sheet: Any, value: object) -> object:
    # Most common types first: this runs once for every cell of a large export.
    if isinstance(value, str):
        # str() turns a StrEnum member into its plain text.
        return _xlsx_text_cell(sheet, value if type(value) is str else str(value))
    if value is None or type(value) is int or type(value) is float:
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return _formatted(sheet, value.replace(tzinfo=None), DATETIME_FORMAT)
    if isinstance(value, date):
        return _formatted(sheet, value, DATE_FORMAT)
    if isinstance(value, time):
        return _formatted(sheet, value.replace(tzinfo=None), TIME_FORMAT)
    if isinstance(value, int | float | Decimal):
        return value  # int subclasses such as IntEnum, and Decimal
    return _xlsx_text_cell(sheet, str(value))


def _xlsx_text(value: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > _EXCEL_CELL_MAX:
        value = value[: _EXCEL_CELL_MAX - 1] + "…"
    return value


def _xlsx_text_cell(sheet: Any, value: str) -> object:
    text = _xlsx_text(value)
    if text.startswith("="):
        # openpyxl would write this as a formula; a member's text must stay text.
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        return cell
    return text


def _formatted(sheet: Any, value: date | time, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def _default_widths(header: Sequence[str]) -> list[int]:
    return [min(60, max(8, _display_width(str(name)) + 4)) for name in header]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_TITLE_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


def sheet_title(title: str, used: set[str] | None = None) -> str:
    """A sheet title Excel accepts: no []:*?/\\, ≤31 characters, not blank, unique in ``used``.

    ``used`` (upper-cased titles, as Excel compares them without case) is updated.
    """
    text = _TITLE_BAD.sub("_", unicodedata.normalize("NFC", title))
    text = " ".join(text.split()).strip("'")  # Excel refuses a leading or trailing apostrophe
    text = text[:31].rstrip() or "表"
    if text.upper() == "HISTORY":  # reserved by Excel for change tracking
        text = "History_"
    if used is None:
        return text
    candidate, n = text, 1
    while candidate.upper() in used:
        n += 1
        suffix = f"({n})"
        candidate = text[: 31 - len(suffix)] + suffix
    used.add(candidate.upper())
    return candidate


# --- csv -------------------------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV Excel opens correctly: UTF-8 with BOM, CRLF line ends, rows streamed."""

    def write(target: Path) -> None:
        # The BOM is what makes Excel on Windows read the file as UTF-8 instead of GBK.
        with target.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow([_csv_value(name) for name in header])
            for row in rows:
                writer.writerow([_csv_value(value) for value in row])

    _save_atomically(path, write)


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    # Excel runs a cell starting with = + - @ as a formula even from a CSV ("CSV injection");
    # a leading apostrophe keeps member-written text inert. Plain numbers like "-5" are left.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# --- shared ----------------------------------------------------------------------------------


def _temporary_beside(path: Path) -> Path:
    # Same directory, so the final os.replace is an atomic rename on the same file system.
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def _save_atomically(path: Path, write: Any) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then move it into place."""
    path = Path(path)
    tmp = _temporary_beside(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def template_xlsx(
    *,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[int],
    notes: Sequence[str] = (),
) -> bytes:
    """A small upload template: bold frozen header, example rows, text-formatted cells.

    Cells are formatted as text so that Excel keeps what is typed as typed: a date stays
    "1948-03-12" and a long Telegram ID does not turn into 1.23457E+09. ``notes`` go on a
    second sheet, "填写说明", which the readers never look at (they read the first sheet only).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for index in range(len(header)):
        letter = column_letter(index)
        sheet[f"{letter}1"].font = _BOLD
        # Pre-format the rows people will fill in; whole-column styles are ignored by some apps.
        for number in range(2, 202):
            cell = sheet[f"{letter}{number}"]
            cell.number_format = "@"
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    if notes:
        help_sheet = workbook.create_sheet(sheet_title("填写说明"))
        help_sheet.column_dimensions["A"].width = 100
        for line in notes:
            help_sheet.append([line])
        help_sheet["A1"].font = _BOLD
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- file names ------------------------------------------------------------------------------

_NAME_BAD_CHARS = frozenset('<>:"/\\|?*')
# Unicode categories replaced in file names: controls, format characters (incl. the right-to-left
# override that can disguise "gpj.exe"), lone surrogates (not encodable on disk), private use,
# unassigned code points, line and paragraph separators.
_NAME_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{p}{n}" for p in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
# Tabs and line breaks are controls but mean a space; other controls (\x1c–\x1f count as
# whitespace to Python) are replaced like any control.
_NAME_SPACES = frozenset("\t\n\r\x0b\x0c")
_NAME_MAX_CHARS = 80
# ext4 and most file systems allow 255 *bytes* per name; 80 Chinese characters are 240 bytes in
# UTF-8 but 80 emoji would be 320, so the whole name is also kept within 250 bytes.
_NAME_MAX_BYTES = 250
_EXT_MAX = 16


def safe_filename(*parts: str, ext: str) -> str:
    """A file name built from user-provided ``parts`` (date, member name, kind …), joined by '_'.

    The result is always a single, harmless path component: NFC-normalised, without path
    separators, '..', control characters or ``<>:"/\\|?*``, not a reserved Windows name, not
    starting with a dot, at most 80 characters before the extension, never empty.
    ``ext`` is an extension such as "xlsx" or ".ogg"; as it may come from an uploaded file's
    name, it is cleaned rather than refused: only ASCII letters, digits and inner dots are kept
    (at most 16 characters), and "bin" is used when nothing is left.
    """
    extension = _clean_extension(ext)
    cleaned = (_clean_name_part(p) for p in parts)
    stem = "_".join(p for p in cleaned if p)
    stem = _trim_name(re.sub(r"_{2,}", "_", stem))
    budget = _NAME_MAX_BYTES - len(extension) - 1
    stem = stem[:_NAME_MAX_CHARS]
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    stem = _trim_name(stem) or "未命名"
    if stem.split(".")[0].rstrip().upper() in _WINDOWS_RESERVED:
        stem = "_" + stem  # at most 81 characters then, still far below every limit
    return f"{stem}.{extension}"


def _clean_extension(ext: str) -> str:
    text = re.sub(r"[^A-Za-z0-9.]", "", ext)
    text = re.sub(r"\.{2,}", ".", text).strip(".")[:_EXT_MAX].strip(".")
    return text or "bin"


def _clean_name_part(part: str) -> str:
    text = unicodedata.normalize("NFC", part)
    out = []
    for ch in text:
        if ch in _NAME_SPACES or (ch.isspace() and unicodedata.category(ch) != "Cc"):
            out.append(" ")
        elif ch in _NAME_BAD_CHARS or unicodedata.category(ch) in _NAME_BAD_CATEGORIES:
            out.append("_")
        else:
            out.append(ch)
    text = " ".join("".join(out).split())
    text = re.sub(r"\.{2,}", "_", text)
    return _trim_name(text)


def _trim_name(text: str) -> str:
    # No leading dot (hidden file) or dash (read as an option by command-line tools); no
    # trailing dot or space (Windows drops them, so two names could collide); no "_" left over
    # at either end from a replaced character.
    return text.lstrip(" .-_").rstrip(" ._")
