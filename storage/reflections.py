"""Data access for reflections (心得体会): recording them and their files, who has submitted,
private messages offered as one, waiting chats."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from storage import people
from storage.due import Due
from storage.models import Member, Reflection, ReflectionFile, ReflectionOffer, ReflectionWait

# What each kind of submission is called: in the ledger's 形式 column, in /report, and (as
# 语音心得 …) in the thanks and the archived file names.
KIND_NAMES = {
    "text": "文字",
    "voice": "语音",
    "audio": "录音",
    "video": "视频",
    "video_note": "视频",
    "photo": "照片",
    "document": "文件",
}
# How the files of a kind are counted: 照片（3张）, 文件（2份）.
KIND_UNITS = {"photo": "张", "document": "份", "audio": "段", "video": "段", "video_note": "段"}
# Pages: a later one by the same member for the same session, in the same chat, is added to
# their submission of that kind instead of starting another.
PAGE_KINDS = frozenset({"photo", "document"})
# Kinds whose files have a length.
TIMED_KINDS = frozenset({"voice", "audio", "video", "video_note"})


@dataclass(frozen=True)
class NewReflection:
    """What a handler read from one Telegram message (one page of an album)."""

    kind: str
    text: str | None = None
    file_id: str | None = None
    file_unique_id: str | None = None
    duration: int | None = None
    size: int | None = None
    ext: str = ""
    media_group_id: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A message recorded: the reflection it is (part of), and its file if it has one."""

    reflection: Reflection
    file: ReflectionFile | None
    # True when it joined a reflection recorded before (an album's next page, a later photo).
    added: bool


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
) -> Recorded | None:
    """Store a message as a submission, or add it to one (an album's page, a later page of the
    same kind); None if this Telegram message was recorded before."""
    if by_message(session, chat_id, message_id) is not None:
        return None
    target = None
    if item.file_id is not None and item.file_unique_id is not None:
        if item.media_group_id is not None:
            target = album(session, chat_id, item.media_group_id, member_id=member_id)
        if target is None and item.kind in PAGE_KINDS:
            target = latest_of_kind(
                session, session_id=session_id, member_id=member_id, chat_id=chat_id, kind=item.kind
            )
    added = target is not None
    if target is None:
        target = Reflection(
            session_id=session_id,
            member_id=member_id,
            kind=item.kind,
            text=item.text,
            duration=item.duration,
            chat_id=chat_id,
            message_id=message_id,
            via=via,
            submitted_at=now,
            late=late,
            ack_pending=ack_pending,
            updated_at=now,
        )
        session.add(target)
        session.flush()
    else:
        target.updated_at = now
        target.ack_pending = target.ack_pending or ack_pending
    assert target.id is not None
    file = None
    if item.file_id is not None and item.file_unique_id is not None:
        file = ReflectionFile(
            reflection_id=target.id,
            chat_id=chat_id,
            message_id=message_id,
            media_group_id=item.media_group_id,
            kind=item.kind,
            file_id=item.file_id,
            file_unique_id=item.file_unique_id,
            size=item.size,
            duration=item.duration,
            ext=item.ext,
            caption=item.text,
            added_at=now,
        )
        session.add(file)
        session.flush()
        if added:
            refresh_from_files(session, target)
    return Recorded(target, file, added)


def refresh_from_files(session: Session, row: Reflection) -> None:
    """The reflection's text and length from its files: captions in page order, total time."""
    files = files_of(session, row.id or 0)
    captions = [f.caption for f in files if f.caption]
    row.text = "\n".join(captions) if captions else None
    if row.kind in TIMED_KINDS:
        row.duration = sum(f.duration or 0 for f in files) or None


def by_message(session: Session, chat_id: int, message_id: int) -> Reflection | None:
    """The reflection this message is, or is a page of."""
    found = session.exec(
        select(Reflection).where(Reflection.chat_id == chat_id, Reflection.message_id == message_id)
    ).first()
    if found is not None:
        return found
    return session.exec(
        select(Reflection)
        .join(ReflectionFile, col(ReflectionFile.reflection_id) == col(Reflection.id))
        .where(ReflectionFile.chat_id == chat_id, ReflectionFile.message_id == message_id)
    ).first()


def file_by_message(session: Session, chat_id: int, message_id: int) -> ReflectionFile | None:
    return session.exec(
        select(ReflectionFile).where(
            ReflectionFile.chat_id == chat_id, ReflectionFile.message_id == message_id
        )
    ).first()


def album(
    session: Session, chat_id: int, media_group_id: str, *, member_id: int | None = None
) -> Reflection | None:
    """The reflection holding pages of this album (Telegram's media_group_id), if any."""
    query = (
        select(Reflection)
        .join(ReflectionFile, col(ReflectionFile.reflection_id) == col(Reflection.id))
        .where(ReflectionFile.chat_id == chat_id, ReflectionFile.media_group_id == media_group_id)
    )
    if member_id is not None:
        query = query.where(Reflection.member_id == member_id)
    return session.exec(query).first()


def latest_of_kind(
    session: Session, *, session_id: int, member_id: int, chat_id: int, kind: str
) -> Reflection | None:
    """The member's latest submission of this kind for the session, sent in this chat."""
    return session.exec(
        select(Reflection)
        .where(
            Reflection.session_id == session_id,
            Reflection.member_id == member_id,
            Reflection.chat_id == chat_id,
            Reflection.kind == kind,
        )
        .order_by(col(Reflection.id).desc())
    ).first()


def files_of(session: Session, reflection_id: int) -> list[ReflectionFile]:
    """A reflection's files in page order: archived ones by number, then as sent."""
    return list(
        session.exec(
            select(ReflectionFile)
            .where(ReflectionFile.reflection_id == reflection_id)
            .order_by(
                col(ReflectionFile.position).is_(None),
                col(ReflectionFile.position),
                col(ReflectionFile.message_id),
            )
        )
    )


def file_counts(session: Session, reflection_ids: Collection[int]) -> dict[int, int]:
    """How many files each reflection has."""
    if not reflection_ids:
        return {}
    rows = session.exec(
        select(ReflectionFile.reflection_id, func.count())
        .where(col(ReflectionFile.reflection_id).in_(list(reflection_ids)))
        .group_by(col(ReflectionFile.reflection_id))
    )
    return {reflection_id: int(n) for reflection_id, n in rows}


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


def has_submitted(session: Session, session_id: int, member_id: int) -> bool:
    return (
        session.exec(
            select(Reflection.id).where(
                Reflection.session_id == session_id, Reflection.member_id == member_id
            )
        ).first()
        is not None
    )


def expected_members(
    session: Session,
    branch_id: int,
    *,
    joined_by: datetime | None = None,
    as_of: date | None = None,
) -> list[Member]:
    """The members who owe a reflection (who had joined by `joined_by`) for a theme day whose
    deadline falls on `as_of`, in roster order: storage.people decides (在册, and party members
    only if the branch chose 仅党员; nobody away, moved or gone by then)."""
    return people.selected(
        session, branch_id, people.Purpose.EXPECT, joined_by=joined_by, as_of=as_of
    )


# Submissions waiting for their thanks.
ACKS_DUE = Due(col(Reflection.ack_pending).is_(True))
# Offers made before `offers_made_before`, and waits expired before `waits_expired_before`.
OFFERS_DUE = Due(
    col(ReflectionOffer.created_at) < bindparam("offers_made_before"), "offers_made_before"
)
WAITS_DUE = Due(
    col(ReflectionWait.expires_at) < bindparam("waits_expired_before"), "waits_expired_before"
)


def pending_acks(session: Session) -> list[tuple[Reflection, Member]]:
    """Submissions still waiting for their thanks (combined in a group; an album's until its
    pages are in), oldest first."""
    rows = session.exec(
        select(Reflection, Member)
        .join(Member, col(Member.id) == col(Reflection.member_id))
        .where(ACKS_DUE.where)
        .order_by(col(Reflection.id))
    )
    return list(rows.all())


def mark_acked(session: Session, reflection_ids: Collection[int]) -> None:
    """Their thanks went out, naming every file they have now."""
    counts = file_counts(session, reflection_ids)
    for row in session.exec(select(Reflection).where(col(Reflection.id).in_(reflection_ids))):
        row.ack_pending = False
        row.acked_files = counts.get(row.id or 0, 0)


# --- private messages offered as a reflection ----------------------------------------------


@dataclass(frozen=True)
class OfferedPart:
    """One message of an offer, as it will be recorded if the member says yes."""

    message_id: int
    item: NewReflection


def offer_parts(offer: ReflectionOffer) -> list[OfferedPart]:
    """The offer's messages in the order they were sent."""
    parts = [
        OfferedPart(int(p["message_id"]), NewReflection(**p["item"]))
        for p in json.loads(offer.parts)
    ]
    return sorted(parts, key=lambda p: p.message_id)


def add_offer(
    session: Session,
    *,
    user_id: int,
    chat_id: int,
    message_id: int,
    item: NewReflection,
    now: datetime,
) -> ReflectionOffer:
    offer = ReflectionOffer(
        user_id=user_id,
        chat_id=chat_id,
        message_id=message_id,
        media_group_id=item.media_group_id,
        parts=json.dumps([_part_json(message_id, item)], ensure_ascii=False),
        created_at=now,
    )
    session.add(offer)
    session.flush()
    return offer


def add_offer_part(
    session: Session, offer: ReflectionOffer, *, message_id: int, item: NewReflection
) -> bool:
    """Another page of the offered album; False if it is there already."""
    parts = json.loads(offer.parts)
    if any(int(p["message_id"]) == message_id for p in parts):
        return False
    parts.append(_part_json(message_id, item))
    offer.parts = json.dumps(parts, ensure_ascii=False)
    session.add(offer)
    return True


def edit_offer_text(
    session: Session, offer: ReflectionOffer, *, message_id: int, text: str | None
) -> None:
    """The member edited an offered message (its text or caption) before answering."""
    parts = json.loads(offer.parts)
    for part in parts:
        if int(part["message_id"]) == message_id:
            part["item"]["text"] = text
    offer.parts = json.dumps(parts, ensure_ascii=False)
    session.add(offer)


def _part_json(message_id: int, item: NewReflection) -> dict[str, object]:
    return {"message_id": message_id, "item": asdict(item)}


def get_offer(session: Session, offer_id: int) -> ReflectionOffer | None:
    return session.get(ReflectionOffer, offer_id)


def offer_of_message(session: Session, chat_id: int, message_id: int) -> ReflectionOffer | None:
    """The offer this private message started."""
    return session.exec(
        select(ReflectionOffer).where(
            ReflectionOffer.chat_id == chat_id, ReflectionOffer.message_id == message_id
        )
    ).first()


def offer_of_album(session: Session, chat_id: int, media_group_id: str) -> ReflectionOffer | None:
    return session.exec(
        select(ReflectionOffer).where(
            ReflectionOffer.chat_id == chat_id, ReflectionOffer.media_group_id == media_group_id
        )
    ).first()


def prune_offers(session: Session, *, before: datetime) -> int:
    """Forget offers sent before `before` (they hold what the member wrote)."""
    statement = delete(ReflectionOffer).where(OFFERS_DUE.where)
    return int(session.connection().execute(statement, OFFERS_DUE.bind(before)).rowcount)


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
    statement = delete(ReflectionWait).where(WAITS_DUE.where)
    return int(session.connection().execute(statement, WAITS_DUE.bind(before)).rowcount)
