"""The typed context every handler and job receives, and the services it carries.

`context.db` is the session of the update being processed: the inbox processor opens one
transaction per batch and a savepoint per update, so a handler's writes, the replies it queues
and the inbox row's "done" mark commit together or not at all.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from telegram.ext import CallbackContext, ExtBot

from bot.clock import Clock
from bot.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.runtime.archive import Archive
    from bot.runtime.outbox import Outbox
    from bot.runtime.roles import Roles
    from bot.runtime.sender import Sender


@dataclass
class UpdateState:
    """What the processor needs to know about the update in hand."""

    session: Session
    error: BaseException | None = None


CURRENT: ContextVar[UpdateState] = ContextVar("yinling_current_update")


@dataclass(frozen=True)
class Command:
    """A command for the menu and /help; `audience` is member, staff or admin."""

    name: str
    description: str
    audience: str = "member"


@dataclass
class Services:
    """Created once at start; shared by handlers and jobs."""

    settings: Settings
    db: Database
    clock: Clock
    outbox: Outbox
    roles: Roles
    sender: Sender
    archive: Archive
    commands: list[Command] = field(default_factory=list)
    # Feature services (downloaders, caches) register here by name.
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.settings.tz)

    def deep_link(self, payload: str) -> str:
        """A t.me link that opens a private chat with the bot and sends /start <payload>."""
        return f"https://t.me/{self.extras['bot_username']}?start={payload}"


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
