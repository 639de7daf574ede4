"""What the daily greetings queue: festival greetings to the group, birthday greetings (group
and private), party anniversaries (private; round ones also to the group if the admin enabled
it), the Monday visit digest for admins and staff, and from 1 June the year's "光荣在党50年"
list for admins. Everything is queued through the outbox in the caller's transaction with a
dedupe key naming the person (or branch), the kind and the day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot.context import Services
from bot.core import branch_settings, cn_format
from bot.core.calendar import FESTIVAL_NAMES, festivals_on, is_round_age
from bot.core.care.occasions import (
    CarePerson,
    Occasion,
    digest,
    medal_list,
    occasions_on,
    person_of,
    upcoming,
)
from bot.core.care.options import (
    DIGEST_DAYS,
    DIGEST_WEEKDAY,
    MEDAL_NOTICE,
    OPT_DIGEST_SENT,
    OPT_MEDAL_SENT,
    CareSettings,
)
from bot.core.care.templates import default_template, render
from bot.core.cn_format import date_label, full_date, month_day
from bot.services import visits
from bot.texts import SafeHtml, fmt
from bot.texts import care as T
from bot.texts import people as P
from storage import branches, people
from storage.dates import Calendar
from storage.models import Branch

log = logging.getLogger(__name__)


def people_of(session: Session, branch_id: int) -> list[CarePerson]:
    """Who may be greeted or listed: members still with the branch (storage.people: 在册 and
    住院; never 调离 or 已故) with a date to mark."""
    return [
        person_of(m)
        for m in people.selected(session, branch_id, people.Purpose.GREET)
        if m.birth or m.joined_party is not None
    ]


@dataclass(frozen=True)
class Greeting:
    """One greeting due today: where it goes, its words, and its send-once key."""

    chat_id: int
    text: str
    dedupe_key: str
    kind: str
    ref: int


def due_greetings(
    session: Session, branch: Branch, settings: CareSettings, today: date
) -> list[Greeting]:
    """The festival, birthday and anniversary greetings due in `branch` today (nothing queued)."""
    assert branch.id is not None
    found: list[Greeting] = []
    for festival in festivals_on(today):
        if not settings.enabled(festival.value):
            continue
        text = render(
            settings.template(festival.value),
            {"festival": FESTIVAL_NAMES[festival], "date": date_label(today)},
        )
        key = f"festival:{branch.id}:{festival.value}:{today.isoformat()}"
        found.append(Greeting(branch.chat_id, text, key, "care.festival", branch.id))
    occasions = occasions_on(people_of(session, branch.id), today, leap_rule=settings.leap_rule)
    reachable = branches.reachable_privately(
        session, [o.person.user_id for o in occasions if o.person.user_id is not None]
    )
    nominal = branch_settings.of(branch).birthday_nominal_age
    for occasion in occasions:
        if not settings.enabled(occasion.kind):
            continue
        for audience, template in audiences(occasion, settings, reachable, nominal=nominal):
            person = occasion.person
            chat_id = branch.chat_id if audience == "group" else person.user_id
            assert chat_id is not None
            text = render(
                _addressing(person.name, template_for(settings, template)),
                values(occasion, nominal=nominal),
            )
            key = f"greet:{occasion.kind}:{person.member_id}:{today.isoformat()}:{audience}"
            found.append(Greeting(chat_id, text, key, f"care.{occasion.kind}", person.member_id))
    return found


def greet(
    services: Services, session: Session, branch: Branch, settings: CareSettings, today: date
) -> None:
    """Queue the festival, birthday and anniversary greetings due in `branch` today."""
    for greeting in due_greetings(session, branch, settings, today):
        services.outbox.message(
            session,
            greeting.chat_id,
            greeting.text,
            dedupe_key=greeting.dedupe_key,
            kind=greeting.kind,
            ref=greeting.ref,
        )


def tell_missed(
    services: Services, session: Session, branch: Branch, recipients: list[int], count: int
) -> None:
    """Tell the branch's admins privately that today's greetings were not sent in time."""
    assert branch.id is not None
    for user_id in recipients:
        services.outbox.message(
            session,
            user_id,
            fmt(T.GREETINGS_MISSED, branch=branch.title, count=count),
            dedupe_key=f"care.missed:{branch.id}:{services.local_now().date().isoformat()}:{user_id}",
            kind="care.missed",
            ref=branch.id,
        )


def celebrated_age(occasion: Occasion, *, nominal: bool) -> int:
    """The age a birthday celebrates: 周岁, or 虚岁 (one more) where the branch counts 寿辰 so."""
    return occasion.number + 1 if nominal else occasion.number


def audiences(
    occasion: Occasion, settings: CareSettings, reachable: set[int], *, nominal: bool = False
) -> list[tuple[str, str]]:
    """(audience, template) pairs for one occasion: "group" and/or "private". A birthday in the
    group names no age; a round one (八十大寿) is celebrated privately."""
    person = occasion.person
    found: list[tuple[str, str]] = []
    private = person.user_id is not None and person.user_id in reachable
    if occasion.kind == "birthday":
        if person.public_birthday:
            found.append(("group", "birthday"))
        if private:
            round_age = is_round_age(celebrated_age(occasion, nominal=nominal))
            found.append(("private", "birthday_round" if round_age else "birthday_private"))
        return found
    medal = occasion.medal
    if occasion.special and settings.enabled("anniversary_group"):
        found.append(("group", "anniversary_50" if medal else "anniversary_group"))
    if private:
        found.append(("private", "anniversary_50" if medal else "anniversary"))
    return found


def template_for(settings: CareSettings, key: str) -> str:
    """The branch's template; a group birthday text an admin wrote with {age} before ages went
    private falls back to the default, so no age is ever shown to the group."""
    text = settings.template(key)
    if key == "birthday" and "{age}" in text:
        return default_template(key)
    return text


def _addressing(name: str, template: str) -> str:
    """No doubled honorific: "{name}同志" for a name already ending 书记, 老师 … reads "{name}"."""
    if cn_format.honorific_after(name, "同志") == "":
        for word in ("同志", "老师"):
            template = template.replace("{name}" + word, "{name}")
            template = template.replace("{name}</b>" + word, "{name}</b>")
    return template


def values(occasion: Occasion, *, nominal: bool = False) -> dict[str, object]:
    person = occasion.person
    if occasion.kind == "birthday":
        lunar = person.birth is not None and person.birth.calendar is Calendar.LUNAR
        celebrated = celebrated_age(occasion, nominal=nominal)
        return {
            "name": person.name,
            # 周岁, except a round birthday the branch celebrates by 虚岁 (八十大寿).
            "age": celebrated if is_round_age(celebrated) else occasion.number,
            "date": date_label(occasion.day, lunar=lunar),
        }
    assert person.joined_party is not None
    return {"name": person.name, "years": occasion.number, "joined": full_date(person.joined_party)}


def digest_due(branch: Branch, settings: CareSettings, today: date) -> bool:
    return (
        today.weekday() == DIGEST_WEEKDAY
        and settings.enabled("digest")
        and branches.option(branch, OPT_DIGEST_SENT, "") != today.isoformat()
    )


def medal_due(branch: Branch, settings: CareSettings, today: date) -> bool:
    # From 1 June until the medals are handed out on 1 July (a bot down on 1 June catches up).
    return (
        settings.enabled("medal")
        and MEDAL_NOTICE <= (today.month, today.day) < (7, 1)
        and branches.option(branch, OPT_MEDAL_SENT, 0) != today.year
    )


def send_digest(
    services: Services, session: Session, branch_id: int, recipients: list[int], today: date
) -> None:
    """The Monday visit digest, privately to each admin and staff member who can receive it."""
    branch = branches.get(session, branch_id)
    if branch is None or not branch.active:
        return
    settings = CareSettings.from_options(branches.options(branch))
    if not digest_due(branch, settings, today):
        return
    found_people = people_of(session, branch_id)
    away = [
        m
        for m in people.selected(session, branch_id, people.Purpose.GREET)
        if people.is_away(m) and m.id is not None
    ]
    text = digest(
        found_people,
        today,
        DIGEST_DAYS,
        leap_rule=settings.leap_rule,
        weekly=True,
    )
    if away:
        text += P.DIGEST_AWAY_HEADER + "\n".join(
            fmt(
                P.DIGEST_AWAY_LINE,
                name=m.name,
                since=fmt(P.DIGEST_AWAY_SINCE, day=month_day(m.status_since))
                if m.status_since
                else "",
            )
            for m in away
        )
    text += fmt(T.DIGEST_BRANCH, branch=branch.title)
    # [已走访] under each suggestion opens the visit record, filled in (bot/services/visits.py);
    # members in hospital are suggested for a 住院探视.
    found = upcoming(found_people, today, DIGEST_DAYS, leap_rule=settings.leap_rule)
    suggestions = visits.suggestions_of(found) + [
        visits.Suggestion(member_id=m.id or 0, name=m.name, occasion="hospital", kind="hospital")
        for m in away
    ]
    keyboard = visits.digest_keyboard(suggestions)
    for user_id in sorted(branches.reachable_privately(session, recipients)):
        services.outbox.message(
            session,
            user_id,
            text,
            keyboard=keyboard,
            dedupe_key=f"digest:{branch_id}:{today.isoformat()}:{user_id}",
            kind="care.digest",
            ref=branch_id,
        )
    branches.set_option(branch, OPT_DIGEST_SENT, today.isoformat())


def send_medal_list(
    services: Services, session: Session, branch_id: int, recipients: list[int], today: date
) -> None:
    """This year's "光荣在党50年" list, privately to each admin who can receive it."""
    branch = branches.get(session, branch_id)
    if branch is None or not branch.active:
        return
    settings = CareSettings.from_options(branches.options(branch))
    if not medal_due(branch, settings, today):
        return
    year = today.year
    found = medal_list(people_of(session, branch_id), year)
    if found:
        lines = "\n".join(
            fmt(P.MEDAL_LINE_CONFIRMED, name=p.name, confirmed=full_date(p.confirmed_party))
            if p.confirmed_party is not None
            else fmt(P.MEDAL_LINE_ESTIMATED, name=p.name, joined=full_date(p.joined_party))
            for p in found
            if p.joined_party is not None
        )
        text = fmt(
            T.MEDAL_LIST, year=year, branch=branch.title, count=len(found), lines=SafeHtml(lines)
        )
    else:
        text = fmt(T.MEDAL_NONE, year=year, branch=branch.title)
    reachable = sorted(branches.reachable_privately(session, recipients))
    if not reachable:
        log.warning("care: no admin of branch %s can receive the medal list privately", branch_id)
    for user_id in reachable:
        services.outbox.message(
            session,
            user_id,
            text,
            dedupe_key=f"medal:{branch_id}:{year}:{user_id}",
            kind="care.medal",
            ref=branch_id,
        )
    branches.set_option(branch, OPT_MEDAL_SENT, year)
