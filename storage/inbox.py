"""Data access for the update inbox: every raw update is stored before Telegram forgets it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage import rawjson
from storage.models import InboxUpdate, UtcDateTime


def kind_of(update: dict[str, Any]) -> str:
    """The kind of a raw update: the name of its one field besides update_id ("message", ...)."""
    return next((k for k in update if k != "update_id"), "")


def store(session: Session, updates: Sequence[dict[str, Any]], *, now: datetime) -> int:
    """Insert raw updates by update_id, ignoring ones already stored; returns how many were new."""
    rows = [
        {
            "update_id": int(u["update_id"]),
            "kind": kind_of(u),
            "payload": rawjson.dumps(u),
            "status": "pending",
            "received_at": now,
        }
        for u in updates
        if isinstance(u.get("update_id"), int)
    ]
    if not rows:
        return 0
    # Core execution: an executemany whose rowcount tells how many were new.
    result = session.connection().execute(_STORE, rows)
    return int(result.rowcount)


_STORE = insert(InboxUpdate).on_conflict_do_nothing(index_elements=["update_id"])


@dataclass(frozen=True, slots=True)
class Pending:
    """An update waiting to be processed (plain values: no ORM object per update), parsed."""

    id: int
    update_id: int
    kind: str
    payload: str
    data: dict[str, Any] | None  # the parsed payload; None when it is not a JSON object


# Built once, run through the connection (Core): these run for every batch of updates.
_PENDING = (
    sa_select(
        col(InboxUpdate.id),
        col(InboxUpdate.update_id),
        col(InboxUpdate.kind),
        col(InboxUpdate.payload),
    )
    .where(col(InboxUpdate.status) == "pending")
    .order_by(col(InboxUpdate.id))
    .limit(bindparam("limit"))
)
_DONE = (
    update(InboxUpdate)
    .where(col(InboxUpdate.id).in_(bindparam("ids", expanding=True)))
    .values(status="done", processed_at=bindparam("now", type_=UtcDateTime()), payload="")
)


def pending(session: Session, *, limit: int = 100) -> list[Pending]:
    """Unprocessed updates in the order they arrived."""
    rows = session.connection().execute(_PENDING, {"limit": limit})
    return [Pending(cast(int, i), u, k, p, _parse(p)) for i, u, k, p in rows]


def _parse(payload: str) -> dict[str, Any] | None:
    try:
        data = rawjson.loads(payload)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def mark_done(session: Session, ids: Sequence[int], *, now: datetime) -> None:
    if ids:
        # The raw update is no longer needed once it took effect; keeping only its id (for
        # de-duplication) means members' ordinary chat is not kept in the database or backups.
        session.connection().execute(_DONE, {"ids": list(ids), "now": now})


def mark_failed(session: Session, row_id: int, *, now: datetime, error: str) -> None:
    """The update broke a handler: keep its id, kind and the error, not the member's words.

    A failed update is not run again, so its payload is of no more use to the bot than a
    processed one's; `error` should say what an operator needs (what kind of update, where,
    from whom: `bot.logs.describe_update`) without quoting it.
    """
    session.execute(
        update(InboxUpdate)
        .where(col(InboxUpdate.id) == row_id)
        .values(status="failed", processed_at=now, error=error[:1000], payload="")
    )


def wait(session: Session, row_id: int, *, key: str) -> None:
    """The update cannot be handled yet: keep it, unprocessed, until `release(key)`."""
    session.execute(
        update(InboxUpdate)
        .where(col(InboxUpdate.id) == row_id)
        .values(status="waiting", wait_for=key)
    )


def release(session: Session, key: str) -> int:
    """Updates waiting for `key` run again (in their arrival order); returns how many."""
    result = session.connection().execute(
        update(InboxUpdate)
        .where(col(InboxUpdate.wait_for) == key, col(InboxUpdate.status) == "waiting")
        .values(status="pending", wait_for=None)
    )
    released = int(result.rowcount)
    if released:
        session.info["inbox_released"] = True
    return released


def count(session: Session, status: str | None = None) -> int:
    query = select(func.count()).select_from(InboxUpdate)
    if status is not None:
        query = query.where(InboxUpdate.status == status)
    return int(session.exec(query).one())


def prune(session: Session, *, before: datetime) -> int:
    """Forget processed updates received before `before` (Telegram keeps updates 24 hours),
    and updates that waited that long for something that never came."""
    result = session.connection().execute(
        delete(InboxUpdate).where(
            col(InboxUpdate.status) != "pending", col(InboxUpdate.received_at) < before
        )
    )
    return int(result.rowcount)
