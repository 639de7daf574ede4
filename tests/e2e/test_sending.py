"""Sending through the outbox against a Bot API that pushes back: 429, 5xx, 403."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlmodel import col, select

from storage.models import OutboxMessage, Person
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness

WANG, LI, ZHANG, CHEN = RETIREES

# The bot paces its sends and the fake enforces flood limits, as against Telegram.
pytestmark = pytest.mark.real_pacing


async def queue(harness: Harness, chat_id: int, text: str) -> None:
    assert harness.runner is not None
    async with harness.runner.db.write() as s:
        harness.services.outbox.message(s, chat_id, text)


async def test_a_429_is_waited_out_and_the_message_arrives_once(harness: Harness) -> None:
    await harness.start()
    harness.fake.fail("sendMessage", status=429, retry_after=1, times=2)
    await queue(harness, GROUP_ID, "第一条")
    await queue(harness, GROUP_ID, "第二条")
    await harness.settle()

    assert harness.texts(GROUP_ID) == ["第一条", "第二条"]  # order kept, nothing doubled


async def test_a_private_chat_gets_about_one_message_a_second_and_no_429(
    harness: Harness,
) -> None:
    harness.fake.start_private(WANG)
    await harness.start()
    for n in range(3):
        await queue(harness, WANG, f"第{n + 1}条")
    await harness.settle()

    assert harness.texts(WANG) == ["第1条", "第2条", "第3条"]
    sends = [c for c in harness.fake.calls if c.method == "sendMessage"]
    # Paced by the bot, not pushed back by Telegram: every send was accepted first time.
    assert [c.status for c in sends] == [200, 200, 200]
    gaps = [b.at - a.at for a, b in pairwise(sends)]
    assert min(gaps) >= 1.0, gaps


@pytest.mark.slow
async def test_server_errors_are_retried_with_back_off(harness: Harness) -> None:
    await harness.start()
    harness.fake.fail("sendMessage", status=500, times=2)
    await queue(harness, GROUP_ID, "通知")
    await harness.settle(limit=15)

    assert harness.texts(GROUP_ID) == ["通知"]
    with harness.session() as s:
        row = s.exec(select(OutboxMessage)).one()
        assert row.status == "sent" and row.attempts == 3


async def test_a_member_who_blocked_the_bot_is_marked_and_others_still_served(
    harness: Harness,
) -> None:
    for uid in (WANG, LI):
        harness.fake.start_private(uid)
        harness.fake.message(uid, uid, "/start")
    await harness.start()
    await harness.settle()
    harness.fake.block(WANG)
    await queue(harness, WANG, "王老师，您好")
    await queue(harness, WANG, "第二条提醒")
    await queue(harness, LI, "李老师，您好")
    await harness.settle()

    assert harness.texts(LI)[-1] == "李老师，您好"
    with harness.session() as s:
        wang = s.get(Person, WANG)
        assert wang is not None and wang.unreachable_at is not None
        rows = s.exec(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == WANG)
            .order_by(col(OutboxMessage.id))
        ).all()
        # The /start greeting went out; after the first 403 the rest of the queue is dropped.
        assert [r.status for r in rows] == ["sent", "failed", "failed"]
    refused = [
        c
        for c in harness.fake.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == WANG and c.status == 403
    ]
    assert len(refused) == 1


async def test_a_message_to_someone_who_never_started_the_bot_is_not_retried(
    harness: Harness,
) -> None:
    await harness.start()
    await queue(harness, CHEN, "陈老师，您好")
    await harness.settle()
    with harness.session() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == CHEN)).one()
        assert (row.status, row.attempts, row.error) == (
            "failed",
            1,
            "Forbidden: bot can't initiate conversation with a user",
        )


async def test_a_message_that_cannot_be_sent_is_reported_to_whom_it_concerns(
    harness: Harness,
) -> None:
    harness.fake.start_private(SECRETARY)
    await harness.start()
    assert harness.runner is not None
    async with harness.runner.db.write() as s:
        harness.services.outbox.call(
            s,
            GROUP_ID,
            "sendDocument",
            {"chat_id": GROUP_ID, "document": "no-such-file-id"},
            describe="学习材料《党章》",
            notify_chat_id=SECRETARY,
        )
        harness.services.outbox.message(s, GROUP_ID, "后面的消息照常发出")
    await harness.settle()

    assert harness.texts(GROUP_ID) == ["后面的消息照常发出"]
    assert "学习材料《党章》" in harness.texts(SECRETARY)[-1]


async def test_a_message_waiting_to_retry_is_not_overtaken_in_its_chat(harness: Harness) -> None:
    await harness.start()
    harness.fake.fail("sendDocument", status=500, times=1)
    assert harness.runner is not None
    async with harness.runner.db.write() as s:
        harness.services.outbox.message(s, GROUP_ID, "一、学习材料如下")
        doc = harness.fake.file(b"%PDF-1.4", file_name="a.pdf")
        harness.services.outbox.call(
            s, GROUP_ID, "sendDocument", {"chat_id": GROUP_ID, "document": doc["file_id"]}
        )
        harness.services.outbox.message(s, GROUP_ID, "二、请回复本消息提交心得")
    await harness.settle(limit=15)

    kinds = [m["_method"] for m in harness.fake.sent(GROUP_ID)]
    assert kinds == ["sendMessage", "sendDocument", "sendMessage"]
