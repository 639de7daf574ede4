"""A queued media group made only of file_ids becomes InputMedia objects for the Bot API call."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from telegram import InputMediaDocument, InputMediaPhoto

from bot.runtime.sender import _materialize
from storage.models import OutboxMessage


def test_a_media_group_of_file_ids_is_turned_into_input_media() -> None:
    payload = {
        "chat_id": -100,
        "media": [
            {"type": "document", "media": "BQACone", "caption": "一", "parse_mode": "HTML"},
            {"type": "document", "media": "BQACtwo"},
        ],
    }
    row = OutboxMessage(
        chat_id=-100,
        method="sendMediaGroup",
        payload=json.dumps(payload),
        not_before=datetime(1970, 1, 1, tzinfo=UTC),
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    kwargs = _materialize(row)
    first, second = kwargs["media"]
    assert isinstance(first, InputMediaDocument) and first.media == "BQACone"
    assert first.caption == "一" and first.parse_mode == "HTML"
    assert isinstance(second, InputMediaDocument) and second.media == "BQACtwo"


def test_photos_stay_photos() -> None:
    payload = {"chat_id": -100, "media": [{"type": "photo", "media": "AgAC1"}] * 2}
    row = OutboxMessage(
        chat_id=-100,
        method="sendMediaGroup",
        payload=json.dumps(payload),
        not_before=datetime(1970, 1, 1, tzinfo=UTC),
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    assert all(isinstance(m, InputMediaPhoto) for m in _materialize(row)["media"])
