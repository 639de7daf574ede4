"""Care rules as plain functions: greeting templates, who is due a greeting, the visit digest.

Shared by the handlers (/greetings preview, /upcoming) and the daily greeting job. Templates are
the admin's text with `{name}`-style placeholders and a little HTML (b, i, u, s); they are
checked before they are stored, so a stored template always renders to markup Telegram accepts.
The settings a branch keeps (times, switches, templates) are read here from its options dict.

Pure: no I/O, no clock, no database, no Telegram.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from bot.core.calendar import (
    FESTIVAL_NAMES,
    Festival,
    LeapRule,
    anniversary_on,
    birthday_on,
    festival_date,
    festivals_on,
    is_medal_anniversary,
    is_round_age,
    is_round_anniversary,
    lunar_label,
    next_anniversary,
    next_birthday,
)
from bot.texts import SafeHtml, fmt
from bot.texts import care as T
from storage.care import birth_of
from storage.dates import BirthDate, Calendar
from storage.models import Member

# --- branch options (keys in Branch.options) ---------------------------------------------

OPT_TIME = "care.greeting_time"
OPT_LEAP = "care.leap_rule"
OPT_OFF = "care.off"
OPT_ON = "care.on"
OPT_TEMPLATES = "care.templates"
OPT_DIGEST_SENT = "care.digest_sent"
OPT_MEDAL_SENT = "care.medal_sent"

DEFAULT_TIME = time(8, 30)
# The "光荣在党50年" list goes to admins a month before the medals are handed out on 1 July.
MEDAL_NOTICE = (6, 1)
DIGEST_DAYS = 14
DIGEST_WEEKDAY = 0  # Monday
MAX_TEMPLATE = 1000
MAX_UPCOMING_DAYS = 366

# Every switch is on unless the admin turned it off, except these: off unless turned on.
DEFAULT_OFF = ("anniversary_group",)
SWITCHES = (
    "birthday",
    "anniversary",
    "anniversary_group",
    *[f.value for f in Festival],
    "digest",
    "medal",
)

PERSONAL_TEMPLATES: dict[str, tuple[str, frozenset[str]]] = {
    "birthday": (T.BIRTHDAY_GROUP, frozenset({"name", "age", "date"})),
    "birthday_round": (T.BIRTHDAY_ROUND_GROUP, frozenset({"name", "age", "date"})),
    "birthday_private": (T.BIRTHDAY_PRIVATE, frozenset({"name", "age", "date"})),
    "anniversary": (T.ANNIVERSARY_PRIVATE, frozenset({"name", "years", "joined"})),
    "anniversary_group": (T.ANNIVERSARY_GROUP, frozenset({"name", "years", "joined"})),
    "anniversary_50": (T.ANNIVERSARY_50, frozenset({"name", "years", "joined"})),
}
FESTIVAL_PLACEHOLDERS = frozenset({"festival", "date"})
TEMPLATES: tuple[str, ...] = (*PERSONAL_TEMPLATES, *[f.value for f in Festival])


def _festival(key: str) -> Festival | None:
    try:
        return Festival(key)
    except ValueError:
        return None


def label(key: str) -> str:
    """The Chinese name of a template or switch, as admins type it."""
    festival = _festival(key)
    if festival is not None:
        return FESTIVAL_NAMES[festival]
    return T.TEMPLATE_LABELS.get(key) or T.SWITCH_LABELS.get(key) or key


def _aliases(key: str) -> set[str]:
    names = {key, label(key)}
    if key == Festival.PARTY_DAY:
        names |= {"七一", "建党节"}
    if key == Festival.NATIONAL_DAY:
        names.add("国庆")
    if key == Festival.DOUBLE_NINTH:
        names.add("重阳")
    if key == Festival.MID_AUTUMN:
        names.add("中秋")
    if key == Festival.DRAGON_BOAT:
        names.add("端午")
    if key == Festival.LANTERN:
        names.add("元宵")
    return {n.casefold() for n in names}


def find(name: str, keys: Iterable[str]) -> str | None:
    """The template or switch key an admin meant by `name` (Chinese name or key)."""
    wanted = name.strip().casefold()
    return next((k for k in keys if wanted in _aliases(k)), None)


def default_template(key: str) -> str:
    if key in PERSONAL_TEMPLATES:
        return PERSONAL_TEMPLATES[key][0]
    return T.FESTIVALS[key]


def placeholders(key: str) -> frozenset[str]:
    if key in PERSONAL_TEMPLATES:
        return PERSONAL_TEMPLATES[key][1]
    return FESTIVAL_PLACEHOLDERS


@dataclass(frozen=True)
class CareSettings:
    """What a branch chose for its greetings (read from Branch.options)."""

    greeting_time: time
    leap_rule: LeapRule
    switched_off: frozenset[str]
    templates: Mapping[str, str]

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> CareSettings:
        raw_time = options.get(OPT_TIME)
        greeting_time = parse_time(raw_time) if isinstance(raw_time, str) else None
        try:
            leap_rule = LeapRule(options.get(OPT_LEAP, LeapRule.ORDINARY.value))
        except ValueError:
            leap_rule = LeapRule.ORDINARY
        off_list = options.get(OPT_OFF, [])
        on_list = options.get(OPT_ON, [])
        off = {k for k in off_list if k in SWITCHES} if isinstance(off_list, list) else set()
        on = set(on_list) if isinstance(on_list, list) else set()
        off |= {k for k in DEFAULT_OFF if k not in on}
        templates = options.get(OPT_TEMPLATES, {})
        return cls(
            greeting_time=greeting_time or DEFAULT_TIME,
            leap_rule=leap_rule,
            switched_off=frozenset(off),
            templates=dict(templates) if isinstance(templates, dict) else {},
        )

    def enabled(self, switch: str) -> bool:
        return switch not in self.switched_off

    def template(self, key: str) -> str:
        custom = self.templates.get(key)
        return custom if isinstance(custom, str) else default_template(key)

    def customised(self, key: str) -> bool:
        return isinstance(self.templates.get(key), str)


def switch_options(options: Mapping[str, Any], switch: str, on: bool) -> dict[str, list[str]]:
    """The new values of the on/off option lists after turning `switch` on or off."""
    off = [k for k in options.get(OPT_OFF, []) if k != switch]
    forced_on = [k for k in options.get(OPT_ON, []) if k != switch]
    if switch in DEFAULT_OFF:
        if on:
            forced_on.append(switch)
    elif not on:
        off.append(switch)
    return {OPT_OFF: sorted(off), OPT_ON: sorted(forced_on)}


def parse_time(text: str) -> time | None:
    """'08:30', '8:30', '8点30', '8点' → a time of day; None if not one."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:：点]\s*(\d{1,2})?\s*分?)?\s*", text)
    if m is None or (m[2] is None and not re.search(r"[点]", text)):
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# --- templates -------------------------------------------------------------------------------


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
    """The template, tidied, if it can be stored for `key`; else TemplateError saying why."""
    text = text.strip()
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
        if spec or conversion or not field.isidentifier():
            raise TemplateError(T.TEMPLATE_BAD_PLACEHOLDER)
        if field not in allowed:
            raise TemplateError(
                fmt(
                    T.TEMPLATE_UNKNOWN_PLACEHOLDER,
                    name=field,
                    allowed="、".join("{" + p + "}" for p in sorted(allowed)),
                )
            )
    check_markup(text)
    # Rendered with values full of markup characters, it must still be valid markup.
    check_markup(render(text, sample_values(key, name="<&>")))
    return text


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill a checked template; every value is HTML-escaped."""
    return fmt(template, **values)


def sample_values(key: str, *, name: str = T.SAMPLE_NAME) -> dict[str, object]:
    """Example values for a preview."""
    festival = _festival(key)
    if festival is not None:
        return {"festival": FESTIVAL_NAMES[festival], "date": date_label(_sample_day(festival))}
    if key == "birthday_round":
        return {"name": name, "age": 80, "date": "农历九月初九"}
    if key.startswith("birthday"):
        return {"name": name, "age": 76, "date": "3月12日"}
    years = 50 if key == "anniversary_50" else 40
    return {"name": name, "years": years, "joined": f"{1976 if years == 50 else 1986}年7月1日"}


def _sample_day(festival: Festival) -> date:
    return festival_date(festival, 2026)


def date_label(day: date, *, lunar: bool = False) -> str:
    """'10月18日' or, for lunar birthdays and festivals, '农历九月初九'."""
    if lunar or any(f in _LUNAR_FESTIVALS for f in festivals_on(day)):
        return lunar_label(day)
    return f"{day.month}月{day.day}日"


_LUNAR_FESTIVALS = frozenset(
    {
        Festival.SPRING,
        Festival.LANTERN,
        Festival.DRAGON_BOAT,
        Festival.MID_AUTUMN,
        Festival.DOUBLE_NINTH,
    }
)


def day_text(day: date) -> str:
    return T.DAY.format(month=day.month, day=day.day, weekday=T.WEEKDAYS[day.weekday()])


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- who is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarePerson:
    """What the greeting rules need to know about one member."""

    member_id: int
    name: str
    user_id: int | None
    birth: BirthDate | None
    joined_party: date | None
    party_member: bool
    public_birthday: bool = True


@dataclass(frozen=True)
class Occasion:
    """A birthday or party anniversary of one person on one day; `number` is age or years."""

    kind: str  # "birthday" | "anniversary"
    person: CarePerson
    day: date
    number: int

    @property
    def special(self) -> bool:
        if self.kind == "birthday":
            return is_round_age(self.number)
        return is_round_anniversary(self.number) or is_medal_anniversary(self.number)


def person_of(member: Member) -> CarePerson:
    assert member.id is not None
    return CarePerson(
        member_id=member.id,
        name=member.name,
        user_id=member.user_id,
        birth=birth_of(member),
        joined_party=member.joined_party,
        party_member=member.party_member,
        public_birthday=member.public_birthday,
    )


def occasions_on(people: Iterable[CarePerson], day: date, *, leap_rule: LeapRule) -> list[Occasion]:
    """Every birthday and party anniversary falling on `day`, birthdays first."""
    births: list[Occasion] = []
    anniversaries: list[Occasion] = []
    for p in people:
        if p.birth is not None:
            age = birthday_on(p.birth, day, leap_rule=leap_rule)
            if age is not None:
                births.append(Occasion("birthday", p, day, age))
        if p.party_member and p.joined_party is not None:
            years = anniversary_on(p.joined_party, day)
            if years is not None:
                anniversaries.append(Occasion("anniversary", p, day, years))
    return births + anniversaries


def upcoming(
    people: Iterable[CarePerson], start: date, days: int, *, leap_rule: LeapRule
) -> list[Occasion]:
    """Birthdays and party anniversaries from `start` for `days` days, in date order."""
    end = start + timedelta(days=days)
    found: list[Occasion] = []
    for p in people:
        if p.birth is not None:
            day = start
            while True:
                when, age = next_birthday(p.birth, day, leap_rule=leap_rule)
                if when >= end:
                    break
                found.append(Occasion("birthday", p, when, age))
                day = when + timedelta(days=1)
        if p.party_member and p.joined_party is not None:
            day = start
            while True:
                when, years = next_anniversary(p.joined_party, day)
                if when >= end:
                    break
                found.append(Occasion("anniversary", p, when, years))
                day = when + timedelta(days=1)
    found.sort(key=lambda o: (o.day, o.kind != "birthday", o.person.name))
    return found


def medal_list(people: Iterable[CarePerson], year: int) -> list[CarePerson]:
    """Party members who reach 50 years in the party by 1 July of `year` (and not by last year's)."""
    latest = date(year - 50, 7, 1)
    earliest = date(year - 51, 7, 1)
    return sorted(
        (
            p
            for p in people
            if p.party_member and p.joined_party is not None and earliest < p.joined_party <= latest
        ),
        key=lambda p: (p.joined_party or date.min, p.name),
    )


def digest_lines(occasions: Iterable[Occasion]) -> list[str]:
    """One HTML line per occasion, for the weekly digest and /upcoming."""
    lines = []
    for o in occasions:
        private = "" if o.person.public_birthday else T.DIGEST_PRIVATE_MARK
        if o.kind == "birthday":
            lunar = o.person.birth is not None and o.person.birth.calendar is Calendar.LUNAR
            lines.append(
                fmt(
                    T.DIGEST_BIRTHDAY,
                    day=day_text(o.day),
                    name=o.person.name,
                    age=o.number,
                    lunar=SafeHtml(fmt(T.DIGEST_LUNAR, label=lunar_label(o.day)) if lunar else ""),
                    round=SafeHtml(T.DIGEST_ROUND if is_round_age(o.number) else ""),
                )
                + private
            )
        else:
            lines.append(
                fmt(
                    T.DIGEST_ANNIVERSARY,
                    day=day_text(o.day),
                    name=o.person.name,
                    years=o.number,
                    medal=SafeHtml(T.DIGEST_MEDAL if is_medal_anniversary(o.number) else ""),
                )
            )
    return lines


def digest(
    people: Iterable[CarePerson], start: date, days: int, *, leap_rule: LeapRule, weekly: bool
) -> str:
    """The visit-planning digest for one branch."""
    found = upcoming(people, start, days, leap_rule=leap_rule)
    header = T.DIGEST_WEEKLY_HEADER if weekly else T.DIGEST_HEADER
    text = fmt(
        header,
        days=days,
        start=f"{start.month}月{start.day}日",
        end=_end_label(start + timedelta(days=days - 1)),
    )
    lines = digest_lines(found)
    if not lines:
        return text + T.DIGEST_NONE
    body = "\n".join(lines)
    if any(not o.person.public_birthday for o in found if o.kind == "birthday"):
        body += "\n" + T.DIGEST_PRIVATE_ONLY
    return text + body


def _end_label(day: date) -> str:
    return f"{day.month}月{day.day}日"
