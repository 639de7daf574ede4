"""Data access for the outbox: queue calls to Telegram, pick due ones, record the outcome."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import func, or_, update
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage.models import OutboxMessage

# "Send as soon as possible": retries set a real time; fresh rows use this.
IMMEDIATELY = datetime(1970, 1, 1, tzinfo=UTC)
# Calls about a message already in a chat (by its message id).
ABOUT_A_MESSAGE = frozenset(
    {
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "stopPoll",
        "deleteMessage",
        "pinChatMessage",
    }
)
UPGRADED = "the group was upgraded to a supergroup: that message stays in the old chat"


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


def move_chat(session: Session, old_chat_id: int, new_chat_id: int) -> int:
    """A group became a supergroup: pending calls follow it to the new id, payload and all.

    The new chat counts its messages afresh, so an old message id means nothing there (or some
    other message): a reply to an old message goes out as a plain message, and an edit or stop
    of an old message is given up. Notices meant for the group go to the new id. Sent rows stay
    as they were: they are the record of what went to the old chat. Returns how many moved.
    """
    rows = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.status == "pending",
            or_(
                col(OutboxMessage.chat_id) == old_chat_id,
                col(OutboxMessage.notify_chat_id) == old_chat_id,
            ),
        )
    ).all()
    moved = 0
    for row in rows:
        if row.notify_chat_id == old_chat_id:
            row.notify_chat_id = new_chat_id
        if row.chat_id != old_chat_id:
            continue
        if row.method in ABOUT_A_MESSAGE:
            row.status = "failed"
            row.error = UPGRADED
            continue
        payload = json.loads(row.payload)
        if payload.get("chat_id") == old_chat_id:
            payload["chat_id"] = new_chat_id
        payload.pop("reply_parameters", None)
        row.payload = json.dumps(payload, ensure_ascii=False)
        row.chat_id = new_chat_id
        moved += 1
    if moved:
        session.info["outbox_added"] = True  # wake the sender for the new chat
    return moved


def pending_with_prefix(session: Session, prefix: str) -> bool:
    """Whether a row whose dedupe key starts with `prefix` still waits to be sent."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.status == "pending",
            col(OutboxMessage.dedupe_key).like(escaped + "%", escape="\\"),
        )
    ).first()
    return found is not None


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


def latest_of_kind(session: Session, kind: str, ref: str) -> OutboxMessage | None:
    """The newest row queued with this `kind` and `ref` (e.g. a session's reminders)."""
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.kind == kind, OutboxMessage.ref == ref)
        .order_by(col(OutboxMessage.id).desc())
    ).first()
