"""Builds the Application, registers every handler in order, and runs the bot's loops.

Order matters: people are registered first (group -10) for every update; then each feature's
handlers in group 0, in the order listed in `FEATURES` (the first that takes an update is the
only one to run); /start and /help come after the features, so that a feature's deep-link
/start (e.g. "start reflect_12") wins over the generic one, and the private chat's catch-all
comes last of all.
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import gc
import logging
import os
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from sqlmodel import Session, select
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.clock import Clock, SystemClock
from bot.context import BotContext, Command, Services
from bot.runtime.archive import Archive, Downloader
from bot.runtime.files import Files
from bot.runtime.http import TelegramRequest
from bot.runtime.inbox import Poller, Processor, record_error
from bot.runtime.jobs import Jobs
from bot.runtime.loops import checkpoints
from bot.runtime.outbox import Outbox
from bot.runtime.roles import Roles
from bot.runtime.sender import TELEGRAM_PACING, Pacing, Sender
from bot.services import group as group_service
from bot.settings import Settings
from handlers import (
    activities,
    birthday,
    export,
    files,
    flows,
    greetings,
    greetings_menu,
    group,
    materials,
    members,
    menu,
    people,
    private,
    push,
    quiz,
    reflections,
    report,
    roster,
    roster_menu,
    scope,
    settings,
    start,
    summary,
    themeday,
    visits,
)
from schedules import activities as activities_schedule
from schedules import backup, refused_groups, reminders, thanks
from schedules import exports as old_exports
from schedules import flows as flows_schedule
from schedules import greetings as daily_greetings
from schedules import quiz as quiz_schedule
from schedules import scope as scope_schedule
from schedules import themeday as themeday_schedule
from schedules.planner import Planner
from storage.db import Database
from storage.models import ArchiveFile, InboxUpdate, Job, OutboxMessage

log = logging.getLogger(__name__)

# Feature handler modules, in registration order (each has build_handlers() and COMMANDS, and
# BULK if it takes floods of one kind of update at once, PREFETCH if it names the role checks
# its updates need before their transaction: bot/runtime/inbox.py).
FEATURES: list[ModuleType] = [
    # First: a group upgraded to a supergroup moves before anything else looks it up.
    group,
    # Then: the tap that answers "which branch?" runs the command that asked it.
    scope,
    # Before anything that takes private messages: what an admin types while in a guided flow
    # is their answer to its current step.
    flows,
    menu,
    settings,
    export,
    summary,
    materials,
    themeday,
    # /push and /remind: a preview first, then 确认发出.
    push,
    roster,
    people,
    birthday,
    greetings,
    # The 祝福 and 名单与生日 sections of /menu (their flows are answered by `flows`).
    greetings_menu,
    roster_menu,
    activities,
    visits,
    quiz,
    report,
    # The buttons under "这个文件要做什么？" (the question itself is asked from `private`).
    files,
    # After the commands: it takes replies to the theme-day posts, whatever they hold, and
    # the taps on "交上"/"不用" under a private message offered as a reflection.
    reflections,
    # /start, /help, /setup, and the answer to any button no feature above declared.
    start,
    # Last of all, so that everything above wins: an admin in the middle of a guided flow and
    # every command a feature knows. First within it, a private chat waiting for a reflection
    # (the "📝 提交心得" button was pressed) takes the next message; anything else sent
    # privately gets one answer (offered as a reflection, or a note of what the bot can do).
    private,
]
# Feature schedule modules (each has `async def run_due(services, now)`).
SCHEDULES: list[ModuleType] = [
    themeday_schedule,
    refused_groups,
    thanks,
    reminders,
    quiz_schedule,
    daily_greetings,
    activities_schedule,
    backup,
    scope_schedule,
    flows_schedule,
    old_exports,
]

AppType = Application[Any, BotContext, Any, Any, Any, Any]


class AlreadyRunning(Exception):
    """Another Yinling process holds the data dir."""


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Hold an exclusive lock on the data dir for as long as the process lives."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / "yinling.lock", "a+", encoding="utf-8")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise AlreadyRunning(
            f"数据目录 {data_dir} 已被另一个银龄进程使用，同一份数据只能运行一个机器人。"
            f" / Another Yinling process is using {data_dir}."
        ) from exc
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def all_commands() -> list[Command]:
    found: list[Command] = []
    for module in FEATURES:
        found.extend(getattr(module, "COMMANDS", []))
    return found


def build_application(
    settings: Settings, db: Database, clock: Clock, pacing: Pacing = TELEGRAM_PACING
) -> AppType:
    """The python-telegram-bot Application with our services and handlers, not yet started."""
    proxy = settings.proxy or None
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .updater(None)  # we poll ourselves, durably (bot/runtime/inbox.py)
        .rate_limiter(pacing.rate_limiter())
        .context_types(ContextTypes(context=BotContext))
        .request(TelegramRequest(connection_pool_size=128, pool_timeout=30.0, proxy=proxy))
        .get_updates_request(TelegramRequest(connection_pool_size=1, proxy=proxy))
    )
    application: AppType = builder.build()
    roles = Roles(settings, application.bot)
    services = Services(
        settings=settings,
        db=db,
        clock=clock,
        outbox=Outbox(clock),
        roles=roles,
        sender=Sender(application.bot, db, clock, pacing=pacing),
        archive=Archive(settings.archive_dir, clock),
        jobs=Jobs(db, clock),
        files=Files(application.bot),
        commands=all_commands(),
    )
    db.after_commit(services.state.seen.on_commit)
    db.after_commit(functools.partial(group_service.move_caches, services))
    services.sender.on_chat_upgraded = functools.partial(group_service.follow_upgrade, services)
    for module in FEATURES:
        for kind, job in getattr(module, "JOBS", {}).items():
            services.jobs.register(kind, job.prepare, job.failed)
    application.bot_data["services"] = services
    for handler in members.build_handlers():
        application.add_handler(handler, group=members.GROUP)
    for module in FEATURES:
        for handler in module.build_handlers():
            application.add_handler(handler)
    for handler in members.build_late_handlers():
        application.add_handler(handler, group=1)
    application.add_error_handler(record_error)
    return application


def services_of(application: AppType) -> Services:
    services: Services = application.bot_data["services"]
    return services


async def register_commands(application: AppType) -> None:
    """The command menu: member commands for all, the rest for admins (groups and private)."""
    services = services_of(application)

    def menu(audiences: set[str], *, group: bool = False) -> list[BotCommand]:
        return [
            BotCommand(c.name, c.description)
            for c in services.commands
            if c.audience in audiences and not (group and c.private_only)
        ]

    bot = application.bot
    try:
        await bot.set_my_commands(menu({"member"}), scope=BotCommandScopeDefault())
        await bot.set_my_commands(
            menu({"member", "staff", "admin"}, group=True),
            scope=BotCommandScopeAllChatAdministrators(),
        )
        for admin_id in services.settings.admin_ids:
            await bot.set_my_commands(
                menu({"member", "staff", "admin"}), scope=BotCommandScopeChat(admin_id)
            )
        for staff_id in services.settings.staff_ids:
            await bot.set_my_commands(
                menu({"member", "staff"}), scope=BotCommandScopeChat(staff_id)
            )
    except TelegramError as exc:
        # Admins who never opened a private chat make the scoped call fail; not fatal.
        log.warning("could not register the whole command menu: %s", exc)


class BotRunner:
    """Starts and stops everything: database, Application, poller, processor, sender, planner."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        pacing: Pacing = TELEGRAM_PACING,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.db_url, background_checkpoints=True)
        self.application = build_application(settings, self.db, self.clock, pacing)
        self.services = services_of(self.application)
        self.processor = Processor(self.application, self.services)
        for module in [members, *FEATURES]:
            for kind, bulk in getattr(module, "BULK", {}).items():
                self.processor.register_bulk(kind, functools.partial(bulk, self.services))
            for kind, prefetch in getattr(module, "PREFETCH", {}).items():
                self.processor.register_prefetch(kind, functools.partial(prefetch, self.services))
        self.poller = Poller(self.application, self.services, self.processor)
        self.downloader = Downloader(
            self.application.bot, self.db, self.services.archive, self.clock
        )
        self.planner = Planner(self.services)
        self.planner.register("inbox.prune", self.processor.prune_daily)
        for module in SCHEDULES:
            self.planner.register(module.__name__, module.run_due, getattr(module, "DUE", ()))
        self.planner.register("jobs.prune", self._prune_jobs)
        self.stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._commands: asyncio.Task[None] | None = None
        self._jobs_pruned_on: date | None = None
        self._lock: IO[str] | None = None

    async def _prune_jobs(self, services: Services, now: datetime) -> None:
        """Once a day, in the 04:00 hour (or the first tick of it after a restart)."""
        local = now.astimezone(services.settings.tz)
        if local.hour == 4 and self._jobs_pruned_on != local.date():
            await services.jobs.prune()
            self._jobs_pruned_on = local.date()

    async def start(self) -> None:
        self._lock = lock_data_dir(self.settings.data_dir)
        self.settings.archive_dir.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(self.db.migrate)
        await self.application.initialize()
        # Jobs build deep links (t.me/<username>?start=...) without a bot object at hand.
        self.services.bot_username = self.application.bot.username
        webhook = await self.application.bot.get_webhook_info()
        if webhook.url:
            log.info("removing the webhook so that polling works")
            await self.application.bot.delete_webhook()
        await self.application.start()
        # Updates left from the last run go first, before anything new is fetched.
        while await self.processor.process_batch(self.stopping):
            pass
        # Not needed before polling (nor is pruning the inbox: the planner's first tick does
        # it): each is a round trip to Telegram or a write that would delay the first update.
        self._commands = asyncio.create_task(register_commands(self.application), name="commands")
        self._tasks = [
            asyncio.create_task(self.processor.run(self.stopping), name="processor"),
            asyncio.create_task(self.services.sender.run(self.stopping), name="sender"),
            asyncio.create_task(self.poller.run(self.stopping), name="poller"),
            asyncio.create_task(self.downloader.run(self.stopping), name="downloader"),
            asyncio.create_task(self.services.jobs.run(self.services, self.stopping), name="jobs"),
            asyncio.create_task(checkpoints(self.db, self.stopping), name="checkpoints"),
        ]
        self.planner.install(self.application)
        # Everything built so far (modules, the ORM's mappers, PTB's objects) lives as long as
        # the process: keep it out of the garbage collector's full passes, which would otherwise
        # walk it again and again while updates are handled.
        gc.freeze()
        log.info("银龄 is running as @%s", self.application.bot.username)

    def idle(self, *, downloads: bool = False) -> bool:
        """Nothing left to do for now: no update waiting in the inbox, no message pending in
        the outbox, no job pending or running, no send in flight (and with `downloads`, no
        file waiting to be archived). Raises the error of a loop that died, so that whoever
        waits for the bot to go quiet does not wait for ever."""
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise RuntimeError(f"{task.get_name()} died") from task.exception()
        if self.services.sender.busy or self.services.jobs.busy:
            return False
        if self._commands is not None and not self._commands.done():
            return False
        with Session(self.db.engine) as session:
            pending = [
                session.exec(select(InboxUpdate.id).where(InboxUpdate.status == "pending")),
                session.exec(select(OutboxMessage.id).where(OutboxMessage.status == "pending")),
                session.exec(select(Job.id).where(Job.status == "pending")),
            ]
            if downloads:
                pending.append(
                    session.exec(select(ArchiveFile.id).where(ArchiveFile.status == "pending"))
                )
            return all(rows.first() is None for rows in pending)

    async def wait(self) -> None:
        """Until stopped, or until a loop dies (then re-raise its error)."""
        done, _ = await asyncio.wait(self._tasks, return_when="FIRST_EXCEPTION")
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def stop(self) -> None:
        """Finish the update in hand and the sends in flight, then shut down."""
        self.stopping.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._commands is not None:
            self._commands.cancel()  # an unfinished menu is registered again at the next start
            await asyncio.gather(self._commands, return_exceptions=True)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        self.db.dispose()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
