"""Who may do what: admins (secretary and committee), staff, and members.

An admin is listed in YINLING_ADMIN_IDS, or is the creator or an administrator of the branch's
group according to getChatMember (cached for a few minutes, since admins change rarely and the
call costs a round trip). Staff are listed in YINLING_STAFF_IDS.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.settings import Settings

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
# Status checks in flight at once when a batch's are fetched together (`warm`): enough to
# overlap the round trips, few enough to reuse kept-alive connections.
ASK_AT_ONCE = 8
ADMIN_STATUSES = frozenset({"creator", "administrator"})


class Roles:
    def __init__(self, settings: Settings, bot: Bot) -> None:
        self.settings = settings
        self.bot = bot
        self._cache: dict[tuple[int, int], tuple[str, float]] = {}

    def is_configured_admin(self, user_id: int) -> bool:
        return user_id in self.settings.admin_ids

    def is_staff(self, user_id: int) -> bool:
        return user_id in self.settings.staff_ids

    async def status(self, chat_id: int, user_id: int) -> str:
        """The member's status in a group per Telegram, cached; "unknown" if Telegram won't say."""
        key = (chat_id, user_id)
        cached = self._cache.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
            status = str(member.status)
        except TelegramError as exc:
            log.warning("roles: getChatMember %s/%s failed: %s", chat_id, user_id, exc)
            return "unknown"
        self._cache[key] = (status, time.monotonic() + CACHE_SECONDS)
        return status

    def known(self, chat_id: int, user_id: int) -> bool:
        """Whether the status is in the cache and still fresh (no call needed)."""
        cached = self._cache.get((chat_id, user_id))
        return cached is not None and cached[1] > time.monotonic()

    async def warm(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Fetch the statuses not cached yet, several at once, before a transaction that will
        ask for them (bot/runtime/inbox.py). Configured admins need no call."""
        wanted = [
            (chat_id, user_id)
            for chat_id, user_id in pairs
            if chat_id < 0
            and not self.is_configured_admin(user_id)
            and not self.known(chat_id, user_id)
        ]
        if not wanted:
            return
        slots = asyncio.Semaphore(ASK_AT_ONCE)

        async def ask(chat_id: int, user_id: int) -> None:
            async with slots:
                await self.status(chat_id, user_id)

        await asyncio.gather(*(ask(c, u) for c, u in wanted))

    def forget(self, chat_id: int, user_id: int) -> None:
        """Drop a cached status (after a chat_member update said it changed)."""
        self._cache.pop((chat_id, user_id), None)

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group was upgraded to a supergroup: what is known of its people goes along."""
        for key in [k for k in self._cache if k[0] == old_chat_id]:
            self._cache[(new_chat_id, key[1])] = self._cache.pop(key)

    async def upgraded_to(self, chat_id: int) -> int | None:
        """The supergroup a basic group was upgraded to, per Telegram; None when it was not
        (or Telegram won't say: the bot is no longer there). A read-only call: never await it
        inside a transaction. Network trouble is raised, so that a job tries again instead of
        guessing."""
        try:
            await self.bot.get_chat_member(chat_id, self.bot.id)
        except ChatMigrated as exc:
            return int(exc.new_chat_id)
        except (BadRequest, Forbidden) as exc:
            log.info("roles: group %s was not upgraded (%s)", chat_id, exc)
        return None

    async def creator(self, chat_id: int) -> int | None:
        """Who created the group (the branch secretary, as a rule), per Telegram; None if
        Telegram won't say. Read-only: never inside a transaction."""
        try:
            members = await self.bot.get_chat_administrators(chat_id)
        except TelegramError as exc:
            log.warning("roles: getChatAdministrators %s failed: %s", chat_id, exc)
            return None
        return next((m.user.id for m in members if m.status == "creator"), None)

    async def is_admin(self, user_id: int, chat_id: int | None) -> bool:
        """Admin everywhere if configured; else admin of this group per Telegram."""
        if self.is_configured_admin(user_id):
            return True
        if chat_id is None or chat_id > 0:
            return False
        return await self.status(chat_id, user_id) in ADMIN_STATUSES

    async def can_view(self, user_id: int, chat_id: int | None) -> bool:
        """Reports and downloads: admins and staff."""
        return self.is_staff(user_id) or await self.is_admin(user_id, chat_id)

    async def branch_admins(self, chat_id: int) -> list[int]:
        """The admins of the branch group `chat_id` (getChatAdministrators, a read-only call:
        never await it inside a transaction), configured ones first."""
        ids = list(self.settings.admin_ids)
        try:
            members = await self.bot.get_chat_administrators(chat_id)
        except TelegramError as exc:
            log.warning(
                "roles: getChatAdministrators %s failed (%s); using configured admins", chat_id, exc
            )
            return ids
        ids.extend(m.user.id for m in members if not m.user.is_bot and m.user.id not in ids)
        return ids

    async def admins_and_staff(self, chat_id: int) -> list[int]:
        """Who gets a branch's private notices: its admins, then staff."""
        ids = await self.branch_admins(chat_id)
        ids.extend(i for i in self.settings.staff_ids if i not in ids)
        return ids
