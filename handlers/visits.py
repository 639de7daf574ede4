"""走访慰问台账: staff and admins record a visit in a few taps, privately (who, which kind, when,
who went, what was brought, notes); [已走访] under the Monday digest opens the same form filled
in; /visits shows the year's figures and downloads the ledger of a period or the per-person
summary (built by background jobs, sent privately).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext, Command, Services
from bot.core.cn_format import date_range, day_text, month_day
from bot.core.cn_parse import ParseError, parse_date
from bot.core.visits import parse_amount
from bot.runtime.jobs import Apply, JobKind
from bot.services import exports
from bot.services import visits as service
from bot.texts import SafeHtml, fmt
from bot.texts import common as C
from bot.texts import visits as T
from handlers import flows
from handlers.callbacks import VisitExport, VisitFromDigest, VisitNew, on
from handlers.common import (
    command_text,
    download_button,
    is_group,
    is_private,
    may_view,
    reply,
    staff_only,
)
from handlers.flows import Choice, FlowSpec, InputError, State, Step
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.scope import branch_for
from storage import branches, care, visits
from storage.exports import visits as visit_exports
from storage.models import Branch, Member

COMMANDS = [Command("visits", T.CMD_VISITS, "staff")]
DEEP_LINK = "visits"
MAX_BUTTONS = 60  # more members than this: the name is typed
Period = Literal["m1", "m3", "y", "ly", "a", "pp"]
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


def _today(context: BotContext) -> date:
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
    today = _today(context)
    return [
        Choice(template.format(date=month_day(day)), day.isoformat())
        for template, day in (
            (T.DAY_TODAY, today),
            (T.DAY_YESTERDAY, today - timedelta(days=1)),
            (T.DAY_BEFORE, today - timedelta(days=2)),
        )
    ]


def _read_day(text: str, context: BotContext, state: State) -> str:
    today = _today(context)
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


def _answer(update: Update, context: BotContext, text: str | None = None) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is not None and chat is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)


async def from_digest(update: Update, context: BotContext, pressed: VisitFromDigest) -> None:
    """[已走访] under a suggestion of the Monday digest: the form, with who and why filled in."""
    user = update.effective_user
    member = context.db.get(Member, pressed.member)
    branch = branches.get(context.db, member.branch_id) if member is not None else None
    if member is None or branch is None or not branch.active:
        _answer(update, context, T.MEMBER_GONE)
        return
    if user is None or not is_private(update.effective_chat):
        _answer(update, context, C.NOT_STAFF)
        return
    if not await may_view(context, user.id, branch):
        _answer(update, context, C.NOT_STAFF)
        return
    _answer(update, context)
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
        _answer(update, context, C.NOT_STAFF)
        return
    _answer(update, context)
    await flows.start(update, context, RECORD, branch=branch)


# --- /visits and the downloads ------------------------------------------------------------------


def show_overview(context: BotContext, chat_id: int, branch: Branch) -> None:
    assert branch.id is not None
    today = _today(context)
    text = service.overview(context.db, branch, today.year) + T.OVERVIEW_HINT
    rows = [[InlineKeyboardButton(T.BUTTON_NEW, callback_data=VisitNew(branch.id).build())]]
    pairs: tuple[tuple[Period, Period], ...] = (("m1", "m3"), ("y", "ly"), ("a", "pp"))
    for pair in pairs:
        rows.append(
            [
                InlineKeyboardButton(
                    T.BUTTON_PERIODS[what], callback_data=VisitExport(branch.id, what).build()
                )
                for what in pair
            ]
        )
    context.outbox.message(context.db, chat_id, text, keyboard=InlineKeyboardMarkup(rows))


_RANGE_SPLIT = re.compile(r"\s*(?:至|到|~|～|—)\s*|\s+")


def _read_range(text: str, today: date) -> tuple[date, date] | None:
    parts = [p for p in _RANGE_SPLIT.split(text.strip()) if p]
    if len(parts) != 2:
        return None
    try:
        return parse_date(parts[0], today), parse_date(parts[1], today)
    except ParseError:
        return None


@staff_only
async def visits_command(update: Update, context: BotContext) -> None:
    """/visits: the year's visits and the downloads (privately); `/visits 1月1日 6月30日`
    downloads the ledger of those days."""
    if is_group(update.effective_chat):
        link = context.services.deep_link(DEEP_LINK)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(T.OPEN_PRIVATE, url=link)]])
        reply(update, context, T.PRIVATE_ONLY, keyboard=keyboard)
        return
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None:
        return
    wanted = command_text(message) if message.text and message.text.startswith("/visits") else ""
    span: tuple[date, date] | None = None
    if wanted:
        span = _read_range(wanted, _today(context))
        if span is None:
            reply(update, context, fmt(T.BAD_RANGE, text=wanted[:40]))
            return
        if span[0] > span[1]:
            reply(update, context, T.RANGE_BACKWARDS)
            return
    branch = await branch_for(update, context, "staff")
    if branch is None or branch.id is None:
        return
    if span is None:
        show_overview(context, chat.id, branch)
        return
    _queue_ledger(context, chat.id, branch, span[0], span[1], key=f"{message.message_id}")


async def start_link(update: Update, context: BotContext) -> None:
    """/start visits, from the group's button."""
    await visits_command(update, context)


def _queue_ledger(
    context: BotContext,
    chat_id: int,
    branch: Branch,
    since: date | None,
    until: date | None,
    *,
    key: str,
) -> None:
    assert branch.id is not None
    what = (
        fmt(T.LEDGER_WHAT, range=date_range(since, until, year=True))
        if since is not None and until is not None
        else T.LEDGER_ALL
    )
    context.outbox.message(context.db, chat_id, fmt(T.WORKING, what=what))
    payload = {
        "chat_id": chat_id,
        "branch_id": branch.id,
        "what": "ledger",
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "label": what,
        "stem": f"走访台账_{branch.title}_{since or '全部'}_{until or _today(context)}",
    }
    context.services.jobs.add(context.db, JOB, payload, key=f"{JOB}:{chat_id}:{key}")


@download_button
async def export_pressed(update: Update, context: BotContext, pressed: VisitExport) -> None:
    """A download under /visits: the ledger of a period, or the per-person summary."""
    user = update.effective_user
    chat = update.effective_chat
    query = update.callback_query
    branch = branches.get(context.db, pressed.branch)
    assert user is not None and chat is not None and query is not None
    if branch is None or branch.id is None or not await may_view(context, user.id, branch):
        _answer(update, context, C.NOT_STAFF)
        return
    _answer(update, context)
    today = _today(context)
    if pressed.what == "pp":
        what = fmt(T.SUMMARY_WHAT, year=today.year)
        context.outbox.message(context.db, chat.id, fmt(T.WORKING, what=what))
        payload = {
            "chat_id": chat.id,
            "branch_id": branch.id,
            "what": "summary",
            "year": today.year,
            "label": what,
            "stem": f"走访汇总_{branch.title}_{today.year}",
        }
        context.services.jobs.add(context.db, JOB, payload, key=f"{JOB}:{query.id}")
        return
    since: date | None
    until: date | None = today
    if pressed.what == "m1":
        since = today.replace(day=1)
    elif pressed.what == "m3":
        since = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    elif pressed.what == "y":
        since = date(today.year, 1, 1)
    elif pressed.what == "ly":
        since, until = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    else:
        since = until = None
    _queue_ledger(context, chat.id, branch, since, until, key=query.id)


JOB = "visits.export"


async def prepare_export(services: Services, payload: dict[str, Any]) -> Apply:
    """Write the ledger or the summary in a worker thread; then send it privately."""
    chat_id, branch_id = int(payload["chat_id"]), int(payload["branch_id"])
    folder = exports.new_folder(services.settings, "visits", chat_id, services.now())
    path = folder / "visits.xlsx"
    tz = services.settings.tz
    staff = set(services.settings.staff_ids)

    def build(session: Session) -> int:
        if payload["what"] == "summary":
            members = [
                m
                for m in branches.members(session, branch_id)
                if m.user_id is None or m.user_id not in staff
            ]
            return visit_exports.build_summary(
                session,
                branch_id=branch_id,
                members=members,
                year=int(payload["year"]),
                xlsx_path=path,
            )
        return visit_exports.build_ledger(
            session,
            branch_id=branch_id,
            since=date.fromisoformat(payload["since"]) if payload.get("since") else None,
            until=date.fromisoformat(payload["until"]) if payload.get("until") else None,
            tz=tz,
            xlsx_path=path,
        )

    rows = await exports.build(services.db, build)
    label = str(payload["label"])

    def deliver(session: Session) -> None:
        if payload["what"] == "ledger" and rows == 0:
            services.outbox.message(session, chat_id, fmt(T.EMPTY, what=label))
            return
        caption = (
            fmt(T.SUMMARY_CAPTION, what=label, people=rows)
            if payload["what"] == "summary"
            else fmt(T.LEDGER_CAPTION, what=label, rows=rows)
        )
        services.outbox.document(
            session,
            chat_id,
            path,
            filename=exports.safe_filename(str(payload["stem"]), ext="xlsx"),
            caption=caption,
            kind="visits.export",
            ref=branch_id,
        )

    return deliver


def export_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(session, int(payload["chat_id"]), T.FAILED)


JOBS = {JOB: JobKind(prepare_export, export_failed)}


# --- the menu -------------------------------------------------------------------------------------


async def _menu_new(update: Update, context: BotContext, branch: Branch) -> None:
    await flows.start(update, context, RECORD, branch=branch)


async def _menu_ledger(update: Update, context: BotContext, branch: Branch) -> None:
    chat = update.effective_chat
    if chat is not None:
        show_overview(context, chat.id, branch)


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=94,
        entries=[
            MenuEntry(T.MENU_NEW, _menu_new, "staff"),
            MenuEntry(T.MENU_LEDGER, _menu_ledger, "staff"),
        ],
    )
)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("visits", visits_command, filters=filters.UpdateType.MESSAGE),
        CommandHandler(
            "start",
            start_link,
            filters=filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+visits\s*$"),
        ),
        on(VisitFromDigest, from_digest),
        on(VisitNew, new_pressed),
        on(VisitExport, export_pressed),
    ]
