"""Data access for the archive of downloaded files."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ArchiveFile

# The Bot API's getFile refuses files over 20 MB (a self-hosted Bot API server does not).
DOWNLOAD_LIMIT = 20 * 1024 * 1024


def add(
    session: Session,
    *,
    file_id: str,
    file_unique_id: str,
    size: int | None,
    rel_path: str,
    kind: str,
    ref: str,
    now: datetime,
) -> ArchiveFile:
    """Queue a download to `rel_path` (already made safe and unique by the caller)."""
    row = ArchiveFile(
        file_id=file_id,
        file_unique_id=file_unique_id,
        size=size,
        rel_path=rel_path,
        kind=kind,
        ref=ref,
        created_at=now,
        status="too_big" if size is not None and size > DOWNLOAD_LIMIT else "pending",
    )
    session.add(row)
    session.flush()
    session.info["archive_added"] = True
    return row


def path_taken(session: Session, rel_path: str) -> bool:
    return (
        session.exec(select(ArchiveFile.id).where(ArchiveFile.rel_path == rel_path)).first()
        is not None
    )


def pending(session: Session, *, limit: int = 20) -> list[ArchiveFile]:
    query = (
        select(ArchiveFile)
        .where(ArchiveFile.status == "pending")
        .order_by(col(ArchiveFile.id))
        .limit(limit)
    )
    return list(session.exec(query))


def get(session: Session, row_id: int) -> ArchiveFile | None:
    return session.get(ArchiveFile, row_id)


def mark(
    session: Session, row_id: int, status: str, *, now: datetime, error: str | None = None
) -> None:
    row = session.get_one(ArchiveFile, row_id)
    row.status = status
    row.attempts += 1
    row.error = error[:500] if error else None
    if status == "done":
        row.done_at = now
