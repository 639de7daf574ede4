"""Writing spreadsheets for download (quiz results, the study ledger, the yearly summary,
upload templates) and safe file names: one writer, so every file reads and prints the same way.

Exports can be large (10,000 members × 20 questions), so ``write_xlsx`` and ``write_csv`` stream:
they consume each ``rows`` iterable exactly once, row by row, and never hold a sheet in memory,
so a caller can pass a database cursor. ``write_xlsx`` measures the rows as they come and spools
them to an unnamed temporary file beside ``path``, then writes the sheet from the spool: column
widths must be known before the first row is written, and they follow the content. Both write to
a temporary file next to ``path`` and move it into place only when complete, so a failed export
never leaves half a file behind.

How a sheet looks (``write_xlsx`` and ``template_xlsx`` alike):

* column widths from the display width of the longest cell (CJK characters count double), capped
  (``MAX_WIDTH``, or the sheet's ``max_widths``); a longer text wraps in its cell;
* a bold header in a named font every office suite has (``HEADER_FONT_NAME``), frozen, repeated
  on every printed page;
* A4, fitted to the page width, landscape when the columns are wider than a portrait page
  (``PORTRAIT_WIDTH``); the caller's ``page_header`` (branch, date range) at the top left, the
  sheet's name at the top right, "第 1 页，共 3 页" at the bottom;
* native charts (``ChartSpec``) drawn from the sheet's own columns, below the table.

Values are written as:

* ``None`` → empty cell; ``bool`` → "是" / "否";
* ``int`` / ``float`` / ``Decimal`` → numbers, in the column's number format if the sheet gives
  one (``formats``: ``PERCENT`` for 0.75 shown as 75%, ``DECIMAL`` …); ``Formatted(value, fmt)``
  for one cell with its own format;
* ``datetime`` → an Excel date-time (``yyyy-mm-dd hh:mm``), taken as a *local* wall-clock time:
  callers convert to local time first; an aware datetime keeps its own wall-clock time;
* ``date`` → ``yyyy-mm-dd``, ``time`` → ``hh:mm``, ``timedelta`` → a duration (``[m]:ss``);
* ``str`` → text, never a formula (member text such as "=1+1" stays text), with characters
  that XML cannot hold removed and cut at Excel's 32,767 characters per cell;
* anything else → ``str(value)``.

This module must not read uploads (see ``tables``), query the database, or talk to Telegram.

Why one module of this size: it is the one place that decides how every workbook the bot writes
looks and prints (widths, number formats, headers and footers, charts); split, the exports
would drift apart again, which is what the print checks in tests/workbooks.py guard against.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import pickle
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

from .tables import column_letter

__all__ = [
    "DECIMAL",
    "DURATION",
    "HEADER_FONT_NAME",
    "MAX_WIDTH",
    "PERCENT",
    "PORTRAIT_WIDTH",
    "ChartSpec",
    "Formatted",
    "SheetSpec",
    "display_width",
    "safe_filename",
    "sheet_title",
    "template_xlsx",
    "write_csv",
    "write_xlsx",
]

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
# Number formats a sheet may give a column (``SheetSpec.formats``) or a cell (``Formatted``).
PERCENT = "0%"  # 0.75 → 75%: a number, so it sorts and sums
DURATION = "[m]:ss"  # a timedelta: 72 seconds → 1:12
DECIMAL = "0.0"  # averages: 8.5
_EXCEL_CELL_MAX = 32767

# Arial is installed with Windows and macOS, and LibreOffice and WPS on Linux map it to a
# metric-compatible font (Liberation Sans); CJK characters fall back to the system's CJK font.
# A header font without a name fell back to a serif face for Latin text in LibreOffice.
HEADER_FONT_NAME = "Arial"


@functools.cache
def _xl() -> SimpleNamespace:
    """openpyxl, imported when the first workbook is written: at import time it took an eighth
    of the bot's start-up (bench/footprint.py), for files written now and then."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.dimensions import RowDimension
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.pagebreak import Break

    class StreamedCell(Cell):  # type: ignore[misc]
        """A styled cell of a streamed row. openpyxl's streaming writer first tries each cell
        of a row as a plain value, and the refusal spells out the cell's ``repr``: kept cheap
        here."""

        __slots__ = ()

        def __repr__(self) -> str:
            return "<cell>"

    return SimpleNamespace(
        Workbook=Workbook,
        WriteOnlyCell=WriteOnlyCell,
        ILLEGAL_CHARACTERS_RE=ILLEGAL_CHARACTERS_RE,
        StreamedCell=StreamedCell,
        BarChart=BarChart,
        Reference=Reference,
        RowDimension=RowDimension,
        PageMargins=PageMargins,
        Break=Break,
        header_font=Font(name=HEADER_FONT_NAME, bold=True, size=11),
        header_align=Alignment(vertical="center", wrap_text=True),
        wrap=Alignment(wrap_text=True, vertical="top"),
        top=Alignment(vertical="top"),
        # Dates and times centred: right-aligned, they ran into the text of the column after.
        centred=Alignment(horizontal="center"),
        centred_top=Alignment(horizontal="center", vertical="top"),
    )


# Widths are in Excel's units: about one digit of the default font; a CJK character takes two.
MAX_WIDTH = 40
_PADDING = 2
_MIN_WIDTH = 6
# What fits across an A4 page in portrait with the margins below; wider sheets print landscape.
# Either way they are scaled to the page width (never split across sheets of paper).
PORTRAIT_WIDTH = 95
_MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
PAGE_FOOTER = "第 &P 页，共 &N 页"  # &P: this page, &N: the number of pages
_HEADER_FOOTER_MAX = 250  # Excel refuses more than 255 characters in a header or footer
_CHART_MIN_CM = 16.0
_CHART_MAX_CM = 26.0
_CHART_CM = 8.5  # chart height
_SPOOL_BATCH = 500
# Points per line of 11-point text (CJK faces are a little taller than Latin ones); a row of
# one line as Excel makes it; Excel's highest row.
LINE_HEIGHT = 16.0
_ROW_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0


@dataclass(frozen=True, slots=True)
class Formatted:
    """One number shown in its own format (a percentage among counts): ``Formatted(0.8, PERCENT)``."""

    value: int | float | Decimal | None
    number_format: str


@dataclass(frozen=True)
class ChartSpec:
    """A native column chart (Excel, WPS and LibreOffice draw it) of some columns of its sheet.

    ``categories`` and ``series`` name columns by their header; one series per named column.
    ``first_rows`` limits the chart to the first data rows (to leave out a total row).
    """

    title: str
    categories: str
    series: Sequence[str]
    stacked: bool = False
    y_title: str = ""
    first_rows: int | None = None


@dataclass
class SheetSpec:
    """One sheet to write; ``rows`` is consumed once, so it may be a generator or a cursor.

    ``formats`` and ``max_widths`` are keyed by column header: a number format for the numbers
    of that column, and a cap for its width other than ``MAX_WIDTH`` (longer text wraps).
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    formats: Mapping[str, str] = field(default_factory=dict)
    max_widths: Mapping[str, int] = field(default_factory=dict)
    charts: Sequence[ChartSpec] = ()


# --- xlsx ------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: Iterable[SheetSpec], *, page_header: str = "") -> None:
    """Write ``sheets`` to an .xlsx at ``path``; ``page_header`` is printed atop every page
    (say, the branch and the date range).

    Raises ``ValueError`` when ``sheets`` is empty (Excel cannot open a workbook without one).
    """
    path = Path(path)
    tmp = _temporary_beside(path)
    workbook = _xl().Workbook(write_only=True)
    try:
        count = _fill(workbook, sheets, path.parent, page_header)
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


def _fill(workbook: Any, sheets: Iterable[SheetSpec], folder: Path, page_header: str) -> int:
    used: set[str] = set()
    count = 0
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title, used))
        count += 1
        header = [str(name) for name in spec.header]
        formats = [spec.formats.get(name) for name in header]
        caps = [spec.max_widths.get(name, MAX_WIDTH) for name in header]
        with tempfile.TemporaryFile(dir=folder) as spool:
            # First pass: measure every cell and keep the rows; then the sheet, from the spool.
            measured = [
                min(cap, _header_width(name)) for name, cap in zip(header, caps, strict=True)
            ]
            wraps = [False] * len(header)
            rows = _spool(spec.rows, spool, measured, wraps, formats, caps)
            widths = [max(_MIN_WIDTH, w + _PADDING) for w in measured]
            wrapping = [index for index, wrap in enumerate(wraps) if wrap]
            page = _layout(sheet, widths, page_header)
            styles = _Styles(sheet)
            sheet.append([_header_cell(sheet, name) for name in header])
            page.add(_ROW_HEIGHT)
            spool.seek(0)
            for index, row in enumerate(_unspool(spool), start=2):
                cells, lines = _cells(styles, row, formats, widths, wrapping)
                if lines > 1:
                    # A wrapped text needs its lines' height: suites do not all work it out.
                    height = min(_MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 2)
                    sheet.row_dimensions[index] = _xl().RowDimension(
                        sheet, index=index, ht=height, customHeight=True
                    )
                    sheet.append(cells)
                    del sheet.row_dimensions[index]  # written: no need to keep it
                    page.add(height)
                else:
                    sheet.append(cells)
                    page.add(_ROW_HEIGHT)
        _add_charts(sheet, spec, header, formats, widths, rows, page)
    return count


def _normal(value: object) -> object:
    """The value as one of the types the writer knows (what goes into the spool)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or value is None:
        return value
    if isinstance(value, str):
        return str(value)  # a StrEnum member becomes its plain text
    if isinstance(value, bool | datetime | date | time | timedelta | Decimal | Formatted):
        return value
    if isinstance(value, int):
        return int(value)  # an IntEnum member becomes its plain number
    if isinstance(value, float):
        return float(value)
    return str(value)


_PLAIN = frozenset({str, int, float, type(None)})
_WHEN = (datetime, date, time, timedelta)


def _spool(
    rows: Iterable[Sequence[object]],
    spool: IO[bytes],
    measured: list[int],
    wraps: list[bool],
    formats: Sequence[str | None],
    caps: Sequence[int],
) -> int:
    """Write ``rows`` to ``spool`` in batches, widening ``measured`` to fit each cell and
    marking in ``wraps`` the columns with a text that will wrap; returns how many rows."""
    count = 0
    batch: list[list[object]] = []
    columns = len(measured)
    for row in rows:
        values = [v if type(v) in _PLAIN else _normal(v) for v in row]
        for index, value in enumerate(values[:columns]):
            if value is None:
                continue
            have = measured[index]
            if type(value) is str:
                # A text is at least as wide as it is long and at most twice that.
                size = len(value)
                cap = caps[index]
                if not wraps[index] and (
                    "\n" in value or (size * 2 > cap and display_width(value) > cap)
                ):
                    wraps[index] = True
                if have >= cap or size * 2 <= have:
                    continue
                width = cap if size >= cap else display_width(value)
            elif have >= caps[index]:
                continue
            else:
                width = _shown_width(value, formats[index])
            if width > have:
                measured[index] = min(width, caps[index])
        batch.append(values)
        count += 1
        if len(batch) >= _SPOOL_BATCH:
            pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            batch = []
    if batch:
        pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
    return count


def _unspool(spool: IO[bytes]) -> Iterator[list[object]]:
    while True:
        try:
            batch: list[list[object]] = pickle.load(spool)
        except EOFError:
            return
        yield from batch


def _cells(
    styles: _Styles,
    row: list[object],
    formats: Sequence[str | None],
    widths: Sequence[int],
    wrapping: Sequence[int],
) -> tuple[list[object], int]:
    """The row's cells, and how many lines its tallest text takes (only the ``wrapping``
    columns have a text wider than the column, or of several lines)."""
    columns = len(widths)
    lines = 1
    for index in wrapping:
        value = row[index] if index < len(row) else None
        if type(value) is str:
            lines = max(lines, _lines(value, widths[index]))
    tall = lines > 1
    out: list[object] = []
    for index, value in enumerate(row):
        fmt = formats[index] if index < columns else None
        # Most common types first: this runs once for every cell of a large export.
        if type(value) is str:
            out.append(_text_cell(styles, value, tall))
        elif value is None:
            out.append(None)
        elif type(value) is int or type(value) is float:
            out.append(value if fmt is None and not tall else styles.cell(value, fmt, tall))
        else:
            out.append(_other_cell(styles, value, fmt, tall))
    return out, lines


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a column ``width`` wide (it wraps when more than one)."""
    usable = max(1, width - _PADDING)
    if len(text) * 2 <= usable and "\n" not in text:
        return 1
    return sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))


def _text_cell(styles: _Styles, value: str, tall: bool) -> object:
    """A text cell (wrapped and at the top in a tall row), never a formula."""
    text = _xlsx_text(value)
    if not tall and not text.startswith("="):
        return text
    cell = styles.cell(text, None, tall)
    # openpyxl would write "=…" as a formula; a member's text must stay text.
    cell.data_type = "s"
    return cell


def _other_cell(styles: _Styles, value: object, number_format: str | None, tall: bool) -> object:
    if isinstance(value, str):
        return _text_cell(styles, value, tall)
    if isinstance(value, bool):
        return _text_cell(styles, "是" if value else "否", tall)
    if isinstance(value, Formatted):
        if value.value is None:
            return None
        return styles.cell(value.value, value.number_format, tall)
    if isinstance(value, datetime):
        return styles.cell(value.replace(tzinfo=None), DATETIME_FORMAT, tall, centred=True)
    if isinstance(value, date):
        return styles.cell(value, DATE_FORMAT, tall, centred=True)
    if isinstance(value, time):
        return styles.cell(value.replace(tzinfo=None), TIME_FORMAT, tall, centred=True)
    if isinstance(value, timedelta):
        return styles.cell(value, number_format or DURATION, tall)
    if isinstance(value, int | float | Decimal):
        if number_format is None and not tall:
            return value
        return styles.cell(value, number_format, tall)
    return _text_cell(styles, str(value), tall)


def _xlsx_text(value: str) -> str:
    illegal = _xl().ILLEGAL_CHARACTERS_RE
    if illegal.search(value):
        value = illegal.sub("", value)
    if len(value) > _EXCEL_CELL_MAX:
        value = value[: _EXCEL_CELL_MAX - 1] + "…"
    return value


class _Styles:
    """The styles of one sheet's cells, each made once: setting a style on a cell the usual way
    makes openpyxl hash it anew every time, which for a large export costs seconds."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.xl = _xl()
        self.made: dict[tuple[str | None, bool, bool, bool], Any] = {}

    def cell(
        self, value: object, number_format: str | None, tall: bool, *, centred: bool = False
    ) -> Cell:
        # The value is set as openpyxl would after checking its type, which is known here.
        cell = self.xl.StreamedCell(self.sheet)
        cell._value = value
        text = isinstance(value, str)
        cell.data_type = "s" if text else "d" if isinstance(value, _WHEN) else "n"
        key = (number_format, tall, centred, text)
        style = self.made.get(key)
        if style is None:
            probe = self.xl.WriteOnlyCell(self.sheet)
            if number_format is not None:
                probe.number_format = number_format
            if tall:
                look = self.xl
                probe.alignment = look.wrap if text else look.centred_top if centred else look.top
            elif centred:
                probe.alignment = self.xl.centred
            style = self.made[key] = probe._style
        # Shared, never changed afterwards: the row is written as soon as it is appended.
        cell._style = style
        return cell


def _header_cell(sheet: Any, name: str) -> Cell:
    xl = _xl()
    cell = xl.WriteOnlyCell(sheet, _xlsx_text(name))
    cell.font = xl.header_font
    cell.alignment = xl.header_align
    return cell


def display_width(text: str) -> int:
    """Columns the text takes on screen: CJK (wide) characters count two; the widest line."""
    if "\n" in text:
        return max(display_width(line) for line in text.split("\n"))
    if text.isascii():
        return len(text)
    # One more for each wide character; map() keeps the loop in C (long reflections).
    return len(text) + sum(map(_WIDE.__contains__, map(unicodedata.east_asian_width, text)))


_WIDE = frozenset({"W", "F"})


def _header_width(name: str) -> int:
    # Bold characters are a little wider than regular ones.
    return display_width(name) + 1


def _shown_width(value: object, number_format: str | None) -> int:
    """The width of a value other than text as the sheet shows it."""
    if isinstance(value, Formatted):
        return 0 if value.value is None else _shown_width(value.value, value.number_format)
    if isinstance(value, bool):
        return 2
    if isinstance(value, datetime):
        return len("2026-01-01 09:00")
    if isinstance(value, date):
        return len("2026-01-01")
    if isinstance(value, time):
        return len("09:00")
    if isinstance(value, timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return len(f"{minutes}:{seconds:02d}")
    if isinstance(value, int | float | Decimal):
        if number_format == PERCENT:
            return len(f"{float(value):.0%}")
        if number_format == DECIMAL:
            return len(f"{float(value):.1f}")
        if isinstance(value, float):
            return min(11, len(f"{value:.10g}"))  # Excel's General shows at most 11 characters
        return len(str(value))
    return display_width(str(value))


def _layout(sheet: Any, widths: Sequence[int], page_header: str) -> _Page:
    """Column widths, the frozen and repeated header, and the page: set before any row."""
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    # Staff print these; repeating the header on each page keeps long lists readable.
    sheet.print_title_rows = "1:1"
    return _page(sheet, sum(widths), page_header)


def _page(sheet: Any, total_width: int, page_header: str) -> _Page:
    setup = sheet.page_setup
    setup.paperSize = 9  # A4
    landscape = total_width > PORTRAIT_WIDTH
    setup.orientation = "landscape" if landscape else "portrait"
    # Scaled to one page wide, as many pages long as it takes: a member's row on one sheet.
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = _xl().PageMargins(**_MARGINS)
    footer = sheet.HeaderFooter.oddFooter
    footer.center.text = PAGE_FOOTER
    top = sheet.HeaderFooter.oddHeader
    if page_header:
        top.left.text = _header_footer_text(page_header)
    top.right.text = _header_footer_text(sheet.title)
    return _Page.a4(landscape=landscape, total_width=total_width)


@dataclass
class _Page:
    """Where the rows written so far end on the printed pages (points, at the print scale), so
    that a chart below the table can start a new page rather than be cut in two."""

    capacity: float  # points of the sheet that fit on one page
    header: float = _ROW_HEIGHT  # the header row, repeated atop each page
    used: float = 0.0

    @classmethod
    def a4(cls, *, landscape: bool, total_width: int) -> _Page:
        width_mm, height_mm = (297.0, 210.0) if landscape else (210.0, 297.0)
        inch = 25.4
        page_w = (width_mm - (_MARGINS["left"] + _MARGINS["right"]) * inch) / inch * 72
        page_h = (height_mm - (_MARGINS["top"] + _MARGINS["bottom"]) * inch) / inch * 72
        # A width unit is about 7 pixels (5.25 points); wider sheets are scaled down to fit.
        scale = min(1.0, page_w / (total_width * 5.25)) if total_width else 1.0
        return cls(capacity=page_h / scale)

    def add(self, height: float) -> None:
        if self.used + height > self.capacity:
            self.used = self.header
        self.used += height

    def fits(self, height: float) -> bool:
        return self.used + height <= self.capacity


def _header_footer_text(text: str) -> str:
    # One line; "&" starts a code in Excel's header and footer language, "&&" prints one.
    line = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    return line[: _HEADER_FOOTER_MAX // 2].replace("&", "&&")


def _add_charts(
    sheet: Any,
    spec: SheetSpec,
    header: Sequence[str],
    formats: Sequence[str | None],
    widths: Sequence[int],
    rows: int,
    page: _Page,
) -> None:
    if rows == 0:
        return  # nothing to draw: Excel refuses a chart of an empty range
    column = {name: index + 1 for index, name in enumerate(header)}
    anchor = rows + 3  # below the table, one empty row between
    page.add(_ROW_HEIGHT)
    for chart_spec in spec.charts:
        count = min(rows, chart_spec.first_rows or rows)
        chart = _chart(sheet, chart_spec, column, formats, count)
        chart.width = max(_CHART_MIN_CM, min(_CHART_MAX_CM, sum(widths) * 0.19))
        chart.height = _CHART_CM
        height = _CHART_CM / 2.54 * 72
        if not page.fits(height):
            # Printed, the chart would be cut in two: it starts the next page instead.
            sheet.row_breaks.append(_xl().Break(id=anchor - 1))
            page.used = page.header
        sheet.add_chart(chart, f"A{anchor}")
        rows_taken = int(height // _ROW_HEIGHT) + 2
        for _ in range(rows_taken):
            page.add(_ROW_HEIGHT)
        anchor += rows_taken


def _chart(
    sheet: Any,
    spec: ChartSpec,
    column: Mapping[str, int],
    formats: Sequence[str | None],
    rows: int,
) -> Any:
    chart = _xl().BarChart()
    chart.type = "col"
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.title = spec.title
    chart.style = 10
    for name in spec.series:
        data = _xl().Reference(sheet, min_col=column[name], min_row=1, max_row=rows + 1)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        _xl().Reference(sheet, min_col=column[spec.categories], min_row=2, max_row=rows + 1)
    )
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    if formats[column[spec.series[0]] - 1] == PERCENT:
        chart.y_axis.number_format = PERCENT
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
    else:
        chart.y_axis.scaling.min = 0
    # Categories are labels even when they are dates: no time scale with gaps between them.
    chart.x_axis.auto = False
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then draws none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if len(spec.series) > 1:
        chart.legend.position = "b"
    else:
        chart.legend = None  # the title says what the one series is
    return chart


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
    if isinstance(value, timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes}:{seconds:02d}"
    if isinstance(value, Formatted):
        return _csv_value(value.value)
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

    Laid out and set up for printing like every export; ``widths`` are the least widths, room
    to type in. Cells are formatted as text so that Excel keeps what is typed as typed: a date
    stays "1948-03-12" and a long Telegram ID does not turn into 1.23457E+09. ``notes`` go on a
    second sheet, "填写说明", which the readers never look at (they read the first sheet only).
    """
    xl = _xl()
    workbook = xl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    names = [str(name) for name in header]
    examples = [list(row) for row in rows]
    measured = [min(MAX_WIDTH, _header_width(name)) for name in names]
    for row in examples:
        for index, value in enumerate(row[: len(names)]):
            if value is not None:
                measured[index] = max(measured[index], min(MAX_WIDTH, display_width(str(value))))
    least = [*widths, *([0] * len(names))]
    final = [max(_MIN_WIDTH, least[i], w + _PADDING) for i, w in enumerate(measured)]
    sheet.append([_xlsx_text(name) for name in names])
    for row in examples:
        sheet.append(row)
    _layout(sheet, final, "")
    for index in range(len(names)):
        letter = column_letter(index)
        sheet[f"{letter}1"].font = xl.header_font
        sheet[f"{letter}1"].alignment = xl.header_align
        # Pre-format the rows people will fill in; whole-column styles are ignored by some apps.
        for number in range(2, 202):
            cell = sheet[f"{letter}{number}"]
            cell.number_format = "@"
            cell.alignment = xl.wrap
    if notes:
        help_sheet = workbook.create_sheet(sheet_title("填写说明"))
        for line in notes:
            help_sheet.append([line])
        width = min(_NOTES_WIDTH, max(display_width(line) for line in notes)) + _PADDING
        help_sheet.column_dimensions["A"].width = width
        for (cell,) in help_sheet.iter_rows(min_col=1, max_col=1):
            cell.alignment = xl.wrap
        help_sheet["A1"].font = xl.header_font
        _page(help_sheet, width, "")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The notes sheet: one column of sentences, wrapped to fit a portrait page.
_NOTES_WIDTH = 88


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
