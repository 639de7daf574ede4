"""What the activity handlers and schedule share: the card in the group and its edits, what an
answer sets off (the waiting list told, the card counted), the reminders, changes and
cancellation, and the admins' list.

Everything queues through the outbox in the caller's transaction; nothing here sends by itself
or commits. Private notes go only to members who can receive them; nobody is ever named in the
group except on a card whose list the admin made public.

The buttons of the card and of the private notes carry callback data declared with the handlers
(handlers/callbacks.py), which this layer may not import: handlers/activities.py gives them to
this module at import (`use_buttons`), as features give their sections to the menu.

Why one module of this size: an activity's card, its private notes, its changes and its timed
work all edit the same card and tell the same people; kept together, a change of how the card
reads is made once. (Its handlers are a package: handlers/activities/.)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session
from telegram import InlineKeyboardMarkup

from bot.context import Services
from bot.core import activities as rules
from bot.core import branch_settings, cn_format
from bot.core.activities import Details, Person, Phase, Plan, Reminder
from bot.core.cn_format import moment
from bot.texts import SafeHtml, fmt
from bot.texts import activities as T
from storage import activities as store
from storage import branches, outbox
from storage.activities import CANCELLED, GOING, WAITING, Answered
from storage.models import Activity, ActivitySignup, Branch, Member

log = logging.getLogger(__name__)


class Buttons(Protocol):
    """The activity's buttons (handlers/activities.py)."""

    def card(self, activity: Activity, phase: Phase) -> InlineKeyboardMarkup | None:
        """The card's buttons in this phase; None for none."""

    def answers(self, activity: Activity) -> InlineKeyboardMarkup:
        """我参加 / 带家属参加 / 不参加, for a private note."""


_buttons: Buttons | None = None


def use_buttons(buttons: Buttons) -> None:
    global _buttons
    _buttons = buttons


def buttons() -> Buttons:
    if _buttons is None:
        raise RuntimeError("handlers/activities.py gives the activity buttons at import")
    return _buttons


# --- what an activity is ------------------------------------------------------------------------


def plan_of(activity: Activity) -> Plan:
    return Plan(
        starts_at=activity.starts_at,
        deadline=activity.deadline,
        created_at=activity.created_at,
        meet_at=activity.meet_at,
        cancelled=activity.status == CANCELLED,
    )


def details_of(activity: Activity) -> Details:
    return Details(
        title=activity.title,
        starts_at=activity.starts_at,
        place=activity.place,
        notes=activity.notes,
        deadline=activity.deadline,
        capacity=activity.capacity,
        plus_one=activity.plus_one,
        public_list=activity.public_list,
        meet_place=activity.meet_place,
        meet_at=activity.meet_at,
        cancel_reason=activity.cancel_reason,
    )


def phase_of(services: Services, activity: Activity, now: datetime) -> Phase:
    return plan_of(activity).phase(now, services.settings.tz)


def called(branch: Branch | None, member: Member) -> str:
    """'王建国同志' (or 老师, as the branch chose)."""
    honorific = branch_settings.of(branch).honorific if branch is not None else "同志"
    return cn_format.addressed(member.name, honorific)


def invited(services: Services, session: Session, branch_id: int) -> list[Member]:
    """The members an activity is for, without the bureau's staff (who organise it)."""
    staff = set(services.settings.staff_ids)
    return [
        m
        for m in store.members_invited(session, branch_id)
        if m.user_id is None or m.user_id not in staff
    ]


def unanswered(services: Services, session: Session, activity: Activity) -> list[Member]:
    staff = set(services.settings.staff_ids)
    return [
        m
        for m in store.unanswered(session, activity)
        if m.user_id is None or m.user_id not in staff
    ]


# --- the card ----------------------------------------------------------------------------------


def card_text(services: Services, session: Session, activity: Activity, phase: Phase) -> str:
    assert activity.id is not None
    going: list[Person] = []
    waiting: list[Person] = []
    if activity.public_list:
        for row, member in store.signed_up(session, activity.id):
            person = Person(member.name, row.family)
            (going if row.status == GOING else waiting).append(person)
    counts = store.tally(session, activity.id)
    return rules.card(
        details_of(activity), phase, counts, services.settings.tz, going=going, waiting=waiting
    )


def post_card(services: Services, session: Session, activity: Activity, now: datetime) -> None:
    """Send the activity's card to its branch's group (once)."""
    assert activity.id is not None
    branch = branches.get(session, activity.branch_id)
    if branch is None:
        return
    phase = phase_of(services, activity, now)
    services.outbox.message(
        session,
        branch.chat_id,
        card_text(services, session, activity, phase),
        keyboard=buttons().card(activity, phase),
        dedupe_key=store.card_key(activity.id),
        kind="activity.card",
        ref=activity.id,
        describe=fmt(T.CARD_HEAD, title=activity.title),
    )
    activity.card_phase = phase.value
    activity.card_edited_at = now
    reschedule(services, activity, now)


def card_message(session: Session, activity: Activity) -> tuple[int, int] | None:
    """(chat id, message id) of the card, once it is out."""
    assert activity.id is not None
    sent = outbox.find_by_key(session, store.card_key(activity.id))
    if sent is None or sent.message_id is None or sent.status != "sent":
        return None
    return sent.chat_id, sent.message_id


def refresh_card(
    services: Services, session: Session, activity: Activity, now: datetime, *, force: bool = False
) -> None:
    """Show the card as it now stands: at once if it has been quiet (or `force`, for a change
    of phase, time or place), else the schedule does it when the quiet period is over."""
    assert activity.id is not None
    sent = outbox.find_by_key(session, store.card_key(activity.id))
    if sent is not None and sent.status == "failed":
        # The card never reached the group (the bot was removed meanwhile): nothing to edit.
        activity.card_dirty = False
        reschedule(services, activity, now)
        return
    activity.card_dirty = True
    where = card_message(session, activity)
    due = rules.card_edit_at(activity.card_edited_at, now)
    if where is None or (due > now and not force):
        reschedule(services, activity, now)
        return
    phase = phase_of(services, activity, now)
    chat_id, message_id = where
    services.outbox.edit_text(
        session,
        chat_id,
        message_id,
        card_text(services, session, activity, phase),
        keyboard=buttons().card(activity, phase),
        kind="activity.card.edit",
        ref=activity.id or 0,
    )
    activity.card_dirty = False
    activity.card_phase = phase.value
    activity.card_edited_at = now
    reschedule(services, activity, now)


def reschedule(services: Services, activity: Activity, now: datetime) -> None:
    """Set when the schedule next has work for this activity."""
    after = plan_of(activity).next_event(now, services.settings.tz)
    if activity.card_dirty:
        edit_at = max(rules.card_edit_at(activity.card_edited_at, now), now + timedelta(seconds=1))
        after = min(after, edit_at) if after is not None else edit_at
    activity.next_due_at = after


# --- private notes ---------------------------------------------------------------------------------


@dataclass
class Told:
    """Who a notice reached privately, and who has to be phoned instead."""

    told: int = 0
    missed: list[Member] = field(default_factory=list)


def tell(
    services: Services,
    session: Session,
    members: Sequence[Member],
    text_for: dict[int, str],
    key: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    kind: str,
    ref: int,
) -> Told:
    """A private note to each member who can receive one (`text_for` by member id); the others
    are returned, to be phoned. `key` is formatted with the member id: each goes out once."""
    reachable = branches.reachable_privately(
        session, [m.user_id for m in members if m.user_id is not None]
    )
    result = Told()
    for member in members:
        if member.user_id is None or member.user_id not in reachable:
            result.missed.append(member)
            continue
        services.outbox.message(
            session,
            member.user_id,
            text_for[member.id or 0],
            keyboard=keyboard,
            dedupe_key=key.format(member=member.id),
            kind=kind,
            ref=ref,
        )
        result.told += 1
    return result


def detail_html(services: Services, activity: Activity, *, deadline: bool = False) -> SafeHtml:
    return SafeHtml(
        rules.detail_lines(details_of(activity), services.settings.tz, deadline=deadline)
    )


def missed_lines(members: Sequence[Member]) -> str:
    """The people to phone, with the number from the roster where there is one."""
    if not members:
        return ""
    lines = "\n".join(
        fmt(
            T.NOT_TOLD_LINE,
            name=m.name,
            phone=SafeHtml(fmt(T.PHONE, phone=m.phone) if m.phone else ""),
        )
        for m in members
    )
    return fmt(T.NOT_TOLD, people=SafeHtml(lines))


# --- answers ---------------------------------------------------------------------------------------


def after_answer(
    services: Services,
    session: Session,
    activity: Activity,
    member: Member,
    result: Answered,
    now: datetime,
) -> None:
    """What an answer sets off: a waiting member told privately, those moved up told, the card
    counted again."""
    assert activity.id is not None
    branch = branches.get(session, activity.branch_id)
    row = result.row
    if result.changed and row.status == WAITING:
        text = fmt(
            T.PRIVATE_WAITING,
            name=called(branch, member),
            title=activity.title,
            position=store.position(session, row),
        )
        tell(
            services,
            session,
            [member],
            {member.id or 0: text},
            f"activity.wait:{activity.id}:{{member}}:{row.queue_no}",
            kind="activity.waiting",
            ref=activity.id,
        )
    promoted(services, session, activity, result.promoted)
    if result.changed or result.promoted:
        refresh_card(services, session, activity, now)


def promoted(
    services: Services, session: Session, activity: Activity, rows: Sequence[ActivitySignup]
) -> None:
    """Tell those moved up from the waiting list; the organiser hears of any who cannot be
    reached privately, to phone them."""
    if not rows:
        return
    assert activity.id is not None
    branch = branches.get(session, activity.branch_id)
    members = [m for m in (session.get(Member, r.member_id) for r in rows) if m is not None]
    queue = {r.member_id: r.queue_no for r in rows}
    details = detail_html(services, activity)
    missed: list[Member] = []
    for member in members:
        text = fmt(
            T.PRIVATE_PROMOTED, name=called(branch, member), title=activity.title, details=details
        )
        result = tell(
            services,
            session,
            [member],
            {member.id or 0: text},
            f"activity.up:{activity.id}:{{member}}:{queue[member.id or 0]}",
            kind="activity.promoted",
            ref=activity.id,
        )
        missed.extend(result.missed)
    if missed and branches.reachable_privately(session, [activity.created_by]):
        services.outbox.message(
            session,
            activity.created_by,
            fmt(T.PROMOTED_NOT_TOLD, title=activity.title) + missed_lines(missed),
            kind="activity.promoted.missed",
            ref=activity.id,
        )


# --- timed work ------------------------------------------------------------------------------------


def run_due(services: Services, session: Session, activity: Activity, now: datetime) -> None:
    """The reminders due now (each once), the card when its phase changes or it has waited for
    its quiet period, and when to look again."""
    tz = services.settings.tz
    plan = plan_of(activity)
    for reminder in plan.due(now, tz):
        remind(services, session, activity, reminder)
    phase = plan.phase(now, tz)
    if phase.value != activity.card_phase:
        refresh_card(services, session, activity, now, force=True)
    elif activity.card_dirty:
        refresh_card(services, session, activity, now)
    else:
        reschedule(services, activity, now)


def remind(services: Services, session: Session, activity: Activity, reminder: Reminder) -> None:
    assert activity.id is not None
    branch = branches.get(session, activity.branch_id)
    starts = activity.starts_at.isoformat()
    if reminder is Reminder.NUDGE:
        # MERGE (people): members in hospital are shown to admins as 住院中, not reminded.
        members = [m for m in unanswered(services, session, activity) if not store.is_away(m)]
        details = detail_html(services, activity, deadline=True)
        texts = {
            m.id or 0: fmt(T.NUDGE, name=called(branch, m), title=activity.title, details=details)
            for m in members
        }
        tell(
            services,
            session,
            members,
            texts,
            f"activity.nudge:{activity.id}:{{member}}",
            keyboard=buttons().answers(activity),
            kind="activity.nudge",
            ref=activity.id,
        )
        return
    # Only those the activity is still for (not who has since moved away or passed away), and
    # not those in hospital (the admin's list shows them as 住院中).
    invited = {m.id for m in store.members_invited(session, activity.branch_id)}
    going = [
        m
        for row, m in store.signed_up(session, activity.id)
        if row.status == GOING and m.id in invited and not store.is_away(m)
    ]
    details = detail_html(services, activity)
    template = T.REMIND_DAY_BEFORE if reminder is Reminder.DAY_BEFORE else T.REMIND_SOON
    texts = {
        m.id or 0: fmt(template, name=called(branch, m), title=activity.title, details=details)
        for m in going
    }
    tell(
        services,
        session,
        going,
        texts,
        f"activity.{reminder.value}:{activity.id}:{starts}:{{member}}",
        kind=f"activity.remind.{reminder.value}",
        ref=activity.id,
    )


# --- changes ----------------------------------------------------------------------------------------


def _group_note(
    services: Services, session: Session, activity: Activity, text: str, key: str
) -> None:
    """A short note in the group under the card (names nobody)."""
    branch = branches.get(session, activity.branch_id)
    if branch is None or not branch.active:
        return
    where = card_message(session, activity)
    services.outbox.message(
        session,
        where[0] if where is not None else branch.chat_id,
        text,
        reply_to=where[1] if where is not None else None,
        dedupe_key=key,
        kind="activity.note",
        ref=activity.id or 0,
    )


def signed_up_members(session: Session, activity: Activity) -> list[Member]:
    """Who asked to come (going or waiting) and is still among those the activity is for."""
    assert activity.id is not None
    invited = {m.id for m in store.members_invited(session, activity.branch_id)}
    return [m for _, m in store.signed_up(session, activity.id) if m.id in invited]


def moved_deadline(activity: Activity, starts_at: datetime) -> datetime:
    """The sign-up deadline if the activity moves to `starts_at`: as it was, unless that is
    later than an hour before the new meeting time (check-in then opens)."""
    meet = activity.meet_at + (starts_at - activity.starts_at) if activity.meet_at else None
    first = min(meet, starts_at) if meet is not None else starts_at
    return min(activity.deadline, first - rules.CHECKIN_BEFORE)


def change_time(
    services: Services, session: Session, activity: Activity, starts_at: datetime, now: datetime
) -> Told:
    """Move the activity (the meeting time moves with it; sign-up closes no later than an hour
    before the new meeting time); those signed up are told privately, the group in a note."""
    assert activity.id is not None
    tz = services.settings.tz
    old = activity.starts_at
    activity.deadline = moved_deadline(activity, starts_at)
    if activity.meet_at is not None:
        activity.meet_at = activity.meet_at + (starts_at - old)
    activity.starts_at = starts_at
    activity.changed_at = now
    branch = branches.get(session, activity.branch_id)
    members = signed_up_members(session, activity)
    details = detail_html(services, activity)
    texts = {
        m.id or 0: fmt(
            T.CHANGED_TIME,
            name=called(branch, m),
            title=activity.title,
            old=moment(old, tz),
            new=moment(starts_at, tz),
            details=details,
        )
        for m in members
    }
    group = fmt(T.GROUP_CHANGED_TIME, title=activity.title, new=moment(starts_at, tz))
    return _announce_change(services, session, activity, "time", members, texts, group, now)


def change_place(
    services: Services, session: Session, activity: Activity, place: str, now: datetime
) -> Told:
    assert activity.id is not None
    old = activity.place
    activity.place = place
    activity.changed_at = now
    branch = branches.get(session, activity.branch_id)
    members = signed_up_members(session, activity)
    details = detail_html(services, activity)
    texts = {
        m.id or 0: fmt(
            T.CHANGED_PLACE,
            name=called(branch, m),
            title=activity.title,
            old=old,
            new=place,
            details=details,
        )
        for m in members
    }
    group = fmt(T.GROUP_CHANGED_PLACE, title=activity.title, new=place)
    return _announce_change(services, session, activity, "place", members, texts, group, now)


def _announce_change(
    services: Services,
    session: Session,
    activity: Activity,
    what: str,
    members: Sequence[Member],
    texts: dict[int, str],
    group_text: str,
    now: datetime,
) -> Told:
    """A changed time or place: each member signed up told privately, the group in a note,
    the card shown again at once."""
    assert activity.id is not None
    key = f"activity.{what}:{activity.id}:{now.isoformat()}"
    told = tell(
        services,
        session,
        members,
        texts,
        key + ":{member}",
        kind="activity.changed",
        ref=activity.id,
    )
    _group_note(services, session, activity, group_text, key)
    refresh_card(services, session, activity, now, force=True)
    return told


def cancel(
    services: Services, session: Session, activity: Activity, reason: str | None, now: datetime
) -> Told:
    """Call the activity off: the card says 已取消, those signed up are told privately, the
    group in a note; reminders stop."""
    assert activity.id is not None
    tz = services.settings.tz
    activity.status = CANCELLED
    activity.cancel_reason = reason
    activity.changed_at = now
    branch = branches.get(session, activity.branch_id)
    members = signed_up_members(session, activity)
    because = fmt(T.CANCELLED_REASON, reason=reason) if reason else ""
    texts = {
        m.id or 0: fmt(
            T.CANCELLED_PRIVATE,
            name=called(branch, m),
            title=activity.title,
            when=moment(activity.starts_at, tz),
            reason=SafeHtml(because),
        )
        for m in members
    }
    told = tell(
        services,
        session,
        members,
        texts,
        f"activity.cancel:{activity.id}:{{member}}",
        kind="activity.cancelled",
        ref=activity.id,
    )
    _group_note(
        services,
        session,
        activity,
        fmt(T.GROUP_CANCELLED, title=activity.title, when=moment(activity.starts_at, tz)),
        f"activity.cancel:{activity.id}",
    )
    refresh_card(services, session, activity, now, force=True)
    return told


# --- the admins' list ---------------------------------------------------------------------------------


def list_line(services: Services, session: Session, activity: Activity) -> str:
    assert activity.id is not None
    when = moment(activity.starts_at, services.settings.tz, with_weekday=False)
    if activity.status == CANCELLED:
        state = T.LIST_STATE_CANCELLED
    else:
        counts = store.tally(session, activity.id)
        state = fmt(T.LIST_STATE, people=counts.people)
        if counts.waiting:
            state += fmt(T.LIST_STATE_WAITING, waiting=counts.waiting)
        if counts.arrived:
            state += fmt(T.LIST_STATE_ARRIVED, arrived=counts.arrived)
        elif activity.starts_at > services.now():
            state += fmt(
                T.LIST_STATE_UNANSWERED, unanswered=len(unanswered(services, session, activity))
            )
    return fmt(T.LIST_LINE, when=when, title=activity.title, state=SafeHtml(state))


def detail_lines(
    services: Services, session: Session, activity: Activity, now: datetime
) -> list[str]:
    """The full list for admins and staff: who comes (and with family), the waiting list in
    order, who does not, who has not answered (住院中 marked), and attendance once taken."""
    assert activity.id is not None
    lines = [
        fmt(
            T.DETAIL_HEAD,
            title=activity.title,
            details=detail_html(services, activity, deadline=True),
        )
    ]
    if activity.status == CANCELLED:
        lines.append(T.DETAIL_CANCELLED)
    rows = store.answers(session, activity.id)
    counts = store.tally(session, activity.id)
    phase = phase_of(services, activity, now)
    taken = phase in (Phase.CHECKIN, Phase.OVER) or counts.arrived > 0
    going = [(r, m) for r, m in rows if r.status == GOING]
    waiting = [(r, m) for r, m in rows if r.status == WAITING]
    if going:
        lines.append(fmt(T.DETAIL_GOING, people=counts.people, family=counts.family))
        for n, (row, member) in enumerate(going, start=1):
            arrived = ""
            if taken:
                arrived = (
                    T.DETAIL_ROW_ARRIVED
                    if row.checked_in_at
                    else (T.DETAIL_ROW_ABSENT if phase is Phase.OVER else "")
                )
            lines.append(
                fmt(
                    T.DETAIL_ROW,
                    n=n,
                    name=member.name,
                    family=SafeHtml(T.DETAIL_ROW_FAMILY if row.family else ""),
                    arrived=SafeHtml(arrived + (T.AWAY if store.is_away(member) else "")),
                )
            )
    else:
        lines.append(T.DETAIL_GOING_NONE)
    if waiting:
        lines.append(fmt(T.DETAIL_WAITING, count=len(waiting)))
        for n, (row, member) in enumerate(waiting, start=1):
            family = SafeHtml(T.DETAIL_ROW_FAMILY if row.family else "")
            lines.append(fmt(T.DETAIL_ROW, n=n, name=member.name, family=family, arrived=""))
    declined = [m for r, m in rows if r.status == store.DECLINED]
    if declined:
        lines.append(
            fmt(T.DETAIL_DECLINED, count=len(declined), names="、".join(m.name for m in declined))
        )
    if activity.status != CANCELLED and phase is not Phase.OVER:
        missing = unanswered(services, session, activity)
        if missing:
            names = "、".join(
                fmt("{n}", n=m.name) + (T.AWAY if store.is_away(m) else "") for m in missing
            )
            lines.append(fmt(T.DETAIL_UNANSWERED, count=len(missing), names=SafeHtml(names)))
    if taken:
        absent = sum(1 for r, _ in going if r.checked_in_at is None)
        lines.append(fmt(T.DETAIL_ARRIVED, arrived=counts.arrived, absent=absent))
        walkins = [m for r, m in rows if r.status != GOING and r.checked_in_at is not None]
        if walkins:
            lines.append(fmt(T.DETAIL_WALKIN, names="、".join(m.name for m in walkins)))
    return lines
