"""What the stories about people share: confirming a roster import's preview by tapping."""

from __future__ import annotations

from typing import Any

from bot.texts import people as P
from tests.e2e.harness import Harness
from tests.e2e.menu_helpers import buttons


def roster_preview(harness: Harness, chat_id: int) -> dict[str, Any] | None:
    """The newest roster preview in the chat that still has its buttons, if any."""
    for sent in reversed(harness.fake.sent(chat_id)):
        now = harness.fake.message_by_id(chat_id, sent["message_id"])
        if now is not None and P.BUTTON_CANCEL in buttons(now) and "名单" in now.get("text", ""):
            return now
    return None


async def tap_preview(harness: Harness, user_id: int, chat_id: int, label: str) -> str:
    """Tap `label` under the newest roster preview in the chat; the preview's text after."""
    message = roster_preview(harness, chat_id)
    assert message is not None, "no roster preview with buttons"
    harness.fake.press(user_id, chat_id, message["message_id"], buttons(message)[label])
    await harness.settle()
    now = harness.fake.message_by_id(chat_id, message["message_id"])
    assert now is not None
    return str(now.get("text", ""))


async def confirm_roster(
    harness: Harness, user_id: int, chat_id: int | None = None, *, missing: str = P.BUTTON_KEEP
) -> str:
    """Confirm the roster preview (choosing `missing` for people left out, if asked) and
    return what the bot said after importing."""
    chat = chat_id if chat_id is not None else user_id
    message = roster_preview(harness, chat)
    assert message is not None, "no roster preview with buttons"
    if missing in buttons(message):
        await tap_preview(harness, user_id, chat, missing)
    await tap_preview(harness, user_id, chat, P.BUTTON_IMPORT)
    return harness.texts(chat)[-1]
