"""/birthday: a member records their own birthday (solar or lunar) and whether the group may
greet them, by typing it or, in a private chat, by tapping buttons."""

from __future__ import annotations

import calendar as solar_calendar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.core.calendar import LeapRule, next_birthday
from bot.core.care.options import CareSettings
from bot.core.cn_format import full_date, weekday
from bot.texts import care as T
from bot.texts import fmt
from bot.texts import people as P
from handlers.callbacks import (
    BirthdayCalendar,
    BirthdayDay,
    BirthdayDecade,
    BirthdayMenu,
    BirthdayMonth,
    BirthdayPublic,
    BirthdayRules,
    BirthdayYear,
    CallbackData,
    on,
)
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

DEEP_LINK = "birthday"
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
    return current_text(rows) + "\n" + T.BIRTHDAY_HELP


def rules_text(context: BotContext, rows: list[Member]) -> str:
    """How the day of the greeting is worked out (29 February, the 30th, leap months)."""
    rule = leap_rule_of(context, rows)
    return fmt(
        T.BIRTHDAY_RULES,
        leap_rule=T.LEAP_RULE_HELP_LEAP if rule is LeapRule.LEAP else T.LEAP_RULE_HELP_ORDINARY,
    )


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
                _button(T.BUTTON_SOLAR, BirthdayCalendar("S")),
                _button(T.BUTTON_LUNAR, BirthdayCalendar("L")),
            ],
            [
                _button(
                    T.BUTTON_MAKE_PRIVATE if public else T.BUTTON_MAKE_PUBLIC,
                    BirthdayPublic(not public),
                ),
                _button(T.BUTTON_RULES, BirthdayRules()),
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
    if not private and arg not in PRIVATE_WORDS | PUBLIC_WORDS:
        # A birthday is personal: nothing of it is repeated in the group.
        in_group(update, context, user, rows, arg)
        return
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


def in_group(update: Update, context: BotContext, user: User, rows: list[Member], arg: str) -> None:
    """/birthday in the group: the answer goes privately (what was typed is still recorded);
    the group hears only that, or gets a button to open the private chat."""
    text: str
    keyboard: InlineKeyboardMarkup | None = None
    saved = False
    if not arg:
        text, keyboard = help_text(context, rows), main_keyboard(rows)
    else:
        try:
            birth = parse_date(arg, today=context.services.local_now().date())
        except DateError as exc:
            text = fmt(T.BIRTHDAY_BAD, reason=exc.message)
        else:
            text, saved = save(context, rows, birth), True
    if branches.reachable_privately(context.db, [user.id]):
        context.outbox.message(context.db, user.id, text, keyboard=keyboard)
        reply(update, context, P.BIRTHDAY_GROUP_PRIVATE)
        return
    link = context.services.deep_link(DEEP_LINK)
    button = InlineKeyboardButton(P.BIRTHDAY_OPEN_PRIVATE, url=link)
    group_text = P.BIRTHDAY_GROUP_SAVED if saved else P.BIRTHDAY_GROUP_START
    reply(update, context, group_text, keyboard=InlineKeyboardMarkup([[button]]))


async def birthday_link(update: Update, context: BotContext) -> None:
    """/start birthday, from the group's button: the birthday screen, privately."""
    user = update.effective_user
    if user is None:
        return
    rows = await my_rows(update, context, user)
    if not rows:
        reply(update, context, T.BIRTHDAY_NOT_MEMBER)
        return
    reply(update, context, help_text(context, rows), keyboard=main_keyboard(rows))


def save(context: BotContext, rows: list[Member], birth: BirthDate) -> str:
    for row in rows:
        care_db.set_birth(row, birth)
    today = context.services.local_now().date()
    when, age = next_birthday(birth, today, leap_rule=leap_rule_of(context, rows))
    next_day = T.NEXT_BIRTHDAY.format(date=full_date(when), weekday=weekday(when), age=age)
    return fmt(T.BIRTHDAY_SAVED, birth=str(birth), next_day=next_day)


# --- buttons ---------------------------------------------------------------------------------


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.build())


def _rows_of(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _calendar(code: str) -> Calendar:
    return Calendar.SOLAR if code == "S" else Calendar.LUNAR


def _calendar_name(code: str) -> str:
    return T.SOLAR if code == "S" else T.LUNAR


def _month_days(pressed: BirthdayMonth | BirthdayDay, today_year: int) -> int | None:
    """How many days the chosen month has; None if no such month could be chosen."""
    if not FIRST_DECADE <= pressed.year <= today_year:
        return None
    if _calendar(pressed.calendar) is Calendar.SOLAR:
        return None if pressed.leap else solar_calendar.monthrange(pressed.year, pressed.month)[1]
    info = lunar_month(pressed.year, pressed.month, pressed.leap)
    return info.days if info is not None else None


Step = BirthdayCalendar | BirthdayDecade | BirthdayYear | BirthdayMonth | BirthdayDay


def step(pressed: Step, today_year: int) -> tuple[str, InlineKeyboardMarkup] | BirthDate | None:
    """The next question for a partly chosen birthday, or the chosen date; None if invalid."""
    code = pressed.calendar
    name = _calendar_name(code)
    if isinstance(pressed, BirthdayCalendar):
        decades = range(FIRST_DECADE, today_year + 1, 10)
        buttons = [
            _button(T.BUTTON_DECADE.format(decade=d), BirthdayDecade(code, d // 10))
            for d in decades
        ]
        back = _button(T.BUTTON_BACK, BirthdayMenu())
        return fmt(T.BIRTHDAY_CHOOSE_DECADE, calendar=name), InlineKeyboardMarkup(
            [*_rows_of(buttons, 3), [back]]
        )
    if isinstance(pressed, BirthdayDecade):
        decade = pressed.decade * 10
        years = [y for y in range(decade, decade + 10) if FIRST_DECADE <= y <= today_year]
        if not years:
            return None
        buttons = [_button(str(y), BirthdayYear(code, y)) for y in years]
        back = _button(T.BUTTON_BACK, BirthdayCalendar(code))
        return fmt(T.BIRTHDAY_CHOOSE_YEAR, calendar=name), InlineKeyboardMarkup(
            [*_rows_of(buttons, 5), [back]]
        )
    if isinstance(pressed, BirthdayYear):
        year = pressed.year
        if not FIRST_DECADE <= year <= today_year:
            return None
        back = _button(T.BUTTON_BACK, BirthdayDecade(code, year // 10))
        if _calendar(code) is Calendar.SOLAR:
            buttons = [_button(f"{m}月", BirthdayMonth(code, year, m, False)) for m in range(1, 13)]
        else:
            buttons = [
                _button(
                    lunar_month_name(m.month, m.leap), BirthdayMonth(code, year, m.month, m.leap)
                )
                for m in lunar_year_months(year)
            ]
        return fmt(T.BIRTHDAY_CHOOSE_MONTH, calendar=name, year=year), InlineKeyboardMarkup(
            [*_rows_of(buttons, 4), [back]]
        )
    days = _month_days(pressed, today_year)
    if days is None:
        return None
    if isinstance(pressed, BirthdayMonth):
        year, month, leap = pressed.year, pressed.month, pressed.leap
        solar = _calendar(code) is Calendar.SOLAR
        month_name = f"{month}月" if solar else lunar_month_name(month, leap)
        label = (lambda d: str(d)) if solar else lunar_day_name
        buttons = [
            _button(label(d), BirthdayDay(code, year, month, leap, d)) for d in range(1, days + 1)
        ]
        back = _button(T.BUTTON_BACK, BirthdayYear(code, year))
        return (
            fmt(T.BIRTHDAY_CHOOSE_DAY, calendar=name, year=year, month=month_name),
            InlineKeyboardMarkup([*_rows_of(buttons, 7), [back]]),
        )
    try:
        return BirthDate(_calendar(code), pressed.year, pressed.month, pressed.day, pressed.leap)
    except DateError:
        return None


async def _rows_and_message(
    update: Update, context: BotContext
) -> tuple[int, int, list[Member]] | None:
    """Answer the press; (chat, message, the presser's member rows), or None after saying they
    are no member."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return None
    context.outbox.answer_callback(context.db, chat.id, query.id)
    message_id = query.message.message_id if query.message is not None else None
    rows = await my_rows(update, context, user)
    if not rows or message_id is None:
        context.outbox.message(context.db, chat.id, T.BIRTHDAY_NOT_MEMBER)
        return None
    return chat.id, message_id, rows


async def menu_pressed(update: Update, context: BotContext, _: BirthdayMenu) -> None:
    """Back to the first page of /birthday."""
    found = await _rows_and_message(update, context)
    if found is not None:
        chat_id, message_id, rows = found
        context.outbox.edit_text(
            context.db, chat_id, message_id, help_text(context, rows), keyboard=main_keyboard(rows)
        )


async def rules_pressed(update: Update, context: BotContext, _: BirthdayRules) -> None:
    """The longer help, a tap away: how the day of the greeting is worked out."""
    found = await _rows_and_message(update, context)
    if found is not None:
        chat_id, _message_id, rows = found
        context.outbox.message(context.db, chat_id, rules_text(context, rows))


async def public_pressed(update: Update, context: BotContext, pressed: BirthdayPublic) -> None:
    """Whether the group may greet them on their birthday."""
    found = await _rows_and_message(update, context)
    if found is None:
        return
    chat_id, message_id, rows = found
    for row in rows:
        row.public_birthday = pressed.public
    text = T.BIRTHDAY_PUBLIC_SET if pressed.public else T.BIRTHDAY_PRIVATE_SET
    context.outbox.edit_text(
        context.db, chat_id, message_id, help_text(context, rows), keyboard=main_keyboard(rows)
    )
    context.outbox.message(context.db, chat_id, text)


async def step_pressed(update: Update, context: BotContext, pressed: Step) -> None:
    """A step of choosing one's birthday by buttons (private chat)."""
    found = await _rows_and_message(update, context)
    if found is None:
        return
    chat_id, message_id, rows = found
    today = context.services.local_now().date()
    result = step(pressed, today.year)
    if result is None:
        context.outbox.message(context.db, chat_id, T.BUTTON_EXPIRED)
    elif isinstance(result, BirthDate):
        if lunar_to_solar(result) > today:
            context.outbox.message(
                context.db, chat_id, fmt(T.BIRTHDAY_BAD, reason=f"{result}还没有到，请核对。")
            )
            return
        context.outbox.edit_text(context.db, chat_id, message_id, save(context, rows, result))
    else:
        text, keyboard = result
        context.outbox.edit_text(context.db, chat_id, message_id, text, keyboard=keyboard)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("birthday", birthday),
        CommandHandler(
            "start",
            birthday_link,
            filters=filters.ChatType.PRIVATE & filters.Regex(rf"^/start(@\w+)?\s+{DEEP_LINK}\s*$"),
        ),
        on(BirthdayMenu, menu_pressed),
        on(BirthdayRules, rules_pressed),
        on(BirthdayPublic, public_pressed),
        on(BirthdayCalendar, step_pressed),
        on(BirthdayDecade, step_pressed),
        on(BirthdayYear, step_pressed),
        on(BirthdayMonth, step_pressed),
        on(BirthdayDay, step_pressed),
    ]
