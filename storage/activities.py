"""Data access for activities with sign-up (活动报名): the activities, members' answers, the seats
and the waiting list (候补), attendance, and the year's figures.

Seats count people: a member who brings a family member takes two. The waiting list is kept in
the order members asked to come (`queue_no`, tap order); when seats free up, the first on the
list moves up if their party fits, and nobody behind them jumps ahead (a member waiting with a
family member for two seats keeps their place while one seat stays free).

Answers are idempotent: one row per member and activity, the latest answer stands, and a second
tap of the same answer changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, bindparam, cast, func
from sqlmodel import Session, col, select

from storage import people
from storage.due import Due
from storage.models import Activity, ActivitySignup, Member

GOING = "going"
WAITING = "waiting"
DECLINED = "declined"
NONE = "none"  # never answered; checked in on the day
OPEN = "open"
CANCELLED = "cancelled"

Choice = Literal["yes", "family", "no"]
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


def card_key(activity_id: int) -> str:
    """The send-once key of an activity's card in the group (its outbox row)."""
    return f"activity.card:{activity_id}"


# --- who an activity concerns ------------------------------------------------------------------


def members_invited(session: Session, branch_id: int) -> list[Member]:
    """The members an activity is for: who is counted as not having answered and who gets the
    private notes: 在册 and 住院 members (storage.people), never 调离 or 已故."""
    return people.selected(session, branch_id, people.Purpose.INVITE)


def is_away(member: Member) -> bool:
    """In hospital (住院): shown to admins as 住院中 instead of being reminded."""
    return people.is_away(member)


# --- activities ------------------------------------------------------------------------------


def create(
    session: Session,
    *,
    branch_id: int,
    title: str,
    starts_at: datetime,
    place: str,
    notes: str,
    deadline: datetime,
    capacity: int | None,
    plus_one: bool,
    public_list: bool,
    meet_place: str | None,
    meet_at: datetime | None,
    created_by: int,
    now: datetime,
) -> Activity:
    activity = Activity(
        branch_id=branch_id,
        title=title,
        starts_at=starts_at,
        place=place,
        notes=notes,
        deadline=deadline,
        capacity=capacity,
        plus_one=plus_one,
        public_list=public_list,
        meet_place=meet_place,
        meet_at=meet_at,
        created_by=created_by,
        created_at=now,
    )
    session.add(activity)
    session.flush()
    return activity


def get(session: Session, activity_id: int) -> Activity | None:
    return session.get(Activity, activity_id)


def of_branch(
    session: Session, branch_id: int, *, since: datetime, limit: int = 20
) -> list[Activity]:
    """The branch's activities starting from `since`, soonest first."""
    query = (
        select(Activity)
        .where(Activity.branch_id == branch_id, col(Activity.starts_at) >= since)
        .order_by(col(Activity.starts_at), col(Activity.id))
        .limit(limit)
    )
    return list(session.exec(query))


# Activities with timed work due at `activity_due_by` (an indexed look-up).
ACTIVITY_DUE = Due(
    and_(
        col(Activity.next_due_at).is_not(None),
        col(Activity.next_due_at) <= bindparam("activity_due_by"),
    ),
    "activity_due_by",
)


def due(session: Session, now: datetime, limit: int = 200) -> list[Activity]:
    """Activities with timed work due at `now` (only those)."""
    query = (
        select(Activity).where(ACTIVITY_DUE.where).order_by(col(Activity.next_due_at)).limit(limit)
    )
    return list(session.exec(query, params=ACTIVITY_DUE.at(now)))


# --- answers, seats and the waiting list ---------------------------------------------------------


def size(row: ActivitySignup) -> int:
    """Seats a member's answer takes: one, two with a family member."""
    return 2 if row.family else 1


def fits(capacity: int | None, taken: int, seats: int) -> bool:
    return capacity is None or taken + seats <= capacity


def signup(session: Session, activity_id: int, member_id: int) -> ActivitySignup | None:
    return session.exec(
        select(ActivitySignup).where(
            ActivitySignup.activity_id == activity_id, ActivitySignup.member_id == member_id
        )
    ).first()


def _families() -> Any:
    """How many of the rows bring a family member (a sum over a Boolean column would come back
    as a Boolean: cast it)."""
    return func.coalesce(func.sum(cast(ActivitySignup.family, Integer)), 0)


def seats_taken(session: Session, activity_id: int) -> int:
    members, family = session.exec(
        select(func.count(), _families()).where(
            ActivitySignup.activity_id == activity_id, ActivitySignup.status == GOING
        )
    ).one()
    return int(members) + int(family)


def waiting(session: Session, activity_id: int) -> list[ActivitySignup]:
    """The waiting list, first first."""
    return list(
        session.exec(
            select(ActivitySignup)
            .where(ActivitySignup.activity_id == activity_id, ActivitySignup.status == WAITING)
            .order_by(col(ActivitySignup.queue_no))
        )
    )


def position(session: Session, row: ActivitySignup) -> int:
    """A waiting member's place on the list (1 = next to move up)."""
    ahead = session.exec(
        select(func.count()).where(
            ActivitySignup.activity_id == row.activity_id,
            ActivitySignup.status == WAITING,
            col(ActivitySignup.queue_no) < row.queue_no,
        )
    ).one()
    return int(ahead) + 1


def _next_queue_no(session: Session, activity_id: int) -> int:
    last = session.exec(
        select(func.max(ActivitySignup.queue_no)).where(ActivitySignup.activity_id == activity_id)
    ).one()
    return int(last or 0) + 1


@dataclass
class Answered:
    """What an answer did: the member's row as it now stands, and who moved up the list."""

    row: ActivitySignup
    changed: bool
    promoted: list[ActivitySignup] = field(default_factory=list)
    family_refused: bool = False  # asked to add a family member, and no seat was free


def answer(
    session: Session, activity: Activity, member_id: int, choice: Choice, *, now: datetime
) -> Answered:
    """Record a member's answer (the latest stands) and move the waiting list up if it freed
    seats. The caller has checked that sign-up is open."""
    assert activity.id is not None
    row = signup(session, activity.id, member_id)
    if row is None:
        row = ActivitySignup(activity_id=activity.id, member_id=member_id, status=NONE)
        session.add(row)
    capacity = activity.capacity
    if choice == "no":
        if row.status == DECLINED:
            return Answered(row, changed=False)
        freed = row.status == GOING
        row.status, row.family, row.answered_at = DECLINED, False, now
        session.flush()
        return Answered(row, changed=True, promoted=promote(session, activity) if freed else [])
    family = choice == "family" and activity.plus_one
    if row.status in (GOING, WAITING):
        if row.family == family:
            return Answered(row, changed=False)
        if row.status == GOING and family:
            taken = seats_taken(session, activity.id) - size(row)
            if not fits(capacity, taken, 2):
                return Answered(row, changed=False, family_refused=True)
        row.family, row.answered_at = family, now
        session.flush()
        return Answered(row, changed=True, promoted=promote(session, activity))
    # Asking to come (again): at the end of the list; a seat if one is free and nobody waits.
    row.queue_no = _next_queue_no(session, activity.id)
    row.family, row.answered_at = family, now
    seats = 2 if family else 1
    nobody_waits = not waiting(session, activity.id)
    taken = seats_taken(session, activity.id)
    row.status = GOING if nobody_waits and fits(capacity, taken, seats) else WAITING
    session.flush()
    return Answered(row, changed=True)


def promote(session: Session, activity: Activity) -> list[ActivitySignup]:
    """Move members up from the waiting list, in order, while their party fits."""
    assert activity.id is not None
    taken = seats_taken(session, activity.id)
    moved = []
    for row in waiting(session, activity.id):
        if not fits(activity.capacity, taken, size(row)):
            break
        row.status = GOING
        taken += size(row)
        moved.append(row)
    session.flush()
    return moved


# --- attendance --------------------------------------------------------------------------------


def check_in(session: Session, activity_id: int, member_id: int, *, by: int, now: datetime) -> bool:
    """Mark the member as there; False if they were already. A member who never answered gets
    a row of their own (status "none")."""
    row = signup(session, activity_id, member_id)
    if row is None:
        row = ActivitySignup(activity_id=activity_id, member_id=member_id, status=NONE)
        session.add(row)
    if row.checked_in_at is not None:
        return False
    row.checked_in_at, row.checked_in_by = now, by
    session.flush()
    return True


def undo_check_in(session: Session, activity_id: int, member_id: int) -> None:
    row = signup(session, activity_id, member_id)
    if row is None:
        return
    if row.status == NONE:
        session.delete(row)
    else:
        row.checked_in_at = row.checked_in_by = None
    session.flush()


# --- what the lists show --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """How many answered what: members, and the family members they bring."""

    going: int = 0  # members with a seat
    family: int = 0  # family members coming with them
    waiting: int = 0
    declined: int = 0
    arrived: int = 0  # members checked in

    @property
    def people(self) -> int:
        return self.going + self.family


def tally(session: Session, activity_id: int) -> Tally:
    rows = session.exec(
        select(
            ActivitySignup.status,
            func.count(),
            _families(),
            func.count(col(ActivitySignup.checked_in_at)),
        )
        .where(ActivitySignup.activity_id == activity_id)
        .group_by(col(ActivitySignup.status))
    ).all()
    by = {status: (int(n), int(family), int(arrived)) for status, n, family, arrived in rows}
    return Tally(
        going=by.get(GOING, (0, 0, 0))[0],
        family=by.get(GOING, (0, 0, 0))[1],
        waiting=by.get(WAITING, (0, 0, 0))[0],
        declined=by.get(DECLINED, (0, 0, 0))[0],
        arrived=sum(v[2] for v in by.values()),
    )


def answers(session: Session, activity_id: int) -> list[tuple[ActivitySignup, Member]]:
    """Every answer with its member: going and waiting in list order, then the rest."""
    order = {GOING: 0, WAITING: 1, DECLINED: 2, NONE: 3}
    rows = session.exec(
        select(ActivitySignup, Member)
        .join(Member, col(Member.id) == col(ActivitySignup.member_id))
        .where(ActivitySignup.activity_id == activity_id)
    ).all()
    return sorted(rows, key=lambda r: (order.get(r[0].status, 9), r[0].queue_no, r[1].id or 0))


def signed_up(session: Session, activity_id: int) -> list[tuple[ActivitySignup, Member]]:
    """Those who asked to come (going or waiting), in list order: who hears of a change."""
    return [(s, m) for s, m in answers(session, activity_id) if s.status in (GOING, WAITING)]


def unanswered(session: Session, activity: Activity) -> list[Member]:
    """The invited members who have not answered yet, in roster order."""
    assert activity.id is not None
    answered = set(
        session.exec(
            select(ActivitySignup.member_id).where(
                ActivitySignup.activity_id == activity.id, ActivitySignup.status != NONE
            )
        )
    )
    return [m for m in members_invited(session, activity.branch_id) if m.id not in answered]


def move_member(session: Session, old_member_id: int, new_member_id: int) -> None:
    """A roster row was merged into the member row of the same person (storage.care.link):
    their answers follow, unless the other row answered the same activity itself."""
    taken = set(
        session.exec(
            select(ActivitySignup.activity_id).where(ActivitySignup.member_id == new_member_id)
        )
    )
    for row in session.exec(
        select(ActivitySignup).where(ActivitySignup.member_id == old_member_id)
    ).all():
        if row.activity_id in taken:
            session.delete(row)
        else:
            row.member_id = new_member_id
    session.flush()


# --- the year's figures (for the bureau's annual report) -------------------------------------------


@dataclass(frozen=True)
class ActivityFigures:
    """One activity of the year, as the summary lists it."""

    title: str
    starts_at: datetime
    cancelled: bool
    going: int  # members signed up (with a seat)
    family: int
    arrived: int  # members checked in


@dataclass(frozen=True)
class ActivityYear:
    """A branch's activities in a year: held (not cancelled), sign-ups and attendance in
    person-times (人次); family members apart."""

    year: int
    held: int
    cancelled: int
    signups: int
    family: int
    attended: int
    activities: Sequence[ActivityFigures]


def year_figures(
    session: Session,
    branch_id: int,
    year: int,
    *,
    tz: ZoneInfo = DEFAULT_TZ,
    until: datetime | None = None,
) -> ActivityYear:
    """The activities starting in `year` (branch time), with their counts; with `until`, only
    those that had started by then (a report written mid-year counts what was held)."""
    start = datetime.combine(date(year, 1, 1), time(0, 0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(0, 0), tzinfo=tz).astimezone(UTC)
    if until is not None:
        end = min(end, until)
    found = session.exec(
        select(Activity)
        .where(
            Activity.branch_id == branch_id,
            col(Activity.starts_at) >= start,
            col(Activity.starts_at) < end,
        )
        .order_by(col(Activity.starts_at), col(Activity.id))
    ).all()
    rows = []
    for activity in found:
        assert activity.id is not None
        counted = tally(session, activity.id)
        rows.append(
            ActivityFigures(
                title=activity.title,
                starts_at=activity.starts_at,
                cancelled=activity.status == CANCELLED,
                going=counted.going,
                family=counted.family,
                arrived=counted.arrived,
            )
        )
    held = [r for r in rows if not r.cancelled]
    return ActivityYear(
        year=year,
        held=len(held),
        cancelled=len(rows) - len(held),
        signups=sum(r.going for r in held),
        family=sum(r.family for r in held),
        attended=sum(r.arrived for r in held),
        activities=rows,
    )
