"""The rules of an activity's life, no I/O: when sign-up closes, when members are reminded, when
check-in is open, what the group's card says, and how the count on it is kept from editing the
card too often.

Decisions (times in the branch's time zone):
- Sign-up is open until the deadline; check-in (我到了) opens an hour before the meeting time
  (or the start, without one) and closes at the end of the activity's day, at least three hours
  after it starts. Once check-in opens, sign-up is closed whatever the deadline said.
- Those who have not answered get one private note at 10:00 the day before the deadline, or on
  its day if that is too soon; never within 12 hours of the card going out, nor within two hours
  of the deadline (then not at all). It may still go out until the deadline.
- Those who are going get one reminder the day before at 18:00 (not if the activity was made
  after that; a bot that was down catches up for four hours) and one two hours before the
  meeting time (or the start), never before 06:30, caught up until the meeting.
- The card is edited at once after a quiet spell, otherwise at most once per `QUIET`: a busy
  morning of taps makes a few edits, not one per tap (a group takes about 20 a minute).

Pure: no I/O, no clock (callers pass `now`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.cn_format import clock, moment
from bot.texts import SafeHtml, fmt
from bot.texts import activities as T
from storage.activities import Tally

QUIET = timedelta(seconds=30)
DAY_BEFORE_AT = time(18, 0)
DAY_BEFORE_CATCH_UP = timedelta(hours=4)
SOON = timedelta(hours=2)
EARLIEST = time(6, 30)  # no reminder earlier in the morning than this
NUDGE_AT = time(10, 0)
NUDGE_AFTER_CARD = timedelta(hours=12)
NUDGE_BEFORE_DEADLINE = timedelta(hours=2)
CHECKIN_BEFORE = timedelta(hours=1)
CHECKIN_AT_LEAST = timedelta(hours=3)
# The secretary may take (or correct) attendance until this long after the activity.
ATTENDANCE_FOR = timedelta(days=30)
# How long the card's list of names may grow before the rest are only counted.
NAMES_BUDGET = 1500


class Phase(StrEnum):
    """What the card shows and which buttons it has."""

    OPEN = "open"  # sign-up: 我参加 / 带家属参加 / 不参加
    CLOSED = "closed"  # sign-up over, not yet the day: no buttons
    CHECKIN = "checkin"  # the day: 我到了
    OVER = "over"  # the record: no buttons
    CANCELLED = "cancelled"


class Reminder(StrEnum):
    NUDGE = "nudge"  # to those who have not answered, before the deadline
    DAY_BEFORE = "day"
    SOON = "soon"  # two hours before


def at_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


@dataclass(frozen=True)
class Plan:
    """The times that shape an activity (aware datetimes)."""

    starts_at: datetime
    deadline: datetime
    created_at: datetime
    meet_at: datetime | None = None
    cancelled: bool = False

    @property
    def first_at(self) -> datetime:
        """When members have to be there: the meeting time, else the start."""
        return min(self.meet_at, self.starts_at) if self.meet_at else self.starts_at

    def checkin_opens(self) -> datetime:
        return self.first_at - CHECKIN_BEFORE

    def checkin_closes(self, tz: ZoneInfo) -> datetime:
        day = self.starts_at.astimezone(tz).date() + timedelta(days=1)
        return max(at_local(day, time(0, 0), tz), self.starts_at + CHECKIN_AT_LEAST)

    def phase(self, now: datetime, tz: ZoneInfo) -> Phase:
        if self.cancelled:
            return Phase.CANCELLED
        if now >= self.checkin_closes(tz):
            return Phase.OVER
        if now >= self.checkin_opens():
            return Phase.CHECKIN
        if now >= self.deadline:
            return Phase.CLOSED
        return Phase.OPEN

    def day_before(self, tz: ZoneInfo) -> datetime | None:
        day = self.starts_at.astimezone(tz).date() - timedelta(days=1)
        when = at_local(day, DAY_BEFORE_AT, tz)
        return when if self.created_at < when < self.soon(tz) else None

    def soon(self, tz: ZoneInfo) -> datetime:
        local = self.first_at.astimezone(tz)
        return max(self.first_at - SOON, at_local(local.date(), EARLIEST, tz))

    def nudge(self, tz: ZoneInfo) -> datetime | None:
        deadline_day = self.deadline.astimezone(tz).date()
        for day in (deadline_day - timedelta(days=1), deadline_day):
            when = at_local(day, NUDGE_AT, tz)
            if (
                self.created_at + NUDGE_AFTER_CARD <= when
                and when <= self.deadline - NUDGE_BEFORE_DEADLINE
            ):
                return when
        return None

    def due(self, now: datetime, tz: ZoneInfo) -> list[Reminder]:
        """The reminders whose time has come and not gone at `now`."""
        if self.cancelled:
            return []
        found = []
        nudge = self.nudge(tz)
        if nudge is not None and nudge <= now < self.deadline:
            found.append(Reminder.NUDGE)
        day = self.day_before(tz)
        soon = self.soon(tz)
        if day is not None and day <= now < min(day + DAY_BEFORE_CATCH_UP, soon):
            found.append(Reminder.DAY_BEFORE)
        if soon <= now < self.first_at:
            found.append(Reminder.SOON)
        return found

    def events(self, tz: ZoneInfo) -> list[datetime]:
        """Every moment something may change for this activity."""
        found = [self.deadline, self.checkin_opens(), self.checkin_closes(tz), self.soon(tz)]
        found.extend(t for t in (self.nudge(tz), self.day_before(tz)) if t is not None)
        return sorted(found)

    def next_event(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """The first moment after `now` at which timed work is due; None once it is over."""
        if self.cancelled:
            return None
        return next((t for t in self.events(tz) if t > now), None)


def card_edit_at(edited_at: datetime | None, now: datetime) -> datetime:
    """When the card may next be edited for new answers: now after a quiet spell, else once
    `QUIET` has passed since the last edit."""
    if edited_at is None or now - edited_at >= QUIET:
        return now
    return edited_at + QUIET


# --- what the card says -----------------------------------------------------------------------


@dataclass(frozen=True)
class Details:
    """What an activity is, as its messages show it."""

    title: str
    starts_at: datetime
    place: str
    notes: str
    deadline: datetime
    capacity: int | None
    plus_one: bool
    public_list: bool
    meet_place: str | None
    meet_at: datetime | None
    cancel_reason: str | None = None


@dataclass(frozen=True)
class Person:
    """A name on a list, and whether a family member comes along."""

    name: str
    family: bool = False


def meeting(details: Details, tz: ZoneInfo) -> str:
    """'市委大院门口，08:00' / '市委大院门口' / '' (no meeting point)."""
    if not details.meet_place:
        return ""
    if details.meet_at is None:
        return details.meet_place
    return T.MEET_BOTH.format(place=details.meet_place, time=clock(details.meet_at.astimezone(tz)))


def detail_lines(details: Details, tz: ZoneInfo, *, deadline: bool = True) -> str:
    """The what, when and where of an activity, one line each (HTML)."""
    lines = [
        fmt(T.LINE_WHEN, when=moment(details.starts_at, tz)),
        fmt(T.LINE_PLACE, place=details.place),
    ]
    meet = meeting(details, tz)
    if meet:
        lines.append(fmt(T.LINE_MEET, meet=meet))
    if details.notes:
        lines.append(fmt(T.LINE_NOTES, notes=details.notes))
    if deadline:
        lines.append(fmt(T.LINE_DEADLINE, when=moment(details.deadline, tz)))
    if details.capacity is not None:
        lines.append(fmt(T.LINE_CAPACITY, capacity=details.capacity))
    if details.plus_one:
        lines.append(T.LINE_PLUS_ONE)
    return "\n".join(lines)


def names(people: Sequence[Person], budget: int = NAMES_BUDGET) -> str:
    """'王建国、李秀英（带家属）' within `budget` characters; the rest as '等N人'."""
    shown: list[str] = []
    used = 0
    for index, person in enumerate(people):
        name = fmt(T.NAME_FAMILY if person.family else T.NAME, name=person.name)
        if used + len(name) + 1 > budget:
            return "、".join(shown) + fmt(T.NAMES_MORE, count=len(people) - index)
        shown.append(name)
        used += len(name) + 1
    return "、".join(shown)


def count_line(counts: Tally, capacity: int | None) -> str:
    text = fmt(T.COUNT_GOING, people=counts.people)
    if counts.family:
        text += fmt(T.COUNT_FAMILY, family=counts.family)
    if capacity is not None:
        left = capacity - counts.people
        text += fmt(T.COUNT_LEFT, left=left) if left > 0 else T.COUNT_FULL
    if counts.waiting:
        text += fmt(T.COUNT_WAITING, waiting=counts.waiting)
    if counts.declined:
        text += fmt(T.COUNT_DECLINED, declined=counts.declined)
    return text


def card(
    details: Details,
    phase: Phase,
    counts: Tally,
    tz: ZoneInfo,
    *,
    going: Sequence[Person] = (),
    waiting: Sequence[Person] = (),
) -> str:
    """The card in the group: the details, the count (and the names if the list is public),
    and what to do now. Names are only ever shown for a public list, and within a budget, so
    that the card fits however many sign up (the full list is the admins')."""
    head = T.CARD_CANCELLED if phase is Phase.CANCELLED else T.CARD_HEAD
    parts = [fmt(head, title=details.title), detail_lines(details, tz)]
    if phase is Phase.CANCELLED:
        reason = fmt(T.CARD_REASON, reason=details.cancel_reason) if details.cancel_reason else ""
        parts.append(T.CARD_CANCELLED_NOTE + reason)
        return "\n\n".join(parts)
    count = count_line(counts, details.capacity)
    if phase in (Phase.CHECKIN, Phase.OVER):
        count += fmt(T.COUNT_ARRIVED, arrived=counts.arrived)
    parts.append(count)
    if details.public_list and going:
        listing = fmt(T.CARD_NAMES, names=SafeHtml(names(going)))
        if waiting:
            listing += "\n" + fmt(T.CARD_WAITING_NAMES, names=SafeHtml(names(waiting, 500)))
        parts.append(listing)
    parts.append(
        {
            Phase.OPEN: T.CARD_HOW_OPEN,
            Phase.CLOSED: T.CARD_HOW_CLOSED,
            Phase.CHECKIN: T.CARD_HOW_CHECKIN,
            Phase.OVER: T.CARD_HOW_OVER,
        }[phase]
    )
    return "\n\n".join(parts)
