"""The branch's archive: every file members and admins send is downloaded into the data dir.

Handlers call `Archive.queue(...)` in the update's transaction (a row, no network); the
`Downloader` loop fetches queued files in the background so that a 20 MB voice file never holds
up the updates behind it, and resumes unfinished downloads after a restart. No user string
reaches a path unchecked: every folder and file name goes through `safe_filename`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.clock import Clock
from bot.runtime.loops import wait_any
from storage import archive
from storage.db import Database
from storage.models import ArchiveFile
from storage.spreadsheets import safe_filename

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# safe_filename's limits: 80 characters before the extension, 250 bytes in all.
MAX_STEM_CHARS = 80
MAX_NAME_BYTES = 250


class Archive:
    """Decides where a file goes and queues its download."""

    def __init__(self, root: Path, clock: Clock) -> None:
        self.root = root
        self.clock = clock

    def queue(
        self,
        session: Session,
        *,
        file_id: str,
        file_unique_id: str,
        size: int | None,
        folder: Sequence[str],
        name: Sequence[str],
        ext: str,
        kind: str,
        ref: str | int,
    ) -> ArchiveFile:
        """Queue a download into root/folder/name.ext (each part sanitised, made unique)."""
        folders = [safe_filename(part, ext="d")[: -len(".d")] for part in folder]
        file_name = safe_filename(*name, ext=ext)
        rel_path, n = "/".join([*folders, file_name]), 1
        while archive.path_taken(session, rel_path):
            n += 1
            rel_path = "/".join([*folders, numbered(file_name, n)])
        return archive.add(
            session,
            file_id=file_id,
            file_unique_id=file_unique_id,
            size=size,
            rel_path=rel_path,
            kind=kind,
            ref=str(ref),
            now=self.clock.now(),
        )

    def path(self, row: ArchiveFile) -> Path:
        resolved = (self.root / row.rel_path).resolve()
        if not resolved.is_relative_to(self.root.resolve()):  # defence in depth
            raise ValueError(f"archive path escapes the archive: {row.rel_path!r}")
        return resolved


def numbered(file_name: str, n: int) -> str:
    """`file_name` (from safe_filename) with "_n" before the extension; the stem is shortened
    if need be, so that the number always shows (else a long name could never be made unique).
    """
    stem, _, ext = file_name.rpartition(".")
    suffix = f"_{n}"
    stem = stem[: MAX_STEM_CHARS - len(suffix)]
    while len(f"{stem}{suffix}.{ext}".encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem}{suffix}.{ext}"


class Downloader:
    """Fetches queued files one at a time (Telegram's file servers prefer that)."""

    def __init__(
        self, bot: Bot, db: Database, archive_: Archive, clock: Clock, poll: float = 2.0
    ) -> None:
        self.bot = bot
        self.db = db
        self.archive = archive_
        self.clock = clock
        self.poll = poll
        self._wake = asyncio.Event()
        db.after_commit(self._on_commit)

    def _on_commit(self, session: Session) -> None:
        if session.info.get("archive_added"):
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            rows: list[ArchiveFile] = []
            try:
                async with self.db.write() as session:
                    rows = archive.pending(session)
                for row in rows:
                    if stop.is_set():
                        break
                    await self.fetch(row)
            except Exception:
                log.exception("archive: downloader hiccup; trying again shortly")
            if rows and not stop.is_set():
                continue
            await wait_any(self._wake, stop, within=self.poll)

    async def fetch(self, row: ArchiveFile) -> None:
        assert row.id is not None
        target = self.archive.path(row)
        status, error = "done", None
        try:
            telegram_file = await self.bot.get_file(row.file_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            await telegram_file.download_to_drive(partial)
            partial.replace(target)
        except BadRequest as exc:
            status, error = ("too_big" if "too big" in str(exc).lower() else "failed"), str(exc)
        except (NetworkError, TelegramError, OSError) as exc:
            status, error = "pending", f"{type(exc).__name__}: {exc}"
            if row.attempts + 1 >= MAX_ATTEMPTS:
                status = "failed"
        if error:
            log.warning("archive: %s -> %s (%s)", row.rel_path, status, error)
        async with self.db.write() as session:
            archive.mark(session, row.id, status, now=self.clock.now(), error=error)
        if status == "pending":
            await asyncio.sleep(min(60.0, 2.0**row.attempts))
