"""The disk fills up (or the database stays locked) while the bot is sending: Telegram takes a
message, but writing down that it did fails. The message must never go out a second time, the
sender must wait quietly instead of spinning, and carry on by itself once it can write again."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import col, select

from storage.models import InboxUpdate, OutboxMessage, Quiz
from tests.bombs import BANK_HEADER, BANK_ROW, xlsx
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.quiz_helpers import send_bank

WANG, LI, ZHANG, CHEN = RETIREES
WRITES = ("INSERT", "UPDATE", "DELETE")


class FullDisk:
    """While `full`, every write to the bot's database fails the way SQLite fails on a full
    disk (SQLITE_FULL, "database or disk is full"); reads still work, as they do then."""

    def __init__(self, engine: Engine) -> None:
        self.full = False
        self.refused: list[str] = []
        self._fill_after: str | None = None
        event.listen(engine, "before_cursor_execute", self._check)

    def fill_after(self, table: str) -> None:
        """The next write to `table` still fits; every write after it fails."""
        self._fill_after = f"INSERT INTO {table} "

    def _check(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(WRITES):
            return
        if self._fill_after is not None and statement.startswith(self._fill_after):
            self._fill_after = None
            self.full = True
            return
        if self.full:
            self.refused.append(statement)
            raise sqlite3.OperationalError("database or disk is full")

    def refused_on(self, table: str) -> int:
        return sum(1 for s in self.refused if f" {table} " in f" {s} " or f"{table}\n" in s)


def sender_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.runtime.sender"]


def sends(harness: Harness, text: str) -> int:
    """How many times Telegram accepted a message with this text in the group."""
    return harness.texts(GROUP_ID).count(text)


async def test_a_message_telegram_took_is_not_sent_again_while_the_disk_is_full(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.start()
    await harness.setup_branch()
    assert harness.runner is not None
    disk = FullDisk(harness.runner.db.engine)
    harness.services.sender.storage_backoff = 0.5  # then 1 s, 2 s … (1 s, 2 s … by default)
    outbox = harness.services.outbox
    async with harness.runner.db.write() as s:
        outbox.message(s, GROUP_ID, "主题党日：学习党章", dedupe_key="t:header")
        outbox.message(s, GROUP_ID, "请回复这条消息提交心得", dedupe_key="t:invitation")
    # The sender wakes after this commit; by then the disk is full: Telegram takes the header,
    # and recording that it did fails.
    disk.full = True
    caplog.set_level(logging.INFO, logger="bot.runtime.sender")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await harness.fake.wait_until(lambda: disk.refused_on("outbox") >= 3, timeout=30)
    held = loop.time() - started

    # Three tries to record it over 1.5 s (backing off: 0.5 s, then 1 s; not spinning), and the
    # header went out once; nothing behind it overtook it.
    assert sends(harness, "主题党日：学习党章") == 1
    assert sends(harness, "请回复这条消息提交心得") == 0
    assert held >= 1.4
    assert disk.refused_on("outbox") <= 4
    trouble = [r for r in sender_log(caplog) if r.levelno >= logging.WARNING]
    assert len(trouble) == 1, [r.getMessage() for r in trouble]
    assert "disk" in trouble[0].getMessage()

    # Room again: the sender records what Telegram took, then sends the rest, once each.
    disk.full = False
    await harness.settle(limit=30)
    assert harness.texts(GROUP_ID)[1:] == ["主题党日：学习党章", "请回复这条消息提交心得"]
    header = harness.fake.sent(GROUP_ID)[1]
    with harness.session() as s:
        rows = s.exec(
            select(OutboxMessage).where(col(OutboxMessage.dedupe_key).in_(["t:header"]))
        ).all()
        assert [(r.status, r.message_id) for r in rows] == [("sent", header["message_id"])]
    assert any("again" in r.getMessage() for r in sender_log(caplog))


async def test_members_wait_unconfirmed_while_the_disk_is_full_and_are_answered_after(
    harness: Harness,
) -> None:
    for uid in (WANG, LI):
        harness.fake.start_private(uid)
    await harness.start()
    await harness.setup_branch()
    assert harness.runner is not None
    disk = FullDisk(harness.runner.db.engine)
    disk.full = True
    harness.fake.message(WANG, WANG, "/help")
    harness.fake.message(LI, LI, "/help")
    await harness.fake.wait_until(lambda: disk.refused_on("inbox") >= 1, timeout=10)
    # Not stored, so not confirmed to Telegram: nothing is lost while the disk is full.
    assert harness.fake.unconfirmed() == 2
    assert harness.fake.sent(WANG) == []

    disk.full = False
    await harness.settle(limit=30)
    assert len(harness.fake.sent(WANG)) == 1
    assert len(harness.fake.sent(LI)) == 1
    with harness.session() as s:
        assert len(s.exec(select(InboxUpdate)).all()) == 3  # /setup and the two /help
    assert SECRETARY  # the secretary's /setup was answered before the disk filled


async def test_the_disk_filling_up_before_an_update_is_handled_does_not_stop_the_bot(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.start()
    await harness.setup_branch()
    assert harness.runner is not None
    disk = FullDisk(harness.runner.db.engine)
    disk.fill_after("inbox")  # the update is stored; handling it finds the disk full
    harness.fake.message(WANG, WANG, "/help")

    def said() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "bot.runtime.inbox" and "cannot write to the database" in r.getMessage()
        ]

    # The processor notices (the planner's own writes are refused too, meanwhile), then keeps
    # trying without saying so again.
    await harness.fake.wait_until(lambda: len(said()) == 1, timeout=30)
    refused = len(disk.refused)
    await harness.fake.wait_until(lambda: len(disk.refused) >= refused + 3, timeout=30)
    assert all(not t.done() for t in harness.runner._tasks)  # the bot is still running
    assert harness.fake.sent(WANG) == []
    assert len(said()) == 1

    disk.full = False
    await harness.settle(limit=30)
    assert len(harness.fake.sent(WANG)) == 1  # answered once, when there was room again
    with harness.session() as s:
        assert {u.status for u in s.exec(select(InboxUpdate))} == {"done"}


async def test_a_job_whose_result_cannot_be_stored_waits_instead_of_running_again_and_again(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    assert harness.runner is not None
    disk = FullDisk(harness.runner.db.engine)

    def downloads() -> int:
        return sum(1 for c in harness.fake.calls if c.method == "getFile")

    harness.fake.hang("getFile", 0.3)
    send_bank(harness, xlsx([BANK_HEADER, BANK_ROW]), "党史题库.xlsx")
    await harness.fake.wait_until(lambda: downloads() == 1)
    disk.full = True  # the bank is being checked; storing the quiz will fail
    loop = asyncio.get_running_loop()
    started = loop.time()
    await harness.fake.wait_until(lambda: downloads() >= 3, timeout=30)

    # Tried again after 1 s, then 2 s: not over and over while the disk is full.
    assert loop.time() - started >= 2.5
    disk.full = False
    await harness.settle(limit=30)
    with harness.session() as s:
        assert [q.title for q in s.exec(select(Quiz))] == ["党史知识测试"]
    assert len([t for t in harness.texts(GROUP_ID) if "题库已导入" in t]) == 1
