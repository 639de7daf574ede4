"""Shared fixtures: the fake Bot API server and a running bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from tests.e2e.harness import Harness
from tests.fakes.botapi import FakeBotApi

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
def clock() -> FakeClock:
    # A Thursday morning in the branch's time zone; tests move it as their story needs.
    return FakeClock(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
async def harness(fake: FakeBotApi, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    h = Harness(fake=fake, data_dir=tmp_path / "data", clock=clock)
    h.build_world()
    try:
        yield h
    finally:
        await h.stop()
