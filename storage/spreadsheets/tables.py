"""Reading an uploaded .xlsx or .csv file into a plain table of text (and date) cells.

This is the only place that knows about file formats on the way *in*: encodings, Excel number
and date cells, zip archives. What comes out is a ``Table`` of plain values that the quiz-bank
and roster parsers check column by column.

Cell values, after reading:

* text: stripped of surrounding whitespace (incl. full-width spaces and zero-width characters);
  ``\\r\\n`` line breaks become ``\\n``;
* Excel numbers: as text the way Excel shows them by default (``1.0`` → ``"1"``, ``2.5`` →
  ``"2.5"``, at most 15 significant digits), so an ID or a score typed as a number reads as text;
* Excel TRUE/FALSE: ``"TRUE"`` / ``"FALSE"`` (what the user sees in the cell);
* Excel date and date-time cells: a ``datetime.date`` (the time of day is dropped: every date
  this project reads is a day); time-only cells: ``"HH:MM"`` text; ``cell_text`` renders a date as
  ``1921年7月1日`` for columns that want text;
* empty cells: ``""``.

This module must not know what the columns mean, and must not touch the database or Telegram.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any

from . import limits
from .errors import SheetError

__all__ = [
    "ACCEPTED",
    "Cell",
    "Table",
    "TableRow",
    "cell_text",
    "column_letter",
    "header_key",
    "match_columns",
    "read_table",
]

Cell = str | date

ACCEPTED = "Excel 表格（.xlsx）或 CSV 文件（.csv）"
_EMPTY = "文件是空的，里面没有内容。"
_HOW_TO_SAVE = "请在 Excel 或 WPS 里“另存为”.xlsx 格式后再发送。"

# Columns beyond this are ignored: no file of ours has more than ~15, and a sheet whose
# dimensions claim 16384 columns must not make every row 16384 cells long.
MAX_COLUMNS = 60
# Default cap on data rows read; parsers pass their own (the quiz bank reads 501 to know when
# there are more than 500). It bounds memory and time for a huge or hostile file.
DEFAULT_MAX_ROWS = 5000
# Rows before the header that the header search may skip (a title row such as
# "2024年党史知识测试题", a blank line, a note).
_HEADER_SEARCH_ROWS = 5

# Zero-width characters and the BOM come along with text pasted from web pages and Word; they are
# invisible, so a question that "looks the same" must compare the same.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

# Chinese-locale Excel writes some date formats by built-in id only (27–36, 50–58: "yyyy年m月d日",
# "m月d日" …) without spelling out the format, and openpyxl does not know those ids, so such a
# cell would arrive as a bare serial number like 17604. They are treated as dates here; the
# time-only ones among them (32–35, 55–56) as times.
_CJK_DATE_FORMAT_IDS = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})
_CJK_TIME_FORMAT_IDS = frozenset({32, 33, 34, 35, 55, 56})


@dataclass(frozen=True)
class TableRow:
    """One non-empty data row: its 1-based spreadsheet row number and one cell per header column."""

    row: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """The header names and the non-empty rows under them."""

    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    header_row: int = 1
    #: True when the file had more than ``max_rows`` data rows and only that many were read.
    truncated: bool = False


def header_key(name: str) -> str:
    """The form header names are compared in: '选项 a', '选项Ａ', '答　案' match '选项A', '答案'.

    Full-width letters become half-width (NFKC), whitespace goes, letters are upper-cased, and a
    bracketed hint such as '分值（默认1分）' or '题目(必填)' is dropped.
    """
    key = unicodedata.normalize("NFKC", name)
    key = re.sub(r"[(\[【].*?[)\]】]", "", key)
    key = "".join(key.split())
    return key.strip("*:：").upper()


def column_letter(index: int) -> str:
    """Excel's column letter for a 0-based column index: 0 → 'A', 26 → 'AA'."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def cell_text(value: Cell) -> str:
    """A cell as text; a date is written the Chinese way, 1921年7月1日."""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return value


def read_table(
    data: bytes,
    file_name: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    is_header: Callable[[tuple[str, ...]], bool] | None = None,
) -> Table:
    """Read the first sheet of an .xlsx or a .csv file into a ``Table``.

    The header is the first non-empty row, unless ``is_header`` is given: then the first of the
    first few non-empty rows for which it returns True is the header (so a title row above the
    header is skipped), falling back to the first non-empty row. Completely empty rows are
    skipped; row numbers stay those the spreadsheet shows. At most ``max_rows`` data rows are
    read (``truncated`` says whether there were more).

    Raises ``SheetError`` with a Chinese message for an unsupported file type, a file that
    cannot be opened or decoded, a file with nothing in it, or a header that is not text.
    """
    if not data.strip():
        raise SheetError(_EMPTY)
    kind = _file_kind(data, file_name)
    raw = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    try:
        return _build_table(raw, max_rows=max_rows, is_header=is_header)
    finally:
        raw.close()  # a table cut short at max_rows: release the workbook now, not at GC


# --- deciding the format ---------------------------------------------------------------------


def _file_kind(data: bytes, file_name: str) -> str:
    suffix = PurePath(file_name.strip()).suffix.lower() if file_name.strip() else ""
    is_zip = data[:4] == b"PK\x03\x04"
    is_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if suffix in (".xls", ".et", ".ett") or (suffix in (".xlsx", ".csv", "") and is_ole):
        # Old binary Excel (and WPS) files; a password-protected .xlsx looks the same inside.
        raise SheetError(f"这个文件是旧版 Excel 格式或设置了密码，暂时读不了。{_HOW_TO_SAVE}")
    if suffix == ".xlsx":
        # Phones sometimes rename files; trust the content when it clearly is text.
        return "xlsx" if is_zip or not _looks_like_text(data) else "csv"
    if suffix in (".csv", ".txt"):
        return "xlsx" if is_zip else "csv"
    if suffix == "":
        return "xlsx" if is_zip else "csv"
    raise SheetError(f"收到的是“{suffix}”文件，这里只能读取{ACCEPTED}。{_HOW_TO_SAVE}")


def _looks_like_text(data: bytes) -> bool:
    try:
        _decode(data[:4096], partial=True)
    except SheetError:
        return False
    return bool(data.strip())


# --- xlsx ------------------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> Generator[tuple[int, list[Cell]], None, None]:
    # Imported here so that reading a CSV does not pay for loading openpyxl.
    from openpyxl import load_workbook

    # A zip bomb is refused from the archive's directory and its string count, before
    # openpyxl reads every shared string into memory (see limits.py).
    limits.check_archive(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_shared_strings(archive)
            limits.check_sheet_rows(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise SheetError(f"文件打不开，可能已经损坏或不是 Excel 文件。{_HOW_TO_SAVE}") from exc

    # openpyxl raises almost anything on a damaged file (KeyError, ValueError, TypeError, XML
    # parse errors, zip errors …), and a damaged upload must always become a kind message, never
    # a crash of the handler; hence the broad except around opening and iterating.
    # openpyxl's UserWarnings about unsupported features of a file ("Data Validation extension
    # is not supported" …) are left alone: silencing them would mean changing the process-wide
    # warning filters from code that may run in a worker thread.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            if not workbook.worksheets:
                raise SheetError("表格里没有工作表。")
            sheet = workbook.worksheets[0]
            _mark_cjk_date_styles(workbook)
            # Some programs write wrong dimensions ("A1:A1") although the sheet has more;
            # forgetting them makes openpyxl read every row that is really there.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for number, values in enumerate(rows, start=1):
                limits.check_rows(number)
                cells = [_xlsx_cell(v) for v in values]
                for cell in cells:
                    if isinstance(cell, str):
                        limits.check_cell(cell, number)
                yield number, cells
        finally:
            workbook.close()
    except SheetError:
        raise
    except MemoryError as exc:  # under the parse's memory limit (bot/runtime/sandbox.py)
        raise limits.SheetTooBig("out of memory while reading the workbook") from exc
    except Exception as exc:  # see above: any failure inside openpyxl means a damaged file
        raise SheetError(f"文件打不开，可能已经损坏或不是 Excel 文件。{_HOW_TO_SAVE}") from exc


def _mark_cjk_date_styles(workbook: Any) -> None:
    """Teach openpyxl the Chinese-locale built-in date formats (see ``_CJK_DATE_FORMAT_IDS``)."""
    # This reaches into openpyxl's private style tables (stable since 2.x); if they ever change
    # shape the only loss is that such cells read as numbers again, so failures are ignored.
    try:
        for index, style in enumerate(workbook._cell_styles):
            if style.numFmtId in _CJK_DATE_FORMAT_IDS or style.numFmtId in _CJK_TIME_FORMAT_IDS:
                workbook._date_formats.add(index)
    except (AttributeError, TypeError):
        pass


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    return _clean_text(str(value))


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    # Excel keeps 15 significant digits; this drops binary noise such as 0.30000000000000004.
    return format(value, ".15g")


def _clean_text(value: str) -> str:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    return text.strip()


# --- csv -------------------------------------------------------------------------------------


def _decode(data: bytes, *, partial: bool = False) -> str:
    """Text of a CSV as Excel and WPS save it: UTF-8 (with or without BOM), UTF-16, or GBK."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]  # Excel's "Unicode text" export
    else:
        # GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            if partial:
                # A 4 KiB sample may end in the middle of a character.
                text = codecs.getincrementaldecoder(encoding)().decode(data, final=False)
            else:
                text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # a binary file, or UTF-16 without its BOM
        return text
    raise SheetError(
        "文件里的文字读不出来（编码无法识别）。请用 Excel 或 WPS 打开后另存为 .xlsx 再发送。"
    )


def _csv_rows(data: bytes) -> Generator[tuple[int, list[Cell]], None, None]:
    limits.check_csv(data)
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Chinese Excel writes commas; other locales use semicolons, and "Unicode text" uses tabs.
    delimiter = max(",\t;", key=lambda d: (first_line.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            limits.check_rows(number)
            cells: list[Cell] = []
            for value in values[:MAX_COLUMNS]:
                cells.append(_clean_text(value))
                limits.check_cell(value, number)
            yield number, cells
    except csv.Error as exc:
        raise SheetError(
            "CSV 文件格式有误（可能有没配对的引号或过长的内容）。"
            "请用 Excel 打开后另存为 .xlsx 再发送。"
        ) from exc


# --- building the table ----------------------------------------------------------------------


def _build_table(
    raw: Iterable[tuple[int, list[Cell]]],
    *,
    max_rows: int,
    is_header: Callable[[tuple[str, ...]], bool] | None,
) -> Table:
    candidates: list[tuple[int, list[Cell]]] = []  # first non-empty rows, one may be the header
    rows_iter = iter(raw)
    for number, cells in rows_iter:
        if not _is_empty(cells):
            candidates.append((number, cells))
            if is_header is None or len(candidates) >= _HEADER_SEARCH_ROWS:
                break
    if not candidates:
        raise SheetError(_EMPTY)

    chosen = 0
    if is_header is not None:
        for i, (_, cells) in enumerate(candidates):
            if is_header(_header_names(cells)):
                chosen = i
                break
    header_row, header_cells = candidates[chosen]
    header = _header_names(header_cells)
    if not any(name and not _is_number_like(name) for name in header):
        raise SheetError("第一行应该是表头（每一列的名称），但没有找到表头。")
    width = len(header)

    rows: list[TableRow] = []
    truncated = False

    def add(number: int, cells: list[Cell]) -> bool:
        nonlocal truncated
        padded = (cells + [""] * width)[:width]
        if _is_empty(padded):
            return True
        if len(rows) >= max_rows:
            truncated = True
            return False
        rows.append(TableRow(number, tuple(padded)))
        return True

    for number, cells in candidates[chosen + 1 :]:
        add(number, cells)
    if not truncated:
        for number, cells in rows_iter:
            if not add(number, cells):
                break
    return Table(header=header, rows=tuple(rows), header_row=header_row, truncated=truncated)


def _header_names(cells: Sequence[Cell]) -> tuple[str, ...]:
    names = [cell_text(c).replace("\u3000", "").strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def _is_empty(cells: Sequence[Cell]) -> bool:
    return all(c == "" for c in cells)


def _is_number_like(name: str) -> bool:
    return bool(re.fullmatch(r"[\d.\-/年月日: ]+", name))


# --- matching header names to columns --------------------------------------------------------


def match_columns(
    header: Sequence[str], classify: Callable[[str], str | None]
) -> tuple[dict[str, int], list[str]]:
    """Map each known column (named by ``classify`` from a header key) to its index.

    Returns the mapping and, for columns that appear twice, a Chinese message each; the first
    occurrence is used. Unknown columns (序号, 题型 …) are ignored.
    """
    found: dict[str, int] = {}
    duplicates: list[str] = []
    for index, name in enumerate(header):
        if not name:
            continue
        column = classify(header_key(name))
        if column is None:
            continue
        if column in found:
            first = found[column]
            duplicates.append(
                f"表头里有两列都是“{column}”（{column_letter(first)}列和{column_letter(index)}列），"
                f"请只保留一列。"
            )
            continue
        found[column] = index
    return found, duplicates
