"""Plain group chatter skips the feature handlers (handlers/members.py `BULK`): this checks that
none of them would have taken it, so that a feature that starts wanting it is noticed here."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session
from telegram import Update

from bot.app import build_application
from bot.clock import SystemClock
from bot.demo.fake.botapi import TOKEN
from bot.runtime.current import CURRENT, UpdateState
from bot.settings import Settings
from handlers import members
from storage.db import Database

GROUP = -1001234567890
POST: dict[str, Any] = {
    "message_id": 41,
    "date": 1796196073,
    "chat": {"id": GROUP, "type": "supergroup", "title": "老干之家"},
    "from": {"id": 2001, "is_bot": False, "first_name": "王建国", "language_code": "zh-hans"},
    "text": "今天学习了党章第三章，很有收获。",
}
EDIT = {**POST, "text": "今天学习了党章第三章，很有收获！", "edit_date": 1796196099}


def with_(**changes: Any) -> dict[str, Any]:
    message = copy.deepcopy(POST)
    message.update(changes)
    return message


NOT_PLAIN = {
    "command": with_(text="/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}]),
    "slash": with_(text="/reflect 心得"),
    "mention": with_(text="@zhao 看看", entities=[{"type": "mention", "offset": 0, "length": 5}]),
    "reply": with_(reply_to_message=copy.deepcopy(POST)),
    "caption": {**{k: v for k, v in POST.items() if k != "text"}, "caption": "/quiz 题库"},
    "private": with_(chat={"id": 2001, "type": "private", "first_name": "王建国"}),
    "join": with_(new_chat_members=[POST["from"]]),
    "bot": with_(**{"from": {"id": 9, "is_bot": True, "first_name": "Group"}}),
    "sender chat": with_(sender_chat={"id": GROUP, "type": "supergroup", "title": "老干之家"}),
    "topic": with_(message_thread_id=7, is_topic_message=True),
}


@pytest.fixture
def application(tmp_path: Path) -> Any:
    settings = Settings(_env_file=None, bot_token=TOKEN, data_dir=tmp_path)
    return build_application(settings, Database(f"sqlite:///{tmp_path / 'y.db'}"), SystemClock())


@pytest.mark.parametrize("kind, message", [("message", POST), ("edited_message", EDIT)])
def test_no_feature_handler_takes_plain_chatter(application: Any, kind: str, message: Any) -> None:
    assert members.is_plain_chatter(message)
    update = Update.de_json({"update_id": 1, kind: copy.deepcopy(message)}, application.bot)
    # A filter that looked something up would fail here (no tables), and so be noticed.
    token = CURRENT.set(
        UpdateState(session=Session(create_engine("sqlite://")), now=datetime.now(UTC))
    )
    try:
        takers = [
            handler
            for group, handlers in application.handlers.items()
            if group != members.GROUP
            for handler in handlers
            if handler.check_update(update) not in (None, False)
        ]
    finally:
        CURRENT.reset(token)
    assert takers == []


@pytest.mark.parametrize("name", sorted(NOT_PLAIN))
def test_anything_more_than_plain_text_goes_to_the_handlers(name: str) -> None:
    assert not members.is_plain_chatter(NOT_PLAIN[name])
