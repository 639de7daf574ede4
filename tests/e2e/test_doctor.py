"""`yinling doctor` as an operator meets it: a healthy set-up, and each thing that goes wrong."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

from bot.cli import doctor
from bot.demo.fake.botapi import BOT_ID, TOKEN
from bot.settings import Settings
from storage.db import Database
from tests.e2e.harness import GROUP_ID, SECRETARY, Harness

OTHER_GROUP = -1009876543210
WRONG_TOKEN = "123456789:AAHthisTokenWasRevokedByBotFather_xyz"


async def diagnose(settings: Settings) -> tuple[int, str]:
    lines: list[str] = []
    code = await doctor.run(settings, out=lines.append)
    return code, "\n".join(lines)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_working_set_up_passes_while_the_bot_runs(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()

    calls_before = len(harness.fake.calls)

    code, text = await diagnose(harness.settings())

    assert code == 0, text
    assert "✗" not in text
    assert "✓ 令牌有效：机器人 @yinling_test_bot" in text
    assert "✓ 能连上 Telegram 服务器 127.0.0.1" in text
    assert "✓ 数据库结构是最新的" in text
    assert "可以写入" in text
    assert f"ℹ 机器人正在运行（进程 {os.getpid()}）" in text
    assert "✓ 「老干之家」(-1001234567890)：机器人是管理员" in text
    assert "能收到成员的回复，也能看到成员入群和退群" in text
    assert "隐私模式开着" in text
    assert "一切正常" in text and "All checks passed" in text
    # It only asked: getMe and getChatMember, nothing sent, no updates taken from the bot.
    asked = {c.method for c in harness.fake.calls[calls_before:]} - {"getUpdates"}
    assert asked == {"getMe", "getChatMember"}


async def test_a_wrong_token_is_reported_with_the_fix(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()

    code, text = await diagnose(harness.settings(bot_token=WRONG_TOKEN))

    assert code == 1
    assert "✗ 令牌无效" in text and "@BotFather" in text and "YINLING_BOT_TOKEN" in text
    assert "解决办法" in text and "Fix:" in text
    assert WRONG_TOKEN not in text and TOKEN not in text
    assert "✓ 能连上 Telegram 服务器" in text  # the server answered, it just refused the token


async def test_an_unreachable_server_is_reported_with_the_proxy_fix(
    harness: Harness, tmp_path: Path
) -> None:
    port = closed_port()
    settings = harness.settings(
        api_base_url=f"http://127.0.0.1:{port}/bot",
        api_file_url=f"http://127.0.0.1:{port}/file/bot",
    )

    code, text = await asyncio.wait_for(diagnose(settings), timeout=30)

    assert code == 1
    assert f"✗ 连不上 Telegram 服务器 127.0.0.1:{port}" in text
    assert "YINLING_PROXY" in text and "YINLING_API_BASE_URL" in text
    # Without a database yet, the doctor says how to make one and creates nothing itself.
    assert "✗ 数据库" in text and "yinling migrate" in text
    assert "ℹ 机器人现在没有运行" in text
    assert not harness.data_dir.exists()


async def test_an_unreachable_proxy_is_named_without_its_password(harness: Harness) -> None:
    port = closed_port()
    settings = harness.settings(proxy=f"http://user:secret@127.0.0.1:{port}")

    code, text = await asyncio.wait_for(diagnose(settings), timeout=30)

    assert code == 1
    assert f"经代理 http://***@127.0.0.1:{port}" in text
    assert "secret" not in text
    assert "YINLING_PROXY" in text


async def test_a_branch_where_the_bot_is_not_an_admin_fails(harness: Harness) -> None:
    fake = harness.fake
    fake.add_group(OTHER_GROUP, "第二支部", creator_id=SECRETARY, bot_status="member")
    await harness.start()
    await harness.setup_branch()
    fake.message(OTHER_GROUP, SECRETARY, "/setup")  # a command reaches a member bot too
    await harness.settle()

    code, text = await diagnose(harness.settings())

    assert code == 1
    assert "✓ 「老干之家」(-1001234567890)：机器人是管理员" in text
    assert f"✗ 「第二支部」({OTHER_GROUP})：机器人不是管理员" in text
    lines = text.splitlines()
    [refused] = [
        n for n, line in enumerate(lines) if line.startswith(f"✗ 「第二支部」({OTHER_GROUP})")
    ]
    # The fix for a bot that is only a member (not one that is restricted or was removed).
    assert lines[refused + 1].startswith(
        "    — 解决办法: 在这个群的设置 → 管理员 → 添加管理员，选中机器人（默认权限即可） / "
    )
    # Replies still reach a member bot under privacy mode; joins and leaves do not.
    assert "✓ 「第二支部」：能收到成员的回复（隐私模式开着，回复机器人的消息照样送到）" in text
    assert "可能看不到成员入群和退群" in text
    assert "有 1 项需要处理" in text


async def test_a_bot_removed_from_a_branch_group_fails(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.set_member_status(GROUP_ID, BOT_ID, "left")

    code, text = await diagnose(harness.settings())

    assert code == 1
    assert "✗ 「老干之家」(-1001234567890)：机器人已经不在这个群里了" in text
    assert "✗ 「老干之家」：机器人收不到成员的回复" in text


async def test_a_nearly_full_disk_fails_with_the_fix(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.start()
    await harness.setup_branch()
    usage = shutil.disk_usage(harness.data_dir)
    nearly_full = type(usage)(usage.total, usage.total - 100 * 1024**2, 100 * 1024**2)
    monkeypatch.setattr("bot.cli.doctor.shutil.disk_usage", lambda path: nearly_full)

    code, text = await diagnose(harness.settings())

    assert code == 1
    assert "✗ 数据目录所在的磁盘只剩 100 MB / only 100 MB left" in text
    assert f"删掉 {harness.data_dir / 'backups'} 里较早的备份" in text
    assert "有 1 项需要处理" in text


async def test_a_database_behind_the_latest_migration_fails(harness: Harness) -> None:
    harness.data_dir.mkdir(parents=True)
    settings = harness.settings()
    db = Database(settings.db_url)
    with db.engine.begin() as connection:  # a database file with no schema yet
        connection.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
    db.dispose()

    code, text = await diagnose(settings)

    assert code == 1
    assert "✗ 数据库结构不是最新的" in text and "yinling migrate" in text


async def test_the_cli_reports_bad_settings_and_a_good_set_up(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.start()
    await harness.setup_branch()
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    async def cli(env: dict[str, str]) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "doctor",
            env={**base, **env},
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode is not None
        return process.returncode, out.decode()

    code, text = await cli({"YINLING_BOT_TOKEN": "12345:short"})
    assert code == 1
    assert "✗ 设置有误" in text and "格式不对" in text and "12345:short" not in text

    code, text = await cli(
        {
            "YINLING_BOT_TOKEN": TOKEN,
            "YINLING_API_BASE_URL": harness.fake.base_url,
            "YINLING_API_FILE_URL": harness.fake.base_file_url,
            "YINLING_DATA_DIR": str(harness.data_dir),
        }
    )
    assert code == 0, text
    assert "✓ 「老干之家」" in text and TOKEN not in text
