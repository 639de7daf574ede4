"""The doctor's pure parts: what the bot's membership means, how a line reads, secrets hidden."""

from __future__ import annotations

import inspect
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from telegram import ChatMember, ChatMemberRestricted

from bot.cli.common import shown_proxy
from bot.cli.doctor import (
    LOW_DISK,
    Check,
    branch_checks,
    check_data_dir,
    settings_failed,
)
from bot.settings import Settings
from bot.texts import doctor as T

TOKEN = "123456789:AAHfakeTokenForYinlingTests_abcdefghij"
BOT = {"id": 123456789, "is_bot": True, "first_name": "银龄"}
# Every right a restricted member has, as this python-telegram-bot version names them.
RIGHTS = [
    name
    for name in inspect.signature(ChatMemberRestricted.__init__).parameters
    if name.startswith("can_")
]


def member(status: str, **extra: Any) -> ChatMember:
    data: dict[str, Any] = {"status": status, "user": BOT, **extra}
    if status == "restricted":
        data = {"is_member": True, "until_date": 0, **{r: True for r in RIGHTS}, **data}
    if status == "administrator":
        data |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": False,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        }
    if status == "creator":
        data["is_anonymous"] = False
    parsed = ChatMember.de_json(data, None)
    assert parsed is not None
    return parsed


def verdicts(m: ChatMember, privacy: bool = True) -> list[tuple[bool | None, str]]:
    return [(c.ok, c.zh) for c in branch_checks(m, privacy=privacy, title="老干之家", chat_id=-100)]


@pytest.mark.parametrize("status", ["administrator", "creator"])
def test_an_admin_bot_passes_both_checks(status: str) -> None:
    assert [ok for ok, _ in verdicts(member(status))] == [True, True]


def test_a_member_bot_fails_as_admin_but_reads_replies() -> None:
    (admin_ok, admin), (reads_ok, reads) = verdicts(member("member"))
    assert admin_ok is False and "不是管理员" in admin
    assert reads_ok is True and "隐私模式开着" in reads and "可能看不到成员入群和退群" in reads
    _, (_, without_privacy) = verdicts(member("member"), privacy=False)
    assert "隐私模式" not in without_privacy


def test_a_restricted_bot_that_cannot_post_is_told_apart() -> None:
    results = verdicts(member("restricted", can_send_messages=False))
    assert [ok for ok, _ in results] == [False, False, True]
    assert "被限制" in results[1][1]
    assert [ok for ok, _ in verdicts(member("restricted"))] == [False, True]


@pytest.mark.parametrize("status", ["left", "kicked"])
def test_a_bot_outside_the_group_fails_both(status: str) -> None:
    extra = {"until_date": 0} if status == "kicked" else {}
    results = verdicts(member(status, **extra))
    assert [ok for ok, _ in results] == [False, False]
    assert "不在这个群里" in results[0][1]


def test_a_failed_line_carries_the_fix_in_both_languages() -> None:
    line = Check(False, "令牌无效", "token refused", "换令牌", "new token").lines()
    assert line == "✗ 令牌无效 / token refused\n    — 解决办法: 换令牌 / Fix: new token"
    assert Check(True, "好", "good", "x", "y").lines() == "✓ 好 / good"
    assert Check(None, "注意", "note").lines().startswith(T.INFO_MARK)


def test_the_settings_failure_lists_each_problem() -> None:
    result = settings_failed(["  • YINLING_TIMEZONE: unknown time zone"])
    assert result.ok is False and "YINLING_TIMEZONE" in result.zh and ".env" in result.fix_zh


def test_a_proxy_password_is_never_shown() -> None:
    assert shown_proxy("socks5://bob:hunter2@10.0.0.1:1080") == "socks5://***@10.0.0.1:1080"
    assert shown_proxy("http://127.0.0.1:7890") == "http://127.0.0.1:7890"


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, **values)


def test_a_read_only_backups_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    (data / "backups").mkdir(parents=True)
    real_access = os.access
    # As if a backup run as root had left the folder owned by root (tests may run as root).
    monkeypatch.setattr(
        "bot.cli.doctor.os.access",
        lambda p, mode: Path(p).name != "backups" and real_access(p, mode),
    )
    [result] = check_data_dir(settings(data_dir=data))
    assert result.ok is False and "backups" in result.zh and "chown" in result.fix_zh


def test_a_missing_data_dir_is_fine_when_it_can_be_made(tmp_path: Path) -> None:
    [result] = check_data_dir(settings(data_dir=tmp_path / "new" / "data"))
    assert result.ok is True and "启动时会自动建立" in result.zh
    assert not (tmp_path / "new").exists()


def test_backup_settings_are_checked() -> None:
    s = settings()
    assert (s.backup_time, s.backup_keep) == ("03:30", 14)
    assert s.backups_dir == Path("data/backups")
    assert settings(backup_time="4:05").backup_time == "04:05"
    assert settings(backup_keep=0).backup_keep == 0
    for bad in ({"backup_time": "25:00"}, {"backup_time": "soon"}, {"backup_keep": -1}):
        with pytest.raises(ValidationError):
            settings(**bad)


def free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    usage = shutil.disk_usage(".")
    fake = type(usage)(usage.total, usage.total - free, free)
    monkeypatch.setattr("bot.cli.doctor.shutil.disk_usage", lambda path: fake)


def test_low_disk_space_is_a_failure_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    free_space(monkeypatch, 150 * 1024 * 1024)
    writable, low = check_data_dir(settings(data_dir=tmp_path / "data"))
    assert writable.ok is True and "150 MB" in writable.zh
    assert low.ok is False and "只剩 150 MB" in low.zh and "150 MB left" in low.en
    assert str(tmp_path / "data" / "backups") in low.fix_zh and "backups" in low.fix_en
    assert low.lines().startswith("✗") and "解决办法" in low.lines()


def test_low_disk_space_is_reported_before_the_data_dir_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    free_space(monkeypatch, 20 * 1024 * 1024)
    new, low = check_data_dir(settings(data_dir=tmp_path / "new" / "data"))
    assert new.ok is True and low.ok is False and "20 MB" in low.zh


@pytest.mark.parametrize("free", [LOW_DISK, 5 * 1024**3])
def test_enough_disk_space_is_one_line(
    free: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    free_space(monkeypatch, free)
    [result] = check_data_dir(settings(data_dir=tmp_path))
    assert result.ok is True
    assert LOW_DISK == 200 * 1024 * 1024  # below this a day's voice messages may not fit
