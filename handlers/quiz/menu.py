"""The 知识测试 section of /menu: the branch's quizzes, each with 开始 / 结束 / 成绩 / 导出;
starting one as a guided flow (how members answer, for how long, whether the scores are
announced, whether they may answer again, then 确认) and closing one with a confirmation.

It acts through the same services as `/quiz start`, `/quiz close` and `/results`
(bot/services/quiz.py), so a quiz started here is started exactly as by the command; 导出 is
the download button of /export (`QuizExport`, handlers/export.py). Importing a bank is done
by sending the file (the private file router), so the section only explains it and sends
the template.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.core import cn_format
from bot.core.cn_parse import ParseError, parse_hours
from bot.core.quiz_layout import StartArgs
from bot.services.quiz import close_quiz, mode_name, open_quiz, results, results_text, state_text
from bot.texts import SafeHtml, fmt
from bot.texts import quiz as TQ
from bot.texts import quiz_menu as T
from handlers import flows
from handlers.callbacks import QuizAct, QuizExport, QuizList, QuizPick, on
from handlers.common import is_private, may_administer, reply
from handlers.flows import CONFIRM_STEP, Choice, FlowSpec, InputError, State, Step
from handlers.menu import MenuEntry, MenuSection
from handlers.menu import register as register_section
from handlers.quiz.bank import send_template
from storage import branches
from storage import quiz as quizzes
from storage.models import Branch, Quiz

HOURS_CHOICES = (24, 72, 168)


# --- the list and a quiz's card -----------------------------------------------------------------


def _short_state(quiz: Quiz) -> str:
    return {"draft": T.SHORT_DRAFT, "open": T.SHORT_OPEN}.get(quiz.status, T.SHORT_CLOSED)


def show_list(context: BotContext, chat_id: int, branch: Branch) -> None:
    """The branch's quizzes, newest first, one button each."""
    assert branch.id is not None
    found = [q for q in quizzes.of_branch(context.db, branch.id) if q.id is not None]
    if not found:
        context.outbox.message(
            context.db, chat_id, fmt(TQ.LIST_EMPTY, branch=branch.title) + "\n\n" + T.IMPORT_HOW
        )
        return
    rows = [
        [
            InlineKeyboardButton(
                T.LIST_BUTTON.format(title=q.title, state=_short_state(q))[:60],
                callback_data=QuizPick(q.id).build(),
            )
        ]
        for q in found
        if q.id is not None
    ]
    context.outbox.message(
        context.db,
        chat_id,
        fmt(T.LIST, branch=branch.title),
        keyboard=InlineKeyboardMarkup(rows),
    )


def card(context: BotContext, quiz: Quiz) -> tuple[str, InlineKeyboardMarkup]:
    """A quiz's state and the buttons for what can be done with it now."""
    assert quiz.id is not None and quiz.branch_id is not None
    found = results(context.db, quiz)
    text = fmt(
        T.CARD,
        title=quiz.title,
        count=len(found.tallies),
        full=found.full,
        state=SafeHtml(state_text(quiz, context.settings.tz)),
    )
    qid = quiz.id
    rows: list[list[InlineKeyboardButton]] = []
    if quiz.status == "draft":
        text += T.CARD_DRAFT_HINT
        rows.append(
            [InlineKeyboardButton(T.BUTTON_START, callback_data=QuizAct(qid, "start").build())]
        )
    else:
        text += fmt(T.CARD_TAKEN, participants=len(found.scores), members=found.members)
        # 结束 only while it runs; 成绩 and 导出 once it has started.
        acts = [
            InlineKeyboardButton(T.BUTTON_RESULTS, callback_data=QuizAct(qid, "results").build())
        ]
        if quiz.status == "open":
            acts.insert(
                0, InlineKeyboardButton(T.BUTTON_CLOSE, callback_data=QuizAct(qid, "close").build())
            )
        rows.append(acts)
        rows.append([InlineKeyboardButton(T.BUTTON_EXPORT, callback_data=QuizExport(qid).build())])
    rows.append(
        [InlineKeyboardButton(T.BUTTON_BACK_LIST, callback_data=QuizList(quiz.branch_id).build())]
    )
    return text, InlineKeyboardMarkup(rows)


def _answer(update: Update, context: BotContext, text: str | None = None) -> None:
    chat = update.effective_chat
    query = update.callback_query
    if chat is not None and query is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, text)


async def _admin_branch(
    update: Update, context: BotContext, branch_id: int | None
) -> Branch | None:
    """The branch if the presser administers it and pressed in a private chat; else say why."""
    user = update.effective_user
    branch = branches.get(context.db, branch_id) if branch_id is not None else None
    if branch is None or not branch.active:
        _answer(update, context, T.GONE)
        return None
    if user is None or not await may_administer(context, user.id, branch):
        _answer(update, context, T.NOT_ADMIN)
        return None
    if not is_private(update.effective_chat):
        _answer(update, context, T.PRIVATE_ONLY)
        return None
    return branch


async def list_pressed(update: Update, context: BotContext, pressed: QuizList) -> None:
    """返回测试列表."""
    chat = update.effective_chat
    branch = await _admin_branch(update, context, pressed.branch)
    if branch is None or chat is None:
        return
    _answer(update, context)
    show_list(context, chat.id, branch)


async def quiz_pressed(update: Update, context: BotContext, pressed: QuizPick) -> None:
    """A quiz of the list: its card."""
    chat = update.effective_chat
    quiz = quizzes.get(context.db, pressed.quiz)
    branch = await _admin_branch(update, context, quiz.branch_id if quiz is not None else None)
    if quiz is None or branch is None or chat is None:
        return
    _answer(update, context)
    text, keyboard = card(context, quiz)
    context.outbox.message(context.db, chat.id, text, keyboard=keyboard)


async def act_pressed(update: Update, context: BotContext, pressed: QuizAct) -> None:
    """开始 / 结束 (a guided flow each) or 成绩 under a quiz's card."""
    chat = update.effective_chat
    quiz = quizzes.get(context.db, pressed.quiz)
    branch = await _admin_branch(update, context, quiz.branch_id if quiz is not None else None)
    if quiz is None or quiz.id is None or branch is None or chat is None:
        return
    tz = context.settings.tz
    if pressed.action == "results":
        if quiz.status == "draft":
            _answer(update, context, TQ.STATE_DRAFT)
            return
        _answer(update, context)
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(T.BUTTON_EXPORT, callback_data=QuizExport(quiz.id).build())],
                [
                    InlineKeyboardButton(
                        T.BUTTON_BACK_LIST, callback_data=QuizList(branch.id or 0).build()
                    )
                ],
            ]
        )
        context.outbox.message(
            context.db, chat.id, results_text(results(context.db, quiz), tz), keyboard=keyboard
        )
        return
    wanted = "draft" if pressed.action == "start" else "open"
    if quiz.status != wanted:
        # Started or closed meanwhile (by another admin, or by the clock): say how it is now.
        _answer(update, context)
        text, keyboard = card(context, quiz)
        context.outbox.message(context.db, chat.id, text, keyboard=keyboard)
        return
    _answer(update, context)
    if pressed.action == "start":
        await flows.start(
            update,
            context,
            START,
            branch=branch,
            answers={"quiz": quiz.id},
            first="mode",
            path=["quiz"],
        )
    else:
        await flows.start(
            update,
            context,
            CLOSE,
            branch=branch,
            answers={"quiz": quiz.id},
            first=CONFIRM_STEP,
            path=["quiz"],
        )


# --- starting a quiz: the flow ---------------------------------------------------------------


def _quiz(context: BotContext, state: State) -> Quiz:
    quiz = quizzes.get(context.db, int(state.answers["quiz"]))
    assert quiz is not None  # quizzes are never deleted
    return quiz


def _quizzes_in(context: BotContext, state: State, status: str) -> list[Quiz]:
    assert state.branch is not None and state.branch.id is not None
    return [q for q in quizzes.of_branch(context.db, state.branch.id) if q.status == status]


def _quiz_choices(status: str) -> Callable[[BotContext, State], list[Choice]]:
    def choices(context: BotContext, state: State) -> list[Choice]:
        return [
            Choice(T.QUIZ_CHOICE.format(title=q.title, count=q.question_count)[:60], q.id)
            for q in _quizzes_in(context, state, status)
        ]

    return choices


def _quiz_prompt(status: str, ask: str, none: str) -> Callable[[BotContext, State], str]:
    # Gone back to it after another admin started (or closed) the last one: say so.
    def prompt(context: BotContext, state: State) -> str:
        return ask if _quizzes_in(context, state, status) else none

    return prompt


def _mode_prompt(context: BotContext, state: State) -> str:
    quiz = _quiz(context, state)
    text = fmt(T.ASK_MODE, title=quiz.title)
    return text if quiz.poll_ok else text + T.ASK_MODE_PRIVATE_ONLY


def _mode_choices(context: BotContext, state: State) -> list[Choice]:
    found = [Choice(T.MODE_PRIVATE, "private")]
    if _quiz(context, state).poll_ok:
        found.append(Choice(T.MODE_GROUP, "group"))
    return found


def _days(hours: int) -> str:
    if hours % 24 == 0:
        return T.HOURS_CHOICE.format(days=hours // 24)
    return cn_format.duration(hours * 3600)


def _hours_choices(context: BotContext, state: State) -> list[Choice]:
    return [Choice(_days(h), h) for h in HOURS_CHOICES]


def _read_hours(text: str, context: BotContext, state: State) -> int:
    try:
        return parse_hours(text, most=quizzes.MAX_HOURS)
    except ParseError as exc:
        raise InputError(fmt("{reason}", reason=exc.message)) from None


def _after_scores(state: State) -> str | None:
    # Answering again is for private quizzes (in the group each poll takes the first vote).
    return "retry" if state.answers.get("mode") == "private" else None


def _start_summary(context: BotContext, state: State) -> str:
    quiz = _quiz(context, state)
    a = state.answers
    hours = int(a["hours"])
    scores = bool(a["scores"])
    closes = cn_format.moment(context.now() + timedelta(hours=hours), context.settings.tz)
    text = fmt(
        T.SUMMARY,
        title=quiz.title,
        count=quiz.question_count,
        full=quizzes.full_marks(context.db, quiz.id or 0),
        mode=mode_name(a["mode"]),
        duration=_days(hours),
        closes=closes,
        scores=T.YES_SCORES if scores else T.NO_SCORES,
    )
    if a["mode"] == "private":
        text += fmt(T.SUMMARY_RETRY, retry=T.YES_RETRY if a.get("retry") else T.NO_RETRY)
    else:
        text += T.SUMMARY_GROUP_NOTE
    if scores:
        text += T.SUMMARY_SCORES_WARNING
    return text


async def _start_confirmed(context: BotContext, state: State) -> str:
    """Start it as `/quiz start` does; another admin may have started or closed it since."""
    quiz = _quiz(context, state)
    assert quiz.id is not None
    a = state.answers
    args = StartArgs(
        quiz.id,
        str(a["mode"]),
        int(a["hours"]),
        bool(a["scores"]),
        bool(a.get("retry", False)),
    )
    reachable = branches.reachable_privately(context.db, [state.user_id])
    notify = state.user_id if reachable else None
    return open_quiz(context.services, context.db, quiz, args, notify)


START = flows.register(
    FlowSpec(
        kind="quiz.start",
        steps=[
            Step(
                "quiz",
                _quiz_prompt("draft", T.ASK_QUIZ_START, T.NONE_TO_START),
                _quiz_choices("draft"),
                columns=1,
            ),
            Step("mode", _mode_prompt, _mode_choices, columns=1),
            Step("hours", lambda c, s: T.ASK_HOURS, _hours_choices, read=_read_hours, columns=3),
            Step(
                "scores",
                lambda c, s: T.ASK_SCORES,
                lambda c, s: [Choice(T.SCORES_OFF, False), Choice(T.SCORES_ON, True)],
                next=_after_scores,
            ),
            Step(
                "retry",
                lambda c, s: T.ASK_RETRY,
                lambda c, s: [Choice(T.RETRY_OFF, False), Choice(T.RETRY_ON, True)],
            ),
        ],
        summary=_start_summary,
        confirm=_start_confirmed,
    )
)


# --- closing a quiz: the flow ----------------------------------------------------------------


def _close_summary(context: BotContext, state: State) -> str:
    quiz = _quiz(context, state)
    return fmt(
        T.CLOSE_SUMMARY,
        title=quiz.title,
        participants=len(results(context.db, quiz).scores),
        scores=T.CLOSE_SCORES if quiz.show_scores else "",
    )


async def _close_confirmed(context: BotContext, state: State) -> str:
    """Close it as `/quiz close` does, unless it is no longer open (closed meanwhile)."""
    quiz = _quiz(context, state)
    if quiz.status != "open":
        state_now = state_text(quiz, context.settings.tz)
        return fmt(TQ.NOT_OPEN, title=quiz.title, state=SafeHtml(state_now))
    close_quiz(context.db, context.outbox, quiz, now=context.now())
    return fmt(T.CLOSED, title=quiz.title)


CLOSE = flows.register(
    FlowSpec(
        kind="quiz.close",
        steps=[
            Step(
                "quiz",
                _quiz_prompt("open", T.ASK_QUIZ_CLOSE, T.NONE_TO_CLOSE),
                _quiz_choices("open"),
                columns=1,
            )
        ],
        summary=_close_summary,
        confirm=_close_confirmed,
    )
)


# --- the section ---------------------------------------------------------------------------


async def _menu_list(update: Update, context: BotContext, branch: Branch) -> None:
    chat = update.effective_chat
    if chat is not None:
        show_list(context, chat.id, branch)


async def _menu_start(update: Update, context: BotContext, branch: Branch) -> None:
    assert branch.id is not None
    if not any(q.status == "draft" for q in quizzes.of_branch(context.db, branch.id)):
        reply(update, context, T.NONE_TO_START)
        return
    await flows.start(update, context, START, branch=branch)


async def _menu_close(update: Update, context: BotContext, branch: Branch) -> None:
    assert branch.id is not None
    if not any(q.status == "open" for q in quizzes.of_branch(context.db, branch.id)):
        reply(update, context, T.NONE_TO_CLOSE)
        return
    await flows.start(update, context, CLOSE, branch=branch)


async def _menu_import(update: Update, context: BotContext, branch: Branch) -> None:
    reply(update, context, T.IMPORT_HOW)
    send_template(update, context)


register_section(
    MenuSection(
        T.MENU_TITLE,
        order=40,
        entries=[
            MenuEntry(T.MENU_LIST, _menu_list),
            MenuEntry(T.MENU_START, _menu_start),
            MenuEntry(T.MENU_CLOSE, _menu_close),
            MenuEntry(T.MENU_IMPORT, _menu_import),
        ],
    )
)

HANDLERS = [on(QuizList, list_pressed), on(QuizPick, quiz_pressed), on(QuizAct, act_pressed)]
