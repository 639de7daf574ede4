"""Exports: write_xlsx / write_csv (read back with openpyxl and our own reader), streaming a
large export, and safe_filename for archive names built from user text."""

from __future__ import annotations

import codecs
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from storage.spreadsheets import SheetSpec, read_table, safe_filename, write_csv, write_xlsx
from storage.spreadsheets.writers import display_width


class Kind(StrEnum):
    VOICE = "语音"


# --- xlsx -----------------------------------------------------------------------------------


def test_xlsx_cells_survive(tmp_path: Path) -> None:
    path = tmp_path / "成绩.xlsx"
    submitted = datetime(2025, 7, 1, 9, 30)
    rows = [
        ["王建国", 95, 87.5, True, submitted, date(1948, 3, 12), None, "=1+1", Kind.VOICE],
        ["李秀英", 0, Decimal("60.5"), False, None, None, "好\x07的\x00", "@李", dtime(8, 5)],
    ]
    write_xlsx(
        path,
        [
            SheetSpec(
                "测试成绩",
                ["姓名", "得分", "正确率", "已提交", "提交时间", "生日", "备注", "心得", "类型"],
                rows,
            )
        ],
    )

    wb = load_workbook(path)
    ws = wb["测试成绩"]
    assert [c.value for c in ws[1]][:3] == ["姓名", "得分", "正确率"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"

    r2 = [c.value for c in ws[2]]
    assert r2[:5] == ["王建国", 95, 87.5, "是", submitted]
    assert ws["E2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["F2"].value == datetime(1948, 3, 12)
    assert ws["F2"].number_format == "yyyy-mm-dd"
    assert ws["G2"].value is None
    assert ws["H2"].value == "=1+1"  # text, not a formula
    assert ws["H2"].data_type == "s"
    assert ws["I2"].value == "语音"

    r3 = [c.value for c in ws[3]]
    assert r3[:4] == ["李秀英", 0, 60.5, "否"]
    assert ws["G3"].value == "好的"  # characters XML cannot hold are dropped
    assert ws["H3"].value == "@李"
    assert ws["I3"].value == dtime(8, 5)


def test_formula_text_is_not_evaluated_when_read_with_data_only(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    write_xlsx(path, [SheetSpec("表", ["心得"], [['=HYPERLINK("http://x")']])])
    ws = load_workbook(path, data_only=True).active
    assert ws["A2"].value == '=HYPERLINK("http://x")'


def test_aware_datetime_keeps_its_wall_clock_time(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    beijing = timezone(timedelta(hours=8))
    write_xlsx(path, [SheetSpec("表", ["时间"], [[datetime(2025, 7, 1, 9, 30, tzinfo=beijing)]])])
    assert load_workbook(path).active["A2"].value == datetime(2025, 7, 1, 9, 30)


def test_widths_follow_the_content_and_long_text_wraps(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    long_text = "通过学习，我深刻认识到……" * 10
    write_xlsx(
        path,
        [
            SheetSpec(
                "甲",
                ["姓名", "得分", "心得", "Note"],
                [
                    ["欧阳建国（离休干部）", 95, long_text, "ok"],
                    ["王", 1234567, "短短的", "ok"],
                    ["李", 1, "短", "two\nlines"],
                ],
                max_widths={"心得": 30},
            ),
            SheetSpec("乙", ["一个很长的中文列名", "a"], []),
        ],
    )
    wb = load_workbook(path)
    ws = wb["甲"]
    widths = [ws.column_dimensions[c].width for c in "ABCD"]
    assert widths[0] >= display_width("欧阳建国（离休干部）") == 20
    assert widths[1] >= len("1234567")
    assert widths[2] == 32  # capped at 30, plus a margin
    assert widths[3] >= len("Note") + 1
    assert ws["C2"].alignment.wrap_text  # longer than its column: wraps
    assert ws.row_dimensions[2].height >= 3 * 15  # 140 wide in a column 30 wide: 5 lines
    assert ws["A2"].alignment.vertical == "top"  # a tall row reads from the top
    assert not ws["C3"].alignment.wrap_text
    assert ws.row_dimensions[3].height is None
    assert ws["D4"].alignment.wrap_text  # two lines show as two lines
    assert ws.row_dimensions[4].height >= 2 * 15
    assert wb["乙"].column_dimensions["A"].width >= 2 * 9  # 9 wide characters


def test_cjk_characters_count_double() -> None:
    assert display_width("abc") == 3
    assert display_width("王建国") == 6
    assert display_width("（离休）A") == 9
    assert display_width("一二\n三") == 4


def test_sheet_titles_are_sanitised_and_unique(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    titles = ["2025/07 [七一]: 测试*?", "很" * 40, "成绩", "成绩", "", "History", "'引号'"]
    write_xlsx(path, [SheetSpec(t, ["a"], [[1]]) for t in titles])
    names = load_workbook(path).sheetnames
    assert names[0] == "2025_07 _七一__ 测试__"
    assert names[1] == "很" * 31
    assert names[2:4] == ["成绩", "成绩(2)"]
    assert names[4] == "表"
    assert names[5] == "History_"
    assert names[6] == "引号"
    assert all(len(n) <= 31 for n in names)


def test_rows_are_consumed_once_from_an_iterator(tmp_path: Path) -> None:
    consumed = []

    def cursor() -> Iterator[list[object]]:
        for i in range(3):
            consumed.append(i)
            yield [f"同志{i}", i]

    rows = cursor()
    write_xlsx(tmp_path / "x.xlsx", [SheetSpec("表", ["姓名", "序号"], rows)])
    assert consumed == [0, 1, 2]
    assert next(rows, None) is None
    ws = load_workbook(tmp_path / "x.xlsx").active
    assert [c.value for c in ws["A"]] == ["姓名", "同志0", "同志1", "同志2"]


def test_sheets_may_come_from_a_generator(tmp_path: Path) -> None:
    specs = (SheetSpec(f"第{i}页", ["a"], [[i]]) for i in range(3))
    write_xlsx(tmp_path / "x.xlsx", specs)
    assert load_workbook(tmp_path / "x.xlsx").sheetnames == ["第0页", "第1页", "第2页"]


def test_no_sheets_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_xlsx(tmp_path / "x.xlsx", [])
    assert list(tmp_path.iterdir()) == []


def test_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[list[object]]:
        yield ["一"]
        raise RuntimeError("database went away")

    path = tmp_path / "x.xlsx"
    path.write_bytes(b"old export")
    with pytest.raises(RuntimeError):
        write_xlsx(path, [SheetSpec("表", ["a"], broken())])
    assert path.read_bytes() == b"old export"  # the previous file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]  # no temporary file left
    with pytest.raises(RuntimeError):
        write_csv(tmp_path / "y.csv", ["a"], broken())
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_failed_export_removes_openpyxl_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def broken() -> Iterator[list[object]]:
        yield ["一"]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_xlsx(
            tmp_path / "x.xlsx", [SheetSpec("甲", ["a"], [[1]]), SheetSpec("乙", ["a"], broken())]
        )
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "x.xlsx").exists()


def test_long_text_is_cut_at_excel_limit(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "x.xlsx", [SheetSpec("表", ["心得"], [["字" * 40000]])])
    value = load_workbook(tmp_path / "x.xlsx").active["A2"].value
    assert len(value) == 32767
    assert value.endswith("…")


def test_xlsx_export_reads_back_with_our_reader(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    write_xlsx(path, [SheetSpec("表", ["姓名", "得分", "日期"], [["张三", 90, date(2025, 7, 1)]])])
    table = read_table(path.read_bytes(), path.name)
    assert table.header == ("姓名", "得分", "日期")
    assert table.rows[0].cells == ("张三", "90", date(2025, 7, 1))


# --- csv ------------------------------------------------------------------------------------


def test_csv_has_bom_crlf_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "台账.csv"
    rows = [
        ["王建国", 95, 87.5, True, datetime(2025, 7, 1, 9, 30), date(1948, 3, 12), None],
        ["李秀英", -5, 0.1, False, None, None, "第一行\n第二行，有逗号"],
    ]
    write_csv(path, ["姓名", "得分", "正确率", "已提交", "提交时间", "生日", "心得"], rows)
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    assert raw.count(b"\r\n") == 3
    assert b"\n\xe7\xac\xac\xe4\xba\x8c" in raw  # the newline inside a cell stays a bare \n
    table = read_table(raw, path.name)
    assert table.header == ("姓名", "得分", "正确率", "已提交", "提交时间", "生日", "心得")
    assert table.rows[0].cells == (
        "王建国",
        "95",
        "87.5",
        "是",
        "2025-07-01 09:30",
        "1948-03-12",
        "",
    )
    assert table.rows[1].cells[:4] == ("李秀英", "-5", "0.1", "否")
    assert table.rows[1].cells[6] == "第一行\n第二行，有逗号"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("正常文字", "正常文字"),
    ],
)
def test_csv_formula_injection_is_defused(tmp_path: Path, value: str, written: str) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["心得"], [[value]])
    assert read_table(path.read_bytes(), "x.csv").rows[0].cells[0] == written


# --- a large export streams -----------------------------------------------------------------


@pytest.mark.slow
def test_streaming_export_of_ten_thousand_members(tmp_path: Path) -> None:
    """10,000 members × 25 columns (name, score, time, 20 answers …): time and memory printed."""
    submitted = datetime(2025, 7, 1, 9, 30)
    members = 10_000
    header = ["姓名", "得分", "正确率", "已提交", "提交时间", *[f"第{i}题" for i in range(1, 21)]]

    def rows() -> Iterator[list[object]]:
        for i in range(members):
            yield [f"同志{i}", i % 100, 0.85, True, submitted, *["ABCD"[j % 4] for j in range(20)]]

    path = tmp_path / "成绩.xlsx"
    # Timed on its own: tracemalloc slows every allocation down several times over.
    start = time.perf_counter()
    write_xlsx(path, [SheetSpec("成绩", header, rows())])
    elapsed = time.perf_counter() - start

    tracemalloc.start()
    write_xlsx(tmp_path / "again.xlsx", [SheetSpec("成绩", header, rows())])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nxlsx {members}×{len(header)}: {elapsed:.2f}s, peak Python memory {peak / 1e6:.1f} MB "
        f"(tracemalloc), file {path.stat().st_size / 1e6:.1f} MB"
    )
    assert peak < 50e6  # streaming: nowhere near holding 250,000 cells

    start = time.perf_counter()
    write_csv(tmp_path / "成绩.csv", header, rows())
    print(f"csv  {members}×{len(header)}: {time.perf_counter() - start:.2f}s")

    ws = load_workbook(path, read_only=True).active
    last = None
    count = 0
    for values in ws.iter_rows(values_only=True):
        last = values
        count += 1
    assert count == members + 1
    assert last is not None and last[0] == f"同志{members - 1}"


# --- file names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("2025-07-01", "王建国", "心得"), "2025-07-01_王建国_心得.docx"),
        (("../../etc/passwd",), "etc_passwd.docx"),
        (("a/b\\c",), "a_b_c.docx"),
        (("..",), "未命名.docx"),
        ((".hidden",), "hidden.docx"),
        (("",), "未命名.docx"),
        ((), "未命名.docx"),
        (("  张  三 \t\n ",), "张 三.docx"),
        (("CON",), "_CON.docx"),
        (("nul.txt",), "_nul.txt.docx"),
        (("com1",), "_com1.docx"),
        (('问<>:"|?*题',), "问_题.docx"),
        (("a\x00b\x1fc",), "a_b_c.docx"),
        (("报告\u202egpj.exe",), "报告_gpj.exe.docx"),  # right-to-left override
        (("e\u0301",), "\u00e9.docx"),  # NFC
        (("结尾的点...",), "结尾的点.docx"),
        (("CON", "王"), "CON_王.docx"),
        (("", "aux", ""), "_aux.docx"),
        (("-rf",), "rf.docx"),
    ],
)
def test_safe_filename_examples(parts: tuple[str, ...], expected: str) -> None:
    assert safe_filename(*parts, ext="docx") == expected


def test_safe_filename_caps_length_by_characters() -> None:
    name = safe_filename("张" * 200, ext="xlsx")
    assert name == "张" * 80 + ".xlsx"
    assert len(name.encode()) <= 255
    emoji = safe_filename("😀" * 200, ext=".ogg")
    assert emoji.endswith(".ogg")
    assert len(emoji.encode()) <= 250


@pytest.mark.parametrize(
    ("ext", "expected"),
    [
        ("xlsx", "a.xlsx"),
        (".ogg", "a.ogg"),
        ("tar.gz", "a.tar.gz"),
        ("", "a.bin"),
        ("../x", "a.x"),
        ("/", "a.bin"),
        ("文档", "a.bin"),
        ("x" * 40, "a." + "x" * 16),
        ("do c\x00", "a.doc"),
    ],
)
def test_safe_filename_cleans_the_extension(ext: str, expected: str) -> None:
    assert safe_filename("a", ext=ext) == expected


@settings(max_examples=500, deadline=None)
@given(
    parts=st.lists(st.text(), max_size=4),
    ext=st.one_of(st.sampled_from(["xlsx", "csv", ".ogg"]), st.text(max_size=20)),
)
def test_safe_filename_is_always_one_harmless_component(parts: list[str], ext: str) -> None:
    name = safe_filename(*parts, ext=ext)
    assert name
    assert Path(name).name == name
    assert PurePosixPath(name).name == name
    assert PureWindowsPath(name).name == name
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in (".", "..")
    assert not name.startswith(".")
    assert not any(c in name for c in '<>:"|?*')
    assert not any(ord(c) < 32 for c in name)
    assert len(name) <= 80 + 1 + 16  # stem, dot, extension
    assert len(name.encode("utf-8")) <= 255
    name.encode("utf-8")  # no lone surrogates: the name can be created on disk
