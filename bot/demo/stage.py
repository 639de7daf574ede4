"""What the demo's scenes act through: the people of the branch doing what people do in
Telegram (write, reply, send a file, a photo or a voice message, tap a button, vote), the clock
the script moves, and waiting until the bot has answered.

Everything a person does goes to the Bot API double as the update Telegram would send; the bot
(the real `BotRunner` that `yinling run` starts) sees nothing else. A tap on a link button that
opens the private chat (t.me/<bot>?start=…) becomes the `/start …` Telegram sends for it.
After each step the stage waits for the bot to go quiet, lets the recorder print what happened,
and pauses a moment of real time (shorter with a higher `speed`) so that a person can follow.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import BotRunner
from bot.clock import FakeClock
from bot.demo import samples
from bot.demo.fake.botapi import FakeBotApi
from bot.demo.transcript import Recorder, buttons_of
from bot.demo.world import GROUP_ID, Person

JSON = dict[str, Any]
BEAT = 0.45  # seconds of real time a step takes at speed 1, the bot's answer included
SETTLE_LIMIT = 60.0  # seconds the bot may take to answer one step before the demo gives up
_START_LINK = re.compile(r"[?&]start=([\w-]+)")


class Stage:
    """The running bot, the double, the clock and the recorder, with the people's actions."""

    def __init__(
        self,
        runner: BotRunner,
        fake: FakeBotApi,
        clock: FakeClock,
        recorder: Recorder,
        *,
        tz: ZoneInfo,
        speed: float,
        year: int,
    ) -> None:
        self.runner = runner
        self.fake = fake
        self.clock = clock
        self.recorder = recorder
        self.tz = tz
        self.speed = speed
        self.year = year
        self._step_began = 0.0

    # --- time ------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The story's local time."""
        return self.clock.now().astimezone(self.tz)

    def moment(self, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
        return datetime(self.year, month, day, hour, minute, tzinfo=self.tz)

    async def at(self, month: int, day: int, hour: int = 9, minute: int = 0) -> None:
        """Move the clock to this local time (never back) and let the bot do what is due."""
        when = self.moment(month, day, hour, minute)
        if when < self.clock.now():
            raise ValueError(f"the story cannot go back in time, to {when}")
        self.clock.set(when)
        await self.tick()

    async def later(self, *, hours: int = 0, minutes: int = 0, seconds: int = 0) -> None:
        """Let some time pass, and the bot do what is due."""
        self.clock.advance(timedelta(hours=hours, minutes=minutes, seconds=seconds))
        await self.tick()

    async def tick(self) -> None:
        """The planner's round (as its repeating job does it), then wait for what it sent."""
        await self.runner.planner.tick()
        await self.settle()

    async def pause(self, beats: float = 1.0) -> None:
        """A moment of real time since the last step began, so that a person watching can
        follow: the bot's own time to answer counts towards it."""
        loop = asyncio.get_running_loop()
        wait = self._step_began + BEAT * beats / self.speed - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._step_began = loop.time()

    async def settle(self) -> None:
        """Wait until the bot has taken every update and sent everything it queued."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_LIMIT
        quiet = 0
        while quiet < 2:  # twice in a row: a reply queued by the last update counts too
            if self.fake.unconfirmed() == 0 and self.runner.idle(downloads=True):
                quiet += 1
            else:
                quiet = 0
                if loop.time() > deadline:
                    raise RuntimeError("the bot did not answer in time\n" + self._recent())
            await asyncio.sleep(0.005)
        if self.fake.errors:
            raise RuntimeError("the Bot API double failed: " + self.fake.errors[-1])
        self.recorder.catch_up()

    def _recent(self) -> str:
        return self.fake.describe_recent_calls(10)

    # --- people ----------------------------------------------------------------------------

    async def say(
        self,
        who: Person,
        text: str,
        *,
        private: bool = False,
        reply_to: JSON | None = None,
    ) -> JSON:
        """`who` writes `text` in the group (or privately to the bot), perhaps as a reply."""
        return await self._post(who, private, reply_to, text=text)

    async def send_document(
        self,
        who: Person,
        content: bytes,
        file_name: str,
        *,
        caption: str | None = None,
        private: bool = False,
        reply_to: JSON | None = None,
    ) -> JSON:
        document = self.fake.file(content, file_name=file_name)
        return await self._post(who, private, reply_to, document=document, caption=caption)

    async def send_photo(
        self,
        who: Person,
        png: bytes,
        *,
        caption: str | None = None,
        private: bool = False,
        reply_to: JSON | None = None,
    ) -> JSON:
        photo = self.fake.file(png, kind="photo")
        return await self._post(who, private, reply_to, photo=photo, caption=caption)

    async def send_voice(
        self,
        who: Person,
        seconds: int,
        *,
        private: bool = False,
        reply_to: JSON | None = None,
    ) -> JSON:
        voice = self.fake.file(samples.voice(seconds), kind="voice", duration=seconds)
        return await self._post(who, private, reply_to, voice=voice)

    async def _post(
        self, who: Person, private: bool, reply_to: JSON | None, **content: Any
    ) -> JSON:
        chat = who.user_id if private else GROUP_ID
        if reply_to is not None:
            content["reply_to"] = reply_to["message_id"]
        message = self.fake.message(chat, who.user_id, **content)
        await self.settle()
        await self.pause()
        return message

    async def tap(self, who: Person, label: str, *, private: bool = False) -> None:
        """`who` taps the button labelled `label` on the bot's newest message that has one."""
        chat = who.user_id if private else GROUP_ID
        message, button = self.button(chat, label)
        self.recorder.tap(who.user_id, chat, button["text"], self.clock.now())
        if "callback_data" in button:
            self.fake.press(who.user_id, chat, message["message_id"], button["callback_data"])
        else:
            link = _START_LINK.search(button.get("url", ""))
            if link is None:
                raise ValueError(f"the button {button['text']!r} opens nothing the demo knows")
            self.fake.message(who.user_id, who.user_id, f"/start {link[1]}")
        await self.settle()
        await self.pause()

    async def vote(self, who: Person, poll: JSON, letters: str) -> None:
        """`who` answers a poll in the group: "B", or "AC" where several answers are allowed."""
        options = sorted("ABCDEFGHIJ".index(letter) for letter in letters)
        self.fake.poll_answer(who.user_id, poll["poll"]["id"], options)
        await self.settle()
        await self.pause(0.3)

    # --- what the bot sent -----------------------------------------------------------------

    def last(
        self, *, containing: str = "", button: str = "", private_to: Person | None = None
    ) -> JSON:
        """The bot's newest message in the group (or a private chat) with this text in it, or
        with a button with this text on it."""
        chat = private_to.user_id if private_to is not None else GROUP_ID
        for message in reversed(self.fake.sent(chat)):
            labels = [b["text"] for row in buttons_of(message) for b in row]
            if containing not in (message.get("text") or message.get("caption") or ""):
                continue
            if button and not any(button in label for label in labels):
                continue
            return message
        raise LookupError(f"the bot sent nothing with {containing or button!r} to {chat}")

    def button(self, chat: int, label: str) -> tuple[JSON, JSON]:
        """The bot's newest message in `chat` with a button whose text is or holds `label`."""
        for sent in reversed(self.fake.sent(chat)):
            message = self.fake.message_by_id(chat, sent["message_id"])
            rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
            buttons = [b for row in rows for b in row]
            for match in (lambda t: t == label, lambda t: label in t):
                found = [b for b in buttons if match(b["text"])]
                if found and message is not None:
                    return message, found[0]
        raise LookupError(f"no button {label!r} in chat {chat}")

    def polls(self) -> list[JSON]:
        """The polls the bot sent to the group, oldest first."""
        return self.fake.sent(GROUP_ID, method="sendPoll")
