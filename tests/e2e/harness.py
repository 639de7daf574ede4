"""Runs the real bot (BotRunner: Application, poller, processor, sender, planner) in-process
against the fake Bot API server, with a small world of people in one branch group.

By default the bot does not pace its sends and the fake does not enforce flood limits, so that
stories do not wait real seconds; tests about pacing and 429s mark themselves `real_pacing`
(tests/e2e/conftest.py) and get Telegram's pace and limits on both sides.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from bot.app import BotRunner
from bot.clock import FakeClock
from bot.context import Services
from bot.demo.fake.botapi import TOKEN, FakeBotApi
from bot.runtime.sender import NO_PACING, Pacing
from bot.settings import Settings
from storage.models import InboxUpdate, OutboxMessage

GROUP_ID = -1001234567890
SECRETARY = 1001  # group creator, the branch secretary
COMMITTEE = 1002  # group administrator
STAFF = 1003  # 老干科 staff, configured by id
RETIREES = {2001: "王建国", 2002: "李秀英", 2003: "张<伟>", 2004: "陈桂兰"}
OUTSIDER = 3001  # not in the group


def ident(value: int | None) -> int:
    """A row's id in a test (rows read back from the database always have one)."""
    assert value is not None
    return value


@dataclass
class Harness:
    fake: FakeBotApi
    data_dir: Path
    clock: FakeClock
    pacing: Pacing = NO_PACING
    runner: BotRunner | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def build_world(self) -> None:
        f = self.fake
        f.add_user(SECRETARY, "赵", "书记", username="zhao_shuji")
        f.add_user(COMMITTEE, "钱", "支委")
        f.add_user(STAFF, "孙", "干事")
        for user_id, name in RETIREES.items():
            f.add_user(user_id, name)
        f.add_user(OUTSIDER, "路人")
        f.add_group(
            GROUP_ID,
            "老干之家",
            creator_id=SECRETARY,
            admins=[COMMITTEE],
            members=[STAFF, *RETIREES],
        )

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "api_base_url": self.fake.base_url,
            "api_file_url": self.fake.base_file_url,
            "data_dir": self.data_dir,
            "staff_ids": [STAFF],
            "tick_seconds": 0.05,
            "poll_timeout": 1,
            **self.overrides,
            **overrides,
        }
        return Settings(_env_file=None, **values)

    async def start(self, **overrides: Any) -> BotRunner:
        assert self.runner is None, "already running"
        self.runner = BotRunner(self.settings(**overrides), clock=self.clock, pacing=self.pacing)
        await self.runner.start()
        return self.runner

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None

    async def restart(self) -> BotRunner:
        await self.stop()
        return await self.start()

    @property
    def services(self) -> Services:
        assert self.runner is not None
        return self.runner.services

    def session(self) -> Session:
        assert self.runner is not None
        return Session(self.runner.db.engine)

    async def settle(self, limit: float = 10.0) -> None:
        """Wait until every injected update is processed and every queued message is sent."""
        assert self.runner is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            if self.fake.unconfirmed() == 0 and not self._busy():
                # Twice in a row, so a reply queued by the last update is seen too.
                await asyncio.sleep(0.02)
                if self.fake.unconfirmed() == 0 and not self._busy():
                    return
            if loop.time() > deadline:
                raise AssertionError(
                    f"bot did not settle: unconfirmed={self.fake.unconfirmed()}, "
                    f"inbox/outbox pending={self._pending()}"
                )
            await asyncio.sleep(0.01)

    def _pending(self) -> tuple[int, int]:
        with self.session() as s:
            inbox = s.exec(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")
            ).one()
            outbox = s.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            ).one()
        return int(inbox), int(outbox)

    def _busy(self) -> bool:
        assert self.runner is not None
        return not self.runner.idle()

    async def tick(self) -> None:
        """Run the planner once now (as its repeating job would) and let the results go out."""
        assert self.runner is not None
        await self.runner.planner.tick()
        await self.settle()

    def texts(self, chat_id: int) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.fake.sent(chat_id)]

    async def setup_branch(self) -> None:
        self.fake.message(GROUP_ID, SECRETARY, "/setup")
        await self.settle()
