"""The durable inbox loop: fetch updates, store them, then let Telegram forget them.

python-telegram-bot's own Updater confirms a batch to Telegram before the handlers have run it,
so a crash loses what was in flight. Here every raw update is committed to the `inbox` table
first; the next getUpdates call (whose offset is what confirms the previous batch) only happens
after that commit. The processor then runs stored updates in arrival order. A batch is one
transaction, so an update's effects, the replies it queued and its "done" mark commit together:
after a crash it is either fully done or runs again from scratch. An update that fails is rolled
back alone (the batch runs again with a savepoint per update: `Processor.process_batch`).

Floods of one kind (a group quiz: every member's every vote is an update) may skip
python-telegram-bot's per-update machinery: a feature registers a `BulkHandler` for the kind,
and a run of consecutive updates of that kind goes to it at once, as parsed JSON, in one
savepoint (set-based SQL instead of a few statements per update). It handles what it can and
hands back the rest, which then runs one by one through the Application as usual; if it
raises, the whole run does. Either way each update's effects and its "done" mark still commit
together.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.logs import describe_raw, describe_update
from bot.runtime.current import CURRENT, UpdateState
from bot.runtime.loops import wait_any
from bot.texts import common as T
from storage import inbox

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.context import BotContext, Services

log = logging.getLogger(__name__)

# Not "poll": Telegram sends one after every vote in a group quiz, doubling the traffic, and
# the bot learns all it needs from "poll_answer".
ALLOWED_UPDATES = [
    "message",
    "edited_message",
    "callback_query",
    "poll_answer",
    "my_chat_member",
    "chat_member",
]
BATCH = 100
# We call getUpdates through do_api_request on purpose: we store the raw JSON as Telegram sent
# it, not PTB's re-serialisation of it. (The sender does the same for stored payloads.)
warnings.filterwarnings("ignore", message="Please use 'Bot\\.", category=PTBUserWarning)
KEEP_DONE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class RawUpdate:
    """An update as Telegram sent it (parsed JSON), for a bulk handler."""

    update_id: int
    body: dict[str, Any]  # the update's one field, e.g. the PollAnswer object


# Handles a run of updates of one kind in the batch's transaction; returns the indexes of the
# updates it left for the ordinary path (in the order given).
BulkHandler = Callable[["Session", Sequence[RawUpdate]], Awaitable[Sequence[int]]]
# Reads pending updates (no writes) and names the (group chat id, user id) pairs whose status in
# the group their handlers will want from Telegram.
Prefetch = Callable[["Session", Sequence[RawUpdate]], set[tuple[int, int]]]


class FatalPollingError(Exception):
    """Polling cannot go on (the token was refused)."""


class Poller:
    """Long-polls getUpdates and commits each batch to the inbox before asking for more."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        services: Services,
        processor: Processor,
    ) -> None:
        self.application = application
        self.services = services
        self.processor = processor
        self.conflict_reported = False

    async def run(self, stop: asyncio.Event) -> None:
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            fetch = asyncio.ensure_future(self._fetch(offset))
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({fetch, stopper}, return_when="FIRST_COMPLETED")
            stopper.cancel()
            if not fetch.done():
                # Updates in an unfinished request were never confirmed: Telegram resends them.
                fetch.cancel()
                break
            try:
                updates = fetch.result()
            except Conflict:
                failures += 1
                self._report_conflict()
                await _sleep_or_stop(stop, min(60.0, 5.0 * failures))
                continue
            except InvalidToken as exc:
                raise FatalPollingError(
                    "Telegram 拒绝了这个机器人令牌（token）。请检查 YINLING_BOT_TOKEN。"
                    " / Telegram refused the bot token; check YINLING_BOT_TOKEN."
                ) from exc
            except (NetworkError, TelegramError) as exc:
                failures += 1
                delay = min(60.0, 1.0 * 2 ** min(failures, 6))
                log.warning("polling: getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await _sleep_or_stop(stop, delay)
                continue
            failures = 0
            self.conflict_reported = False
            if not updates:
                continue
            try:
                new = await self._store_batch(updates)
            except Exception:
                # Not stored, so not confirmed either: ask again for the same batch.
                log.exception("polling: could not store updates; asking again shortly")
                await _sleep_or_stop(stop, 2.0)
                continue
            log.debug("polling: stored %d of %d updates", new, len(updates))
            offset = max(int(u["update_id"]) for u in updates) + 1
            self.processor.wake()

    async def _store_batch(self, updates: list[dict[str, Any]]) -> int:
        async with self.services.db.write() as session:
            return inbox.store(session, updates, now=self.services.now())

    async def _fetch(self, offset: int | None) -> list[dict[str, Any]]:
        timeout = self.services.settings.poll_timeout
        allowed = ALLOWED_UPDATES
        if self.services.sender.unsure_polls:
            # A poll's send timed out: its `poll` updates (sent as members vote) tell whether
            # it went out, and its id (bot/runtime/sender.py).
            allowed = [*ALLOWED_UPDATES, "poll"]
        kwargs: dict[str, Any] = {"timeout": timeout, "allowed_updates": allowed}
        if offset is not None:
            kwargs["offset"] = offset
        result = await self.application.bot.do_api_request(
            "getUpdates", api_kwargs=kwargs, read_timeout=timeout + 10
        )
        return list(result) if isinstance(result, list) else []

    def _report_conflict(self) -> None:
        if not self.conflict_reported:
            log.error(
                "另一个程序正在用同一个令牌接收消息（409 Conflict）。同一个机器人只能运行一份，"
                "请停掉另一处的程序或 webhook。 / Another process is polling with this token "
                "(409 Conflict); stop the other instance."
            )
            self.conflict_reported = True


class Processor:
    """Runs stored updates through the Application's handlers, in order, exactly once."""

    def __init__(
        self, application: Application[Any, Any, Any, Any, Any, Any], services: Services
    ) -> None:
        self.application = application
        self.services = services
        self._wake = asyncio.Event()
        self.processed = 0
        self._pruned_at: datetime | None = None
        self.bulk: dict[str, BulkHandler] = {}
        self.prefetch: dict[str, list[Prefetch]] = {}
        self._one_batch_at_a_time = asyncio.Lock()
        services.db.after_commit(self._on_commit)

    def register_bulk(self, kind: str, handler: BulkHandler) -> None:
        """Let `handler` take runs of updates of `kind` (see the module docstring)."""
        if kind in self.bulk:
            raise ValueError(f"two bulk handlers for {kind!r} updates")
        self.bulk[kind] = handler

    def register_prefetch(self, kind: str, prefetch: Prefetch) -> None:
        """Let `prefetch` name the role checks updates of `kind` will need (module docstring)."""
        self.prefetch.setdefault(kind, []).append(prefetch)

    def _roles_wanted(self, session: Session, rows: list[inbox.Pending]) -> set[tuple[int, int]]:
        """The group statuses the batch's handlers will ask Telegram for (`Prefetch`)."""
        by_kind: dict[str, list[RawUpdate]] = {}
        for row in rows:
            if row.kind in self.prefetch:
                body = _body(row)
                if body is not None:
                    by_kind.setdefault(row.kind, []).append(RawUpdate(row.update_id, body))
        wanted: set[tuple[int, int]] = set()
        for kind, updates in by_kind.items():
            for prefetch in self.prefetch[kind]:
                try:
                    wanted |= prefetch(session, updates)
                except Exception:  # a hint only: the handlers still ask if it failed
                    log.exception("prefetching roles for %s updates failed", kind)
        return wanted

    def _on_commit(self, session: Session) -> None:
        if session.info.get("inbox_released"):
            self.wake()  # updates that waited for this commit can run now

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        storage_wait: float | None = None  # set while the database takes no writes
        while not stop.is_set():
            self._wake.clear()
            try:
                handled = await self.process_batch(stop)
            except OperationalError as exc:
                # A full disk, or a lock held past the busy timeout: the batch rolled back and
                # its updates stay pending. Wait and try again, rather than end the processor
                # (and with it the bot); say so once.
                if storage_wait is None:
                    log.error(
                        "processor: cannot write to the database (%s). Is the disk full? "
                        "Updates wait until it can be written again",
                        exc.orig if exc.orig is not None else exc,
                    )
                    storage_wait = 1.0
                await wait_any(stop, within=storage_wait)
                storage_wait = min(60.0, storage_wait * 2)
                continue
            if storage_wait is not None:
                log.warning("processor: the database takes writes again; processing resumes")
                storage_wait = None
            if handled >= BATCH:
                continue  # there may be more
            # Drained (a store or a release during the batch has set the event again).
            await wait_any(self._wake, stop, within=5.0)

    async def process_batch(self, stop: asyncio.Event | None = None) -> int:
        """Process up to one batch of pending updates; returns how many were handled.

        The batch is read (and parsed) once, outside the write lock, and the group statuses its
        handlers will want are fetched from Telegram before its transaction begins. Only this
        processor takes pending updates out of the inbox, so they are still pending when the
        transaction begins; updates stored or released meanwhile wait for the next batch.

        Updates run without a savepoint each at first (one costs about as much as a plain
        update's handlers): if one fails or must wait, which is rare, its effects cannot be
        undone alone, so the whole batch rolls back and runs again, carefully, each update in a
        savepoint of its own. Handlers are idempotent and their effects are in the database
        (replies, jobs and caches' lessons included), so running a batch twice is safe.
        """
        # Let the poller's next getUpdates go out first (it was started just after the store
        # that woke us): Telegram then prepares the next batch while this one is processed.
        await asyncio.sleep(0)
        async with self._one_batch_at_a_time:
            with self.services.db.session() as session:  # a read: the write lock is not taken
                rows = inbox.pending(session, limit=BATCH)
                wanted = self._roles_wanted(session, rows) if rows and self.prefetch else set()
            if not rows:
                return 0
            await self.services.roles.warm(wanted)
            try:
                async with self.services.db.write() as session:
                    handled = await self._batch(session, rows, stop, careful=False)
            except _Careful:
                async with self.services.db.write() as session:
                    handled = await self._batch(session, rows, stop, careful=True)
        self.processed += handled
        return handled

    async def _batch(
        self,
        session: Session,
        rows: list[inbox.Pending],
        stop: asyncio.Event | None,
        *,
        careful: bool,
    ) -> int:
        handled = 0
        done: list[int] = []
        start = 0
        while start < len(rows):
            if stop is not None and stop.is_set():
                break  # finish the update in hand, commit what is done, leave the rest
            kind = rows[start].kind
            bulk = self.bulk.get(kind) if _body(rows[start]) is not None else None
            end = start + 1
            if bulk is not None:
                while end < len(rows) and rows[end].kind == kind and _body(rows[end]) is not None:
                    end += 1
                single = await self._run_bulk(session, bulk, rows[start:end], done, careful)
            else:
                single = rows[start:end]
            for row in single:
                if stop is not None and stop.is_set():
                    break
                await self._run_one(session, row, done, careful)
                handled += 1
            handled += end - start - len(single)
            start = end
        inbox.mark_done(session, done, now=self.services.now())
        return handled

    async def _run_bulk(
        self,
        session: Session,
        bulk: BulkHandler,
        rows: list[inbox.Pending],
        done: list[int],
        careful: bool,
    ) -> list[inbox.Pending]:
        """Hand a run of one kind to its bulk handler; returns the rows left to run one by one."""
        state = UpdateState(session=session, now=self.services.now())
        token = CURRENT.set(state)
        savepoint = session.begin_nested() if careful else None
        updates = [RawUpdate(row.update_id, _body(row) or {}) for row in rows]
        try:
            left = set(await bulk(session, updates))
        except Exception as exc:
            state.error = exc
            if savepoint is None:
                raise _Careful from exc
            # One of them is broken: run each on its own, so that only that one fails.
            log.warning(
                "bulk handling of %d %s updates failed (%r); one by one instead",
                len(rows),
                rows[0].kind,
                exc,
            )
            savepoint.rollback()
            return rows
        finally:
            CURRENT.reset(token)
        if savepoint is not None:
            savepoint.commit()
        done.extend(row.id for i, row in enumerate(rows) if i not in left)
        if log.isEnabledFor(logging.INFO):  # one line per update, as for the others
            for i, update in enumerate(updates):
                if i not in left:
                    described = describe_update({rows[i].kind: update.body})
                    log.info("update %s %s: done", update.update_id, described)
        return [row for i, row in enumerate(rows) if i in left]

    async def _run_one(
        self, session: Session, row: inbox.Pending, done: list[int], careful: bool
    ) -> None:
        state = UpdateState(session=session, now=self.services.now())
        token = CURRENT.set(state)
        savepoint = session.begin_nested() if careful else None
        try:
            if row.data is None:
                raise ValueError("the stored update is not a JSON object")
            update = Update.de_json(row.data, self.application.bot)
            await self.application.process_update(update)
        except Exception as exc:  # malformed payloads
            state.error = exc
        finally:
            CURRENT.reset(token)
        if state.error is None and state.waiting_for is None:
            if savepoint is not None:
                savepoint.commit()
            done.append(row.id)
            if log.isEnabledFor(logging.INFO):  # describing costs a JSON parse
                log.info("update %s %s: done", row.update_id, describe_raw(row.payload))
            return
        if savepoint is None:
            raise _Careful  # undo the batch, then run it again carefully
        savepoint.rollback()
        if state.error is None:
            assert state.waiting_for is not None
            # What it did is undone (it runs again from the start once released).
            state.error = _Waiting(state.waiting_for)
            inbox.wait(session, row.id, key=state.waiting_for)
            log.info(
                "update %s %s: waits for %s",
                row.update_id,
                describe_raw(row.payload),
                state.waiting_for,
            )
            return
        described = describe_raw(row.payload)
        log.error(
            "update %s %s failed: %s",
            row.update_id,
            described,
            state.error,
            exc_info=state.error,
        )
        inbox.mark_failed(
            session, row.id, now=self.services.now(), error=f"{described}: {state.error!r}"
        )
        self._apologise(session, row.data)

    def _apologise(self, session: Any, data: dict[str, Any] | None) -> None:
        """Tell the person whose message broke something that we noticed (no details).

        The payload may be malformed in any way (that can be why it failed): anything but a
        text message with a proper chat gets no apology, and nothing here may raise, or one
        poisonous update would stop the processor for good.
        """
        message = data.get("message") if data is not None else None
        if not isinstance(message, dict) or not isinstance(message.get("text"), str):
            return
        chat = message.get("chat")
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            return
        reply_to = message.get("message_id")
        self.services.outbox.message(
            session,
            chat_id,
            T.INTERNAL_ERROR,
            reply_to=reply_to if isinstance(reply_to, int) else None,
        )

    async def prune(self) -> None:
        """Forget updates processed more than a week ago (their update ids can't recur)."""
        async with self.services.db.write() as session:
            inbox.prune(session, before=self.services.now() - KEEP_DONE)
        self._pruned_at = self.services.now()

    async def prune_daily(self, services: Services, now: datetime) -> None:
        """Planner work: prune once a day in a long-running bot."""
        if self._pruned_at is None or now - self._pruned_at >= timedelta(days=1):
            await self.prune()


def _body(row: inbox.Pending) -> dict[str, Any] | None:
    """The update's one field (e.g. the PollAnswer object), if the stored update is sound."""
    body = row.data.get(row.kind) if row.data is not None else None
    return body if isinstance(body, dict) else None


class _Careful(Exception):
    """An update failed or must wait in a batch run without savepoints: run it again with."""


class _Waiting(Exception):
    """Marks an update that was rolled back to wait (so caches learn nothing from it)."""


async def record_error(update: object, context: BotContext) -> None:
    """Error handler: mark the update in hand as failed so its effects roll back."""
    state = CURRENT.get(None)
    if state is not None and context.error is not None:
        state.error = context.error
    else:
        log.error("error outside update processing", exc_info=context.error)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    await wait_any(stop, within=seconds)
