"""What the visit record shares beyond its handlers: the [已走访] buttons under the Monday digest
(bot/services/greetings.py attaches them), and the year's overview.

The buttons carry callback data declared with the handlers (handlers/callbacks.py), which this
layer may not import: handlers/visits.py gives the button builder here at import
(`use_buttons`), as features give their sections to the menu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.care.occasions import Occasion
from bot.core.cn_format import month_day
from bot.texts import SafeHtml, fmt
from bot.texts import visits as T
from storage import visits
from storage.models import Branch

# At most this many [已走访] buttons under one digest (a fortnight rarely has more).
MAX_DIGEST_BUTTONS = 20


@dataclass(frozen=True)
class Suggestion:
    """A member the digest suggests visiting, and why: `occasion` is birthday, anniversary or
    hospital (T.OCCASION_NAMES); `kind` the kind of visit the form starts with."""

    member_id: int
    name: str
    occasion: str
    kind: str


# (suggestion) -> its button; handlers/visits.py provides it.
ButtonFor = Callable[[Suggestion], InlineKeyboardButton]
_button_for: ButtonFor | None = None


def use_buttons(button_for: ButtonFor) -> None:
    global _button_for
    _button_for = button_for


def suggestions_of(occasions: Iterable[Occasion]) -> list[Suggestion]:
    """The digest's birthdays and party anniversaries as visits to record."""
    return [
        Suggestion(
            member_id=o.person.member_id,
            name=o.person.name,
            occasion=o.kind,
            kind="birthday" if o.kind == "birthday" else "other",
        )
        for o in occasions
    ]


def digest_keyboard(suggestions: Sequence[Suggestion]) -> InlineKeyboardMarkup | None:
    """One [已走访] button per suggestion (once per member and kind), or None for none."""
    if _button_for is None or not suggestions:
        return None
    seen: set[tuple[int, str]] = set()
    rows = []
    for suggestion in suggestions:
        key = (suggestion.member_id, suggestion.kind)
        if key in seen:
            continue
        seen.add(key)
        rows.append([_button_for(suggestion)])
        if len(rows) >= MAX_DIGEST_BUTTONS:
            break
    return InlineKeyboardMarkup(rows)


def overview(session: Session, branch: Branch, year: int) -> str:
    """This year's visits in figures, and the latest ones."""
    assert branch.id is not None
    figures = visits.year_figures(session, branch.id, year)
    text = fmt(
        T.OVERVIEW, branch=branch.title, year=year, total=figures.total, people=figures.people
    )
    kinds = "、".join(
        fmt(T.OVERVIEW_KIND, kind=kind, count=count)
        for kind, count in figures.by_kind.items()
        if count
    )
    if kinds:
        text += fmt(T.OVERVIEW_KINDS, kinds=SafeHtml(kinds))
    if figures.amount:
        text += fmt(T.OVERVIEW_AMOUNT, amount=figures.amount)
    latest = visits.recent(session, branch.id)
    if not latest:
        return text + T.OVERVIEW_NONE
    text += T.OVERVIEW_RECENT
    for visit, member in latest:
        text += fmt(
            T.OVERVIEW_LINE,
            date=month_day(visit.visited_on),
            name=member.name,
            kind=visits.KINDS.get(visit.kind, visit.kind),
            visitors=visit.visitors or "—",
        )
    return text
