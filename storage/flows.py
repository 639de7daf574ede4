"""Data access for guided conversations (`Flow`): one live flow per person."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import Session, col, select

from storage.due import Due
from storage.models import Flow


def of_user(session: Session, user_id: int) -> Flow | None:
    return session.exec(select(Flow).where(Flow.user_id == user_id)).first()


def get(session: Session, flow_id: int) -> Flow | None:
    return session.get(Flow, flow_id)


def begin(
    session: Session,
    *,
    user_id: int,
    chat_id: int,
    kind: str,
    branch_id: int | None,
    step: str,
    data: dict[str, Any],
    now: datetime,
) -> Flow:
    """Start a flow for the person, replacing any they were in."""
    old = of_user(session, user_id)
    if old is not None:
        session.delete(old)
        session.flush()
    flow = Flow(
        user_id=user_id,
        chat_id=chat_id,
        kind=kind,
        branch_id=branch_id,
        step=step,
        data=json.dumps(data, ensure_ascii=False),
        version=1,
        started_at=now,
        updated_at=now,
    )
    session.add(flow)
    session.flush()
    return flow


def data_of(flow: Flow) -> dict[str, Any]:
    loaded = json.loads(flow.data or "{}")
    return loaded if isinstance(loaded, dict) else {}


def save(flow: Flow, *, step: str, data: dict[str, Any], now: datetime) -> int:
    """Move the flow to `step` with `data`; the new version (for the buttons of that step)."""
    flow.step = step
    flow.data = json.dumps(data, ensure_ascii=False)
    flow.version += 1
    flow.updated_at = now
    return flow.version


def end(session: Session, flow: Flow) -> None:
    session.delete(flow)


def forget_before(session: Session, before: datetime) -> int:
    statement = delete(Flow).where(FLOWS_DUE.where)
    return int(session.connection().execute(statement, FLOWS_DUE.bind(before)).rowcount)


# Flows last touched before `flows_updated_before`.
FLOWS_DUE = Due(col(Flow.updated_at) < bindparam("flows_updated_before"), "flows_updated_before")
