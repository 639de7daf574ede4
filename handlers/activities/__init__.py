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

One module per part: `create` (the flow making an activity), `change` (time, place, cancel),
`card` (the group card and its taps), `admin` (the list and an activity's page), `attendance`
(签到), `sheet` (the sign-up sheet job); `common` holds what they share.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.texts import activities as T
from handlers import flows
from handlers.activities.admin import (
    action_pressed,
    activity_command,
    list_pressed,
    new_pressed,
    open_pressed,
    show_list,
    start_link,
)
from handlers.activities.attendance import attendance_paged, attendance_tapped
from handlers.activities.card import answer_tapped, arrived_tapped
from handlers.activities.create import NEW
from handlers.activities.sheet import JOBS
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
from handlers.common import may_administer
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from storage.models import Branch

__all__ = ["COMMANDS", "JOBS", "build_handlers"]

COMMANDS = [Command("activity", T.CMD_ACTIVITY, "staff")]


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
