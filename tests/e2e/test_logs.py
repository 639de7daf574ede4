"""The operator's log of a running bot: one line per update and per send, no words, no token."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bot import logs
from bot.demo.fake.botapi import TOKEN
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness

WANG = next(iter(RETIREES))
WORDS = "学习心得：要把身体养好，电话13800000000"


async def test_the_log_names_events_but_not_words_or_the_token(
    harness: Harness, tmp_path: Path
) -> None:
    root = logging.getLogger()
    level = root.level
    handlers = logs.setup("INFO", tmp_path / "logs")
    # Every logger at INFO, the HTTP client's too (httpx logged each URL, token and all;
    # aiohttp logs none, bot/runtime/http.py: the redaction itself is tests/unit/test_logs.py).
    logging.getLogger("aiohttp").setLevel(logging.INFO)
    try:
        await harness.start()
        await harness.setup_branch()
        harness.fake.message(GROUP_ID, WANG, WORDS)
        harness.fake.message(GROUP_ID, WANG, f"/reflect {WORDS}")
        harness.fake.fail("sendMessage", status=502)  # a retry, logged with Telegram's error
        harness.fake.message(GROUP_ID, SECRETARY, "/help")
        await harness.settle()
        await harness.stop()
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        logging.getLogger("aiohttp").setLevel(logging.NOTSET)

    text = (tmp_path / "logs" / "yinling.log").read_text(encoding="utf-8")
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    assert "要把身体养好" not in text and "13800000000" not in text
    line = re.compile(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO bot\.runtime\.inbox: update \d+ (.*): done$"
    )
    events = [m[1] for m in map(line.match, text.splitlines()) if m]
    assert f"message/command /setup chat={GROUP_ID} user={SECRETARY}" in events
    assert f"message/text chat={GROUP_ID} user={WANG}" in events
    assert f"message/command /reflect chat={GROUP_ID} user={WANG}" in events
    sent = rf"INFO bot\.runtime\.sender: sent sendMessage to chat {GROUP_ID} kind= row=\d+$"
    assert re.search(sent, text, re.MULTILINE)
    assert re.search(r"retries in .* \(NetworkError: Bad Gateway\)", text)
