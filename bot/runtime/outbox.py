"""Queueing calls to Telegram: one outbox row per call, in the caller's transaction.

Handlers, services and jobs never call the Bot API to send. They queue a row here in the same
transaction as the change that caused it; the `Sender` (bot/runtime/sender.py) delivers it.
Payloads are typed (`TypedDict`s named after the Bot API method), so a misspelt field is a mypy
error rather than a 400 from Telegram.

Every queueing method takes the same keyword-only metadata (`QueueMeta`): `dedupe_key` for
anything that must go out once (pushes, reminders, greetings), `kind`/`ref` to find the sent
message later, `describe`/`notify_chat_id` to tell someone if it finally fails.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict, Unpack

from sqlmodel import Session
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.clock import Clock
from storage import outbox
from storage.models import OutboxMessage

# --- Bot API payloads (only the fields this bot uses) --------------------------------------


class LinkPreviewOptions(TypedDict):
    is_disabled: bool


class ReplyParameters(TypedDict):
    message_id: int
    allow_sending_without_reply: bool


class _Posting(TypedDict):
    chat_id: int
    reply_markup: NotRequired[dict[str, Any]]
    reply_parameters: NotRequired[ReplyParameters]


class SendMessage(_Posting):
    text: str
    parse_mode: NotRequired[str]
    link_preview_options: NotRequired[LinkPreviewOptions]


class SendDocument(_Posting):
    document: str  # a file_id, or "file:<ref>" for an upload
    caption: NotRequired[str]
    parse_mode: NotRequired[str]


class SendPhoto(_Posting):
    photo: str
    caption: NotRequired[str]
    parse_mode: NotRequired[str]


class InputMedia(TypedDict):
    type: Literal["document", "photo", "audio", "video"]
    media: str
    caption: NotRequired[str]
    parse_mode: NotRequired[str]


class SendMediaGroup(TypedDict):
    chat_id: int
    media: list[InputMedia]


class InputPollOption(TypedDict):
    text: str


class SendPoll(_Posting):
    question: str
    options: list[InputPollOption]
    is_anonymous: bool
    type: Literal["quiz", "regular"]
    correct_option_ids: NotRequired[list[int]]
    allows_multiple_answers: NotRequired[bool]
    explanation: NotRequired[str]


class StopPoll(TypedDict):
    chat_id: int
    message_id: int


class EditMessageText(TypedDict):
    chat_id: int
    message_id: int
    text: str
    parse_mode: NotRequired[str]
    link_preview_options: NotRequired[LinkPreviewOptions]
    reply_markup: NotRequired[dict[str, Any]]


class EditMessageReplyMarkup(TypedDict):
    chat_id: int
    message_id: int
    reply_markup: NotRequired[dict[str, Any]]  # without it, the buttons are taken off


class AnswerCallbackQuery(TypedDict):
    callback_query_id: str
    text: NotRequired[str]
    show_alert: NotRequired[bool]


Method = Literal[
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendMediaGroup",
    "sendPoll",
    "stopPoll",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
]
Payload = (
    SendMessage
    | SendDocument
    | SendPhoto
    | SendMediaGroup
    | SendPoll
    | StopPoll
    | EditMessageText
    | EditMessageReplyMarkup
    | AnswerCallbackQuery
)


@dataclass(frozen=True)
class Upload:
    """A file from the data dir to upload; `ref` names it inside the payload (`file:<ref>`)."""

    ref: str
    path: Path
    filename: str


class QueueMeta(TypedDict, total=False):
    """What the outbox keeps beside a call: see the module docstring."""

    dedupe_key: str | None
    kind: str
    ref: str | int
    describe: str
    notify_chat_id: int | None


def keyboard_json(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    return None if markup is None else markup.to_dict()


class Outbox:
    """Queues calls to Telegram; each method takes the caller's session and writes one row.

    Each returns the row id, or None when a row with the same `dedupe_key` was queued before.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def call(
        self,
        session: Session,
        chat_id: int,
        method: Method,
        payload: Payload,
        *,
        uploads: Sequence[Upload] = (),
        **meta: Unpack[QueueMeta],
    ) -> int | None:
        """Queue any of the Bot API calls above."""
        row = OutboxMessage(
            chat_id=chat_id,
            method=method,
            payload=json.dumps(payload, ensure_ascii=False),
            files=json.dumps(
                [{"ref": u.ref, "path": str(u.path), "filename": u.filename} for u in uploads],
                ensure_ascii=False,
            )
            if uploads
            else None,
            dedupe_key=meta.get("dedupe_key"),
            kind=meta.get("kind", ""),
            ref=str(meta.get("ref", "")),
            describe=meta.get("describe", ""),
            notify_chat_id=meta.get("notify_chat_id"),
            not_before=outbox.IMMEDIATELY,
            created_at=self.clock.now(),
        )
        return outbox.add(session, row)

    def message(
        self,
        session: Session,
        chat_id: int,
        html_text: str,
        *,
        reply_to: int | None = None,
        keyboard: InlineKeyboardMarkup | None = None,
        **meta: Unpack[QueueMeta],
    ) -> int | None:
        """Queue an HTML text message (escape user values with `bot.texts.fmt`)."""
        payload: SendMessage = {
            "chat_id": chat_id,
            "text": html_text,
            "parse_mode": ParseMode.HTML,
            "link_preview_options": {"is_disabled": True},
        }
        if reply_to is not None:
            payload["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        if keyboard is not None:
            payload["reply_markup"] = keyboard.to_dict()
        return self.call(session, chat_id, "sendMessage", payload, **meta)

    def document(
        self,
        session: Session,
        chat_id: int,
        path: Path,
        *,
        filename: str,
        caption: str | None = None,
        **meta: Unpack[QueueMeta],
    ) -> int | None:
        """Queue a file from the data dir as a document."""
        payload: SendDocument = {"chat_id": chat_id, "document": "file:doc"}
        if caption:
            payload["caption"] = caption
            payload["parse_mode"] = ParseMode.HTML
        upload = Upload("doc", path, filename)
        return self.call(session, chat_id, "sendDocument", payload, uploads=[upload], **meta)

    def edit_text(
        self,
        session: Session,
        chat_id: int,
        message_id: int,
        html_text: str,
        *,
        keyboard: InlineKeyboardMarkup | None = None,
        **meta: Unpack[QueueMeta],
    ) -> int | None:
        payload: EditMessageText = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": html_text,
            "parse_mode": ParseMode.HTML,
            "link_preview_options": {"is_disabled": True},
        }
        if keyboard is not None:
            payload["reply_markup"] = keyboard.to_dict()
        return self.call(session, chat_id, "editMessageText", payload, **meta)

    def drop_keyboard(
        self, session: Session, chat_id: int, message_id: int, **meta: Unpack[QueueMeta]
    ) -> int | None:
        """Take the inline buttons off a message the bot sent."""
        payload: EditMessageReplyMarkup = {"chat_id": chat_id, "message_id": message_id}
        return self.call(session, chat_id, "editMessageReplyMarkup", payload, **meta)

    def answer_callback(
        self,
        session: Session,
        chat_id: int,
        callback_id: str,
        text: str | None = None,
        *,
        alert: bool = False,
    ) -> int | None:
        """Answer a button press; with `alert`, the text stays on screen until dismissed
        (a notice only the presser sees, at most 200 characters)."""
        payload: AnswerCallbackQuery = {"callback_query_id": callback_id}
        if text:
            payload["text"] = text
            if alert:
                payload["show_alert"] = True
        return self.call(session, chat_id, "answerCallbackQuery", payload)

    def poll(self, session: Session, payload: SendPoll, **meta: Unpack[QueueMeta]) -> int | None:
        return self.call(session, payload["chat_id"], "sendPoll", payload, **meta)

    def stop_poll(
        self, session: Session, chat_id: int, message_id: int, **meta: Unpack[QueueMeta]
    ) -> int | None:
        payload: StopPoll = {"chat_id": chat_id, "message_id": message_id}
        return self.call(session, chat_id, "stopPoll", payload, **meta)
