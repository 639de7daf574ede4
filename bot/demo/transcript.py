"""The demo's record of every chat, as each person sees it, and its printing in the terminal.

`Recorder` follows the Bot API double: after each step of the script it takes the messages that
appeared in any chat since the last step (the people's and the bot's, in order) and what the
bot changed in earlier ones (an edited question, a closed poll), and adds the taps on buttons the
script reports (Telegram shows those to nobody, but without them a private quiz would read as
the bot talking to itself). It prints each as it comes: the chat's name when the chat changes,
then the local time, the sender, the text, buttons as [按钮], files as 📎 name. At the end
`finish()` gives every message its final state, for the chat page (bot/demo/page.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TextIO
from zoneinfo import ZoneInfo

from bot.core.cn_format import clock, day_text, duration
from bot.demo.fake.botapi import FakeBotApi
from bot.texts import demo as T

JSON = dict[str, Any]
LETTERS = "ABCDEFGHIJ"
# The Bot API methods that change a message already in a chat.
EDITS = frozenset(
    {
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
        "stopPoll",
    }
)


@dataclass
class Chat:
    id: int
    title: str  # as the list of chats names it
    private: bool
    user_id: int | None = None  # a private chat's person


@dataclass
class Scene:
    number: int
    title: str
    narration: str
    day: date
    first_seq: int  # the first entry of the transcript in this scene


@dataclass
class Entry:
    """One line of the story: a message in a chat (as it was sent), a later edit of one (as it
    was then: the text changed), or a tap on a button."""

    seq: int
    kind: Literal["message", "edit", "tap"]
    chat_id: int
    at: datetime  # local time
    user_id: int  # who sent or tapped (the bot's id for its messages)
    scene: int
    message: JSON = field(default_factory=dict)  # as sent, or as edited; a poll as it ends
    label: str = ""  # the button tapped; for an edit, the time of the message it changed


def size_text(size: int) -> str:
    """'12 KB', '1.2 MB'."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def buttons_of(message: JSON) -> list[list[JSON]]:
    rows: list[list[JSON]] = message.get("reply_markup", {}).get("inline_keyboard", [])
    return rows


def poll_lines(poll: JSON, *, results: bool) -> list[str]:
    kind = T.POLL_QUIZ if poll.get("type") == "quiz" else T.POLL_REGULAR
    lines = [T.POLL.format(kind=kind, question=poll["question"])]
    correct = set(poll.get("correct_option_ids", []))
    for i, option in enumerate(poll["options"]):
        text = f"{LETTERS[i]}. {option['text']}"
        if results:
            mark = "✅" if i in correct else "▫"
            votes = option.get("voter_count", 0)
            lines.append(T.POLL_OPTION_RESULT.format(mark=mark, text=text, votes=votes))
        else:
            lines.append(T.POLL_OPTION.format(mark="○", text=text))
    if results:
        lines.append(T.POLL_VOTERS.format(count=poll.get("total_voter_count", 0)))
    return lines


def body_lines(message: JSON, *, results: bool = False) -> list[str]:
    """What a message shows, as lines of plain text."""
    lines: list[str] = []
    if "photo" in message:
        lines.append(T.PHOTO)
    for kind, label in (("voice", T.VOICE), ("audio", T.AUDIO), ("video_note", T.VIDEO_NOTE)):
        if kind in message:
            lines.append(label.format(duration=duration(message[kind].get("duration"))))
    if "document" in message:
        doc = message["document"]
        name = doc.get("file_name") or "文件"
        lines.append(T.DOCUMENT.format(name=name, size=size_text(doc.get("file_size", 0))))
    if "poll" in message:
        lines.extend(poll_lines(message["poll"], results=results))
    text = message.get("text") or message.get("caption")
    if text:
        lines.extend(text.split("\n"))
    if not lines:
        lines.append(T.OTHER_MESSAGE)
    for row in buttons_of(message):
        lines.append(" ".join(f"[{b['text']}]" for b in row))
    return lines


def snippet(message: JSON, limit: int = 18) -> str:
    first = body_lines(message)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _signature(message: JSON) -> str:
    """What, if it changes, is worth showing again: the text and buttons, a poll's closing."""
    return json.dumps(
        [
            message.get("text") or message.get("caption"),
            message.get("reply_markup"),
            message.get("poll", {}).get("is_closed"),
        ],
        ensure_ascii=False,
        sort_keys=True,
    )


class Recorder:
    """Follows the double's chats as the script plays, prints them, keeps the transcript."""

    def __init__(
        self,
        fake: FakeBotApi,
        tz: ZoneInfo,
        names: dict[int, str],
        *,
        out: TextIO | None = None,
    ) -> None:
        self.fake = fake
        self.tz = tz
        self.names = names  # user id -> name as shown
        self.out = out
        self.chats: dict[int, Chat] = {}
        self.entries: list[Entry] = []
        self.scenes: list[Scene] = []
        self.total_scenes = 0
        self._seen = 0  # how much of the double's history has been taken
        self._calls_seen = 0  # and of the bot's calls to it
        self._by_message: dict[tuple[int, int], Entry] = {}
        self._signatures: dict[tuple[int, int], str] = {}
        self._texts: dict[tuple[int, int], str | None] = {}  # as last printed
        self._shown_chat: int | None = None
        self._shown_day: date | None = None

    # --- following the double --------------------------------------------------------------

    def scene(self, title: str, narration: str, when: datetime) -> None:
        """A new scene begins (its title and what happens in it)."""
        self.catch_up()
        local = when.astimezone(self.tz)
        scene = Scene(len(self.scenes) + 1, title, narration, local.date(), len(self.entries))
        self.scenes.append(scene)
        self._shown_chat = None
        self._shown_day = local.date()
        total = max(self.total_scenes, scene.number)
        head = T.SCENE.format(
            number=scene.number, total=total, title=title, day=day_text(local.date())
        )
        self._print("", head, *[f"  {line}" for line in narration.split("\n")])

    def catch_up(self) -> None:
        """Take in what changed in the chats since the last call, and print it."""
        for key in self._edited_since():
            entry = self._by_message.get(key)
            now = self.fake.message_by_id(*key)
            if entry is None or now is None or _signature(now) == self._signatures[key]:
                continue
            self._signatures[key] = _signature(now)
            text = now.get("text") or now.get("caption")
            if "poll" in now:
                # A poll stays where it was sent, with its votes; its closing is news.
                closed = now["poll"].get("is_closed") and not entry.message["poll"].get("is_closed")
                entry.message = now
                if closed:
                    self._print_closed(entry)
            elif text != self._texts[key]:
                self._texts[key] = text
                self._add_edit(entry, now)
            else:
                self._print_buttons(entry, now)
        for message in self.fake.history(self._seen):
            self._seen = message["_seq"] + 1
            self._add_message(message)

    def _edited_since(self) -> list[tuple[int, int]]:
        """The messages the bot edited (or whose poll it stopped) since the last look."""
        calls = self.fake.calls
        keys: list[tuple[int, int]] = []
        while self._calls_seen < len(calls):
            call = calls[self._calls_seen]
            if call.status == 0 and call.method in EDITS:
                break  # still being answered: look again next time
            self._calls_seen += 1
            if call.status == 200 and call.method in EDITS:
                key = (int(call.params["chat_id"]), int(call.params["message_id"]))
                if key not in keys:
                    keys.append(key)
        return keys

    def tap(self, user_id: int, chat_id: int, label: str, when: datetime) -> None:
        """Someone taps a button (reported by the script before the bot answers)."""
        self.catch_up()
        entry = Entry(
            seq=len(self.entries),
            kind="tap",
            chat_id=chat_id,
            at=when.astimezone(self.tz),
            user_id=user_id,
            scene=len(self.scenes),
            label=label,
        )
        self._chat(chat_id)
        self.entries.append(entry)
        self._print_entry(entry)

    def finish(self) -> None:
        """Catch up, and give every poll its final votes."""
        self.catch_up()
        for entry in self.entries:
            if entry.kind == "message" and "poll" in entry.message:
                final = self.fake.message_by_id(entry.chat_id, entry.message["message_id"])
                if final is not None:
                    entry.message = final

    # --- what the chats are --------------------------------------------------------------

    def name(self, user_id: int) -> str:
        if user_id == self.fake.bot_id:
            return f"{self.fake.bot_user['first_name']} {T.BOT_MARK}"
        return self.names.get(user_id) or self.fake.user(user_id)["first_name"]

    def _chat(self, chat_id: int, title: str | None = None) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                name = self.names.get(chat_id) or self.fake.user(chat_id)["first_name"]
                title = T.PRIVATE_CHAT.format(name=name)
                chat = Chat(chat_id, title, private=True, user_id=chat_id)
            else:
                chat = Chat(chat_id, title or str(chat_id), private=False)
            self.chats[chat_id] = chat
        return chat

    def _add_message(self, message: JSON) -> None:
        chat_id = message["chat"]["id"]
        sender = message.get("from", {}).get("id", 0)
        entry = Entry(
            seq=len(self.entries),
            kind="message",
            chat_id=chat_id,
            at=datetime.fromtimestamp(message["date"], self.tz),
            user_id=sender,
            scene=len(self.scenes),
            message={k: v for k, v in message.items() if k != "_seq"},
        )
        self._chat(chat_id, message["chat"].get("title"))
        self.entries.append(entry)
        key = (chat_id, message["message_id"])
        self._by_message[key] = entry
        self._signatures[key] = _signature(message)
        self._texts[key] = message.get("text") or message.get("caption")
        self._print_entry(entry)

    # --- the terminal ----------------------------------------------------------------------

    def _print(self, *lines: str) -> None:
        if self.out is not None:
            for line in lines:
                self.out.write(line + "\n")
            self.out.flush()

    def _chat_header(self, chat_id: int, at: datetime) -> None:
        if self._shown_day != at.date():
            self._print(T.DAY.format(day=day_text(at.date())))
            self._shown_day = at.date()
            self._shown_chat = None
        if self._shown_chat != chat_id:
            chat = self._chat(chat_id)
            title = chat.title if chat.private else T.GROUP_CHAT.format(title=chat.title)
            self._print(f" 【{title}】")
            self._shown_chat = chat_id

    def _print_entry(self, entry: Entry) -> None:
        self._chat_header(entry.chat_id, entry.at)
        time = clock(entry.at)
        if entry.kind == "tap":
            self._print(
                f"  {time} " + T.TAPPED.format(who=self.name(entry.user_id), label=entry.label)
            )
            return
        message = entry.message
        if entry.kind == "edit":
            lines = [T.EDITED.format(time=entry.label), *body_lines(message)]
            self._print_lines(time, self.name(entry.user_id), lines)
            return
        if "new_chat_members" in message:
            joined = "、".join(self.name(u["id"]) for u in message["new_chat_members"])
            self._print(f"  {time} " + T.JOINED.format(who=joined))
            return
        lines = body_lines(message)
        reply = message.get("reply_to_message")
        if reply is not None and not self._chat(entry.chat_id).private:
            who = self.name(reply.get("from", {}).get("id", 0))
            lines.insert(0, T.REPLYING_TO.format(who=who, quote=snippet(reply)))
        self._print_lines(time, self.name(entry.user_id), lines)

    def _add_edit(self, original: Entry, now: JSON) -> None:
        edit = Entry(
            seq=len(self.entries),
            kind="edit",
            chat_id=original.chat_id,
            at=datetime.fromtimestamp(now.get("edit_date") or now["date"], self.tz),
            user_id=original.user_id,
            scene=len(self.scenes),
            message=now,
            label=clock(original.at),
        )
        self.entries.append(edit)
        self._print_entry(edit)

    def _print_closed(self, entry: Entry) -> None:
        # Telegram stamps no time on closing a poll: it is now.
        now = datetime.fromtimestamp(self.fake.wall_clock(), self.tz)
        self._chat_header(entry.chat_id, now)
        lines = [T.POLL_CLOSED, *body_lines(entry.message, results=True)]
        self._print_lines(clock(now), self.name(entry.user_id), lines)

    def _print_buttons(self, entry: Entry, now: JSON) -> None:
        when = datetime.fromtimestamp(now.get("edit_date") or now["date"], self.tz)
        self._chat_header(entry.chat_id, when)
        keyboard = [" ".join(f"[{b['text']}]" for b in row) for row in buttons_of(now)]
        if keyboard:
            lines = [T.EDITED_BUTTONS.format(time=clock(entry.at)), *keyboard]
        else:
            lines = [T.BUTTONS_GONE.format(time=clock(entry.at))]
        self._print_lines(clock(when), self.name(entry.user_id), lines)

    def _print_lines(self, time: str, who: str, lines: list[str]) -> None:
        first, *rest = lines
        self._print(f"  {time} {who}：{first}", *[f"{' ' * 8}{line}" for line in rest])
