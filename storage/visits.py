"""Data access for the record of visits (走访慰问台账): recording a visit, the ledger for a date
range, each member's last visit and visits this year, and the year's figures by kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Member, Visit

# The kinds of visit, in the order the bureau reports them (key → name on the sheets).
KINDS: dict[str, str] = {
    "birthday": "生日祝寿",
    "hospital": "住院探视",
    "festival": "节日走访",
    "hardship": "困难帮扶",
    "condolence": "吊唁慰问",
    "other": "其他",
}


def record(
    session: Session,
    *,
    branch_id: int,
    member_id: int,
    kind: str,
    visited_on: date,
    visitors: str,
    gifts: str,
    amount: int | None,
    notes: str,
    recorded_by: int,
    now: datetime,
) -> Visit:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of visit {kind!r}")
    visit = Visit(
        branch_id=branch_id,
        member_id=member_id,
        kind=kind,
        visited_on=visited_on,
        visitors=visitors,
        gifts=gifts,
        amount=amount,
        notes=notes,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    session.add(visit)
    session.flush()
    return visit


def ledger(
    session: Session, branch_id: int, *, since: date | None = None, until: date | None = None
) -> list[tuple[Visit, Member]]:
    """The visits of a date range (both ends included), oldest first."""
    query = (
        select(Visit, Member)
        .join(Member, col(Member.id) == col(Visit.member_id))
        .where(Visit.branch_id == branch_id)
    )
    if since is not None:
        query = query.where(col(Visit.visited_on) >= since)
    if until is not None:
        query = query.where(col(Visit.visited_on) <= until)
    return list(session.exec(query.order_by(col(Visit.visited_on), col(Visit.id))).all())


def recent(session: Session, branch_id: int, limit: int = 5) -> list[tuple[Visit, Member]]:
    """The latest visits recorded, newest first."""
    query = (
        select(Visit, Member)
        .join(Member, col(Member.id) == col(Visit.member_id))
        .where(Visit.branch_id == branch_id)
        .order_by(col(Visit.visited_on).desc(), col(Visit.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def last_visitors(session: Session, recorded_by: int) -> str | None:
    """Who went on the last visit this person recorded (offered again as a button)."""
    return session.exec(
        select(Visit.visitors)
        .where(Visit.recorded_by == recorded_by, Visit.visitors != "")
        .order_by(col(Visit.id).desc())
    ).first()


@dataclass(frozen=True)
class PersonVisits:
    """One member's line in the per-person summary."""

    member: Member
    last: Visit | None
    this_year: int
    total: int


def per_person(
    session: Session, branch_id: int, members: Sequence[Member], year: int
) -> list[PersonVisits]:
    """For each member (and anyone else visited in the branch): the last visit, the visits in
    `year` and in all; members in the order given, then the others by name."""
    visits = session.exec(
        select(Visit)
        .where(Visit.branch_id == branch_id)
        .order_by(col(Visit.visited_on), col(Visit.id))
    ).all()
    last: dict[int, Visit] = {}
    in_year: dict[int, int] = {}
    total: dict[int, int] = {}
    for visit in visits:
        last[visit.member_id] = visit
        total[visit.member_id] = total.get(visit.member_id, 0) + 1
        if visit.visited_on.year == year:
            in_year[visit.member_id] = in_year.get(visit.member_id, 0) + 1
    listed = [m for m in members if m.id is not None]
    ids = {m.id for m in listed}
    others = [
        m
        for m in session.exec(select(Member).where(col(Member.id).in_(list(total)))).all()
        if m.id not in ids
    ]
    others.sort(key=lambda m: m.name)
    return [
        PersonVisits(m, last.get(m.id or 0), in_year.get(m.id or 0, 0), total.get(m.id or 0, 0))
        for m in [*listed, *others]
    ]


def move_member(session: Session, old_member_id: int, new_member_id: int) -> None:
    """A roster row was merged into the member row of the same person (storage.care.link)."""
    for visit in session.exec(select(Visit).where(Visit.member_id == old_member_id)).all():
        visit.member_id = new_member_id
    session.flush()


@dataclass(frozen=True)
class VisitYear:
    """A branch's visits in a year: how many, by kind (every kind, in report order), how many
    members were visited, and the 慰问金 handed over (yuan)."""

    year: int
    total: int
    by_kind: dict[str, int]  # kind name (生日祝寿 …) → visits
    people: int
    amount: int


def year_figures(session: Session, branch_id: int, year: int) -> VisitYear:
    """The visits made in `year`."""
    rows = session.exec(
        select(Visit.kind, func.count(), func.coalesce(func.sum(Visit.amount), 0))
        .where(
            Visit.branch_id == branch_id,
            col(Visit.visited_on) >= date(year, 1, 1),
            col(Visit.visited_on) <= date(year, 12, 31),
        )
        .group_by(col(Visit.kind))
    ).all()
    counted = {kind: int(n) for kind, n, _ in rows}
    handed: int = sum(int(amount or 0) for _, _, amount in rows)
    people = session.exec(
        select(func.count(func.distinct(Visit.member_id))).where(
            Visit.branch_id == branch_id,
            col(Visit.visited_on) >= date(year, 1, 1),
            col(Visit.visited_on) <= date(year, 12, 31),
        )
    ).one()
    return VisitYear(
        year=year,
        total=sum(counted.values()),
        by_kind={name: counted.get(key, 0) for key, name in KINDS.items()},
        people=int(people),
        amount=handed,
    )
