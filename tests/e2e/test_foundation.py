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
from sqlmodel import col, select

from bot.app import AlreadyRunning, BotRunner
from bot.demo.fake.botapi import FakeBotApi
from bot.texts import common as T
from handlers.callbacks import ExportMenu, HelpTopic, LedgerPeriod, QuizExport
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

    [answer] = [m for m in harness.fake.sent(GROUP_ID) if "怎样参加学习" in m["text"]]
    assert "<b>回复</b>（Reply）" in answer["_html"]  # named as the English apps show it
    assert "/setup" not in answer["text"]
    # The longer help is one tap away: how to hand in, answer, get reminders, every command.
    buttons = [b["text"] for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["📝 怎样交心得", "✅ 怎样答题", "🔔 收提醒和祝福", "📋 全部命令"]
    harness.fake.press(LI, GROUP_ID, answer["message_id"], HelpTopic("commands").build())
    await harness.settle()
    commands = harness.texts(GROUP_ID)[-1]
    assert "/reflect" in commands and "/help" in commands and "/setup" not in commands


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
    # Telegram's "赵" + "书记" is tidied: a Chinese name takes no space.
    assert names == {SECRETARY: "赵书记", WANG: "王建国", CHEN: "陈桂兰", LI: "李秀英"}


async def test_plain_chatter_registers_newcomers_and_renames_and_leaves_out_other_groups(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    f = harness.fake
    f.add_group(-1002222222222, "别的群", creator_id=OUTSIDER, members=[ZHANG])
    f.message(GROUP_ID, WANG, "大家好")
    f.message(GROUP_ID, LI, "大家好")
    f.message(-1002222222222, ZHANG, "这里不是支部群")
    await harness.settle()
    f.rename(WANG, "王老师")
    posted = f.message(GROUP_ID, WANG, "我改名字了")
    f.edit(GROUP_ID, posted["message_id"], "我改名字了！")
    await harness.settle()

    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        names = {m.user_id: m.name for m in branches.members(s, branch.id)}
        people = {p.user_id: p.first_name for p in s.exec(select(Person)).all()}
        statuses = {r.status for r in s.exec(select(InboxUpdate)).all()}
    assert names == {SECRETARY: "赵书记", WANG: "王老师", LI: "李秀英"}
    assert people[ZHANG] == "张<伟>" and people[WANG] == "王老师"
    assert statuses == {"done"}


async def test_commands_menu_is_registered_by_scope(harness: Harness) -> None:
    harness.fake.start_private(SECRETARY)
    await harness.start(admin_ids=[SECRETARY])
    await harness.settle()  # registered after polling began
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
    staff = member | {
        "export",
        "report",
        "results",
        "upcoming",
        "branch",
        "menu",
        "summary",
        "activity",
        "visits",
    }
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
        "status",
    }
    assert menu('{"type": "default"}') == member
    # Pushing and reminding are previewed privately: not in the groups' menu.
    assert menu('{"type": "all_chat_administrators"}') == admin - {"push", "remind"}
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
    assert buttons == [
        ExportMenu("ledger", 1).build(),
        ExportMenu("quiz", 1).build(),
        ExportMenu("summary", 1).build(),
    ]


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


async def test_a_broken_update_in_a_batch_is_rolled_back_alone(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    runner = harness.runner
    assert runner is not None

    async def explode(update: object, context: object) -> None:
        raise RuntimeError("boom")

    from telegram.ext import CommandHandler

    runner.application.add_handler(CommandHandler("boom", explode), group=-5)
    # One batch: a newcomer before, the breaking update (its sender new too), one after.
    harness.fake.message(GROUP_ID, WANG, "大家好")
    harness.fake.message(GROUP_ID, OUTSIDER, "/boom")
    harness.fake.message(GROUP_ID, LI, "大家好")
    await harness.settle()

    with harness.session() as s:
        members = {m.user_id for m in s.exec(select(Member)).all()}
        statuses = [
            r.status for r in s.exec(select(InboxUpdate).order_by(col(InboxUpdate.id))).all()
        ]
    assert WANG in members and LI in members and OUTSIDER not in members
    assert statuses[-3:] == ["done", "failed", "done"]
    assert [t for t in harness.texts(GROUP_ID) if "出了点问题" in t] == [
        harness.texts(GROUP_ID)[-1]
    ]


async def test_a_failed_update_keeps_its_id_kind_and_error_but_not_the_members_words(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    runner = harness.runner
    assert runner is not None

    async def explode(update: object, context: object) -> None:
        raise RuntimeError("boom")

    from telegram.ext import CommandHandler

    runner.application.add_handler(CommandHandler("diary", explode), group=-5)
    sent = harness.fake.message(GROUP_ID, WANG, "/diary 明天去医院复查，血压有点高")
    await harness.settle()

    with harness.session() as s:
        failed = s.exec(select(InboxUpdate).where(InboxUpdate.status == "failed")).one()
    assert "医院" not in failed.payload and "血压" not in failed.payload
    assert failed.update_id > 0 and failed.kind == "message"
    assert failed.error is not None and "RuntimeError('boom')" in failed.error
    # Enough to find it: what kind, the command word, where and from whom (never the words).
    assert f"command /diary chat={GROUP_ID} user={WANG}" in failed.error
    assert "医院" not in failed.error
    assert sent["message_id"] > 0


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
