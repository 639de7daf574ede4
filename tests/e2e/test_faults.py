"""When Telegram or the disk push back: 5xx, timeouts, 429 for a while, members who blocked the
bot, getUpdates failing, and the database locked by another process. The bot waits, backs off
and carries on, and nothing it was sending is lost or doubled."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Unpack

import pytest
from sqlmodel import col, func, select

from bot.demo.fake.botapi import FakeBotApi
from bot.runtime.outbox import InputMedia, QueueMeta
from storage.models import InboxUpdate, OutboxMessage, Person
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness

WANG, LI, ZHANG, CHEN = RETIREES

# The bot paces its sends and the fake enforces flood limits, as against Telegram.
pytestmark = pytest.mark.real_pacing


@pytest.fixture(autouse=True)
def no_exports_in_groups(fake: FakeBotApi) -> Iterator[None]:
    """Whatever these tests make the bot do, no spreadsheet ever goes to a group."""
    yield
    assert_no_exports_in_groups(fake)


def assert_no_exports_in_groups(fake: FakeBotApi) -> None:
    for call in fake.calls:
        if call.method != "sendDocument" or int(call.params.get("chat_id", 0)) >= 0:
            continue
        names = [str(n) for n in call.files] + [str(call.params.get("document", ""))]
        assert not any(n.endswith((".xlsx", ".csv")) for n in names), call.summary()


async def queue(harness: Harness, chat_id: int, text: str, **meta: Unpack[QueueMeta]) -> None:
    assert harness.runner is not None
    async with harness.runner.db.write() as s:
        harness.services.outbox.message(s, chat_id, text, **meta)


def posts(fake: FakeBotApi, method: str, chat_id: int) -> list[int]:
    """HTTP statuses of the bot's calls of `method` to `chat_id`, in order."""
    return [
        c.status for c in fake.calls if c.method == method and c.params.get("chat_id") == chat_id
    ]


@pytest.mark.slow
async def test_get_updates_failing_for_a_while_is_retried_with_back_off(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.settle()
    harness.fake.fail("getUpdates", status=500, times=1)
    harness.fake.fail("getUpdates", status=502, times=1, description="Bad Gateway")
    harness.fake.message(GROUP_ID, SECRETARY, "/setup")
    await harness.settle(limit=20)

    assert len(harness.fake.sent(GROUP_ID)) == 1  # answered once, after the outage
    polls = [c for c in harness.fake.calls if c.method == "getUpdates"]
    failed = [i for i, c in enumerate(polls) if c.status >= 500]
    assert len(failed) == 2
    first, second = failed
    # Back-off: the wait after the second failure is longer than after the first.
    gap_1 = polls[first + 1].at - polls[first].at
    gap_2 = polls[second + 1].at - polls[second].at
    assert 1.0 <= gap_1 < gap_2


@pytest.mark.slow
async def test_a_send_that_times_out_is_retried_and_arrives(harness: Harness) -> None:
    await harness.start()
    # PTB's read timeout is 5 s; Telegram still delivers what it was sent after a timeout, so the
    # one message in flight arrives twice (the fake, like Telegram, finishes the hung call half
    # a second later; the retry comes after that), never zero times, and the queue behind it
    # goes on.
    harness.fake.hang("sendMessage", 5.5)
    await queue(harness, GROUP_ID, "第一条通知")
    await queue(harness, GROUP_ID, "第二条通知")
    await harness.settle(limit=30)

    assert harness.texts(GROUP_ID) == ["第一条通知", "第一条通知", "第二条通知"]
    with harness.session() as s:
        rows = s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        # The timeout was one attempt; the error it left is cleared once the retry is sent.
        assert [(r.status, r.attempts, r.error) for r in rows] == [
            ("sent", 2, None),
            ("sent", 1, None),
        ]


@pytest.mark.slow
async def test_a_stretch_of_429s_across_chats_delivers_everything_once_in_order(
    harness: Harness,
) -> None:
    for uid in (WANG, LI):
        harness.fake.start_private(uid)
    await harness.start()
    injected = "Too Many Requests: retry after 1 (injected)"
    harness.fake.fail("sendMessage", status=429, retry_after=1, times=4, description=injected)
    for n in range(3):
        await queue(harness, GROUP_ID, f"群通知{n}")
        await queue(harness, WANG, f"王老师提醒{n}")
        await queue(harness, LI, f"李老师提醒{n}")
    await harness.settle(limit=30)

    assert harness.texts(GROUP_ID) == ["群通知0", "群通知1", "群通知2"]
    assert harness.texts(WANG) == ["王老师提醒0", "王老师提醒1", "王老师提醒2"]
    assert harness.texts(LI) == ["李老师提醒0", "李老师提醒1", "李老师提醒2"]
    assert sum(1 for c in harness.fake.calls if c.error == injected) == 4
    # On a busy machine the sender's own pace can slip and meet the fake's real flood limits
    # too: those are Telegram's 429s, waited out like the injected ones, and never more than a
    # few for these nine messages.
    others = [c for c in harness.fake.calls if c.status == 429 and c.error != injected]
    assert all(c.error and c.error.startswith("Too Many Requests") for c in others)
    assert len(others) <= 3


async def test_materials_held_back_by_a_429_keep_their_place_before_the_invitation(
    harness: Harness,
) -> None:
    await harness.start()
    documents = [
        harness.fake.file(b"%PDF-1.4", file_name=name, mime_type="application/pdf")["file_id"]
        for name in ("党章.pdf", "学习提纲.pdf")
    ]
    harness.fake.fail("sendMediaGroup", status=429, retry_after=1)
    assert harness.runner is not None
    async with harness.runner.db.write() as s:
        outbox = harness.services.outbox
        outbox.message(s, GROUP_ID, "<b>主题党日</b>", dedupe_key="t:header")
        media: list[InputMedia] = [{"type": "document", "media": f} for f in documents]
        outbox.call(
            s, GROUP_ID, "sendMediaGroup", {"chat_id": GROUP_ID, "media": media}, dedupe_key="t:m"
        )
        outbox.message(s, GROUP_ID, "请回复这条消息提交心得", dedupe_key="t:invitation")
    await harness.settle(limit=20)

    sent = harness.fake.sent(GROUP_ID)
    assert [m["_method"] for m in sent] == [
        "sendMessage",
        "sendMediaGroup",
        "sendMediaGroup",
        "sendMessage",
    ]
    assert [m["document"]["file_name"] for m in sent[1:3]] == ["党章.pdf", "学习提纲.pdf"]


@pytest.mark.slow
async def test_members_who_blocked_the_bot_cause_no_retry_storm_and_others_are_served(
    harness: Harness,
) -> None:
    for uid in RETIREES:
        harness.fake.message(uid, uid, "/start")
    await harness.start()
    await harness.settle()
    harness.fake.block(WANG)  # Telegram tells the bot at once (my_chat_member)
    await harness.settle()
    with harness.session() as s:
        wang = s.get(Person, WANG)
        assert wang is not None and wang.unreachable_at is not None
    harness.fake.block(ZHANG)  # told too late: the reminders are already queued
    for uid in RETIREES:
        for n in range(3):
            await queue(harness, uid, f"提醒{n}")
    await harness.settle()

    for uid in (LI, CHEN):
        assert harness.texts(uid)[1:] == ["提醒0", "提醒1", "提醒2"]  # after the /start reply
    for uid in (WANG, ZHANG):
        # The /start reply went out; of the reminders one try, then the queue is dropped.
        assert posts(harness.fake, "sendMessage", uid) == [200, 403]
    with harness.session() as s:
        unreachable = s.exec(select(Person.user_id).where(col(Person.unreachable_at).is_not(None)))
        assert sorted(unreachable) == sorted([WANG, ZHANG])
        statuses = s.exec(
            select(OutboxMessage.status, func.count())
            .where(col(OutboxMessage.chat_id).in_([WANG, ZHANG]))
            .group_by(col(OutboxMessage.status))
        ).all()
        assert dict(statuses) == {"sent": 2, "failed": 6}

    # Writing to the bot again makes them reachable, and new messages go out.
    harness.fake.message(WANG, WANG, "/help")
    await harness.settle()
    assert len(harness.fake.sent(WANG)) == 2
    with harness.session() as s:
        wang = s.get(Person, WANG)
        assert wang is not None and wang.unreachable_at is None


LOCKER = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
    connection.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("COMMIT")
    print("released", time.monotonic(), flush=True)
    """
)


@pytest.mark.slow
async def test_the_database_locked_by_another_process_makes_the_bot_wait_not_fail(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.start()
    await harness.setup_branch()
    db_path = harness.data_dir / "yinling.db"
    loop = asyncio.get_running_loop()
    # Timed from before the locker starts: the bot's own wait on the lock blocks this event
    # loop too (SQLite's busy wait is synchronous), so "locked" may be read only afterwards.
    locked_at = loop.time()
    locker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LOCKER, str(db_path), "3", stdout=asyncio.subprocess.PIPE
    )
    assert locker.stdout is not None
    assert (await locker.stdout.readline()).strip() == b"locked"
    # While the lock is held: members speak, someone asks for help, a reminder is due.
    for uid in RETIREES:
        harness.fake.message(GROUP_ID, uid, "大家好")
    harness.fake.message(LI, LI, "/help")
    await harness.settle(limit=30)
    released = float((await locker.stdout.readline()).split()[1])
    assert await locker.wait() == 0

    assert loop.time() - locked_at >= 2.5
    # The bot could not store or answer anything while the lock was held: it waited, then
    # carried on (time.monotonic is one clock for both processes).
    [answer] = [
        c
        for c in harness.fake.calls
        if c.method == "sendMessage" and c.status == 200 and c.params.get("chat_id") == LI
    ]
    assert answer.at >= released
    with harness.session() as s:
        statuses = s.exec(select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status))
        assert dict(statuses.all()) == {"done": 1 + len(RETIREES) + 1}
    assert harness.runner is not None
    assert all(not t.done() for t in harness.runner._tasks)


async def test_role_checks_are_not_held_to_the_group_send_limit(harness: Harness) -> None:
    # Telegram allows a bot 20 messages a minute in a group; reading who is an admin is not
    # limited. Paced like sends, the 21st check in a minute would stall every update behind it.
    await harness.start()
    people = range(970_000, 970_030)
    for uid in people:
        harness.fake.add_user(uid, f"成员{uid}")
    harness.fake.add_group(-1001777000111, "另一个支部", creator_id=SECRETARY, members=people)
    loop = asyncio.get_running_loop()
    started = loop.time()
    roles = harness.services.roles
    for uid in people:
        assert not await roles.is_admin(uid, -1001777000111)
    assert loop.time() - started < 5
