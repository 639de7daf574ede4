"""Backups as the bureau relies on them: taken while the bot works, restorable, daily, pruned."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from storage import backup
from storage.db import Database
from storage.models import Person
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import GROUP_ID, RETIREES, Harness

FIRST_WRITER_ID = 50_000


class Writer:
    """The bot's own database adds one person per transaction, in its event loop, until stopped.

    (Writing through the bot's `Database.write()` is how everything in the bot writes; a second
    writing process is not something Yinling does.)
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.committed = 0  # rows 0 … committed-1 are committed
        self.stopping = False

    async def run(self) -> None:
        while not self.stopping:
            n = self.committed
            async with self.db.write() as session:
                session.add(
                    Person(
                        user_id=FIRST_WRITER_ID + n,
                        first_name=f"写入者{n}",
                        updated_at=datetime.now(SHANGHAI),
                    )
                )
            self.committed = n + 1
            await asyncio.sleep(0.001)


async def test_a_backup_taken_while_the_bot_writes_restores_every_committed_row(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.start()
    await harness.setup_branch()
    settings = harness.settings()
    db_file = backup.sqlite_path(settings.db_url)
    voice = settings.archive_dir / "2026-11 主题党日" / "王建国-语音.oga"
    voice.parent.mkdir(parents=True)
    voice.write_bytes(os.urandom(3_000_000))  # big enough that the tarball takes a while
    (voice.parent / "下载中.oga.part").write_bytes(b"half a file")

    writer = Writer(harness.services.db)
    writing = asyncio.create_task(writer.run())
    await harness.fake.wait_until(lambda: writer.committed >= 200)
    for user_id in RETIREES:  # the bot is busy too: members write in the group
        harness.fake.message(GROUP_ID, user_id, "我来报到")
    before = writer.committed  # every row below this was committed before the backup began
    target = tmp_path / "backups" / "manual.tar.gz"
    info = await asyncio.to_thread(
        backup.create,
        db_file,
        settings.archive_dir,
        target,
        created_at=datetime.now(SHANGHAI),
    )
    during = writer.committed
    await harness.settle()
    writer.stopping = True
    await writing
    assert during > before, "the writer should have kept writing while the backup ran"
    assert info.files == 1 and info.size > 3_000_000

    restored = tmp_path / "restored"
    result = backup.restore(target, restored, restored / "yinling.db")

    assert backup.integrity(result.database) == "ok"
    con = sqlite3.connect(result.database)
    ids = sorted(
        r[0]
        for r in con.execute("SELECT user_id FROM person WHERE user_id >= ?", (FIRST_WRITER_ID,))
    )
    branches = con.execute("SELECT chat_id FROM branch").fetchall()
    con.close()
    # Every row committed before the backup began is there, and the copy is one snapshot: the
    # writer's rows form an unbroken run (no later row without the ones before it).
    assert before <= len(ids) <= during
    assert ids == list(range(FIRST_WRITER_ID, FIRST_WRITER_ID + len(ids)))
    assert branches == [(GROUP_ID,)]
    copied = restored / "archive" / "2026-11 主题党日" / "王建国-语音.oga"
    assert copied.read_bytes() == voice.read_bytes()
    assert not list(restored.rglob("*.part"))


async def test_the_daily_backup_runs_once_a_day_at_its_time_and_keeps_the_newest(
    harness: Harness,
) -> None:
    clock = harness.clock
    clock.set(datetime(2026, 11, 26, 3, 29, tzinfo=SHANGHAI))
    await harness.start(backup_time="03:30", backup_keep=2)
    folder = harness.settings().backups_dir

    def names() -> list[str]:
        return [p.name for p in backup.backups_in(folder)]

    await harness.tick()
    assert names() == []

    clock.set(datetime(2026, 11, 26, 3, 30, tzinfo=SHANGHAI))
    await harness.tick()
    await harness.tick()
    assert names() == ["yinling-backup-2026-11-26-0330.tar.gz"]

    # A restart later the same day does not take a second one.
    clock.advance(timedelta(hours=5))
    await harness.restart()
    await harness.tick()
    assert names() == ["yinling-backup-2026-11-26-0330.tar.gz"]

    clock.set(datetime(2026, 11, 27, 3, 29, tzinfo=SHANGHAI))
    await harness.tick()
    assert len(names()) == 1
    clock.set(datetime(2026, 11, 27, 3, 31, tzinfo=SHANGHAI))
    await harness.tick()
    assert names()[-1] == "yinling-backup-2026-11-27-0331.tar.gz"

    # The machine was off at 03:30 on the 28th: the backup is taken when the bot is back.
    await harness.stop()
    clock.set(datetime(2026, 11, 28, 8, 45, tzinfo=SHANGHAI))
    await harness.start(backup_time="03:30", backup_keep=2)
    await harness.tick()
    assert names() == [
        "yinling-backup-2026-11-27-0331.tar.gz",
        "yinling-backup-2026-11-28-0845.tar.gz",
    ]
    newest = folder / names()[-1]
    restored = harness.data_dir.parent / "from-daily"
    backup.restore(newest, restored, restored / "yinling.db")
    assert backup.integrity(restored / "yinling.db") == "ok"


async def test_keep_zero_turns_the_daily_backup_off(harness: Harness) -> None:
    await harness.start(backup_keep=0)
    await harness.tick()
    assert backup.backups_in(harness.settings().backups_dir) == []


async def test_a_failed_daily_backup_is_tried_again_an_hour_later(harness: Harness) -> None:
    clock = harness.clock
    clock.set(datetime(2026, 11, 26, 3, 30, tzinfo=SHANGHAI))
    folder = harness.settings().backups_dir
    folder.parent.mkdir(parents=True)
    folder.write_text("in the way")  # as if the disk refused: the folder cannot be made
    await harness.start()
    await harness.tick()

    folder.unlink()
    clock.advance(timedelta(minutes=59))
    await harness.tick()
    assert backup.backups_in(folder) == []  # not hammering the disk every tick

    clock.advance(timedelta(minutes=1))
    await harness.tick()
    assert [p.name for p in backup.backups_in(folder)] == ["yinling-backup-2026-11-26-0430.tar.gz"]
