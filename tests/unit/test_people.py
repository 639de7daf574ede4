"""People as they are, without Telegram: the roster's new columns, who is selected for what
after a status change, 党龄 from 转正, and names written as people are addressed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session

from bot.core.care.occasions import CarePerson, medal_list
from bot.core.cn_format import addressed, honorific_after
from storage import branches, people
from storage.db import Database, sqlite_url
from storage.models import Branch, Member
from storage.spreadsheets import RosterError, parse_roster

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)


def xlsx(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ("姓名", "状态", "党员类别", "入党日期", "转正日期")


def test_status_category_and_full_membership_are_read_from_the_roster() -> None:
    rows = parse_roster(
        xlsx(
            HEADER,
            [
                ("王建国", "", "党员", "1970-07-01", "1971-07-01"),
                ("李秀英", "住院", "群众", "", ""),
                ("孙桂芝", "已故 2026-11-20", "党员", "1970-05-18", ""),
                ("陈桂兰", "转出", "预备党员", "2026-01-10", ""),
                ("张伟", "已故（2026年10月3日）", "", "", ""),
            ],
        ),
        "名单.xlsx",
        today=TODAY,
    )
    got = [
        (r.name, r.status, r.status_since, r.party_member, r.probationary, r.confirmed_party)
        for r in rows
    ]
    assert got == [
        ("王建国", None, None, True, False, date(1971, 7, 1)),
        ("李秀英", people.AWAY, None, False, False, None),
        ("孙桂芝", people.DECEASED, date(2026, 11, 20), True, False, None),
        ("陈桂兰", people.MOVED, None, True, True, None),
        ("张伟", people.DECEASED, date(2026, 10, 3), False, False, None),
    ]


def test_an_old_roster_without_the_new_columns_reads_as_before() -> None:
    [row] = parse_roster(
        xlsx(("姓名", "入党日期", "党员"), [("王建国", "1970-07-01", "是")]),
        "名单.xlsx",
        today=TODAY,
    )
    assert (row.status, row.party_member, row.probationary, row.confirmed_party) == (
        None,
        True,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("cells", "says"),
    [
        (("王建国", "出国", "", "", ""), "“状态”"),
        (("王建国", "", "积极分子", "", ""), "“党员类别”"),
        (("王建国", "", "党员", "1971-07-01", "1970-07-01"), "早于入党日期"),
        (("王建国", "", "群众", "", "1970-07-01"), "不是党员"),
        (("王建国", "", "预备党员", "2026-01-01", "2026-06-01"), "预备党员还没有转正"),
        (("王建国", "已故 2030-01-01", "", "", ""), "状态里的日期"),
    ],
)
def test_roster_mistakes_in_the_new_columns_are_refused_by_row(
    cells: tuple[str, ...], says: str
) -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster(xlsx(HEADER, [cells]), "名单.xlsx", today=TODAY)
    [problem] = caught.value.problems
    assert problem.row == 2 and says in problem.message


@pytest.fixture
def session(tmp_path: Path) -> Session:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    s = Session(db.engine)
    branches.create(s, chat_id=-100, title="老干之家", now=NOW)
    s.flush()
    return s


def add(session: Session, name: str, *, party: bool = False) -> Member:
    found = Member(branch_id=1, name=name, joined_at=NOW, party_member=party)
    session.add(found)
    session.flush()
    return found


def names(found: Sequence[Member]) -> set[str]:
    return {m.name for m in found}


def test_each_status_selects_as_the_issue_says(session: Session) -> None:
    wang, li, sun, chen = (add(session, n, party=True) for n in ("王", "李", "孙", "陈"))
    zhou = add(session, "周")  # not a party member
    people.set_status(session, li, people.AWAY, since=TODAY, by=1, source="button", now=NOW)
    people.set_status(
        session, sun, people.DECEASED, since=date(2026, 11, 20), by=1, source="button", now=NOW
    )
    people.set_status(session, chen, people.MOVED, since=TODAY, by=1, source="roster", now=NOW)
    greet = names(people.selected(session, 1, people.Purpose.GREET))
    expect = names(people.selected(session, 1, people.Purpose.EXPECT))
    assert greet == {"王", "李", "周"}  # 住院: greeted; 调离, 已故: not
    assert expect == {"王", "周"}  # 住院: neither reminded nor counted
    # A theme day before they left still counts them.
    earlier = people.selected(session, 1, people.Purpose.EXPECT, as_of=date(2026, 11, 1))
    assert names(earlier) == {"王", "李", "孙", "陈", "周"}
    # 仅党员: 周 is no longer expected.
    branch = session.get(Branch, 1)
    assert branch is not None
    branches.set_option(branch, people.OPT_PARTY_ONLY, True)
    assert names(people.selected(session, 1, people.Purpose.EXPECT)) == {"王"}
    # Gone means out of the branch; writing in the group again does not bring them back.
    assert (sun.active, chen.active, li.active) == (False, False, True)
    branches.set_active(session, 1, 0, True)
    assert people.label(sun) == "已故 2026-11-20" and people.label(wang) == ""
    assert [e.new_status for e in people.log_of(session, 1)] == [
        people.AWAY,
        people.DECEASED,
        people.MOVED,
    ]
    # Setting the same status again writes nothing.
    assert not people.set_status(
        session, li, people.AWAY, since=TODAY, by=1, source="button", now=NOW
    )
    assert zhou.active


def test_gone_members_stay_out_when_they_write_in_the_group_again(session: Session) -> None:
    gone = add(session, "陈")
    gone.user_id = 42
    people.set_status(session, gone, people.MOVED, since=TODAY, by=1, source="button", now=NOW)
    session.flush()
    found = branches.ensure_member(session, branch_id=1, user_id=42, name="陈", now=NOW)
    assert found.id == gone.id and not found.active
    branches.register_members(session, branch_id=1, names={42: "陈"}, now=NOW)
    session.refresh(found)
    assert not found.active


def person(
    name: str, joined: date | None, confirmed: date | None = None, *, probationary: bool = False
) -> CarePerson:
    return CarePerson(
        member_id=len(name),
        name=name,
        user_id=None,
        birth=None,
        joined_party=joined,
        party_member=True,
        confirmed_party=confirmed,
        probationary=probationary,
    )


def test_fifty_years_count_from_full_membership_when_known() -> None:
    everyone = [
        person("转正满50年", date(1975, 6, 1), date(1976, 6, 1)),
        person("入党满50年但转正未满", date(1976, 3, 1), date(1977, 3, 1)),
        person("只知入党", date(1976, 5, 1)),
        person("预备党员", date(1976, 5, 1), probationary=True),
    ]
    found = medal_list(everyone, 2026)
    # In order of 党龄 (the longest first).
    assert [(p.name, p.standing_estimated) for p in found] == [
        ("只知入党", True),
        ("转正满50年", False),
    ]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("赵", "书记", "赵书记"),
        ("赵 ", " 书记", "赵书记"),
        ("王  建国", None, "王建国"),
        ("John", "Smith", "John Smith"),
        ("李", "Li", "李 Li"),
        ("  ", None, "li_user"),
    ],
)
def test_telegram_names_are_tidied(first: str, last: str | None, expected: str) -> None:
    assert branches.full_name(first, last, "li_user", 5) == expected


def test_the_honorific_is_never_doubled() -> None:
    assert addressed("王建国", "同志") == "王建国同志"
    assert addressed("赵书记", "同志") == "赵书记"
    assert addressed("周老师", "同志") == "周老师"
    assert honorific_after("李秀英", "老师") == "老师"
    assert honorific_after("陈主任", "老师") == ""
