"""Changing an activity's time or place, or cancelling it: the flows `CHANGE` and `CANCEL`; members
who signed up are told privately."""

from __future__ import annotations

from bot.context import BotContext
from bot.core.activities import Phase
from bot.core.cn_format import moment
from bot.services import activities as service
from bot.texts import SafeHtml, fmt
from bot.texts import activities as T
from bot.texts import common as C
from handlers import flows
from handlers.activities.common import branch_of, branch_tz, stored_at
from handlers.activities.create import MAX_NOTES, checked_text, read_place, read_when
from handlers.common import (
    may_administer,
)
from handlers.flows import Choice, FlowSpec, State, Step
from storage import activities as store
from storage.models import Activity

# --- changing the time or the place, or cancelling ----------------------------------------------


def _activity_of(context: BotContext, state: State) -> Activity | None:
    found = store.get(context.db, int(state.answers["activity"]))
    return found if found is not None and found.status == store.OPEN else None


def _new_time_prompt(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    if activity is None:
        return T.NOTHING_CHANGED
    return fmt(
        T.ASK_NEW_TIME, title=activity.title, when=moment(activity.starts_at, branch_tz(context))
    )


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
        T.ASK_CANCEL_REASON,
        title=activity.title,
        when=moment(activity.starts_at, branch_tz(context)),
    )


def _reason_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.REASON_NONE, "")]


def _read_reason(text: str, context: BotContext, state: State) -> str:
    return checked_text(text, MAX_NOTES, T.BAD_NOTES)


def _confirm_next(state: State) -> str | None:
    return None


def _change_summary(context: BotContext, state: State) -> str:
    activity = _activity_of(context, state)
    if activity is None or activity.id is None:
        return T.NOTHING_CHANGED
    tz = branch_tz(context)
    count = len(store.signed_up(context.db, activity.id))
    if "time" in state.answers:
        new = stored_at(state.answers["time"])
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
    if not await may_administer(context, state.user_id, branch_of(context, activity)):
        return C.NOT_ADMIN
    services = context.services
    if "time" in state.answers:
        new = stored_at(state.answers["time"])
        assert new is not None
        if new == activity.starts_at:
            return T.SAME_TIME
        if new <= now:
            return fmt(T.PAST_WHEN, when=moment(new, branch_tz(context)))
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
            Step("time", _new_time_prompt, read=read_when, next=_confirm_next),
            Step("place", _new_place_prompt, read=read_place, next=_confirm_next),
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
