"""A member's status, changed by tapping (admins, privately): which person, which status (在册 /
住院 / 调离 / 已故), for 已故 the day (今天, 昨天, or typed), then 确认; every change is logged
(storage/people.py). Opened from 更改状态 under the private /roster, the menu, or /status.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command
from bot.core.cn_parse import ParseError, parse_date
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import people as P
from handlers import flows
from handlers.callbacks import MemberStatusOpen, on
from handlers.common import admin_only, is_group, may_administer, reply
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from handlers.scope import branch_for
from storage import branches
from storage import care as care_db
from storage import people as people_db
from storage.models import Branch, Member

COMMANDS = [Command("status", P.CMD_STATUS, "admin")]


def _people(context: BotContext, state: State) -> list[Member]:
    """The branch's people: on the roster or in the group, and those who left or passed away
    (a 调离 can come back), in roster order."""
    assert state.branch is not None and state.branch.id is not None
    return [
        m
        for m in care_db.all_members(context.db, state.branch.id)
        if m.on_roster or m.active or people_db.is_gone(m)
    ]


def _member(context: BotContext, state: State) -> Member:
    found = care_db.get(context.db, int(state.answers["who"]))
    assert found is not None
    return found


def _status_name(status: str) -> str:
    return P.STATUS_NAMES.get(status, status)


def _who_prompt(context: BotContext, state: State) -> str:
    return P.ASK_WHO if _people(context, state) else P.NOBODY


def _who_choices(context: BotContext, state: State) -> list[Choice]:
    found = _people(context, state)[: flows.MAX_CHOICES]
    return [
        Choice(m.name + (f"（{people_db.label(m)}）" if people_db.label(m) else ""), m.id)
        for m in found
    ]


def _read_who(text: str, context: BotContext, state: State) -> Any:
    key = care_db.name_key(text)
    matches = [m for m in _people(context, state) if care_db.name_key(m.name) == key]
    if not matches:
        raise InputError(fmt(P.WHO_NOT_FOUND, name=text.strip()))
    return matches[0].id


def _status_prompt(context: BotContext, state: State) -> str:
    member = _member(context, state)
    shown = people_db.label(member) or _status_name(member.status)
    return fmt(P.ASK_STATUS, name=member.name, status=shown)


def _status_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(_status_name(s), s) for s in people_db.STATUSES]


def _after_status(state: State) -> str | None:
    return "day" if state.answers.get("status") == people_db.DECEASED else None


def _day_prompt(context: BotContext, state: State) -> str:
    return fmt(P.ASK_DAY, name=_member(context, state).name)


def _day_choices(context: BotContext, state: State) -> list[Choice]:
    today = context.services.local_now().date()
    return [
        Choice(P.DAY_TODAY, today.isoformat()),
        Choice(P.DAY_YESTERDAY, (today - timedelta(days=1)).isoformat()),
    ]


def _read_day(text: str, context: BotContext, state: State) -> Any:
    today = context.services.local_now().date()
    try:
        day = parse_date(text, today)
    except ParseError:
        raise InputError(P.BAD_DAY) from None
    if day > today and not re.search(r"\d{4}", text):
        # "11月20日" written in December means the November just past.
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:
            day = day.replace(year=day.year - 1, day=28)
    if day > today:
        raise InputError(P.FUTURE_DAY)
    return day.isoformat()


def _summary(context: BotContext, state: State) -> str:
    member = _member(context, state)
    status = state.answers["status"]
    new = _status_name(status)
    if status == people_db.DECEASED and state.answers.get("day"):
        new = f"{new} {state.answers['day']}"
    old = people_db.label(member) or _status_name(member.status)
    return fmt(P.SUMMARY, name=member.name, old=old, new=new) + "\n" + P.WHAT_HAPPENS[status]


async def _confirm(context: BotContext, state: State) -> str:
    assert state.branch is not None
    member = _member(context, state)
    status = state.answers["status"]
    day = state.answers.get("day") if status == people_db.DECEASED else None
    today = context.services.local_now().date()
    since = date.fromisoformat(day) if day else (None if status == people_db.PRESENT else today)
    changed = people_db.set_status(
        context.db,
        member,
        status,
        since=since,
        by=state.user_id,
        source="button",
        now=context.now(),
    )
    shown = people_db.label(member) or _status_name(member.status)
    return fmt(P.SAVED if changed else P.UNCHANGED, name=member.name, status=shown)


STATUS_FLOW = flows.register(
    FlowSpec(
        kind="member_status",
        steps=[
            Step("who", _who_prompt, _who_choices, read=_read_who, columns=2),
            Step("status", _status_prompt, _status_choices, columns=2, next=_after_status),
            Step("day", _day_prompt, _day_choices, read=_read_day, columns=2),
        ],
        summary=_summary,
        confirm=_confirm,
    )
)


def status_keyboard(branch: Branch) -> InlineKeyboardMarkup | None:
    """更改状态, under the private /roster."""
    if branch.id is None:
        return None
    data = MemberStatusOpen(branch.id).build()
    return InlineKeyboardMarkup([[InlineKeyboardButton(P.STATUS_BUTTON, callback_data=data)]])


async def open_status_flow(update: Update, context: BotContext, branch: Branch) -> None:
    """The status flow for `branch` (the menu's 名单与生日 section offers it)."""
    await flows.start(update, context, STATUS_FLOW, branch=branch)


async def open_pressed(update: Update, context: BotContext, pressed: MemberStatusOpen) -> None:
    """更改状态 under the private /roster: the status flow for that branch."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    branch = branches.get(context.db, pressed.branch)
    if branch is None or not branch.active or not await may_administer(context, user.id, branch):
        context.outbox.answer_callback(context.db, chat.id, query.id, C.NOT_ADMIN)
        return
    context.outbox.answer_callback(context.db, chat.id, query.id)
    await flows.start(update, context, STATUS_FLOW, branch=branch)


@admin_only
async def status_command(update: Update, context: BotContext) -> None:
    """/status: change a member's status, by tapping (privately)."""
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    if is_group(update.effective_chat):
        reply(update, context, P.STATUS_PRIVATE_ONLY)
        return
    await flows.start(update, context, STATUS_FLOW, branch=branch)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("status", status_command, filters=filters.UpdateType.MESSAGE),
        on(MemberStatusOpen, open_pressed),
    ]
