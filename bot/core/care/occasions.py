"""Who is due a greeting: birthdays (solar or lunar) and party anniversaries on a day or in the
coming days, the 光荣在党50年 list, and the visit-planning digest.

Pure: no I/O, no clock, no database, no Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.calendar import (
    LeapRule,
    anniversary_on,
    birthday_on,
    is_medal_anniversary,
    is_round_age,
    is_round_anniversary,
    lunar_label,
    next_anniversary,
    next_birthday,
)
from bot.core.cn_format import date_range, day_text
from bot.texts import SafeHtml, fmt
from bot.texts import care as T
from storage.care import birth_of
from storage.dates import BirthDate, Calendar
from storage.models import Member


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
        range=date_range(start, start + timedelta(days=days - 1)),
    )
    lines = digest_lines(found)
    if not lines:
        return text + T.DIGEST_NONE
    body = "\n".join(lines)
    if any(not o.person.public_birthday for o in found if o.kind == "birthday"):
        body += "\n" + T.DIGEST_PRIVATE_ONLY
    return text + body
