"""Tapping through the menu and its flows in the fake Bot API, for the e2e tests: find a button
by the start of its label on the newest message that has buttons, and press it."""

from __future__ import annotations

from typing import Any

from bot.texts import push as TP
from tests.e2e.harness import GROUP_ID, Harness


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Label → callback data of a message's inline buttons."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


def url_buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["url"] for row in rows for b in row if "url" in b}


def last_with_buttons(harness: Harness, chat_id: int) -> dict[str, Any]:
    """The newest of the bot's messages in the chat that has buttons now (after edits)."""
    for sent in reversed(harness.fake.sent(chat_id)):
        now = harness.fake.message_by_id(chat_id, sent["message_id"])
        if now is not None and buttons(now):
            return now
    raise AssertionError(f"no message with buttons in chat {chat_id}")


async def tap(
    harness: Harness, user_id: int, label_start: str, *, chat_id: int | None = None
) -> dict[str, Any]:
    """Tap the button starting with `label_start` on the newest message with buttons."""
    chat = user_id if chat_id is None else chat_id
    message = last_with_buttons(harness, chat)
    found = buttons(message)
    label = next((text for text in found if text.startswith(label_start)), None)
    assert label is not None, f"no button {label_start!r} in {list(found)}"
    harness.fake.press(user_id, chat, message["message_id"], found[label])
    await harness.settle()
    return message


async def say(harness: Harness, user_id: int, text: str, *, chat_id: int | None = None) -> str:
    """Send a message (privately by default); the bot's last text in that chat afterwards."""
    chat = user_id if chat_id is None else chat_id
    harness.fake.message(chat, user_id, text)
    await harness.settle()
    return harness.texts(chat)[-1]


def answers(harness: Harness) -> list[str]:
    """The notices shown on button presses (answerCallbackQuery texts), oldest first."""
    return [
        c.params.get("text", "")
        for c in harness.fake.calls
        if c.method == "answerCallbackQuery" and c.params.get("text")
    ]


async def push_by_tapping(harness: Harness, admin: int, topic: str = "") -> str:
    """What replaced a one-tap /push: /push [主题] privately, then 确认发出 under the preview;
    returns the bot's answer."""
    text = f"/push {topic}".strip()
    harness.fake.message(admin, admin, text)
    await harness.settle()
    if not topic:
        await tap(harness, admin, TP.TOPIC_KEEP.split("“")[0])
    await tap(harness, admin, TP.CONFIRM_PUSH)
    return harness.texts(admin)[-1]


async def remind_by_tapping(harness: Harness, admin: int) -> str:
    """/remind privately, then 确认发出 under the preview; returns the bot's answer."""
    harness.fake.message(admin, admin, "/remind")
    await harness.settle()
    await tap(harness, admin, TP.CONFIRM_REMIND)
    return harness.texts(admin)[-1]


def group_texts(harness: Harness) -> list[str]:
    return harness.texts(GROUP_ID)
