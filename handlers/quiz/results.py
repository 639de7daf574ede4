"""`/results [id]`: a quiz's participation, average and each question's accuracy, for admins
and staff."""

from __future__ import annotations

from telegram import (
    Update,
)

from bot.context import BotContext
from bot.services.quiz import results, results_text
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.common import (
    current_branch,
    is_group,
    may_view,
    reply,
    staff_only,
)
from handlers.scope import branch_for
from storage import branches
from storage import quiz as quizzes


@staff_only
async def show_results(update: Update, context: BotContext) -> None:
    """/results [id]: the latest quiz's participation and per-question accuracy."""
    tz = context.settings.tz
    args = context.args or []
    if args:
        if not args[0].isdigit():
            reply(update, context, T.RESULTS_USAGE)
            return
        quiz = quizzes.get(context.db, int(args[0]))
        if quiz is None or not await _may_see(update, context, quiz.branch_id):
            reply(update, context, fmt(T.NO_SUCH_QUIZ, id=args[0]))
            return
        reply(update, context, results_text(results(context.db, quiz), tz))
        return
    branch = await branch_for(update, context, "staff")
    if branch is None or branch.id is None:
        return
    latest = quizzes.latest(context.db, branch.id)
    if latest is None:
        reply(update, context, fmt(T.RESULTS_NONE, branch=branch.title))
    else:
        reply(update, context, results_text(results(context.db, latest), tz))


async def _may_see(update: Update, context: BotContext, branch_id: int | None) -> bool:
    """A quiz given by number: of this group's branch, or privately of one the sender sees."""
    user = update.effective_user
    branch = branches.get(context.db, branch_id) if branch_id is not None else None
    if user is None or branch is None or not branch.active:
        return False
    if is_group(update.effective_chat):
        here = current_branch(update, context)
        return here is not None and here.id == branch.id
    return await may_view(context, user.id, branch)
