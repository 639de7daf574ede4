"""Answering in the group: each vote in a quiz poll arrives as a `poll_answer`; a member's first
answer to a question is the one kept, while the quiz is open."""

from __future__ import annotations

from telegram import (
    Update,
)

from bot.context import BotContext, Services
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.common import member_in_branch
from storage import branches
from storage import quiz as quizzes


def poll_cache(services: Services) -> dict[str, quizzes.PollTarget]:
    return services.state.quiz_polls


async def poll_answer(update: Update, context: BotContext) -> None:
    """A member voted in a quiz poll: keep their first choice while the quiz is open."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return  # anonymous, or a retracted vote: the first answer stays
    cache = poll_cache(context.services)
    target = cache.get(answer.poll_id)
    if target is None:
        target = quizzes.poll_target(context.db, answer.poll_id)
        if target is None:
            return  # not one of our quiz polls (or not yet known to be: see storage.outbox)
        if len(cache) > 50_000:
            cache.clear()
        cache[answer.poll_id] = target
    user = answer.user
    now = context.now()
    voter = quizzes.voter(
        context.db, quiz_id=target.quiz_id, branch_id=target.branch_id, user_id=user.id
    )
    if voter is None:
        return
    member_id = voter.member_id
    if member_id is None:
        # Someone the bot has not seen in the group yet: ask Telegram once whether they are in it.
        member = await member_in_branch(context, target.branch_id, target.chat_id, user)
        if member is None:
            return
        member_id = member.id
    elif not voter.member_active:
        return
    if not voter.is_open(now):
        tell_late(context, target.quiz_id, user.id)
        return
    assert member_id is not None
    attempt_id = voter.attempt_id or quizzes.new_attempt(
        context.db,
        quiz_id=target.quiz_id,
        member_id=member_id,
        user_id=user.id,
        number=1,
        now=now,
    )
    quizzes.record_answer(
        context.db,
        attempt_id=attempt_id,
        question_id=target.question_id,
        chosen=answer.option_ids,
        now=now,
    )


def tell_late(context: BotContext, quiz_id: int, user_id: int) -> None:
    """Kindly, once per quiz and only in private: that answer came after the close."""
    if not branches.reachable_privately(context.db, [user_id]):
        return
    quiz = quizzes.get(context.db, quiz_id)
    if quiz is None:
        return
    context.outbox.message(
        context.db,
        user_id,
        fmt(T.LATE_ANSWER, title=quiz.title),
        dedupe_key=f"quiz:{quiz_id}:late:{user_id}",
        kind="quiz.late",
        ref=quiz_id,
    )
