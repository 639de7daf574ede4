"""The demo's chat page (`demo.html`): every chat of the month as it looked, in one file that
opens in any browser offline.

The group and each private chat are a column of bubbles with names, avatars, local times and
day separators; the bot's inline buttons sit under its messages; polls show their results;
photos are thumbnails inside the page (data: URIs), documents link to the copies written
beside it (`exports/` for what the bot sent, `files/` for what people sent). A list of chats
and of the month's scenes switches between them with plain links and CSS `:target`: no script,
no fonts, nothing fetched. Below 700 pixels the page is one chat at a time, as on a phone.

Every text is escaped here; the bot's formatting (bold, italic, links) is rebuilt from the
message entities Telegram would have shown, with their UTF-16 offsets.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.core.cn_format import clock, day_text, duration
from bot.demo.transcript import LETTERS, Chat, Entry, Recorder, buttons_of, size_text, snippet
from bot.texts import demo as T

JSON = dict[str, Any]

# Entity type -> (opening tag, closing tag); links are built with their URL.
_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}
_PALETTE = ["#e17076", "#faa774", "#a695e7", "#7bc862", "#6ec9cb", "#65aadd", "#ee7aae"]
# The solid colours of what the page draws (CSS variables of page.css).
COLOURS = {
    "bot": "#3a8ee6",  # the bot's avatar and name
    "button": "#6d8c5a",  # inline buttons
    "right": "#4fae4e",  # a poll's bar of the right answer
    "bar": "#8fb8e6",  # a poll's other bars
}
_BOT_COLOUR = COLOURS["bot"]
CSS = Path(__file__).with_name("page.css")


@dataclass
class Files:
    """The documents of the chats written beside the page, and where each one went."""

    exports: list[Path] = field(default_factory=list)  # what the bot sent (its downloads)
    sent: list[Path] = field(default_factory=list)  # what the people sent
    links: dict[str, str] = field(default_factory=dict)  # file_unique_id -> relative path


def write_files(recorder: Recorder, folder: Path) -> Files:
    """Write every document of the chats: the bot's to exports/, the people's to files/."""
    out = Files()
    taken: set[str] = set()
    for entry in recorder.entries:
        doc = entry.message.get("document")
        if entry.kind != "message" or doc is None or doc["file_unique_id"] in out.links:
            continue
        from_bot = entry.user_id == recorder.fake.bot_id
        if from_bot and not recorder.chats[entry.chat_id].private:
            continue  # the bot's downloads only ever go to private chats
        try:
            content = recorder.fake.upload(doc["file_id"])
        except (KeyError, ValueError):
            continue
        sub = "exports" if from_bot else "files"
        name = _free_name(doc.get("file_name") or "file", sub, taken)
        path = folder / sub / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        (out.exports if from_bot else out.sent).append(path)
        # A file sent again (a material pushed to the group) keeps its unique id: one copy.
        out.links[doc["file_unique_id"]] = f"{sub}/{name}"
    return out


def _free_name(name: str, sub: str, taken: set[str]) -> str:
    """`name`, or `name (2)` … if that one is written already."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while f"{sub}/{candidate}" in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    taken.add(f"{sub}/{candidate}")
    return candidate


# --- the page --------------------------------------------------------------------------------


def render(recorder: Recorder, files: Files) -> str:
    """The whole page."""
    chats = _ordered_chats(recorder)
    first_of_scene = _scene_anchors(recorder)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(T.PAGE_TITLE)}</title>",
        f"<style>{_root()}{CSS.read_text(encoding='utf-8')}</style></head><body>",
        f'<header class="banner"><b>{_e(T.PAGE_BANNER)}</b>'
        f'<span class="en">{_e(T.PAGE_BANNER_EN)}</span></header>',
        '<div class="layout"><nav class="side" id="chats">',
        f'<h2>{_e(T.PAGE_CHATS)}</h2><ul class="chats">',
    ]
    for chat in chats:
        count = sum(1 for e in recorder.entries if e.chat_id == chat.id and e.kind == "message")
        parts.append(
            f'<li><a href="#{_chat_id(chat)}">{_avatar(recorder, chat.user_id or 0, chat)}'
            f'<span class="who"><b>{_e(_short_title(recorder, chat))}</b>'
            f"<small>{_e(T.PAGE_MESSAGES.format(count=count))}</small></span></a></li>"
        )
    parts.append(f'</ul><h2>{_e(T.PAGE_SCENES)}</h2><ol class="scenes">')
    for scene in recorder.scenes:
        anchor = first_of_scene.get(scene.number)
        link = f' href="#{anchor}"' if anchor is not None else ""
        parts.append(
            f"<li><a{link}><b>{_e(day_text(scene.day))} {_e(scene.title)}</b></a>"
            f"<p>{_e(scene.narration)}</p></li>"
        )
    parts.append("</ol></nav><main>")
    for chat in chats:
        parts.append(_chat_html(recorder, chat, files))
    parts.append("</main></div></body></html>")
    return "\n".join(parts)


def _ordered_chats(recorder: Recorder) -> list[Chat]:
    """The group first, then private chats in the order they began."""
    chats = list(recorder.chats.values())
    return [c for c in chats if not c.private] + [c for c in chats if c.private]


def _scene_anchors(recorder: Recorder) -> dict[int, str]:
    """Where each scene begins, for the links of the scene list: the day separator if its
    first entry opens a day in its chat, else that entry."""
    anchors: dict[int, str] = {}
    last_day: dict[int, date] = {}
    for entry in recorder.entries:
        opens_day = last_day.get(entry.chat_id) != entry.at.date()
        last_day[entry.chat_id] = entry.at.date()
        if entry.scene not in anchors:
            anchors[entry.scene] = (
                day_anchor(entry.chat_id, entry.at.date()) if opens_day else f"m-{entry.seq}"
            )
    return anchors


def _chat_id(chat: Chat) -> str:
    return "chat-group" if not chat.private else f"chat-{chat.id}"


def _short_title(recorder: Recorder, chat: Chat) -> str:
    """The group's title, or the person a private chat is with."""
    if chat.user_id is None:
        return chat.title
    return recorder.names.get(chat.user_id, chat.title)


def day_anchor(chat_id: int, day: date) -> str:
    """The id of a chat's separator for `day`: the page opened at `#` it starts there."""
    key = "group" if chat_id < 0 else str(chat_id)
    return f"d-{key}-{day:%Y%m%d}"


def _chat_html(recorder: Recorder, chat: Chat, files: Files) -> str:
    kind = T.PAGE_PRIVATE if chat.private else T.PAGE_GROUP
    out = [
        f'<section class="chat{" private" if chat.private else " group"}" id="{_chat_id(chat)}">',
        '<div class="chat-head"><a class="back" href="#chats">‹</a>'
        f"<b>{_e(_short_title(recorder, chat))}</b><small>{_e(kind)}</small>"
        f'<span class="badge">{_e(T.PAGE_SIMULATION_BADGE)}</span></div>',
        '<div class="log">',
        f'<a class="earlier" href="#{_chat_id(chat)}">{_e(T.PAGE_EARLIER)}</a>',
    ]
    day = None
    for entry in recorder.entries:
        if entry.chat_id != chat.id:
            continue
        if entry.at.date() != day:
            day = entry.at.date()
            anchor = day_anchor(chat.id, day)
            out.append(f'<div class="day" id="{anchor}"><span>{_e(day_text(day))}</span></div>')
        if entry.kind == "tap":
            tapper = recorder.name(entry.user_id)
            text = T.TAPPED.format(who=tapper, label=entry.label)
            out.append(f'<div class="service tap" id="m-{entry.seq}">{_e(text)}</div>')
        else:
            out.append(_message_html(recorder, chat, entry, files))
    out.append("</div></section>")
    return "\n".join(out)


def _message_html(recorder: Recorder, chat: Chat, entry: Entry, files: Files) -> str:
    message = entry.message
    if "new_chat_members" in message:
        joined = "、".join(recorder.name(u["id"]) for u in message["new_chat_members"])
        return f'<div class="service" id="m-{entry.seq}">{_e(T.JOINED.format(who=joined))}</div>'
    from_bot = entry.user_id == recorder.fake.bot_id
    mine = chat.private and entry.user_id == chat.user_id
    side = "out" if mine else "in"
    show_name = not chat.private
    inner: list[str] = []
    if show_name:
        colour = _BOT_COLOUR if from_bot else _colour(entry.user_id)
        inner.append(
            f'<div class="name" style="color:{colour}">{_e(recorder.name(entry.user_id))}</div>'
        )
    reply = message.get("reply_to_message")
    if entry.kind == "edit":
        note = T.PAGE_EDIT_OF.format(time=entry.label)
        inner.append(f'<div class="edit-of">{_e(note)}</div>')
    elif reply is not None:
        who = recorder.name(reply.get("from", {}).get("id", 0))
        inner.append(f'<div class="quote"><b>{_e(who)}</b>{_e(snippet(reply, 30))}</div>')
    inner.extend(_media_html(recorder, message, files))
    text = message.get("text") or message.get("caption")
    if text:
        entities = message.get("entities") or message.get("caption_entities") or []
        inner.append(f'<div class="text">{entities_html(text, entities)}</div>')
    edited = f"{_e(T.PAGE_EDITED)} " if entry.kind == "edit" else ""
    inner.append(f'<div class="meta">{edited}{_e(clock(entry.at))}</div>')
    avatar = "" if chat.private else _avatar(recorder, entry.user_id)
    keyboard = _keyboard_html(message)
    kind = " media" if "photo" in message and not text else ""
    return (
        f'<div class="msg {side}" id="m-{entry.seq}">{avatar}'
        f'<div class="stack"><div class="bubble{kind}">{"".join(inner)}</div>{keyboard}</div>'
        "</div>"
    )


def _media_html(recorder: Recorder, message: JSON, files: Files) -> list[str]:
    out: list[str] = []
    if "photo" in message:
        biggest = message["photo"][-1]
        try:
            content = recorder.fake.upload(biggest["file_id"])
        except (KeyError, ValueError):
            content = b""
        mime = _image_type(content)
        if mime:
            data = base64.b64encode(content).decode("ascii")
            out.append(f'<img class="photo" alt="{_e(T.PHOTO)}" src="data:{mime};base64,{data}">')
        else:
            out.append(f'<div class="photo missing">{_e(T.PHOTO)}</div>')
    for kind in ("voice", "audio", "video_note"):
        if kind in message:
            out.append(_voice_html(message[kind]))
    if "document" in message:
        doc = message["document"]
        name = doc.get("file_name") or "文件"
        link = files.links.get(doc["file_unique_id"])
        size = size_text(doc.get("file_size", 0))
        icon = '<span class="doc-icon">📎</span>'
        label = f'<span class="doc-name">{_e(name)}<small>{_e(size)}</small></span>'
        if link:
            out.append(f'<a class="doc" href="{_e(link)}">{icon}{label}</a>')
        else:
            out.append(f'<div class="doc">{icon}{label}</div>')
    if "poll" in message:
        out.append(_poll_html(message["poll"]))
    return out


def _image_type(content: bytes) -> str | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def _voice_html(media: JSON) -> str:
    seed = hashlib.sha256(str(media.get("file_unique_id")).encode()).digest()
    bars = "".join(f'<i style="height:{4 + b % 18}px"></i>' for b in seed[:28])
    length = duration(media.get("duration")) or "0秒"
    return f'<div class="voice"><span class="play">▶</span><span class="wave">{bars}</span>' + (
        f"<small>{_e(length)}</small></div>"
    )


def _poll_html(poll: JSON) -> str:
    closed = poll.get("is_closed", False)
    total = poll.get("total_voter_count", 0)
    correct = set(poll.get("correct_option_ids", []))
    kind = T.POLL_QUIZ if poll.get("type") == "quiz" else T.POLL_REGULAR
    rows = []
    for i, option in enumerate(poll["options"]):
        votes = option.get("voter_count", 0)
        share = round(100 * votes / total) if total else 0
        mark = "✅" if closed and i in correct else ""
        rows.append(
            f'<div class="option{" right" if closed and i in correct else ""}">'
            f'<div class="bar" style="width:{share}%"></div>'
            f'<span class="pct">{share}%</span>'
            f'<span class="opt">{_e(LETTERS[i])}. {_e(option["text"])} {mark}</span>'
            f'<span class="votes">{_e(T.PAGE_VOTES.format(count=votes))}</span></div>'
        )
    footer = (T.PAGE_POLL_CLOSED if closed else T.PAGE_POLL_OPEN).format(count=total)
    return (
        f'<div class="poll"><div class="poll-kind">{_e(kind)}</div>'
        f'<div class="question">{_e(poll["question"])}</div>{"".join(rows)}'
        f'<div class="poll-foot">{_e(footer)}</div></div>'
    )


def _keyboard_html(message: JSON) -> str:
    rows = buttons_of(message)
    if not rows:
        return ""
    out = ['<div class="keyboard">']
    for row in rows:
        cells = []
        for button in row:
            arrow = " ↗" if "url" in button else ""
            cells.append(f'<span class="button">{_e(button["text"])}{arrow}</span>')
        out.append(f'<div class="row">{"".join(cells)}</div>')
    out.append("</div>")
    return "".join(out)


def _avatar(recorder: Recorder, user_id: int, chat: Chat | None = None) -> str:
    if chat is not None and not chat.private:
        letter, colour = chat.title[:1], "#4fae4e"
    elif user_id == recorder.fake.bot_id:
        letter, colour = "银", _BOT_COLOUR
    else:
        name = recorder.names.get(user_id, "?")
        letter, colour = name[:1], _colour(user_id)
    return f'<span class="avatar" style="background:{colour}">{_e(letter)}</span>'


def _colour(user_id: int) -> str:
    return _PALETTE[user_id % len(_PALETTE)]


def _root() -> str:
    """The page's colours as CSS variables."""
    return ":root{" + "".join(f"--{name}:{value};" for name, value in COLOURS.items()) + "}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def entities_html(text: str, entities: list[JSON]) -> str:
    """`text` escaped, with Telegram's formatting entities (UTF-16 offsets) as HTML tags."""
    units = text.encode("utf-16-le")
    length = len(units) // 2
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for entity in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if not (0 <= start < end <= length):
            continue
        kind = entity["type"]
        if kind in ("text_link", "url"):
            url = entity.get("url") or units[start * 2 : end * 2].decode("utf-16-le")
            pair = (f'<a href="{_e(url)}">', "</a>")
        elif kind in _TAGS:
            pair = _TAGS[kind]
        else:
            continue
        opens.setdefault(start, []).append(pair[0])
        closes.setdefault(end, []).insert(0, pair[1])
    out: list[str] = []
    position = 0
    boundaries = sorted({0, length, *opens, *closes})
    for boundary in boundaries:
        if boundary > position:
            chunk = units[position * 2 : boundary * 2].decode("utf-16-le")
            out.append(html.escape(chunk, quote=False))
            position = boundary
        out.extend(closes.get(boundary, []))
        out.extend(opens.get(boundary, []))
    return "".join(out)
