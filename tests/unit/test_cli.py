"""The `yinling` command as an operator meets it: every subcommand reads the settings the same
way and never prints a secret, a folder it cannot write is a message with the fix (exit 2)
instead of a traceback, and an export makes the folders it writes into."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.cli.common import (
    EXIT_CONFIG,
    EXIT_NOT_FOUND,
    EXIT_PROBLEMS,
    EXIT_RUNTIME,
    scrub,
    shown_proxy,
)
from bot.settings import Settings
from storage import branches
from storage import quiz as quizzes
from storage.db import Database, sqlite_url
from storage.spreadsheets import Question

TOKEN = "123456789:AAHfakeTokenForYinlingTests_abcdefghij"
SECRET = "SECRETbutmalformed"
MALFORMED_TOKEN = f"12345:{SECRET}"
PASSWORD = "hunter2"
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)

# Every way of calling yinling that reads the settings, with its exit code when they are
# wrong: 2, except the doctor, whose report ends in 1 when anything is wrong (README).
COMMANDS = {
    "yinling": ([], EXIT_CONFIG),
    "run": (["run"], EXIT_CONFIG),
    "migrate": (["migrate"], EXIT_CONFIG),
    "doctor": (["doctor"], EXIT_PROBLEMS),
    "backup": (["backup"], EXIT_CONFIG),
    "restore": (["restore", "backup.tar.gz"], EXIT_CONFIG),
    "export ledger": (["export", "ledger", "-o", "out/台账.xlsx"], EXIT_CONFIG),
    "export quiz": (["export", "quiz", "1", "-o", "out/成绩.xlsx"], EXIT_CONFIG),
}


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An operator's shell in an empty folder: no YINLING_ variables, no .env file."""
    for name in list(os.environ):
        if name.startswith("YINLING_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    # Should a check be missed, `run` must fail at once rather than reach for Telegram.
    monkeypatch.setenv("YINLING_API_BASE_URL", "http://127.0.0.1:9/bot")
    monkeypatch.setenv("YINLING_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path


def yinling(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def subprocess_yinling(
    *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- secrets ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_malformed_token_is_named_but_never_printed(
    command: str, shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args, expected = COMMANDS[command]
    monkeypatch.setenv("YINLING_BOT_TOKEN", MALFORMED_TOKEN)

    code, out, err = yinling(capsys, *args)

    assert code == expected
    printed = out + err
    assert SECRET not in printed and MALFORMED_TOKEN not in printed
    assert "YINLING_BOT_TOKEN" in printed and "格式不对" in printed and "malformed" in printed
    # Nothing was made on the way out.
    assert sorted(p.name for p in shell.iterdir()) == []


def test_the_token_from_the_env_file_is_not_printed_either(
    shell: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shell / ".env").write_text(f"YINLING_BOT_TOKEN={MALFORMED_TOKEN}\n", encoding="utf-8")

    code, out, err = yinling(capsys, "export", "ledger", "-o", "x.xlsx")

    assert code == EXIT_CONFIG
    assert SECRET not in out + err and "YINLING_BOT_TOKEN" in err


def test_export_ledger_with_a_malformed_token_in_a_real_shell(tmp_path: Path) -> None:
    """The report that started this: pydantic's raw error, token included, on stderr."""
    result = subprocess_yinling(
        "export", "ledger", "-o", "x.xlsx", env={"YINLING_BOT_TOKEN": MALFORMED_TOKEN}, cwd=tmp_path
    )

    assert result.returncode == EXIT_CONFIG
    assert SECRET not in result.stdout + result.stderr
    assert "YINLING_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "proxy",
    [
        f"socks5://bob:{PASSWORD}@127.0.0.1:notaport",
        f"ftp://bob:{PASSWORD}@127.0.0.1:1080",
        f"http://bob:{PASSWORD}@[::1",
    ],
)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_proxy_is_named_without_its_password(
    command: str,
    proxy: str,
    shell: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, expected = COMMANDS[command]
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_PROXY", proxy)

    code, out, err = yinling(capsys, *args)

    assert code == expected
    assert PASSWORD not in out + err and TOKEN not in out + err
    assert "YINLING_PROXY" in out + err and "代理地址不对" in out + err


def test_an_unreachable_proxy_is_reported_without_its_password(tmp_path: Path) -> None:
    env = {
        "YINLING_BOT_TOKEN": TOKEN,
        "YINLING_PROXY": f"http://bob:{PASSWORD}@127.0.0.1:9",  # nothing listens there
        "YINLING_DATA_DIR": str(tmp_path / "data"),
    }

    result = subprocess_yinling("run", env=env, cwd=tmp_path)

    assert result.returncode == EXIT_RUNTIME
    assert "连接不上 Telegram" in result.stderr and "YINLING_PROXY" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_an_unknown_log_level_stops_the_bot_with_exit_2(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_LOG_LEVEL", "LOUD")

    code, _, err = yinling(capsys, "run")

    assert code == EXIT_CONFIG and "YINLING_LOG_LEVEL" in err and "DEBUG" in err
    assert not (shell / "data").exists()


def test_library_errors_are_scrubbed_of_the_token_and_the_proxy_credentials() -> None:
    proxy = f"socks5://bob:{PASSWORD}@10.0.0.1:1080"
    settings = Settings(_env_file=None, bot_token=TOKEN, proxy=proxy)
    text = scrub(
        f"ProxyError: {proxy} refused; auth bob:{PASSWORD}; url /bot{TOKEN}/getMe", settings
    )
    assert PASSWORD not in text and TOKEN not in text
    assert "socks5://***@10.0.0.1:1080" in text
    # Shown even when the port is not a number (the doctor shows what it was given).
    assert shown_proxy(f"http://bob:{PASSWORD}@host:notaport") == "http://***@host:notaport"


# --- folders that cannot be written ---------------------------------------------------------


def read_only(folder: Path) -> None:
    """Make `folder` read-only, or skip the test where that does not stop writes (root)."""
    folder.chmod(0o555)
    probe = folder / ".probe"
    try:
        probe.touch()
    except PermissionError:
        return
    probe.unlink()
    folder.chmod(0o755)
    pytest.skip("running as root: a read-only folder does not stop root from writing")


def blocked_folder(tmp_path: Path, how: str) -> Path:
    """A folder yinling cannot create: under a plain file, or in a read-only folder."""
    if how == "under a file":
        (tmp_path / "a-file").write_text("in the way")
        return tmp_path / "a-file" / "data"
    locked = tmp_path / "read-only"
    locked.mkdir()
    read_only(locked)
    return locked / "data"


@pytest.fixture(params=["under a file", "read-only"])
def blocked(request: pytest.FixtureRequest, shell: Path) -> Iterator[Path]:
    yield blocked_folder(shell, request.param)
    if (shell / "read-only").exists():
        (shell / "read-only").chmod(0o755)  # so that pytest can remove it


@pytest.mark.parametrize("command", ["run", "migrate", "restore", "yinling"])
def test_a_data_dir_that_cannot_be_written_is_explained(
    command: str,
    blocked: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, _ = COMMANDS[command]
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_DATA_DIR", str(blocked))

    code, _, err = yinling(capsys, *args)

    assert code == EXIT_CONFIG
    assert str(blocked) in err
    assert "无法写入" in err and "Cannot write" in err
    assert "YINLING_DATA_DIR" in err and "chown" in err
    assert not blocked.exists()


def test_a_logs_folder_that_cannot_be_written_stops_the_bot_at_start(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    (shell / "data").mkdir()
    (shell / "data" / "logs").write_text("a file where the folder should be")

    code, _, err = yinling(capsys, "run")

    assert code == EXIT_CONFIG
    assert str(shell / "data" / "logs") in err and "YINLING_DATA_DIR" in err


def make_database(data_dir: Path, *branch_titles: str) -> Database:
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite_url(data_dir / "yinling.db"))
    db.migrate()
    with db.session() as session:
        for n, title in enumerate(branch_titles):
            branches.create(session, chat_id=-1001000 - n, title=title, now=NOW)
        session.commit()
    return db


@pytest.mark.parametrize("how", ["under a file", "read-only"])
def test_a_backups_folder_that_cannot_be_written_is_explained(
    how: str, shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shell / "with-db"
    make_database(data).dispose()
    if how == "under a file":
        (data / "backups").write_text("a file where the folder should be")
    else:
        read_only(data)
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_DATA_DIR", str(data))

    try:
        code, _, err = yinling(capsys, "backup")
    finally:
        data.chmod(0o755)

    assert code == EXIT_CONFIG
    assert str(data / "backups") in err and "YINLING_DATA_DIR" in err


@pytest.mark.parametrize("kind", [["ledger"], ["quiz", "1"]])
def test_an_export_into_a_folder_that_cannot_be_written_is_explained(
    kind: list[str],
    blocked: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_database(Path(os.environ["YINLING_DATA_DIR"]), "老干之家").dispose()
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)

    code, _, err = yinling(capsys, "export", *kind, "-o", str(blocked / "x.xlsx"))

    assert code == EXIT_CONFIG
    assert str(blocked) in err and "无法写入文件夹" in err and "Cannot write" in err


# --- exports ---------------------------------------------------------------------------------


def test_the_ledger_export_makes_the_folders_it_writes_into(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(shell / "data", "老干之家").dispose()
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)

    code, out, _ = yinling(
        capsys, "export", "ledger", "-o", "新/台账/2026.xlsx", "--zip", "别处/原件.zip"
    )

    assert code == 0
    assert (shell / "新" / "台账" / "2026.xlsx").is_file()
    assert (shell / "别处" / "原件.zip").is_file()
    assert "已导出" in out and "exported" in out


def test_the_quiz_export_makes_the_folders_it_writes_into(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = make_database(shell / "data", "老干之家")
    question = Question(
        text="党的十八大是哪一年召开的？",
        options=("2010", "2012"),
        answer=frozenset({1}),
        explanation="",
        points=1,
        row=2,
    )
    with db.session() as session:
        [branch] = branches.active(session)
        quiz = quizzes.create(
            session,
            branch_id=branch.id,
            title="党史小测",
            questions=[question],
            poll_ok=True,
            created_by=1,
            now=NOW,
        )
        session.commit()
        quiz_id = quiz.id
    db.dispose()
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)

    code, out, _ = yinling(capsys, "export", "quiz", str(quiz_id), "-o", "成绩/十一月/成绩.csv")

    assert code == 0
    assert (shell / "成绩" / "十一月" / "成绩.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "党史小测" in out


def test_what_an_export_refuses_and_its_exit_codes(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    ledger = ("export", "ledger", "-o", "x.xlsx")

    code, _, err = yinling(capsys, *ledger)
    assert code == EXIT_CONFIG and "找不到数据库" in err and "YINLING_DATA_DIR" in err

    make_database(shell / "data", "老干之家", "第二支部").dispose()
    code, _, err = yinling(capsys, *ledger)
    assert code == EXIT_CONFIG and "--branch" in err and "第二支部" in err
    code, _, err = yinling(capsys, *ledger, "--branch", "99")
    assert code == EXIT_NOT_FOUND and "99" in err
    code, _, err = yinling(capsys, *ledger, "--session", "99")
    assert code == EXIT_NOT_FOUND and "99" in err
    code, _, err = yinling(capsys, *ledger, "--session", "1", "--from", "2026-01-01")
    assert code == EXIT_CONFIG and "--session" in err
    code, _, err = yinling(capsys, *ledger, "--from", "2026-02-01", "--to", "2026-01-01")
    assert code == EXIT_CONFIG and "--from" in err
    code, _, err = yinling(capsys, "export", "quiz", "99", "-o", "x.csv")
    assert code == EXIT_NOT_FOUND and "99" in err
    assert not (shell / "x.xlsx").exists()


def test_an_export_to_a_folder_name_asks_for_a_file_name(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(shell / "data", "老干之家").dispose()
    (shell / "导出").mkdir()
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)

    code, _, err = yinling(capsys, "export", "ledger", "-o", "导出")

    assert code == EXIT_CONFIG and "导出 是一个文件夹" in err and "is a folder" in err


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_disk_that_fills_up_half_way_is_explained(
    shell: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_database(shell / "data", "老干之家").dispose()
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setattr("bot.cli.export.build_ledger", no_space)
    monkeypatch.setattr("bot.cli.backup.store.create", no_space)

    code, _, err = yinling(capsys, "export", "ledger", "-o", "台账.xlsx")
    assert code == EXIT_RUNTIME and "没有写完 台账.xlsx" in err and "No space left" in err

    code, _, err = yinling(capsys, "backup", "b.tar.gz")
    assert code == EXIT_RUNTIME and "没有写完 b.tar.gz" in err and "disk space" in err
