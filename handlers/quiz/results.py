"""`/results [id]`: a quiz's participation, average and each question's accuracy, for admins
and staff."""

from __future__ import annotations

from telegram import (
    Update,
)

from bot.context import BotContext
from bot.services.quiz import results, results_text
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.common import (
    is_group,
    reply,
    staff_only,
    viewable_branches,
)
from storage import quiz as quizzes


@staff_only
async def show_results(update: Update, context: BotContext) -> None:
    """/results [id]: the latest quiz's participation and per-question accuracy."""
    scope = await viewable_branches(update, context)
    if not scope:
        reply(
            update,
            context,
            C.NOT_A_BRANCH if is_group(update.effective_chat) else C.NO_BRANCH_PRIVATE,
        )
        return
    tz = context.settings.tz
    args = context.args or []
    if args:
        if not args[0].isdigit():
            reply(update, context, T.RESULTS_USAGE)
            return
        quiz = quizzes.get(context.db, int(args[0]))
        if quiz is None or quiz.branch_id not in {b.id for b in scope}:
            reply(update, context, fmt(T.NO_SUCH_QUIZ, id=args[0]))
            return
        reply(update, context, results_text(results(context.db, quiz), tz))
        return
    for branch in scope:
        assert branch.id is not None
        latest = quizzes.latest(context.db, branch.id)
        if latest is None:
            reply(update, context, fmt(T.RESULTS_NONE, branch=branch.title))
        else:
            reply(update, context, results_text(results(context.db, latest), tz))
