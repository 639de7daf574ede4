"""Backups of the data dir: a consistent copy of the SQLite database plus the archive folder.

One backup is one `.tar.gz` holding `yinling.db` (made with SQLite's online backup API, so it
is consistent even while the bot writes), the archive folder (`archive/…`) and a small
`manifest.json`. The database is copied first and the archive after it: every file the copied
database records as downloaded was already on disk when the copy was taken, so it is in the
backup too (a file downloaded later may be in it as well, which does no harm).

Pure storage: no Telegram, no settings object. The CLI (`yinling backup` / `restore`) and the
daily job (`schedules/backup.py`) both call these functions, from a worker thread when the bot
is running, since copying a large archive takes a while.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import BUSY_TIMEOUT_MS

DB_NAME = "yinling.db"
ARCHIVE_NAME = "archive"
MANIFEST_NAME = "manifest.json"
PREFIX = "yinling-backup-"
SUFFIX = ".tar.gz"
# Marks the day of the last automatic backup, so that it runs once a day (see run_daily).
DAILY_MARKER = ".last-daily-backup"
# Voice, photos and documents are compressed already; level 1 keeps big archives quick.
COMPRESSLEVEL = 1
_NAME_RE = re.compile(r"^yinling-backup-(\d{4}-\d{2}-\d{2}-\d{4})(?:-(\d+))?\.tar\.gz$")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class BackupInfo:
    """What a finished backup holds."""

    path: Path
    size: int
    files: int  # archived files (voice, photos, documents) in it


@dataclass(frozen=True)
class RestoreInfo:
    """What a restore put in place."""

    database: Path
    files: int


def sqlite_path(url: str) -> Path:
    """The database file of an SQLite URL; other databases are backed up with their own tools."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupError(
            "只有 SQLite 数据库可以用 yinling backup 备份；其他数据库请用它自己的备份工具。"
            " / Only an SQLite database can be backed up with yinling backup."
        )
    return Path(parsed.database)


def backup_name(local_now: datetime) -> str:
    """yinling-backup-2026-11-26-0830.tar.gz, from the branch's local time."""
    return f"{PREFIX}{local_now:%Y-%m-%d-%H%M}{SUFFIX}"


def free_name(folder: Path, local_now: datetime) -> Path:
    """A dated name in `folder` that no earlier backup has taken (a -2, -3 … if needed)."""
    target = folder / backup_name(local_now)
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{PREFIX}{local_now:%Y-%m-%d-%H%M}-{n}{SUFFIX}"
    return target


def create(db_path: Path, archive_dir: Path, target: Path, *, created_at: datetime) -> BackupInfo:
    """Copy the database (online, consistent) and the archive folder into `target` (.tar.gz).

    Safe while the bot runs: the copy is one read transaction (WAL readers never block the
    writer), and the tarball is written under a temporary name and renamed when complete, so
    an interrupted backup never looks like a finished one.
    """
    if not db_path.is_file():
        raise BackupError(
            f"找不到数据库 {db_path}：请检查 YINLING_DATA_DIR。"
            f" / There is no database at {db_path}; check YINLING_DATA_DIR."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    files = 0
    with tempfile.TemporaryDirectory(prefix="yinling-backup-", dir=target.parent) as tmp:
        copy = Path(tmp) / DB_NAME
        _copy_database(db_path, copy)
        manifest = {
            "format": 1,
            "created_at": created_at.isoformat(),
            "revision": _revision(copy),
        }
        (Path(tmp) / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=COMPRESSLEVEL) as tar:
                tar.add(Path(tmp) / MANIFEST_NAME, arcname=MANIFEST_NAME)
                tar.add(copy, arcname=DB_NAME)
                for path in _archive_files(archive_dir):
                    tar.add(path, arcname=f"{ARCHIVE_NAME}/{path.relative_to(archive_dir)}")
                    files += 1
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupInfo(path=target, size=target.stat().st_size, files=files)


def _copy_database(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(target)
        try:
            # All pages in one step: one read transaction, hence one consistent snapshot.
            src.backup(dst, pages=-1)
            # A self-contained file: no -wal or -shm beside it in the tarball.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _revision(db_file: Path) -> str | None:
    con = sqlite3.connect(db_file)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


def _archive_files(archive_dir: Path) -> list[Path]:
    """Finished files only: a download in progress is a `.part` file, left out."""
    if not archive_dir.is_dir():
        return []
    found = [
        p
        for p in archive_dir.rglob("*")
        if p.is_file() and not p.is_symlink() and not p.name.endswith(".part")
    ]
    return sorted(found)


def integrity(db_file: Path) -> str:
    """SQLite's own check of every page and index: "ok", or what is wrong."""
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        con.close()
    return "; ".join(str(r[0]) for r in rows)


def restore(backup: Path, data_dir: Path, db_path: Path) -> RestoreInfo:
    """Unpack a backup into an empty data dir: the database to `db_path`, files to the archive.

    Refuses a data dir that holds anything (restoring over a live bot's data would mix two
    histories), members of the tarball that would land outside the data dir, and a database
    that fails SQLite's integrity check; after a refusal the data dir is as it was.
    """
    if not backup.is_file():
        raise BackupError(f"找不到备份文件 {backup}。 / There is no backup file {backup}.")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(
            f"数据目录 {data_dir} 不是空的，为了不覆盖现有数据，恢复只能放进空目录。"
            "请先停掉机器人，把这个目录改名留作备用，再恢复。"
            f" / The data dir {data_dir} is not empty; restore only goes into an empty one"
            " (stop the bot and move the old dir aside first)."
        )
    if db_path.exists():
        raise BackupError(
            f"数据库 {db_path} 已经存在，恢复不会覆盖它。 / The database {db_path} already exists."
        )
    created_dir = not data_dir.exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as tmp:
            staging = Path(tmp)
            names = _unpack(backup, staging)
            if DB_NAME not in names:
                raise BackupError(
                    f"{backup} 里没有数据库，可能不是银龄的备份。"
                    f" / {backup} holds no database; is it a Yinling backup?"
                )
            verdict = integrity(staging / DB_NAME)
            if verdict != "ok":
                raise BackupError(
                    f"备份里的数据库已损坏（{verdict}），请换一份较早的备份。"
                    f" / The database in the backup is damaged ({verdict}); use an older backup."
                )
            db_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / DB_NAME, db_path)
            files = 0
            if (staging / ARCHIVE_NAME).is_dir():
                shutil.move(staging / ARCHIVE_NAME, data_dir / ARCHIVE_NAME)
                files = sum(1 for p in (data_dir / ARCHIVE_NAME).rglob("*") if p.is_file())
    except BaseException:
        _empty(data_dir, remove=created_dir)
        if db_path.exists() and not db_path.is_relative_to(data_dir):
            db_path.unlink()
        raise
    return RestoreInfo(database=db_path, files=files)


def _unpack(backup: Path, staging: Path) -> set[str]:
    allowed = (DB_NAME, MANIFEST_NAME, ARCHIVE_NAME)
    try:
        with tarfile.open(backup, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                top = member.name.split("/", 1)[0]
                if top not in allowed or not (member.isfile() or member.isdir()):
                    raise BackupError(
                        f"备份里有不该有的内容（{member.name}），已拒绝恢复。"
                        f" / Unexpected entry {member.name!r} in the backup; not restored."
                    )
            # The "data" filter refuses absolute paths, "..", links and device files.
            tar.extractall(staging, members=members, filter="data")
            return {m.name for m in members}
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            f"无法读取备份文件 {backup}（{exc}）。 / Cannot read the backup {backup}: {exc}"
        ) from exc


def _empty(folder: Path, *, remove: bool) -> None:
    if not folder.exists():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if remove:
        folder.rmdir()


# --- keeping the newest N ------------------------------------------------------------------


def backups_in(folder: Path) -> list[Path]:
    """Dated backups in `folder`, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if _NAME_RE.match(p.name) and p.is_file()),
        key=_sort_key,
    )


def _sort_key(path: Path) -> tuple[str, int]:
    match = _NAME_RE.match(path.name)
    assert match is not None
    return match[1], int(match[2] or 1)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dated backups (and leftovers of interrupted ones)."""
    removed: list[Path] = []
    if folder.is_dir():
        for leftover in folder.glob(f"{PREFIX}*{SUFFIX}.part"):
            leftover.unlink(missing_ok=True)
    found = backups_in(folder)
    for old in found[: max(0, len(found) - keep)]:
        old.unlink(missing_ok=True)
        removed.append(old)
    return removed


# --- once a day -----------------------------------------------------------------------------


def last_daily(folder: Path) -> date | None:
    """The local day of the last automatic backup, if any."""
    try:
        return date.fromisoformat((folder / DAILY_MARKER).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def mark_daily(folder: Path, day: date) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / DAILY_MARKER
    partial = marker.with_name(marker.name + ".tmp")
    partial.write_text(day.isoformat(), encoding="utf-8")
    os.replace(partial, marker)
