"""Data access for study materials (学习材料): the queue for the next theme day and the library."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, func
from sqlmodel import Session, col, select

from storage.due import Due
from storage.models import Material, OutboxMessage, ThemeSessionMaterial

# "choosing": only rows from before migration 0007, when a private sender chose the branch after
# the material was stored; /material on their message again places them.
CHOOSING, QUEUED, LIBRARY = "choosing", "queued", "library"
# Outbox kind of a material send (ref "<session id>:<material id>,<material id>…").
SEND_KIND = "themeday.materials"


def get(session: Session, material_id: int) -> Material | None:
    return session.get(Material, material_id)


def by_source(session: Session, chat_id: int, message_id: int) -> Material | None:
    """The material made from this message, if any."""
    return session.exec(
        select(Material).where(
            Material.source_chat_id == chat_id, Material.source_message_id == message_id
        )
    ).first()


def add(session: Session, material: Material) -> Material:
    """Store a new material; queued ones go to the end of their branch's queue."""
    if material.state == QUEUED and material.branch_id is not None:
        material.position = _next_position(session, material.branch_id)
    session.add(material)
    session.flush()
    return material


def _next_position(session: Session, branch_id: int) -> int:
    top = session.exec(
        select(func.max(Material.position)).where(
            Material.branch_id == branch_id, Material.state == QUEUED
        )
    ).one()
    return int(top or 0) + 1


def enqueue(session: Session, material: Material, *, branch_id: int | None = None) -> None:
    """Put the material at the end of the queue for the next theme day (of `branch_id`)."""
    if branch_id is not None:
        material.branch_id = branch_id
    assert material.branch_id is not None
    if material.state == QUEUED:
        return
    material.position = _next_position(session, material.branch_id)
    material.state = QUEUED


def unqueue(material: Material) -> None:
    """Take it off the queue; it stays in the library."""
    material.state = LIBRARY


def queued(session: Session, branch_id: int) -> list[Material]:
    return list(
        session.exec(
            select(Material)
            .where(Material.branch_id == branch_id, Material.state == QUEUED)
            .order_by(col(Material.position), col(Material.id))
        )
    )


def library(session: Session, branch_id: int, *, limit: int = 20) -> list[Material]:
    """Materials not queued now, the most recently used or added first."""
    used = func.coalesce(col(Material.last_pushed_at), col(Material.created_at))
    return list(
        session.exec(
            select(Material)
            .where(Material.branch_id == branch_id, Material.state == LIBRARY)
            .order_by(used.desc(), col(Material.id).desc())
            .limit(limit)
        )
    )


def move_up(session: Session, material: Material) -> bool:
    """Swap with the item before it in the queue; False if it is first (or not queued)."""
    if material.state != QUEUED or material.branch_id is None:
        return False
    items = queued(session, material.branch_id)
    index = next(i for i, m in enumerate(items) if m.id == material.id)
    if index == 0:
        return False
    # Renumber densely so that equal or gapped positions never make a swap a no-op.
    items[index - 1], items[index] = items[index], items[index - 1]
    for n, item in enumerate(items, start=1):
        item.position = n
    return True


def mark_pushed(
    session: Session, materials: list[Material], *, session_id: int, now: datetime
) -> None:
    """Record that these went out with the session, and move them to the library."""
    for n, material in enumerate(materials, start=1):
        assert material.id is not None
        session.add(
            ThemeSessionMaterial(session_id=session_id, material_id=material.id, position=n)
        )
        material.state = LIBRARY
        material.last_pushed_at = now


def of_session(session: Session, session_id: int) -> list[Material]:
    """The materials a theme-day session pushed, in order."""
    return list(
        session.exec(
            select(Material)
            .join(ThemeSessionMaterial, col(ThemeSessionMaterial.material_id) == col(Material.id))
            .where(ThemeSessionMaterial.session_id == session_id)
            .order_by(col(ThemeSessionMaterial.position))
        )
    )


# Media groups Telegram refused, queued since `refused_since`.
REFUSED_DUE = Due(
    and_(
        col(OutboxMessage.kind) == SEND_KIND,
        col(OutboxMessage.status) == "failed",
        col(OutboxMessage.method) == "sendMediaGroup",
        col(OutboxMessage.created_at) >= bindparam("refused_since"),
    ),
    "refused_since",
)


def failed_sends(session: Session, *, since: datetime) -> list[OutboxMessage]:
    """Material sends Telegram refused (since `since`), for resending the items one by one."""
    statement = select(OutboxMessage).where(REFUSED_DUE.where)
    return list(session.exec(statement, params=REFUSED_DUE.bind(since)))


def pushed_counts(session: Session, session_ids: list[int]) -> dict[int, int]:
    """How many materials went out with each of these theme-day sessions."""
    if not session_ids:
        return {}
    rows = session.exec(
        select(ThemeSessionMaterial.session_id, func.count())
        .where(col(ThemeSessionMaterial.session_id).in_(session_ids))
        .group_by(col(ThemeSessionMaterial.session_id))
    )
    return {sid: int(n) for sid, n in rows}
