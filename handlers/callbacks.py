"""Every inline button's callback data, built and read in one place.

Each kind of button is a small frozen declaration: a prefix and typed fields (in the spirit of
aiogram's `CallbackData` factories)::

    class QuizTap(CallbackData, prefix="qa"):
        action: Literal["a", "t"]
        attempt: Id
        position: Annotated[int, Bounded(0, 499)]
        option: Annotated[int, Bounded(0, 9)]

`QuizTap("a", 12, 0, 2).build()` is "qa:a:12:0:2"; it refuses a value outside its field's
bounds and anything over Telegram's 64 bytes. `QuizTap.parse(data)` is the typed value or
None, and never raises: another prefix, a field too many or too few, a number with non-ASCII
digits, a sign or leading zeros, a number out of bounds (ids stop at 2**53 - 1), a word not in
its set all give None. Handlers are registered with `on(QuizTap, callback)` and the callback
receives the parsed value; a press whose data parses as nothing here falls through to the
catch-all in handlers/start.py, which answers it politely and changes nothing.

A field is one of: `Annotated[int, Bounded(low, high)]` (or `Id`), `Literal["a", "b"]`,
`Annotated[str, OneOf(...)]`, or `bool` (sent as 1/0). Nothing free-form goes into callback
data: it comes back from the client and can be forged, so every field has a closed set of
values. The kinds are all declared in this module, so that the prefixes are seen together.
(That is also why it is longer than 500 lines: one short declaration per kind of button.)
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar, dataclass_transform

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.core.care.options import SWITCHES
from storage.spreadsheets.quizbank import LETTERS, MAX_QUESTIONS
from storage.visits import KINDS as VISIT_KINDS

# Telegram's limit on callback_data, in bytes.
MAX_BYTES = 64
SEPARATOR = ":"
# The largest integer every client keeps exactly (JSON numbers in JavaScript); database ids
# and Telegram user ids (at most 52 bits) fit.
MAX_ID = 2**53 - 1

_PREFIX = re.compile(r"[a-z][a-z0-9]{0,9}")
_WORD = re.compile(r"[A-Za-z0-9_-]{1,24}")
# A canonical integer in ASCII digits: no sign but "-", no leading zeros, at most 16 digits.
_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,15}")


@dataclass(frozen=True)
class Bounded:
    """An integer field's inclusive bounds."""

    low: int
    high: int


class OneOf:
    """A string field that takes one of these words."""

    def __init__(self, *words: str) -> None:
        self.words = frozenset(words)


Id = Annotated[int, Bounded(1, MAX_ID)]
Calendar = Literal["S", "L"]  # solar, lunar
BirthYear = Annotated[int, Bounded(1900, 2100)]
Month = Annotated[int, Bounded(1, 12)]
QuestionIndex = Annotated[int, Bounded(0, MAX_QUESTIONS - 1)]
OptionIndex = Annotated[int, Bounded(0, len(LETTERS) - 1)]

_BAD = object()  # a field that did not parse (None, 0 and False are values)


@dataclass(frozen=True)
class _Field:
    name: str
    encode: Callable[[object], str | None]
    decode: Callable[[str], object]


def _int_field(name: str, bounds: Bounded) -> _Field:
    def encode(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return str(value) if bounds.low <= value <= bounds.high else None

    def decode(text: str) -> object:
        if _INTEGER.fullmatch(text) is None:
            return _BAD
        value = int(text)
        return value if bounds.low <= value <= bounds.high else _BAD

    return _Field(name, encode, decode)


def _word_field(name: str, words: frozenset[str]) -> _Field:
    bad = [w for w in words if not isinstance(w, str) or _WORD.fullmatch(w) is None]
    if bad or not words:
        raise TypeError(f"{name}: words must be 1–24 of A-Z a-z 0-9 _ -, not {bad}")

    def encode(value: object) -> str | None:
        return value if isinstance(value, str) and value in words else None

    def decode(text: str) -> object:
        return text if text in words else _BAD

    return _Field(name, encode, decode)


def _bool_field(name: str) -> _Field:
    def encode(value: object) -> str | None:
        return ("1" if value else "0") if isinstance(value, bool) else None

    def decode(text: str) -> object:
        return {"1": True, "0": False}.get(text, _BAD)

    return _Field(name, encode, decode)


def _field_of(name: str, hint: Any) -> _Field:
    """The codec of one declared field, from its annotation."""
    if hint is bool:
        return _bool_field(name)
    if typing.get_origin(hint) is Literal:
        return _word_field(name, frozenset(typing.get_args(hint)))
    if typing.get_origin(hint) is Annotated:
        base, *extras = typing.get_args(hint)
        for extra in extras:
            if base is int and isinstance(extra, Bounded):
                return _int_field(name, extra)
            if base is str and isinstance(extra, OneOf):
                return _word_field(name, extra.words)
    raise TypeError(f"{name}: say its bounds or its words (Annotated[int, Bounded(...)] …)")


@dataclass_transform(frozen_default=True)
class CallbackData:
    """Base of every kind of button: `class X(CallbackData, prefix="x"): field: Type`."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[_Field, ...]]
    kinds: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if _PREFIX.fullmatch(prefix) is None:
            raise TypeError(f"{cls.__name__}: prefix {prefix!r} must be short lowercase ASCII")
        if prefix in CallbackData.kinds:
            raise TypeError(f"{cls.__name__}: prefix {prefix!r} is taken")
        made: Any = dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        cls.prefix = prefix
        cls._fields = tuple(_field_of(f.name, hints[f.name]) for f in dataclasses.fields(made))
        CallbackData.kinds[prefix] = cls

    def build(self) -> str:
        """The callback_data for a button; ValueError for a value a field cannot carry."""
        parts = [self.prefix]
        for field in self._fields:
            value = getattr(self, field.name)
            text = field.encode(value)
            if text is None:
                raise ValueError(f"{type(self).__name__}.{field.name} cannot carry {value!r}")
            parts.append(text)
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """The button's value, or None for anything a button of this kind could not carry."""
        if not isinstance(data, str) or len(data) > MAX_BYTES or not data.isascii():
            return None
        prefix, *texts = data.split(SEPARATOR)
        if prefix != cls.prefix or len(texts) != len(cls._fields):
            return None
        values = {}
        for field, text in zip(cls._fields, texts, strict=True):
            value = field.decode(text)
            if value is _BAD:
                return None
            values[field.name] = value
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For `CallbackQueryHandler(pattern=...)`: does this data parse as this kind?"""
        return cls.parse(data) is not None


def parse_any(data: object) -> CallbackData | None:
    """The button this data is, of whatever kind; None if none."""
    if not isinstance(data, str):
        return None
    kind = CallbackData.kinds.get(data.split(SEPARATOR, 1)[0])
    return kind.parse(data) if kind is not None else None


D = TypeVar("D", bound=CallbackData)
ButtonCallback = Callable[[Update, BotContext, D], Awaitable[None]]


def on(kind: type[D], callback: ButtonCallback[D]) -> CallbackQueryHandler[BotContext, None]:
    """Handle presses of this kind of button; `callback` gets the parsed value."""

    async def handle(update: Update, context: BotContext) -> None:
        query = update.callback_query
        value = kind.parse(query.data if query is not None else None)
        if value is not None:  # always, given the pattern
            await callback(update, context, value)

    handle.__name__ = handle.__qualname__ = getattr(callback, "__name__", kind.__name__)
    return CallbackQueryHandler(handle, pattern=kind.matches)


# --- the kinds of buttons -------------------------------------------------------------------
# handlers/scope.py


class BranchPick(CallbackData, prefix="br"):
    """The branch chosen for a question (`question` is its row; `branch` the branch's id)."""

    question: Id
    branch: Id


# handlers/birthday.py: choosing one's birthday step by step.


class BirthdayMenu(CallbackData, prefix="bd"):
    """Back to the start."""


class BirthdayCalendar(CallbackData, prefix="bdc"):
    calendar: Calendar


class BirthdayDecade(CallbackData, prefix="bdd"):
    calendar: Calendar
    decade: Annotated[int, Bounded(190, 210)]  # 195 for the 1950s


class BirthdayYear(CallbackData, prefix="bdy"):
    calendar: Calendar
    year: BirthYear


class BirthdayMonth(CallbackData, prefix="bdm"):
    calendar: Calendar
    year: BirthYear
    month: Month
    leap: bool  # a lunar leap month


class BirthdayDay(CallbackData, prefix="bdx"):
    calendar: Calendar
    year: BirthYear
    month: Month
    leap: bool
    day: Annotated[int, Bounded(1, 31)]


class BirthdayPublic(CallbackData, prefix="bdp"):
    public: bool


class BirthdayRules(CallbackData, prefix="bdr"):
    """How the day of the greeting is worked out."""


# handlers/roster.py: "这是我" and the admin's answer to it.


class Claim(CallbackData, prefix="claim"):
    member: Id


class ClaimVerdict(CallbackData, prefix="claimv"):
    verdict: Literal["ok", "no"]
    member: Id
    user: Id  # who claimed it


# handlers/greetings.py


class GreetingSwitch(CallbackData, prefix="gsw"):
    branch: Id
    key: Annotated[str, OneOf(*SWITCHES)]


# handlers/materials.py: the queue's and the library's buttons.


class MaterialAction(CallbackData, prefix="mat"):
    action: Literal["rm", "up", "re", "pv"]  # remove, move up, use again, preview
    material: Id


# handlers/export.py


class ExportMenu(CallbackData, prefix="export"):
    what: Literal["ledger", "quiz", "summary"]
    branch: Id


class LedgerSession(CallbackData, prefix="lxs"):
    session: Id


class LedgerPeriod(CallbackData, prefix="lxp"):
    period: Literal["m3", "y", "a"]  # three months, this year, everything
    branch: Id


class QuizExport(CallbackData, prefix="qx"):
    quiz: Id


# handlers/quiz/


class QuizStart(CallbackData, prefix="qgo"):
    quiz: Id
    mode: Literal["g", "p"]  # in the group, privately


class QuizTap(CallbackData, prefix="qa"):
    """An option of a private question: answer it (a), or tick it in a multi-answer one (t)."""

    action: Literal["a", "t"]
    attempt: Id
    position: QuestionIndex
    option: OptionIndex


class QuizConfirm(CallbackData, prefix="qc"):
    """Confirm the ticked options of a multi-answer question."""

    attempt: Id
    position: QuestionIndex


# handlers/quiz/menu.py: the 知识测试 section of /menu.


class QuizList(CallbackData, prefix="qml"):
    """The branch's quizzes, one button each."""

    branch: Id


class QuizPick(CallbackData, prefix="qmo"):
    """A quiz of the list: its state and what can be done with it."""

    quiz: Id


class QuizAct(CallbackData, prefix="qmd"):
    """开始 (flow), 结束 (flow) or 成绩 of a quiz (导出 is `QuizExport`)."""

    quiz: Id
    action: Literal["start", "close", "results"]


# handlers/reflections.py and handlers/report.py


class ReflectCancel(CallbackData, prefix="rfcancel"):
    """Stop the private chat waiting for a reflection."""


class ReflectPick(CallbackData, prefix="rfpick"):
    session: Id


class ReportSession(CallbackData, prefix="rs"):
    session: Id


# handlers/flows.py


class FlowTap(CallbackData, prefix="fl"):
    """A button of a guided flow's step: pick option `index` ("o"), go back ("b"), cancel
    ("x") or confirm ("c"). `version` is the step's, so an earlier step's button is stale."""

    flow: Id
    version: Annotated[int, Bounded(1, 10**9)]
    action: Literal["o", "b", "x", "c"]
    index: Annotated[int, Bounded(0, 99)]


# handlers/menu.py

MenuIndex = Annotated[int, Bounded(0, 31)]


class MenuOpen(CallbackData, prefix="mo"):
    """Open a section of /menu (sections in their menu order)."""

    section: MenuIndex


class MenuRun(CallbackData, prefix="mr"):
    """An entry of a /menu section."""

    section: MenuIndex
    entry: MenuIndex


class MenuHome(CallbackData, prefix="mh"):
    """Back to the list of sections."""


class MenuShow(CallbackData, prefix="ms"):
    """The menu as a new message (the button under /start and /help)."""


# handlers/files.py: what to do with a file an admin sent privately (the question replies to
# the file, so the tap finds it in the message it answers).


FileWhat = Literal["material", "quiz", "roster", "reflect", "no"]


class FileAction(CallbackData, prefix="file"):
    action: FileWhat


# handlers/private.py: a private message offered as a reflection.


class ReflectOffer(CallbackData, prefix="rfo"):
    """ "交上": record the offered message(s) for this session."""

    offer: Id
    session: Id


class ReflectOfferNo(CallbackData, prefix="rfno"):
    """ "不用": the offered message is not a reflection."""

    offer: Id


# handlers/start.py: the member's help, a topic at a time.


HelpTopicName = Literal["reflect", "quiz", "remind", "commands"]


class HelpTopic(CallbackData, prefix="help"):
    topic: HelpTopicName


# handlers/activities.py: the card's buttons (also on the private note to those who have not
# answered), the admins' list, and attendance.

Page = Annotated[int, Bounded(0, 99)]


class ActivityAnswer(CallbackData, prefix="aa"):
    """我参加 (y), 带家属参加 (f), 不参加 (n)."""

    activity: Id
    choice: Literal["y", "f", "n"]


class ActivityArrived(CallbackData, prefix="aar"):
    """我到了, on the card during the check-in window."""

    activity: Id


class ActivityNew(CallbackData, prefix="anew"):
    branch: Id


class ActivityList(CallbackData, prefix="alist"):
    branch: Id


class ActivityOpen(CallbackData, prefix="aopen"):
    """An activity's full list, with what the admin may do."""

    activity: Id


class ActivityAction(CallbackData, prefix="aact"):
    activity: Id
    action: Literal["sheet", "attend", "time", "place", "cancel"]


class AttendanceTap(CallbackData, prefix="atap"):
    """A name on the secretary's attendance list: there, or not after all."""

    activity: Id
    member: Id
    others: bool  # the list of those who had not signed up
    page: Page


class AttendancePage(CallbackData, prefix="apage"):
    """Show a page of the attendance list (or the others'), or finish ("done")."""

    activity: Id
    others: bool
    page: Page
    done: bool


# handlers/visits.py


class VisitFromDigest(CallbackData, prefix="vdig"):
    """已走访, under a suggestion of the Monday digest: the visit form, filled in."""

    member: Id
    kind: Annotated[str, OneOf(*VISIT_KINDS)]


class VisitNew(CallbackData, prefix="vnew"):
    branch: Id


class VisitExport(CallbackData, prefix="vx"):
    """A download: the ledger of a period (this month, three months, this year, last year,
    everything) or the per-person summary (pp)."""

    branch: Id
    what: Literal["m1", "m3", "y", "ly", "a", "pp"]


# --- people as they are (handlers/roster_import.py, handlers/people.py) ------------------------


class RosterImportTap(CallbackData, prefix="rimp"):
    """A roster import's preview: what to do with people missing from the new file (keep, mark
    调离), then 确认 / 返回 / 取消. `preview` numbers the branch's previews (an older one's
    buttons are stale)."""

    branch: Id
    preview: Annotated[int, Bounded(1, 10**9)]
    action: Literal["keep", "moved", "ok", "back", "no"]


class MemberStatusOpen(CallbackData, prefix="mst"):
    """更改状态 under the private /roster: the status flow for that branch."""

    branch: Id
