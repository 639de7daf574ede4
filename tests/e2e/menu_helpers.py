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


async def follow_to_private(harness: Harness, chat_id: int, admin: int) -> bool:
    """After /push or /remind typed in a group: if the answer is the button to the private
    chat (the admin never opened it), follow it. True if followed (a /push preview then asks
    the topic, which a deep link does not carry)."""
    if chat_id == admin:
        return False
    links = url_buttons(harness.fake.sent(chat_id)[-1])
    if not links:
        return False
    payload = next(iter(links.values())).split("?start=")[1]
    harness.fake.start_private(admin)
    harness.fake.message(admin, admin, f"/start {payload}")
    await harness.settle()
    return True


async def _through_preview(harness: Harness, chat_id: int, admin: int, command: str) -> bool:
    harness.fake.message(chat_id, admin, command)
    await harness.settle()
    return await follow_to_private(harness, chat_id, admin)


async def push_confirmed(harness: Harness, chat_id: int, admin: int, topic: str = "") -> str:
    """/push [主题] typed in `chat_id` (a group or the admin's private chat), then the preview
    confirmed privately: what a one-tap /push used to do. Returns the bot's private answer."""
    asks_topic = await _through_preview(harness, chat_id, admin, f"/push {topic}".strip())
    if topic and asks_topic:
        harness.fake.message(admin, admin, topic)
        await harness.settle()
    elif not topic:
        await tap(harness, admin, TP.TOPIC_KEEP.split("“")[0])
    await tap(harness, admin, TP.CONFIRM_PUSH)
    return harness.texts(admin)[-1]


async def remind_confirmed(harness: Harness, chat_id: int, admin: int) -> str:
    """/remind typed in `chat_id`, then the preview confirmed privately."""
    await _through_preview(harness, chat_id, admin, "/remind")
    await tap(harness, admin, TP.CONFIRM_REMIND)
    return harness.texts(admin)[-1]
