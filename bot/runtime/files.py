"""Downloading a file members or admins sent (a question bank, a roster) into memory.

Only for jobs (bot/runtime/jobs.py): never inside an update's transaction. The size is checked
before and after the download, so a file bigger than the caller's limit is never held whole.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger(__name__)


class DownloadFailed(Exception):
    """Telegram would not give us the file (gone, too big for the Bot API, network)."""


class TooBig(Exception):
    """The file is bigger than the caller accepts."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


class Files:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def download(self, file_id: str, *, max_bytes: int) -> bytes:
        """The file's bytes; raises `TooBig` or `DownloadFailed`."""
        try:
            found = await self.bot.get_file(file_id)
            if found.file_size is not None and found.file_size > max_bytes:
                raise TooBig(found.file_size)
            data = bytes(await found.download_as_bytearray())
        except TelegramError as exc:
            log.warning("files: could not download %s: %s", file_id, exc)
            raise DownloadFailed(str(exc)) from exc
        if len(data) > max_bytes:
            raise TooBig(len(data))
        return data
