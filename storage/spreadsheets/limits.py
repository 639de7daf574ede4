"""The budget for reading an uploaded spreadsheet, and the checks that keep a hostile one inside
it before any parsing starts.

An .xlsx is a zip archive of XML parts. A 68 KB file can unpack to 25 MB of 1.5 million
repeated shared strings (a "zip bomb"): openpyxl reads every shared string into memory before
the first row, which took 18 s and 200 MB for that file, and 97 s and 1.5 GB for a 439 KB one.
Nothing a branch uploads comes near these limits (a 500-question bank with long explanations
unpacks to about 3 MB, a roster of 1,000 people to less than 1 MB), so a file beyond them is
refused whole, with `SheetTooBig`:

* the archive, from its central directory alone (nothing is unpacked): at most `MAX_PARTS`
  members, none over `MAX_PART_BYTES`, together at most `MAX_UNPACKED_BYTES`, and no part over
  1 MB that packs more than `MAX_RATIO` to one;
* the shared strings (counted in the unpacked part, before openpyxl reads them): at most
  `MAX_SHARED_STRINGS`; and no row numbered beyond `MAX_SCANNED_ROWS` in a worksheet part;
* while reading: at most `MAX_SCANNED_ROWS` rows (empty ones included), `MAX_CELL_CHARS`
  characters in a cell (Excel's own limit), and for a CSV at most `MAX_CSV_BYTES`.

Pure: bytes in, an exception or nothing out. The caller also runs the parse in a separate
process with a time and memory limit (bot/runtime/sandbox.py), for what these checks miss.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

from .errors import SheetError

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_CSV_BYTES",
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_SCANNED_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_UNPACKED_BYTES",
    "TOO_BIG",
    "SheetTooBig",
    "check_archive",
    "check_cell",
    "check_csv",
    "check_rows",
    "check_shared_strings",
    "check_sheet_rows",
    "check_upload",
]

MAX_PARTS = 300
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024
MAX_SHARED_STRINGS = 100_000
MAX_SCANNED_ROWS = 20_000
MAX_CELL_CHARS = 32_767
MAX_CSV_BYTES = 8 * 1024 * 1024

TOO_BIG = (
    "这个表格太大了，或者不是正常的表格文件，我没有打开它。"
    "请用 Excel 或 WPS 打开，只留下需要的那一张表，删去多余的工作表、图片和空白行，"
    "“另存为”.xlsx 格式后再发一次。"
)

# The End Of Central Directory record: its signature, and where the entry count sits in it.
_EOCD = b"PK\x05\x06"
_EOCD_SEARCH = 22 + 65535  # the record, plus the longest archive comment
_SHARED_STRINGS = re.compile(r"(?:^|/)sharedStrings\d*\.xml$", re.IGNORECASE)
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
_WORKSHEET = re.compile(r"(?:^|/)worksheets/[^/]+\.xml$", re.IGNORECASE)
# A row's number, as every writer puts it on the row element: <row r="1048576" ...>.
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")


class SheetTooBig(SheetError):
    """The file is beyond what any real bank or roster needs: refused before it is parsed."""

    def __init__(self, detail: str) -> None:
        super().__init__(TOO_BIG)
        self.detail = detail  # for the log, in English

    def __reduce__(self) -> tuple[type[SheetTooBig], tuple[str]]:
        return (type(self), (self.detail,))


def check_upload(data: bytes) -> None:
    """The quick part of the checks, before a parse is started at all: the archive's directory
    of an .xlsx, the size of anything else. Cheap enough for the bot's own process."""
    if data[:4] == b"PK\x03\x04":
        check_archive(data)
    else:
        check_csv(data)


def check_archive(data: bytes) -> None:
    """Refuse an .xlsx whose zip archive is beyond the budget; reads only its directory."""
    claimed = _claimed_entries(data)
    if claimed is not None and claimed > MAX_PARTS:
        raise SheetTooBig(f"{claimed} parts in the archive (limit {MAX_PARTS})")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return  # not a readable zip: the reader says so in its own words
    if len(infos) > MAX_PARTS:
        raise SheetTooBig(f"{len(infos)} parts in the archive (limit {MAX_PARTS})")
    total = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise SheetTooBig(f"{info.filename} unpacks to {info.file_size} bytes")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise SheetTooBig(f"{info.filename} is packed {ratio:.0f} to one")
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise SheetTooBig(f"the archive unpacks to {total} bytes")


def check_shared_strings(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook with more shared strings than any bank or roster has (run after
    `check_archive`, so that each part is known to be small enough to unpack)."""
    for info in archive.infolist():
        if _SHARED_STRINGS.search(info.filename):
            count = len(_STRING_ITEM.findall(archive.read(info)))
            if count > MAX_SHARED_STRINGS:
                raise SheetTooBig(f"{count} shared strings (limit {MAX_SHARED_STRINGS})")


def check_sheet_rows(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook with a row beyond `MAX_SCANNED_ROWS` before the reader walks to it:
    openpyxl hands over every empty row on the way, so a lone cell at row 1,048,576 would cost
    20,000 empty rows of reading. Run after `check_archive` (each part is small enough)."""
    for info in archive.infolist():
        if _WORKSHEET.search(info.filename):
            numbers = _ROW_NUMBER.findall(archive.read(info))
            highest = max((int(n) for n in numbers), default=0)
            if highest > MAX_SCANNED_ROWS:
                raise SheetTooBig(f"a row numbered {highest} in {info.filename}")


def check_cell(text: str, row: int) -> None:
    if len(text) > MAX_CELL_CHARS:
        raise SheetTooBig(f"a cell of {len(text)} characters in row {row}")


def check_rows(row: int) -> None:
    if row > MAX_SCANNED_ROWS:
        raise SheetTooBig(f"more than {MAX_SCANNED_ROWS} rows")


def check_csv(data: bytes) -> None:
    if len(data) > MAX_CSV_BYTES:
        raise SheetTooBig(f"a CSV of {len(data)} bytes")


def _claimed_entries(data: bytes) -> int | None:
    """How many entries the archive's last End Of Central Directory record claims."""
    at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SEARCH))
    if at < 0 or at + 22 > len(data):
        return None
    (entries,) = struct.unpack_from("<H", data, at + 10)
    return int(entries)
