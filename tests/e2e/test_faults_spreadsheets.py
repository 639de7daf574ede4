"""Spreadsheets that explode when opened: a 64 KB question bank that unpacks to 25 MB of shared
strings, a roster padded the same way. The bot refuses them in plain Chinese without parsing
them in its own process, and goes on answering everyone else meanwhile."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from storage.models import Member, Quiz, Reflection
from tests.bombs import BANK_HEADER, BANK_ROW, csv_bytes, shared_strings_bomb, xlsx
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.quiz_helpers import send_bank
from tests.e2e.sessions import push_session

WANG, LI, ZHANG, CHEN = RETIREES


def reflections(harness: Harness) -> list[str]:
    with harness.session() as s:
        return [r.text or "" for r in s.exec(select(Reflection))]


def quizzes(harness: Harness) -> list[str]:
    with harness.session() as s:
        return [q.title for q in s.exec(select(Quiz))]


def refused(harness: Harness, chat_id: int = GROUP_ID) -> list[str]:
    return [t for t in harness.texts(chat_id) if "太大了" in t and "没有打开" in t]


async def test_a_zip_bomb_bank_is_refused_and_members_are_thanked_meanwhile(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    _, invitation = await push_session(harness)
    await harness.settle()
    bomb = shared_strings_bomb()
    assert len(bomb) < 100_000  # 64 KB: far below the 5 MB a bank may have

    loop = asyncio.get_running_loop()
    send_bank(harness, bomb, "党史题库.xlsx")
    # The check has begun (the bank is being downloaded) when a member replies.
    await harness.fake.wait_until(lambda: any(c.method == "getFile" for c in harness.fake.calls))
    started = loop.time()
    harness.fake.message(GROUP_ID, WANG, "学习了新党章，很受教育。", reply_to=invitation)
    await harness.fake.wait_until(lambda: bool(reflections(harness)), timeout=10)
    recorded_after = loop.time() - started
    await harness.fake.wait_until(lambda: bool(refused(harness) or quizzes(harness)), timeout=10)
    refused_after = loop.time() - started
    # Thanks go out once the group is quiet for a while (15 s on the bot's clock).
    harness.clock.advance(timedelta(seconds=20))
    await harness.tick()
    thanked_after = loop.time() - started

    assert recorded_after < 2.0
    assert refused_after < 5.0
    assert thanked_after < 5.0
    assert any("王建国" in t and t.startswith("已收到") for t in harness.texts(GROUP_ID))
    [answer] = refused(harness)
    assert "/quiz 模板" in answer and "另存为" in answer
    assert quizzes(harness) == []
    print(
        f"\nreply recorded after {recorded_after:.2f} s, bank refused after {refused_after:.2f} s,"
        f" thanks sent after {thanked_after:.2f} s"
    )

    # A good bank right after it is imported as usual.
    send_bank(harness, xlsx([BANK_HEADER, BANK_ROW]), "党史题库.xlsx")
    await harness.settle()
    assert quizzes(harness) == ["党史知识测试"]


async def test_a_bank_whose_check_runs_out_of_time_is_refused_and_the_bot_carries_on(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the quick checks let through is parsed in a process of its own, within a time and
    # memory limit; here the limit is too short for any parse.
    monkeypatch.setattr("bot.runtime.sandbox.SECONDS", 0.05)
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, xlsx([BANK_HEADER, BANK_ROW]), "党史题库.xlsx")
    harness.fake.message(LI, LI, "/help")
    await harness.settle()

    assert len(refused(harness)) == 1
    assert quizzes(harness) == []
    assert "怎样参加学习" in harness.texts(LI)[-1]
    harness.fake.message(GROUP_ID, SECRETARY, "/help")
    await harness.settle()
    assert "支部管理命令" in harness.texts(GROUP_ID)[-1]


async def test_a_roster_bomb_is_refused_and_the_roster_stays_as_it_was(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    padded = xlsx([["姓名", "性别"], ["王建国", "男"]], padding=10 * 1024 * 1024)
    tall = csv_bytes(["姓名,性别", "王建国,男"] + [","] * 30_000)
    for name, data in (("名单.xlsx", padded), ("名单.csv", tall)):
        document = harness.fake.file(data, file_name=name)
        harness.fake.message(GROUP_ID, SECRETARY, caption="/roster", document=document)
        await harness.settle()

    answers = refused(harness)
    assert len(answers) == 2
    assert all("/roster 模板" in a and "名单保持原样" in a for a in answers)
    with harness.session() as s:
        assert not s.exec(select(Member).where(Member.on_roster)).all()
