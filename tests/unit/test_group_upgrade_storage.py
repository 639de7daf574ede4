"""What moves when Telegram upgrades a basic group to a supergroup (storage only): the branch,
and the pending calls to Telegram with their payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.clock import FakeClock
from bot.runtime.outbox import Outbox
from storage import branches, outbox
from storage.db import Database, sqlite_url
from storage.models import Branch, OutboxMessage

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
OLD, NEW, SECRETARY = -4012345678, -1009876543210, 1001


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(sqlite_url(tmp_path / "y.db"))
    database.migrate()
    return database


def test_basic_group_ids_are_told_from_supergroup_ids() -> None:
    assert branches.is_basic_group(OLD)
    assert branches.is_basic_group(-123456789)
    assert not branches.is_basic_group(NEW)
    assert not branches.is_basic_group(SECRETARY)


def test_pending_calls_follow_the_group_with_their_payloads(db: Database) -> None:
    queue = Outbox(FakeClock(NOW))
    with db.session() as s:
        sent = queue.message(s, OLD, "已发出的邀请")
        queue.message(s, OLD, "提醒", reply_to=41, notify_chat_id=OLD)
        queue.edit_text(s, OLD, 41, "改过的邀请")
        queue.stop_poll(s, OLD, 42)
        queue.message(s, SECRETARY, "私下的通知", notify_chat_id=OLD)
        queue.message(s, -1001111111111, "别的群")
        assert sent is not None
        outbox.mark_sent(s, sent, now=NOW, message_id=41, poll_id=None, result="{}")
        assert outbox.move_chat(s, OLD, NEW) == 1
        s.commit()
        rows = {r.payload: r for r in s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))}

    def row(text: str) -> OutboxMessage:
        return next(r for p, r in rows.items() if text in p)

    # What was sent stays the record of the old chat.
    assert (row("已发出的邀请").chat_id, row("已发出的邀请").status) == (OLD, "sent")
    # A queued message goes to the new id, payload and all, without its reply: message 41 of
    # the old chat is not message 41 of the new one.
    reminder = row("提醒")
    payload = json.loads(reminder.payload)
    assert (reminder.chat_id, payload["chat_id"], reminder.notify_chat_id) == (NEW, NEW, NEW)
    assert "reply_parameters" not in payload
    assert reminder.status == "pending"
    # Edits and stops of old messages cannot be done in the new chat: given up.
    for text in ("改过的邀请", '"message_id": 42'):
        assert (row(text).chat_id, row(text).status) == (OLD, "failed")
        assert "upgraded" in (row(text).error or "")
    # A private notice about the group now names the new id; other chats are untouched.
    assert (row("私下的通知").chat_id, row("私下的通知").notify_chat_id) == (SECRETARY, NEW)
    assert row("别的群").chat_id == -1001111111111


def test_the_branch_moves_once_and_wins_over_a_branch_set_up_in_the_new_group(
    db: Database,
) -> None:
    with db.session() as s:
        s.add(Branch(chat_id=OLD, title="老干之家", created_at=NOW))
        s.add(Branch(chat_id=NEW, title="老干之家", created_at=NOW))  # /setup of an older version
        s.commit()
        moved = branches.migrate_chat(s, OLD, NEW)
        s.commit()
        assert moved is not None and moved.id == 1
        again = branches.migrate_chat(s, OLD, NEW)  # the second service message, a late 400
        s.commit()
        assert again is not None and again.id == 1
    with Session(db.engine) as s:
        found = [
            (b.id, b.chat_id, b.active) for b in s.exec(select(Branch).order_by(col(Branch.id)))
        ]
    assert found == [(1, NEW, True), (2, OLD, False)]
    assert [b.chat_id for b in branches.basic_groups(Session(db.engine))] == [OLD]
