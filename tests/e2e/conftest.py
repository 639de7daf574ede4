"""Shared fixtures: the fake Bot API server and a running bot pointed at it.

A test marked `real_pacing` gets Telegram's pace in the bot and Telegram's flood limits in the
fake; every other test runs with both off, so that it never waits for real seconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.demo.fake.botapi import FakeBotApi
from bot.runtime.sender import NO_PACING, TELEGRAM_PACING
from tests.e2e.harness import Harness

SHANGHAI = ZoneInfo("Asia/Shanghai")


def real_pacing(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("real_pacing") is not None


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(enforce_limits=real_pacing(request))
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
async def harness(
    request: pytest.FixtureRequest, fake: FakeBotApi, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Harness]:
    pacing = TELEGRAM_PACING if real_pacing(request) else NO_PACING
    h = Harness(fake=fake, data_dir=tmp_path / "data", clock=clock, pacing=pacing)
    h.build_world()
    try:
        yield h
    finally:
        await h.stop()
