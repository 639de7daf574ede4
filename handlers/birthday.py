"""/birthday: a member records their own birthday (solar or lunar) and whether the group may
greet them, by typing it or, in a private chat, by tapping buttons."""

from __future__ import annotations

import calendar as solar_calendar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Command
from bot.core.calendar import LeapRule, next_birthday
from bot.core.care.options import CareSettings
from bot.core.cn_format import full_date, weekday
from bot.texts import care as T
from bot.texts import fmt
from handlers.common import branches_of_user, current_branch, is_private, reply
from handlers.roster import claim_keyboard
from storage import branches
from storage import care as care_db
from storage.dates import (
    BirthDate,
    Calendar,
    DateError,
    lunar_day_name,
    lunar_month,
    lunar_month_name,
    lunar_to_solar,
    lunar_year_months,
    parse_date,
)
from storage.models import Member

COMMANDS = [Command("birthday", "登记生日（公历或农历），或设置生日不在群里公开")]

PRIVATE_WORDS = {"不公开", "私下", "保密", "private"}
PUBLIC_WORDS = {"公开", "public"}
FIRST_DECADE = 1920


async def my_rows(update: Update, context: BotContext, user: User) -> list[Member]:
    """The sender's member rows: this group's, or (privately) in every branch of theirs."""
    here = current_branch(update, context)
    found = [here] if here is not None else await branches_of_user(context, user)
    rows = []
    for branch in found:
        assert branch.id is not None
        row = branches.member(context.db, branch.id, user.id)
        if row is not None:
            rows.append(row)
    return rows


def leap_rule_of(context: BotContext, rows: list[Member]) -> LeapRule:
    for row in rows:
        branch = branches.get(context.db, row.branch_id)
        if branch is not None:
            return CareSettings.from_options(branches.options(branch)).leap_rule
    return LeapRule.ORDINARY


def help_text(context: BotContext, rows: list[Member]) -> str:
    rule = leap_rule_of(context, rows)
    text = fmt(
        T.BIRTHDAY_HELP,
        leap_rule=T.LEAP_RULE_HELP_LEAP if rule is LeapRule.LEAP else T.LEAP_RULE_HELP_ORDINARY,
    )
    return current_text(rows) + "\n\n" + text


def current_text(rows: list[Member]) -> str:
    row = rows[0]
    birth = care_db.birth_of(row)
    if birth is None:
        return T.BIRTHDAY_NONE
    public = T.PUBLIC_YES if row.public_birthday else T.PUBLIC_NO
    return fmt(T.BIRTHDAY_CURRENT, birth=str(birth), public=public)


def main_keyboard(rows: list[Member]) -> InlineKeyboardMarkup:
    public = all(r.public_birthday for r in rows)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(T.BUTTON_SOLAR, callback_data="care:bd:S"),
                InlineKeyboardButton(T.BUTTON_LUNAR, callback_data="care:bd:L"),
            ],
            [
                InlineKeyboardButton(
                    T.BUTTON_MAKE_PRIVATE if public else T.BUTTON_MAKE_PUBLIC,
                    callback_data="care:pub:0" if public else "care:pub:1",
                )
            ],
        ]
    )


async def birthday(update: Update, context: BotContext) -> None:
    """/birthday [date | 农历 date | 不公开 | 公开]."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    rows = await my_rows(update, context, user)
    if not rows:
        reply(update, context, T.BIRTHDAY_NOT_MEMBER)
        return
    arg = " ".join(context.args or []).strip()
    private = is_private(update.effective_chat)
    if not arg:
        reply(
            update,
            context,
            help_text(context, rows),
            keyboard=main_keyboard(rows) if private else None,
        )
        if private and not any(r.on_roster for r in rows):
            text, keyboard = await claim_keyboard(context, user)
            if keyboard is not None:
                reply(update, context, text, keyboard=keyboard)
        return
    if arg in PRIVATE_WORDS or arg in PUBLIC_WORDS:
        public = arg in PUBLIC_WORDS
        for row in rows:
            row.public_birthday = public
        text = T.BIRTHDAY_PUBLIC_SET if public else T.BIRTHDAY_PRIVATE_SET
        if not public and not branches.reachable_privately(context.db, [user.id]):
            text += T.BIRTHDAY_PRIVATE_NOT_STARTED
        reply(update, context, text)
        return
    today = context.services.local_now().date()
    try:
        birth = parse_date(arg, today=today)
    except DateError as exc:
        reply(update, context, fmt(T.BIRTHDAY_BAD, reason=exc.message))
        return
    reply(update, context, save(context, rows, birth))


def save(context: BotContext, rows: list[Member], birth: BirthDate) -> str:
    for row in rows:
        care_db.set_birth(row, birth)
    today = context.services.local_now().date()
    when, age = next_birthday(birth, today, leap_rule=leap_rule_of(context, rows))
    next_day = T.NEXT_BIRTHDAY.format(date=full_date(when), weekday=weekday(when), age=age)
    return fmt(T.BIRTHDAY_SAVED, birth=str(birth), next_day=next_day)


# --- buttons ---------------------------------------------------------------------------------


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _rows_of(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def step(parts: list[str], today_year: int) -> tuple[str, InlineKeyboardMarkup] | BirthDate | None:
    """The next question for a partly chosen birthday, or the chosen date; None if invalid."""
    cal = {"S": Calendar.SOLAR, "L": Calendar.LUNAR}.get(parts[0]) if parts else None
    if cal is None:
        return None
    name = T.SOLAR if cal is Calendar.SOLAR else T.LUNAR
    base = "care:bd:" + ":".join(parts)
    back = _button(
        T.BUTTON_BACK, "care:bd:" + ":".join(parts[:-1]) if len(parts) > 1 else "care:bd"
    )
    if len(parts) == 1:
        decades = range(FIRST_DECADE, today_year + 1, 10)
        buttons = [_button(T.BUTTON_DECADE.format(decade=d), f"{base}:{d // 10}") for d in decades]
        return fmt(T.BIRTHDAY_CHOOSE_DECADE, calendar=name), InlineKeyboardMarkup(
            [*_rows_of(buttons, 3), [back]]
        )
    value = parts[1]
    if len(value) == 3 and value.isdigit():
        decade = int(value) * 10
        years = [y for y in range(decade, decade + 10) if FIRST_DECADE <= y <= today_year]
        if not years:
            return None
        buttons = [_button(str(y), f"care:bd:{parts[0]}:{y}") for y in years]
        back = _button(T.BUTTON_BACK, f"care:bd:{parts[0]}")
        return fmt(T.BIRTHDAY_CHOOSE_YEAR, calendar=name), InlineKeyboardMarkup(
            [*_rows_of(buttons, 5), [back]]
        )
    if not (len(value) == 4 and value.isdigit()) or not FIRST_DECADE <= int(value) <= today_year:
        return None
    year = int(value)
    back = _button(T.BUTTON_BACK, f"care:bd:{parts[0]}:{year // 10}")
    if len(parts) == 2:
        if cal is Calendar.SOLAR:
            buttons = [_button(f"{m}月", f"{base}:{m}") for m in range(1, 13)]
        else:
            buttons = [
                _button(
                    lunar_month_name(m.month, m.leap), f"{base}:{m.month}{'L' if m.leap else ''}"
                )
                for m in lunar_year_months(year)
            ]
        return fmt(T.BIRTHDAY_CHOOSE_MONTH, calendar=name, year=year), InlineKeyboardMarkup(
            [*_rows_of(buttons, 4), [back]]
        )
    month_text = parts[2]
    leap = month_text.endswith("L")
    digits = month_text.removesuffix("L")
    if not digits.isdigit() or not 1 <= int(digits) <= 12 or (leap and cal is Calendar.SOLAR):
        return None
    month = int(digits)
    if cal is Calendar.SOLAR:
        days = solar_calendar.monthrange(year, month)[1]
        month_name = f"{month}月"
    else:
        info = lunar_month(year, month, leap)
        if info is None:
            return None
        days = info.days
        month_name = lunar_month_name(month, leap)
    back = _button(T.BUTTON_BACK, f"care:bd:{parts[0]}:{year}")
    if len(parts) == 3:
        label = (lambda d: str(d)) if cal is Calendar.SOLAR else lunar_day_name
        buttons = [_button(label(d), f"{base}:{d}") for d in range(1, days + 1)]
        return (
            fmt(T.BIRTHDAY_CHOOSE_DAY, calendar=name, year=year, month=month_name),
            InlineKeyboardMarkup([*_rows_of(buttons, 7), [back]]),
        )
    if len(parts) != 4 or not parts[3].isdigit():
        return None
    try:
        return BirthDate(cal, year, month, int(parts[3]), leap)
    except DateError:
        return None


async def birthday_button(update: Update, context: BotContext) -> None:
    """A step of choosing one's birthday by buttons (private chat)."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None or query.data is None:
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    message_id = query.message.message_id if query.message is not None else None
    rows = await my_rows(update, context, user)
    if not rows or message_id is None:
        context.outbox.message(context.db, chat.id, T.BIRTHDAY_NOT_MEMBER)
        return
    parts = query.data.split(":")[2:]
    if query.data.startswith("care:pub:"):
        public = parts[0] == "1"
        for row in rows:
            row.public_birthday = public
        text = T.BIRTHDAY_PUBLIC_SET if public else T.BIRTHDAY_PRIVATE_SET
        context.outbox.edit_text(
            context.db, chat.id, message_id, help_text(context, rows), keyboard=main_keyboard(rows)
        )
        context.outbox.message(context.db, chat.id, text)
        return
    if not parts:
        context.outbox.edit_text(
            context.db, chat.id, message_id, help_text(context, rows), keyboard=main_keyboard(rows)
        )
        return
    today = context.services.local_now().date()
    result = step(parts, today.year)
    if result is None:
        context.outbox.message(context.db, chat.id, T.BUTTON_EXPIRED)
    elif isinstance(result, BirthDate):
        if lunar_to_solar(result) > today:
            context.outbox.message(
                context.db, chat.id, fmt(T.BIRTHDAY_BAD, reason=f"{result}还没有到，请核对。")
            )
            return
        context.outbox.edit_text(context.db, chat.id, message_id, save(context, rows, result))
    else:
        text, keyboard = result
        context.outbox.edit_text(context.db, chat.id, message_id, text, keyboard=keyboard)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("birthday", birthday),
        CallbackQueryHandler(birthday_button, pattern=r"^care:(bd|pub)(:|$)"),
    ]
