"""Attendance (签到) on the day: the admin ticks who came, page by page."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.context import BotContext
from bot.core.cn_format import month_day
from bot.services import activities as service
from bot.texts import activities as T
from bot.texts import common as C
from bot.texts import fmt
from handlers.activities.common import attendance_open, branch_of, branch_tz
from handlers.callbacks import (
    AttendancePage,
    AttendanceTap,
)
from handlers.common import (
    answer_tap,
    is_private,
    may_administer,
)
from storage import activities as store
from storage.models import Activity, Member

ATTENDANCE_PAGE = 30


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
        day = month_day(activity.starts_at.astimezone(branch_tz(context)).date())
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
        answer_tap(update, context, T.STALE)
        return None
    if (
        user is None
        or chat is None
        or not is_private(chat)
        or not await may_administer(context, user.id, branch_of(context, activity))
    ):
        answer_tap(update, context, C.NOT_ADMIN)
        return None
    now = context.now()
    if not attendance_open(activity, service.phase_of(context.services, activity, now), now):
        answer_tap(
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
        answer_tap(update, context, T.STALE)
        return
    now = context.now()
    row = store.signup(context.db, activity.id, pressed.member)
    if row is not None and row.checked_in_at is not None:
        store.undo_check_in(context.db, activity.id, pressed.member)
    else:
        store.check_in(context.db, activity.id, pressed.member, by=user.id, now=now)
    answer_tap(update, context)
    service.refresh_card(context.services, context.db, activity, now)
    text, keyboard = attendance_view(context, activity, others=pressed.others, page=pressed.page)
    _edit(update, context, text, keyboard)


async def attendance_paged(update: Update, context: BotContext, pressed: AttendancePage) -> None:
    """Another page of the attendance list, the other list, or done."""
    activity = await _attendance_activity(update, context, pressed.activity)
    if activity is None or activity.id is None:
        return
    answer_tap(update, context)
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
