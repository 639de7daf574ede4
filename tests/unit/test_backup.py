"""Backup files: names, pruning, refusing a bad restore, and the yinling backup/restore CLI."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storage import backup
from storage.db import Database, sqlite_url

TOKEN = "123456789:AAHfakeTokenForYinlingTests_abcdefghij"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 8, 30, tzinfo=SHANGHAI)


def make_data_dir(root: Path) -> Path:
    """A data dir with a migrated database, one branch and an archived file."""
    data = root / "data"
    data.mkdir(parents=True)
    db = Database(sqlite_url(data / "yinling.db"))
    db.migrate()
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO branch (chat_id, title, active, created_at, options)"
            " VALUES (-100123, '老干之家', 1, '2026-11-26 00:00:00', '{}')"
        )
    db.dispose()
    (data / "archive" / "材料").mkdir(parents=True)
    (data / "archive" / "材料" / "学习.pdf").write_bytes(b"%PDF-1.4 test")
    return data


def test_names_are_dated_in_local_time_and_never_collide(tmp_path: Path) -> None:
    assert backup.backup_name(NOW) == "yinling-backup-2026-11-26-0830.tar.gz"
    first = backup.free_name(tmp_path, NOW)
    first.write_bytes(b"")
    second = backup.free_name(tmp_path, NOW)
    assert second.name == "yinling-backup-2026-11-26-0830-2.tar.gz"


def test_prune_keeps_the_newest_and_clears_leftovers(tmp_path: Path) -> None:
    names = [
        "yinling-backup-2026-11-24-0330.tar.gz",
        "yinling-backup-2026-11-25-0330.tar.gz",
        "yinling-backup-2026-11-26-0330.tar.gz",
        "yinling-backup-2026-11-26-0330-2.tar.gz",
        "yinling-backup-2026-11-26-0330-10.tar.gz",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "yinling-backup-2026-11-27-0330.tar.gz.part").write_bytes(b"half")
    (tmp_path / "my-own-copy.tar.gz").write_bytes(b"mine")

    removed = backup.prune(tmp_path, keep=2)

    assert sorted(p.name for p in removed) == sorted(names[:3])
    assert [p.name for p in backup.backups_in(tmp_path)] == names[3:]
    assert (tmp_path / "my-own-copy.tar.gz").exists()
    assert not list(tmp_path.glob("*.part"))


def test_the_daily_marker_round_trips(tmp_path: Path) -> None:
    assert backup.last_daily(tmp_path / "backups") is None
    backup.mark_daily(tmp_path / "backups", date(2026, 11, 26))
    assert backup.last_daily(tmp_path / "backups") == date(2026, 11, 26)


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path)
    info = backup.create(
        data / "yinling.db", data / "archive", tmp_path / "b.tar.gz", created_at=NOW
    )
    assert info.files == 1
    with tarfile.open(info.path) as tar:
        assert sorted(tar.getnames()) == ["archive/材料/学习.pdf", "manifest.json", "yinling.db"]

    target = tmp_path / "new"
    result = backup.restore(info.path, target, target / "yinling.db")

    assert result.files == 1
    assert (target / "archive" / "材料" / "学习.pdf").read_bytes() == b"%PDF-1.4 test"
    con = sqlite3.connect(target / "yinling.db")
    assert con.execute("SELECT title FROM branch").fetchall() == [("老干之家",)]
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    con.close()
    assert sorted(p.name for p in target.iterdir()) == ["archive", "yinling.db"]


def test_restore_refuses_a_non_empty_data_dir(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path)
    info = backup.create(
        data / "yinling.db", data / "archive", tmp_path / "b.tar.gz", created_at=NOW
    )
    before = sorted(p.relative_to(data) for p in data.rglob("*"))

    with pytest.raises(backup.BackupError, match="不是空的"):
        backup.restore(info.path, data, data / "yinling.db")

    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before


def tarball(path: Path, entries: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in entries.items():
            member = tarfile.TarInfo(name)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    return path


def test_restore_refuses_entries_outside_the_data_dir(tmp_path: Path) -> None:
    bad = tarball(tmp_path / "evil.tar.gz", {"yinling.db": b"", "../outside.txt": b"x"})
    target = tmp_path / "new"
    with pytest.raises(backup.BackupError, match="不该有的内容"):
        backup.restore(bad, target, target / "yinling.db")
    assert not (tmp_path / "outside.txt").exists()
    assert not target.exists()


def test_restore_refuses_a_damaged_database_and_leaves_the_dir_empty(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path)
    damaged = bytearray((data / "yinling.db").read_bytes())
    damaged[4096 : 4096 + 2048] = os.urandom(2048)  # garble a page in the middle
    bad = tarball(tmp_path / "bad.tar.gz", {"yinling.db": bytes(damaged)})
    target = tmp_path / "new"
    target.mkdir()

    with pytest.raises(backup.BackupError, match="损坏"):
        backup.restore(bad, target, target / "yinling.db")
    assert list(target.iterdir()) == []


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "notes.tar.gz").write_text("not a tarball")
    with pytest.raises(backup.BackupError, match="无法读取"):
        backup.restore(tmp_path / "notes.tar.gz", tmp_path / "new", tmp_path / "new" / "y.db")
    no_db = tarball(tmp_path / "empty.tar.gz", {"manifest.json": b"{}"})
    with pytest.raises(backup.BackupError, match="没有数据库"):
        backup.restore(no_db, tmp_path / "new", tmp_path / "new" / "y.db")


def test_only_sqlite_can_be_backed_up() -> None:
    assert backup.sqlite_path("sqlite:////srv/y/yinling.db") == Path("/srv/y/yinling.db")
    with pytest.raises(backup.BackupError, match="SQLite"):
        backup.sqlite_path("postgresql://localhost/yinling")


def test_a_missing_database_is_explained(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="YINLING_DATA_DIR"):
        backup.create(tmp_path / "none.db", tmp_path, tmp_path / "b.tar.gz", created_at=NOW)


def cli(*args: str, data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "YINLING_BOT_TOKEN": TOKEN}
    env["YINLING_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_backup_and_restore_commands(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path)

    made = cli("backup", data_dir=data, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    [written] = backup.backups_in(data / "backups")
    assert str(written) in made.stdout and "备份完成" in made.stdout

    chosen = cli("backup", str(tmp_path / "copy.tar.gz"), data_dir=data, cwd=tmp_path)
    assert chosen.returncode == 0 and (tmp_path / "copy.tar.gz").is_file()

    refused = cli("restore", str(written), data_dir=data, cwd=tmp_path)
    assert refused.returncode == 3 and "不是空的" in refused.stderr  # EXIT_RUNTIME

    fresh = tmp_path / "fresh"
    restored = cli("restore", str(written), data_dir=fresh, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "integrity_check: ok" in restored.stdout
    assert (fresh / "archive" / "材料" / "学习.pdf").is_file()
    assert backup.integrity(fresh / "yinling.db") == "ok"


def test_help_lists_the_operator_commands(tmp_path: Path) -> None:
    result = cli("--help", data_dir=tmp_path / "data", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("doctor", "backup", "restore"):
        assert command in result.stdout
