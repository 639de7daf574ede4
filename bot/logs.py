"""Logging for operators: one line per event, rotated, and never the bot token.

A line reads `2026-11-26 08:30:01 INFO bot.runtime.inbox: update 700000123 message/voice
chat=-1001234567890 user=2001 done`: the time, what happened, the branch (its group's chat id)
and the member's Telegram id. Members' own words never go into the log at INFO level (only at
DEBUG, which an operator turns on for a while to chase a bug); the token is blanked out of
every line, including the URLs httpx logs and the text of exceptions and tracebacks.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
from pathlib import Path
from typing import Any

TOKEN_IN_TEXT = re.compile(r"\d{3,15}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_BYTES = 5_000_000
BACKUP_COUNT = 5


def redact(text: str) -> str:
    """The text with anything shaped like a bot token replaced by `<token>`."""
    return TOKEN_IN_TEXT.sub("<token>", text)


class RedactToken(logging.Filter):
    """Blank out anything shaped like a bot token in the message (httpx logs URLs with it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_IN_TEXT.search(message):
            record.msg = redact(message)
            record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """Formats, then redacts the whole line: exception texts and tracebacks hold URLs too."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup(level: str = "INFO", log_dir: Path | None = None) -> list[logging.Handler]:
    """Log to stderr (journald under systemd) and, with `log_dir`, to a rotated file."""
    formatter = RedactingFormatter(FORMAT, DATE_FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_dir / "yinling.log",
                maxBytes=MAX_BYTES,
                backupCount=BACKUP_COUNT,
                encoding="utf-8",
            )
        )
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactToken())
        root.addHandler(handler)
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # With max_retries=0 the rate limiter logs every 429 as an error with a traceback; the
    # sender handles 429 itself and logs one readable line instead.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    # A handler that fails (a full disk) would otherwise print the record and the exception
    # being handled, unformatted and so unredacted, to stderr.
    logging.raiseExceptions = False
    return handlers


# --- describing an update without its content -----------------------------------------------

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}")
_CONTENT_KINDS = (
    "voice",
    "audio",
    "video_note",
    "video",
    "photo",
    "document",
    "sticker",
    "poll",
    "location",
    "contact",
    "new_chat_members",
    "left_chat_member",
    "migrate_to_chat_id",
)


def describe_update(payload: dict[str, Any]) -> str:
    """`message/voice chat=-100… user=2001`: the kind of update, where and who, never the text.

    A command is named (`message/command /quiz`) but its arguments are left out, since they
    can be a member's words (`/reflect …`).
    """
    kind = next((k for k in payload if k != "update_id"), "unknown")
    body = payload.get(kind)
    if not isinstance(body, dict):
        return kind
    chat = (body.get("chat") or (body.get("message") or {}).get("chat") or {}).get("id")
    user = (body.get("from") or body.get("user") or {}).get("id")
    what = kind
    if kind in ("message", "edited_message"):
        what += "/" + _message_kind(body)
    elif kind == "callback_query":
        # Callback data is made by the bot (e.g. "qgo:12:g"), not typed by a member.
        what += f" data={str(body.get('data', ''))[:64]}"
    elif kind == "poll_answer":
        what += f" poll={body.get('poll_id')}"
        chat = chat or (body.get("voter_chat") or {}).get("id")
    elif kind in ("my_chat_member", "chat_member"):
        old = (body.get("old_chat_member") or {}).get("status")
        new = (body.get("new_chat_member") or {}).get("status")
        what += f" {old}->{new}"
        if kind == "chat_member":
            user = (body.get("new_chat_member") or {}).get("user", {}).get("id", user)
    parts = [what]
    if chat is not None:
        parts.append(f"chat={chat}")
    if user is not None:
        parts.append(f"user={user}")
    reply = (body.get("reply_to_message") or {}).get("message_id")
    if reply is not None:
        parts.append(f"reply_to={reply}")
    return " ".join(parts)


def describe_raw(payload: str) -> str:
    """`describe_update` for a stored JSON payload (which may be malformed)."""
    try:
        data = json.loads(payload)
        return describe_update(data) if isinstance(data, dict) else "malformed"
    except Exception:  # a log line must never break processing, whatever Telegram sent
        return "malformed"


def _message_kind(message: dict[str, Any]) -> str:
    text = message.get("text")
    if isinstance(text, str):
        command = _COMMAND.match(text)
        return f"command {command[0]}" if command else "text"
    for kind in _CONTENT_KINDS:
        if kind in message:
            return kind
    return "other"
