"""Data access for reflections (心得体会): recording them, who has submitted, waiting chats."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage.models import Member, Reflection, ReflectionWait

# What each kind of submission is called: in the ledger's 形式 column, in /report, and (as
# 语音心得 …) in the thanks and the archived file names.
KIND_NAMES = {
    "text": "文字",
    "voice": "语音",
    "audio": "录音",
    "video_note": "视频",
    "photo": "照片",
    "document": "文件",
}


@dataclass(frozen=True)
class NewReflection:
    """What a handler read from one Telegram message."""

    kind: str
    text: str | None = None
    file_id: str | None = None
    file_unique_id: str | None = None
    duration: int | None = None
    size: int | None = None
    ext: str = ""


def record(
    session: Session,
    *,
    session_id: int,
    member_id: int,
    item: NewReflection,
    chat_id: int,
    message_id: int,
    via: str,
    now: datetime,
    late: bool,
    ack_pending: bool,
) -> Reflection | None:
    """Store a submission; None if this Telegram message was recorded before."""
    statement = (
        insert(Reflection)
        .values(
            session_id=session_id,
            member_id=member_id,
            kind=item.kind,
            text=item.text,
            file_id=item.file_id,
            file_unique_id=item.file_unique_id,
            duration=item.duration,
            size=item.size,
            chat_id=chat_id,
            message_id=message_id,
            via=via,
            submitted_at=now,
            late=late,
            ack_pending=ack_pending,
        )
        .on_conflict_do_nothing(index_elements=["chat_id", "message_id"])
        .returning(col(Reflection.id))
    )
    new_id = session.execute(statement).scalar_one_or_none()
    if new_id is None:
        return None
    return session.get_one(Reflection, new_id)


def by_message(session: Session, chat_id: int, message_id: int) -> Reflection | None:
    return session.exec(
        select(Reflection).where(Reflection.chat_id == chat_id, Reflection.message_id == message_id)
    ).first()


def of_session(session: Session, session_id: int) -> list[tuple[Reflection, Member]]:
    """Every submission for a session with its member, oldest first."""
    rows = session.exec(
        select(Reflection, Member)
        .join(Member, col(Member.id) == col(Reflection.member_id))
        .where(Reflection.session_id == session_id)
        .order_by(col(Reflection.submitted_at), col(Reflection.id))
    )
    return list(rows.all())


def submitted_member_ids(session: Session, session_id: int) -> set[int]:
    rows = session.exec(
        select(Reflection.member_id).where(Reflection.session_id == session_id).distinct()
    )
    return set(rows)


def expected_members(
    session: Session, branch_id: int, *, joined_by: datetime | None = None
) -> list[Member]:
    """The branch's active members (who had joined by `joined_by`), in roster order."""
    query = select(Member).where(Member.branch_id == branch_id, col(Member.active))
    if joined_by is not None:
        query = query.where(col(Member.joined_at) <= joined_by)
    return list(session.exec(query.order_by(col(Member.id))))


def pending_acks(session: Session) -> list[tuple[Reflection, Member]]:
    """Group submissions still waiting for their (combined) thanks, oldest first."""
    rows = session.exec(
        select(Reflection, Member)
        .join(Member, col(Member.id) == col(Reflection.member_id))
        .where(col(Reflection.ack_pending))
        .order_by(col(Reflection.id))
    )
    return list(rows.all())


def mark_acked(session: Session, reflection_ids: Collection[int]) -> None:
    for row in session.exec(select(Reflection).where(col(Reflection.id).in_(reflection_ids))):
        row.ack_pending = False


# --- private chats waiting for a reflection ---------------------------------------------


def set_wait(
    session: Session,
    *,
    user_id: int,
    session_id: int | None,
    expires_at: datetime,
    text: str | None = None,
    source_chat_id: int | None = None,
    source_message_id: int | None = None,
) -> ReflectionWait:
    wait = session.get(ReflectionWait, user_id)
    if wait is None:
        wait = ReflectionWait(user_id=user_id, expires_at=expires_at)
        session.add(wait)
    wait.session_id = session_id
    wait.text = text
    wait.source_chat_id = source_chat_id
    wait.source_message_id = source_message_id
    wait.expires_at = expires_at
    session.flush()
    return wait


def get_wait(session: Session, user_id: int, *, now: datetime) -> ReflectionWait | None:
    """The member's waiting state, unless it has expired."""
    wait = session.get(ReflectionWait, user_id)
    if wait is None or wait.expires_at <= now:
        return None
    return wait


def waiting_for(session: Session, user_id: int) -> int | None:
    """The session a private chat waits for a reflection for (expired or not)."""
    wait = session.get(ReflectionWait, user_id)
    return wait.session_id if wait is not None else None


def clear_wait(session: Session, user_id: int) -> bool:
    wait = session.get(ReflectionWait, user_id)
    if wait is None:
        return False
    session.delete(wait)
    session.flush()
    return True


def prune_waits(session: Session, *, before: datetime) -> int:
    """Forget waits that expired before `before` (after a grace in which the member is told)."""
    statement = delete(ReflectionWait).where(col(ReflectionWait.expires_at) < before)
    return int(session.connection().execute(statement).rowcount)
