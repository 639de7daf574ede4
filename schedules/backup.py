"""The daily automatic backup: once a day, at or after `YINLING_BACKUP_TIME`, keep the newest N.

If the machine was off at the backup time (an office computer switched on at half past eight),
the day's backup is taken as soon as the bot runs again that day; never twice a day. The day of
the last one is kept in a marker file beside the backups, so a restart does not repeat it. The
copying runs in a worker thread; the bot goes on answering meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.context import Services
from storage import backup

log = logging.getLogger(__name__)

# After a failed backup (a full disk), wait this long before trying again the same day.
RETRY_AFTER = timedelta(hours=1)


async def run_due(services: Services, now: datetime) -> None:
    """Take today's backup if its time has come and it has not been taken yet."""
    settings = services.settings
    if settings.backup_keep <= 0:
        return
    local = now.astimezone(settings.tz)
    if local.time() < settings.backup_at:
        return
    folder = settings.backups_dir
    if backup.last_daily(folder) == local.date():
        return
    state = services.state
    if state.backup_retry_at is not None and now < state.backup_retry_at:
        return
    try:
        db_path = backup.sqlite_path(services.db.url)
        info = await asyncio.to_thread(
            _take, db_path, settings.archive_dir, backup.free_name(folder, local), local
        )
    except (backup.BackupError, OSError, sqlite3.Error) as exc:
        state.backup_retry_at = now + RETRY_AFTER
        log.error("backup: the daily backup failed (%s); trying again in an hour", exc)
        return
    state.backup_retry_at = None
    removed = await asyncio.to_thread(backup.prune, folder, settings.backup_keep)
    log.info(
        "backup: daily backup %s (%d bytes, %d archived files); removed %d old",
        info.path.name,
        info.size,
        info.files,
        len(removed),
    )


def _take(db_path: Path, archive_dir: Path, target: Path, local: datetime) -> backup.BackupInfo:
    info = backup.create(db_path, archive_dir, target, created_at=local)
    backup.mark_daily(target.parent, local.date())
    return info
