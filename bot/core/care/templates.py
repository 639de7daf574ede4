"""Greeting templates: the defaults, which placeholders each kind takes, checking an admin's
text before it is stored (so a stored template always renders to markup Telegram accepts), and
filling one in.

Templates are the admin's text with placeholders and a little HTML (b, i, u, s). Admins write
the placeholders in Chinese ({姓名} {年龄} {节日} …, full-width braces too) or in the older
English form ({name} {age} {festival} …); `check_template` stores them in the English form, so
a stored template renders the same whichever way it was typed, and `shown` writes a stored
template back with the Chinese names for admins to read.
Pure: no I/O, no clock, no database, no Telegram.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date

from bot.core.calendar import (
    FESTIVAL_NAMES,
    Festival,
    festival_date,
)
from bot.core.cn_format import date_label
from bot.texts import care as T
from bot.texts import fmt

MAX_TEMPLATE = 1000


PERSONAL_TEMPLATES: dict[str, tuple[str, frozenset[str]]] = {
    # The group's greeting takes no {age}: ages are said only privately.
    "birthday": (T.BIRTHDAY_GROUP, frozenset({"name", "date"})),
    "birthday_round": (T.BIRTHDAY_ROUND_GROUP, frozenset({"name", "age", "date"})),
    "birthday_private": (T.BIRTHDAY_PRIVATE, frozenset({"name", "age", "date"})),
    "anniversary": (T.ANNIVERSARY_PRIVATE, frozenset({"name", "years", "joined"})),
    "anniversary_group": (T.ANNIVERSARY_GROUP, frozenset({"name", "years", "joined"})),
    "anniversary_50": (T.ANNIVERSARY_50, frozenset({"name", "years", "joined"})),
}


FESTIVAL_PLACEHOLDERS = frozenset({"festival", "date"})


TEMPLATES: tuple[str, ...] = (*PERSONAL_TEMPLATES, *[f.value for f in Festival])


def default_template(key: str) -> str:
    if key in PERSONAL_TEMPLATES:
        return PERSONAL_TEMPLATES[key][0]
    return T.FESTIVALS[key]


def placeholders(key: str) -> frozenset[str]:
    if key in PERSONAL_TEMPLATES:
        return PERSONAL_TEMPLATES[key][1]
    return FESTIVAL_PLACEHOLDERS


# The Chinese name of each placeholder (shown to admins), and the other words also accepted.
CHINESE_NAMES: dict[str, str] = {
    "name": "姓名",
    "age": "年龄",
    "date": "日期",
    "years": "入党年数",
    "joined": "入党日期",
    "festival": "节日",
}
_ALSO_ACCEPTED: dict[str, str] = {
    "名字": "name",
    "岁数": "age",
    "周岁": "age",
    "党龄": "years",
    "入党周年": "years",
    "节日名称": "festival",
    "生日": "date",
}
FROM_CHINESE: dict[str, str] = {cn: key for key, cn in CHINESE_NAMES.items()} | _ALSO_ACCEPTED
_FULL_WIDTH_BRACES = str.maketrans({"｛": "{", "｝": "}"})


def _renamed(text: str, names: Mapping[str, str]) -> str:
    """`text` with each placeholder renamed by `names` (others kept as written); unchanged if
    its braces do not parse (then `check_template` says what is wrong)."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return text
    out = []
    for literal, field, spec, conversion in fields:
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        name = names.get(field.strip(), field.strip())
        tail = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        out.append("{" + name + tail + "}")
    return "".join(out)


def from_chinese(text: str) -> str:
    """An admin's text with Chinese placeholders ({姓名}, ｛年龄｝) in the stored English form."""
    return _renamed(text.translate(_FULL_WIDTH_BRACES), FROM_CHINESE)


def shown(template: str) -> str:
    """A stored template as admins read and write it: placeholders with their Chinese names."""
    return _renamed(template, CHINESE_NAMES)


def placeholder_names(key: str) -> str:
    """The placeholders `key` takes, as admins write them: "{姓名}、{年龄}、{日期}"."""
    order = list(CHINESE_NAMES)
    allowed = sorted(placeholders(key), key=order.index)
    return "、".join("{" + CHINESE_NAMES[p] + "}" for p in allowed)


class TemplateError(ValueError):
    """A template that cannot be used; `html` is the Chinese reason, ready for HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(html)
        self.html = html


_TAG_RE = re.compile(r"<(/?)([^<>]*)>")


_ALLOWED_TAGS = frozenset({"b", "i", "u", "s", "strong", "em", "ins", "del", "strike"})


_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def check_markup(text: str) -> None:
    """Raise TemplateError unless `text` is HTML Telegram accepts: simple tags, paired."""
    stack: list[str] = []
    pos = 0
    for m in _TAG_RE.finditer(text):
        _check_text(text[pos : m.start()])
        pos = m.end()
        closing, name = m[1] == "/", m[2].strip().lower()
        if name not in _ALLOWED_TAGS:
            raise TemplateError(fmt(T.TEMPLATE_BAD_TAG, tag=m[0]))
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise TemplateError(fmt(T.TEMPLATE_UNCLOSED, tag=stack[-1] if stack else name))
        else:
            stack.pop()
    _check_text(text[pos:])
    if stack:
        raise TemplateError(fmt(T.TEMPLATE_UNCLOSED, tag=stack[-1]))


def _check_text(chunk: str) -> None:
    if "<" in chunk or ">" in chunk:
        bad = "<" if "<" in chunk else ">"
        raise TemplateError(fmt(T.TEMPLATE_BAD_TAG, tag=bad))
    for i, ch in enumerate(chunk):
        if ch == "&" and not _ENTITY_RE.match(chunk, i):
            raise TemplateError(T.TEMPLATE_BAD_AMP)


def check_template(key: str, text: str) -> str:
    """The template, tidied and with its placeholders in the stored (English) form, if it can
    be stored for `key`; else TemplateError saying why (naming a placeholder as it was typed)."""
    text = text.strip().translate(_FULL_WIDTH_BRACES)
    if not text:
        raise TemplateError(T.TEMPLATE_EMPTY)
    if len(text) > MAX_TEMPLATE:
        raise TemplateError(fmt(T.TEMPLATE_TOO_LONG, length=len(text), limit=MAX_TEMPLATE))
    allowed = placeholders(key)
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        raise TemplateError(T.TEMPLATE_BAD_PLACEHOLDER) from None
    for _literal, field, spec, conversion in fields:
        if field is None:
            continue
        name = FROM_CHINESE.get(field.strip(), field.strip())
        if spec or conversion or not name.isidentifier():
            raise TemplateError(T.TEMPLATE_BAD_PLACEHOLDER)
        if name not in allowed:
            raise TemplateError(
                fmt(
                    T.TEMPLATE_UNKNOWN_PLACEHOLDER,
                    name=field.strip(),
                    allowed=placeholder_names(key),
                )
            )
    text = from_chinese(text)
    check_markup(text)
    # Rendered with values full of markup characters, it must still be valid markup.
    check_markup(render(text, sample_values(key, name="<&>")))
    return text


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill a checked template; every value is HTML-escaped."""
    return fmt(template, **values)


def sample_values(key: str, *, name: str = T.SAMPLE_NAME) -> dict[str, object]:
    """Example values for a preview."""
    festival = festival_of(key)
    if festival is not None:
        return {"festival": FESTIVAL_NAMES[festival], "date": date_label(_sample_day(festival))}
    if key == "birthday_round":
        return {"name": name, "age": 80, "date": "农历九月初九"}
    if key == "birthday":
        return {"name": name, "date": "3月12日"}
    if key.startswith("birthday"):
        return {"name": name, "age": 76, "date": "3月12日"}
    years = 50 if key == "anniversary_50" else 40
    return {"name": name, "years": years, "joined": f"{1976 if years == 50 else 1986}年7月1日"}


def festival_of(key: str) -> Festival | None:
    """The festival a template or switch key names, if it names one."""
    try:
        return Festival(key)
    except ValueError:
        return None


def _sample_day(festival: Festival) -> date:
    return festival_date(festival, 2026)
