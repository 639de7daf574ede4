"""Data access for background jobs (`Job`): queue, pick what is due, finish, retry, fail."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from storage.models import Job

# "Run as soon as possible": retries set a real time; fresh rows use this.
IMMEDIATELY = datetime(1970, 1, 1, tzinfo=UTC)


def add(
    session: Session, kind: str, payload: dict[str, Any], *, now: datetime, key: str | None = None
) -> int | None:
    """Queue a job; its id, or None when a job with the same `key` exists already."""
    statement = insert(Job).values(
        kind=kind,
        payload=json.dumps(payload, ensure_ascii=False),
        key=key,
        status="pending",
        attempts=0,
        not_before=IMMEDIATELY,
        created_at=now,
    )
    if key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    new_id = session.execute(statement.returning(col(Job.id))).scalar_one_or_none()
    if new_id is not None:
        session.info["job_added"] = True
    return new_id


def due(session: Session, *, now: datetime, exclude: set[int], limit: int = 20) -> list[Job]:
    query = (
        select(Job)
        .where(Job.status == "pending", col(Job.not_before) <= now)
        .order_by(col(Job.id))
        .limit(limit)
    )
    if exclude:
        query = query.where(col(Job.id).not_in(exclude))
    return list(session.exec(query))


def pending_count(session: Session) -> int:
    return len(list(session.exec(select(Job.id).where(Job.status == "pending"))))


def is_pending(session: Session, job_id: int) -> bool:
    return session.exec(select(Job.status).where(Job.id == job_id)).first() == "pending"


def finish(session: Session, job_id: int, *, now: datetime) -> bool:
    """Mark the job done in the caller's transaction (beside its result); False if it was done
    already (the job ran again after a crash: the caller must not repeat its effects)."""
    result = session.connection().execute(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == "pending")
        .values(status="done", finished_at=now, payload="{}")
    )
    return bool(result.rowcount)


def retry_later(session: Session, job_id: int, *, at: datetime, error: str) -> int:
    job = session.get_one(Job, job_id)
    job.attempts += 1
    job.not_before = at
    job.error = error[:500]
    return job.attempts


def fail(session: Session, job_id: int, *, now: datetime, error: str) -> None:
    job = session.get_one(Job, job_id)
    job.status = "failed"
    job.attempts += 1
    job.finished_at = now
    job.error = error[:500]


def prune(session: Session, *, before: datetime) -> None:
    session.connection().execute(
        Job.__table__.delete().where(  # type: ignore[attr-defined]
            col(Job.status) != "pending", col(Job.finished_at) < before
        )
    )
