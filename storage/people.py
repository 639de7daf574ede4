"""People as they are: a member's status, and the one place that decides who is selected.

Statuses (`Member.status`): 在册 "present", 住院/休养 "away" (temporarily away: greetings
continue, no reminders, not counted as owing a reflection, suggested for a visit), 调离/转出
"moved" and 已故 "deceased" (nothing more is sent to or about them; their rows and history
stay under their name). `Member.active` ("in the branch") is cleared with 调离/已故 and set again
only by a status change back (see the `Member` docstring).

Every feature that picks people asks `selected(session, branch_id, purpose)`: greetings and
anniversaries, the 50-year list, /upcoming and the Monday digest (GREET), reminders and "who
has not submitted" (EXPECT: the branch's 仅党员 choice applies), quiz non-participants and
activity invitations (INVITE), exports of members (LISTED: also shows 已故 respectfully).

Pure data access: no Telegram, nothing above storage.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from storage import branches
from storage.models import Branch, Member, MemberStatusLog

PRESENT = "present"
AWAY = "away"
MOVED = "moved"
DECEASED = "deceased"
STATUSES = (PRESENT, AWAY, MOVED, DECEASED)
# Still with the branch: greeted, listed, invited.
IN_BRANCH = (PRESENT, AWAY)
# Gone: nothing is sent to or about them.
GONE = (MOVED, DECEASED)

# The words a roster file or an admin may use for each status.
WORDS: dict[str, str] = {
    "在册": PRESENT,
    "正常": PRESENT,
    "住院": AWAY,
    "休养": AWAY,
    "住院/休养": AWAY,
    "调离": MOVED,
    "转出": MOVED,
    "调离/转出": MOVED,
    "已故": DECEASED,
    "去世": DECEASED,
    "病故": DECEASED,
}
# How each status is written (in lists, the roster template, the log).
LABELS: dict[str, str] = {PRESENT: "在册", AWAY: "住院", MOVED: "调离", DECEASED: "已故"}

# Branch option (bot/core/branch_settings.py shows it): theme-day reflections are expected
# from party members only (False: from every member, the branch's usual practice).
OPT_PARTY_ONLY = "reflect_party_only"


class Purpose(Enum):
    """What people are being selected for."""

    GREET = "greet"  # birthdays, anniversaries, the 50-year list, /upcoming, the digest
    EXPECT = "expect"  # owe a theme-day reflection: reminded, counted 未交
    INVITE = "invite"  # quiz non-participants, activity invitations
    LISTED = "listed"  # admin lists and exports: everyone still in the branch


def party_only(branch: Branch | None) -> bool:
    return branch is not None and branches.option(branch, OPT_PARTY_ONLY, False) is True


def in_branch() -> ColumnElement[bool]:
    """SQL condition: the member is still with the branch (在册 or 住院, and in it)."""
    return and_(col(Member.active), col(Member.status).in_(IN_BRANCH))


def expected_clause(as_of: date | None, *, party: bool) -> ColumnElement[bool]:
    """SQL condition: the member owes a reflection for a theme day held on `as_of` (None:
    today). A status that changed after that day does not rewrite the past: someone who left
    or passed away later was still expected then (the ledger keeps their row)."""
    present = and_(col(Member.active), col(Member.status) == PRESENT)
    if as_of is None:
        cond: ColumnElement[bool] = present
    else:
        cond = or_(
            present,
            and_(col(Member.status) != PRESENT, col(Member.status_since) > as_of),
        )
    if party:
        cond = and_(cond, col(Member.party_member))
    return cond


def selected(
    session: Session,
    branch_id: int,
    purpose: Purpose,
    *,
    joined_by: datetime | None = None,
    as_of: date | None = None,
) -> list[Member]:
    """The branch's members selected for `purpose`, in roster order."""
    query = select(Member).where(Member.branch_id == branch_id)
    if purpose is Purpose.EXPECT:
        branch = branches.get(session, branch_id)
        query = query.where(expected_clause(as_of, party=party_only(branch)))
    else:
        query = query.where(in_branch())
    if joined_by is not None:
        query = query.where(col(Member.joined_at) <= joined_by)
    return list(session.exec(query.order_by(col(Member.id))))


def is_away(member: Member) -> bool:
    return member.status == AWAY


def is_gone(member: Member) -> bool:
    return member.status in GONE


def may_receive(member: Member) -> bool:
    """Whether anything may be sent to or about this member (not 调离, not 已故, in the branch)."""
    return member.active and member.status in IN_BRANCH


def label(member: Member) -> str:
    """How an admin list shows the status: "" for 在册, "住院", "调离", "已故 2026-11-20"."""
    if member.status == PRESENT:
        return ""
    text = LABELS.get(member.status, member.status)
    if member.status == DECEASED and member.status_since is not None:
        return f"{text} {member.status_since.isoformat()}"
    return text


def set_status(
    session: Session,
    member: Member,
    status: str,
    *,
    since: date | None,
    by: int | None,
    source: str,
    now: datetime,
) -> bool:
    """Change a member's status and log it; False (nothing written) if it is already that."""
    assert status in STATUSES
    assert member.id is not None
    if member.status == status and (status != DECEASED or member.status_since == since):
        return False
    session.add(
        MemberStatusLog(
            member_id=member.id,
            branch_id=member.branch_id,
            old_status=member.status,
            new_status=status,
            since=since,
            changed_by=by,
            source=source,
            changed_at=now,
        )
    )
    member.status = status
    member.status_since = since
    # "In the branch" follows: gone ones are out; back from 调离 is back in.
    member.active = status in IN_BRANCH
    session.add(member)
    return True


def log_of(session: Session, branch_id: int) -> list[MemberStatusLog]:
    """The branch's status changes, oldest first."""
    return list(
        session.exec(
            select(MemberStatusLog)
            .where(MemberStatusLog.branch_id == branch_id)
            .order_by(col(MemberStatusLog.id))
        )
    )


def parse_word(text: str) -> str | None:
    """The status a word names ("住院", "已故" …), or None."""
    return WORDS.get("".join(text.split()))
