"""Data access for theme-day sessions (the monthly 主题党日 push and its reply window)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage import outbox
from storage.due import Due
from storage.models import ThemeSession

DEFAULT_DEADLINE_DAYS = 7
# Reminders by default: two days after the push, and the morning of the deadline.
DEFAULT_REMINDER_DAYS_AFTER = 2
DEFAULT_REMINDER_TIME = time(9, 0)
# Messages of a session that members may reply to with their reflection: the header, the
# invitation, the materials and the group reminder (members most often answer the reminder).
# Their outbox ref starts with the session id ("12", or "12:<material ids>" for materials).
SESSION_KINDS = ("themeday.header", "themeday.invitation", "themeday.materials", "reflect.reminder")


def default_schedule(
    pushed_local: datetime,
    *,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    reminder_days_after: int = DEFAULT_REMINDER_DAYS_AFTER,
    reminder_time: time = DEFAULT_REMINDER_TIME,
) -> tuple[datetime, list[datetime]]:
    """Deadline (end of the local day `deadline_days` after the push) and reminder times."""
    tz = pushed_local.tzinfo
    assert isinstance(tz, ZoneInfo)
    deadline_day = pushed_local.date() + timedelta(days=deadline_days)
    deadline = datetime.combine(deadline_day, time(23, 59), tz)
    reminders = [
        datetime.combine(
            pushed_local.date() + timedelta(days=reminder_days_after), reminder_time, tz
        ),
        datetime.combine(deadline_day, reminder_time, tz),
    ]
    unique = sorted({r for r in reminders if pushed_local < r < deadline})
    return deadline, unique


def create(
    session: Session,
    *,
    branch_id: int,
    key: str,
    local_date: date,
    topic: str,
    deadline: datetime,
    reminders: list[datetime],
    now: datetime,
) -> tuple[ThemeSession, bool]:
    """The session for (branch, key), creating it if new; returns (session, created)."""
    values = {
        "branch_id": branch_id,
        "key": key,
        "local_date": local_date,
        "topic": topic,
        "deadline": deadline,
        "reminders": json.dumps([r.isoformat() for r in reminders]),
        "created_at": now,
    }
    statement = (
        insert(ThemeSession)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["branch_id", "key"])
    )
    created = bool(session.connection().execute(statement).rowcount)
    found = session.exec(
        select(ThemeSession).where(ThemeSession.branch_id == branch_id, ThemeSession.key == key)
    ).one()
    return found, created


def get(session: Session, session_id: int) -> ThemeSession | None:
    return session.get(ThemeSession, session_id)


# Sessions pushed whose deadline was at most a day before `open_deadline_from` (their
# reminders may be due).
OPEN_DUE = Due(
    and_(
        col(ThemeSession.pushed_at).is_not(None),
        col(ThemeSession.deadline) >= bindparam("open_deadline_from"),
    ),
    "open_deadline_from",
    timedelta(days=1),
)


def open_sessions(session: Session, now: datetime) -> list[ThemeSession]:
    """Pushed sessions whose reflections may still be reminded of at `now`."""
    return list(session.exec(select(ThemeSession).where(OPEN_DUE.where), params=OPEN_DUE.at(now)))


def by_key(session: Session, branch_id: int, key: str) -> ThemeSession | None:
    """The branch's session with this key ("rule:2026-12-15", "push:<update id>"), if any."""
    return session.exec(
        select(ThemeSession).where(ThemeSession.branch_id == branch_id, ThemeSession.key == key)
    ).first()


def started_since(session: Session, branch_id: int, since: datetime) -> ThemeSession | None:
    """The branch's latest session created at or after `since`, if any."""
    return session.exec(
        select(ThemeSession)
        .where(ThemeSession.branch_id == branch_id, col(ThemeSession.created_at) >= since)
        .order_by(col(ThemeSession.id).desc())
    ).first()


def still_going_out(session: Session, session_id: int) -> bool:
    """Whether some message of the session's push still waits in the outbox."""
    return outbox.pending_with_prefix(session, f"themeday:{session_id}:")


def reminder_times(theme: ThemeSession) -> list[datetime]:
    return [datetime.fromisoformat(v) for v in json.loads(theme.reminders)]


def latest(session: Session, branch_id: int) -> ThemeSession | None:
    """The branch's most recent pushed session (the "current" one for replies and reports)."""
    return session.exec(
        select(ThemeSession)
        .where(ThemeSession.branch_id == branch_id, col(ThemeSession.pushed_at).is_not(None))
        .order_by(col(ThemeSession.local_date).desc(), col(ThemeSession.id).desc())
    ).first()


def for_message(session: Session, chat_id: int, message_id: int) -> ThemeSession | None:
    """The session whose header or invitation message this is (for replies to it)."""
    row = outbox.find_by_message(session, chat_id, message_id)
    if row is None or row.kind not in SESSION_KINDS:
        return None
    return get(session, int(row.ref.split(":", 1)[0]))


def of_branch(
    session: Session, branch_id: int, *, since: date | None = None, until: date | None = None
) -> list[ThemeSession]:
    query = select(ThemeSession).where(ThemeSession.branch_id == branch_id)
    if since is not None:
        query = query.where(col(ThemeSession.local_date) >= since)
    if until is not None:
        query = query.where(col(ThemeSession.local_date) <= until)
    return list(session.exec(query.order_by(col(ThemeSession.local_date), col(ThemeSession.id))))
