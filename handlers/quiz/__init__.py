"""Knowledge quizzes (知识测试): import a bank, run it in the group or privately, see results.

Admins: `/quiz` (list), reply `/quiz 名称` to a spreadsheet (import), `/quiz template`,
`/quiz start <id> group|private [hours] [公布成绩] [可重答]`, `/quiz close <id>`, and the start
buttons under an imported bank. Staff and admins: `/results`, and the quiz download offered by
/export (handlers/export.py). Members: vote in the group's quiz polls (each `poll_answer` is
recorded, the first one counts), or answer privately after `/start quiz_<id>`, one question at a
time with buttons.

One module per part: `bank` (importing), `run` (list, start, close), `polls` (group answers),
`private` (private answers), `results`, `menu` (the 知识测试 section of /menu). Every button is checked again when pressed (data can be
forged; quizzes close; attempts belong to one person) and every press is answered.
"""

from __future__ import annotations

from telegram import (
    Update,
)
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    PollHandler,
    filters,
)

from bot.context import BotContext, Command
from bot.texts import quiz as T
from handlers.callbacks import QuizConfirm, QuizStart, QuizTap, on
from handlers.quiz.bank import JOBS, quiz_caption
from handlers.quiz.menu import HANDLERS as MENU_HANDLERS
from handlers.quiz.polls import BULK, PREFETCH, poll_answer, poll_seen
from handlers.quiz.private import confirm_pressed, option_pressed, start_private
from handlers.quiz.results import show_results
from handlers.quiz.run import quiz_command, start_button

__all__ = ["BULK", "COMMANDS", "JOBS", "PREFETCH", "build_handlers"]

COMMANDS = [
    Command("quiz", T.CMD_QUIZ, "admin"),
    Command("results", T.CMD_RESULTS, "staff"),
]


def build_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("quiz", quiz_command),
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(r"^/quiz(@\w+)?(\s|$)"), quiz_caption
        ),
        CommandHandler("results", show_results),
        CommandHandler(
            "start",
            start_private,
            filters=filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+quiz_\d+\s*$"),
        ),
        PollAnswerHandler(poll_answer),
        PollHandler(poll_seen),
        on(QuizStart, start_button),
        on(QuizTap, option_pressed),
        on(QuizConfirm, confirm_pressed),
        *MENU_HANDLERS,
    ]
