"""What every workbook the bot writes must be like on screen and on paper, checked with openpyxl
alone (not with the writer's own helpers), for the ledger, the quiz results, the yearly summary
and the upload templates.

- no column narrower than its longest cell as shown (CJK characters count two), unless it is
  capped (at least `CAP` wide) and every cell wider than it wraps;
- percentages are numbers with a % format, never text such as "75%";
- dates and times are date cells, never text such as "2026-01-15";
- headers in a named font every office suite has, bold;
- A4, fitted to one page wide, landscape when the columns are wider than a portrait page;
  the header row repeated on every page; page numbers in the footer;
- a chart on the sheets that should have one.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

# The narrowest a column may be capped at (the archive-file column of the ledger).
CAP = 30
# Fonts installed with Windows and macOS, and mapped to metric-compatible ones by LibreOffice
# and WPS on Linux.
PORTABLE_FONTS = {"Arial", "Times New Roman", "Courier New"}
# Width units are about 7 pixels (5.25 points) of the default font.
POINTS_PER_UNIT = 5.25
A4_PORTRAIT_INCHES = 210 / 25.4

TEXT_PERCENT = re.compile(r"^\s*-?\d+(\.\d+)?\s*%$")
TEXT_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2})?$")


def display_width(text: str) -> int:
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        for line in text.split("\n")
    )


def shown(value: object, number_format: str) -> str:
    """The cell as a spreadsheet program shows it."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if "h" in number_format else f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes}:{seconds:02d}"
    if isinstance(value, bool):
        return "TRUE"
    if isinstance(value, int | float):
        if number_format.endswith("%"):
            decimals = len(number_format.split(".")[1]) - 1 if "." in number_format else 0
            return f"{value:.{decimals}%}"
        if number_format == "0.0":
            return f"{value:.1f}"
        return f"{value:.10g}"
    return str(value)


def check_workbook(data: bytes, *, charts: frozenset[str] = frozenset()) -> Workbook:
    """Every check above on every sheet; `charts`: the sheets that must have a chart."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        check_sheet(sheet)
    for title in charts:
        assert book[title]._charts, f"{title}: no chart"
    return book


def check_sheet(ws: Worksheet) -> None:
    where = ws.title
    rows = list(ws.iter_rows())
    assert rows, f"{where}: empty sheet"
    header = [c.value for c in rows[0]]
    widths: list[float] = []
    for index, column in enumerate(ws.iter_cols(), start=0):
        letter = column[0].column_letter
        width = ws.column_dimensions[letter].width
        assert ws.column_dimensions[letter].customWidth, f"{where} {letter}: width not set"
        widths.append(width)
        longest = 0
        for cell in column:
            if cell.value is None:
                continue
            text = shown(cell.value, cell.number_format)
            wide = display_width(text)
            longest = max(longest, wide)
            if wide > width or "\n" in text:
                assert cell.alignment.wrap_text, f"{where} {cell.coordinate}: cut, not wrapped"
        assert width >= min(longest, CAP), f"{where} {letter}: {width} < {longest}"
        name = str(header[index] or "")
        for cell in column[1:]:
            _check_value(where, name, cell)
    for cell in rows[0]:
        if cell.value is not None:
            assert cell.font.b, f"{where} {cell.coordinate}: header not bold"
            assert cell.font.name in PORTABLE_FONTS, f"{where}: header font {cell.font.name!r}"
    if header[1:2] == ["数量"]:  # an overview: one figure per line, named in the first column
        for label, cell in ((row[0].value, row[1]) for row in rows[1:]):
            if "率" in str(label) and cell.value is not None:
                assert isinstance(cell.value, int | float), f"{where}: {label} is text"
                assert cell.number_format.endswith("%"), f"{where}: {label} not in %"
    _check_page(ws, sum(widths))


def _check_value(where: str, name: str, cell: object) -> None:
    value = cell.value  # type: ignore[attr-defined]
    fmt = cell.number_format  # type: ignore[attr-defined]
    coordinate = cell.coordinate  # type: ignore[attr-defined]
    if value is None:
        return
    if isinstance(value, str):
        assert not TEXT_PERCENT.match(value), f"{where} {coordinate}: {value!r} is text"
        if fmt != "@":  # template cells are text on purpose: what is typed stays as typed
            assert not TEXT_DATE.match(value), f"{where} {coordinate}: date {value!r} is text"
    if name.endswith("率"):
        assert isinstance(value, int | float), f"{where} {coordinate}: {name} {value!r}"
        assert fmt.endswith("%"), f"{where} {coordinate}: {name} shown as {fmt}"
    if ("日期" in name or name.endswith("时间") or name in ("开始答题", "完成答题")) and (
        fmt != "@"
    ):
        assert isinstance(value, datetime), f"{where} {coordinate}: {name} {value!r}"


def _check_page(ws: Worksheet, total_width: float) -> None:
    where = ws.title
    setup = ws.page_setup
    margins = ws.page_margins
    portrait_units = (A4_PORTRAIT_INCHES - margins.left - margins.right) * 72 / POINTS_PER_UNIT
    assert setup.paperSize in (9, "9"), f"{where}: not A4"
    wide = total_width > portrait_units
    assert setup.orientation == ("landscape" if wide else "portrait"), (
        f"{where}: {total_width} wide, {setup.orientation}"
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage, f"{where}: not fitted to the page"
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0, f"{where}: fit"
    footer = ws.oddFooter.center.text or ""
    assert "&P" in footer and "&N" in footer, f"{where}: no page numbers"
    if ws.freeze_panes == "A2":
        assert ws.print_title_rows == "$1:$1", f"{where}: header not repeated"
