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
    # 转正日期 (None: not known); a 预备党员 (probationary) has none yet.
    confirmed_party: date | None = None
    probationary: bool = False

    @property
    def standing_from(self) -> date | None:
        """The day 党龄 counts from: 转正 when known, else 入党 (an estimate, said so)."""
        if not self.party_member or self.probationary:
            return None
        return self.confirmed_party or self.joined_party

    @property
    def standing_estimated(self) -> bool:
        return self.confirmed_party is None and self.standing_from is not None

    def standing_years(self, day: date) -> int | None:
        """Whole years of 党龄 on `day`."""
        start = self.standing_from
        if start is None:
            return None
        years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
        return years if years >= 0 else None


@dataclass(frozen=True)
class Occasion:
    """A birthday or party anniversary of one person on one day; `number` is age or years."""

    kind: str  # "birthday" | "anniversary"
    person: CarePerson
    day: date
    number: int

    @property
    def medal(self) -> bool:
        """A political birthday in the year 党龄 (from 转正 when known) reaches fifty."""
        if self.kind != "anniversary":
            return False
        years = self.person.standing_years(self.day)
        return years is not None and is_medal_anniversary(years)

    @property
    def special(self) -> bool:
        if self.kind == "birthday":
            return is_round_age(self.number)
        return is_round_anniversary(self.number) or self.medal


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
        confirmed_party=member.confirmed_party,
        probationary=member.probationary,
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
    """Party members whose 党龄 reaches 50 years by 1 July of `year` (and not by last year's):
    counted from 转正 when known, else from 入党 (`standing_estimated`: the list says so)."""
    latest = date(year - 50, 7, 1)
    earliest = date(year - 51, 7, 1)
    return sorted(
        (p for p in people if p.standing_from is not None and earliest < p.standing_from <= latest),
        key=lambda p: (p.standing_from or date.min, p.name),
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
                    medal=SafeHtml(T.DIGEST_MEDAL if o.medal else ""),
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
