"""The visit record against a real (temporary) database: the ledger for a date range, each
member's last visit and visits this year, and the year's figures by kind."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from storage import branches, visits
from storage.db import Database, sqlite_url

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


@pytest.fixture
def session(tmp_path: Path) -> Session:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    s = Session(db.engine)
    branches.create(s, chat_id=-100, title="老干之家", now=NOW)
    branches.create(s, chat_id=-200, title="第二支部", now=NOW)
    for user_id, name in ((1, "王建国"), (2, "李秀英"), (3, "陈桂兰")):
        branches.ensure_member(s, branch_id=1, user_id=user_id, name=name, now=NOW)
    branches.ensure_member(s, branch_id=2, user_id=9, name="别的支部", now=NOW)
    s.flush()
    return s


def visit(
    session: Session, member: int, kind: str, day: date, amount: int | None = None, branch: int = 1
) -> None:
    visits.record(
        session,
        branch_id=branch,
        member_id=member,
        kind=kind,
        visited_on=day,
        visitors="孙干事",
        gifts="慰问金" if amount else "慰问品",
        amount=amount,
        notes="",
        recorded_by=1003,
        now=NOW,
    )


def test_the_ledger_of_a_range_and_the_years_figures(session: Session) -> None:
    visit(session, 1, "birthday", date(2026, 3, 12), 500)
    visit(session, 2, "hospital", date(2026, 5, 1))
    visit(session, 2, "hospital", date(2026, 5, 20), 300)
    visit(session, 3, "festival", date(2026, 9, 30))
    visit(session, 1, "festival", date(2025, 12, 31))
    visit(session, 4, "condolence", date(2026, 6, 1), branch=2)

    in_may = visits.ledger(session, 1, since=date(2026, 5, 1), until=date(2026, 5, 31))
    assert [(v.visited_on.day, m.name) for v, m in in_may] == [(1, "李秀英"), (20, "李秀英")]
    assert len(visits.ledger(session, 1)) == 5

    year = visits.year_figures(session, 1, 2026)
    assert year.total == 4 and year.people == 3 and year.amount == 800
    assert year.by_kind == {
        "生日祝寿": 1,
        "住院探视": 2,
        "节日走访": 1,
        "困难帮扶": 0,
        "吊唁慰问": 0,
        "其他": 0,
    }
    assert visits.year_figures(session, 1, 2024).total == 0


def test_each_members_last_visit_and_visits_this_year(session: Session) -> None:
    visit(session, 1, "festival", date(2025, 12, 31))
    visit(session, 1, "birthday", date(2026, 3, 12))
    visit(session, 2, "hospital", date(2026, 5, 1))
    members = branches.members(session, 1)[:2]  # 陈桂兰 no longer listed, never visited
    found = visits.per_person(session, 1, members, 2026)
    assert [(p.member.name, p.this_year, p.total) for p in found] == [
        ("王建国", 1, 2),
        ("李秀英", 1, 1),
    ]
    assert found[0].last is not None and found[0].last.kind == "birthday"


def test_an_unknown_kind_is_refused(session: Session) -> None:
    with pytest.raises(ValueError):
        visit(session, 1, "picnic", date(2026, 1, 1))
