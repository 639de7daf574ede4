"""The foundation as users meet it: setting up a branch, asking for help, being refused."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import AlreadyRunning, BotRunner
from bot.demo.fake.botapi import FakeBotApi
from bot.texts import common as T
from handlers.callbacks import ExportMenu, LedgerPeriod, QuizExport
from storage import branches, inbox
from storage.models import Branch, InboxUpdate, Member, OutboxMessage, Person
from tests.e2e.harness import (
    COMMITTEE,
    GROUP_ID,
    OUTSIDER,
    RETIREES,
    SECRETARY,
    STAFF,
    Harness,
)

WANG, LI, ZHANG, CHEN = RETIREES


async def test_secretary_sets_up_the_group_as_a_branch(harness: Harness) -> None:
    await harness.start()
    harness.fake.message(GROUP_ID, SECRETARY, "/setup")
    await harness.settle()

    [reply] = harness.fake.sent(GROUP_ID)
    assert "老干之家" in reply["text"] and "支部群" in reply["text"]
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert (branch.chat_id, branch.title, branch.active) == (GROUP_ID, "老干之家", True)

    harness.fake.message(GROUP_ID, COMMITTEE, "/setup")
    await harness.settle()
    assert "无需重复" in harness.texts(GROUP_ID)[-1]


async def test_a_retiree_cannot_set_up_a_branch(harness: Harness) -> None:
    await harness.start()
    harness.fake.message(GROUP_ID, WANG, "/setup")
    await harness.settle()

    assert "只有支部书记和支委" in harness.texts(GROUP_ID)[-1]
    with harness.session() as s:
        assert s.exec(select(Branch)).all() == []


async def test_anonymous_admin_is_asked_to_speak_as_themselves(harness: Harness) -> None:
    await harness.start()
    group = {"id": GROUP_ID, "type": "supergroup", "title": "老干之家"}
    harness.fake.message(GROUP_ID, None, "/setup", sender_chat=group)
    await harness.settle()

    assert harness.texts(GROUP_ID)[-1] == T.ANONYMOUS_ADMIN
    with harness.session() as s:
        assert s.exec(select(Branch)).all() == []


async def test_member_help_explains_replying_and_hides_admin_commands(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, LI, "/help")
    await harness.settle()

    text = harness.texts(GROUP_ID)[-1]
    assert text.startswith("怎样参加学习\n")  # the help, not the /start greeting
    assert "回复" in text and "/help" in text
    assert "/setup" not in text


async def test_admin_and_staff_help_list_their_commands(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, COMMITTEE, "/help")
    await harness.settle()
    assert "/setup" in harness.texts(GROUP_ID)[-1]

    harness.fake.message(STAFF, STAFF, "/help")
    await harness.settle()
    staff_help = harness.texts(STAFF)[-1]
    assert "老干科" in staff_help and "/setup" not in staff_help


async def test_a_member_named_with_angle_brackets_is_greeted_safely(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(ZHANG, ZHANG, "/start")
    await harness.settle()

    # The fake refuses unescaped HTML like Telegram, so arriving at all proves the escaping.
    [greeting] = harness.fake.sent(ZHANG)
    assert "张<伟>" in greeting["text"]
    with harness.session() as s:
        person = s.get(Person, ZHANG)
        assert person is not None and person.private_started


async def test_members_are_registered_as_they_appear(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, WANG, "大家好")
    harness.fake.message(GROUP_ID, SECRETARY, None, new_chat_members=[CHEN])
    harness.fake.chat_member(GROUP_ID, LI, "left", "member")
    await harness.settle()

    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        names = {m.user_id: m.name for m in branches.members(s, branch.id)}
    assert names == {SECRETARY: "赵 书记", WANG: "王建国", CHEN: "陈桂兰", LI: "李秀英"}


async def test_commands_menu_is_registered_by_scope(harness: Harness) -> None:
    harness.fake.start_private(SECRETARY)
    await harness.start(admin_ids=[SECRETARY])
    calls = [c for c in harness.fake.calls if c.method == "setMyCommands"]
    scopes = {json.dumps(c.params.get("scope"), sort_keys=True): c.params for c in calls}
    assert sorted(scopes) == [
        f'{{"chat_id": {SECRETARY}, "type": "chat"}}',
        f'{{"chat_id": {STAFF}, "type": "chat"}}',
        '{"type": "all_chat_administrators"}',
        '{"type": "default"}',
    ]

    def menu(scope: str) -> set[str]:
        return {c["command"] for c in scopes[scope]["commands"]}

    member = {"start", "help", "reflect", "birthday"}
    staff = member | {"export", "report", "results", "upcoming", "branch", "menu"}
    admin = staff | {
        "setup",
        "material",
        "materials",
        "themeday",
        "push",
        "roster",
        "greetings",
        "quiz",
        "remind",
        "settings",
    }
    assert menu('{"type": "default"}') == member
    assert menu('{"type": "all_chat_administrators"}') == admin
    assert menu(f'{{"chat_id": {SECRETARY}, "type": "chat"}}') == admin
    assert menu(f'{{"chat_id": {STAFF}, "type": "chat"}}') == staff


async def test_second_instance_on_the_same_data_dir_refuses_to_start(harness: Harness) -> None:
    await harness.start()
    second = BotRunner(harness.settings(), clock=harness.clock)
    with pytest.raises(AlreadyRunning, match="只能运行一个"):
        await second.start()
    await second.application.shutdown()


async def test_conflict_from_telegram_is_reported(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.fake.fail(
        "getUpdates",
        status=409,
        times=1,
        description="Conflict: terminated by other getUpdates request",
    )
    with caplog.at_level(logging.ERROR):
        await harness.start()
        await harness.fake.wait_until(lambda: "409" in caplog.text)
    assert "只能运行一份" in caplog.text


async def test_the_same_update_stored_twice_is_kept_once(harness: Harness) -> None:
    await harness.start()
    runner = harness.runner
    assert runner is not None
    payload = {
        "update_id": 777,
        "message": {"message_id": 1, "date": 0, "chat": {"id": OUTSIDER, "type": "private"}},
    }
    async with runner.db.write() as s:
        assert inbox.store(s, [payload, payload], now=harness.clock.now()) == 1
    async with runner.db.write() as s:
        assert inbox.store(s, [payload], now=harness.clock.now()) == 0
        assert inbox.count(s) == 1


async def test_a_broken_handler_rolls_back_and_apologises(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    runner = harness.runner
    assert runner is not None

    async def explode(update: object, context: object) -> None:
        raise RuntimeError("boom")

    from telegram.ext import CommandHandler

    runner.application.add_handler(CommandHandler("boom", explode), group=-5)
    harness.fake.message(GROUP_ID, OUTSIDER, "/boom")
    await harness.settle()

    assert "出了点问题" in harness.texts(GROUP_ID)[-1]
    with harness.session() as s:
        # The outsider's registration was part of the failed update: rolled back with it.
        assert s.exec(select(Member).where(Member.user_id == OUTSIDER)).all() == []
        failed = s.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
        assert failed == []


async def test_export_menu_is_private_and_for_staff_only(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, STAFF, "/export")
    harness.fake.message(WANG, WANG, "/export")
    harness.fake.message(STAFF, STAFF, "/export")
    await harness.settle()

    assert harness.texts(GROUP_ID)[-1] == T.EXPORT_PRIVATE_ONLY
    assert all(m["_method"] == "sendMessage" for m in harness.fake.sent(GROUP_ID))
    assert harness.texts(WANG)[-1] == T.NOT_STAFF
    menu = harness.fake.sent(STAFF)[-1]
    buttons = [b["callback_data"] for row in menu["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [ExportMenu("ledger", 1).build(), ExportMenu("quiz", 1).build()]


async def test_deep_links_open_a_private_chat_with_this_bot(harness: Harness) -> None:
    await harness.start()
    assert harness.services.deep_link("reflect_3") == (
        f"https://t.me/{harness.fake.bot_user['username']}?start=reflect_3"
    )


async def test_a_token_telegram_refuses_exits_2_with_a_clear_message(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    wrong = "987654321:AAHthisIsNotTheTokenTheServerKnows_xyz"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "YINLING_BOT_TOKEN": wrong,
        "YINLING_API_BASE_URL": fake.base_url,
        "YINLING_API_FILE_URL": fake.base_file_url,
        "YINLING_DATA_DIR": str(tmp_path / "data"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "拒绝了这个机器人令牌" in stderr.decode()
    assert wrong not in stderr.decode()


async def test_processed_updates_are_forgotten_after_a_week(harness: Harness) -> None:
    await harness.start()
    harness.fake.message(GROUP_ID, WANG, "大家好")
    await harness.settle()
    with harness.session() as s:
        assert inbox.count(s, "done") == 1
    harness.clock.advance(timedelta(days=8))
    await harness.tick()
    with harness.session() as s:
        assert inbox.count(s) == 0


async def test_processed_updates_keep_only_their_id(harness: Harness) -> None:
    await harness.start()
    harness.fake.message(GROUP_ID, WANG, "私人闲聊：明天去医院复查")
    await harness.settle()
    with harness.session() as s:
        rows = s.exec(select(InboxUpdate)).all()
        assert [r.status for r in rows] == ["done"]
        assert all("医院" not in r.payload for r in rows)


async def test_setup_sent_privately_explains_where_to_send_it(harness: Harness) -> None:
    await harness.start(admin_ids=[SECRETARY])
    harness.fake.message(SECRETARY, SECRETARY, "/setup")
    await harness.settle()
    assert "请在支部的群聊里发送 /setup" in harness.texts(SECRETARY)[-1]


async def test_download_buttons_pressed_in_a_group_send_nothing_there(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, STAFF, "/help")
    await harness.settle()
    post = harness.fake.sent(GROUP_ID)[-1]
    for data in (
        ExportMenu("quiz", 1).build(),
        ExportMenu("ledger", 1).build(),
        QuizExport(1).build(),
        LedgerPeriod("y", 1).build(),
    ):
        harness.fake.press(STAFF, GROUP_ID, post["message_id"], data, force=True)
    await harness.settle()

    assert harness.fake.unanswered_callbacks() == []
    answers = [
        c.params.get("text") for c in harness.fake.calls if c.method == "answerCallbackQuery"
    ]
    assert answers == [T.EXPORT_PRIVATE_ONLY] * 4
    assert all(m["_method"] == "sendMessage" for m in harness.fake.sent(GROUP_ID))
