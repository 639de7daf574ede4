"""Roster import and linking against a real (temporary) database, without Telegram."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage import branches
from storage import care as care_db
from storage.dates import BirthDate, Calendar
from storage.db import Database, sqlite_url
from storage.models import Member
from storage.spreadsheets import RosterError, RosterRow

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def row(n: int, name: str, **kw: object) -> RosterRow:
    values: dict[str, object] = {
        "username": None,
        "telegram_id": None,
        "gender": None,
        "birth": None,
        "joined_party": None,
        "party_member": False,
        "note": "",
    }
    values.update(kw)
    return RosterRow(row=n, name=name, **values)  # type: ignore[arg-type]


@pytest.fixture
def session(tmp_path: Path) -> Session:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    s = Session(db.engine)
    branches.create(s, chat_id=-100, title="老干之家", now=NOW)
    branches.upsert_person(
        s, user_id=7, first_name="刘", last_name=None, username="Liu_Laoshi", now=NOW
    )
    s.flush()
    return s


def test_a_username_and_an_id_naming_one_account_are_refused_and_nothing_changes(
    session: Session,
) -> None:
    rows = [row(2, "刘志刚", username="liu_laoshi"), row(3, "刘二", telegram_id=7)]
    with pytest.raises(RosterError) as caught:
        care_db.import_roster(session, 1, rows, now=NOW)
    assert "第3行" in caught.value.describe()
    assert session.exec(select(Member)).all() == []


def test_same_names_told_apart_by_account_stay_two_people(session: Session) -> None:
    birth = BirthDate(Calendar.SOLAR, 1950, 1, 1)
    rows = [row(2, "王芳", telegram_id=7, birth=birth), row(3, "王芳", username="wang_fang2")]
    result = care_db.import_roster(session, 1, rows, now=NOW)
    assert (len(result.added), result.linked, result.unlinked) == (2, 1, 1)
    again = care_db.import_roster(session, 1, rows, now=NOW)
    assert (len(again.added), len(again.updated)) == (0, 2)
    assert len(session.exec(select(Member)).all()) == 2


def test_linking_merges_into_the_row_the_account_already_has(session: Session) -> None:
    seen = branches.ensure_member(session, branch_id=1, user_id=9, name="小陈", now=NOW)
    care_db.import_roster(
        session, 1, [row(2, "陈桂兰", joined_party=date(1970, 7, 1), party_member=True)], now=NOW
    )
    [listed] = care_db.unlinked(session, 1)
    kept = care_db.link(session, listed, 9)
    assert kept.id == seen.id and kept.name == "陈桂兰" and kept.on_roster
    assert kept.joined_party == date(1970, 7, 1) and kept.party_member
    assert len(session.exec(select(Member)).all()) == 1


def test_a_roster_username_links_once_the_account_is_seen(session: Session) -> None:
    care_db.import_roster(session, 1, [row(2, "赵", username="zhao_new")], now=NOW)
    assert care_db.link_known_usernames(session, 1) == []
    branches.upsert_person(
        session, user_id=11, first_name="赵", last_name=None, username="ZHAO_new", now=NOW
    )
    [linked] = care_db.link_known_usernames(session, 1)
    assert linked.user_id == 11


def test_the_roster_phone_is_kept_and_an_empty_cell_keeps_it(session: Session) -> None:
    care_db.import_roster(session, 1, [row(2, "王建国", phone="13812345678")], now=NOW)
    care_db.import_roster(session, 1, [row(2, "王建国")], now=NOW)
    [member] = care_db.roster(session, 1)
    assert member.phone == "13812345678"


def test_visits_and_attendance_of_a_roster_row_follow_it_when_it_is_linked(
    session: Session,
) -> None:
    from storage import activities, visits

    seen = branches.ensure_member(session, branch_id=1, user_id=9, name="小陈", now=NOW)
    care_db.import_roster(session, 1, [row(2, "陈桂兰", phone="0571-1234567")], now=NOW)
    [listed] = care_db.unlinked(session, 1)
    assert listed.id is not None and seen.id is not None
    visits.record(
        session,
        branch_id=1,
        member_id=listed.id,
        kind="hospital",
        visited_on=date(2026, 11, 20),
        visitors="孙干事",
        gifts="慰问品",
        amount=None,
        notes="",
        recorded_by=1003,
        now=NOW,
    )
    outing = activities.create(
        session,
        branch_id=1,
        title="秋游",
        starts_at=NOW,
        place="红旗村",
        notes="",
        deadline=NOW,
        capacity=None,
        plus_one=False,
        public_list=False,
        meet_place=None,
        meet_at=None,
        created_by=1001,
        now=NOW,
    )
    assert outing.id is not None
    activities.check_in(session, outing.id, listed.id, by=1001, now=NOW)
    kept = care_db.link(session, listed, 9)
    assert kept.id == seen.id and kept.phone == "0571-1234567"
    [(_, member)] = visits.ledger(session, 1)
    assert member.id == seen.id
    assert activities.tally(session, outing.id).arrived == 1
    assert activities.signup(session, outing.id, seen.id) is not None
