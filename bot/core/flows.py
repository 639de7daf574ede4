"""How long a guided flow (handlers/flows.py) waits for the person: the rule, no I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

# A flow nobody touched for this long is over: its buttons say so, typing goes elsewhere.
LIFETIME = timedelta(minutes=30)


def live(updated_at: datetime, now: datetime) -> bool:
    """Is a flow last touched at `updated_at` still going at `now`?"""
    return now - updated_at <= LIFETIME
