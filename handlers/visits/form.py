"""The visit form: a guided flow (who, which kind, when, who went, what was brought, notes), and
[已走访] under the Monday digest opening it filled in."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, Update

from bot.context import BotContext
from bot.core.cn_format import day_text, month_day
from bot.core.cn_parse import ParseError, parse_date
from bot.core.visits import parse_amount
from bot.services import visits as service
from bot.texts import SafeHtml, fmt
from bot.texts import common as C
from bot.texts import visits as T
from handlers import flows
from handlers.callbacks import VisitFromDigest, VisitNew
from handlers.common import (
    answer_tap,
    is_private,
    may_view,
)
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from storage import branches, care, visits
from storage.models import Member

MAX_BUTTONS = 60  # more members than this: the name is typed
MAX_VISITORS = 100
MAX_GIFTS = 60
MAX_NOTES = 300
OLDEST = timedelta(days=2 * 366)


def _digest_button(suggestion: service.Suggestion) -> InlineKeyboardButton:
    label = T.DIGEST_BUTTON.format(
        name=suggestion.name, occasion=T.OCCASION_NAMES.get(suggestion.occasion, "")
    )
    data = VisitFromDigest(suggestion.member_id, suggestion.kind).build()
    return InlineKeyboardButton(label, callback_data=data)


service.use_buttons(_digest_button)


# --- the form --------------------------------------------------------------------------------


def today_of(context: BotContext) -> date:
    return context.services.local_now().date()


def _choosable(context: BotContext, branch_id: int) -> list[Member]:
    """Members to pick from: the branch's active members, staff accounts left out."""
    staff = set(context.settings.staff_ids)
    return [
        m
        for m in branches.members(context.db, branch_id)
        if m.user_id is None or m.user_id not in staff
    ]


def _member_prompt(context: BotContext, state: State) -> str:
    assert state.branch is not None and state.branch.id is not None
    many = len(_choosable(context, state.branch.id)) > MAX_BUTTONS
    return fmt(T.ASK_MEMBER_TYPE if many else T.ASK_MEMBER, branch=state.branch.title)


def _member_choices(context: BotContext, state: State) -> list[Choice]:
    assert state.branch is not None and state.branch.id is not None
    found = _choosable(context, state.branch.id)
    if len(found) > MAX_BUTTONS:
        return []
    return [Choice(m.name, m.id) for m in found]


def _read_member(text: str, context: BotContext, state: State) -> int:
    """A name typed: any member of the branch by that name, also one no longer active (a
    condolence visit)."""
    assert state.branch is not None and state.branch.id is not None
    key = care.name_key(text)
    everyone = care.all_members(context.db, state.branch.id)
    matches = [m for m in everyone if care.name_key(m.name) == key]
    active = [m for m in matches if m.active] or matches
    if len(active) == 1 and active[0].id is not None:
        return active[0].id
    if active:
        raise InputError(fmt(T.SEVERAL_MEMBERS, name=text[:30]))
    example = next((m.name for m in everyone if m.active), "王建国")
    raise InputError(fmt(T.NO_SUCH_MEMBER, name=text[:30], example=example))


def _member_of(context: BotContext, state: State) -> Member | None:
    member = context.db.get(Member, int(state.answers["member"]))
    if member is None or state.branch is None or member.branch_id != state.branch.id:
        return None
    return member


def _name(context: BotContext, state: State) -> str:
    member = _member_of(context, state)
    return member.name if member is not None else ""


def _kind_prompt(context: BotContext, state: State) -> str:
    return fmt(T.ASK_KIND, name=_name(context, state))


def _kind_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(label, key) for key, label in visits.KINDS.items()]


def _day_prompt(context: BotContext, state: State) -> str:
    return T.ASK_DAY


def _day_choices(context: BotContext, state: State) -> list[Choice]:
    today = today_of(context)
    return [
        Choice(template.format(date=month_day(day)), day.isoformat())
        for template, day in (
            (T.DAY_TODAY, today),
            (T.DAY_YESTERDAY, today - timedelta(days=1)),
            (T.DAY_BEFORE, today - timedelta(days=2)),
        )
    ]


def _read_day(text: str, context: BotContext, state: State) -> str:
    today = today_of(context)
    try:
        day = parse_date(text, today)
    except ParseError as exc:
        raise InputError(exc.message) from None
    if day > today:
        raise InputError(fmt(T.FUTURE_DAY, date=day_text(day)))
    if day < today - OLDEST:
        raise InputError(fmt(T.TOO_OLD, date=day_text(day, year=True)))
    return day.isoformat()


def _recorder(context: BotContext, state: State) -> str:
    person = branches.person(context.db, state.user_id)
    if person is None:
        return ""
    return (person.first_name + (person.last_name or "")).strip()


def _visitors_prompt(context: BotContext, state: State) -> str:
    return T.ASK_VISITORS


def _visitors_choices(context: BotContext, state: State) -> list[Choice]:
    found = []
    me = _recorder(context, state)
    if me:
        found.append(Choice(me, me))
    last = visits.last_visitors(context.db, state.user_id)
    if last and last != me:
        found.append(Choice(T.VISITORS_LAST.format(visitors=last)[:60], last))
    return found


def _text(text: str, limit: int, error: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > limit:
        raise InputError(error)
    return cleaned


def _read_visitors(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_VISITORS, T.BAD_VISITORS)


def _gifts_prompt(context: BotContext, state: State) -> str:
    return T.ASK_GIFTS


def _gifts_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(label, value) for label, value in T.GIFTS.items()]


def _read_gifts(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_GIFTS, T.BAD_GIFTS)


def _after_gifts(state: State) -> str | None:
    return "amount" if "慰问金" in str(state.answers.get("gifts", "")) else "notes"


def _amount_prompt(context: BotContext, state: State) -> str:
    return T.ASK_AMOUNT


def _amount_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.AMOUNT_NONE, None)]


def _read_amount(text: str, context: BotContext, state: State) -> int:
    amount = parse_amount(text)
    if amount is None:
        raise InputError(fmt(T.BAD_AMOUNT, text=text[:20]))
    return amount


def _notes_prompt(context: BotContext, state: State) -> str:
    return T.ASK_NOTES


def _notes_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(T.NOTES_NONE, "")]


def _read_notes(text: str, context: BotContext, state: State) -> str:
    return _text(text, MAX_NOTES, T.BAD_NOTES)


def _summary(context: BotContext, state: State) -> str:
    a = state.answers
    gifts = a.get("gifts") or T.SUMMARY_GIFTS_NONE
    amount = a.get("amount") if "慰问金" in str(a.get("gifts", "")) else None
    if amount:
        gifts += T.SUMMARY_AMOUNT.format(amount=amount)
    notes = fmt(T.SUMMARY_NOTES, notes=a["notes"]) if a.get("notes") else ""
    return fmt(
        T.SUMMARY,
        name=_name(context, state),
        kind=visits.KINDS[a["kind"]],
        date=day_text(date.fromisoformat(a["day"])),
        visitors=a.get("visitors") or "—",
        gifts=gifts,
        notes=SafeHtml(notes),
    )


async def _record(context: BotContext, state: State) -> str:
    member = _member_of(context, state)
    if member is None or member.id is None or state.branch is None or state.branch.id is None:
        return T.MEMBER_GONE
    if not await may_view(context, state.user_id, state.branch):
        return T.NOT_YOURS
    a = state.answers
    day = date.fromisoformat(a["day"])
    gifts = str(a.get("gifts") or "")
    visits.record(
        context.db,
        branch_id=state.branch.id,
        member_id=member.id,
        kind=a["kind"],
        visited_on=day,
        visitors=a.get("visitors") or "",
        gifts=gifts,
        amount=a.get("amount") if "慰问金" in gifts else None,
        notes=a.get("notes") or "",
        recorded_by=state.user_id,
        now=context.now(),
    )
    return fmt(T.RECORDED, name=member.name, kind=visits.KINDS[a["kind"]], date=month_day(day))


RECORD = flows.register(
    FlowSpec(
        kind="visit.new",
        steps=[
            Step("member", _member_prompt, _member_choices, read=_read_member, columns=3),
            Step("kind", _kind_prompt, _kind_choices, columns=2),
            Step("day", _day_prompt, _day_choices, read=_read_day, columns=1),
            Step("visitors", _visitors_prompt, _visitors_choices, read=_read_visitors, columns=1),
            Step(
                "gifts",
                _gifts_prompt,
                _gifts_choices,
                read=_read_gifts,
                columns=2,
                next=_after_gifts,
            ),
            Step("amount", _amount_prompt, _amount_choices, read=_read_amount, columns=1),
            Step("notes", _notes_prompt, _notes_choices, read=_read_notes, columns=1),
        ],
        summary=_summary,
        confirm=_record,
        confirm_label=T.RECORD_LABEL,
    )
)


async def from_digest(update: Update, context: BotContext, pressed: VisitFromDigest) -> None:
    """[已走访] under a suggestion of the Monday digest: the form, with who and why filled in."""
    user = update.effective_user
    member = context.db.get(Member, pressed.member)
    branch = branches.get(context.db, member.branch_id) if member is not None else None
    if member is None or branch is None or not branch.active:
        answer_tap(update, context, T.MEMBER_GONE)
        return
    if user is None or not is_private(update.effective_chat):
        answer_tap(update, context, C.NOT_STAFF)
        return
    if not await may_view(context, user.id, branch):
        answer_tap(update, context, C.NOT_STAFF)
        return
    answer_tap(update, context)
    answers = {"member": member.id, "kind": pressed.kind}
    await flows.start(update, context, RECORD, branch=branch, answers=answers, first="day")


async def new_pressed(update: Update, context: BotContext, pressed: VisitNew) -> None:
    user = update.effective_user
    branch = branches.get(context.db, pressed.branch)
    if (
        user is None
        or branch is None
        or not branch.active
        or not is_private(update.effective_chat)
        or not await may_view(context, user.id, branch)
    ):
        answer_tap(update, context, C.NOT_STAFF)
        return
    answer_tap(update, context)
    await flows.start(update, context, RECORD, branch=branch)
