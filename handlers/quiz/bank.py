"""Importing a question bank: a spreadsheet sent with `/quiz 名称`, checked row by row, kept
as a draft quiz; the template; the branch of a bank sent privately by an admin of several."""

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
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.common import (
    admin_branches,
    admin_only,
    current_branch,
    is_group,
    reply,
    send_generated_file,
)
from storage import branches
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
    """Check who may import and the file's size, then leave the download and the row-by-row
    check to a background job (`prepare_import`): a big bank must not hold up the group."""
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    if user is None or chat is None or message is None:
        return
    if is_group(chat):
        here = current_branch(update, context)
        if here is None:
            reply(update, context, C.NOT_A_BRANCH)
            return
        targets = [here]
    else:
        targets = await admin_branches(update, context)
        if not targets:
            reply(update, context, C.NO_BRANCH_PRIVATE)
            return
    if document.file_size is not None and document.file_size > MAX_BANK_BYTES:
        size = f"{document.file_size / 1024 / 1024:.1f}"
        reply(update, context, fmt(T.FILE_TOO_BIG, size=size))
        return
    request = ImportRequest(
        chat_id=chat.id,
        command_message_id=message.message_id,
        source_message_id=source.message_id,
        user_id=user.id,
        file_id=document.file_id,
        file_name=document.file_name or "题库",
        title=title,
        branch_ids=[b.id for b in targets if b.id is not None],
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
    branch_ids: list[int]


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
        targets = [b for i in request.branch_ids if (b := branches.get(session, i)) is not None]
        quiz = quizzes.create(
            session,
            branch_id=targets[0].id if len(targets) == 1 else None,
            title=title,
            questions=checked.questions,
            poll_ok=checked.poll_problems is None,
            created_by=request.user_id,
            now=services.now(),
        )
        if len(targets) > 1:
            choices = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.title, callback_data=f"quiz:bank:{quiz.id}:{b.id}")]
                    for b in targets
                ]
            )
            text = fmt(T.CHOOSE_BRANCH, title=title, count=len(checked.questions))
            services.outbox.message(
                session,
                request.chat_id,
                text,
                reply_to=request.command_message_id,
                keyboard=choices,
            )
            return
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
            InlineKeyboardButton(T.BUTTON_START_GROUP, callback_data=f"quiz:go:{quiz.id}:g")
        )
    buttons.append(
        InlineKeyboardButton(T.BUTTON_START_PRIVATE, callback_data=f"quiz:go:{quiz.id}:p")
    )
    return text, InlineKeyboardMarkup([[b] for b in buttons])


async def choose_branch(update: Update, context: BotContext) -> None:
    """The admin of several branches says which branch a privately sent bank is for."""
    query = update.callback_query
    chat = update.effective_chat
    user = update.effective_user
    if query is None or chat is None or user is None:
        return
    m = re.fullmatch(r"quiz:bank:(\d{1,12}):(\d{1,12})", query.data or "")
    quiz = quizzes.get(context.db, int(m[1])) if m else None
    if m is None or quiz is None or quiz.created_by != user.id:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_STALE)
        return
    if quiz.branch_id is not None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_ANSWERED)
        return
    allowed = {b.id: b for b in await admin_branches(update, context)}
    branch = allowed.get(int(m[2]))
    if branch is None:
        context.outbox.answer_callback(context.db, chat.id, query.id, T.TAP_NOT_ADMIN)
        return
    quiz.branch_id = branch.id
    context.db.flush()
    context.outbox.answer_callback(
        context.db, chat.id, query.id, T.BRANCH_CHOSEN.format(title=quiz.title, branch=branch.title)
    )
    text, keyboard = card(context.db, quiz)
    if query.message is not None:
        context.outbox.edit_text(
            context.db, chat.id, query.message.message_id, text, keyboard=keyboard
        )
