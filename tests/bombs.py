"""Hostile spreadsheets, built in memory for the tests (never committed as files): a few kilobytes
that unpack to megabytes of XML, workbooks of too many parts or strings or rows, CSVs too long.

`xlsx()` writes a minimal but valid workbook by hand (openpyxl would not write the shapes an
attacker does), with every text cell in the shared strings table.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from storage.spreadsheets.tables import column_letter

BANK_HEADER = ["题目", "选项A", "选项B", "答案"]
BANK_ROW = ["一加一等于几？", "1", "2", "B"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def xlsx(
    rows: Sequence[Sequence[str]],
    *,
    extra_strings: int = 0,
    distinct_strings: bool = False,
    last_row: int | None = None,
    extra_parts: int = 0,
    padding: int = 0,
) -> bytes:
    """A workbook of `rows`, and whatever hostile extras are asked for:

    * `extra_strings` unused shared strings (all "x", which packs about 400 to one; or, with
      `distinct_strings`, numbered, which packs only a few times);
    * `last_row`: one more cell far down the sheet (every row above it is read, empty);
    * `extra_parts` more (tiny) parts in the archive;
    * `padding` bytes of blanks inside the sheet's XML (packs about 1,000 to one).
    """
    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(value: str) -> int:
        if value not in index:
            index[value] = len(strings)
            strings.append(value)
        return index[value]

    lines = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{column_letter(i)}{r}" t="s"><v>{shared(v)}</v></c>' for i, v in enumerate(row)
        )
        lines.append(f'<row r="{r}">{cells}</row>')
    if last_row is not None:
        lines.append(
            f'<row r="{last_row}"><c r="A{last_row}" t="s"><v>{shared("末行")}</v></c></row>'
        )
    sheet = (
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + "".join(lines)
            + "</sheetData>"
        ).encode()
        + b" " * padding
        + b"</worksheet>"
    )
    items = "".join(f"<si><t>{_escape(v)}</t></si>" for v in strings).encode()
    if distinct_strings:
        extra = b"".join(b"<si><t>%d</t></si>" % i for i in range(extra_strings))
    else:
        extra = b"<si><t>x</t></si>" * extra_strings
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + items
        + extra
        + b"</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", sst)
        for n in range(extra_parts):
            archive.writestr(f"xl/media/image{n}.xml", "<x/>")
    return out.getvalue()


def shared_strings_bomb(count: int = 1_500_000) -> bytes:
    """The bank from the bug report: about 64 KB, 1.5 million repeated shared strings inside
    (25 MB of XML)."""
    return xlsx([BANK_HEADER, BANK_ROW], extra_strings=count)


def csv_bytes(lines: Sequence[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
