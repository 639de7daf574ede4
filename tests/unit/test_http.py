"""The bot's aiohttp client to Telegram (bot/runtime/http.py): uploads arrive whole, with their
Chinese names; failures become PTB's errors, and the sender can tell a call that never left
(safe to repeat) from one that may have reached Telegram."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp_socks
import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.demo.fake.botapi import TOKEN, FakeBotApi
from bot.runtime.http import NOT_SENT, PoolTimeout, TelegramRequest
from bot.runtime.sender import maybe_delivered

GROUP = -1001
SECRETARY = 11

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def server() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    """Starts a one-route HTTP server on 127.0.0.1; gives its URL."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield start
    for runner in runners:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_document_arrives_whole_with_its_chinese_name() -> None:
    fake = FakeBotApi()
    fake.add_user(SECRETARY, "王")
    fake.add_group(GROUP, "老干之家", creator_id=SECRETARY)
    content = bytes(range(256)) * 4096  # 1 MiB, every byte value
    async with (
        fake,
        Bot(TOKEN, base_url=fake.base_url, request=TelegramRequest()) as bot,
    ):
        message = await bot.send_document(
            GROUP, content, filename='2026年 党费台账 "终".xlsx', caption="台账"
        )
    assert message.document is not None
    assert message.document.file_name == '2026年 党费台账 "终".xlsx'
    assert message.caption == "台账"
    call = next(c for c in fake.calls if c.method == "sendDocument")
    assert call.files["document"] == content


async def test_a_slow_answer_is_timed_out(server: Callable[[Handler], Awaitable[str]]) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    url = await server(slow)
    async with TelegramRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut) as caught:
            await request.post(f"{url}/botX/getMe")
    assert maybe_delivered(caught.value)  # Telegram may have acted on it


async def test_a_refused_connection_is_a_network_error_and_never_sent() -> None:
    async with TelegramRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{free_port()}/botX/getMe")
    assert not isinstance(caught.value, TimedOut)
    assert isinstance(caught.value.__cause__, NOT_SENT)
    assert not maybe_delivered(caught.value)


async def test_a_dropped_connection_may_have_been_delivered(
    server: Callable[[Handler], Awaitable[str]],
) -> None:
    async def drop(request: web.Request) -> web.Response:
        await request.read()
        assert request.transport is not None
        request.transport.abort()
        raise asyncio.CancelledError

    url = await server(drop)
    async with TelegramRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"{url}/botX/sendMessage")
    assert maybe_delivered(caught.value)


async def test_a_full_pool_times_out_with_ptbs_words(
    server: Callable[[Handler], Awaitable[str]],
) -> None:
    release = asyncio.Event()

    async def held(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    url = await server(held)
    async with TelegramRequest(connection_pool_size=1, pool_timeout=0.2) as request:
        first = asyncio.ensure_future(request.post(f"{url}/botX/getMe"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="Pool timeout: All connections") as caught:
            await request.post(f"{url}/botX/getMe")
        release.set()
        assert await first is True
    assert isinstance(caught.value.__cause__, PoolTimeout)
    assert not maybe_delivered(caught.value)


async def test_an_http_proxy_gets_the_credentials_in_its_url(
    server: Callable[[Handler], Awaitable[str]],
) -> None:
    seen: list[tuple[str, str | None]] = []

    async def proxy(request: web.Request) -> web.Response:
        seen.append((str(request.url), request.headers.get("Proxy-Authorization")))
        return web.json_response({"ok": True, "result": {"done": 1}})

    url = await server(proxy)
    port = url.rsplit(":", 1)[1]
    via = f"http://us%40er:p%3Ass@127.0.0.1:{port}"
    async with TelegramRequest(proxy=via) as request:
        assert await request.post("http://api.telegram.invalid/botX/getMe") == {"done": 1}
    # "us@er:p:ss", base64
    assert seen == [("http://api.telegram.invalid/botX/getMe", "Basic dXNAZXI6cDpzcw==")]


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
async def test_a_socks5_proxy_url_is_taken(scheme: str) -> None:
    port = free_port()  # nothing listens: the proxy is unreachable
    async with TelegramRequest(proxy=f"{scheme}://u:p%40ss@127.0.0.1:{port}") as request:
        session = request._session
        assert session is not None
        connector = session.connector
        assert isinstance(connector, aiohttp_socks.ProxyConnector)
        assert connector._proxy_port == port and connector._proxy_password == "p@ss"
        assert connector._rdns is True  # Telegram's name is resolved by the proxy
        with pytest.raises(NetworkError) as caught:
            await request.post("https://api.telegram.org/botX/getMe")
    assert not maybe_delivered(caught.value)


def test_an_unknown_proxy_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported proxy scheme"):
        TelegramRequest(proxy="ftp://127.0.0.1:21")


def test_json_that_orjson_refuses_is_still_read() -> None:
    # Half an emoji: read as U+FFFD ("\\ud83d" alone cannot be stored: storage/rawjson.py).
    answer = TelegramRequest.parse_json_payload(b'{"ok": true, "t": "x\\ud83d"}')
    assert answer["t"] == "x\ufffd"


async def test_an_https_call_tunnels_through_the_proxy_with_its_credentials() -> None:
    heads: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    try:
        async with TelegramRequest(proxy=f"http://u:p@127.0.0.1:{port}") as request:
            with pytest.raises(NetworkError) as caught:
                await request.post("https://api.telegram.org/botX/getMe")
    finally:
        listening.close()
        await listening.wait_closed()
    assert heads and heads[0].startswith(b"CONNECT api.telegram.org:443 HTTP/1.1\r\n")
    assert b"\r\nProxy-Authorization: Basic dTpw\r\n" in heads[0]
    assert not maybe_delivered(caught.value)  # the tunnel was refused: nothing reached Telegram
