"""Importing a question bank: a spreadsheet sent with `/quiz 名称`, checked row by row, kept
as a draft quiz of the branch (asked first privately of an admin of several, handlers/scope.py);
the template."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session
from telegram import (
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from bot.context import BotContext, Services
from bot.runtime.files import DownloadFailed, TooBig
from bot.runtime.jobs import Apply, JobKind
from bot.runtime.sandbox import OverBudget, run_limited
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.callbacks import QuizStart
from handlers.common import (
    admin_only,
    reply,
    send_generated_file,
)
from handlers.scope import branch_for
from storage import quiz as quizzes
from storage.models import Quiz
from storage.quiz_scoring import decode_choice
from storage.spreadsheets import (
    BankError,
    Question,
    SheetTooBig,
    check_quiz_bank,
    check_upload,
    quiz_template,
)

log = logging.getLogger(__name__)

MAX_BANK_BYTES = 5 * 1024 * 1024


TITLE_MAX = 60


@admin_only
async def quiz_caption(update: Update, context: BotContext) -> None:
    """A spreadsheet sent with the caption `/quiz 名称`."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    title = re.sub(r"^/quiz(@\w+)?", "", message.caption or "").strip()
    await import_bank(update, context, message, message.document, title)


def send_template(update: Update, context: BotContext) -> None:
    send_generated_file(
        update,
        context,
        quiz_template(),
        stored_as="quiz-template.xlsx",
        filename="知识测试题库模板.xlsx",
        caption=T.TEMPLATE_CAPTION,
        kind="quiz.template",
    )


async def import_bank(
    update: Update, context: BotContext, source: Message, document: Document, title: str
) -> None:
    """Check the file's size and the branch, then leave the download and the row-by-row check
    to a background job (`prepare_import`): a big bank must not hold up the group."""
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    if user is None or chat is None or message is None:
        return
    if document.file_size is not None and document.file_size > MAX_BANK_BYTES:
        size = f"{document.file_size / 1024 / 1024:.1f}"
        reply(update, context, fmt(T.FILE_TOO_BIG, size=size))
        return
    branch = await branch_for(update, context)
    if branch is None or branch.id is None:
        return
    request = ImportRequest(
        chat_id=chat.id,
        command_message_id=message.message_id,
        source_message_id=source.message_id,
        user_id=user.id,
        file_id=document.file_id,
        file_name=document.file_name or "题库",
        title=title,
        branch_id=branch.id,
    )
    context.services.jobs.add(
        context.db, IMPORT_JOB, asdict(request), key=f"{IMPORT_JOB}:{chat.id}:{message.message_id}"
    )


IMPORT_JOB = "quiz.import"


@dataclass(frozen=True)
class ImportRequest:
    """A bank to download and check, and where the answer goes (the job's payload)."""

    chat_id: int
    command_message_id: int
    source_message_id: int
    user_id: int
    file_id: str
    file_name: str
    title: str
    branch_id: int


@dataclass(frozen=True)
class Checked:
    """A bank read in full: its questions, and why it cannot run as group polls (if so)."""

    questions: list[Question]
    poll_problems: BankError | None


async def check_bank(data: bytes, name: str) -> Checked:
    """Read the bank within a budget: a file plainly too big is refused at once, the rest is
    parsed in a separate process with a time and memory limit (`SheetTooBig`, `OverBudget`),
    so a hostile file can neither stall the bot nor eat its memory."""
    check_upload(data)
    questions, poll_problems = await run_limited(check_quiz_bank, data, name)
    return Checked(questions, poll_problems)


async def prepare_import(services: Services, payload: dict[str, Any]) -> Apply:
    """Download and check the bank outside any transaction; store it as a draft quiz after."""
    request = ImportRequest(**payload)

    def answer(text: str) -> Apply:
        def apply(session: Session) -> None:
            services.outbox.message(
                session, request.chat_id, text, reply_to=request.command_message_id
            )

        return apply

    try:
        data = await services.files.download(request.file_id, max_bytes=MAX_BANK_BYTES)
    except TooBig as exc:
        return answer(fmt(T.FILE_TOO_BIG, size=f"{exc.size / 1024 / 1024:.1f}"))
    except DownloadFailed:
        return answer(T.DOWNLOAD_FAILED)
    try:
        checked = await check_bank(data, request.file_name)
    except BankError as exc:
        return answer(fmt(T.BANK_REFUSED, report=exc.describe()))
    except (SheetTooBig, OverBudget) as exc:
        log.warning("quiz: bank %r refused unread: %s", request.file_name, exc)
        return answer(T.BANK_TOO_BIG)
    title = (request.title.strip() or Path(request.file_name).stem.strip() or "知识测试")[
        :TITLE_MAX
    ]

    def store(session: Session) -> None:
        quiz = quizzes.create(
            session,
            branch_id=request.branch_id,
            title=title,
            questions=checked.questions,
            poll_ok=checked.poll_problems is None,
            created_by=request.user_id,
            now=services.now(),
        )
        text, keyboard = card(session, quiz, checked.poll_problems)
        services.outbox.message(
            session, request.chat_id, text, reply_to=request.source_message_id, keyboard=keyboard
        )

    return store


def import_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(
        session,
        int(payload["chat_id"]),
        T.DOWNLOAD_FAILED,
        reply_to=int(payload["command_message_id"]),
    )


JOBS = {IMPORT_JOB: JobKind(prepare_import, import_failed)}


def plain(html_text: str) -> str:
    """An HTML text for a place that shows plain text (a button press's notice)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def card(
    session: Session, quiz: Quiz, poll_problems: BankError | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The imported quiz shown with its question count and the buttons that start it."""
    assert quiz.id is not None
    questions = quizzes.questions(session, quiz.id)
    multi = sum(1 for q in questions if len(decode_choice(q.answer)) > 1)
    text = fmt(
        T.IMPORTED,
        title=quiz.title,
        id=quiz.id,
        count=len(questions),
        single=len(questions) - multi,
        multi=multi,
        full=sum(q.points for q in questions),
        hours=quizzes.DEFAULT_HOURS,
    )
    if not quiz.poll_ok:
        if poll_problems is None:
            text += T.POLL_TOO_LONG_SHORT
        else:
            problems = "\n".join(str(p) for p in poll_problems.problems)
            text += fmt(T.POLL_TOO_LONG, problems=problems)
    if quiz.status != "draft":
        return text, None
    buttons = []
    if quiz.poll_ok:
        buttons.append(
            InlineKeyboardButton(
                T.BUTTON_START_GROUP, callback_data=QuizStart(quiz.id, "g").build()
            )
        )
    buttons.append(
        InlineKeyboardButton(T.BUTTON_START_PRIVATE, callback_data=QuizStart(quiz.id, "p").build())
    )
    return text, InlineKeyboardMarkup([[b] for b in buttons])
