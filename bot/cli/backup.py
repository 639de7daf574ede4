"""`yinling backup [FILE]` and `yinling restore FILE`: the operator's side of storage/backup.py.

A backup is safe while the bot runs; a restore only goes into an empty data dir. A backup or
restore that cannot be done (no database, a damaged file, a non-empty dir) exits 3 with
storage's own explanation; a folder that cannot be written exits 2 like a wrong setting.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from bot.cli.common import (
    EXIT_OK,
    EXIT_RUNTIME,
    CliError,
    load_settings,
    require_data_dir_writable,
    require_writable,
    write_failed,
)
from bot.settings import Settings
from bot.texts import cli as T
from storage import backup as store


def backup(args: argparse.Namespace) -> int:
    """Write a backup: to FILE, into the folder FILE, or dated into <data dir>/backups/."""
    settings = load_settings()
    local_now = datetime.now(settings.tz)
    db_path = database_file(settings)
    target: Path = args.file or store.free_name(settings.backups_dir, local_now)
    if target.is_dir():
        target = store.free_name(target, local_now)
    if db_path.is_file():  # otherwise store.create says that the database is missing
        if args.file is None:
            require_data_dir_writable(settings, settings.backups_dir)
        else:
            require_writable(target.parent.absolute())
    try:
        info = store.create(db_path, settings.archive_dir, target, created_at=local_now)
    except store.BackupError as exc:
        raise CliError(str(exc), EXIT_RUNTIME) from None
    except OSError as exc:
        raise write_failed(exc, target) from None
    print(
        T.BACKUP_DONE.format(
            path=info.path, megabytes=info.size / 1024 / 1024, size=info.size, files=info.files
        )
    )
    return EXIT_OK


def restore(args: argparse.Namespace) -> int:
    """Unpack a backup into the (empty) data dir and check the database's integrity."""
    settings = load_settings()
    db_path = database_file(settings)
    require_data_dir_writable(settings, db_path.parent)
    try:
        info = store.restore(args.file, settings.data_dir, db_path)
    except store.BackupError as exc:
        raise CliError(str(exc), EXIT_RUNTIME) from None
    except OSError as exc:
        raise write_failed(exc, settings.data_dir) from None
    print(T.RESTORED.format(data_dir=settings.data_dir, database=info.database, files=info.files))
    return EXIT_OK


def database_file(settings: Settings) -> Path:
    """The SQLite file to back up or restore; other databases have their own tools (exit 3)."""
    try:
        return store.sqlite_path(settings.db_url)
    except store.BackupError as exc:
        raise CliError(str(exc), EXIT_RUNTIME) from None
