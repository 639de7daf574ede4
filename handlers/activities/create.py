"""Making an activity: the guided flow `NEW` (title, when, place, meeting point, notes, deadline,
capacity, family, public list), privately; the card goes to the group on 确认."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.context import BotContext
from bot.core import activities as rules
from bot.core.activities import Details
from bot.core.cn_format import clock, moment
from bot.core.cn_parse import ParseError, number, parse_date, parse_time, parse_when
from bot.services import activities as service
from bot.texts import SafeHtml, fmt
from bot.texts import activities as T
from bot.texts import common as C
from handlers import flows
from handlers.activities.common import branch_tz, stored_at
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from storage import activities as store
from storage import branches

MAX_TITLE = 40
MAX_PLACE = 60
MAX_NOTES = 200
MAX_CAPACITY = 500
DEADLINE_AT = time(18, 0)


# --- making an activity ------------------------------------------------------------------------


def _today(context: BotContext) -> date:
    return context.services.local_now().date()


def _starts(state: State) -> datetime:
    found = stored_at(state.answers.get("when"))
    assert found is not None
    return found


def _first_at(state: State) -> datetime:
    meet = stored_at(state.answers.get("meet_at"))
    return min(meet, _starts(state)) if meet is not None else _starts(state)


def _local(context: BotContext, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=branch_tz(context))


def checked_text(text: str, limit: int, error: str) -> str:
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
    return checked_text(text, MAX_TITLE, T.BAD_TITLE)


def _when_prompt(context: BotContext, state: State) -> str:
    return fmt(T.ASK_WHEN, title=state.answers["title"])


def read_when(text: str, context: BotContext, state: State) -> str:
    try:
        when = parse_when(text, _today(context))
    except ParseError as exc:
        raise InputError(exc.message) from None
    starts = _local(context, when.day, when.at)
    if starts <= context.now():
        raise InputError(fmt(T.PAST_WHEN, when=moment(starts, branch_tz(context))))
    return starts.isoformat()


def _place_prompt(context: BotContext, state: State) -> str:
    return T.ASK_PLACE


def read_place(text: str, context: BotContext, state: State) -> str:
    return checked_text(text, MAX_PLACE, T.BAD_PLACE)


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
            shown = clock(at.astimezone(branch_tz(context)))
            found.append(Choice(T.MEET_BEFORE[minutes].format(time=shown), at.isoformat()))
    return found


def _read_meet_time(text: str, context: BotContext, state: State) -> str:
    try:
        at = parse_time(text)
    except ParseError as exc:
        raise InputError(exc.message) from None
    starts = _starts(state)
    meet = _local(context, starts.astimezone(branch_tz(context)).date(), at)
    if meet >= starts or meet <= context.now():
        example = clock((starts - timedelta(minutes=30)).astimezone(branch_tz(context)))
        raise InputError(
            fmt(
                T.MEET_AFTER_START,
                start=clock(starts.astimezone(branch_tz(context))),
                example=example,
            )
        )
    return meet.isoformat()


def _notes_prompt(context: BotContext, state: State) -> str:
    return T.ASK_NOTES


def _notes_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.NOTES_NONE, "")]


def _read_notes(text: str, context: BotContext, state: State) -> str:
    return checked_text(text, MAX_NOTES, T.BAD_NOTES)


def _latest_deadline(state: State) -> datetime:
    """Sign-up must close before check-in opens (an hour before meeting)."""
    return _first_at(state) - rules.CHECKIN_BEFORE


def _deadline_prompt(context: BotContext, state: State) -> str:
    return T.ASK_DEADLINE


def _deadline_choices(context: BotContext, state: State) -> list[Choice]:
    day = _starts(state).astimezone(branch_tz(context)).date()
    found = []
    for days in (1, 2, 3, 7):
        at = _local(context, day - timedelta(days=days), DEADLINE_AT)
        if context.now() + timedelta(hours=1) < at <= _latest_deadline(state):
            shown = moment(at, branch_tz(context), with_weekday=False)
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
    tz = branch_tz(context)
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
        deadline=stored_at(a["deadline"]) or starts,
        capacity=a.get("capacity"),
        plus_one=bool(a.get("plus_one")),
        public_list=bool(a.get("public")),
        meet_place=a.get("meet_place") or None,
        meet_at=stored_at(a.get("meet_at")),
    )


def _summary(context: BotContext, state: State) -> str:
    assert state.branch is not None
    details = _details(state)
    return fmt(
        T.SUMMARY,
        title=details.title,
        details=SafeHtml(rules.detail_lines(details, branch_tz(context))),
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
        return fmt(T.PAST_WHEN, when=moment(details.starts_at, branch_tz(context)))
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
            Step("when", _when_prompt, read=read_when),
            Step("place", _place_prompt, read=read_place),
            Step(
                "meet_place",
                _meet_place_prompt,
                _meet_place_choices,
                read=read_place,
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
