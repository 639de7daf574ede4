"""Telegram's JSON, read and written fast: every update is parsed from getUpdates, stored as
text in the inbox, and parsed again to run it, so this is on the hot path of a quiz's votes
(bench/poll_answers.py). orjson does it some five times faster than the standard library.

The standard library takes over for what orjson refuses: a lone surrogate escape ("\\ud83d"),
which a client that cut an emoji in half can put in a member's text or name. SQLite cannot store
a lone surrogate (it is not UTF-8): kept, it would make the inbox refuse the whole batch for
ever, or fail the update that stores the name or the text. So it is read as U+FFFD (the "?"
in a diamond), which takes the same one UTF-16 unit, so Telegram's entity offsets still hold.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONE = re.compile("[\ud800-\udfff]")  # json.loads joins proper pairs: what is left is lone


def loads(text: str | bytes) -> Any:
    """Parse JSON (raises ValueError when it is not JSON); lone surrogates read as U+FFFD."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return _mended(json.loads(text))


def _mended(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_mended(item) for item in value]
    if isinstance(value, dict):
        return {_mended(key): _mended(item) for key, item in value.items()}
    return value


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII characters kept as they are (escaped only when they hold a lone
    surrogate)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"))
