"""Data access for care: the roster on `member` rows, linking roster people to accounts.

A roster person is a `member` row with `on_roster` set; it may have no Telegram account yet
(`user_id` NULL) until it is linked by the roster's id or username, or by "这是我" and an
admin's confirmation. Importing a roster never deletes a row that anything may refer to: rows
are matched and updated in place. People left out of a new roster are kept as they are, or
marked 调离 (off the roster, history kept) when the admin chose so in the import's preview;
never dropped silently.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, func, inspect
from sqlmodel import Session, col, select

from storage import activities, people, visits
from storage.dates import BirthDate, DateError
from storage.models import Branch, Member, OutboxMessage, Person
from storage.spreadsheets import Problem, RosterError, RosterRow

# The branch option naming the branch-local day whose greetings were queued (the daily
# greetings read it first, so their later ticks that day load no member). Whatever could change
# what is due today (a member's birth or party date, a new roster row, a link to an account, the
# care settings) clears it, here, whoever makes the change: the next tick looks again.
GREETED = "care.greeted_on"
# Options that are marks of work done, not settings: changing them changes nothing due.
MARKS = frozenset({GREETED, "care.digest_sent", "care.medal_sent"})
_GREETING_FIELDS = (
    "birth",
    "joined_party",
    "public_birthday",
    "on_roster",
    "user_id",
    "active",
    "branch_id",
    "status",
    "confirmed_party",
)


@event.listens_for(Session, "before_flush")
def _greetings_may_have_changed(session: Session, _context: Any, _instances: Any) -> None:
    # Someone newly seen in the group has no dates: nothing of theirs can be due.
    branch_ids = {
        m.branch_id
        for m in session.new
        if isinstance(m, Member) and (m.birth or m.joined_party is not None)
    }
    for obj in session.dirty:
        if isinstance(obj, Member) and _changed(obj, _GREETING_FIELDS):
            branch_ids.add(obj.branch_id)
        elif isinstance(obj, Branch) and _settings_changed(obj):
            _forget_greeted(obj)
    for branch_id in branch_ids:
        branch = session.get(Branch, branch_id) if branch_id is not None else None
        if branch is not None:
            _forget_greeted(branch)


def _changed(obj: object, fields: Sequence[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _settings_changed(branch: Branch) -> bool:
    history = inspect(branch).attrs["options"].history
    if not history.has_changes() or not history.deleted:
        return False
    before, after = _load(history.deleted[0]), _load(branch.options)
    keys = (set(before) | set(after)) - MARKS
    return any(before.get(k) != after.get(k) for k in keys if k.startswith("care."))


def _forget_greeted(branch: Branch) -> None:
    options = _load(branch.options)
    if GREETED in options:
        del options[GREETED]
        branch.options = json.dumps(options, ensure_ascii=False, sort_keys=True)


def _load(raw: object) -> dict[str, Any]:
    try:
        loaded = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def name_key(name: str) -> str:
    """Names compare ignoring width, spaces and case (as the roster reader does)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def birth_of(member: Member) -> BirthDate | None:
    """The member's birth date, or None if none (or an unreadable one) is stored."""
    if not member.birth:
        return None
    try:
        return BirthDate.from_storage(member.birth)
    except DateError:
        return None


def all_members(session: Session, branch_id: int) -> list[Member]:
    return list(
        session.exec(select(Member).where(Member.branch_id == branch_id).order_by(col(Member.id)))
    )


def roster(session: Session, branch_id: int) -> list[Member]:
    """The branch's roster (rows on it still with the branch: 在册 and 住院), in roster order."""
    return list(
        session.exec(
            select(Member)
            .where(Member.branch_id == branch_id, col(Member.on_roster), people.in_branch())
            .order_by(col(Member.id))
        )
    )


def gone_from_roster(session: Session, branch_id: int) -> list[Member]:
    """Roster people who moved away or passed away (shown to admins after the roster)."""
    return list(
        session.exec(
            select(Member)
            .where(
                Member.branch_id == branch_id,
                col(Member.on_roster),
                col(Member.status).in_(people.GONE),
            )
            .order_by(col(Member.id))
        )
    )


def unlinked(session: Session, branch_id: int) -> list[Member]:
    """Roster rows not yet tied to a Telegram account."""
    return [m for m in roster(session, branch_id) if m.user_id is None]


def get(session: Session, member_id: int) -> Member | None:
    return session.get(Member, member_id)


def user_by_username(session: Session, username: str) -> int | None:
    """The account with this username (Telegram compares usernames ignoring case)."""
    return session.exec(
        select(Person.user_id).where(func.lower(Person.username) == username.casefold())
    ).first()


def set_birth(member: Member, birth: BirthDate) -> None:
    member.birth = birth.to_storage()


# What to do with roster people missing from a new file (the admin chooses in the preview).
KEEP = "keep"  # 保留: they stay on the roster as they are
MARK_MOVED = "moved"  # 标为调离: off the roster, status 调离, history kept


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    linked: int = 0
    unlinked: int = 0
    # On the roster before, not in the new file (kept, or marked 调离).
    missing: list[str] = field(default_factory=list)
    # Whose status the file changed (住院, 已故 …).
    status_changed: list[str] = field(default_factory=list)


def preview_roster(
    session: Session, branch_id: int, rows: Sequence[RosterRow], *, now: datetime, today: date
) -> ImportResult:
    """What importing `rows` would do, changing nothing (RosterError if it can't)."""
    nested = session.begin_nested()
    try:
        return import_roster(session, branch_id, rows, now=now, today=today)
    finally:
        nested.rollback()


def import_roster(
    session: Session,
    branch_id: int,
    rows: Sequence[RosterRow],
    *,
    now: datetime,
    today: date | None = None,
    missing: str = KEEP,
    by: int | None = None,
) -> ImportResult:
    """Make the branch's roster what `rows` say; RosterError (nothing changed) if it can't.

    Each row is matched to an existing member by Telegram id (given, or found from the
    username), then by the username the last roster gave, then by name among roster rows;
    otherwise a new row is added. Empty cells leave what is recorded as it is (a blank 状态
    never brings someone recorded as 住院, 调离 or 已故 back to 在册: only "在册" written does).
    People on the roster missing from `rows` are kept, or marked 调离 (`missing`); every status
    change is logged with `by` (the admin who confirmed).
    """
    today = today or now.date()
    members = all_members(session, branch_id)
    resolved: dict[int, int | None] = {}
    seen_ids: dict[int, int] = {}
    problems: list[Problem] = []
    for row in rows:
        user_id = row.telegram_id
        if user_id is None and row.username is not None:
            user_id = user_by_username(session, row.username)
        if user_id is not None:
            if user_id in seen_ids:
                problems.append(
                    Problem(
                        row.row,
                        f"和第{seen_ids[user_id]}行是同一个 Telegram 账号，请核对用户名和 ID。",
                    )
                )
            seen_ids.setdefault(user_id, row.row)
        resolved[row.row] = user_id
    if problems:
        raise RosterError(problems)

    by_user = {m.user_id: m for m in members if m.user_id is not None}
    used: set[int] = set()
    result = ImportResult()
    for row in rows:
        user_id = resolved[row.row]
        target = by_user.get(user_id) if user_id is not None else None
        if target is None:
            target = _match_unlinked(members, row, user_id, used)
        if target is not None and target.id in used:
            target = None
        if target is None:
            target = Member(branch_id=branch_id, user_id=user_id, name=row.name, joined_at=now)
            session.add(target)
            result.added.append(row.name)
        else:
            if target.user_id is None and user_id is not None:
                target.user_id = user_id
            result.updated.append(row.name)
        _apply(target, row)
        session.flush()
        assert target.id is not None
        used.add(target.id)
        if row.status is not None:
            since = row.status_since or (None if row.status == people.PRESENT else today)
            if (
                people.set_status(
                    session, target, row.status, since=since, by=by, source="roster", now=now
                )
                and row.name not in result.added
            ):
                result.status_changed.append(row.name)
        if target.user_id is None:
            result.unlinked += 1
        else:
            result.linked += 1
    for m in members:
        if m.on_roster and m.id not in used and m.status in people.IN_BRANCH:
            result.missing.append(m.name)
            if missing == MARK_MOVED:
                m.on_roster = False
                people.set_status(
                    session, m, people.MOVED, since=today, by=by, source="roster", now=now
                )
    session.flush()
    return result


def _match_unlinked(
    members: list[Member], row: RosterRow, user_id: int | None, used: set[int]
) -> Member | None:
    def free(m: Member) -> bool:
        return m.id not in used and (m.user_id is None or user_id is None or m.user_id == user_id)

    if row.username is not None:
        wanted = row.username.casefold()
        for m in members:
            if m.username and m.username.casefold() == wanted and free(m):
                return m
    key = name_key(row.name)
    same_name = [m for m in members if m.on_roster and name_key(m.name) == key and free(m)]
    if user_id is not None or row.username is not None:
        # A row that names an account only takes over a same-named row not tied to another.
        same_name = [m for m in same_name if m.user_id is None]
    return same_name[0] if same_name else None


def _apply(member: Member, row: RosterRow) -> None:
    member.name = row.name
    member.on_roster = True
    # In the branch again, unless recorded as moved away or passed away (storage/people.py).
    member.active = member.status in people.IN_BRANCH
    member.party_member = row.party_member
    member.probationary = row.probationary
    if row.confirmed_party is not None:
        member.confirmed_party = row.confirmed_party
    if row.username is not None:
        member.username = row.username
    if row.gender is not None:
        member.gender = row.gender
    if row.birth is not None:
        member.birth = row.birth.to_storage()
    if row.joined_party is not None:
        member.joined_party = row.joined_party
    if row.note:
        member.note = row.note
    if row.phone is not None:
        member.phone = row.phone


def link(session: Session, roster_row: Member, user_id: int) -> Member:
    """Tie an unlinked roster row to an account; returns the member row that now holds both.

    If the account already has its own row in the branch (seen in the group before the roster
    came), that row is kept, since submissions and answers may refer to it; it takes the
    roster's details, and the roster-only row (which nothing can refer to) is removed.
    """
    assert roster_row.user_id is None
    existing = session.exec(
        select(Member).where(Member.branch_id == roster_row.branch_id, Member.user_id == user_id)
    ).first()
    roster_row.claimed_by = None
    if existing is None:
        roster_row.user_id = user_id
        return roster_row
    existing.name = roster_row.name
    existing.on_roster = True
    existing.party_member = roster_row.party_member or existing.party_member
    existing.probationary = roster_row.probationary
    if roster_row.status != people.PRESENT:
        existing.status, existing.status_since = roster_row.status, roster_row.status_since
    existing.active = existing.status in people.IN_BRANCH
    for attr in ("username", "gender", "birth", "joined_party", "phone", "confirmed_party"):
        value = getattr(roster_row, attr)
        if value is not None:
            setattr(existing, attr, value)
    if roster_row.note:
        existing.note = roster_row.note
    if not roster_row.public_birthday:
        existing.public_birthday = False
    # Visits and attendance recorded for the roster row follow the person.
    assert roster_row.id is not None and existing.id is not None
    visits.move_member(session, roster_row.id, existing.id)
    activities.move_member(session, roster_row.id, existing.id)
    session.delete(roster_row)
    session.flush()
    return existing


def link_known_usernames(session: Session, branch_id: int) -> list[Member]:
    """Link unlinked roster rows whose username belongs to an account the bot has now seen."""
    linked = []
    for m in unlinked(session, branch_id):
        if m.username:
            user_id = user_by_username(session, m.username)
            if user_id is not None:
                linked.append(link(session, m, user_id))
    return linked


# --- greetings sent (for the yearly summary) --------------------------------------------

# Outbox kinds of the greetings themselves (not the digests and lists for admins).
GREETING_KINDS = ("care.birthday", "care.anniversary", "care.festival")


@dataclass(frozen=True)
class GreetingSent:
    """One greeting occasion that went out: a birthday greeted in the group and privately is
    one occasion (the outbox dedupe key names it, with ":group"/":private" for the audience)."""

    kind: str  # "birthday" | "anniversary" | "festival"
    occasion: str
    sent_at: datetime


def greetings_sent(
    session: Session, *, branch_id: int, chat_id: int, start: datetime, end: datetime
) -> list[GreetingSent]:
    """The branch's greeting occasions delivered (at least one message sent) in [start, end)."""
    members = {
        str(mid)
        for mid in session.exec(select(Member.id).where(Member.branch_id == branch_id))
        if mid is not None
    }
    rows = session.exec(
        select(OutboxMessage)
        .where(
            col(OutboxMessage.kind).in_(GREETING_KINDS),
            OutboxMessage.status == "sent",
            col(OutboxMessage.created_at) >= start,
            col(OutboxMessage.created_at) < end,
        )
        .order_by(col(OutboxMessage.id))
    )
    found: dict[tuple[str, str], GreetingSent] = {}
    for row in rows:
        if row.kind == "care.festival":
            mine = row.chat_id == chat_id and row.ref == str(branch_id)
        else:
            mine = row.ref in members
        if not mine:
            continue
        kind = row.kind.removeprefix("care.")
        key = row.dedupe_key or f"{row.kind}:{row.ref}:{row.created_at.date()}"
        occasion = key.removesuffix(":group").removesuffix(":private")
        found.setdefault((kind, occasion), GreetingSent(kind, occasion, row.created_at))
    return list(found.values())
