"""活动报名: outings, forums, the health check — an admin makes the activity in a few taps, the
group gets one card with big buttons (我参加 / 带家属参加 / 不参加, and 我到了 on the day), and
the secretary sees the list, takes attendance and downloads the sign-up sheet.

- Making and changing an activity are guided flows (handlers/flows.py), privately: `/activity`
  or the menu's 活动报名 section. The card goes to the branch's group on 确认.
- A tap on the card is answered with a notice only the member sees; the waiting list (候补) and
  moving up from it are told privately. The card shows counts (names only if the admin made the
  list public) and is edited at most once per quiet period (bot/core/activities.py).
- The schedule (schedules/activities.py) sends the reminders and moves the card through its
  phases; the sheet is built by a background job.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command, Services
from bot.core import activities as rules
from bot.core.activities import Details, Phase
from bot.core.cn_format import clock, moment, month_day
from bot.core.cn_parse import ParseError, number, parse_date, parse_time, parse_when
from bot.runtime.jobs import Apply, JobKind
from bot.services import activities as service
from bot.services import exports
from bot.texts import SafeHtml, fmt
from bot.texts import activities as T
from bot.texts import common as C
from handlers import flows
from handlers.callbacks import (
    ActivityAction,
    ActivityAnswer,
    ActivityArrived,
    ActivityList,
    ActivityNew,
    ActivityOpen,
    AttendancePage,
    AttendanceTap,
    on,
)
from handlers.common import (
    chunks,
    download_button,
    is_group,
    is_private,
    may_administer,
    may_view,
    reply,
    staff_only,
)
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.scope import branch_for
from storage import activities as store
from storage import branches
from storage.exports.activities import SheetSummary, build_signup_sheet
from storage.models import Activity, Branch, Member

COMMANDS = [Command("activity", T.CMD_ACTIVITY, "staff")]
DEEP_LINK = "activity"
MAX_TITLE = 40
MAX_PLACE = 60
MAX_NOTES = 200
MAX_CAPACITY = 500
ATTENDANCE_PAGE = 30
DEADLINE_AT = time(18, 0)


# --- the buttons ------------------------------------------------------------------------------


class _Buttons:
    """The card's and the private note's buttons, one per row: big, for unsteady fingers."""

    def answers(self, activity: Activity) -> InlineKeyboardMarkup:
        assert activity.id is not None
        choices: list[tuple[str, Literal["y", "f", "n"]]] = [(T.BUTTON_YES, "y")]
        if activity.plus_one:
            choices.append((T.BUTTON_FAMILY, "f"))
        choices.append((T.BUTTON_NO, "n"))
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=ActivityAnswer(activity.id, c).build())]
                for label, c in choices
            ]
        )

    def card(self, activity: Activity, phase: Phase) -> InlineKeyboardMarkup | None:
        assert activity.id is not None
        if phase is Phase.OPEN:
            return self.answers(activity)
        if phase is Phase.CHECKIN:
            data = ActivityArrived(activity.id).build()
            return InlineKeyboardMarkup(
                [[InlineKeyboardButton(T.BUTTON_ARRIVED, callback_data=data)]]
            )
        return None


service.use_buttons(_Buttons())


# --- making an activity ------------------------------------------------------------------------


def _tz(context: BotContext) -> Any:
    return context.settings.tz


def _today(context: BotContext) -> date:
    return context.services.local_now().date()


def _at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _starts(state: State) -> datetime:
    found = _at(state.answers.get("when"))
    assert found is not None
    return found


def _first_at(state: State) -> datetime:
    meet = _at(state.answers.get("meet_at"))
    return min(meet, _starts(state)) if meet is not None else _starts(state)


def _local(context: BotContext, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=_tz(context))


def _text(text: str, limit: int, error: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > limit:
        raise InputError(error)
    return cleaned


def _title_prompt(context: BotContext, state: State) -> str:
    assert state.branch is not None
    return fmt(T.ASK_TITLE, branch=state.branch.title)


def _title_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(title, title) for title in T.TITLE_CHOICES]


def _read_title(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_TITLE, T.BAD_TITLE)


def _when_prompt(context: BotContext, state: State) -> str:
    return fmt(T.ASK_WHEN, title=state.answers["title"])


def _read_when(text: str, context: BotContext, state: State) -> str:
    try:
        when = parse_when(text, _today(context))
    except ParseError as exc:
        raise InputError(exc.message) from None
    starts = _local(context, when.day, when.at)
    if starts <= context.now():
        raise InputError(fmt(T.PAST_WHEN, when=moment(starts, _tz(context))))
    return starts.isoformat()


def _place_prompt(context: BotContext, state: State) -> str:
    return T.ASK_PLACE


def _read_place(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_PLACE, T.BAD_PLACE)


def _meet_place_prompt(context: BotContext, state: State) -> str:
    return T.ASK_MEET_PLACE


def _meet_place_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.MEET_NONE, None)]


def _after_meet_place(state: State) -> str | None:
    return "meet_at" if state.answers.get("meet_place") else "notes"


def _meet_time_prompt(context: BotContext, state: State) -> str:
    return fmt(T.ASK_MEET_TIME, place=state.answers["meet_place"])


def _meet_time_choices(context: BotContext, state: State) -> list[Choice]:
    starts = _starts(state)
    found = []
    for minutes in (30, 60):
        at = starts - timedelta(minutes=minutes)
        if at > context.now():
            shown = clock(at.astimezone(_tz(context)))
            found.append(Choice(T.MEET_BEFORE[minutes].format(time=shown), at.isoformat()))
    return found


def _read_meet_time(text: str, context: BotContext, state: State) -> str:
    try:
        at = parse_time(text)
    except ParseError as exc:
        raise InputError(exc.message) from None
    starts = _starts(state)
    meet = _local(context, starts.astimezone(_tz(context)).date(), at)
    if meet >= starts or meet <= context.now():
        example = clock((starts - timedelta(minutes=30)).astimezone(_tz(context)))
        raise InputError(
            fmt(T.MEET_AFTER_START, start=clock(starts.astimezone(_tz(context))), example=example)
        )
    return meet.isoformat()


def _notes_prompt(context: BotContext, state: State) -> str:
    return T.ASK_NOTES


def _notes_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.NOTES_NONE, "")]


def _read_notes(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_NOTES, T.BAD_NOTES)


def _latest_deadline(state: State) -> datetime:
    """Sign-up must close before check-in opens (an hour before meeting)."""
    return _first_at(state) - rules.CHECKIN_BEFORE


def _deadline_prompt(context: BotContext, state: State) -> str:
    return T.ASK_DEADLINE


def _deadline_choices(context: BotContext, state: State) -> list[Choice]:
    day = _starts(state).astimezone(_tz(context)).date()
    found = []
    for days in (1, 2, 3, 7):
        at = _local(context, day - timedelta(days=days), DEADLINE_AT)
        if context.now() + timedelta(hours=1) < at <= _latest_deadline(state):
            shown = moment(at, _tz(context), with_weekday=False)
            found.append(Choice(T.DEADLINE_CHOICE.format(days=days, when=shown), at.isoformat()))
    return found


def _read_deadline(text: str, context: BotContext, state: State) -> str:
    today = _today(context)
    try:
        when = parse_when(text, today)
        at = _local(context, when.day, when.at)
    except ParseError as exc:
        try:
            at = _local(context, parse_date(text, today), DEADLINE_AT)
        except ParseError:
            raise InputError(exc.message) from None
    tz = _tz(context)
    latest = _latest_deadline(state)
    if at > latest:
        example = moment(latest - timedelta(days=1), tz, with_weekday=False)
        raise InputError(
            fmt(T.DEADLINE_AFTER_START, start=moment(_starts(state), tz), example=example)
        )
    if at <= context.now():
        raise InputError(fmt(T.DEADLINE_PAST, when=moment(at, tz)))
    return at.isoformat()


def _capacity_prompt(context: BotContext, state: State) -> str:
    return T.ASK_CAPACITY


def _capacity_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.CAPACITY_NONE, None)] + [
        Choice(T.CAPACITY_N.format(n=n), n) for n in (20, 30, 40, 50)
    ]


def _read_capacity(text: str, context: BotContext, state: State) -> int | None:
    cleaned = re.sub(r"[\s人个名位]", "", text)
    if cleaned in ("不限", "不限数", "不限制", "没有限制", "无限制", "不设"):
        return None
    value = int(cleaned) if cleaned.isdigit() and len(cleaned) <= 4 else number(cleaned)
    if value is None or not 1 <= value <= MAX_CAPACITY:
        raise InputError(T.BAD_CAPACITY)
    return value


def _plus_one_prompt(context: BotContext, state: State) -> str:
    return T.ASK_PLUS_ONE


def _plus_one_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.PLUS_ONE_YES, True), Choice(T.PLUS_ONE_NO, False)]


def _public_prompt(context: BotContext, state: State) -> str:
    return T.ASK_PUBLIC


def _public_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.PUBLIC_NO, False), Choice(T.PUBLIC_YES, True)]


def _details(state: State) -> Details:
    a = state.answers
    starts = _starts(state)
    return Details(
        title=a["title"],
        starts_at=starts,
        place=a["place"],
        notes=a.get("notes") or "",
        deadline=_at(a["deadline"]) or starts,
        capacity=a.get("capacity"),
        plus_one=bool(a.get("plus_one")),
        public_list=bool(a.get("public")),
        meet_place=a.get("meet_place") or None,
        meet_at=_at(a.get("meet_at")),
    )


def _summary(context: BotContext, state: State) -> str:
    assert state.branch is not None
    details = _details(state)
    return fmt(
        T.SUMMARY,
        title=details.title,
        details=SafeHtml(rules.detail_lines(details, _tz(context))),
        public=T.PUBLIC_YES if details.public_list else T.PUBLIC_NO,
        branch=state.branch.title,
    )


async def _create(context: BotContext, state: State) -> str:
    branch = branches.get(context.db, state.branch.id) if state.branch and state.branch.id else None
    if branch is None or branch.id is None or not branch.active:
        return C.NOT_A_BRANCH
    details = _details(state)
    now = context.now()
    if details.starts_at <= now:
        return fmt(T.PAST_WHEN, when=moment(details.starts_at, _tz(context)))
    activity = store.create(
        context.db,
        branch_id=branch.id,
        title=details.title,
        starts_at=details.starts_at,
        place=details.place,
        notes=details.notes,
        deadline=max(details.deadline, now),
        capacity=details.capacity,
        plus_one=details.plus_one,
        public_list=details.public_list,
        meet_place=details.meet_place,
        meet_at=details.meet_at,
        created_by=state.user_id,
        now=now,
    )
    service.post_card(context.services, context.db, activity, now)
    return fmt(T.CREATED, title=activity.title)


NEW = flows.register(
    FlowSpec(
        kind="activity.new",
        steps=[
            Step("title", _title_prompt, _title_choices, read=_read_title, columns=2),
            Step("when", _when_prompt, read=_read_when),
            Step("place", _place_prompt, read=_read_place),
            Step(
                "meet_place",
                _meet_place_prompt,
                _meet_place_choices,
                read=_read_place,
                columns=1,
                next=_after_meet_place,
            ),
            Step("meet_at", _meet_time_prompt, _meet_time_choices, read=_read_meet_time),
            Step("notes", _notes_prompt, _notes_choices, read=_read_notes, columns=1),
            Step("deadline", _deadline_prompt, _deadline_choices, read=_read_deadline, columns=1),
            Step("capacity", _capacity_prompt, _capacity_choices, read=_read_capacity, columns=3),
            Step("plus_one", _plus_one_prompt, _plus_one_choices, columns=1),
            Step("public", _public_prompt, _public_choices, columns=1),
        ],
        summary=_summary,
        confirm=_create,
        confirm_label=T.CREATE_LABEL,
    )
)


# --- changing the time or the place, or cancelling ----------------------------------------------


def _activity_of(context: BotContext, state: State) -> Activity | None:
    found = store.get(context.db, int(state.answers["activity"]))
    return found if found is not None and found.status == store.OPEN else None


def _new_time_prompt(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    if activity is None:
        return T.NOTHING_CHANGED
    return fmt(T.ASK_NEW_TIME, title=activity.title, when=moment(activity.starts_at, _tz(context)))


def _new_place_prompt(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    if activity is None:
        return T.NOTHING_CHANGED
    return fmt(T.ASK_NEW_PLACE, title=activity.title, place=activity.place)


def _reason_prompt(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    if activity is None:
        return T.NOTHING_CHANGED
    return fmt(
        T.ASK_CANCEL_REASON, title=activity.title, when=moment(activity.starts_at, _tz(context))
    )


def _reason_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.REASON_NONE, "")]


def _read_reason(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_NOTES, T.BAD_NOTES)


def _confirm_next(state: State) -> str | None:
    return None


def _change_summary(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    if activity is None or activity.id is None:
        return T.NOTHING_CHANGED
    tz = _tz(context)
    count = len(store.signed_up(context.db, activity.id))
    if "time" in state.answers:
        new = _at(state.answers["time"])
        assert new is not None
        moved = service.moved_deadline(activity, new)
        shown = moment(moved, tz)
        deadline = (
            fmt(T.SUMMARY_DEADLINE_MOVED, deadline=shown) if moved != activity.deadline else ""
        )
        return fmt(
            T.SUMMARY_TIME,
            title=activity.title,
            old=moment(activity.starts_at, tz),
            new=moment(new, tz),
            deadline=SafeHtml(deadline),
            count=count,
        )
    if "place" in state.answers:
        return fmt(
            T.SUMMARY_PLACE,
            title=activity.title,
            old=activity.place,
            new=state.answers["place"],
            count=count,
        )
    reason = state.answers.get("reason") or ""
    return fmt(
        T.SUMMARY_CANCEL,
        title=activity.title,
        when=moment(activity.starts_at, tz),
        reason=SafeHtml(fmt(T.CANCELLED_REASON, reason=reason) if reason else ""),
        count=count,
    )


async def _change(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    now = context.now()
    if activity is None or service.phase_of(context.services, activity, now) is Phase.OVER:
        return T.NOTHING_CHANGED
    if not await may_administer(context, state.user_id, _branch_of(context, activity)):
        return C.NOT_ADMIN
    services = context.services
    if "time" in state.answers:
        new = _at(state.answers["time"])
        assert new is not None
        if new == activity.starts_at:
            return T.SAME_TIME
        if new <= now:
            return fmt(T.PAST_WHEN, when=moment(new, _tz(context)))
        told = service.change_time(services, context.db, activity, new, now)
        return fmt(T.CHANGED, told=told.told) + service.missed_lines(told.missed)
    if "place" in state.answers:
        if state.answers["place"] == activity.place:
            return T.SAME_PLACE
        told = service.change_place(services, context.db, activity, state.answers["place"], now)
        return fmt(T.CHANGED, told=told.told) + service.missed_lines(told.missed)
    told = service.cancel(services, context.db, activity, state.answers.get("reason") or None, now)
    return fmt(T.CANCELLED_DONE, told=told.told) + service.missed_lines(told.missed)


CHANGE = flows.register(
    FlowSpec(
        kind="activity.change",
        steps=[
            Step("time", _new_time_prompt, read=_read_when, next=_confirm_next),
            Step("place", _new_place_prompt, read=_read_place, next=_confirm_next),
        ],
        summary=_change_summary,
        confirm=_change,
        confirm_label=T.CHANGE_LABEL,
    )
)
CANCEL = flows.register(
    FlowSpec(
        kind="activity.cancel",
        steps=[Step("reason", _reason_prompt, _reason_choices, read=_read_reason, columns=1)],
        summary=_change_summary,
        confirm=_change,
        confirm_label=T.CANCEL_LABEL,
    )
)


# --- taps on the card ------------------------------------------------------------------------------


def _branch_of(context: BotContext, activity: Activity) -> Branch:
    branch = branches.get(context.db, activity.branch_id)
    assert branch is not None
    return branch


def _member(context: BotContext, activity: Activity, user_id: int) -> Member | None:
    member = branches.member(context.db, activity.branch_id, user_id)
    return member if member is not None and member.active else None


_CHOICES: dict[str, store.Choice] = {"y": "yes", "f": "family", "n": "no"}


async def answer_tapped(update: Update, context: BotContext, pressed: ActivityAnswer) -> None:
    """我参加 / 带家属参加 / 不参加, on the card or a private note: the latest answer stands."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return

    def alert(text: str) -> None:
        assert query is not None and chat is not None
        context.outbox.answer_callback(context.db, chat.id, query.id, text, alert=True)

    activity = store.get(context.db, pressed.activity)
    if activity is None:
        alert(T.TAP_GONE)
        return
    member = _member(context, activity, user.id)
    if member is None or member.id is None:
        alert(T.TAP_NOT_MEMBER)
        return
    now = context.now()
    phase = service.phase_of(context.services, activity, now)
    if phase is not Phase.OPEN:
        alert({Phase.CANCELLED: T.TAP_CANCELLED, Phase.OVER: T.TAP_OVER}.get(phase, T.TAP_CLOSED))
        return
    if pressed.choice == "f" and not activity.plus_one:
        alert(T.TAP_NO_FAMILY)
        return
    result = store.answer(context.db, activity, member.id, _CHOICES[pressed.choice], now=now)
    # A press's notice is plain text: names go in as they are (no HTML escaping).
    name = service.called(_branch_of(context, activity), member)
    row = result.row
    if result.family_refused:
        alert(T.TAP_NO_ROOM_FOR_FAMILY)
    elif row.status == store.GOING:
        template = T.TAP_GOING_FAMILY if row.family else T.TAP_GOING
        alert((template if result.changed else T.TAP_SAME_GOING).format(name=name))
    elif row.status == store.WAITING:
        template = T.TAP_WAITING if result.changed else T.TAP_SAME_WAITING
        alert(template.format(name=name, position=store.position(context.db, row)))
    else:
        alert(T.TAP_DECLINED.format(name=name) if result.changed else T.TAP_SAME_DECLINED)
    service.after_answer(context.services, context.db, activity, member, result, now)


async def arrived_tapped(update: Update, context: BotContext, pressed: ActivityArrived) -> None:
    """我到了, on the card during the activity: the member checks in."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return

    def alert(text: str) -> None:
        assert query is not None and chat is not None
        context.outbox.answer_callback(context.db, chat.id, query.id, text, alert=True)

    activity = store.get(context.db, pressed.activity)
    if activity is None:
        alert(T.TAP_GONE)
        return
    member = _member(context, activity, user.id)
    if member is None or member.id is None or activity.id is None:
        alert(T.TAP_NOT_MEMBER)
        return
    now = context.now()
    phase = service.phase_of(context.services, activity, now)
    if phase is not Phase.CHECKIN:
        alert(
            {
                Phase.CANCELLED: T.TAP_CANCELLED,
                Phase.OVER: T.TAP_ARRIVED_LATE,
            }.get(phase, T.TAP_ARRIVED_EARLY)
        )
        return
    name = service.called(_branch_of(context, activity), member)
    if store.check_in(context.db, activity.id, member.id, by=user.id, now=now):
        alert(T.TAP_ARRIVED.format(name=name))
        service.refresh_card(context.services, context.db, activity, now)
    else:
        alert(T.TAP_ARRIVED_AGAIN.format(name=name))


# --- the admins' list ----------------------------------------------------------------------------


def _answer(update: Update, context: BotContext, text: str | None = None) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is not None and chat is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)


def show_list(context: BotContext, chat_id: int, branch: Branch, *, admin: bool) -> None:
    """The branch's activities of the last month and to come, with counts, one button each."""
    assert branch.id is not None
    since = context.now() - timedelta(days=30)
    found = store.of_branch(context.db, branch.id, since=since)
    tz = _tz(context)
    lines = [fmt(T.LIST_HEAD, branch=branch.title)]
    rows = []
    for activity in found:
        assert activity.id is not None
        lines.append(service.list_line(context.services, context.db, activity))
        label = T.LIST_BUTTON.format(
            date=month_day(activity.starts_at.astimezone(tz).date()), title=activity.title
        )
        rows.append(
            [InlineKeyboardButton(label[:60], callback_data=ActivityOpen(activity.id).build())]
        )
    text = "\n".join(lines) + (T.LIST_HINT if found else "\n" + T.LIST_EMPTY)
    if admin:
        rows.append(
            [InlineKeyboardButton(T.NEW_BUTTON, callback_data=ActivityNew(branch.id).build())]
        )
    context.outbox.message(context.db, chat_id, text, keyboard=InlineKeyboardMarkup(rows))


@staff_only
async def activity_command(update: Update, context: BotContext) -> None:
    """/activity: the activities with their counts (privately); in the group, a button there."""
    if is_group(update.effective_chat):
        link = context.services.deep_link(DEEP_LINK)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(T.OPEN_PRIVATE, url=link)]])
        reply(update, context, T.PRIVATE_ONLY, keyboard=keyboard)
        return
    await _open_list(update, context)


async def _open_list(update: Update, context: BotContext) -> None:
    user = update.effective_user
    chat = update.effective_chat
    branch = await branch_for(update, context, "staff")
    if branch is None or user is None or chat is None:
        return
    show_list(context, chat.id, branch, admin=await may_administer(context, user.id, branch))


async def start_link(update: Update, context: BotContext) -> None:
    """/start activity, from the group's button."""
    await activity_command(update, context)


async def list_pressed(update: Update, context: BotContext, pressed: ActivityList) -> None:
    user = update.effective_user
    chat = update.effective_chat
    branch = branches.get(context.db, pressed.branch)
    if (
        user is None
        or chat is None
        or branch is None
        or not await may_view(context, user.id, branch)
    ):
        _answer(update, context, C.NOT_STAFF)
        return
    _answer(update, context)
    show_list(context, chat.id, branch, admin=await may_administer(context, user.id, branch))


async def new_pressed(update: Update, context: BotContext, pressed: ActivityNew) -> None:
    user = update.effective_user
    branch = branches.get(context.db, pressed.branch)
    if (
        user is None
        or branch is None
        or not branch.active
        or not is_private(update.effective_chat)
        or not await may_administer(context, user.id, branch)
    ):
        _answer(update, context, C.NOT_ADMIN)
        return
    _answer(update, context)
    await flows.start(update, context, NEW, branch=branch)


def _actions(
    activity: Activity, phase: Phase, *, admin: bool, now: datetime
) -> InlineKeyboardMarkup:
    assert activity.id is not None
    aid = activity.id

    def button(
        label: str, action: Literal["sheet", "attend", "time", "place", "cancel"]
    ) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=ActivityAction(aid, action).build())

    rows = [[button(T.BUTTON_SHEET, "sheet")]]
    if admin and _attendance_open(activity, phase, now):
        rows[0].append(button(T.BUTTON_ATTEND, "attend"))
    if admin and phase in (Phase.OPEN, Phase.CLOSED, Phase.CHECKIN):
        rows.append([button(T.BUTTON_TIME, "time"), button(T.BUTTON_PLACE, "place")])
        rows.append([button(T.BUTTON_CANCEL, "cancel")])
    back = ActivityList(activity.branch_id).build()
    rows.append([InlineKeyboardButton(T.BUTTON_BACK, callback_data=back)])
    return InlineKeyboardMarkup(rows)


def _attendance_open(activity: Activity, phase: Phase, now: datetime) -> bool:
    plan = service.plan_of(activity)
    return (
        phase in (Phase.CHECKIN, Phase.OVER)
        and now <= activity.starts_at + rules.ATTENDANCE_FOR
        and plan.checkin_opens() <= now
    )


async def open_pressed(update: Update, context: BotContext, pressed: ActivityOpen) -> None:
    """An activity's full list, privately, with what the presser may do with it."""
    user = update.effective_user
    chat = update.effective_chat
    activity = store.get(context.db, pressed.activity)
    if activity is None:
        _answer(update, context, T.STALE)
        return
    branch = _branch_of(context, activity)
    if user is None or chat is None or not await may_view(context, user.id, branch):
        _answer(update, context, C.NOT_STAFF)
        return
    if not is_private(chat):
        _answer(update, context, C.EXPORT_PRIVATE_ONLY)
        return
    _answer(update, context)
    now = context.now()
    phase = service.phase_of(context.services, activity, now)
    parts = chunks(service.detail_lines(context.services, context.db, activity, now))
    admin = await may_administer(context, user.id, branch)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        keyboard = _actions(activity, phase, admin=admin, now=now) if last else None
        context.outbox.message(context.db, chat.id, part, keyboard=keyboard)


async def action_pressed(update: Update, context: BotContext, pressed: ActivityAction) -> None:
    """A button under an activity's list: download, attendance, change the time or place,
    cancel."""
    if pressed.action == "sheet":
        await _sheet(update, context, pressed)
        return
    user = update.effective_user
    chat = update.effective_chat
    activity = store.get(context.db, pressed.activity)
    if activity is None or activity.id is None:
        _answer(update, context, T.STALE)
        return
    branch = _branch_of(context, activity)
    if (
        user is None
        or chat is None
        or not is_private(chat)
        or not await may_administer(context, user.id, branch)
    ):
        _answer(update, context, C.NOT_ADMIN)
        return
    now = context.now()
    phase = service.phase_of(context.services, activity, now)
    if pressed.action == "attend":
        if not _attendance_open(activity, phase, now):
            late = now > activity.starts_at
            when = moment(service.plan_of(activity).checkin_opens(), _tz(context))
            _answer(
                update, context, T.ATTEND_TOO_LATE if late else fmt(T.ATTEND_NOT_YET, when=when)
            )
            return
        _answer(update, context)
        text, keyboard = attendance_view(context, activity, others=False, page=0)
        context.outbox.message(context.db, chat.id, text, keyboard=keyboard)
        return
    if phase in (Phase.OVER, Phase.CANCELLED):
        _answer(update, context, T.NOTHING_CHANGED)
        return
    _answer(update, context)
    spec, step = {
        "time": (CHANGE, "time"),
        "place": (CHANGE, "place"),
        "cancel": (CANCEL, "reason"),
    }[pressed.action]
    answers = {"activity": activity.id}
    await flows.start(update, context, spec, branch=branch, answers=answers, first=step)


@download_button
async def _sheet(update: Update, context: BotContext, pressed: ActivityAction) -> None:
    """The sign-up sheet, built in the background and sent privately."""
    user = update.effective_user
    chat = update.effective_chat
    query = update.callback_query
    activity = store.get(context.db, pressed.activity)
    if activity is None or activity.id is None:
        _answer(update, context, T.STALE)
        return
    assert user is not None and chat is not None and query is not None
    if not await may_view(context, user.id, _branch_of(context, activity)):
        _answer(update, context, C.NOT_STAFF)
        return
    _answer(update, context)
    context.outbox.message(context.db, chat.id, fmt(T.SHEET_WORKING, title=activity.title))
    context.services.jobs.add(
        context.db,
        SHEET_JOB,
        {"chat_id": chat.id, "activity_id": activity.id},
        key=f"{SHEET_JOB}:{query.id}",
    )


# --- attendance (签到) ----------------------------------------------------------------------------


def _attendance_people(
    context: BotContext, activity: Activity, others: bool
) -> list[tuple[Member, bool]]:
    """(member, checked in): those going, in list order; or everyone else invited."""
    assert activity.id is not None
    rows = store.answers(context.db, activity.id)
    if not others:
        return [(m, r.checked_in_at is not None) for r, m in rows if r.status == store.GOING]
    going = {m.id for r, m in rows if r.status == store.GOING}
    checked = {m.id for r, m in rows if r.checked_in_at is not None}
    invited = service.invited(context.services, context.db, activity.branch_id)
    return [(m, m.id in checked) for m in invited if m.id not in going]


def attendance_view(
    context: BotContext, activity: Activity, *, others: bool, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    assert activity.id is not None
    aid = activity.id
    people = _attendance_people(context, activity, others)
    pages = max(1, -(-len(people) // ATTENDANCE_PAGE))
    page = min(page, pages - 1)
    shown = people[page * ATTENDANCE_PAGE : (page + 1) * ATTENDANCE_PAGE]
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for member, there in shown:
        assert member.id is not None
        label = T.ATTEND_MEMBER.format(
            mark=T.ATTEND_YES if there else T.ATTEND_NO, name=member.name
        )
        row.append(
            InlineKeyboardButton(
                label, callback_data=AttendanceTap(aid, member.id, others, page).build()
            )
        )
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                T.ATTEND_LESS, callback_data=AttendancePage(aid, others, page - 1, False).build()
            )
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(
                T.ATTEND_MORE, callback_data=AttendancePage(aid, others, page + 1, False).build()
            )
        )
    if nav:
        rows.append(nav)
    switch = T.ATTEND_BACK if others else T.ATTEND_OTHERS
    rows.append(
        [
            InlineKeyboardButton(
                switch, callback_data=AttendancePage(aid, not others, 0, False).build()
            ),
            InlineKeyboardButton(
                T.ATTEND_DONE, callback_data=AttendancePage(aid, others, page, True).build()
            ),
        ]
    )
    if others:
        text = fmt(T.ATTEND_OTHERS_HEAD, title=activity.title)
    else:
        day = month_day(activity.starts_at.astimezone(_tz(context)).date())
        arrived = sum(1 for _, there in people if there)
        text = fmt(
            T.ATTEND_HEAD, title=activity.title, date=day, arrived=arrived, going=len(people)
        )
        if not people:
            text += "\n" + T.ATTEND_NOBODY
    return text, InlineKeyboardMarkup(rows)


async def _attendance_activity(
    update: Update, context: BotContext, activity_id: int
) -> Activity | None:
    """The activity whose attendance an admin is taking, or None after saying why not."""
    user = update.effective_user
    chat = update.effective_chat
    activity = store.get(context.db, activity_id)
    if activity is None or activity.id is None:
        _answer(update, context, T.STALE)
        return None
    if (
        user is None
        or chat is None
        or not is_private(chat)
        or not await may_administer(context, user.id, _branch_of(context, activity))
    ):
        _answer(update, context, C.NOT_ADMIN)
        return None
    now = context.now()
    if not _attendance_open(activity, service.phase_of(context.services, activity, now), now):
        _answer(
            update, context, T.ATTEND_TOO_LATE if now > activity.starts_at else T.TAP_ARRIVED_EARLY
        )
        return None
    return activity


def _edit(
    update: Update, context: BotContext, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or not isinstance(query.message, Message):
        return
    context.outbox.edit_text(context.db, chat.id, query.message.message_id, text, keyboard=keyboard)


async def attendance_tapped(update: Update, context: BotContext, pressed: AttendanceTap) -> None:
    """A name on the attendance list: there (✅), or not after all (⬜)."""
    activity = await _attendance_activity(update, context, pressed.activity)
    user = update.effective_user
    if activity is None or activity.id is None or user is None:
        return
    member = context.db.get(Member, pressed.member)
    if member is None or member.branch_id != activity.branch_id:
        _answer(update, context, T.STALE)
        return
    now = context.now()
    row = store.signup(context.db, activity.id, pressed.member)
    if row is not None and row.checked_in_at is not None:
        store.undo_check_in(context.db, activity.id, pressed.member)
    else:
        store.check_in(context.db, activity.id, pressed.member, by=user.id, now=now)
    _answer(update, context)
    service.refresh_card(context.services, context.db, activity, now)
    text, keyboard = attendance_view(context, activity, others=pressed.others, page=pressed.page)
    _edit(update, context, text, keyboard)


async def attendance_paged(update: Update, context: BotContext, pressed: AttendancePage) -> None:
    """Another page of the attendance list, the other list, or done."""
    activity = await _attendance_activity(update, context, pressed.activity)
    if activity is None or activity.id is None:
        return
    _answer(update, context)
    if pressed.done:
        counts = store.tally(context.db, activity.id)
        _edit(
            update,
            context,
            fmt(T.ATTEND_FINISHED, title=activity.title, arrived=counts.arrived),
            None,
        )
        return
    text, keyboard = attendance_view(context, activity, others=pressed.others, page=pressed.page)
    _edit(update, context, text, keyboard)


# --- the sign-up sheet (a background job) ---------------------------------------------------------

SHEET_JOB = "activities.sheet"


async def prepare_sheet(services: Services, payload: dict[str, Any]) -> Apply:
    chat_id, activity_id = int(payload["chat_id"]), int(payload["activity_id"])
    folder = exports.new_folder(
        services.settings, f"activity-{activity_id}", chat_id, services.now()
    )
    path = folder / "signup.xlsx"
    tz = services.settings.tz
    summary: SheetSummary | None = await exports.build(
        services.db,
        lambda session: build_signup_sheet(session, activity_id=activity_id, tz=tz, xlsx_path=path),
    )

    def deliver(session: Session) -> None:
        if summary is None:
            services.outbox.message(session, chat_id, T.STALE)
            return
        day = summary.starts_at.astimezone(tz).date().isoformat()
        services.outbox.document(
            session,
            chat_id,
            path,
            filename=exports.safe_filename("报名表", summary.title, day, ext="xlsx"),
            caption=fmt(
                T.SHEET_CAPTION,
                title=summary.title,
                people=summary.people,
                family=summary.family,
                waiting=summary.waiting,
            ),
            kind="activity.sheet",
            ref=activity_id,
        )

    return deliver


def sheet_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(session, int(payload["chat_id"]), T.SHEET_FAILED)


JOBS = {SHEET_JOB: JobKind(prepare_sheet, sheet_failed)}


# --- the menu ----------------------------------------------------------------------------------------


async def _menu_new(update: Update, context: BotContext, branch: Branch) -> None:
    await flows.start(update, context, NEW, branch=branch)


async def _menu_list(update: Update, context: BotContext, branch: Branch) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    show_list(context, chat.id, branch, admin=await may_administer(context, user.id, branch))


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=92,
        entries=[MenuEntry(T.MENU_NEW, _menu_new), MenuEntry(T.MENU_LIST, _menu_list, "staff")],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("activity", activity_command, filters=filters.UpdateType.MESSAGE),
        CommandHandler(
            "start",
            start_link,
            filters=filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+activity\s*$"),
        ),
        on(ActivityAnswer, answer_tapped),
        on(ActivityArrived, arrived_tapped),
        on(ActivityList, list_pressed),
        on(ActivityNew, new_pressed),
        on(ActivityOpen, open_pressed),
        on(ActivityAction, action_pressed),
        on(AttendanceTap, attendance_tapped),
        on(AttendancePage, attendance_paged),
    ]
