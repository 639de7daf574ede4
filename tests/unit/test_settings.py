"""Settings: parsed once, with clear errors for what an operator gets wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.logs import TOKEN_IN_TEXT
from bot.settings import Settings

TOKEN = "123456789:AAHfakeTokenForYinlingTests_abcdefghij"


def make(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def test_defaults_and_id_lists() -> None:
    s = make(bot_token=TOKEN, admin_ids="1001, 1002，1003", staff_ids="7")
    assert s.admin_ids == [1001, 1002, 1003] and s.staff_ids == [7]
    assert s.timezone == "Asia/Shanghai" and s.data_dir == Path("data")
    assert s.db_url.startswith("sqlite:///") and s.db_url.endswith("data/yinling.db")
    assert "api.telegram.org" in s.api_base_url


@pytest.mark.parametrize(
    "field,value",
    [
        ("bot_token", "not-a-token"),
        ("timezone", "Mars/Olympus"),
        ("proxy", "ftp://x"),
        ("proxy", "socks5://bob:hunter2@127.0.0.1:notaport"),
        ("proxy", "http://bob:hunter2@[::1"),
        ("proxy", "socks5://:1080"),
        ("log_level", "LOUD"),
    ],
)
def test_bad_values_are_refused(field: str, value: str) -> None:
    values = {"bot_token": TOKEN, field: value}
    with pytest.raises(ValidationError):
        make(**values)


@pytest.mark.parametrize(
    "proxy",
    ["socks5://127.0.0.1:1080", "socks5h://bob:p%40ss@proxy.lan:1080", "http://proxy.corp"],
)
def test_usual_proxies_are_accepted(proxy: str) -> None:
    assert make(bot_token=TOKEN, proxy=proxy).proxy == proxy


def test_a_wrong_proxy_is_refused_without_repeating_it() -> None:
    with pytest.raises(ValidationError) as caught:
        make(bot_token=TOKEN, proxy="socks5://bob:hunter2@127.0.0.1:notaport")
    assert all("hunter2" not in str(error["msg"]) for error in caught.value.errors())


def test_the_log_level_is_read_in_any_case() -> None:
    assert make(bot_token=TOKEN, log_level=" debug").log_level == "DEBUG"


def test_the_token_never_appears_in_its_repr() -> None:
    assert TOKEN not in repr(make(bot_token=TOKEN))
    assert TOKEN_IN_TEXT.search(f"https://api.telegram.org/bot{TOKEN}/getMe")


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_token_the_bot_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    result = run_cli("run", env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "YINLING_BOT_TOKEN" in result.stderr and "缺少" in result.stderr


def test_a_malformed_token_exits_2_without_echoing_it(tmp_path: Path) -> None:
    secret = "12345:short"
    result = run_cli(
        "run", env={"PATH": "/usr/bin:/bin", "YINLING_BOT_TOKEN": secret}, cwd=tmp_path
    )
    assert result.returncode == 2 and "格式不对" in result.stderr
    assert secret not in result.stderr


def test_help_lists_the_subcommands(tmp_path: Path) -> None:
    result = run_cli("--help", env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "migrate"):
        assert command in result.stdout


def test_an_unreachable_telegram_is_explained(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "YINLING_BOT_TOKEN": TOKEN,
        # Nothing listens on port 9 of the loopback: the connection is refused at once.
        "YINLING_API_BASE_URL": "http://127.0.0.1:9/bot",
        "YINLING_DATA_DIR": str(tmp_path / "data"),
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 3
    assert "连接不上 Telegram" in result.stderr and "YINLING_PROXY" in result.stderr
    assert TOKEN not in result.stderr


def test_describing_a_malformed_update_never_raises() -> None:
    from bot.logs import describe_raw

    for payload in ['{"message": {"chat": "x", "from": 5}}', '{"message": []}', "[1]", "{", ""]:
        assert isinstance(describe_raw(payload), str)
