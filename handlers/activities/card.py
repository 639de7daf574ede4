"""The card in the group: its buttons (big, one per row) and the taps on them (我参加 / 带家属参加 /
不参加, 我到了), each answered with a notice only the member sees."""

from __future__ import annotations

from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.core.activities import Phase
from bot.services import activities as service
from bot.texts import activities as T
from handlers.activities.common import branch_of
from handlers.callbacks import (
    ActivityAnswer,
    ActivityArrived,
)
from storage import activities as store
from storage import branches
from storage.models import Activity, Member

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


# --- taps on the card ------------------------------------------------------------------------------


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
    name = service.called(branch_of(context, activity), member)
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
    name = service.called(branch_of(context, activity), member)
    if store.check_in(context.db, activity.id, member.id, by=user.id, now=now):
        alert(T.TAP_ARRIVED.format(name=name))
        service.refresh_card(context.services, context.db, activity, now)
    else:
        alert(T.TAP_ARRIVED_AGAIN.format(name=name))
