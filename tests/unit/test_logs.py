"""Operator logs: an update is described without its content, and the token never shows."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import logs

TOKEN = "123456789:AAHfakeTokenForYinlingTests_abcdefghij"
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "老干之家"}
WANG = {"id": 2001, "is_bot": False, "first_name": "王建国"}
SECRET_WORDS = "我的心得：坚持学习，家里电话 13800000000"


def message(**fields: object) -> dict[str, object]:
    return {
        "update_id": 7,
        "message": {"message_id": 5, "date": 0, "chat": GROUP, "from": WANG, **fields},
    }


@pytest.mark.parametrize(
    "update,expected",
    [
        (message(text=SECRET_WORDS), "message/text chat=-1001234567890 user=2001"),
        (message(text="/reflect " + SECRET_WORDS), "message/command /reflect chat="),
        (message(text="/reflect" + SECRET_WORDS), "message/command /reflect chat="),
        (message(text="/quiz@yinling_bot start 3"), "message/command /quiz chat="),
        (message(voice={"file_id": "v", "duration": 72}), "message/voice chat="),
        (message(photo=[{"file_id": "p"}], caption=SECRET_WORDS), "message/photo chat="),
        (
            message(text=SECRET_WORDS, reply_to_message={"message_id": 3}),
            "user=2001 reply_to=3",
        ),
        (
            {
                "update_id": 8,
                "callback_query": {
                    "id": "1",
                    "from": WANG,
                    "data": "quiz:12:3",
                    "message": {"message_id": 9, "chat": GROUP},
                },
            },
            "callback_query data=quiz:12:3 chat=-1001234567890 user=2001",
        ),
        (
            {"update_id": 9, "poll_answer": {"poll_id": "p1", "user": WANG, "option_ids": [1]}},
            "poll_answer poll=p1 user=2001",
        ),
        (
            {
                "update_id": 10,
                "chat_member": {
                    "chat": GROUP,
                    "from": {"id": 1001},
                    "old_chat_member": {"status": "left", "user": WANG},
                    "new_chat_member": {"status": "member", "user": WANG},
                },
            },
            "chat_member left->member chat=-1001234567890 user=2001",
        ),
    ],
)
def test_an_update_is_described_without_what_members_wrote(
    update: dict[str, object], expected: str
) -> None:
    line = logs.describe_update(update)
    assert expected in line
    assert "心得" not in line and "13800000000" not in line


def test_a_malformed_payload_is_described_as_such() -> None:
    assert logs.describe_raw("{not json") == "malformed"
    assert logs.describe_raw("[1, 2]") == "malformed"


@contextlib.contextmanager
def installed(log_dir: Path) -> Iterator[Path]:
    """logs.setup as `yinling run` does it, undone afterwards (called inside the test, so that
    its stderr handler writes to the stream capsys reads)."""
    root = logging.getLogger()
    level = root.level
    handlers = logs.setup("DEBUG", log_dir)
    try:
        yield log_dir / "yinling.log"
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        logging.raiseExceptions = True


def test_the_token_never_reaches_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    log = logging.getLogger("yinling.test")
    with installed(tmp_path) as log_file:
        log.info("in the message %s", url)
        log.warning("in the args: %s", TOKEN)
        log.info("url-encoded: %s", url.replace(":", "%3A"))
        logging.getLogger("httpx").warning('HTTP Request: POST %s "HTTP/1.1 502"', url)
        try:
            raise httpx.ConnectError(f"cannot connect to {url}")
        except httpx.ConnectError:
            log.exception("polling failed")
        try:
            raise RuntimeError("outer") from ValueError(f"The token `{TOKEN}` was rejected")
        except RuntimeError:
            log.error("chained", exc_info=True)

    written = log_file.read_text(encoding="utf-8")
    printed = capsys.readouterr().err
    for text in (written, printed):
        assert "AAHfakeToken" not in text
        assert text.count("<token>") == 6
        assert "polling failed" in text and "ConnectError" in text


def test_lines_carry_the_time_level_and_source(tmp_path: Path) -> None:
    with installed(tmp_path) as log_file:
        logging.getLogger("bot.runtime.inbox").info(
            "update 7 message/voice chat=-100 user=2001: done"
        )
    [line] = log_file.read_text(encoding="utf-8").splitlines()
    date, clock, level, source, *_ = line.split(" ")
    assert (
        len(date) == 10 and len(clock) == 8 and level == "INFO" and source == "bot.runtime.inbox:"
    )


def test_a_failing_handler_does_not_spill_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with installed(tmp_path):
        stream_handler = next(
            h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler
        )
        broken = io.StringIO()
        broken.close()  # as a full disk or a closed pipe would
        stream_handler.setStream(broken)
        try:
            raise httpx.ConnectError(f"https://api.telegram.org/bot{TOKEN}/getMe")
        except httpx.ConnectError:
            logging.getLogger("yinling.test").exception("failed")
    assert "AAHfakeToken" not in capsys.readouterr().err
