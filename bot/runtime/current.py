"""The update being processed: its database session and whether a handler failed.

The inbox processor sets it around each update (a savepoint of the batch's transaction);
`BotContext.db` and the database-backed filters read it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session


@dataclass
class UpdateState:
    """What the processor needs to know about the update in hand."""

    session: Session
    # The clock's time when processing began (for filters, which get no context).
    now: datetime
    error: BaseException | None = None
    # Set by `wait_for()`: the update is kept unprocessed until this key is released.
    waiting_for: str | None = None


def wait_for(key: str) -> None:
    """The update in hand cannot be handled yet (it refers to something not recorded yet):
    undo its effects and keep it until `storage.inbox.release(session, key)` lets it run."""
    CURRENT.get().waiting_for = key


CURRENT: ContextVar[UpdateState] = ContextVar("yinling_current_update")
