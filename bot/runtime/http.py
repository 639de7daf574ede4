"""The bot's HTTP client to Telegram: python-telegram-bot's `BaseRequest` over aiohttp.

PTB's own HTTPXRequest spends some 1.5 ms of CPU per call in httpx; aiohttp does the same call
in about a third of that (300 getChatMember to the fake Bot API under cProfile: 2.2 s against
0.62 s). That matters most when a group quiz brings hundreds of first votes, each needing a
role check (bench/poll_answers.py). Telegram's answers are parsed with `storage.rawjson`
(a getUpdates answer holds a hundred updates; the standard library took a fifth of a vote).

The idea follows ptbcontrib's AiohttpRequest (python-telegram-bot/ptbcontrib, LGPLv3); the code
here is our own. Every call goes through `Settings.proxy` when set (http, https, socks5,
socks5h); proxies from the environment (HTTPS_PROXY …) are not used.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import aiohttp_socks
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from storage import rawjson

POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent "
    "to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


class PoolTimeout(Exception):
    """No connection of the pool came free in time (the cause of a `TimedOut`)."""


# Causes of a failed call (its `__cause__`) that prove the request never reached Telegram: no
# connection was made. Safe to send again (bot/runtime/sender.py).
NOT_SENT: tuple[type[BaseException], ...] = (
    PoolTimeout,
    aiohttp.ClientConnectorError,  # refused, DNS, TLS, an HTTP proxy unreachable
    aiohttp.ConnectionTimeoutError,  # no connection within connect_timeout
    aiohttp.ClientHttpProxyError,  # an HTTP proxy refused the tunnel (CONNECT)
    aiohttp_socks.ProxyConnectionError,  # the socks proxy unreachable
    aiohttp_socks.ProxyTimeoutError,
    aiohttp_socks.ProxyError,  # the socks proxy could not reach Telegram
)
# Causes that leave it open whether Telegram got the request (a connection dropped mid-call).
TRANSPORT: tuple[type[BaseException], ...] = (aiohttp.ClientError, TimeoutError, OSError)


class TelegramRequest(BaseRequest):
    """One aiohttp session, opened in `initialize` (inside the running loop), closed in
    `shutdown`. The timeouts are PTB's; aiohttp has no write timeout, so connect + write + read
    bound the whole call instead."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxy",
        "_proxy_headers",
        "_read_timeout",
        "_session",
        "_slots",
        "_socks",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        proxy: str | None = None,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy: str | None = None
        self._proxy_headers: dict[str, str] | None = None
        self._socks: dict[str, Any] | None = None
        if proxy:
            self._set_proxy(proxy)
        self._session: aiohttp.ClientSession | None = None
        # Waiting for a connection is ours, not aiohttp's, so that it can be told apart from
        # a slow connect (PTB: "Pool timeout … not sent"). Made anew in `initialize`, in the
        # loop that will use it.
        self._slots = asyncio.Semaphore(connection_pool_size)

    def _set_proxy(self, url: str) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("socks5", "socks5h", "socks4"):
            if not parts.hostname or parts.port is None:
                raise ValueError(f"proxy without host or port: {parts.scheme}://…")
            self._socks = {
                "proxy_type": (
                    aiohttp_socks.ProxyType.SOCKS4
                    if scheme == "socks4"
                    else aiohttp_socks.ProxyType.SOCKS5
                ),
                "host": parts.hostname,
                "port": parts.port,
                "username": unquote(parts.username) if parts.username else None,
                "password": unquote(parts.password) if parts.password else None,
                # Telegram's host name is resolved by the proxy (as httpx did for socks5 too):
                # a local resolver may be the thing the proxy is there to get around.
                "rdns": True,
            }
        elif scheme in ("http", "https"):
            # aiohttp takes credentials as a header, not in the URL.
            host = parts.hostname or ""
            netloc = f"[{host}]" if ":" in host else host
            if parts.port is not None:
                netloc += f":{parts.port}"
            self._proxy = parts._replace(netloc=netloc).geturl()
            if parts.username is not None:
                pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
                auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
                self._proxy_headers = {"Proxy-Authorization": auth}
        else:
            raise ValueError(f"unsupported proxy scheme: {parts.scheme}")

    def _connector(self) -> aiohttp.TCPConnector:
        # An idle connection is reused for 5 s, as httpx did: one a proxy has silently dropped
        # would hang a call until its read timeout, and the sender could not tell whether it
        # went out (a poll then waits to be checked).
        options: dict[str, Any] = {"limit": self._pool_size, "keepalive_timeout": 5.0}
        if self._socks is not None:
            return aiohttp_socks.ProxyConnector(**self._socks, **options)
        return aiohttp.TCPConnector(**options)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._slots = asyncio.Semaphore(self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=self._connector(),
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),  # Telegram answers plain JSON
                trust_env=False,
            )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        try:
            data = rawjson.loads(payload)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        return BaseRequest.parse_json_payload(payload)  # invalid UTF-8 and the like

    @staticmethod
    def _timeout(
        connect: float | None, write: float | None, read: float | None
    ) -> aiohttp.ClientTimeout:
        parts = (connect, write, read)
        total = None if None in parts else sum(t for t in parts if t is not None)
        return aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This TelegramRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._read_timeout
        if isinstance(connect_timeout, DefaultValue):
            connect_timeout = self._connect_timeout
        if isinstance(pool_timeout, DefaultValue):
            pool_timeout = self._pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write_timeout = self._media_write_timeout if files else self._write_timeout

        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            if files:
                # Raw UTF-8 file names (as httpx sends them; Telegram takes 8-bit names), not
                # aiohttp's default percent-escapes, which would show in the chat.
                form = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                data = request_data.json_parameters

        slots = self._slots
        if slots.locked():
            try:
                async with asyncio.timeout(pool_timeout):
                    await slots.acquire()
            except TimeoutError:
                raise TimedOut(POOL_TIMEOUT_MESSAGE) from PoolTimeout()
        else:
            await slots.acquire()  # free: returns without waiting
        try:
            async with session.request(
                method,
                url,
                data=data,
                timeout=self._timeout(connect_timeout, write_timeout, read_timeout),
                proxy=self._proxy,
                # aiohttp sends proxy_headers with a CONNECT (https: Telegram); a plain http
                # URL (a local Bot API server) goes to the proxy as it is, with them in it.
                proxy_headers=self._proxy_headers,
                headers=self._proxy_headers if url.startswith("http:") else None,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except aiohttp_socks.ProxyTimeoutError as exc:
            raise TimedOut from exc
        except (aiohttp_socks.ProxyConnectionError, aiohttp_socks.ProxyError) as exc:
            raise NetworkError(f"aiohttp_socks.{type(exc).__name__}: {exc}") from exc
        finally:
            slots.release()
