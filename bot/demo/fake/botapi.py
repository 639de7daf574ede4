"""A strict fake Telegram Bot API server over real HTTP, for end-to-end tests, benchmarks and
`yinling demo`.

The bot under test is a real python-telegram-bot ``Application`` built with
``.base_url(fake.base_url).base_file_url(fake.base_file_url)``; it polls ``getUpdates`` and calls
the Bot API over HTTP exactly as it does against Telegram. Tests build the world (users, the
group, who is admin), inject updates (a member's message, a button press, a poll answer) and then
assert on what the bot sent (:meth:`FakeBotApi.sent`) and on every call it made
(:attr:`FakeBotApi.calls`).

It behaves like Telegram where bots usually slip, and is stricter on purpose:

* methods, parameters and required parameters are checked against the Bot API reference
  (``telegram-bot-api-spec/api.json``, via :mod:`bot.demo.fake.spec`); an unknown parameter is a
  400 (Telegram would ignore it silently, hiding a typo), a spec method the fake does not
  implement is a 501 so a test notices instead of passing by accident;
* HTML is parsed like Telegram does (:mod:`bot.demo.fake.html`): an unescaped ``张<伟>`` is a 400;
* private chats need the user to have started the bot, blocked users give 403, replies to
  missing messages, long texts, bad buttons, unknown file ids and not-modified edits are 400s;
* per-chat and global flood limits answer 429 with ``retry_after`` (sliding windows,
  ``time.monotonic``);
* a basic group can be upgraded to a supergroup (:meth:`FakeBotApi.upgrade_group`): service
  messages in both chats, then every call naming the old id is a 400 with
  ``parameters.migrate_to_chat_id``, as on Telegram;
* every object it returns is checked against the spec's required fields before it is sent
  (``self_check``), so python-telegram-bot always de-serialises it cleanly.

It must not: touch the network beyond 127.0.0.1, use threads (everything runs in the test's
event loop), or know anything about the Yinling bot itself (an import contract in pyproject.toml
holds it to that).

Why one module of ~2,400 lines: it is one server with one world (users, chats, messages, files,
polls, the update queue), and every Bot API method it implements reads and changes that same
state; split by method family, each part would reach into the others' private attributes. What
stands on its own is already apart: the HTML parser (:mod:`bot.demo.fake.html`) and the reading
of the Bot API reference (:mod:`bot.demo.fake.spec`). The sections below follow the order of a
test: lifecycle, the world, injecting updates, observing, faults, then the methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import itertools
import json
import logging
import math
import mimetypes
import re
import struct
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from bot.demo.fake.html import EntityParseError, parse_html, utf16_len
from bot.demo.fake.spec import (
    MethodSpec,
    ParamError,
    Spec,
    UploadedFile,
    decode_param,
    load_spec,
)

__all__ = ["BOT_ID", "TOKEN", "ApiError", "Call", "FakeBotApi"]

TOKEN = "123456789:AAHfakeTokenForYinlingTests_abcdefghij"
BOT_ID = 123456789

JSON = dict[str, Any]

_LOG = logging.getLogger(__name__)

# A token Telegram would route at all; anything else is a 404 there, a wrong one is a 401.
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,60}$")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files
MAX_UPLOAD = 50 * 1024 * 1024  # the cloud Bot API's upload limit

# The fake users Telegram puts in "from" when a message is sent on behalf of a chat.
_GROUP_ANONYMOUS_BOT: JSON = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
_TELEGRAM_SERVICE_USER: JSON = {"id": 777000, "is_bot": False, "first_name": "Telegram"}

# Updates Telegram leaves out unless a bot asks for them in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# python-telegram-bot 22.8's ExtBot fills tg.ext.Defaults (parse_mode, disable_notification,
# protect_content) into every call that goes through Bot._send_message, including methods the
# Bot API gives no such parameter. Real Telegram ignores unknown parameters, so a bot built with
# Defaults works there; the fake accepts (and ignores) exactly these leaks and nothing else.
_PTB_DEFAULTS_LEAKS: dict[str, frozenset[str]] = {
    "sendPoll": frozenset({"parse_mode"}),
    "editMessageText": frozenset({"disable_notification", "protect_content"}),
    "editMessageReplyMarkup": frozenset({"disable_notification", "protect_content", "parse_mode"}),
}

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_KIND_NAMES = {
    "document": "Document",
    "photo": "Photo",
    "voice": "Voice",
    "audio": "Audio",
    "video": "Video",
    "video_note": "VideoNote",
}
# getFile's file_path folder and default extension per kind, as Telegram lays them out.
_KIND_PATHS = {
    "document": ("documents", "bin"),
    "photo": ("photos", "jpg"),
    "voice": ("voice", "oga"),
    "audio": ("music", "mp3"),
    "video": ("videos", "mp4"),
    "video_note": ("video_notes", "mp4"),
}
_KIND_MIME = {
    "photo": "image/jpeg",
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "video_note": "video/mp4",
}
# Which rights a restricted bot would lack, per sending method, for the error text.
_SEND_WHAT = {
    "sendMessage": "text messages",
    "sendDocument": "documents",
    "sendPhoto": "photos",
    "sendVoice": "voice notes",
    "sendAudio": "audios",
    "sendVideo": "videos",
    "sendMediaGroup": "media messages",
    "sendPoll": "polls",
    "sendChatAction": "text messages",
}
_BOT_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Call:
    """One HTTP request the bot made. ``status``, ``result`` and ``error`` fill in on answer."""

    method: str  # canonical Bot API name ("sendMessage"), or the raw path segment if unknown
    params: JSON  # decoded values (JSON objects as dicts); file parts are in ``files``
    files: dict[str, bytes]
    at: float  # time.monotonic() when the request arrived
    status: int = 0  # HTTP status of the answer; 0 while in flight
    result: Any = None  # "result" of a successful answer, as sent
    error: str | None = None  # "description" of an error answer

    def summary(self) -> str:
        """One line for assertion messages: method(params) files -> status 'error'."""
        shown = ", ".join(f"{k}={_shorten(v)}" for k, v in self.params.items())
        files = f" files={sorted(self.files)}" if self.files else ""
        outcome = "in flight" if self.status == 0 else str(self.status)
        error = f" {self.error!r}" if self.error else ""
        return f"{self.method}({shown}){files} -> {outcome}{error}"


def _shorten(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    kind: str
    content: bytes | None  # None models a file too big to keep (only its size is known)
    size: int
    file_name: str | None = None
    mime_type: str | None = None
    duration: int = 0
    width: int = 0
    height: int = 0
    uploaded_by_bot: bool = False
    file_path: str | None = None
    photo_sizes: list[JSON] | None = None  # for photos: the whole PhotoSize list it belongs to
    extra: JSON = field(default_factory=dict)  # performer, title (audio), length (video note)


@dataclass
class _Chat:
    id: int
    type: str  # "private", "group" (a basic group) or "supergroup"
    title: str | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_status: str = "member"
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)  # current state, by message_id
    # A basic group upgraded to a supergroup: the new chat's id (the old one is dead).
    migrated_to: int | None = None
    edits: int = 0  # successful edits of the bot's messages here


@dataclass
class _Poll:
    poll: JSON
    chat_id: int
    message_id: int
    votes: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None


@dataclass
class _Window:
    """A sliding-window counter: at most ``capacity`` events in any ``seconds``."""

    capacity: int
    seconds: float
    events: deque[float] = field(default_factory=deque)

    def wait(self, now: float, n: int) -> float:
        """Seconds until ``n`` more events fit; 0 if they fit now."""
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        over = len(self.events) + n - self.capacity
        if over <= 0:
            return 0.0
        if n > self.capacity:
            return self.seconds
        return self.events[over - 1] + self.seconds - now

    def add(self, now: float, n: int) -> None:
        self.events.extend([now] * n)


def _rate_window(per_second: float) -> _Window:
    seconds = max(1.0, 1.0 / per_second)
    return _Window(capacity=max(1, round(per_second * seconds)), seconds=seconds)


def _public(value: Any) -> Any:
    """A deep copy without the fake's private ("_"-prefixed) keys, fit to go on the wire."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image, (0, 0) if unknown, None if no image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return (0, 0)
    if data.startswith(b"BM"):
        return (0, 0)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCF):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + int(length)
        return (0, 0)
    return None


def _telegram_json(value: Any) -> str:
    """JSON as Telegram writes it: UTF-8, with a lone surrogate (half an emoji) as an escape."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


class FakeBotApi:
    """A fake Telegram Bot API: a world of users and groups, an update queue, an HTTP server.

    Create it, build the world, ``await start()``, point a python-telegram-bot ``Bot`` or
    ``Application`` at :attr:`base_url` / :attr:`base_file_url`, and ``await stop()`` at the end.
    All state is plain attributes, inspected from the same event loop.
    """

    def __init__(
        self,
        token: str = TOKEN,
        *,
        bot_username: str = "yinling_test_bot",
        bot_name: str = "Yinling Test Bot",
        privacy_mode: bool = True,
        enforce_limits: bool = True,
        group_per_minute: int = 20,
        private_per_second: float = 1.0,
        global_per_second: float = 30.0,
        self_check: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.privacy_mode = privacy_mode
        self.enforce_limits = enforce_limits
        self.group_per_minute = group_per_minute
        self.private_per_second = private_per_second
        self.global_per_second = global_per_second
        # Check every answer and update against the spec; benchmarks may turn it off for speed.
        self.self_check = self_check
        self.spec: Spec = load_spec()
        # The flood-limit clock; a test may replace it to move time forward without sleeping.
        self.clock: Callable[[], float] = time.monotonic
        # Unix time for the "date" of messages and updates; the demo sets it to its fake clock,
        # so that a message sent on the theme day is dated on the theme day.
        self.wall_clock: Callable[[], float] = time.time

        self.url = ""
        self.base_url = ""
        self.base_file_url = ""
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
            "has_topics_enabled": False,
            "allows_users_to_create_topics": False,
            "can_manage_bots": False,
            "supports_guest_queries": False,
            "supports_join_request_queries": False,
        }
        # How the bot appears in messages: getMe-only fields are never part of a message's User.
        self._bot_sender: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }

        # --- observing ---
        self.calls: list[Call] = []
        self.errors: list[str] = []  # internal errors and self-check failures of the fake
        self.undelivered: list[JSON] = []  # updates Telegram would not send (privacy mode...)
        self.filtered_updates: list[JSON] = []  # dropped because of allowed_updates
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope JSON, language) -> list
        self.menu_buttons: dict[int | None, JSON] = {}
        self.answered_callbacks: dict[str, JSON] = {}  # id -> answerCallbackQuery params
        self.allowed_updates: list[str] | None = None  # as last given to getUpdates
        self._sent: list[JSON] = []
        self._appeared: list[tuple[int, int]] = []  # (chat id, message id), in order, every chat

        # --- the world ---
        self._users: dict[int, JSON] = {}
        self._chats: dict[int, _Chat] = {}
        self._started: set[int] = set()
        self._blocked: set[int] = set()
        self._files: dict[str, _File] = {}
        self._paths: dict[str, _File] = {}
        self._polls: dict[str, _Poll] = {}
        self._callbacks: dict[str, JSON] = {}  # unanswered: id -> CallbackQuery
        self._held: dict[tuple[int, int], tuple[JSON, _Chat]] = {}  # album pages not yet sent
        self._seq = itertools.count(1)

        # --- updates and faults ---
        self._updates: list[JSON] = []
        self._last_update_id = 700_000_000
        self._changed = asyncio.Event()
        self._active_poll = 0
        self._closing = False
        self._faults: dict[str, deque[_Fault]] = {}
        self._hangs: dict[str, deque[float]] = {}
        self._lost_replies: dict[str, deque[bool]] = {}  # method -> took effect?
        self._held_replies: dict[str, deque[asyncio.Event]] = {}
        self._group_windows: dict[int, _Window] = {}
        self._private_windows: dict[int, _Window] = {}
        self._global_window = _rate_window(global_per_second)

        self._runner: web.AppRunner | None = None
        self._background: set[asyncio.Future[Any]] = set()  # calls running shielded
        self._handlers: dict[str, Callable[[JSON, dict[str, UploadedFile]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._ok,
            "close": self._ok,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "sendDocument": functools.partial(self._send_media, "document", "sendDocument"),
            "sendPhoto": functools.partial(self._send_media, "photo", "sendPhoto"),
            "sendVoice": functools.partial(self._send_media, "voice", "sendVoice"),
            "sendAudio": functools.partial(self._send_media, "audio", "sendAudio"),
            "sendVideo": functools.partial(self._send_media, "video", "sendVideo"),
            "sendMediaGroup": self._send_media_group,
            "sendPoll": self._send_poll,
            "stopPoll": self._stop_poll,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "getFile": self._get_file,
            "leaveChat": self._leave_chat,
        }

    # ------------------------------------------------------------------ server lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port, in the running event loop."""
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        # A short shutdown_timeout: a hung request must not hold up stop() for a minute.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.5, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.url}/bot"
        self.base_file_url = f"{self.url}/file/bot"
        self._closing = False

    async def stop(self) -> None:
        """Answer pending long polls and shut the server down."""
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        # Calls still hanging (see hang()) would outlive the test's event loop.
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ the world

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
    ) -> JSON:
        """A Telegram user (not yet in any chat with the bot); returns the User JSON."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        user["language_code"] = "zh-hans"
        self._users[user_id] = user
        self._chats.setdefault(user_id, _Chat(id=user_id, type="private", bot_status="member"))
        return copy.deepcopy(user)

    def rename(self, user_id: int, first_name: str, last_name: str | None = None) -> None:
        """The user changes their name in Telegram: no update says so; their next ones show it."""
        user = self._users[user_id]
        user["first_name"] = first_name
        if last_name is None:
            user.pop("last_name", None)
        else:
            user["last_name"] = last_name

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        creator_id: int,
        admins: Iterable[int] = (),
        members: Iterable[int] = (),
        bot_status: str = "administrator",
        basic: bool = False,
    ) -> JSON:
        """A supergroup (or with ``basic=True`` a basic group, e.g. id -4012345678) with its
        creator, admins, members and the bot; returns the Chat JSON."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative (e.g. -1001234567890)")
        if basic and chat_id <= -1_000_000_000_000:
            raise ValueError("basic group ids are above -10**12 (e.g. -4012345678)")
        _check_status(bot_status)
        kind = "group" if basic else "supergroup"
        chat = _Chat(id=chat_id, type=kind, title=title, bot_status=bot_status)
        for status, ids in (("member", members), ("administrator", admins)):
            for user_id in ids:
                self._require_user(user_id)
                chat.members[user_id] = status
        self._require_user(creator_id)
        chat.members[creator_id] = "creator"
        self._chats[chat_id] = chat
        return self._chat_json(chat)

    def upgrade_group(
        self, chat_id: int, new_chat_id: int, *, by: int, lost: bool = False
    ) -> tuple[JSON, JSON]:
        """Telegram upgrades a basic group to a supergroup (a public link, history for new
        members, some admin rights, or 200 members): the chat gets a new id.

        Members, admins and the bot move to the new chat, whose message ids start again at 1.
        A service message goes to each chat (``migrate_to_chat_id`` in the old one, from the
        user ``by``; ``migrate_from_chat_id`` in the new one, sent on behalf of the group), and
        from then on every call naming the old id answers 400 "group chat was upgraded to a
        supergroup chat" with ``parameters.migrate_to_chat_id``. Returns both messages.
        ``lost=True``: the bot never gets the service messages (it was offline for more than a
        day, and Telegram keeps updates for 24 hours).
        """
        old = self._group(chat_id)
        if old.type != "group" or old.migrated_to is not None:
            raise ValueError(f"chat {chat_id} is not a basic group that can be upgraded")
        if new_chat_id > -1_000_000_000_000 or new_chat_id in self._chats:
            raise ValueError("the new id must be a free supergroup id (e.g. -1001234567890)")
        self._require_user(by)
        new = _Chat(
            id=new_chat_id,
            type="supergroup",
            title=old.title,
            members=dict(old.members),
            bot_status=old.bot_status,
        )
        self._chats[new_chat_id] = new
        now = int(self.wall_clock())
        farewell: JSON = {
            "message_id": self._next_message_id(old),
            "from": self._user(by),
            "date": now,
            "chat": self._chat_json(old),
            "migrate_to_chat_id": new_chat_id,
        }
        old.messages[farewell["message_id"]] = farewell
        self._appeared.append((old.id, farewell["message_id"]))
        old.migrated_to = new_chat_id
        welcome: JSON = {
            "message_id": self._next_message_id(new),
            "from": copy.deepcopy(_GROUP_ANONYMOUS_BOT),
            "sender_chat": self._chat_json(new),
            "date": now,
            "chat": self._chat_json(new),
            "migrate_from_chat_id": chat_id,
        }
        new.messages[welcome["message_id"]] = welcome
        self._appeared.append((new.id, welcome["message_id"]))
        for chat, msg in ((old, farewell), (new, welcome)):
            if lost:
                self.undelivered.append({"message": _public(msg)})
            elif self._delivered_to_bot(chat, msg, service=True):
                self._queue("message", _public(msg))
            else:
                self.undelivered.append({"message": _public(msg)})
        return _public(farewell), _public(welcome)

    def remove_bot(self, chat_id: int, *, by: int) -> JSON:
        """An admin removes the bot from the group; Telegram tells it (``my_chat_member``)."""
        return self._change_bot_status(chat_id, "kicked", by)

    def add_bot(self, chat_id: int, *, by: int, status: str = "administrator") -> JSON:
        """An admin adds the bot (back) to the group; Telegram tells it (``my_chat_member``)."""
        return self._change_bot_status(chat_id, status, by)

    def _change_bot_status(self, chat_id: int, status: str, by: int) -> JSON:
        _check_status(status)
        chat = self._group(chat_id)
        self._require_alive(chat)
        self._require_user(by)
        old = chat.bot_status
        chat.bot_status = status
        self._queue_my_chat_member(chat, old, status, by)
        return self._member_json(chat, self.bot_id)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Change a member's status (or the bot's, for ``user_id == bot id``) without an update."""
        _check_status(status)
        chat = self._group(chat_id)
        if user_id == self.bot_id:
            chat.bot_status = status
            return
        self._require_user(user_id)
        chat.members[user_id] = status

    def start_private(self, user_id: int) -> None:
        """The user opened the private chat with the bot (and unblocked it, if they had)."""
        self._require_user(user_id)
        self._started.add(user_id)
        if user_id in self._blocked:
            self._blocked.discard(user_id)
            self._queue_my_chat_member(self._chats[user_id], "kicked", "member", user_id)

    def block(self, user_id: int) -> None:
        """The user blocked the bot: private sends now fail with 403."""
        self._require_user(user_id)
        if user_id in self._blocked:
            return
        self._blocked.add(user_id)
        # Telegram tells the bot through my_chat_member, the only private-chat status update.
        self._queue_my_chat_member(self._chats[user_id], "member", "kicked", user_id)

    # ------------------------------------------------------------------ injecting updates

    def message(
        self,
        chat_id: int,
        user_id: int | None,
        text: str | None = None,
        *,
        reply_to: int | None = None,
        caption: str | None = None,
        voice: JSON | None = None,
        audio: JSON | None = None,
        video: JSON | None = None,
        video_note: JSON | None = None,
        photo: list[JSON] | None = None,
        document: JSON | None = None,
        sticker: str | None = None,
        location: tuple[float, float] | None = None,
        sender_chat: JSON | None = None,
        new_chat_members: list[int] | None = None,
        media_group_id: str | None = None,
    ) -> JSON:
        """A user posts a message; queues a ``message`` update and returns the Message JSON.

        ``user_id=None`` with ``sender_chat`` models an anonymous admin (the group itself) or a
        linked channel. In a group under privacy mode (bot not admin) Telegram only delivers
        commands, replies to the bot and service messages; others are stored but not queued
        (see :attr:`undelivered`). ``sticker`` is the sticker's emoji; ``location`` its
        (latitude, longitude). Albums: :meth:`album`.
        """
        msg, chat = self._compose(
            chat_id,
            user_id,
            text,
            reply_to=reply_to,
            caption=caption,
            media={
                "voice": voice,
                "audio": audio,
                "video": video,
                "video_note": video_note,
                "photo": photo,
                "document": document,
            },
            sticker=sticker,
            location=location,
            sender_chat=sender_chat,
            new_chat_members=new_chat_members,
            media_group_id=media_group_id,
        )
        return self._post(chat, msg)

    def album(
        self,
        chat_id: int,
        user_id: int,
        items: list[tuple[str, Any]],
        *,
        caption: str | None = None,
        reply_to: int | None = None,
        order: list[int] | None = None,
        hold: bool = False,
    ) -> list[JSON]:
        """A user sends an album (media group): one message per item, sharing a
        ``media_group_id``, with consecutive message ids in the order given; ``caption`` goes
        on the first, as Telegram's apps put it. Each item is ``(kind, media)`` with media from
        :meth:`file`. As on Telegram, photos and videos may be mixed, documents and audio
        only with their own kind, 2–10 items; when replying, every message carries the reply.

        ``order`` is the order the updates are delivered in (indexes into ``items``; all of
        them, each once), e.g. ``[2, 0, 1]``: Telegram makes no promise about it. With
        ``hold=True`` none is delivered yet: pass each to :meth:`deliver` when it should
        arrive (say, after a restart of the bot). Returns the messages in page order.
        """
        kinds = {kind for kind, _ in items}
        if not 2 <= len(items) <= 10:
            raise ValueError("an album has 2 to 10 items")
        if not (kinds <= {"photo", "video"} or kinds == {"document"} or kinds == {"audio"}):
            raise ValueError(f"Telegram does not group {sorted(kinds)} in one album")
        if order is None:
            order = list(range(len(items)))
        if sorted(order) != list(range(len(items))):
            raise ValueError("order must name every item once")
        group_id = str(next(self._seq) + 14_000_000_000_000_000)
        composed = [
            self._compose(
                chat_id,
                user_id,
                None,
                reply_to=reply_to,
                caption=caption if n == 0 else None,
                media={kind: media},
                media_group_id=group_id,
            )
            for n, (kind, media) in enumerate(items)
        ]
        if hold:
            for msg, chat in composed:
                self._held[(chat.id, msg["message_id"])] = (msg, chat)
            return [copy.deepcopy(_public(msg)) for msg, _ in composed]
        posted: dict[int, JSON] = {}
        for n in order:
            msg, chat = composed[n]
            posted[n] = self._post(chat, msg)
        return [posted[n] for n in range(len(items))]

    def deliver(self, message: JSON) -> JSON:
        """Deliver a message composed with ``hold=True`` (once; a repeat is :meth:`raw_update`)."""
        held = self._held.pop((message["chat"]["id"], message["message_id"]), None)
        if held is None:
            raise KeyError(f"message {message['message_id']} is not held back")
        msg, chat = held
        return self._post(chat, msg)

    def _compose(
        self,
        chat_id: int,
        user_id: int | None,
        text: str | None,
        *,
        reply_to: int | None,
        caption: str | None,
        media: dict[str, Any],
        sticker: str | None = None,
        location: tuple[float, float] | None = None,
        sender_chat: JSON | None = None,
        new_chat_members: list[int] | None = None,
        media_group_id: str | None = None,
    ) -> tuple[JSON, _Chat]:
        """A user's message, stored in the chat; not yet delivered."""
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}: add_user/add_group first")
        self._require_alive(chat)
        sender: JSON | None = None
        if user_id is not None:
            sender = self._user(user_id)
            if chat.type == "private":
                if chat_id != user_id:
                    raise ValueError("in a private chat the sender is the chat's user")
                self.start_private(user_id)
            else:
                for joined in new_chat_members or ():
                    self._require_user(joined)
                    chat.members[joined] = "member"
                status = chat.members.get(user_id, "left")
                if status == "kicked":
                    raise ValueError(f"user {user_id} is banned from chat {chat_id}")
                if status == "left":
                    # Whoever can post is a member; keep the world consistent for getChatMember.
                    chat.members[user_id] = "member"
        elif sender_chat is not None:
            own = sender_chat.get("id") == chat_id
            sender = copy.deepcopy(_GROUP_ANONYMOUS_BOT if own else _TELEGRAM_SERVICE_USER)
        msg: JSON = {
            "message_id": self._next_message_id(chat),
            "date": int(self.wall_clock()),
            "chat": self._chat_json(chat),
        }
        if sender is not None:
            msg["from"] = sender
        if sender_chat is not None:
            msg["sender_chat"] = copy.deepcopy(sender_chat)
        if reply_to is not None:
            msg["reply_to_message"] = self._reply_snapshot(chat, reply_to)
            if msg["reply_to_message"] is None:
                raise KeyError(f"no message {reply_to} in chat {chat_id} to reply to")
        if media_group_id is not None:
            msg["media_group_id"] = media_group_id
        if text is not None:
            msg["text"] = text
            if entities := _command_entities(text):
                msg["entities"] = entities
        for key, value in media.items():
            if value is not None:
                msg[key] = copy.deepcopy(value)
        if sticker is not None:
            unique = f"sticker-{next(self._seq)}"
            msg["sticker"] = {
                "file_id": f"CAACAgIAAx{unique}",
                "file_unique_id": unique,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": sticker,
            }
        if location is not None:
            msg["location"] = {"latitude": location[0], "longitude": location[1]}
        if caption is not None:
            msg["caption"] = caption
            if entities := _command_entities(caption):
                msg["caption_entities"] = entities
        if new_chat_members:
            msg["new_chat_members"] = [self._user(uid) for uid in new_chat_members]
        chat.messages[msg["message_id"]] = msg
        self._appeared.append((chat.id, msg["message_id"]))
        return msg, chat

    def _post(self, chat: _Chat, msg: JSON) -> JSON:
        """Deliver a composed message to the bot, if Telegram would."""
        public = _public(msg)
        if self._delivered_to_bot(chat, msg):
            self._queue("message", public)
        else:
            self.undelivered.append({"message": public})
        return copy.deepcopy(public)

    def edit(self, chat_id: int, message_id: int, text: str) -> JSON:
        """The user edits their message (text, or caption of media); queues ``edited_message``."""
        chat = self._chat(chat_id)
        self._require_alive(chat)
        msg = chat.messages.get(message_id)
        if msg is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        if msg.get("from", {}).get("id") == self.bot_id:
            raise ValueError("users cannot edit the bot's messages")
        # A media message's editable text is its caption.
        key, entities_key = (
            ("text", "entities") if "text" in msg else ("caption", "caption_entities")
        )
        msg[key] = text
        msg.pop(entities_key, None)
        if entities := _command_entities(text):
            msg[entities_key] = entities
        msg["edit_date"] = int(self.wall_clock())
        public = _public(msg)
        if self._delivered_to_bot(chat, msg):
            self._queue("edited_message", public)
        else:
            self.undelivered.append({"edited_message": public})
        return copy.deepcopy(public)

    def press(
        self, user_id: int, chat_id: int, message_id: int, data: str, *, force: bool = False
    ) -> str:
        """The user taps an inline button of the bot's message; returns the callback query id.

        The message must be the bot's and carry a button with exactly this callback_data (a
        real client cannot press anything else); ``force=True`` skips that check.
        """
        chat = self._chat(chat_id)
        self._require_alive(chat)
        msg = chat.messages.get(message_id)
        if msg is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        if not force:
            if msg.get("from", {}).get("id") != self.bot_id:
                raise ValueError(f"message {message_id} is not the bot's")
            buttons = [
                b
                for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
                if b.get("callback_data") == data
            ]
            if not buttons:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; it has "
                    f"{_buttons_summary(msg)}"
                )
        query_id = str(4_300_000_000_000_000_000 + next(self._seq))
        query: JSON = {
            "id": query_id,
            "from": self._user(user_id),
            "message": _public(msg),
            "chat_instance": str(-((abs(chat_id) * 2654435761) % (2**62))),
            "data": data,
        }
        self._callbacks[query_id] = query
        self._queue("callback_query", copy.deepcopy(query))
        return query_id

    def poll_answer(self, user_id: int, poll_id: str, option_ids: list[int]) -> JSON:
        """The user votes (or retracts with ``[]``) in a bot's non-anonymous poll."""
        state = self._polls.get(poll_id)
        if state is None:
            raise KeyError(f"no poll {poll_id!r}")
        poll = state.poll
        user = self._user(user_id)
        self._require_alive(self._chats[state.chat_id])
        if poll["is_closed"]:
            raise ValueError("the poll is closed")
        if poll["is_anonymous"]:
            raise ValueError("Telegram sends no poll_answer for anonymous polls")
        count = len(poll["options"])
        if any(not 0 <= i < count for i in option_ids) or len(set(option_ids)) != len(option_ids):
            raise ValueError(f"option ids must be distinct and in 0..{count - 1}")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("this poll takes one answer")
        if user_id in state.votes and not poll["allows_revoting"]:
            raise ValueError("this poll does not allow changing the answer")
        if not option_ids and user_id not in state.votes:
            raise ValueError("nothing to retract")
        for i in state.votes.get(user_id, []):
            poll["options"][i]["voter_count"] -= 1
        if option_ids:
            state.votes[user_id] = sorted(option_ids)
            for i in option_ids:
                poll["options"][i]["voter_count"] += 1
        else:
            state.votes.pop(user_id, None)
        poll["total_voter_count"] = len(state.votes)
        self._sync_poll_message(state)
        answer: JSON = {
            "poll_id": poll_id,
            "user": user,
            "option_ids": list(option_ids),
            "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in option_ids],
        }
        self._queue("poll_answer", copy.deepcopy(answer))
        # Telegram also sends the new poll state for polls the bot sent.
        self._queue("poll", copy.deepcopy(poll))
        return answer

    def chat_member(self, chat_id: int, user_id: int, old: str, new: str) -> JSON:
        """A member's status changes (join, leave, promotion...); queues ``chat_member``.

        Telegram sends these only to admin bots that asked for "chat_member" in allowed_updates.
        """
        _check_status(old)
        _check_status(new)
        chat = self._group(chat_id)
        user = self._user(user_id)
        old_member = self._member_json(chat, user_id, status=old)
        chat.members[user_id] = new
        update: JSON = {
            "chat": self._chat_json(chat),
            "from": user,
            "date": int(self.wall_clock()),
            "old_chat_member": old_member,
            "new_chat_member": self._member_json(chat, user_id),
        }
        if chat.bot_status in ("administrator", "creator"):
            self._queue("chat_member", copy.deepcopy(update))
        else:
            self.undelivered.append({"chat_member": update})
        return update

    def raw_update(self, payload: JSON) -> int:
        """Queue any payload as an update (``update_id`` added), unchecked; returns the id."""
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **copy.deepcopy(payload)}
        self._updates.append(update)
        self._wake()
        return self._last_update_id

    def file(
        self,
        content: bytes | None = None,
        *,
        size: int | None = None,
        kind: str = "document",
        file_name: str | None = None,
        mime_type: str | None = None,
        duration: int | None = None,
    ) -> Any:
        """Register a file users can send; returns its Document/Voice/Audio/Video/VideoNote JSON,
        or for ``kind="photo"`` the list of PhotoSize (largest last).

        ``size`` overrides ``len(content)``; ``content=None`` with ``size`` over 20 MB models a
        file too big for getFile. Typed ``Any`` so it can be passed as ``voice=`` or ``photo=``.
        """
        if kind not in _KIND_NAMES:
            raise ValueError(f"kind must be one of {sorted(_KIND_NAMES)}")
        if content is None:
            if size is not None and size > MAX_DOWNLOAD:
                data = None  # never downloadable, so never materialised
            else:
                pattern = bytes(range(251))  # recognisable, not all zeros
                data = (pattern * (size // 251 + 1))[:size] if size is not None else b"fake file"
        else:
            data = content
        real_size = size if size is not None else len(data or b"")
        record = self._new_file(
            kind,
            data,
            real_size,
            file_name=file_name,
            mime_type=mime_type or _KIND_MIME.get(kind),
            duration=duration or 0,
        )
        if kind == "photo":
            dims = _image_size(data or b"") or (0, 0)
            record.width, record.height = dims if dims != (0, 0) else (1280, 960)
            return copy.deepcopy(self._photo_sizes(record))
        return self._media_json(record)

    # ------------------------------------------------------------------ observing

    def sent(self, chat_id: int | None = None, *, method: str | None = None) -> list[JSON]:
        """Messages the bot sent successfully, as returned then (later edits not applied),
        oldest first; each carries ``_method`` and, for HTML, the raw ``_html``."""
        wanted = self._canonical(method) if method else None
        return [
            copy.deepcopy(m)
            for m in self._sent
            if (chat_id is None or m["chat"]["id"] == chat_id)
            and (wanted is None or m["_method"] == wanted)
        ]

    def history(self, start: int = 0) -> list[JSON]:
        """Every message of every chat (the users' and the bot's) in the order they appeared,
        from the ``start``-th on, as they are now: edits applied, polls with their votes,
        deleted ones left out. Each carries ``_seq``, its place in that order."""
        out: list[JSON] = []
        for seq, (chat_id, message_id) in enumerate(self._appeared[start:], start):
            msg = self._chats[chat_id].messages.get(message_id)
            if msg is not None:
                out.append({**copy.deepcopy(msg), "_seq": seq})
        return out

    def user(self, user_id: int) -> JSON:
        """The User JSON of someone added with :meth:`add_user`."""
        return self._user(user_id)

    def upload(self, file_id: str) -> bytes:
        """The bytes of a file (normally one the bot uploaded) by any of its file ids."""
        record = self._files.get(file_id)
        if record is None:
            raise KeyError(f"no file {file_id!r}")
        if record.content is None:
            raise ValueError(f"file {file_id!r} has no content (a modelled big file)")
        return record.content

    def message_by_id(self, chat_id: int, message_id: int) -> JSON | None:
        """The message as it is now (edits applied), or None if it never existed or was deleted."""
        chat = self._chats.get(chat_id)
        msg = chat.messages.get(message_id) if chat else None
        return copy.deepcopy(msg) if msg is not None else None

    def unconfirmed(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def unanswered_callbacks(self) -> list[str]:
        """Callback query ids the bot has not answered with answerCallbackQuery."""
        return list(self._callbacks)

    def poll(self, poll_id: str) -> JSON:
        """The current state of a poll the bot sent (votes counted)."""
        return copy.deepcopy(self._polls[poll_id].poll)

    # ``timeout`` is part of the interface tests are written against, hence the noqa.
    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until ``predicate()`` is true, checking every 10 ms; fail with recent calls."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout}s\n{self.describe_recent_calls()}"
                )
            await asyncio.sleep(0.01)

    async def wait_sent(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Wait until at least ``count`` messages went to ``chat_id``; return them all."""
        await self.wait_until(lambda: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    def describe_recent_calls(self, limit: int = 20) -> str:
        """The last calls (empty getUpdates polls left out), for assertion messages."""
        interesting = [
            c
            for c in self.calls
            if not (c.method == "getUpdates" and c.status == 200 and not c.result)
        ]
        lines = [f"  {c.summary()}" for c in interesting[-limit:]]
        extra = [f"  fake errors: {self.errors}"] if self.errors else []
        extra.append(f"  updates unconfirmed: {len(self._updates)}")
        return "last calls:\n" + ("\n".join(lines) or "  (none)") + "\n" + "\n".join(extra)

    # ------------------------------------------------------------------ faults

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` answer this error instead of running."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or _default_description(status, retry_after)
        queue = self._faults.setdefault(self._canonical(method), deque())
        queue.extend(_Fault(status, text, retry_after) for _ in range(times))

    def hang(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` wait ``seconds`` before they run and answer.

        The call still takes effect afterwards, as on Telegram: a client timeout does not
        mean the message was not sent.
        """
        self._hangs.setdefault(self._canonical(method), deque()).extend([seconds] * times)

    def lose_reply(self, method: str, *, times: int = 1, took_effect: bool = True) -> None:
        """The next ``times`` calls of ``method`` get no answer: the connection drops after
        Telegram received the request. With ``took_effect`` (as usually on Telegram: the reply
        was lost on the way back) the call still happens, e.g. the message is posted; without,
        it was lost before Telegram acted on it. Either way the client cannot tell which."""
        queue = self._lost_replies.setdefault(self._canonical(method), deque())
        queue.extend([took_effect] * times)

    def hold_reply(self, method: str) -> asyncio.Event:
        """The next call of ``method`` takes effect at once (a poll exists and can be voted on,
        its updates flow), but its answer is held back until the returned event is set."""
        release = asyncio.Event()
        self._held_replies.setdefault(self._canonical(method), deque()).append(release)
        return release

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        raw_method = request.match_info["method"]
        now = time.monotonic()
        if token != self.token:
            call = Call(raw_method, {}, {}, now)
            self.calls.append(call)
            if _TOKEN_RE.match(token):
                return self._respond(call, ApiError(401, "Unauthorized"))
            return self._respond(call, ApiError(404, "Not Found"))
        spec = self.spec.method(raw_method)
        if spec is None:
            call = Call(raw_method, {}, {}, now)
            self.calls.append(call)
            return self._respond(call, ApiError(404, "Not Found"))
        call = Call(spec.name, {}, {}, now)
        self.calls.append(call)
        try:
            raw, files = await _read_params(request)
        except ApiError as err:
            return self._respond(call, err)
        call.files = {name: part.content for name, part in files.items()}
        call.params = {k: v for k, v in raw.items() if not isinstance(v, UploadedFile)}
        if spec.name == "getUpdates":
            # A poll the client gave up on (PTB cancels it on shutdown) just ends: the server
            # runs with handler_cancellation, so it does not linger and answer a later 409.
            try:
                outcome = await self._process(call, spec, raw, files)
            except asyncio.CancelledError:
                call.status, call.error = 499, "client closed the connection"
                raise
            return self._respond(call, outcome)
        lost = self._lost_replies.get(spec.name)
        if lost:
            took_effect = lost.popleft()
            if took_effect:
                await self._process(call, spec, raw, files)
            call.error = f"reply lost (took effect: {took_effect})"
            if request.transport is not None:
                request.transport.abort()  # the client sees the connection drop, no answer
            raise asyncio.CancelledError
        # Anything else takes effect even if the client stops waiting (a timeout on a hung
        # sendMessage does not unsend it on Telegram either), so run it shielded.
        work = asyncio.ensure_future(self._process(call, spec, raw, files))
        self._background.add(work)
        work.add_done_callback(self._background.discard)
        outcome = await asyncio.shield(work)
        held = self._held_replies.get(spec.name)
        if held:
            await held.popleft().wait()
        return self._respond(call, outcome)

    async def _process(
        self, call: Call, spec: MethodSpec, raw: JSON, files: dict[str, UploadedFile]
    ) -> Any:
        """Validate, apply faults, run the method; record and return the result or ApiError."""
        try:
            params = self._decode(spec, raw, files)
            call.params = {k: v for k, v in params.items() if not isinstance(v, UploadedFile)}
            hangs = self._hangs.get(spec.name)
            if hangs:
                await asyncio.sleep(hangs.popleft())
            faults = self._faults.get(spec.name)
            if faults:
                fault = faults.popleft()
                extra = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.status, fault.description, extra)
            handler = self._handlers.get(spec.name)
            if handler is None:
                raise ApiError(501, f"Not implemented in FakeBotApi: {spec.name}")
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as err:
            return self._record(call, err)
        except Exception as exc:  # a bug in the fake: answer 500 and remember it for the test
            self.errors.append(f"{spec.name}: {exc!r}\n{traceback.format_exc()}")
            _LOG.exception("FakeBotApi failed on %s", spec.name)
            return self._record(
                call, ApiError(500, f"Internal Server Error: FakeBotApi bug {exc!r}")
            )
        public = _public(result)
        if self.self_check:
            problems = self.spec.check_result(spec.name, public)
            if problems:
                self.errors.append(f"{spec.name} answer breaks the spec: {problems}")
                return self._record(
                    call, ApiError(500, f"FakeBotApi bug: answer breaks the spec: {problems[:5]}")
                )
        return self._record(call, public)

    def _record(self, call: Call, outcome: Any) -> Any:
        if isinstance(outcome, ApiError):
            call.status = outcome.status
            call.error = outcome.description
        else:
            call.status = 200
            call.result = outcome
        return outcome

    def _respond(self, call: Call, outcome: Any) -> web.Response:
        self._record(call, outcome)
        if isinstance(outcome, ApiError):
            body = outcome.payload()
        else:
            body = {"ok": True, "result": outcome}
        # As Telegram writes it: UTF-8, with a lone surrogate (half an emoji) as an escape.
        return web.json_response(body, status=call.status, dumps=_telegram_json)

    async def _handle_file(self, request: web.Request) -> web.Response:
        not_found = web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
        if request.match_info["token"] != self.token:
            return not_found
        record = self._paths.get(request.match_info["path"])
        if record is None or record.content is None:
            return not_found
        return web.Response(
            body=record.content, content_type=record.mime_type or "application/octet-stream"
        )

    def _decode(self, spec: MethodSpec, raw: JSON, files: dict[str, UploadedFile]) -> JSON:
        """Check parameter names and required ones against the spec and decode the values."""
        leaks = _PTB_DEFAULTS_LEAKS.get(spec.name, frozenset())
        params: JSON = {}
        for name, value in raw.items():
            field_spec = spec.fields.get(name)
            if field_spec is None:
                if isinstance(value, UploadedFile):
                    continue  # an attach:// part; checked below against the references
                if name in leaks:
                    continue  # see _PTB_DEFAULTS_LEAKS: ignored, as Telegram does
                raise _bad(f"unknown parameter {name}")
            if value is None:
                continue
            try:
                params[name] = decode_param(field_spec, value, files)
            except ParamError as err:
                raise ApiError(400, str(err)) from None
        referenced = set(_attach_references(params))
        for name, value in raw.items():
            if isinstance(value, UploadedFile) and name not in spec.fields.keys() | referenced:
                raise _bad(f"unknown parameter {name} (a file part nothing refers to)")
        for name in spec.required:
            if name == "text" and not params.get("text"):
                raise _bad("message text is empty")  # Telegram's wording for missing text too
            if name not in params or params[name] == "":
                raise _bad(f"{name} is required")
        return params

    # ------------------------------------------------------------------ methods: bot and updates

    def _ok(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True

    def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return copy.deepcopy(self.bot_user)

    async def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        offset = params.get("offset")
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(float(params.get("timeout", 0)), 0.0)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            if not all(isinstance(a, str) for a in allowed):
                raise _bad("can't parse allowed_updates JSON array")
            self.allowed_updates = list(allowed)
        if offset is not None:
            self._confirm(int(offset))
        # A newer getUpdates ends an older one with 409, as Telegram does when two bot
        # instances poll at once.
        self._active_poll += 1
        me = self._active_poll
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._active_poll != me:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            changed = self._changed
            ready = self._deliverable(limit)
            remaining = deadline - loop.time()
            if ready or self._closing or remaining <= 0:
                return ready
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _commands_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope", {"type": "default"})
        scope_type = scope.get("type")
        subtype = {
            "default": "BotCommandScopeDefault",
            "all_private_chats": "BotCommandScopeAllPrivateChats",
            "all_group_chats": "BotCommandScopeAllGroupChats",
            "all_chat_administrators": "BotCommandScopeAllChatAdministrators",
            "chat": "BotCommandScopeChat",
            "chat_administrators": "BotCommandScopeChatAdministrators",
            "chat_member": "BotCommandScopeChatMember",
        }.get(scope_type if isinstance(scope_type, str) else "")
        if subtype is None or self.spec.check(subtype, scope):
            raise _bad("can't parse BotCommandScope JSON object")
        if "chat_id" in scope:
            self._resolve_chat(scope["chat_id"])
        language = params.get("language_code", "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands specified")
        for cmd in commands:
            if self.spec.check("BotCommand", cmd):
                raise _bad("can't parse BotCommand JSON object")
            if not _COMMAND_NAME_RE.match(cmd["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(cmd["description"]) <= 256:
                raise _bad("command description must be 1-256 characters long")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            chat = self._resolve_chat(chat_id)
            if chat.type != "private":
                raise _bad("menu button can be set only in private chats")
        button = params.get("menu_button", {"type": "default"})
        if self.spec.check("MenuButton", button):
            raise _bad("can't parse MenuButton JSON object")
        self.menu_buttons[chat_id] = copy.deepcopy(button)
        return True

    def _get_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._resolve_chat(chat_id)
        button = self.menu_buttons.get(chat_id) or self.menu_buttons.get(None)
        return copy.deepcopy(button) if button else {"type": "commands"}

    # ------------------------------------------------------------------ methods: sending

    def _send_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._sendable_chat(params["chat_id"], "sendMessage")
        text, entities, html = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), limit=MAX_TEXT
        )
        if not text:
            raise _bad("message text is empty")
        body: JSON = {"text": text}
        if entities:
            body["entities"] = entities
        return self._deliver(chat, "sendMessage", params, [(body, html)])[0]

    def _send_media(
        self, kind: str, method: str, params: JSON, files: dict[str, UploadedFile]
    ) -> JSON:
        chat = self._sendable_chat(params["chat_id"], method)
        record = self._input_file(params[kind], kind, files, params)
        caption_body, html = self._caption(params)
        body: JSON = {kind: self._media_json(record), **caption_body}
        return self._deliver(chat, method, params, [(body, html)])[0]

    def _deliver(
        self,
        chat: _Chat,
        method: str,
        params: JSON,
        bodies: list[tuple[JSON, str | None]],
    ) -> list[JSON]:
        """Create the bot's messages in ``chat`` after reply, markup and flood checks."""
        reply = self._reply_target(chat, params.get("reply_parameters"))
        markup = params.get("reply_markup")
        inline = self._check_markup(markup) if markup is not None else None
        self._take_rate_slots(chat, len(bodies))
        media_group_id = str(next(self._seq) + 13_000_000_000_000_000) if len(bodies) > 1 else None
        out: list[JSON] = []
        for body, html in bodies:
            msg: JSON = {
                "message_id": self._next_message_id(chat),
                "from": copy.deepcopy(self._bot_sender),
                "date": int(self.wall_clock()),
                "chat": self._chat_json(chat),
            }
            if reply is not None:
                msg["reply_to_message"] = copy.deepcopy(reply)
            if params.get("protect_content"):
                msg["has_protected_content"] = True
            if media_group_id is not None:
                msg["media_group_id"] = media_group_id
            msg.update(body)
            if inline is not None:
                msg["reply_markup"] = inline
            elif markup is not None:
                msg["_reply_markup"] = markup  # reply keyboards are not part of a Message
            msg["_method"] = method
            if html is not None:
                msg["_html"] = html
            chat.messages[msg["message_id"]] = msg
            self._appeared.append((chat.id, msg["message_id"]))
            self._sent.append(copy.deepcopy(msg))
            out.append(msg)
        return out

    def _format(
        self,
        text: str,
        parse_mode: str | None,
        entities: list[JSON] | None,
        *,
        limit: int,
        too_long: str = "message is too long",
    ) -> tuple[str, list[JSON], str | None]:
        """Parse a text or caption like Telegram: entities, trimming, length limit."""
        html: str | None = None
        if entities is not None:
            plain, ents = text, copy.deepcopy(entities)
            problems = self.spec.check("Array of MessageEntity", ents)
            if problems:
                raise _bad(f"can't parse entities: {problems[0]}")
        elif parse_mode:
            mode = parse_mode.lower()
            if mode == "html":
                html = text
                try:
                    plain, ents = parse_html(text)
                except EntityParseError as err:
                    raise _bad(f"can't parse entities: {err}") from None
                self._resolve_mentions(ents)
            elif mode in ("markdown", "markdownv2"):
                raise ApiError(501, f"Not implemented in FakeBotApi: parse_mode {parse_mode}")
            else:
                raise _bad(f"unsupported parse_mode {parse_mode}")
        else:
            plain, ents = text, []
        plain, ents = _trim(plain, ents)
        if len(plain) > limit:
            raise _bad(too_long)
        total = utf16_len(plain)
        for ent in ents:
            if ent["offset"] < 0 or ent["length"] <= 0 or ent["offset"] + ent["length"] > total:
                raise _bad("can't parse entities: entity is out of the text bounds")
        return plain, ents, html

    def _resolve_mentions(self, entities: list[JSON]) -> None:
        """<a href="tg://user?id=N"> becomes a text_mention of a known user, as in Telegram."""
        for ent in entities:
            url = ent.get("url", "")
            match = re.fullmatch(r"tg://user\?id=(\d+)", url)
            if ent["type"] == "text_link" and match:
                user = self._users.get(int(match.group(1)))
                if user is not None:
                    ent["type"] = "text_mention"
                    ent["user"] = copy.deepcopy(user)
                    del ent["url"]

    def _caption(self, params: JSON) -> tuple[JSON, str | None]:
        caption = params.get("caption")
        if caption is None:
            return {}, None
        plain, ents, html = self._format(
            caption,
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION,
            too_long="message caption is too long",
        )
        body: JSON = {}
        if plain:
            body["caption"] = plain
            if ents:
                body["caption_entities"] = ents
        return body, html

    # ------------------------------------------------------------------ checks shared by sends

    def _resolve_chat(self, chat_id: int | str) -> _Chat:
        if isinstance(chat_id, str):
            name = chat_id.lstrip("@").lower()
            for uid, user in self._users.items():
                if user.get("username", "").lower() == name:
                    return self._chats[uid]
            raise _bad("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        return chat

    def _sendable_chat(self, chat_id: int | str, method: str) -> _Chat:
        chat = self._resolve_chat(chat_id)
        if chat.type == "private":
            if chat.id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.id not in self._started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        else:
            self._require_bot_in(chat)
            if chat.bot_status == "restricted":
                raise _bad(
                    f"not enough rights to send {_SEND_WHAT.get(method, 'messages')} to the chat"
                )
        return chat

    def _require_bot_in(self, chat: _Chat) -> None:
        if chat.type != "private" and chat.bot_status in ("left", "kicked"):
            # Telegram words it "bot was kicked from the supergroup chat" for kicked.
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")

    def _reply_target(self, chat: _Chat, reply: JSON | None) -> JSON | None:
        if reply is None:
            return None
        if self.spec.check("ReplyParameters", reply):
            raise _bad("can't parse reply parameters JSON object")
        if "chat_id" in reply and self._resolve_chat(reply["chat_id"]).id != chat.id:
            raise ApiError(501, "Not implemented in FakeBotApi: replies to another chat")
        snapshot = self._reply_snapshot(chat, reply["message_id"])
        if snapshot is None and not reply.get("allow_sending_without_reply"):
            raise _bad("message to be replied not found")
        return snapshot

    def _reply_snapshot(self, chat: _Chat, message_id: int) -> JSON | None:
        msg = chat.messages.get(message_id)
        if msg is None:
            return None
        snapshot = _public(msg)
        snapshot.pop("reply_to_message", None)  # Telegram nests replies one level deep only
        return snapshot  # type: ignore[no-any-return]

    def _check_markup(self, markup: Any, *, inline_only: bool = False) -> JSON | None:
        """Validate reply_markup like Telegram; return it if it is an inline keyboard."""
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse inline keyboard markup JSON object")
            if sum(len(r) for r in rows) > 100:
                raise _bad("reply markup is too long")
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
            # An empty inline keyboard is no keyboard: Telegram leaves reply_markup out.
            return copy.deepcopy(markup) if any(rows) else None
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse reply keyboard markup JSON object")
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else button.get("text")
                    if not isinstance(text, str) or not text:
                        raise _bad("can't parse keyboard button: text is empty")
            return None
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return None
        raise _bad("can't parse reply keyboard markup JSON object")

    def _check_inline_button(self, button: Any) -> None:
        if not isinstance(button, dict) or self.spec.check("InlineKeyboardButton", button):
            raise _bad("can't parse inline keyboard button JSON object")
        if not button["text"]:
            raise _bad("BUTTON_TEXT_INVALID")
        actions = [a for a in _INLINE_BUTTON_ACTIONS if a in button]
        if len(actions) != 1:
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
                if not actions
                else "can't parse inline keyboard button: exactly one action field is allowed"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://\S+$", url)
            if match is None or match.group(1).lower() not in ("http", "https", "tg"):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _take_rate_slots(self, chat: _Chat, n: int) -> None:
        """Telegram's flood limits, per chat and overall; a media group counts per item."""
        if not self.enforce_limits:
            return
        now = self.clock()
        if chat.type == "private":
            window = self._private_windows.setdefault(
                chat.id, _rate_window(self.private_per_second)
            )
        else:
            window = self._group_windows.setdefault(
                chat.id, _Window(capacity=self.group_per_minute, seconds=60.0)
            )
        wait = max(window.wait(now, n), self._global_window.wait(now, n))
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {seconds}",
                {"retry_after": seconds},
            )
        window.add(now, n)
        self._global_window.add(now, n)

    def _take_edit_slot(self, chat: _Chat) -> None:
        """An edit in a group counts against the group's limit like a message: a bot that
        edits a busy message (a sign-up count) on every tap meets 429 there as well."""
        if chat.type != "private":
            self._take_rate_slots(chat, 1)
        chat.edits += 1

    # ------------------------------------------------------------------ methods: media

    def _input_file(
        self, value: Any, kind: str, files: dict[str, UploadedFile], params: JSON
    ) -> _File:
        """The file a send refers to: a fresh upload, an attach:// part or a known file_id.

        ``params`` (the method's or the InputMedia's) describe a fresh upload: duration,
        width, height, performer, title, as Telegram takes them from the request.
        """
        if isinstance(value, str) and value.startswith("attach://"):
            part = files.get(value[len("attach://") :])
            if part is None:
                raise _bad(f"file {value} was not found among the request's parts")
            value = part
        if isinstance(value, UploadedFile):
            return self._register_upload(value, kind, params)
        if re.match(r"^https?://", value):
            raise ApiError(501, "Not implemented in FakeBotApi: sending files by URL")
        record = self._files.get(value)
        if record is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if record.kind != kind:
            raise _bad(f"can't use file of type {_KIND_NAMES[record.kind]} as {_KIND_NAMES[kind]}")
        return record

    def _register_upload(self, part: UploadedFile, kind: str, params: JSON) -> _File:
        if not part.content:
            raise _bad("file must be non-empty")
        if len(part.content) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        width = int(params.get("width") or 0)
        height = int(params.get("height") or 0)
        if kind == "photo":
            dims = _image_size(part.content)
            if dims is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            width, height = dims if dims != (0, 0) else (1280, 960)
        mime: str | None = part.content_type or mimetypes.guess_type(part.filename)[0]
        if kind in _KIND_MIME and (mime is None or mime == "application/octet-stream"):
            mime = _KIND_MIME[kind]
        record = self._new_file(
            kind,
            part.content,
            len(part.content),
            file_name=part.filename or None,
            mime_type=mime,
            duration=int(params.get("duration") or 0),
        )
        record.uploaded_by_bot = True
        record.width, record.height = width, height
        record.extra = {k: params[k] for k in ("performer", "title", "length") if k in params}
        return record

    def _new_file(
        self,
        kind: str,
        content: bytes | None,
        size: int,
        *,
        file_name: str | None,
        mime_type: str | None,
        duration: int,
    ) -> _File:
        n = next(self._seq)
        prefix = {"document": "BQAC", "photo": "AgAC", "voice": "AwAC", "audio": "CQAC"}.get(
            kind, "BAAC"
        )
        record = _File(
            file_id=f"{prefix}AgUAAxkBAAI{n:06d}{kind[:2].upper()}fake{self.bot_id % 10000:04d}",
            file_unique_id=f"AgAD{n:06d}",
            kind=kind,
            content=content,
            size=size,
            file_name=file_name,
            mime_type=mime_type,
            duration=duration,
        )
        self._files[record.file_id] = record
        return record

    def _photo_sizes(self, record: _File) -> list[JSON]:
        """A photo as Telegram returns it: a thumbnail (if the photo is big) and the full size."""
        if record.photo_sizes is not None:
            return record.photo_sizes
        sizes: list[JSON] = []
        if max(record.width, record.height) > 320:
            scale = 320 / max(record.width, record.height)
            thumb = self._new_file(
                "photo",
                record.content,
                record.size,
                file_name=None,
                mime_type="image/jpeg",
                duration=0,
            )
            thumb.width = max(1, int(record.width * scale))
            thumb.height = max(1, int(record.height * scale))
            sizes.append(_photo_size(thumb))
            thumb.photo_sizes = sizes
        sizes.append(_photo_size(record))
        record.photo_sizes = sizes
        return sizes

    def _media_json(self, record: _File) -> Any:
        """The Document/Voice/Audio/Video/VideoNote JSON of a file, or a photo's PhotoSize list."""
        if record.kind == "photo":
            return copy.deepcopy(self._photo_sizes(record))
        obj: JSON = {"file_id": record.file_id, "file_unique_id": record.file_unique_id}
        if record.kind == "video":
            obj["width"] = record.width or 1280
            obj["height"] = record.height or 720
        elif record.kind == "video_note":
            obj["length"] = int(record.extra.get("length") or 240)
        if record.kind != "document":
            obj["duration"] = record.duration
        if record.kind == "audio":
            obj.update({k: v for k, v in record.extra.items() if k in ("performer", "title")})
        if record.kind in ("document", "audio", "video") and record.file_name:
            obj["file_name"] = record.file_name
        if record.mime_type and record.kind != "video_note":
            obj["mime_type"] = record.mime_type
        obj["file_size"] = record.size
        return obj

    def _send_media_group(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        chat = self._sendable_chat(params["chat_id"], "sendMediaGroup")
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise _bad("media group must include 2-10 items")
        kinds: list[str] = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            input_type = {
                "photo": "InputMediaPhoto",
                "video": "InputMediaVideo",
                "document": "InputMediaDocument",
                "audio": "InputMediaAudio",
            }.get(kind if isinstance(kind, str) else "")
            if input_type is None:
                raise _bad(f"unsupported media type {kind!r} in a media group")
            if self.spec.check(input_type, item):
                raise _bad(f"can't parse {input_type} JSON object")
            kinds.append(str(kind))
        for lonely in ("document", "audio"):
            if lonely in kinds and any(k != lonely for k in kinds):
                raise _bad(f"{lonely}s can't be mixed with other media types in a media group")
        bodies: list[tuple[JSON, str | None]] = []
        for item, kind in zip(media, kinds, strict=True):
            record = self._input_file(item["media"], kind, files, item)
            caption_body, html = self._caption(item)
            bodies.append(({kind: self._media_json(record), **caption_body}, html))
        return self._deliver(chat, "sendMediaGroup", params, bodies)

    # ------------------------------------------------------------------ methods: polls

    def _send_poll(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._sendable_chat(params["chat_id"], "sendPoll")
        # Question, options and explanation are parsed like any text (PTB's Defaults send
        # question_parse_mode / text_parse_mode / explanation_parse_mode = "HTML").
        question, question_entities, _ = self._format(
            params["question"],
            params.get("question_parse_mode"),
            params.get("question_entities"),
            limit=300,
            too_long="poll question must be 1-300 characters long",
        )
        if not question:
            raise _bad("poll question must be 1-300 characters long")
        lowest, highest = _option_range(self.spec)
        options = params["options"]
        if not lowest <= len(options) <= highest:
            raise _bad(f"poll must have {lowest}-{highest} options")
        option_objects: list[JSON] = []
        for index, option in enumerate(options):
            # Older clients send plain strings; the spec wants InputPollOption objects.
            raw_option = {"text": option} if isinstance(option, str) else option
            if not isinstance(raw_option, dict) or self.spec.check("InputPollOption", raw_option):
                raise _bad("can't parse InputPollOption JSON object")
            text, text_entities, _ = self._format(
                raw_option["text"],
                raw_option.get("text_parse_mode"),
                raw_option.get("text_entities"),
                limit=100,
                too_long="poll options must be 1-100 characters long",
            )
            if not text:
                raise _bad("poll options must be 1-100 characters long")
            option_json: JSON = {"persistent_id": str(index), "text": text, "voter_count": 0}
            if text_entities:
                option_json["text_entities"] = text_entities
            option_objects.append(option_json)
        texts = [o["text"] for o in option_objects]
        poll_type = params.get("type", "regular")
        if poll_type not in ("regular", "quiz"):
            raise _bad("wrong poll type specified")
        correct = params.get("correct_option_ids")
        if poll_type == "quiz":
            if not correct:
                raise _bad("correct_option_ids must be specified for quizzes")
            if any(not 0 <= i < len(texts) for i in correct) or correct != sorted(set(correct)):
                raise _bad("wrong correct_option_ids specified")
        elif correct:
            raise _bad("correct_option_ids can be specified only for quizzes")
        if "open_period" in params and "close_date" in params:
            raise _bad("open_period and close_date can't be used together")
        explanation, explanation_entities, _ = self._format(
            params.get("explanation", ""),
            params.get("explanation_parse_mode"),
            params.get("explanation_entities"),
            limit=200,
            too_long="explanation is too long",
        )
        poll_id = str(5_400_000_000_000_000_000 + next(self._seq))
        poll: JSON = {
            "id": poll_id,
            "question": question,
            "options": option_objects,
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed", False)),
            "is_anonymous": bool(params.get("is_anonymous", True)),
            "type": poll_type,
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": bool(params.get("allows_revoting", poll_type == "regular")),
            "members_only": bool(params.get("members_only", False)),
        }
        if correct:
            poll["correct_option_ids"] = list(correct)
        if question_entities:
            poll["question_entities"] = question_entities
        if explanation:
            poll["explanation"] = explanation
            if explanation_entities:
                poll["explanation_entities"] = explanation_entities
        for key in ("open_period", "close_date"):
            if key in params:
                poll[key] = params[key]
        msg = self._deliver(chat, "sendPoll", params, [({"poll": poll}, None)])[0]
        self._polls[poll_id] = _Poll(
            poll=copy.deepcopy(poll), chat_id=chat.id, message_id=msg["message_id"]
        )
        return msg

    def _sync_poll_message(self, state: _Poll) -> None:
        msg = self._chats[state.chat_id].messages.get(state.message_id)
        if msg is not None:
            msg["poll"] = copy.deepcopy(state.poll)

    def _stop_poll(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        msg = chat.messages.get(params["message_id"])
        if msg is None or "poll" not in msg:
            raise _bad("message with poll to stop not found")
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad("poll can't be stopped")
        state = self._polls[msg["poll"]["id"]]
        if state.poll["is_closed"]:
            raise _bad("poll has already been closed")
        if "reply_markup" in params:
            msg["reply_markup"] = self._check_markup(params["reply_markup"], inline_only=True)
        state.poll["is_closed"] = True
        self._sync_poll_message(state)
        self._queue("poll", copy.deepcopy(state.poll))
        return copy.deepcopy(state.poll)

    # ------------------------------------------------------------------ methods: editing

    def _editable(self, params: JSON) -> tuple[_Chat, JSON]:
        if "inline_message_id" in params:
            raise ApiError(501, "Not implemented in FakeBotApi: inline messages")
        if "chat_id" not in params:
            raise _bad("chat_id is required")
        if "message_id" not in params:
            raise _bad("message identifier is not specified")
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        msg = chat.messages.get(params["message_id"])
        if msg is None:
            raise _bad("message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")
        return chat, msg

    def _edit_message_text(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, msg = self._editable(params)
        if "text" not in msg:
            raise _bad("there is no text in the message to edit")
        if "text" not in params:
            raise _bad("message text is empty")
        text, entities, html = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), limit=MAX_TEXT
        )
        if not text:
            raise _bad("message text is empty")
        markup = params.get("reply_markup")
        inline = self._check_markup(markup, inline_only=True) if markup is not None else None
        if (
            text == msg["text"]
            and entities == msg.get("entities", [])
            and inline == msg.get("reply_markup")
        ):
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._take_edit_slot(chat)
        msg["text"] = text
        msg.pop("entities", None)
        if entities:
            msg["entities"] = entities
        msg.pop("reply_markup", None)
        if inline is not None:
            msg["reply_markup"] = inline
        msg.pop("_html", None)
        if html is not None:
            msg["_html"] = html
        msg["edit_date"] = int(self.wall_clock())
        return copy.deepcopy(msg)

    def _edit_message_reply_markup(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, msg = self._editable(params)
        markup = params.get("reply_markup")
        inline = self._check_markup(markup, inline_only=True) if markup is not None else None
        # Leaving reply_markup out removes the keyboard; removing none is "not modified".
        if inline == msg.get("reply_markup"):
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._take_edit_slot(chat)
        msg.pop("reply_markup", None)
        if inline is not None:
            msg["reply_markup"] = inline
        msg["edit_date"] = int(self.wall_clock())
        return copy.deepcopy(msg)

    def _delete_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        msg = chat.messages.get(params["message_id"])
        if msg is None:
            raise _bad("message to delete not found")
        own = msg.get("from", {}).get("id") == self.bot_id
        if (
            chat.type != "private"
            and not own
            and chat.bot_status not in ("administrator", "creator")
        ):
            raise _bad("message can't be deleted")
        del chat.messages[params["message_id"]]
        return True

    def _answer_callback_query(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self._callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text", "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        del self._callbacks[query_id]
        self.answered_callbacks[query_id] = dict(params)
        return True

    def _send_chat_action(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._sendable_chat(params["chat_id"], "sendChatAction")
        if params["action"] not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ methods: chats and files

    def _get_chat(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        if chat.type == "private" and not self._has_met(chat.id):
            raise _bad("chat not found")
        info = self._chat_json(chat)
        info["accent_color_id"] = 0
        info["max_reaction_count"] = 11
        gifts = chat.type == "private"
        info["accepted_gift_types"] = {
            "unlimited_gifts": gifts,
            "limited_gifts": gifts,
            "unique_gifts": gifts,
            "premium_subscription": gifts,
            "gifts_from_channels": gifts,
        }
        if chat.type != "private":
            info["permissions"] = {
                "can_send_messages": True,
                "can_send_audios": True,
                "can_send_documents": True,
                "can_send_photos": True,
                "can_send_videos": True,
                "can_send_video_notes": True,
                "can_send_voice_notes": True,
                "can_send_polls": True,
                "can_send_other_messages": True,
                "can_add_web_page_previews": True,
                "can_change_info": False,
                "can_invite_users": True,
                "can_pin_messages": False,
                "can_manage_topics": False,
            }
        return info

    def _get_chat_member(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        user_id = params["user_id"]
        if user_id != self.bot_id and user_id not in self._users:
            raise _bad("user not found")
        if chat.type == "private":
            if user_id not in (chat.id, self.bot_id):
                raise _bad("user not found")
            return {"status": "member", "user": self._user_or_bot(user_id)}
        return self._member_json(chat, user_id)

    def _get_chat_administrators(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        ids = [uid for uid, s in chat.members.items() if s in ("creator", "administrator")]
        if chat.bot_status in ("creator", "administrator"):
            ids.append(self.bot_id)
        return [self._member_json(chat, uid) for uid in ids]

    def _get_chat_member_count(self, params: JSON, files: dict[str, UploadedFile]) -> int:
        chat = self._resolve_chat(params["chat_id"])
        self._require_bot_in(chat)
        if chat.type == "private":
            return 2
        present = ("creator", "administrator", "member", "restricted")
        count = sum(1 for s in chat.members.values() if s in present)
        return count + (1 if chat.bot_status in present else 0)

    def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        record = self._files.get(params["file_id"])
        if record is None:
            raise _bad("invalid file_id")
        if record.size > MAX_DOWNLOAD:
            raise _bad("file is too big")
        if record.file_path is None:
            folder, ext = _KIND_PATHS[record.kind]
            if record.file_name and "." in record.file_name:
                ext = record.file_name.rsplit(".", 1)[1].lower() or ext
            elif record.kind == "document" and record.mime_type:
                guessed = mimetypes.guess_extension(record.mime_type)
                ext = guessed.lstrip(".") if guessed else ext
            record.file_path = f"{folder}/file_{len(self._paths)}.{ext}"
            self._paths[record.file_path] = record
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.size,
            "file_path": record.file_path,
        }

    def _leave_chat(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        if chat.type == "private":
            raise _bad("chat member status can't be changed in private chats")
        self._require_bot_in(chat)
        old = chat.bot_status
        chat.bot_status = "left"
        self._queue_my_chat_member(chat, old, "left", self.bot_id)
        return True

    # ------------------------------------------------------------------ helpers: world

    def _require_alive(self, chat: _Chat) -> None:
        if chat.migrated_to is not None:
            raise ValueError(
                f"chat {chat.id} was upgraded to supergroup {chat.migrated_to}: nobody can post, "
                "edit, press or vote there any more"
            )

    def _require_user(self, user_id: int) -> None:
        if user_id not in self._users:
            raise KeyError(f"no user {user_id}: add_user first")

    def _user(self, user_id: int) -> JSON:
        self._require_user(user_id)
        return copy.deepcopy(self._users[user_id])

    def _has_met(self, user_id: int) -> bool:
        """Can the bot see this user? Telegram only resolves users the bot has come across."""
        if user_id in self._started or user_id in self._blocked:
            return True
        present = ("creator", "administrator", "member", "restricted")
        return any(
            chat.members.get(user_id) in present and chat.bot_status in present
            for chat in self._chats.values()
        )

    def _user_or_bot(self, user_id: int) -> JSON:
        return copy.deepcopy(self._bot_sender) if user_id == self.bot_id else self._user(user_id)

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}")
        return chat

    def _group(self, chat_id: int) -> _Chat:
        chat = self._chat(chat_id)
        if chat.type == "private":
            raise ValueError(f"chat {chat_id} is a private chat")
        return chat

    def _chat_json(self, chat: _Chat) -> JSON:
        if chat.type == "private":
            user = self._users[chat.id]
            out: JSON = {"id": chat.id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    out[key] = user[key]
            return out
        return {"id": chat.id, "type": chat.type, "title": chat.title}

    def _next_message_id(self, chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _member_json(self, chat: _Chat, user_id: int, status: str | None = None) -> JSON:
        """The ChatMember subtype for a status, with every field the spec requires."""
        if status is None:
            status = (
                chat.bot_status if user_id == self.bot_id else chat.members.get(user_id, "left")
            )
        user = self._user_or_bot(user_id)
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
                "can_manage_topics": False,
            }
        if status == "restricted":
            member: JSON = {"status": "restricted", "user": user, "is_member": True}
            for name in self.spec.types["ChatMemberRestricted"]:
                if name.startswith("can_"):
                    member[name] = False
            member["until_date"] = 0
            return member
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        return {"status": status, "user": user}

    def _delivered_to_bot(self, chat: _Chat, msg: JSON, *, service: bool = False) -> bool:
        """Would Telegram send this group message to the bot? (membership, privacy mode)"""
        if chat.type == "private":
            return chat.id not in self._blocked
        if chat.bot_status in ("left", "kicked"):
            return False
        if service or not self.privacy_mode or chat.bot_status in ("administrator", "creator"):
            return True  # privacy mode applies neither to admin bots nor to service messages
        if "new_chat_members" in msg or "left_chat_member" in msg:
            return True
        reply = msg.get("reply_to_message")
        if reply is not None and reply.get("from", {}).get("id") == self.bot_id:
            return True
        text = msg.get("text") or msg.get("caption") or ""
        for ent in msg.get("entities", []) + msg.get("caption_entities", []):
            if ent["type"] != "bot_command":
                continue
            command = _utf16_slice(text, ent["offset"], ent["length"])
            target = command.partition("@")[2]
            if not target or target.lower() == self.bot_username.lower():
                return True
        return False

    def _queue_my_chat_member(self, chat: _Chat, old: str, new: str, actor: int) -> None:
        if chat.type == "private":
            old_member: JSON = {"status": old, "user": copy.deepcopy(self._bot_sender)}
            new_member: JSON = {"status": new, "user": copy.deepcopy(self._bot_sender)}
            if new == "kicked":
                new_member["until_date"] = 0
            if old == "kicked":
                old_member["until_date"] = 0
        else:
            old_member = self._member_json(chat, self.bot_id, status=old)
            new_member = self._member_json(chat, self.bot_id, status=new)
        update: JSON = {
            "chat": self._chat_json(chat),
            "from": self._user_or_bot(actor),
            "date": int(self.wall_clock()),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }
        self._queue("my_chat_member", update)

    # ------------------------------------------------------------------ helpers: updates

    def _queue(self, kind: str, payload: JSON) -> int:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        if self.self_check:
            problems = self.spec.check("Update", update)
            if problems:
                self.errors.append(f"update breaks the spec: {problems}")
                raise AssertionError(f"FakeBotApi built an update that breaks the spec: {problems}")
        self._updates.append(update)
        self._wake()
        return self._last_update_id

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _allowed(self, kind: str) -> bool:
        if kind not in self.spec.types["Update"]:
            return True  # raw_update payloads of any shape go through
        if not self.allowed_updates:
            return kind not in _OPT_IN_UPDATES
        return kind in self.allowed_updates

    def _deliverable(self, limit: int) -> list[JSON]:
        ready: list[JSON] = []
        kept: list[JSON] = []
        for update in self._updates:
            kind = next((k for k in update if k != "update_id"), "")
            if not self._allowed(kind):
                # Telegram never creates updates the bot did not ask for; drop them for good
                # so unconfirmed() does not wait on them.
                self.filtered_updates.append(update)
                continue
            kept.append(update)
            if len(ready) < limit:
                ready.append(update)
        self._updates = kept
        return copy.deepcopy(ready)

    def _canonical(self, method: str) -> str:
        spec = self.spec.method(method)
        if spec is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return spec.name


# ---------------------------------------------------------------------- module helpers


def _check_status(status: str) -> None:
    allowed = ("creator", "administrator", "member", "restricted", "left", "kicked")
    if status not in allowed:
        raise ValueError(f"status must be one of {allowed}, not {status!r}")


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, "Error")


def _photo_size(record: _File) -> JSON:
    return {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "width": record.width,
        "height": record.height,
        "file_size": record.size,
    }


def _command_entities(text: str) -> list[JSON]:
    """bot_command entities Telegram adds to a user's text, with UTF-16 offsets."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group(0)),
        }
        for m in _BOT_COMMAND_RE.finditer(text)
    ]


def _utf16_slice(text: str, offset: int, length: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le")


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram strips leading and trailing whitespace and shifts entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    out: list[JSON] = []
    for ent in entities:
        start = max(ent["offset"] - lead, 0)
        end = min(ent["offset"] + ent["length"] - lead, total)
        if end > start:
            out.append({**ent, "offset": start, "length": end - start})
    return stripped, out


def _buttons_summary(msg: JSON) -> str:
    data = [
        b.get("callback_data")
        for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]
    return f"callback_data {data}" if data else "no inline keyboard"


def _attach_references(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        if value.startswith("attach://"):
            yield value[len("attach://") :]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _attach_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _attach_references(item)


def _option_range(spec: Spec) -> tuple[int, int]:
    """How many poll options sendPoll takes, read from the spec ("a list of 1-12 answer options")."""
    method = spec.methods["sendPoll"]
    match = re.search(r"(\d+)-(\d+) answer options", method.fields["options"].description)
    return (int(match.group(1)), int(match.group(2))) if match else (2, 10)


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
    """Query string plus a JSON, form-urlencoded or multipart body, as Telegram accepts them."""
    raw: JSON = dict(parse_qsl(request.query_string, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    if not request.can_read_body:
        return raw, files
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _bad("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise _bad("JSON body must be an object")
        raw.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader) or part.name is None:
                raise _bad("can't parse multipart body")
            if part.filename is not None:
                upload = UploadedFile(
                    name=part.name,
                    filename=part.filename,
                    content_type=part.headers.get("Content-Type", "application/octet-stream"),
                    content=bytes(await part.read()),
                )
                files[part.name] = upload
                raw[part.name] = upload
            else:
                raw[part.name] = await part.text()
    else:
        # application/x-www-form-urlencoded, which python-telegram-bot uses without files.
        text = (await request.read()).decode("utf-8")
        raw.update(parse_qsl(text, keep_blank_values=True))
    return raw, files
