"""The typed context every handler and job receives, and the services it carries.

`context.db` is the session of the update being processed: the inbox processor opens one
transaction per batch and a savepoint per update, so a handler's writes, the replies it queues
and the inbox row's "done" mark commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram.ext import CallbackContext, ExtBot

from bot.clock import Clock
from bot.runtime.archive import Archive
from bot.runtime.current import CURRENT
from bot.runtime.files import Files
from bot.runtime.jobs import Jobs
from bot.runtime.outbox import Outbox
from bot.runtime.roles import Roles
from bot.runtime.seen import SeenCache
from bot.runtime.sender import Sender
from bot.settings import Settings
from storage.db import Database
from storage.quiz_polls import PollTarget


@dataclass(frozen=True)
class Command:
    """A command for the menu and /help; `audience` is member, staff or admin."""

    name: str
    description: str
    audience: str = "member"
    # Left out of the groups' command menu (a tap there would act in front of everyone).
    private_only: bool = False


@dataclass
class State:
    """What the process remembers between updates and ticks. Never the truth (the database
    is): each entry is a cache, or a note that saves asking again too soon."""

    seen: SeenCache = field(default_factory=SeenCache)
    # poll id -> the quiz question it asks (polls never change once sent).
    quiz_polls: dict[str, PollTarget] = field(default_factory=dict)
    # After a failed daily backup (a full disk), not before this time again.
    backup_retry_at: datetime | None = None
    # When old export files were last looked for (schedules/exports.py).
    exports_pruned_at: datetime | None = None


@dataclass
class Services:
    """Created once at start; shared by handlers, services, schedules and jobs."""

    settings: Settings
    db: Database
    clock: Clock
    outbox: Outbox
    roles: Roles
    sender: Sender
    archive: Archive
    jobs: Jobs
    files: Files
    commands: list[Command] = field(default_factory=list)
    state: State = field(default_factory=State)
    # Known once the bot has asked Telegram who it is (at start).
    bot_username: str = ""

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.settings.tz)

    def deep_link(self, payload: str) -> str:
        """A t.me link that opens a private chat with the bot and sends /start <payload>."""
        return f"https://t.me/{self.bot_username}?start={payload}"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with typed access to the services and the update's session."""

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def db(self) -> Session:
        """The session of the update being processed (not available in jobs)."""
        return CURRENT.get().session

    @property
    def outbox(self) -> Outbox:
        return self.services.outbox

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def now(self) -> datetime:
        return self.services.clock.now()
