"""Behind a proxy (YINLING_PROXY), as a bot in mainland China must run: every call to Telegram
goes through it, getUpdates included. (Until this test, getUpdates went out directly: the bot
sent through the proxy but never heard anything.) And an update Telegram passes on with half an
emoji (a lone surrogate escape) is stored and answered like any other, instead of being asked for
again forever because SQLite cannot store it as it came."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select

from storage.models import InboxUpdate, Person
from tests.e2e.harness import GROUP_ID, SECRETARY, Harness

HALF = 7_700_001  # a member whose name ends in half an emoji


class ForwardingProxy:
    """A plain HTTP proxy (the absolute-form requests httpx sends to one), forwarding to the
    fake Bot API and noting each Bot API method that passed."""

    def __init__(self) -> None:
        self.methods: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._client = aiohttp.ClientSession(auto_decompress=False)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._client is not None
        target = str(request.url)  # absolute: the request line named the Bot API's address
        self.methods.append(target.rsplit("/", 1)[-1])
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host"}}
        async with self._client.request(
            request.method, target, headers=headers, data=await request.read()
        ) as answer:
            body = await answer.read()
            kept = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in {"transfer-encoding", "content-length", "connection"}
            }
            return web.Response(status=answer.status, body=body, headers=kept)


@pytest.fixture
async def proxy() -> AsyncIterator[ForwardingProxy]:
    running = ForwardingProxy()
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_every_call_goes_through_the_proxy(harness: Harness, proxy: ForwardingProxy) -> None:
    await harness.start(proxy=proxy.url)
    harness.fake.message(GROUP_ID, SECRETARY, "/setup")
    await harness.settle()

    assert "老干之家" in harness.texts(GROUP_ID)[-1]
    assert "getUpdates" in proxy.methods  # how the bot heard /setup
    assert "sendMessage" in proxy.methods  # how it answered


async def test_half_an_emoji_does_not_stop_the_inbox(harness: Harness) -> None:
    await harness.start()
    harness.fake.message(GROUP_ID, SECRETARY, "/setup")
    await harness.settle()
    # Telegram's JSON may carry "\ud83d" alone (the fake writes it as an escape, as Telegram
    # does), in a text and in a name.
    harness.fake.add_user(HALF, "小明\ud83d")
    harness.fake.set_member_status(GROUP_ID, HALF, "member")
    harness.fake.message(GROUP_ID, HALF, "大家好\ud83d")
    harness.fake.message(GROUP_ID, SECRETARY, "/help")
    await harness.settle()

    assert "/setup" in harness.texts(GROUP_ID)[-1]  # the update behind it was not held up
    with harness.session() as s:
        statuses = s.exec(select(InboxUpdate.status)).all()
        person = s.exec(select(Person).where(Person.user_id == HALF)).one()
    assert statuses and set(statuses) == {"done"}
    assert person.first_name == "小明\ufffd"  # stored, with the half emoji as "�"
