"""`python -m bench.profiled_bot OUT run`: the bot as `python -m bot run`, under cProfile from the
end of its start-up to its stop, so that the profile shows the update loop (the hot path), not
imports, migrations and the one-time setup of the ORM.
"""

from __future__ import annotations

import cProfile
import sys

from bot.__main__ import main
from bot.app import BotRunner

OUT = sys.argv.pop(1)
profiler = cProfile.Profile()
_start, _stop = BotRunner.start, BotRunner.stop


async def start(self: BotRunner) -> None:
    await _start(self)
    profiler.enable()


async def stop(self: BotRunner) -> None:
    profiler.disable()
    profiler.dump_stats(OUT)
    await _stop(self)


BotRunner.start = start  # type: ignore[method-assign]
BotRunner.stop = stop  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
