"""The database: WAL, migrations that match the models, upgrades in place."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel, select

import storage.models  # noqa: F401
from storage.db import HEAD, Database, sqlite_url

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def test_a_new_database_is_in_wal_mode_at_the_latest_revision(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    with db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    assert db.current_revision() == db.head_revision()


def test_migrations_create_exactly_the_tables_the_models_describe(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    with db.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
    assert diff == []


def revisions(db: Database) -> list[str]:
    script = ScriptDirectory.from_config(db.alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("start", ["0001", "0002", "0003", "0004"])
def test_an_old_database_upgrades_in_place_keeping_its_rows(tmp_path: Path, start: str) -> None:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate(start)
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO branch (chat_id, title, active, created_at)"
                " VALUES (-100, '老干之家', 1, :now)"
            ),
            {"now": NOW.replace(tzinfo=None)},
        )
    db.migrate()
    assert db.current_revision() == revisions(db)[-1]
    with db.engine.connect() as c:
        assert c.execute(text("SELECT title FROM branch")).scalar() == "老干之家"


def test_every_revision_upgrades_from_the_one_before(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "y.db"))
    for revision in revisions(db):
        db.migrate(revision)
        assert db.current_revision() == revision


def test_times_come_back_aware_in_utc(tmp_path: Path) -> None:
    from sqlmodel import Session

    from storage.models import Branch

    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    with Session(db.engine) as s:
        s.add(Branch(chat_id=-1, title="t", created_at=NOW))
        s.commit()
    with Session(db.engine) as s:
        branch = s.get_one(Branch, 1)
        assert branch.created_at == NOW and branch.created_at.tzinfo is not None


async def test_a_writer_waits_for_another_process_holding_the_write_lock(tmp_path: Path) -> None:
    import sqlite3
    import threading

    from storage.models import Branch

    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    other = sqlite3.connect(tmp_path / "y.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO branch (chat_id, title, active, created_at, options)"
        " VALUES (-2, 'other', 1, '2026-01-01 00:00:00', '{}')"
    )
    release = threading.Timer(1.0, other.commit)
    release.start()
    # Reads first, then writes: with a deferred BEGIN this fails at once with "locked".
    async with db.write() as s:
        s.exec(select(Branch)).all()
        s.add(Branch(chat_id=-3, title="ours", created_at=NOW))
    release.join()
    with db.session() as s:
        assert {b.title for b in s.exec(select(Branch))} == {"other", "ours"}


def test_reflections_keep_their_files_when_files_get_their_own_table(tmp_path: Path) -> None:
    """0012: each reflection's one file becomes its file 1, already thanked for; texts keep
    no file; going back down restores the columns."""
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate("0010")
    at = NOW.replace(tzinfo=None)
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO branch (id, chat_id, title, active, created_at, options)"
                " VALUES (1, -100, '老干之家', 1, :at, '{}')"
            ),
            {"at": at},
        )
        c.execute(
            text(
                "INSERT INTO member (id, branch_id, user_id, name, party_member, active,"
                " joined_at, on_roster, note, public_birthday)"
                " VALUES (1, 1, 11, '王建国', 0, 1, :at, 0, '', 1)"
            ),
            {"at": at},
        )
        c.execute(
            text(
                "INSERT INTO theme_session (id, branch_id, key, local_date, topic, deadline,"
                " reminders, created_at, pushed_at)"
                " VALUES (1, 1, 'k', '2026-11-26', '学习', :at, '[]', :at, :at)"
            ),
            {"at": at},
        )
        c.execute(
            text(
                "INSERT INTO archive_file (id, file_id, file_unique_id, rel_path, status,"
                " attempts, kind, ref, created_at)"
                " VALUES (1, 'v', 'vu', 'a/2026-11-26_王建国_语音心得.ogg', 'done', 1,"
                " 'reflection', '2', :at)"
            ),
            {"at": at},
        )
        for values in (
            "(1, 1, 1, 'text', '心得', NULL, NULL, NULL, NULL, NULL, -100, 1, 0)",
            "(2, 1, 1, 'voice', NULL, 'v', 'vu', 72, 900, 1, -100, 2, 0)",
            "(3, 1, 1, 'photo', '手写', 'p', 'pu', NULL, 500, NULL, -100, 3, 1)",
        ):
            c.execute(
                text(
                    "INSERT INTO reflection (id, session_id, member_id, kind, text, file_id,"
                    " file_unique_id, duration, size, archive_id, chat_id, message_id,"
                    f" ack_pending, via, submitted_at, late) VALUES {values[:-1]}, 'reply', :at, 0)"
                ),
                {"at": at},
            )
    db.migrate()
    with db.engine.connect() as c:
        files = c.execute(
            text(
                "SELECT reflection_id, message_id, kind, file_id, size, duration, ext, caption,"
                " position, archive_id FROM reflection_file ORDER BY id"
            )
        ).all()
        acked = c.execute(text("SELECT id, acked_files FROM reflection ORDER BY id")).all()
    assert [tuple(f) for f in files] == [
        (2, 2, "voice", "v", 900, 72, "ogg", None, 1, 1),
        (3, 3, "photo", "p", 500, None, "jpg", "手写", 1, None),
    ]
    # Thanked already, except the photo whose group thanks were still to come.
    assert [tuple(a) for a in acked] == [(1, 0), (2, 1), (3, 0)]

    config = db.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    with db.engine.connect() as c:
        back = c.execute(text("SELECT id, file_id, size, archive_id FROM reflection")).all()
    assert [tuple(b) for b in back] == [
        (1, None, None, None),
        (2, "v", 900, 1),
        (3, "p", 500, None),
    ]


def test_the_recorded_head_is_the_newest_migration(tmp_path: Path) -> None:
    # A new migration must move storage.db.HEAD along, or the bot would not apply it.
    assert Database(sqlite_url(tmp_path / "y.db")).head_revision() == HEAD


def test_a_database_at_the_head_starts_without_alembic(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "y.db")
    Database(url).migrate()
    code = (
        "import sys; from storage.db import Database; "
        f"Database({url!r}).migrate(); print('alembic' in sys.modules)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "False"
