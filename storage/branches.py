"""Data access for branches, the people the bot has seen, and branch members."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage.models import Branch, Member, Person

T = TypeVar("T")
Names = tuple[str, str | None, str | None]  # first name, last name, username


def by_chat(session: Session, chat_id: int) -> Branch | None:
    return session.exec(select(Branch).where(Branch.chat_id == chat_id)).first()


def active_id_of(session: Session, chat_id: int) -> int | None:
    """The id of the active branch of this group, if it is one (without building the row)."""
    row = session.connection().execute(_ACTIVE_ID, {"chat_id": chat_id}).first()
    return None if row is None or row[0] is None else int(row[0])


_ACTIVE_ID = sa_select(col(Branch.id)).where(
    col(Branch.chat_id) == bindparam("chat_id"), col(Branch.active)
)


def get(session: Session, branch_id: int) -> Branch | None:
    return session.get(Branch, branch_id)


def create(session: Session, *, chat_id: int, title: str, now: datetime) -> tuple[Branch, bool]:
    """Make the group a branch; returns (branch, created). Re-activates a removed one."""
    branch = by_chat(session, chat_id)
    if branch is not None:
        created = not branch.active
        branch.active = True
        branch.title = title
        return branch, created
    branch = Branch(chat_id=chat_id, title=title, created_at=now)
    session.add(branch)
    session.flush()
    return branch, True


def active(session: Session) -> list[Branch]:
    return list(session.exec(select(Branch).where(col(Branch.active)).order_by(col(Branch.id))))


# Basic groups have ids above -10**12; supergroups (and channels) start at -100…, below it.
_SUPERGROUP_IDS_BELOW = -1_000_000_000_000


def is_basic_group(chat_id: int) -> bool:
    """A basic group's id (Telegram may upgrade it to a supergroup, under a new id)."""
    return _SUPERGROUP_IDS_BELOW < chat_id < 0


def basic_groups(session: Session, limit: int = 20) -> list[Branch]:
    """Branches in a basic group, newest first: any of them may have been upgraded without the
    bot hearing of it (it was offline for more than a day)."""
    query = (
        select(Branch)
        .where(col(Branch.chat_id) < 0, col(Branch.chat_id) > _SUPERGROUP_IDS_BELOW)
        .order_by(col(Branch.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def migrate_chat(session: Session, old_chat_id: int, new_chat_id: int) -> Branch | None:
    """The group `old_chat_id` became the supergroup `new_chat_id`: its branch follows it.

    Returns the branch now at `new_chat_id` (None if neither id has one). Safe to repeat. If the
    new group was already set up as a branch of its own before the bot learnt of the upgrade
    (older versions allowed that), the branch with the history wins the new id and the other one
    is parked, switched off, at the old one (a switched-off branch never displaces another).
    """
    branch = by_chat(session, old_chat_id)
    there = by_chat(session, new_chat_id)
    if branch is None or (there is not None and not branch.active):
        return there
    if there is not None:
        there.chat_id = 0  # chat ids are unique: free the new id first (0 is no chat's id)
        there.active = False
        session.flush()
    branch.chat_id = new_chat_id
    session.flush()
    if there is not None:
        there.chat_id = old_chat_id
        session.flush()
    return branch


def deactivate_chat(session: Session, chat_id: int) -> None:
    session.execute(update(Branch).where(col(Branch.chat_id) == chat_id).values(active=False))


# --- people -----------------------------------------------------------------------------


def person(session: Session, user_id: int) -> Person | None:
    return session.get(Person, user_id)


def upsert_person(
    session: Session,
    *,
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    now: datetime,
    private: bool = False,
) -> Person:
    """Record what Telegram says about a person; a private message proves they started us."""
    found = session.get(Person, user_id)
    if found is None:
        found = Person(
            user_id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            private_started=private,
            updated_at=now,
        )
        session.add(found)
        return found
    if (found.first_name, found.last_name) != (first_name, last_name):
        rename_members(session, user_id, full_name(first_name, last_name, username, user_id))
    found.first_name, found.last_name, found.username = first_name, last_name, username
    if private:
        found.private_started = True
        found.unreachable_at = None
    found.updated_at = now
    return found


def names_of(
    session: Session, user_ids: list[int]
) -> dict[int, tuple[str, str | None, str | None]]:
    """(first name, last name, username) of these people, as last recorded."""
    if not user_ids:
        return {}
    rows = session.connection().execute(_NAMES, {"user_ids": user_ids})
    return {int(uid): (first, last, username) for uid, first, last, username in rows}


# Statements built once: they run for every newcomer (building them cost more than running).
_NAMES = sa_select(
    col(Person.user_id), col(Person.first_name), col(Person.last_name), col(Person.username)
).where(col(Person.user_id).in_(bindparam("user_ids", expanding=True)))
_PEOPLE = insert(Person)
_UPSERT_PEOPLE = _PEOPLE.on_conflict_do_update(
    index_elements=["user_id"],
    set_={
        "first_name": _PEOPLE.excluded.first_name,
        "last_name": _PEOPLE.excluded.last_name,
        "username": _PEOPLE.excluded.username,
        "updated_at": _PEOPLE.excluded.updated_at,
    },
)
# Someone writing in the group is in the branch again, unless recorded as moved away or
# passed away (storage/people.py; a family member may still use the account).
_REGISTER = insert(Member).on_conflict_do_update(
    index_elements=["branch_id", "user_id"],
    set_={"active": True},
    # Two comparisons, not NOT IN: an expanding IN cannot run as executemany.
    where=(col(Member.status) != "moved") & (col(Member.status) != "deceased"),
)


def upsert_people(
    session: Session,
    people: dict[int, tuple[str, str | None, str | None]],
    *,
    recorded: dict[int, tuple[str, str | None, str | None]],
    now: datetime,
) -> None:
    """Record many people's names at once (`recorded`: what the database held before, from
    `names_of`); a rename reaches their unlinked member rows as with `upsert_person`."""
    if not people:
        return
    session.connection().execute(
        _UPSERT_PEOPLE,
        [
            {
                "user_id": user_id,
                "first_name": first,
                "last_name": last,
                "username": username,
                "private_started": False,
                "updated_at": now,
            }
            for user_id, (first, last, username) in people.items()
        ],
    )
    for user_id, (first, last, username) in people.items():
        before = recorded.get(user_id)
        if before is not None and before[:2] != (first, last):
            rename_members(session, user_id, full_name(first, last, username, user_id))


def full_name(first_name: str, last_name: str | None, username: str | None, user_id: int) -> str:
    """How a member seen in Telegram is named (as `handlers.common.display_name`): the name
    tidied, so "赵 书记" reads "赵书记" (Chinese names take no space; Latin ones keep one)."""
    name = " ".join(f"{first_name} {last_name or ''}".split())
    name = _CJK_GAP.sub("", name)
    return name or (username or str(user_id))


_CJK = "\u2e80-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def rename_members(session: Session, user_id: int, name: str) -> None:
    """A person renamed themselves in Telegram: their member rows take the new name from now
    on, except rows linked to the roster, whose name stays the name of record."""
    session.execute(
        update(Member)
        .where(col(Member.user_id) == user_id, ~col(Member.on_roster), col(Member.name) != name)
        .values(name=name)
    )


def mark_unreachable(session: Session, user_id: int, *, when: datetime) -> None:
    found = session.get(Person, user_id)
    if found is not None:
        found.unreachable_at = when
        found.private_started = False


def reachable_privately(session: Session, user_ids: list[int]) -> set[int]:
    """Which of these people can get a private message (started the bot, not blocked)."""
    if not user_ids:
        return set()
    rows = session.exec(
        select(Person.user_id).where(
            col(Person.user_id).in_(user_ids),
            col(Person.private_started),
            col(Person.unreachable_at).is_(None),
        )
    )
    return set(rows)


# --- members ----------------------------------------------------------------------------


def member(session: Session, branch_id: int, user_id: int) -> Member | None:
    return session.exec(
        select(Member).where(Member.branch_id == branch_id, Member.user_id == user_id)
    ).first()


def ensure_member(
    session: Session, *, branch_id: int, user_id: int, name: str, now: datetime
) -> Member:
    """The member for this account in this branch, registering them on first sight."""
    found = member(session, branch_id, user_id)
    if found is None:
        found = Member(branch_id=branch_id, user_id=user_id, name=name, joined_at=now)
        session.add(found)
        session.flush()
    elif not found.active and found.status not in ("moved", "deceased"):
        found.active = True
    return found


def register_members(
    session: Session, *, branch_id: int, names: dict[int, str], now: datetime
) -> None:
    """Many accounts as active members of the branch at once ({user id: name}): new rows for
    newcomers, inactive ones active again (as `ensure_member` does one at a time)."""
    if not names:
        return
    session.connection().execute(
        _REGISTER,
        [
            {
                "branch_id": branch_id,
                "user_id": user_id,
                "name": name,
                "joined_at": now,
                "party_member": False,
                "active": True,
            }
            for user_id, name in names.items()
        ],
    )


def set_active(session: Session, branch_id: int, user_id: int, active: bool) -> None:
    found = member(session, branch_id, user_id)
    if found is not None and (not active or found.status not in ("moved", "deceased")):
        found.active = active


def members(session: Session, branch_id: int, *, only_active: bool = True) -> list[Member]:
    """The branch's members in roster order; `only_active`: those still in the branch (in its
    group, and not recorded as 调离 or 已故: see storage/people.py)."""
    query = select(Member).where(Member.branch_id == branch_id)
    if only_active:
        query = query.where(col(Member.active), col(Member.status).not_in(("moved", "deceased")))
    return list(session.exec(query.order_by(col(Member.id))))


def branches_of(session: Session, user_id: int) -> list[Branch]:
    """The active branches this account is a member of."""
    query = (
        select(Branch)
        .join(Member, col(Member.branch_id) == col(Branch.id))
        .where(Member.user_id == user_id, col(Member.active), col(Branch.active))
        .order_by(col(Branch.id))
    )
    return list(session.exec(query))


def removed_of(session: Session, user_id: int | None) -> list[Branch]:
    """Branches switched off because the bot left their group: those this account is a member
    of, or (user_id None) all of them."""
    query = select(Branch).where(col(Branch.active).is_(False))
    if user_id is not None:
        query = query.join(Member, col(Member.branch_id) == col(Branch.id)).where(
            Member.user_id == user_id, col(Member.active)
        )
    return list(session.exec(query.order_by(col(Branch.id))))


# --- per-branch options -----------------------------------------------------------------


def options(branch: Branch) -> dict[str, Any]:
    loaded = json.loads(branch.options or "{}")
    return loaded if isinstance(loaded, dict) else {}


def option(branch: Branch, key: str, default: T) -> T:
    """One per-branch choice, or `default` when the admin never set it."""
    value = options(branch).get(key, default)
    return value if isinstance(value, type(default)) or default is None else default


def set_option(branch: Branch, key: str, value: object) -> None:
    values = options(branch)
    values[key] = value
    branch.options = json.dumps(values, ensure_ascii=False, sort_keys=True)
