"""Question-bank uploads: reading .xlsx/.csv in every encoding Chinese Excel writes, and every
problem the checker reports (message and row number). Also the shared table reader."""

from __future__ import annotations

import codecs
import io
from collections.abc import Sequence
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from storage.spreadsheets import (
    BankError,
    Problem,
    Question,
    SheetError,
    parse_quiz_bank,
    quiz_template,
    read_table,
)

HEADER = ["题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值"]
GOOD = [
    "中国共产党成立于哪一年？",
    "1919年",
    "1921年",
    "1927年",
    "1949年",
    "B",
    "1921年建党。",
    "1",
]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str = "utf-8", sep: str = ",") -> bytes:
    text = "\r\n".join(sep.join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


def problems(data: bytes, name: str = "题库.xlsx", **kwargs: bool) -> list[Problem]:
    with pytest.raises(BankError) as info:
        parse_quiz_bank(data, name, **kwargs)
    return info.value.problems


def only(data: bytes, name: str = "题库.xlsx", **kwargs: bool) -> Problem:
    found = problems(data, name, **kwargs)
    assert len(found) == 1, found
    return found[0]


def row(**changes: object) -> list[object]:
    values: list[object] = list(GOOD)
    for key, value in changes.items():
        values[HEADER.index(key)] = value
    return values


# --- good files -------------------------------------------------------------------------------


def test_single_and_multiple_answer_questions() -> None:
    data = xlsx(
        [
            HEADER,
            GOOD,
            [
                "下列属于1927年起义的有",
                "南昌起义",
                "秋收起义",
                "广州起义",
                "武昌起义",
                "ABC",
                "",
                "",
            ],
        ]
    )
    first, second = parse_quiz_bank(data, "题库.xlsx")
    assert first == Question(
        text="中国共产党成立于哪一年？",
        options=("1919年", "1921年", "1927年", "1949年"),
        answer=frozenset({1}),
        explanation="1921年建党。",
        points=1,
        row=2,
    )
    assert not first.multiple
    assert second.answer == frozenset({0, 1, 2})
    assert second.multiple
    assert second.points == 1  # empty 分值 means 1
    assert second.explanation == ""
    assert second.row == 3


def test_columns_in_any_order_and_unknown_columns_ignored() -> None:
    header = ["序号", "答案", "选项B", "题目", "分值", "选项A", "题型"]
    data = xlsx([header, [1, "A", "否", "党的生日是七月一日吗？", 2, "是", "判断题"]])
    (q,) = parse_quiz_bank(data, "x.xlsx")
    assert q.options == ("是", "否")
    assert q.answer == frozenset({0})
    assert q.points == 2


def test_trailing_empty_options_are_ignored_and_ten_options_allowed() -> None:
    header = ["题目", *[f"选项{c}" for c in "ABCDEFGHIJ"], "答案"]
    data = xlsx(
        [
            header,
            ["两个选项", "是", "否", "", "", "", "", "", "", "", "", "A"],
            ["十个选项", *[str(i) for i in range(10)], "J"],
        ]
    )
    two, ten = parse_quiz_bank(data, "x.xlsx")
    assert two.options == ("是", "否")
    assert len(ten.options) == 10
    assert ten.answer == frozenset({9})


@pytest.mark.parametrize(
    "header",
    [
        ["题目", "选项 A", "选项 B", "答 案"],
        ["题目", "选项a", "选项b", "答案"],
        ["题　目", "选项Ａ", "选项Ｂ", "答案"],  # full-width space and letters
        ["题目（必填）", "A", "B", "正确答案"],
        ["题干", "选项A.", "选项B.", "答案"],
        [" 题目 ", "选项A", "选项B", "答案："],
    ],
)
def test_header_variants(header: list[str]) -> None:
    (q,) = parse_quiz_bank(xlsx([header, ["问题", "甲", "乙", "B"]]), "x.xlsx")
    assert q.options == ("甲", "乙")
    assert q.answer == frozenset({1})


def test_title_row_above_the_header_is_skipped() -> None:
    data = xlsx([["2024年七一党史知识测试"], [], HEADER, GOOD])
    (q,) = parse_quiz_bank(data, "x.xlsx")
    assert q.row == 4


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("B", {1}),
        ("b", {1}),
        ("Ｂ", {1}),
        (" A C ", {0, 2}),
        ("A,C", {0, 2}),
        ("A，C", {0, 2}),
        ("A、C、D", {0, 2, 3}),
        ("ca", {0, 2}),
        ("AAC", {0, 2}),
        ("A;C", {0, 2}),
    ],
)
def test_answer_spellings(answer: str, expected: set[int]) -> None:
    (q,) = parse_quiz_bank(xlsx([HEADER, row(答案=answer)]), "x.xlsx")
    assert q.answer == frozenset(expected)


def test_excel_number_and_date_cells() -> None:
    data = xlsx(
        [
            HEADER,
            row(选项A=1919, 选项B=1921.0, 选项C=2.5, 分值=2),
            row(题目="第二题", 选项A=date(1921, 7, 1), 选项B=datetime(1949, 10, 1, 0, 0), 分值=3.0),
            row(题目="第三题", 选项A=True, 选项B=False, 答案="A"),
        ]
    )
    first, second, third = parse_quiz_bank(data, "x.xlsx")
    assert first.options[:3] == ("1919", "1921", "2.5")
    assert first.points == 2
    assert second.options[:2] == ("1921年7月1日", "1949年10月1日")
    assert second.points == 3
    assert third.options[:2] == ("TRUE", "FALSE")


def test_excel_number_as_answer_is_reported() -> None:
    p = only(xlsx([HEADER, row(答案=2)]))
    assert p == Problem(2, "答案“2”看不懂，请只填写选项字母，例如 B 或 ACD。")


def test_newlines_in_cells_are_kept_and_whitespace_stripped() -> None:
    (q,) = parse_quiz_bank(xlsx([HEADER, row(题目="  第一行\r\n第二行 \u3000")]), "x.xlsx")
    assert q.text == "第一行\n第二行"


# --- encodings ------------------------------------------------------------------------------


CSV_ROWS = [
    ",".join(HEADER).split(","),
    ["“七一”是什么节日？", "建党节", "建军节", "国庆节", "劳动节", "A", "1921年建党。", "1"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(encoding: str) -> None:
    sep = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is tab-separated
    (q,) = parse_quiz_bank(csv_bytes(CSV_ROWS, encoding, sep), "题库.csv")
    assert q.text == "“七一”是什么节日？"
    assert q.options[0] == "建党节"


def test_csv_utf8_bom_is_not_part_of_the_first_header() -> None:
    data = codecs.BOM_UTF8 + csv_bytes(CSV_ROWS)
    assert read_table(data, "x.csv").header[0] == "题目"


def test_gb18030_characters_outside_gbk() -> None:
    rows = [CSV_ROWS[0], ["“𠮷”字怎么读？", "jí", "tǔ", "", "", "A", "", ""]]
    data = csv_bytes(rows, "gb18030")
    with pytest.raises(UnicodeEncodeError):
        "𠮷".encode("gbk")
    (q,) = parse_quiz_bank(data, "x.csv")
    assert q.text == "“𠮷”字怎么读？"


def test_semicolon_separated_csv() -> None:
    (q,) = parse_quiz_bank(csv_bytes(CSV_ROWS, sep=";"), "x.csv")
    assert q.options[1] == "建军节"


def test_quoted_csv_fields_with_commas_and_newlines() -> None:
    data = (",".join(HEADER) + '\r\n"甲，乙, 丙\n哪个对？",a,b,,,A,,\r\n').encode()
    (q,) = parse_quiz_bank(data, "x.csv")
    assert q.text == "甲，乙, 丙\n哪个对？"


GARBAGE_MESSAGE = (
    "文件里的文字读不出来（编码无法识别）。请用 Excel 或 WPS 打开后另存为 .xlsx 再发送。"
)


@pytest.mark.parametrize(
    "data",
    [
        bytes([0x80, 0xFF, 0xFE, 0x81, 0x30, 0xFF]),  # invalid in UTF-8 and in GB18030
        b"\x00\x01\x02\x03binary\x00",  # NUL bytes: a binary file
        "题目,选项A".encode("utf-16-le"),  # UTF-16 without its BOM
    ],
)
def test_undecodable_csv(data: bytes) -> None:
    assert only(data, "x.csv") == Problem(None, GARBAGE_MESSAGE)


def test_xlsx_sent_with_csv_name_and_csv_with_xlsx_name_are_read() -> None:
    texts = ["中国共产党成立于哪一年？"]
    assert [q.text for q in parse_quiz_bank(xlsx([HEADER, GOOD]), "题库.csv")] == texts
    assert [q.text for q in parse_quiz_bank(csv_bytes(CSV_ROWS), "题库.xlsx")] == [
        "“七一”是什么节日？"
    ]
    # Telegram may give no file name.
    assert [q.text for q in parse_quiz_bank(xlsx([HEADER, GOOD]), "")] == texts


# --- unreadable files -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["题库.docx", "题库.pdf", "题库.txt.zip", "题库.jpg"])
def test_unsupported_extension_says_what_is_accepted(name: str) -> None:
    p = only(b"whatever", name)
    assert p.row is None
    assert "只能读取Excel 表格（.xlsx）或 CSV 文件（.csv）" in p.message
    assert name.rsplit(".", 1)[1] in p.message


def test_old_xls_and_password_protected_files() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    for name in ("题库.xls", "题库.xlsx"):
        p = only(ole, name)
        assert p.message.startswith("这个文件是旧版 Excel 格式或设置了密码")


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        xlsx([HEADER, GOOD])[:300],  # truncated download
        b"PK\x05\x06" + b"\x00" * 18,  # an empty zip archive
    ],
)
def test_corrupt_xlsx(data: bytes) -> None:
    p = only(data, "题库.xlsx")
    assert p.row is None
    assert p.message.startswith("文件打不开")


def test_zip_without_a_workbook() -> None:
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert only(buf.getvalue(), "x.xlsx").message.startswith("文件打不开")


def test_zip_bomb_is_refused_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.spreadsheets import limits

    data = xlsx([HEADER, GOOD])
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1000)  # real bombs: test_spreadsheet_limits
    with pytest.raises(limits.SheetTooBig) as caught:
        parse_quiz_bank(data, "x.xlsx")
    assert caught.value.describe() == limits.TOO_BIG


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b",,,\r\n,,\r\n", codecs.BOM_UTF8])
def test_empty_file(data: bytes) -> None:
    assert only(data, "x.csv") == Problem(None, "文件是空的，里面没有内容。")


def test_empty_xlsx() -> None:
    assert only(xlsx([])) == Problem(None, "文件是空的，里面没有内容。")


def test_header_of_numbers_is_no_header() -> None:
    with pytest.raises(SheetError, match="没有找到表头"):
        read_table(xlsx([[1, 2, 3], [4, 5, 6]]), "x.xlsx")


# --- every problem, with its row ------------------------------------------------------------


def test_missing_required_columns() -> None:
    p = only(xlsx([["题目", "选项A", "解析"], ["问题", "甲", ""]]))
    assert p.row is None
    assert p.message == (
        "表头缺少这些列：“答案”、“选项A、选项B”。第一行应写：题目、选项A、选项B、选项C、选项D、"
        "答案、解析、分值（解析、分值可以不填）。"
    )


def test_missing_question_column() -> None:
    p = only(xlsx([["问题描述", "选项A", "选项B", "答案"], ["x", "a", "b", "A"]]))
    assert "“题目”" in p.message


def test_duplicate_column() -> None:
    p = only(xlsx([["题目", "选项A", "选项B", "答案", "答案"], ["x", "a", "b", "A", "B"]]))
    assert p == Problem(None, "表头里有两列都是“答案”（D列和E列），请只保留一列。")


def test_no_questions() -> None:
    assert only(xlsx([HEADER])) == Problem(None, "文件里还没有题目，请在表头下面每行填写一道题。")


def test_empty_question() -> None:
    assert only(xlsx([HEADER, GOOD, row(题目="  ")])) == Problem(3, "题目是空的。")


def test_fewer_than_two_options() -> None:
    data = xlsx([HEADER, row(选项B="", 选项C="", 选项D="", 答案="A")])
    assert only(data) == Problem(2, "至少要有两个选项（现在只有1个）。")


def test_gap_in_options() -> None:
    data = xlsx([HEADER, row(选项B="", 答案="A")])
    assert only(data) == Problem(2, "选项B是空的，但后面还有选项。选项请从A开始连续填写。")


def test_answer_letter_without_option() -> None:
    data = xlsx([HEADER, row(选项C="", 选项D="", 答案="AE")])
    assert only(data) == Problem(2, "答案“E”没有对应的选项。")


def test_answer_letter_without_option_column() -> None:
    data = xlsx([["题目", "选项A", "选项B", "答案"], ["x", "a", "b", "C"]])
    assert only(data) == Problem(2, "答案“C”没有对应的选项。")


def test_empty_answer() -> None:
    assert only(xlsx([HEADER, row(答案="")])) == Problem(
        2, "答案是空的，请填写正确选项的字母，例如 B 或 ACD。"
    )


@pytest.mark.parametrize("answer", ["正确", "√", "K", "A1", "，", date(2024, 1, 1)])
def test_invalid_answer(answer: object) -> None:
    p = only(xlsx([HEADER, row(答案=answer)]))
    assert p.row == 2
    assert p.message.startswith("答案“")
    assert p.message.endswith("”看不懂，请只填写选项字母，例如 B 或 ACD。")


def test_poll_length_limits() -> None:
    long_question = "问" * 301
    long_option = "选" * 101
    data = xlsx([HEADER, row(题目=long_question), row(题目="第二题", 选项C=long_option)])
    assert problems(data) == [
        Problem(2, "题目太长了（301个字），最多300个字，请精简。"),
        Problem(3, "选项C太长了（101个字），最多100个字，请精简。"),
    ]
    # Without polls the generous caps apply and both are fine.
    assert len(parse_quiz_bank(data, "x.xlsx", for_polls=False)) == 2


def test_poll_limits_are_inclusive_and_count_like_telegram() -> None:
    data = xlsx([HEADER, row(题目="问" * 300, 选项A="选" * 100)])
    [question] = parse_quiz_bank(data, "x.xlsx")
    assert (question.text, question.options[0]) == ("问" * 300, "选" * 100)
    # An emoji is two UTF-16 code units for Telegram.
    p = only(xlsx([HEADER, row(选项A="😀" * 51)]))
    assert p == Problem(2, "选项A太长了（102个字），最多100个字，请精简。")


def test_duplicate_question_names_both_rows() -> None:
    data = xlsx(
        [
            HEADER,
            GOOD,
            row(题目="别的题"),
            row(题目=" 中国共产党 成立于哪一年？ "),
            row(题目="中国共产党成立于哪一年?"),  # half-width question mark
        ]
    )
    assert problems(data) == [
        Problem(4, "这道题和第2行的题目重复了。"),
        Problem(5, "这道题和第2行的题目重复了。"),
    ]


def test_duplicate_options() -> None:
    assert only(xlsx([HEADER, row(选项C="1919年 ")])) == Problem(2, "选项A和选项C内容相同。")


@pytest.mark.parametrize("points", ["0", "-1", "abc", "1.5", "101", 0, 1.5, -3, "一"])
def test_bad_points(points: object) -> None:
    p = only(xlsx([HEADER, row(分值=points)]))
    assert p == Problem(2, f"分值“{points}”不对，请填写1到100之间的整数（不填就是1分）。")


@pytest.mark.parametrize(("points", "expected"), [("2", 2), ("2.0", 2), ("3分", 3), ("１０", 10)])
def test_points_spellings(points: str, expected: int) -> None:
    (q,) = parse_quiz_bank(xlsx([HEADER, row(分值=points)]), "x.xlsx")
    assert q.points == expected


def test_every_problem_is_reported_at_once_and_nothing_returned() -> None:
    data = xlsx(
        [
            HEADER,
            GOOD,
            row(题目="", 答案=""),
            row(题目="第三题", 选项B="", 选项C="", 选项D="", 答案="B", 分值="x"),
            row(题目="第四题"),
        ]
    )
    assert problems(data) == [
        Problem(3, "题目是空的。"),
        Problem(3, "答案是空的，请填写正确选项的字母，例如 B 或 ACD。"),
        Problem(4, "至少要有两个选项（现在只有1个）。"),
        Problem(4, "答案“B”没有对应的选项。"),
        Problem(4, "分值“x”不对，请填写1到100之间的整数（不填就是1分）。"),
    ]


def test_five_hundred_questions_and_one_more() -> None:
    rows = [row(题目=f"第{i}题") for i in range(500)]
    assert len(parse_quiz_bank(csv_rows(rows), "x.csv")) == 500
    rows.append(row(题目="第501题"))
    assert only(csv_rows(rows), "x.csv") == Problem(
        None, "题目超过了500道，一次最多上传500道，请分成几个文件。"
    )


def test_five_hundred_and_one_questions_in_xlsx() -> None:
    rows = [row(题目=f"第{i}题") for i in range(501)]
    p = only(xlsx([HEADER, *rows]))
    assert p.row is None
    assert "超过了500道" in p.message


def csv_rows(rows: Sequence[Sequence[object]]) -> bytes:
    return csv_bytes([HEADER, *[[str(v) for v in r] for r in rows]])


def test_empty_rows_are_skipped_and_row_numbers_kept() -> None:
    data = xlsx([HEADER, [], GOOD, [None] * 8, row(题目="第二题", 答案="F")])
    assert only(data) == Problem(5, "答案“F”没有对应的选项。")


# --- the report -----------------------------------------------------------------------------


def test_describe_lists_each_problem_on_its_own_line() -> None:
    err = BankError([Problem(3, "答案“E”没有对应的选项。"), Problem(None, "表头有误。")])
    assert err.describe() == (
        "题库里有2处需要修改，改好后请再发一次：\n表头有误。\n第3行：答案“E”没有对应的选项。"
    )
    assert str(err) == err.describe()


def test_describe_is_capped() -> None:
    rows = [row(题目=f"第{i}题", 答案="") for i in range(40)]
    with pytest.raises(BankError) as info:
        parse_quiz_bank(xlsx([HEADER, *rows]), "x.xlsx")
    text = info.value.describe()
    lines = text.splitlines()
    assert lines[0] == "题库里有40处需要修改，改好后请再发一次："
    assert lines[1].startswith("第2行：答案是空的")
    assert len(lines) == 32
    assert lines[-1] == "……还有10处，先改好上面这些吧。"
    assert len(text) < 4096


def test_describe_stays_under_telegram_message_limit() -> None:
    err = BankError([Problem(i, "很长的说明" * 40) for i in range(2, 40)])
    assert len(err.describe()) < 4096
    assert err.describe().endswith("先改好上面这些吧。")


def test_long_user_text_is_shortened_in_messages() -> None:
    p = only(xlsx([HEADER, row(分值="很" * 100)]))
    assert "很" * 20 + "…”" in p.message
    assert len(p.message) < 80


# --- template -------------------------------------------------------------------------------


def test_template_parses_back_with_both_kinds_of_question() -> None:
    data = quiz_template()
    questions = parse_quiz_bank(data, "题库模板.xlsx")
    assert [q.multiple for q in questions] == [False, True]
    assert all(q.explanation for q in questions)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["A"].width > 20
    assert ws.freeze_panes == "A2"
    assert wb.sheetnames == ["题库", "填写说明"]


# --- never crash ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", "a", "a.xls"]))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    try:
        parse_quiz_bank(data, name)
    except BankError as exc:
        assert exc.problems
        assert exc.describe()


@settings(max_examples=100, deadline=None)
@given(data=st.binary(min_size=1, max_size=2000))
def test_mangled_xlsx_never_crashes(data: bytes) -> None:
    good = bytearray(xlsx([HEADER, GOOD]))
    # Overwrite a slice of a real workbook so the zip structure is mostly intact.
    start = len(data) * 7 % max(1, len(good) - len(data))
    good[start : start + len(data)] = data
    try:
        parse_quiz_bank(bytes(good), "x.xlsx")
    except BankError as exc:
        assert exc.problems


CELL = st.one_of(
    st.sampled_from(["", "A", "B", "ac", "1", "2.0", "0", "是", "否", "题", " ", "Ｃ", "、"]),
    st.text(max_size=8),
)
HEADERS = st.lists(
    st.sampled_from([*HEADER, "选项E", "选项J", "答 案", "", "序号", "选项a"]), max_size=10
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=HEADERS, body=st.lists(st.lists(CELL, max_size=12), max_size=8))
def test_random_tables_never_crash(header: list[str], body: list[list[str]]) -> None:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(body)
    data = buf.getvalue().encode("utf-8", "surrogatepass")
    try:
        questions = parse_quiz_bank(data, "x.csv")
    except BankError as exc:
        assert exc.problems
        assert all(p.row is None or p.row >= 1 for p in exc.problems)
        return
    for q in questions:
        assert len(q.options) >= 2
        assert q.answer and all(0 <= i < len(q.options) for i in q.answer)
        assert q.points >= 1
