"""Building question banks and driving quizzes through the fake Bot API, for the quiz tests."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from sqlmodel import select

from storage.models import Quiz
from tests.e2e.harness import GROUP_ID, SECRETARY, Harness

HEADER = ["题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值"]
# Three questions: single (B), multiple (ABC, 2 points), single (A).
BANK = [
    HEADER,
    ["中国共产党成立于哪一年？", "1919年", "1921年", "1927年", "1949年", "B", "1921年建党。", "1"],
    [
        "1927年党领导的武装起义有哪些？",
        "南昌起义",
        "秋收起义",
        "广州起义",
        "武昌起义",
        "ABC",
        "武昌起义在1911年。",
        "2",
    ],
    ["“七一”是什么节日？", "建党纪念日", "建军节", "国庆节", "", "A", "", ""],
]


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str) -> bytes:
    return ("\r\n".join(",".join(row) for row in rows) + "\r\n").encode(encoding)


def send_bank(
    harness: Harness,
    content: bytes,
    file_name: str,
    *,
    title: str = "党史知识测试",
    chat_id: int = GROUP_ID,
    user_id: int = SECRETARY,
    as_caption: bool = True,
) -> None:
    """The admin sends the bank with the caption `/quiz 名称`, or replies `/quiz 名称` to it."""
    doc = harness.fake.file(content, file_name=file_name)
    if as_caption:
        harness.fake.message(chat_id, user_id, caption=f"/quiz {title}", document=doc)
    else:
        posted = harness.fake.message(chat_id, user_id, document=doc)
        harness.fake.message(chat_id, user_id, f"/quiz {title}", reply_to=posted["message_id"])


def last_with_button(harness: Harness, chat_id: int, prefix: str) -> dict[str, Any]:
    """The latest message in the chat with a button whose callback data starts with `prefix`."""
    for message in reversed(harness.fake.sent(chat_id)):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if str(button.get("callback_data", "")).startswith(prefix):
                    return message
    raise AssertionError(f"no message with a {prefix!r} button in chat {chat_id}")


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (b["text"], b.get("callback_data") or b.get("url", ""))
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]


def press(harness: Harness, user_id: int, chat_id: int, message: dict[str, Any], data: str) -> str:
    return harness.fake.press(user_id, chat_id, message["message_id"], data)


def the_quiz(harness: Harness) -> Quiz:
    with harness.session() as s:
        return s.exec(select(Quiz)).one()


def poll_ids(harness: Harness, chat_id: int = GROUP_ID) -> list[str]:
    return [m["poll"]["id"] for m in harness.fake.sent(chat_id, method="sendPoll")]


def deep_link_payload(message: dict[str, Any]) -> str:
    [(_, url)] = buttons(message)
    m = re.search(r"\?start=(\w+)$", url)
    assert m is not None, url
    return m[1]
