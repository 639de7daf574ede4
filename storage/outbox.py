"""Data access for the outbox: queue calls to Telegram, pick due ones, record the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import func, update
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage.models import OutboxMessage

# "Send as soon as possible": retries set a real time; fresh rows use this.
IMMEDIATELY = datetime(1970, 1, 1, tzinfo=UTC)


def add(session: Session, row: OutboxMessage) -> int | None:
    """Queue `row`; return its id, or None when a row with the same dedupe key exists."""
    values = row.model_dump(exclude={"id"})
    statement = insert(OutboxMessage).values(**values)
    if row.dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = session.execute(statement.returning(col(OutboxMessage.id)))
    new_id = result.scalar_one_or_none()
    if new_id is not None:
        session.info["outbox_added"] = True
    return new_id


def due(
    session: Session, *, now: datetime, busy_chats: Iterable[int], limit: int = 500
) -> list[OutboxMessage]:
    """Pending rows whose time has come, oldest first, skipping chats already being served.

    A chat with a row waiting for its retry is skipped entirely until then, so that later rows
    never overtake it (a push's invitation must not arrive before its materials).
    """
    waiting = select(OutboxMessage.chat_id).where(
        OutboxMessage.status == "pending", col(OutboxMessage.not_before) > now
    )
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            col(OutboxMessage.not_before) <= now,
            col(OutboxMessage.chat_id).not_in(waiting),
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    busy = list(busy_chats)
    if busy:
        query = query.where(col(OutboxMessage.chat_id).not_in(busy))
    return list(session.exec(query))


def next_retry_at(session: Session) -> datetime | None:
    """When the earliest row that is waiting for a retry becomes due."""
    value = session.exec(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == "pending", OutboxMessage.not_before > IMMEDIATELY
        )
    ).one()
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def is_pending(session: Session, row_id: int) -> bool:
    status = session.exec(select(OutboxMessage.status).where(OutboxMessage.id == row_id)).first()
    return status == "pending"


def mark_sent(
    session: Session,
    row_id: int,
    *,
    now: datetime,
    message_id: int | None,
    poll_id: str | None,
    result: str,
) -> None:
    row = session.get_one(OutboxMessage, row_id)
    row.status = "sent"
    row.sent_at = now
    row.message_id = message_id
    row.poll_id = poll_id
    row.result = result
    row.attempts += 1
    row.error = None


def mark_unsure(session: Session, row_id: int, *, now: datetime, error: str) -> None:
    """The call may or may not have taken effect (its answer never came): not sent again until
    someone finds out (status "unsure"; `sent_at` is when it was tried)."""
    row = session.get_one(OutboxMessage, row_id)
    row.status = "unsure"
    row.sent_at = now
    row.attempts += 1
    row.error = error[:500]


def any_unsure(session: Session, method: str) -> bool:
    return (
        session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.status == "unsure", OutboxMessage.method == method
            )
        ).first()
        is not None
    )


def mark_failed(session: Session, row_id: int, *, error: str) -> OutboxMessage:
    row = session.get_one(OutboxMessage, row_id)
    row.status = "failed"
    row.attempts += 1
    row.error = error[:500]
    return row


def retry_later(session: Session, row_id: int, *, at: datetime, error: str) -> int:
    """Keep the row pending until `at`; return how many attempts it has had."""
    row = session.get_one(OutboxMessage, row_id)
    row.attempts += 1
    row.not_before = at
    row.error = error[:500]
    return row.attempts


def fail_chat(session: Session, chat_id: int, *, error: str) -> int:
    """Give up on every pending row for a chat (the bot was blocked or removed)."""
    result = session.connection().execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.chat_id) == chat_id, col(OutboxMessage.status) == "pending")
        .values(status="failed", error=error[:500])
    )
    return int(result.rowcount)


def move_chat(session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: pending rows follow it to the new id."""
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.chat_id) == old_chat_id, col(OutboxMessage.status) == "pending")
        .values(chat_id=new_chat_id)
    )


def find_by_message(session: Session, chat_id: int, message_id: int) -> OutboxMessage | None:
    """The row that produced a message the bot sent (for replies to it)."""
    return session.exec(
        select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.message_id == message_id
        )
    ).first()


def find_by_poll(session: Session, poll_id: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.poll_id == poll_id)).first()


def find_by_key(session: Session, dedupe_key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()
