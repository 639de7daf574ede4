"""Behind a proxy (YINLING_PROXY), as a bot in mainland China must run: every call to Telegram
goes through it, getUpdates included (until these tests, getUpdates went out directly: the bot
sent through the proxy but never heard anything), over http and over socks5 with a password.
And an update Telegram passes on with half an emoji (a lone surrogate escape) is stored and
answered like any other, instead of being asked for again forever because SQLite cannot store
it as it came."""

from __future__ import annotations

import asyncio
import contextlib
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


class Socks5Proxy:
    """A socks5 proxy with a user name and password (RFC 1928, RFC 1929), CONNECT only: it
    relays each connection to where the client asks and notes the address asked for."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.asked: list[tuple[str, int]] = []
        self.refused = 0
        self.url = ""
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"socks5://{self.user}:{self.password}@127.0.0.1:{port}"

    async def stop(self) -> None:
        for pipe in self._pipes:
            pipe.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            _, count = await reader.readexactly(2)
            methods = await reader.readexactly(count)
            if 2 not in methods:  # user name and password
                writer.write(b"\x05\xff")
                raise ConnectionRefusedError  # said no: hang up
            writer.write(b"\x05\x02")
            _, size = await reader.readexactly(2)
            user = (await reader.readexactly(size)).decode()
            (size,) = await reader.readexactly(1)
            password = (await reader.readexactly(size)).decode()
            if (user, password) != (self.user, self.password):
                self.refused += 1
                writer.write(b"\x01\x01")
                raise ConnectionRefusedError
            writer.write(b"\x01\x00")
            _, _, _, kind = await reader.readexactly(4)  # version, CONNECT, reserved, kind
            if kind == 3:  # a host name, resolved here (socks5h)
                (size,) = await reader.readexactly(1)
                host = (await reader.readexactly(size)).decode()
            else:
                host = ".".join(str(b) for b in await reader.readexactly(4))
            port = int.from_bytes(await reader.readexactly(2), "big")
            self.asked.append((host, port))
            target_reader, target_writer = await asyncio.open_connection(host, port)
            writer.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        for source, sink in ((reader, target_writer), (target_reader, writer)):
            pipe = asyncio.create_task(_relay(source, sink))
            self._pipes.add(pipe)
            pipe.add_done_callback(self._pipes.discard)


async def _relay(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):  # either side hung up: the relay ends
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    sink.close()


@pytest.fixture
async def socks() -> AsyncIterator[Socks5Proxy]:
    running = Socks5Proxy("lao", "mi:ma@1")
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_a_socks5_proxy_with_a_password_carries_every_call(
    harness: Harness, socks: Socks5Proxy
) -> None:
    # The password holds ":" and "@", written escaped in the URL as an operator would.
    await harness.start(proxy=socks.url.replace("mi:ma@1", "mi%3Ama%401"))
    harness.fake.message(GROUP_ID, SECRETARY, "/setup")
    await harness.settle()

    assert "老干之家" in harness.texts(GROUP_ID)[-1]
    fake_port = int(harness.fake.base_url.rsplit(":", 1)[1].split("/")[0])
    assert socks.asked and set(socks.asked) == {("127.0.0.1", fake_port)}
    assert socks.refused == 0
