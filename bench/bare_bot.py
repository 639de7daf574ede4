"""The reference bot: a bare python-telegram-bot Application that only counts updates in memory.

Standard Updater (`start_polling`), one TypeHandler, nothing stored. Prints "ready" once polling,
and "done <count> <time.time()>" each time the count reaches one of the given marks; runs until
SIGTERM. Optionally asks only for some kinds of update (as the real bot does), and answers one
command word with a message (so that a benchmark can time "everything before it was handled").

    python -m bench.bare_bot <base_url> <mark>[,<mark>...] [<allowed,updates> [<command>]]
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.demo.fake.botapi import TOKEN


async def main(
    base_url: str, marks: set[int], allowed: list[str] | None = None, reply_to: str = ""
) -> None:
    count = 0
    finished = asyncio.Event()

    async def counted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal count
        count += 1
        if count in marks:
            print(f"done {count} {time.time():.6f}", flush=True)
        message = update.message
        if reply_to and message is not None and message.text == reply_to:
            await message.reply_text("ok")

    application = Application.builder().token(TOKEN).base_url(base_url).build()
    application.add_handler(TypeHandler(Update, counted))
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, finished.set)
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=10, allowed_updates=allowed
        )
        await application.start()
        print("ready", flush=True)
        await finished.wait()
        await application.updater.stop()
        await application.stop()


if __name__ == "__main__":
    marks = {int(m) for m in sys.argv[2].split(",") if m}
    allowed = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else None
    asyncio.run(main(sys.argv[1], marks, allowed, sys.argv[4] if len(sys.argv) > 4 else ""))
