"""Guided flows: a task done as a short conversation of steps, each one message with big
buttons, so that an admin never has to type a command's syntax.

A flow (`FlowSpec`) is a list of steps and a confirmation. Each step shows a question with one
button per common answer (`Choice`), and may also accept a typed answer (`Step.read`, which
raises `InputError` with an example when it does not understand). Every step has 返回 and 取消;
the last page is a summary with 确认, and nothing is saved or sent before 确认 (the flow's
`confirm` does it, in the transaction of that tap). A tapped step's message keeps the question
and shows the answer, so the chat reads as a record of what was chosen.

The state lives in the database (`storage.flows`, one flow per person), so a restart loses
nothing. Each step shown gets a new version and its buttons carry it: a button of an earlier
step, of a replaced flow, or of someone else is answered politely and changes nothing. A flow
left alone for `bot.core.flows.LIFETIME` (30 minutes) expires quietly: its buttons then say so, and what the person types
goes to whatever else would take it.

A feature declares its flows with `register(FlowSpec(...))` at import and starts one with
`await start(update, context, SPEC, branch=...)`. `confirm` must check the world again (another
admin may have done the same meanwhile) and say what it did.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.core import flows as lifetime
from bot.runtime.current import CURRENT
from bot.texts import flows as T
from bot.texts import fmt
from handlers.callbacks import FlowTap, on
from handlers.common import is_private
from storage import branches, outbox
from storage import flows as store
from storage.models import Branch, Flow

CONFIRM_STEP = "__confirm__"
MAX_CHOICES = 100  # FlowTap.index


@dataclass(frozen=True)
class Choice:
    """One answer offered as a button: its label (plain text) and the value it stands for."""

    label: str
    value: Any  # JSON-serialisable


class InputError(ValueError):
    """A typed answer the step cannot take; `html` says why, with an example that works."""

    def __init__(self, html: str) -> None:
        super().__init__(html)
        self.html = html


@dataclass
class State:
    """What a step sees: the flow's branch and the answers so far (by step key)."""

    flow_id: int
    kind: str
    user_id: int
    chat_id: int
    branch: Branch | None
    answers: dict[str, Any]
    started_at: datetime


Text = Callable[[BotContext, State], str]


def _no_choices(context: BotContext, state: State) -> Sequence[Choice]:
    return ()


@dataclass(frozen=True)
class Step:
    """One question. Its answer is stored under `key`; `next` picks the following step's key
    (None: the confirmation); by default the flow goes on in the order the steps are listed."""

    key: str
    prompt: Text
    choices: Callable[[BotContext, State], Sequence[Choice]] = _no_choices
    read: Callable[[str, BotContext, State], Any] | None = None
    columns: int = 2
    next: Callable[[State], str | None] | None = None


@dataclass(frozen=True)
class FlowSpec:
    """A task as a flow: its steps, the summary shown with 确认, and what 确认 does (returns the
    text to answer with)."""

    kind: str
    steps: Sequence[Step]
    summary: Text
    confirm: Callable[[BotContext, State], Awaitable[str]]
    confirm_label: str = T.CONFIRM
    by_key: Mapping[str, Step] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {s.key: s for s in self.steps})

    def after(self, step: Step, state: State) -> str:
        if step.next is not None:
            return step.next(state) or CONFIRM_STEP
        keys = [s.key for s in self.steps]
        at = keys.index(step.key)
        return keys[at + 1] if at + 1 < len(keys) else CONFIRM_STEP


REGISTRY: dict[str, FlowSpec] = {}


def register(spec: FlowSpec) -> FlowSpec:
    if spec.kind in REGISTRY and REGISTRY[spec.kind] is not spec:
        raise ValueError(f"flow kind {spec.kind!r} registered twice")
    REGISTRY[spec.kind] = spec
    return spec


# --- showing a step ---------------------------------------------------------------------------


def _state(context: BotContext, flow: Flow) -> State:
    assert flow.id is not None
    data = store.data_of(flow)
    branch = branches.get(context.db, flow.branch_id) if flow.branch_id is not None else None
    return State(
        flow_id=flow.id,
        kind=flow.kind,
        user_id=flow.user_id,
        chat_id=flow.chat_id,
        branch=branch,
        answers=dict(data.get("answers", {})),
        started_at=flow.started_at,
    )


def _path(flow: Flow) -> list[str]:
    return list(store.data_of(flow).get("path", []))


def _buttons(
    flow: Flow, version: int, choices: Sequence[Choice], columns: int, *, confirm: str | None
) -> InlineKeyboardMarkup:
    assert flow.id is not None
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for index, choice in enumerate(choices[:MAX_CHOICES]):
        row.append(
            InlineKeyboardButton(
                choice.label, callback_data=FlowTap(flow.id, version, "o", index).build()
            )
        )
        if len(row) >= max(1, columns):
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    if confirm is not None:
        rows.append(
            [InlineKeyboardButton(confirm, callback_data=FlowTap(flow.id, version, "c", 0).build())]
        )
    nav = []
    if _path(flow) or confirm is not None:
        nav.append(
            InlineKeyboardButton(T.BACK, callback_data=FlowTap(flow.id, version, "b", 0).build())
        )
    nav.append(
        InlineKeyboardButton(T.CANCEL, callback_data=FlowTap(flow.id, version, "x", 0).build())
    )
    rows.append(nav)
    return InlineKeyboardMarkup(rows)


def _show(context: BotContext, spec: FlowSpec, flow: Flow) -> None:
    """Send the flow's current step (or its confirmation) as a new message."""
    state = _state(context, flow)
    if flow.step == CONFIRM_STEP:
        text = spec.summary(context, state) + T.CONFIRM_ASK
        keyboard = _buttons(flow, flow.version, (), 1, confirm=spec.confirm_label)
    else:
        step = spec.by_key[flow.step]
        text = step.prompt(context, state)
        if step.read is not None and step.choices(context, state):
            text += T.TYPE_HINT
        keyboard = _buttons(
            flow, flow.version, step.choices(context, state), step.columns, confirm=None
        )
    context.outbox.message(
        context.db,
        flow.chat_id,
        text,
        keyboard=keyboard,
        dedupe_key=f"flow:{flow.id}:{flow.version}",
        kind="flow.step",
        ref=flow.id or 0,
    )


def _move(
    context: BotContext, flow: Flow, step: str, answers: dict[str, Any], path: list[str]
) -> None:
    store.save(flow, step=step, data={"answers": answers, "path": path}, now=context.now())


def _retire(context: BotContext, flow: Flow, version: int, text: str | None = None) -> None:
    """Take the buttons off a step's message once it is answered (if it went out already)."""
    sent = outbox.find_by_key(context.db, f"flow:{flow.id}:{version}")
    if sent is None or sent.message_id is None:
        return
    if text is None:
        context.outbox.drop_keyboard(context.db, flow.chat_id, sent.message_id)
    else:
        context.outbox.edit_text(context.db, flow.chat_id, sent.message_id, text)


# --- starting and answering ---------------------------------------------------------------------


async def start(
    update: Update,
    context: BotContext,
    spec: FlowSpec,
    *,
    branch: Branch | None,
    answers: Mapping[str, Any] | None = None,
    first: str | None = None,
    path: Sequence[str] = (),
) -> None:
    """Begin `spec` for the person in their private chat (replacing any flow they were in).

    Started part-way (`first`, with the earlier `answers` given), `path` names the steps that
    返回 goes back to (e.g. the quiz already picked by tapping it in a list)."""
    user = update.effective_user
    if user is None:
        return
    register(spec)
    flow = store.begin(
        context.db,
        user_id=user.id,
        chat_id=user.id,
        kind=spec.kind,
        branch_id=branch.id if branch is not None else None,
        step=first or spec.steps[0].key,
        data={"answers": dict(answers or {}), "path": list(path)},
        now=context.now(),
    )
    _show(context, spec, flow)


def live(flow: Flow | None, now: datetime) -> bool:
    return flow is not None and lifetime.live(flow.updated_at, now)


async def _answer(context: BotContext, spec: FlowSpec, flow: Flow, step: Step, value: Any) -> None:
    state = _state(context, flow)
    answers = dict(state.answers)
    answers[step.key] = value
    state.answers = answers
    path = [*_path(flow), step.key]
    _move(context, flow, spec.after(step, state), answers, path)
    _show(context, spec, flow)


async def tapped(update: Update, context: BotContext, tap: FlowTap) -> None:
    """A button of a flow's step."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return

    def answer(text: str | None = None) -> None:
        assert query is not None and chat is not None
        context.outbox.answer_callback(context.db, chat.id, query.id, text)

    flow = store.get(context.db, tap.flow)
    if flow is None:
        # Confirmed, cancelled, or expired and then forgotten (schedules/flows.py).
        answer(T.FINISHED)
        return
    if not live(flow, context.now()):
        answer(T.EXPIRED)
        return
    if flow.user_id != user.id:
        answer(T.NOT_YOURS)
        return
    spec = REGISTRY.get(flow.kind)
    if spec is None or tap.version != flow.version:
        answer(T.STALE)
        return
    state = _state(context, flow)
    message = query.message if isinstance(query.message, Message) else None
    prompt = message.text_html if message is not None and message.text else None
    if tap.action == "x":
        answer()
        _retire(context, flow, flow.version)
        store.end(context.db, flow)
        context.outbox.message(context.db, flow.chat_id, T.CANCELLED)
        return
    if tap.action == "b":
        path = _path(flow)
        answer()
        _retire(context, flow, flow.version)
        if not path and flow.step == CONFIRM_STEP and spec.steps:
            # Started at its confirmation (all answers given): back to the first question.
            _move(context, flow, spec.steps[0].key, state.answers, [])
            _show(context, spec, flow)
            return
        if not path:  # nothing before this step: going back is leaving
            store.end(context.db, flow)
            context.outbox.message(context.db, flow.chat_id, T.CANCELLED)
            return
        back = path.pop()
        answers = {k: v for k, v in state.answers.items() if k != back}
        _move(context, flow, back, answers, path)
        _show(context, spec, flow)
        return
    if tap.action == "c":
        if flow.step != CONFIRM_STEP:
            answer(T.STALE)
            return
        answer()
        _retire(context, flow, flow.version)
        result = await spec.confirm(context, state)
        store.end(context.db, flow)
        context.outbox.message(context.db, flow.chat_id, result)
        return
    if flow.step == CONFIRM_STEP:
        answer(T.STALE)
        return
    step = spec.by_key[flow.step]
    choices = step.choices(context, state)
    if tap.index >= len(choices):
        answer(T.STALE)
        return
    choice = choices[tap.index]
    answer()
    shown = fmt(T.CHOSEN, prompt="", answer=choice.label).strip()
    _retire(
        context,
        flow,
        flow.version,
        f"{prompt}\n\n{shown}" if prompt is not None else None,
    )
    await _answer(context, spec, flow, step, choice.value)


class _InFlow(filters.MessageFilter):
    """A private message from someone in a live flow."""

    def filter(self, message: Message) -> bool:
        state = CURRENT.get(None)
        user = message.from_user
        if state is None or user is None or not is_private(message.chat):
            return False
        return live(store.of_user(state.session, user.id), state.now)


async def typed(update: Update, context: BotContext) -> None:
    """A typed answer to the current step of the sender's flow."""
    message = update.message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    flow = store.of_user(context.db, user.id)
    spec = REGISTRY.get(flow.kind) if flow is not None else None
    if flow is None or spec is None or not live(flow, context.now()):
        return
    if flow.step == CONFIRM_STEP:
        context.outbox.message(context.db, flow.chat_id, T.PRESS_A_BUTTON)
        return
    step = spec.by_key[flow.step]
    state = _state(context, flow)
    if step.read is None:
        context.outbox.message(context.db, flow.chat_id, T.PRESS_A_BUTTON)
        return
    try:
        value = step.read(message.text.strip(), context, state)
    except InputError as exc:
        context.outbox.message(
            context.db,
            flow.chat_id,
            fmt(T.NOT_UNDERSTOOD, text=message.text.strip()[:30], hint="") + exc.html,
        )
        _retire(context, flow, flow.version)
        _move(context, flow, flow.step, state.answers, _path(flow))
        _show(context, spec, flow)
        return
    _retire(context, flow, flow.version)
    await _answer(context, spec, flow, step, value)


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel while in a flow: end it, nothing saved."""
    user = update.effective_user
    if user is None:
        return
    flow = store.of_user(context.db, user.id)
    if flow is None:
        return
    _retire(context, flow, flow.version)
    store.end(context.db, flow)
    context.outbox.message(context.db, flow.chat_id, T.CANCELLED)


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return [
        on(FlowTap, tapped),
        CommandHandler("cancel", cancel, filters=private & _InFlow()),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND & _InFlow(), typed),
    ]
