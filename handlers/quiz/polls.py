"""Answering in the group: each vote in a quiz poll arrives as a `poll_answer`; a member's first
answer to a question is the one kept, while the quiz is open.

A group quiz is the heaviest inbound load the bot meets (every member's every vote is an
update), so votes come in bulk first (`record_answers`, registered in `BULK`): the votes of a
run of updates are stored with set-based SQL, the voters recorded as people and newcomers
registered as members together (their role checks asked at once); whatever needs more (a late
vote to answer kindly, a retraction, a poll not recorded yet) is left to `poll_answer`, one
update at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session
from telegram import (
    Update,
)

from bot.context import BotContext, Services
from bot.runtime.current import wait_for
from bot.runtime.inbox import RawUpdate
from bot.runtime.sender import poll_key
from bot.texts import fmt
from bot.texts import quiz as T
from handlers.common import IN_GROUP, member_in_branch
from handlers.members import remember_people
from storage import branches, inbox, quiz_polls
from storage import quiz as quizzes


def poll_cache(services: Services) -> dict[str, quiz_polls.PollTarget]:
    return services.state.quiz_polls


def target_of(services: Services, session: Session, poll_id: str) -> quiz_polls.PollTarget | None:
    """The quiz question a poll asks (cached: a recorded poll never changes)."""
    cache = poll_cache(services)
    target = cache.get(poll_id)
    if target is None:
        target = quiz_polls.poll_target(session, poll_id)
        if target is None:
            return None
        if len(cache) > 50_000:
            cache.clear()
        cache[poll_id] = target
    return target


def newcomers_to_ask(
    services: Services, session: Session, updates: Sequence[RawUpdate]
) -> set[tuple[int, int]]:
    """Before the batch's transaction (bot/runtime/inbox.py `Prefetch`): the voters not known
    as members yet, whose first vote asks Telegram whether they are in the group. Voters the
    cache knows as members (most, after a quiz's first few votes) need no query."""
    seen = services.state.seen
    by_quiz: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for update in updates:
        user = update.body.get("user")
        if not isinstance(user, dict) or user.get("is_bot") or not update.body.get("option_ids"):
            continue
        target = target_of(services, session, str(update.body.get("poll_id")))
        if target is not None and not seen.knows_member(target.chat_id, int(user["id"])):
            by_quiz[(target.quiz_id, target.branch_id, target.chat_id)].add(int(user["id"]))
    wanted: set[tuple[int, int]] = set()
    for (quiz_id, branch_id, chat_id), users in by_quiz.items():
        sheets = quiz_polls.voters(
            session, quiz_id=quiz_id, branch_id=branch_id, user_ids=list(users)
        )
        wanted |= {(chat_id, u) for u in users if u not in sheets or not sheets[u].active}
    return wanted


Vote = tuple[int, int, list[int], quiz_polls.PollTarget]  # index, user id, options, question


async def record_answers(
    services: Services, session: Session, updates: Sequence[RawUpdate]
) -> list[int]:
    """Many votes at once: each member's first choice while the quiz is open, for the whole run
    with a few statements (newcomers asked about together and registered in one go); returns
    the indexes left for `poll_answer` (retractions, late votes, polls not recorded yet)."""
    seen = services.state.seen
    left: list[int] = []
    by_quiz: dict[tuple[int, int], list[Vote]] = defaultdict(list)
    names: dict[int, branches.Names] = {}
    for index, update in enumerate(updates):
        body = update.body
        user = body.get("user")
        options = body.get("option_ids")
        target = target_of(services, session, str(body.get("poll_id")))
        if not isinstance(user, dict) or user.get("is_bot") or not options or target is None:
            left.append(index)  # anonymous, a retraction, or a poll not known (yet)
            continue
        user_id = int(user["id"])
        names[user_id] = (str(user["first_name"]), user.get("last_name"), user.get("username"))
        by_quiz[(target.quiz_id, target.branch_id)].append((index, user_id, options, target))
    now = services.now()
    remember_people(services, session, names, now=now)
    answers: list[tuple[int, int, list[int]]] = []
    for (quiz_id, branch_id), votes in by_quiz.items():
        state = quiz_polls.quiz_state(session, quiz_id)
        if state is None or state[0] != "open" or state[1] is None or now >= state[1]:
            left.extend(vote[0] for vote in votes)  # late: the voter is told kindly
            continue
        users = list({v[1] for v in votes})
        sheets = quiz_polls.voters(session, quiz_id=quiz_id, branch_id=branch_id, user_ids=users)
        newcomers = [u for u in users if u not in sheets or not sheets[u].active]
        if newcomers:
            joined = await in_group(services, votes[0][3].chat_id, newcomers)
            branches.register_members(
                session,
                branch_id=branch_id,
                names={u: branches.full_name(*names[u], u) for u in joined},
                now=now,
            )
            sheets.update(
                quiz_polls.voters(session, quiz_id=quiz_id, branch_id=branch_id, user_ids=joined)
            )
        # Votes of people outside the group are not counted (and need nothing else).
        kept = [(v, sheets[v[1]]) for v in votes if v[1] in sheets and sheets[v[1]].active]
        chat_id = votes[0][3].chat_id
        for user_id in {v[1] for v, _ in kept}:
            if not seen.knows_member(chat_id, user_id):  # their next votes skip the prefetch
                seen.learn_later(session, ("member", (chat_id, user_id), None))
        created = quiz_polls.new_attempts(
            session,
            quiz_id=quiz_id,
            members={s.member_id: v[1] for v, s in kept if s.attempt_id is None},
            now=now,
        )
        for (_index, _user_id, options, target), sheet in kept:
            attempt_id = sheet.attempt_id or created[sheet.member_id]
            answers.append((attempt_id, target.question_id, options))
    quiz_polls.record_answers(session, answers, now=now)
    return sorted(left)


async def in_group(services: Services, chat_id: int, user_ids: list[int]) -> list[int]:
    """Which of these accounts are in the group, per Telegram (cached role checks, asked
    together: a quiz's newcomers come in crowds; usually prefetched before the batch)."""
    await services.roles.warm((chat_id, u) for u in user_ids)
    statuses = [await services.roles.status(chat_id, u) for u in user_ids]
    return [u for u, status in zip(user_ids, statuses, strict=True) if status in IN_GROUP]


BULK = {"poll_answer": record_answers}
PREFETCH = {"poll_answer": newcomers_to_ask}


async def poll_answer(update: Update, context: BotContext) -> None:
    """A member voted in a quiz poll: keep their first choice while the quiz is open."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return  # anonymous, or a retracted vote: the first answer stays
    target = target_of(context.services, context.db, answer.poll_id)
    if target is None:
        # Every poll that brings votes was sent by the bot, so its send is not recorded yet
        # (the vote came before Telegram's answer to sendPoll, or that answer was lost): the
        # vote waits, and runs again once the poll id is recorded.
        wait_for(poll_key(answer.poll_id))
        return
    user = answer.user
    now = context.now()
    voter = quiz_polls.voter(
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


async def poll_seen(update: Update, context: BotContext) -> None:
    """A poll's state changed (asked for only while some poll's send is unsure): if it is an
    unsure quiz poll's copy, record its id, and let the votes that waited for it run."""
    poll = update.poll
    if poll is None or target_of(context.services, context.db, poll.id) is not None:
        return
    row = quiz_polls.adopt_unsure_poll(
        context.db,
        poll_id=poll.id,
        question=poll.question,
        options=[o.text for o in poll.options],
        now=context.now(),
    )
    if row is not None:
        inbox.release(context.db, poll_key(poll.id))


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
