"""Telegram's ``parse_mode="HTML"`` parser, as strict as the real one and a little stricter.

The fake Bot API server (:mod:`bot.demo.fake.botapi`) runs every HTML text and caption through
:func:`parse_html`, so a bot that forgets to escape a member's name (``张<伟>``) gets the same
``400 Bad Request: can't parse entities: ...`` in tests that it would get from Telegram.

It follows the rules of Telegram's server (tdlib's ``parse_html``): only the documented tags,
attributes in single or double quotes, only the entities ``&lt; &gt; &amp; &quot;`` and numeric
references, end tags must match the innermost open tag. A bare ``>`` is tolerated as Telegram
does. It is stricter than Telegram in one place on purpose: a ``&`` that does not start one of
those entities is refused (Telegram would print it literally), because a bot that sends it has
forgotten to escape user input, and the next user will type ``<``.

Offsets of the returned entities are in UTF-16 code units, as in the Bot API. This module does
no I/O and knows nothing about HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["EntityParseError", "parse_html", "utf16_len"]


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is what follows "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of MessageEntity offsets."""
    return len(text.encode("utf-16-le")) // 2


# Tag name -> MessageEntity type. span and a, code, pre, blockquote and tg-emoji get attributes.
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_SUPPORTED_TAGS = frozenset(_SIMPLE_TAGS) | {"span", "a", "code", "pre", "blockquote", "tg-emoji"}

# The only entities Telegram decodes; anything else after "&" is refused here (see module doc).
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_URL_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "mailto", "ftp"})


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output where the tag's content starts
    byte_offset: int  # of "<" in the input, for error messages
    text_start: int  # index into the output pieces, to recover the inner text for <a>
    language: str | None = None  # for <pre>, set by a nested <code class="language-x">


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(match: re.Match[str], text: str, start: int) -> str:
    named, dec, hexa = match.groups()
    if named is not None:
        return _NAMED[named]
    code = int(dec, 10) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(
            f"Invalid character reference {match.group(0)!r} at byte offset "
            f"{_byte_offset(text, start)}"
        )
    return chr(code)


def _decode_attribute(value: str) -> str:
    """Attribute values are decoded leniently, as Telegram does: URLs often carry a raw ``&``."""

    def repl(match: re.Match[str]) -> str:
        try:
            return _decode_entity(match, value, match.start())
        except EntityParseError:
            return match.group(0)

    return _ENTITY_RE.sub(repl, value)


def _normalize_url(url: str) -> str | None:
    """The URL Telegram would store for an ``<a href>``, or None if it would drop the link."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    match = _URL_SCHEME_RE.match(url)
    if match is None:
        # Telegram accepts "example.com/x" and stores it with an http:// prefix.
        return "http://" + url if "." in url.split("/")[0] else None
    if match.group(1).lower() not in _ALLOWED_LINK_SCHEMES:
        return None
    return url


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into plain text and MessageEntity dicts (UTF-16 offsets).

    Raises :class:`EntityParseError` with Telegram's wording when Telegram would refuse it.
    """
    out: list[str] = []
    pos16 = 0  # UTF-16 length of everything in ``out``
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)

    def emit(chunk: str) -> None:
        nonlocal pos16
        out.append(chunk)
        pos16 += utf16_len(chunk)

    while i < n:
        ch = text[i]
        if ch == "&":
            match = _ENTITY_RE.match(text, i)
            if match is None:
                raise EntityParseError(
                    f"Character '&' at byte offset {_byte_offset(text, i)} does not start an "
                    "HTML entity; escape it as &amp;"
                )
            emit(_decode_entity(match, text, i))
            i = match.end()
            continue
        if ch != "<":
            # Copy a run of plain characters at once; ">" alone is fine, as in Telegram.
            j = i + 1
            while j < n and text[j] not in "<&":
                j += 1
            emit(text[i:j])
            i = j
            continue

        begin = i
        if i + 1 < n and text[i + 1] == "/":
            end = text.find(">", i + 2)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(
                    f'Unexpected end tag "</{name}>" at byte offset {_byte_offset(text, i)}'
                )
            top = stack.pop()
            if top.tag != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{top.tag}>", found "</{name}>"'
                )
            _close(top, stack, entities, pos16, "".join(out[top.text_start :]))
            i = end + 1
            continue

        # A start tag: its name runs up to whitespace or ">".
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        name = text[i + 1 : j].lower()
        if name not in _SUPPORTED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            if text[j] == ">":
                j += 1
                break
            name_match = _ATTR_NAME_RE.match(text, j)
            if name_match is None:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            attr = name_match.group(0).lower()
            j = name_match.end()
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] != "=":
                # Only <blockquote expandable> has a valueless attribute.
                if name == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {_byte_offset(text, begin)}'
                )
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            if text[j] in "\"'":
                close_at = text.find(text[j], j + 1)
                if close_at < 0:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                raw = text[j + 1 : close_at]
                j = close_at + 1
            else:
                k = j
                while k < n and not text[k].isspace() and text[k] != ">":
                    k += 1
                raw = text[j:k]
                j = k
            attrs[attr] = _decode_attribute(raw)

        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise EntityParseError(
                f"Invalid custom emoji identifier specified at byte offset "
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_Open(name, attrs, pos16, _byte_offset(text, begin), len(out)))
        i = j

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(
    top: _Open,
    stack: list[_Open],
    entities: list[dict[str, Any]],
    pos16: int,
    inner_text: str,
) -> None:
    """Turn a closed tag into its entity (if it produces one)."""
    length = pos16 - top.offset
    parent = stack[-1] if stack else None
    entity: dict[str, Any]
    if top.tag in _SIMPLE_TAGS:
        entity = {"type": _SIMPLE_TAGS[top.tag]}
    elif top.tag == "span":
        entity = {"type": "spoiler"}
    elif top.tag == "a":
        href = top.attrs.get("href")
        url = _normalize_url(href if href else inner_text)
        if url is None:
            return  # Telegram silently drops links it cannot use
        entity = {"type": "text_link", "url": url}
    elif top.tag == "code":
        if parent is not None and parent.tag == "pre":
            # <pre><code class="language-x"> gives the pre its language and no code entity.
            cls = top.attrs.get("class", "")
            if cls.startswith("language-") and len(cls) > len("language-"):
                parent.language = cls[len("language-") :]
            return
        entity = {"type": "code"}
    elif top.tag == "pre":
        entity = {"type": "pre"}
        if top.language:
            entity["language"] = top.language
    elif top.tag == "blockquote":
        expandable = "expandable" in top.attrs
        entity = {"type": "expandable_blockquote" if expandable else "blockquote"}
    else:  # tg-emoji
        entity = {"type": "custom_emoji", "custom_emoji_id": top.attrs["emoji-id"]}
    if length <= 0:
        return  # Telegram drops empty entities
    entity["offset"] = top.offset
    entity["length"] = length
    entities.append(entity)
