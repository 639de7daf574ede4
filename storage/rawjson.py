"""Telegram's JSON, read and written fast: every update is parsed from getUpdates, stored as
text in the inbox, and parsed again to run it, so this is on the hot path of a quiz's votes
(bench/poll_answers.py). orjson does it some five times faster than the standard library; the
standard library takes over for what orjson refuses: a lone surrogate escape ("\\ud83d"), which
a client that cut an emoji in half can put in a member's text. Such a text is written back with
the escape (ASCII), since SQLite cannot store a lone surrogate as UTF-8: written raw, the update
could never be stored, and the poller would ask for it again forever.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(text: str | bytes) -> Any:
    """Parse JSON (raises ValueError when it is not JSON)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII characters kept as they are (escaped only when they hold a lone
    surrogate)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"))
