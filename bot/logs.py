"""Logging for operators: one line per event, rotated, and never the bot token."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

TOKEN_IN_TEXT = re.compile(r"\d{3,15}:[A-Za-z0-9_-]{30,}")


class RedactToken(logging.Filter):
    """Blank out anything shaped like a bot token (httpx logs URLs that contain it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_IN_TEXT.search(message):
            record.msg = TOKEN_IN_TEXT.sub("<token>", message)
            record.args = None
        return True


def setup(level: str = "INFO", log_dir: Path | None = None) -> None:
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_dir / "yinling.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
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
    # The sender handles every 429 itself (AIORateLimiter runs with max_retries=0) and logs a
    # warning; PTB's limiter would add an ERROR with a traceback for each one.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
