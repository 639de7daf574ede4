"""Running the parse of an uploaded file in a separate process, with a time and memory limit.

A spreadsheet comes from a chat: it may be damaged, huge, or made to hurt (a zip bomb). The
cheap checks in storage/spreadsheets/limits.py refuse what is plainly too big before any parse;
what they miss must still not stall the bot: parsing in a worker thread holds the GIL (every
other member waits) and shares the bot's memory. Here the parse runs in a fresh Python process
that can use at most `MEMORY_BYTES` of address space and `SECONDS` of time; if it runs out it
is killed, and the caller gets `OverBudget` (say "the file is too big") instead of a stalled bot.

`run_limited(function, *args)` pickles a module-level function and its arguments to the child
(`python -m bot.runtime.sandbox`), which sets its limits, runs it, and pickles back the result
or the exception it raised. Only plain file-format code belongs here (storage.spreadsheets):
the child imports nothing of Telegram or the database.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import sys
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

SECONDS = 30.0
MEMORY_BYTES = 768 * 1024 * 1024


class OverBudget(Exception):
    """The parse ran out of time or memory, or its process died: the file is too much."""


async def run_limited(
    function: Callable[..., T],
    *args: Any,
    seconds: float | None = None,
    memory: int | None = None,
    **kwargs: Any,
) -> T:
    """`function(*args, **kwargs)` in a child process within the budget; its result, or the
    exception it raised, or `OverBudget`."""
    seconds = SECONDS if seconds is None else seconds
    memory = MEMORY_BYTES if memory is None else memory
    request = pickle.dumps((function, args, kwargs))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        str(memory),
        str(max(1, int(seconds + 0.999))),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(request), timeout=seconds)
    except TimeoutError:
        child.kill()
        await child.wait()
        log.warning("sandbox: %s took more than %.0f s; stopped", _name(function), seconds)
        raise OverBudget(f"{_name(function)} took more than {seconds:.0f} s") from None
    except BaseException:
        # Cancelled (the bot is stopping): the child must not outlive the wait for it.
        if child.returncode is None:
            child.kill()
            await child.wait()
        raise
    if child.returncode != 0 or not out:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        log.warning(
            "sandbox: %s ended with code %s (%s)", _name(function), child.returncode, detail[0]
        )
        raise OverBudget(f"{_name(function)} ended with code {child.returncode}")
    status, value = pickle.loads(out)
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if isinstance(value, MemoryError):
        log.warning("sandbox: %s ran out of memory", _name(function))
        raise OverBudget(f"{_name(function)} ran out of memory")
    raise value


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _child(memory: int, cpu_seconds: int) -> None:
    """In the child: limit ourselves, run the request from stdin, answer on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    function, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    try:
        answer: tuple[str, Any] = ("ok", function(*args, **kwargs))
    except Exception as exc:  # returned to the caller, who decides what it means
        answer = ("error", exc)
    try:
        data = pickle.dumps(answer)
    except Exception as exc:  # an exception that cannot cross: say what it was
        data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {answer[1]!r}")))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
