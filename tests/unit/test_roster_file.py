"""Roster uploads: columns and their spellings, dates in every form, and every problem the
checker reports (message and row number). Date wording itself belongs to storage.dates, so for
date errors only the row, the column prefix and the gist are checked here."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from storage.dates import BirthDate, Calendar
from storage.spreadsheets import (
    Problem,
    RosterError,
    RosterRow,
    parse_roster,
    roster_template,
)

TODAY = date(2025, 6, 1)
HEADER = [
    "姓名",
    "Telegram用户名",
    "Telegram ID",
    "性别",
    "出生日期",
    "历法",
    "入党日期",
    "党员",
    "备注",
    "电话",
]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_data(rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([[str(v) for v in r] for r in rows])
    return buf.getvalue().encode(encoding)


def person(**values: object) -> list[object]:
    base: dict[str, object] = {"姓名": "王建国"}
    base.update(values)
    return [base.get(h, "") for h in HEADER]


def parse(*people: Sequence[object], header: Sequence[str] = HEADER) -> list[RosterRow]:
    return parse_roster(xlsx([header, *people]), "名单.xlsx", today=TODAY)


def problems(*people: Sequence[object], header: Sequence[str] = HEADER) -> list[Problem]:
    with pytest.raises(RosterError) as info:
        parse(*people, header=header)
    return info.value.problems


def only(*people: Sequence[object], header: Sequence[str] = HEADER) -> Problem:
    found = problems(*people, header=header)
    assert len(found) == 1, found
    return found[0]


SOLAR_1948 = BirthDate(Calendar.SOLAR, 1948, 3, 12)


# --- good rows ------------------------------------------------------------------------------


def test_full_row() -> None:
    (r,) = parse(
        person(
            Telegram用户名="@wang_jg",
            **{"Telegram ID": 123456789},
            性别="男",
            出生日期="1948-03-12",
            历法="公历",
            入党日期="1970-07-01",
            党员="是",
            备注="老支书",
        )
    )
    assert r == RosterRow(
        row=2,
        name="王建国",
        username="wang_jg",
        telegram_id=123456789,
        gender="男",
        birth=SOLAR_1948,
        joined_party=date(1970, 7, 1),
        party_member=True,
        note="老支书",
    )


def test_only_name_is_required() -> None:
    (r,) = parse(["李秀英"], header=["姓名"])
    assert r == RosterRow(2, "李秀英", None, None, None, None, None, False, "")


@pytest.mark.parametrize(
    "birth",
    [
        "1948-03-12",
        "1948/3/12",
        "1948年3月12日",
        "1948.3.12",
        "19480312",
        date(1948, 3, 12),
        datetime(1948, 3, 12),
        "17604",  # a date cell whose Chinese format openpyxl did not recognise
    ],
)
def test_solar_birth_spellings(birth: object) -> None:
    (r,) = parse(person(出生日期=birth))
    assert r.birth == SOLAR_1948


def test_lunar_birth_from_text_or_calendar_column() -> None:
    lunar = BirthDate(Calendar.LUNAR, 1948, 2, 8)
    rows = parse(
        person(姓名="甲", 出生日期="农历1948年二月初八"),
        person(姓名="乙", 出生日期="1948-02-08", 历法="农历"),
        person(姓名="丙", 出生日期=date(1948, 2, 8), 历法="农历"),
        person(姓名="丁", 出生日期="农历1941年闰六月初十"),
        person(姓名="戊", 出生日期="1948年二月初八", 历法="阴历"),
    )
    assert [r.birth for r in rows[:3]] == [lunar] * 3
    assert rows[3].birth == BirthDate(Calendar.LUNAR, 1941, 6, 10, leap=True)
    assert rows[4].birth == lunar


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Telegram用户名", "username"),
        ("用户名", "username"),
        ("TG用户名", "username"),
        ("tg 用户名", "username"),
        ("Telegram ID", "id"),
        ("TelegramID", "id"),
        ("telegram id", "id"),
        ("TG ID", "id"),
    ],
)
def test_telegram_column_names(header: str, column: str) -> None:
    value = "zhang_san" if column == "username" else "987654321"
    (r,) = parse(["张三", value], header=["姓名", header])
    if column == "username":
        assert r.username == "zhang_san"
    else:
        assert r.telegram_id == 987654321


@pytest.mark.parametrize(
    "raw", ["zhang_san", "@zhang_san", " @zhang_san ", "https://t.me/zhang_san", "t.me/zhang_san"]
)
def test_username_spellings(raw: str) -> None:
    (r,) = parse(person(Telegram用户名=raw))
    assert r.username == "zhang_san"


@pytest.mark.parametrize(
    "raw", [123456789, 123456789.0, "123456789", " 123 456 789 ", "１２３456789"]
)
def test_telegram_id_spellings(raw: object) -> None:
    (r,) = parse(person(**{"Telegram ID": raw}))
    assert r.telegram_id == 123456789


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("男", "男"), ("女", "女"), ("男性", "男"), ("F", "女"), (" 女 ", "女"), ("", None)],
)
def test_gender(raw: str, expected: str | None) -> None:
    assert parse(person(性别=raw))[0].gender == expected


@pytest.mark.parametrize(
    ("member", "joined", "expected"),
    [
        ("是", "1970-07-01", True),
        ("", "1970-07-01", True),  # empty 党员 with a date: a member
        ("", "", False),  # empty both: not a member
        ("否", "", False),
        ("是", "", True),  # member, date unknown
        ("Y", "", True),
        ("√", "", True),
        ("×", "", False),
        (True, "", True),  # Excel TRUE
    ],
)
def test_party_member(member: object, joined: str, expected: bool) -> None:
    (r,) = parse(person(出生日期="1948-03-12", 党员=member, 入党日期=joined))
    assert r.party_member is expected


@pytest.mark.parametrize(
    ("affiliation", "expected"), [("中共党员", True), ("群众", False), ("民革党员", False)]
)
def test_political_affiliation_column(affiliation: str, expected: bool) -> None:
    (r,) = parse(["张三", affiliation], header=["姓名", "政治面貌"])
    assert r.party_member is expected


def test_names_are_cleaned() -> None:
    rows = parse(person(姓名="张　三"), person(姓名=" 欧阳  修 "), person(姓名="Anna  Li"))
    assert [r.name for r in rows] == ["张三", "欧阳修", "Anna Li"]


def test_same_name_told_apart_by_telegram() -> None:
    rows = parse(
        person(姓名="张三", Telegram用户名="zhangsan_a"),
        person(姓名="张三", **{"Telegram ID": 42}),
    )
    assert len(rows) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_roster_in_chinese_encodings(encoding: str) -> None:
    data = csv_data(
        [HEADER, person(出生日期="1948年3月12日", 性别="女", 备注="腿脚不便")], encoding
    )
    (r,) = parse_roster(data, "名单.csv", today=TODAY)
    assert r.birth == SOLAR_1948
    assert r.note == "腿脚不便"


def test_title_row_above_header() -> None:
    data = xlsx([["离退休干部党支部名册"], HEADER, person()])
    (r,) = parse_roster(data, "名单.xlsx", today=TODAY)
    assert r.row == 3


# --- every problem, with its row ------------------------------------------------------------


def test_missing_name_column() -> None:
    p = only(["x"], header=["名称?"])
    assert p == Problem(
        None,
        "表头缺少“姓名”这一列。第一行应写：姓名、Telegram用户名、Telegram ID、性别、出生日期、"
        "历法、入党日期、党员、备注、电话、状态、党员类别、转正日期（只有姓名必填）。",
    )


def test_empty_roster() -> None:
    assert only(header=HEADER) == Problem(None, "名单里还没有人，请在表头下面每行填写一位同志。")


def test_unreadable_file() -> None:
    with pytest.raises(RosterError) as info:
        parse_roster(b"\x80\xff\x81\x30\xff", "名单.csv", today=TODAY)
    assert info.value.problems[0].row is None
    assert "编码无法识别" in info.value.problems[0].message


def test_unsupported_extension() -> None:
    with pytest.raises(RosterError) as info:
        parse_roster(b"x", "名单.docx", today=TODAY)
    assert ".xlsx" in info.value.describe()


def test_empty_name() -> None:
    assert only(person(), person(姓名="", 性别="男")) == Problem(3, "姓名是空的。")


def test_impossible_date() -> None:
    p = only(person(出生日期="1948-02-30"))
    assert p.row == 2
    assert p.message.startswith("出生日期：")
    assert "2月没有30日" in p.message


def test_unreadable_date() -> None:
    p = only(person(出生日期="四八年春天"))
    assert p.row == 2
    assert p.message.startswith("出生日期：看不懂日期")


def test_lunar_date_that_does_not_exist() -> None:
    p = only(person(出生日期="农历1948年闰二月初一"))
    assert p.row == 2
    assert p.message.startswith("出生日期：")
    assert "没有闰二月" in p.message


def test_lunar_day_thirty_in_a_short_month() -> None:
    p = only(person(出生日期="农历1950年腊月三十"))
    assert "只有29天" in p.message


def test_future_birth_date() -> None:
    p = only(person(出生日期="2030-01-01"))
    assert p.row == 2
    assert "之后" in p.message


def test_future_join_date() -> None:
    p = only(person(出生日期="1948-03-12", 入党日期="2026-07-01"))
    assert p.row == 2
    assert p.message.startswith("入党日期：")
    assert "之后" in p.message


def test_calendar_conflict() -> None:
    p = only(person(出生日期="农历1948年二月初八", 历法="公历"))
    assert p.row == 2
    assert p.message.startswith("出生日期：历法一栏写的是公历")


def test_bad_calendar() -> None:
    assert only(person(出生日期="1948-03-12", 历法="阳光")) == Problem(
        2, "历法“阳光”看不懂，请填“公历”或“农历”（不填按公历）。"
    )


def test_joined_before_birth() -> None:
    p = only(person(出生日期="1948-03-12", 入党日期="1947-07-01"))
    assert p == Problem(2, "入党日期（1947年7月1日）早于出生日期（1948年3月12日），请核对。")


def test_joined_before_fourteen() -> None:
    p = only(person(出生日期="1948-03-12", 入党日期="1962-03-11"))
    assert p == Problem(2, "入党时还不满14岁（出生于1948年3月12日，入党于1962年3月11日），请核对。")
    [on_the_day] = parse(person(出生日期="1948-03-12", 入党日期="1962-03-12"))  # 14th birthday
    assert on_the_day.joined_party == date(1962, 3, 12)


def test_joined_before_fourteen_with_lunar_birthday() -> None:
    # 农历1948年二月初八 is 1948-03-18 on the solar calendar.
    p = only(person(出生日期="农历1948年二月初八", 入党日期="1962-03-17"))
    assert p.message.startswith("入党时还不满14岁（出生于农历1948年二月初八")
    [on_the_day] = parse(person(出生日期="农历1948年二月初八", 入党日期="1962-03-18"))
    assert on_the_day.joined_party == date(1962, 3, 18)


def test_joined_with_party_member_no() -> None:
    p = only(person(入党日期="1970-07-01", 党员="否"))
    assert p == Problem(2, "填了入党日期，但“党员”一栏是“否”，请核对。")


@pytest.mark.parametrize("joined", ["农历1970年六月初一", "1970年7月", "1970.07"])
def test_join_date_must_be_a_full_solar_date(joined: str) -> None:
    p = only(person(入党日期=joined))
    assert p.row == 2
    assert p.message.startswith("入党日期“")


def test_bad_party_member_value() -> None:
    assert only(person(党员="也许")) == Problem(
        2, "“党员”一栏“也许”看不懂，请填“是”或“否”（不填时，有入党日期算党员）。"
    )


@pytest.mark.parametrize("raw", ["abc", "-5", "0", "12.5", "12a", str(2**60)])
def test_bad_telegram_id(raw: object) -> None:
    assert only(person(**{"Telegram ID": raw})) == Problem(
        2, f"Telegram ID“{raw}”不对，应是一串正整数（不知道可以不填）。"
    )


def test_telegram_id_in_scientific_notation() -> None:
    p = only(person(**{"Telegram ID": "1.23457E+11"}))
    assert "科学计数法" in p.message


@pytest.mark.parametrize("raw", ["张三", "ab", "a b c d", "_abcde", "abc-de", "@"])
def test_bad_username(raw: str) -> None:
    p = only(person(Telegram用户名=raw))
    assert p == Problem(
        2,
        f"Telegram用户名“{raw}”不对：用户名由英文字母开头，4到32位字母、数字或下划线（不知道可以不填）。",
    )


def test_username_that_is_an_id() -> None:
    p = only(person(Telegram用户名="123456789"))
    assert p.message.endswith("像是 Telegram ID，请填到“Telegram ID”一栏。")


def test_bad_gender() -> None:
    assert only(person(性别="未知")) == Problem(2, "性别“未知”看不懂，请填“男”或“女”（可以不填）。")


def test_duplicate_name_without_telegram_names_both_rows() -> None:
    found = problems(
        person(姓名="张三"), person(姓名="李四"), person(姓名="张 三", Telegram用户名="zs_abc")
    )
    assert found == [
        Problem(
            4,
            "姓名“张三”和第2行重复。如果是两位同名的同志，请填写各自的 Telegram 用户名或 ID 以便区分；"
            "如果是同一位，请删掉一行。",
        )
    ]


def test_duplicate_telegram_id_and_username() -> None:
    found = problems(
        person(姓名="甲", Telegram用户名="Same_Name", **{"Telegram ID": 42}),
        person(姓名="乙", Telegram用户名="same_name"),
        person(姓名="丙", **{"Telegram ID": "42"}),
    )
    assert found == [
        Problem(3, "Telegram用户名“same_name”和第2行重复。"),
        Problem(4, "Telegram ID 42 和第2行重复。"),
    ]


def test_duplicate_column() -> None:
    found = problems(["张三", "李四"], header=["姓名", "名字"])
    assert found == [Problem(None, "表头里有两列都是“姓名”（A列和B列），请只保留一列。")]


def test_every_problem_at_once_and_nothing_imported() -> None:
    found = problems(
        person(姓名="好人", 出生日期="1950-01-01"),
        person(姓名="", 出生日期="1948-02-30", **{"Telegram ID": "x"}),
        person(姓名="坏日期", 入党日期="1970-07-01", 党员="否", 性别="?"),
    )
    assert [p.row for p in found] == [3, 3, 3, 4, 4]
    assert found[0] == Problem(3, "姓名是空的。")


def test_more_than_max_members() -> None:
    rows = [person(姓名=f"同志{i}") for i in range(1001)]
    p = only(*rows)
    assert p == Problem(None, "名单超过了1000人，一次最多导入1000人，请分成几个文件。")


def test_describe_heading() -> None:
    with pytest.raises(RosterError) as info:
        parse(person(性别="?"))
    assert info.value.describe().splitlines() == [
        "名单里有1处需要修改，改好后请再发一次：",
        "第2行：性别“?”看不懂，请填“男”或“女”（可以不填）。",
    ]


# --- phone ----------------------------------------------------------------------------------


def test_phone_numbers_are_kept_as_written() -> None:
    rows = parse(
        person(姓名="王建国", 电话="138 1234 5678"),
        person(姓名="李秀英", 电话="0571-87654321，13900001111"),
        person(姓名="陈桂兰"),
    )
    assert [r.phone for r in rows] == ["138 1234 5678", "0571-87654321,13900001111", None]


def test_a_phone_column_may_be_called_手机号() -> None:
    [row] = parse(["王建国", "13812345678"], header=["姓名", "手机号"])
    assert row.phone == "13812345678"


@pytest.mark.parametrize("bad", ["李秀英", "1948-03-12x", "123", "1" * 41])
def test_a_phone_that_is_not_a_number_is_reported(bad: str) -> None:
    problem = only(person(电话=bad))
    assert (
        problem.row == 2 and problem.message.startswith("电话") and "13812345678" in problem.message
    )


# --- template -------------------------------------------------------------------------------


def test_template_parses_back() -> None:
    data = roster_template()
    rows = parse_roster(data, "名单模板.xlsx", today=TODAY)
    assert [r.birth.calendar if r.birth else None for r in rows] == [
        Calendar.SOLAR,
        Calendar.LUNAR,
    ]
    assert [r.party_member for r in rows] == [True, False]
    assert all(r.username is None and r.telegram_id is None for r in rows)
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in ws[1]] == [*HEADER, "状态", "党员类别", "转正日期"]
    assert all(c.font.bold for c in ws[1])
    assert ws["C2"].number_format == "@"  # Telegram ID typed as text, not 1.23E+09


# --- never crash ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", ""]))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    try:
        parse_roster(data, name, today=TODAY)
    except RosterError as exc:
        assert exc.problems


CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "张三",
            "1948-03-12",
            "农历1948年二月初八",
            "1948-02-30",
            "是",
            "否",
            "男",
            "农历",
            "公历",
            "42",
            "-1",
            "@abcde",
            "1970-07-01",
            "2099-01-01",
            "二月初八",
            "17604",
            "农历1948年闰二月初一",
            "1.5E+10",
            "腊月三十",
        ]
    ),
    st.text(max_size=10),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.sampled_from([*HEADER, "", "序号", "政治面貌", "用户名"]), max_size=10),
    body=st.lists(st.lists(CELL, max_size=10), max_size=6),
)
def test_random_tables_never_crash(header: list[str], body: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *body])
    try:
        rows = parse_roster(buf.getvalue().encode("utf-8", "surrogatepass"), "x.csv", today=TODAY)
    except RosterError as exc:
        assert exc.problems
        return
    for r in rows:
        assert r.name
        assert r.telegram_id is None or r.telegram_id > 0


def test_a_bare_id_column_is_not_taken_for_telegram_ids() -> None:
    (r,) = parse([1, "张三"], header=["ID", "姓名"])
    assert r.telegram_id is None
