"""Delivering the outbox at Telegram's pace: every send to Telegram goes out from here.

Handlers and jobs never call the Bot API to send; they queue an outbox row in the same
transaction as the change that caused it (bot/runtime/outbox.py). The `Sender` delivers rows in
order per chat, many chats at once, through python-telegram-bot's `AIORateLimiter` (30
messages/s overall, 20 per minute per group) plus a one-per-second pace for each private chat
(`Pacing`; tests that are not about pacing turn it off). After a 429 it waits `retry_after` for that chat; after network errors
and 5xx it backs off; after 403 it marks the person unreachable and drops their queue instead
of retrying. A crash can only repeat the one message Telegram accepted just before it.

When the database cannot be written (a full disk, a lock held past the busy timeout), a message
Telegram has accepted is kept in memory with its result and recorded as soon as writing works
again; until then nothing more is sent, so that no row is ever sent twice because its "sent"
mark could not be written. The sender says so once in the log and tries again with back-off.

A call that times out, or whose connection drops before the answer, may have taken effect on
Telegram all the same. What happens next depends on the method (`AFTER_TIMEOUT`): a call that
changes nothing when repeated is retried; a message is retried too (twice is the lesser evil
than never); a poll is not sent again blindly, since votes on a copy the bot does not know of
would be lost: the row is "unsure" until the copy is recognised by its `poll` update
(handlers/quiz/polls.py) or, if none shows, sent again after a while (schedules/quiz.py).

Why one module of this size: delivery is one state machine (pacing, 429s, back-off, 403s, the
unwritable database, unsure timeouts) over the same outbox rows; its durability tests reason
about all of it at once, and a split would put one rule's two halves in two files.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiolimiter import AsyncLimiter
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from telegram import (
    Bot,
    InputFile,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)
from telegram._utils.types import JSONDict
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.clock import Clock
from bot.runtime import http
from bot.runtime.loops import wait_any
from bot.runtime.outbox import Outbox
from bot.texts import common as T
from bot.texts import fmt
from storage import branches, inbox, outbox
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# Methods that post a message and so count against Telegram's per-chat limits.
POSTING = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendMediaGroup",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)
# What Telegram's flood limits count: posting, and changing what was posted. Reads
# (getChatMember, getFile, getUpdates) and callback answers are not paced.
RATE_LIMITED = POSTING | {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}
MEDIA_TYPES: dict[str, Any] = {
    "document": InputMediaDocument,
    "photo": InputMediaPhoto,
    "audio": InputMediaAudio,
    "video": InputMediaVideo,
}
MAX_ATTEMPTS = 40
# After a call that may have taken effect although no answer came (a timeout, a dropped
# connection): "retry" (repeating it changes nothing: an edit, a stop, an answer to a button),
# "duplicate" (retried, accepting that it may show twice: better than never), or "check" (not
# repeated until the bot knows the first went out or not: a poll, whose votes would be lost).
AFTER_TIMEOUT: dict[str, str] = {
    "editMessageText": "retry",
    "editMessageReplyMarkup": "retry",
    "editMessageCaption": "retry",
    "stopPoll": "retry",
    "answerCallbackQuery": "retry",
    "deleteMessage": "retry",
    "sendPoll": "check",
}
# A little over a second between messages to one private chat (Telegram: "about one per
# second"), so that timer jitter never lands two in the same second.
PRIVATE_INTERVAL = 1.05
MAX_BACKOFF = 300.0
# While the database takes no writes: first wait, and the longest (doubling in between).
STORAGE_BACKOFF = 1.0
MAX_STORAGE_BACKOFF = 60.0


def real_now() -> datetime:
    """Delivery timing uses real time even when a test fakes the domain clock."""
    return datetime.now(UTC)


class SendRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (30 messages/s overall, 20 per minute per group), for sends only.

    The stock limiter paces every call that names a chat, so the 21st getChatMember in a group
    within a minute (a role check for each member saying /start) would wait up to a minute,
    while the update processor holds the database. Telegram limits messages, not reads.
    """

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint not in RATE_LIMITED:
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


@dataclass(frozen=True)
class Pacing:
    """How fast the sender may post: Telegram's limits (`TELEGRAM_PACING`) in production.

    Tests that are not about pacing use `NO_PACING`, so that they do not wait real seconds. A
    zero turns that limit off. Not an operator setting: Telegram's limits are not negotiable.
    """

    private_interval: float = PRIVATE_INTERVAL  # seconds between posts to one private chat
    group_per_minute: float = 20  # posts to one group or channel per minute
    overall_per_second: float = 30  # posts to any chat per second

    def rate_limiter(self) -> SendRateLimiter:
        """PTB's limiter for groups and the total (the private pace is the Sender's own)."""
        return SendRateLimiter(
            overall_max_rate=self.overall_per_second,
            overall_time_period=1,
            group_max_rate=self.group_per_minute,
            group_time_period=60,
            max_retries=0,  # the sender handles a 429 per chat
        )


TELEGRAM_PACING = Pacing()
NO_PACING = Pacing(private_interval=0, group_per_minute=0, overall_per_second=0)


@dataclass(frozen=True)
class Outcome:
    """What the sender should do with the rest of a chat's queue after one row."""

    keep_going: bool


@dataclass(frozen=True)
class Accepted:
    """A call Telegram accepted whose "sent" mark could not be written yet."""

    row: OutboxMessage
    result: Any


class Sender:
    """Delivers outbox rows: in order within a chat, concurrently across chats."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        clock: Clock,
        *,
        pacing: Pacing = TELEGRAM_PACING,
        max_chats: int = 64,
        poll: float = 1.0,
    ) -> None:
        # Some poll's send is unsure: the poller asks for `poll` updates meanwhile.
        self.unsure_polls = False
        self.bot = bot
        self.db = db
        self.clock = clock
        self.pacing = pacing
        self.poll = poll
        self._wake = asyncio.Event()
        self._active: dict[int, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(max_chats)
        self._private: dict[int, AsyncLimiter] = {}
        # Accepted by Telegram, not yet recorded (the database took no writes): by row id.
        # Their rows are still "pending" in the table; they must never be sent again.
        self._unrecorded: dict[int, Accepted] = {}
        # Set while the database takes no writes: since when (loop time); nothing is sent.
        self._storage_down_since: float | None = None
        self._storage_retry_at = 0.0
        self.storage_backoff = STORAGE_BACKOFF
        self._storage_wait = STORAGE_BACKOFF
        # What follows a group upgraded to a supergroup (bot/services/group.py wires in the
        # whole of it: caches, the secretary's notice); by default the branch and the queue.
        self.on_chat_upgraded: Callable[[Session, int, int], object] = move_chat
        db.after_commit(self._on_commit)

    def _on_commit(self, session: Session) -> None:
        if session.info.get("outbox_added"):
            self.wake()

    @property
    def busy(self) -> bool:
        """A send is in flight."""
        return bool(self._active)

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then let in-flight chats finish their current row."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            self._wake.clear()
            if await self._storage_ready():
                try:
                    await self._dispatch()
                except OperationalError as exc:
                    self._storage_failed(exc)
                except Exception:
                    log.exception("sender: could not read the outbox; trying again shortly")
            within = self.poll
            if self._storage_down_since is not None and not self._active:
                within = max(0.05, self._storage_retry_at - loop.time())
            await wait_any(self._wake, stop, within=within)
        await self.drain(within=10.0)
        await self._record_accepted_at_exit()

    async def drain(self, within: float) -> None:
        """Wait for the chats being served now (used at shutdown and by tests)."""
        if self._active:
            await asyncio.wait(list(self._active.values()), timeout=within)

    async def _dispatch(self) -> None:
        busy = set(self._active) | {a.row.chat_id for a in self._unrecorded.values()}
        async with self.db.write() as session:
            rows = outbox.due(session, now=real_now(), busy_chats=busy)
            self.unsure_polls = outbox.any_unsure(session, "sendPoll")
        queues: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            queues.setdefault(row.chat_id, []).append(row)
        for chat_id, queue in queues.items():
            task = asyncio.create_task(self._serve_chat(queue), name=f"send:{chat_id}")
            self._active[chat_id] = task
            task.add_done_callback(functools.partial(self._chat_done, chat_id))

    def _chat_done(self, chat_id: int, _task: object = None) -> None:
        self._active.pop(chat_id, None)
        # More rows for this chat may have been queued meanwhile.
        self.wake()

    async def _serve_chat(self, queue: list[OutboxMessage]) -> None:
        async with self._slots:
            for row in queue:
                if self._storage_down_since is not None:
                    return  # nothing more goes out until what went out is written down
                try:
                    try:
                        outcome = await self._deliver(row)
                    except OperationalError:
                        raise
                    except Exception:
                        log.exception("sender: unexpected error on outbox row %s", row.id)
                        outcome = await self._later(row, "unexpected error")
                except OperationalError as exc:
                    self._storage_failed(exc)
                    return
                if not outcome.keep_going:
                    return

    async def _pace(self, row: OutboxMessage) -> None:
        # AIORateLimiter paces groups and the total; private chats get about one a second.
        if row.chat_id > 0 and row.method in POSTING and self.pacing.private_interval > 0:
            limiter = self._private.get(row.chat_id)
            if limiter is None:
                if len(self._private) > 4096:
                    self._private.clear()
                limiter = AsyncLimiter(1, self.pacing.private_interval)
                self._private[row.chat_id] = limiter
            await limiter.acquire()

    async def _deliver(self, row: OutboxMessage) -> Outcome:
        kwargs = await asyncio.to_thread(_materialize, row)
        await self._pace(row)
        try:
            result = await self.bot.do_api_request(row.method, api_kwargs=kwargs)
        except RetryAfter as exc:
            wait = _retry_after(exc)
            log.warning("sender: 429 for chat %s, waiting %.0f s", row.chat_id, wait)
            return await self._later(row, f"429 retry after {wait:.0f}s", delay=wait)
        except ChatMigrated as exc:
            # The group became a supergroup: this row and everything else tied to the old id
            # move to the new one (in one transaction); the row then goes out there, once.
            log.warning(
                "sender: chat %s was upgraded to supergroup %s; following it",
                row.chat_id,
                exc.new_chat_id,
            )
            async with self.db.write() as session:
                self.on_chat_upgraded(session, row.chat_id, int(exc.new_chat_id))
            return Outcome(keep_going=False)
        except Forbidden as exc:
            await self._unreachable(row, str(exc))
            return Outcome(keep_going=False)
        except BadRequest as exc:
            if "message is not modified" in str(exc).lower() or _already_done(row, exc):
                await self._done(row, True)
                return Outcome(keep_going=True)
            await self._failed(row, str(exc))
            return Outcome(keep_going=True)
        except InvalidToken as exc:
            log.error("sender: the bot token was refused (%s); stopping delivery", type(exc))
            return await self._later(row, "token refused", delay=MAX_BACKOFF)
        except (NetworkError, TelegramError) as exc:  # timeouts and 5xx
            if maybe_delivered(exc):
                return await self._after_timeout(row, exc)
            return await self._later(row, f"{type(exc).__name__}: {exc}")
        try:
            await self._done(row, result)
        except OperationalError:
            # Telegram has the message; only our note of it failed. Keep it, and write it down
            # before anything else is sent (`_storage_ready`), so the row never goes out again.
            assert row.id is not None
            self._unrecorded[row.id] = Accepted(row, result)
            raise
        return Outcome(keep_going=True)

    async def _after_timeout(self, row: OutboxMessage, exc: Exception) -> Outcome:
        """The call may have taken effect: retry, or hold it as unsure (`AFTER_TIMEOUT`)."""
        what = f"{type(exc).__name__}: {exc}"
        policy = AFTER_TIMEOUT.get(row.method, "duplicate")
        if policy == "check":
            assert row.id is not None
            log.warning(
                "sender: %s to chat %s (row %s) may have gone out (%s); not sending it again "
                "until that is known",
                row.method,
                row.chat_id,
                row.id,
                what,
            )
            async with self.db.write() as session:
                outbox.mark_unsure(session, row.id, now=self.clock.now(), error=what)
            self.unsure_polls = True
            return Outcome(keep_going=True)
        if policy == "duplicate":
            log.warning(
                "sender: %s to chat %s (row %s) may have gone out (%s); sending it again, "
                "so it may show twice",
                row.method,
                row.chat_id,
                row.id,
                what,
            )
        return await self._later(row, f"may have gone out: {what}")

    async def _done(self, row: OutboxMessage, result: Any) -> None:
        assert row.id is not None
        message_id, poll_id = _ids(result)
        log.info("sent %s to chat %s kind=%s row=%s", row.method, row.chat_id, row.kind, row.id)
        async with self.db.write() as session:
            outbox.mark_sent(
                session,
                row.id,
                now=self.clock.now(),
                message_id=message_id,
                poll_id=poll_id,
                result=json.dumps(result, ensure_ascii=False, default=str),
            )
            if poll_id is not None:
                # Votes that came in before this answer did waited for it (their poll was
                # unknown until now): they run again.
                inbox.release(session, poll_key(poll_id))

    # --- when the database takes no writes (a full disk, a lock held too long) ---------------

    def _storage_failed(self, exc: OperationalError) -> None:
        """Stop sending, and try again later (doubling the wait); log only the first time."""
        loop = asyncio.get_running_loop()
        if self._storage_down_since is None:
            self._storage_down_since = loop.time()
            self._storage_wait = self.storage_backoff
            log.error(
                "sender: cannot write to the database (%s). Is the disk full? Holding every "
                "send until it can be written again (%d sent, not yet recorded); retrying with "
                "back-off",
                exc.orig if exc.orig is not None else exc,
                len(self._unrecorded),
            )
        else:
            log.debug("sender: the database still takes no writes: %s", exc)
        self._storage_retry_at = loop.time() + self._storage_wait
        self._storage_wait = min(MAX_STORAGE_BACKOFF, self._storage_wait * 2)

    async def _storage_ready(self) -> bool:
        """Whether sending may go on: always, unless the database took no writes lately; then
        only once what Telegram accepted meanwhile has been written down."""
        if self._storage_down_since is None:
            return True
        loop = asyncio.get_running_loop()
        if loop.time() < self._storage_retry_at or self._active:
            return False
        try:
            recorded = await self._record_accepted()
        except OperationalError as exc:
            self._storage_failed(exc)
            return False
        log.warning(
            "sender: the database takes writes again after %.0f s (%d sent message(s) recorded "
            "late); sending resumes",
            loop.time() - self._storage_down_since,
            recorded,
        )
        self._storage_down_since = None
        return True

    async def _record_accepted(self) -> int:
        """Write down the sends Telegram accepted while the database took no writes."""
        recorded = 0
        for row_id, item in list(self._unrecorded.items()):
            await self._done(item.row, item.result)
            del self._unrecorded[row_id]
            recorded += 1
        return recorded

    async def _record_accepted_at_exit(self) -> None:
        if not self._unrecorded:
            return
        try:
            await self._record_accepted()
        except OperationalError as exc:
            log.error(
                "sender: stopping with %d message(s) Telegram accepted but the database could "
                "not record (%s); they may be sent again after the restart: rows %s",
                len(self._unrecorded),
                exc.orig if exc.orig is not None else exc,
                sorted(self._unrecorded),
            )

    async def _later(self, row: OutboxMessage, error: str, delay: float | None = None) -> Outcome:
        assert row.id is not None
        if delay is None:
            backoff = min(MAX_BACKOFF, 2.0 ** min(row.attempts, 12))
            delay = backoff * random.uniform(0.5, 1.0)
        async with self.db.write() as session:
            attempts = outbox.retry_later(
                session, row.id, at=real_now() + timedelta(seconds=delay), error=error
            )
        if attempts >= MAX_ATTEMPTS:
            await self._failed(row, f"gave up after {attempts} attempts: {error}")
            return Outcome(keep_going=True)
        log.info(
            "sender: row %s to chat %s retries in %.1f s (%s)", row.id, row.chat_id, delay, error
        )
        return Outcome(keep_going=False)

    async def _failed(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        log.warning(
            "sender: row %s (%s) to chat %s failed: %s", row.id, row.kind, row.chat_id, error
        )
        async with self.db.write() as session:
            outbox.mark_failed(session, row.id, error=error)
            if row.notify_chat_id is not None:
                Outbox(self.clock).message(
                    session,
                    row.notify_chat_id,
                    fmt(T.SEND_FAILED, describe=row.describe or row.kind, reason=error),
                    kind="notice.send_failed",
                    ref=row.id,
                )

    async def _unreachable(self, row: OutboxMessage, error: str) -> None:
        assert row.id is not None
        log.info("sender: chat %s refuses messages (%s); dropping its queue", row.chat_id, error)
        async with self.db.write() as session:
            outbox.mark_failed(session, row.id, error=error)
            outbox.fail_chat(session, row.chat_id, error="unreachable: " + error)
            if row.chat_id > 0:
                branches.mark_unreachable(session, row.chat_id, when=self.clock.now())
            else:
                branches.deactivate_chat(session, row.chat_id)


def move_chat(session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """The branch and the pending calls of a group that became a supergroup move to its new id."""
    branches.migrate_chat(session, old_chat_id, new_chat_id)
    outbox.move_chat(session, old_chat_id, new_chat_id)


def _already_done(row: OutboxMessage, exc: BadRequest) -> bool:
    """A retried call whose first try took effect after all (its answer was lost)."""
    return row.method == "stopPoll" and row.attempts > 0 and "already been closed" in str(exc)


def poll_key(poll_id: str) -> str:
    """What a vote for a poll not recorded yet waits for (`bot.runtime.current.wait_for`)."""
    return f"poll:{poll_id}"


def maybe_delivered(exc: Exception) -> bool:
    """Whether a failed call may still have reached Telegram and taken effect."""
    if isinstance(exc.__cause__, http.NOT_SENT):  # safe to send again
        return False
    return isinstance(exc, TimedOut) or isinstance(exc.__cause__, http.TRANSPORT)


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that the attribute will become a timedelta; we accept both.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _ids(result: Any) -> tuple[int | None, str | None]:
    first = result[0] if isinstance(result, list) and result else result
    if not isinstance(first, dict):
        return None, None
    poll = first.get("poll")
    return first.get("message_id"), (poll or {}).get("id")


def _materialize(row: OutboxMessage) -> dict[str, Any]:
    """Turn a stored payload back into api_kwargs, opening the files it uploads."""
    kwargs: dict[str, Any] = json.loads(row.payload)
    # A media group of file_ids only (nothing to upload) still needs InputMedia objects.
    files = {f"file:{spec['ref']}": spec for spec in json.loads(row.files or "[]")}

    def opened(spec: dict[str, str], *, attach: bool) -> InputFile:
        data = Path(spec["path"]).read_bytes()
        return InputFile(data, filename=spec["filename"], attach=attach)

    for key, value in list(kwargs.items()):
        if isinstance(value, str) and value in files:
            kwargs[key] = opened(files[value], attach=False)
    # A media group must reach PTB as InputMedia objects even when every item is a file_id
    # already on Telegram (no upload): PTB cannot send plain dicts there.
    if isinstance(kwargs.get("media"), list):
        media = []
        for item in kwargs["media"]:
            fields = dict(item)
            media_class = MEDIA_TYPES[fields.pop("type")]
            source = fields.pop("media")
            if source in files:
                source = opened(files[source], attach=True)
            media.append(media_class(media=source, **fields))
        kwargs["media"] = media
    return kwargs
