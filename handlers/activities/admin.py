"""The admins' list of activities (`/activity`, the menu), an activity's page and its actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.core.activities import Phase
from bot.core.cn_format import moment, month_day
from bot.services import activities as service
from bot.texts import activities as T
from bot.texts import common as C
from bot.texts import fmt
from handlers import flows
from handlers.activities.attendance import attendance_view
from handlers.activities.change import CANCEL, CHANGE
from handlers.activities.common import attendance_open, branch_of, branch_tz
from handlers.activities.create import NEW
from handlers.activities.sheet import SHEET_JOB
from handlers.callbacks import (
    ActivityAction,
    ActivityList,
    ActivityNew,
    ActivityOpen,
)
from handlers.common import (
    answer_tap,
    chunks,
    download_button,
    is_group,
    is_private,
    may_administer,
    may_view,
    reply,
    staff_only,
)
from handlers.scope import branch_for
from storage import activities as store
from storage import branches
from storage.models import Activity, Branch

DEEP_LINK = "activity"


# --- the admins' list ----------------------------------------------------------------------------


def show_list(context: BotContext, chat_id: int, branch: Branch, *, admin: bool) -> None:
    """The branch's activities of the last month and to come, with counts, one button each."""
    assert branch.id is not None
    since = context.now() - timedelta(days=30)
    found = store.of_branch(context.db, branch.id, since=since)
    tz = branch_tz(context)
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
        answer_tap(update, context, C.NOT_STAFF)
        return
    answer_tap(update, context)
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
        answer_tap(update, context, C.NOT_ADMIN)
        return
    answer_tap(update, context)
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
    if admin and attendance_open(activity, phase, now):
        rows[0].append(button(T.BUTTON_ATTEND, "attend"))
    if admin and phase in (Phase.OPEN, Phase.CLOSED, Phase.CHECKIN):
        rows.append([button(T.BUTTON_TIME, "time"), button(T.BUTTON_PLACE, "place")])
        rows.append([button(T.BUTTON_CANCEL, "cancel")])
    back = ActivityList(activity.branch_id).build()
    rows.append([InlineKeyboardButton(T.BUTTON_BACK, callback_data=back)])
    return InlineKeyboardMarkup(rows)


async def open_pressed(update: Update, context: BotContext, pressed: ActivityOpen) -> None:
    """An activity's full list, privately, with what the presser may do with it."""
    user = update.effective_user
    chat = update.effective_chat
    activity = store.get(context.db, pressed.activity)
    if activity is None:
        answer_tap(update, context, T.STALE)
        return
    branch = branch_of(context, activity)
    if user is None or chat is None or not await may_view(context, user.id, branch):
        answer_tap(update, context, C.NOT_STAFF)
        return
    if not is_private(chat):
        answer_tap(update, context, C.EXPORT_PRIVATE_ONLY)
        return
    answer_tap(update, context)
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
        answer_tap(update, context, T.STALE)
        return
    branch = branch_of(context, activity)
    if (
        user is None
        or chat is None
        or not is_private(chat)
        or not await may_administer(context, user.id, branch)
    ):
        answer_tap(update, context, C.NOT_ADMIN)
        return
    now = context.now()
    phase = service.phase_of(context.services, activity, now)
    if pressed.action == "attend":
        if not attendance_open(activity, phase, now):
            late = now > activity.starts_at
            when = moment(service.plan_of(activity).checkin_opens(), branch_tz(context))
            answer_tap(
                update, context, T.ATTEND_TOO_LATE if late else fmt(T.ATTEND_NOT_YET, when=when)
            )
            return
        answer_tap(update, context)
        text, keyboard = attendance_view(context, activity, others=False, page=0)
        context.outbox.message(context.db, chat.id, text, keyboard=keyboard)
        return
    if phase in (Phase.OVER, Phase.CANCELLED):
        answer_tap(update, context, T.NOTHING_CHANGED)
        return
    answer_tap(update, context)
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
        answer_tap(update, context, T.STALE)
        return
    assert user is not None and chat is not None and query is not None
    if not await may_view(context, user.id, branch_of(context, activity)):
        answer_tap(update, context, C.NOT_STAFF)
        return
    answer_tap(update, context)
    context.outbox.message(context.db, chat.id, fmt(T.SHEET_WORKING, title=activity.title))
    context.services.jobs.add(
        context.db,
        SHEET_JOB,
        {"chat_id": chat.id, "activity_id": activity.id},
        key=f"{SHEET_JOB}:{query.id}",
    )
