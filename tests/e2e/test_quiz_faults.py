"""Group quiz polls when Telegram is slow or loses an answer: a vote that arrives before the bot
has recorded its poll still counts; a poll whose send timed out is not posted twice blindly, and
votes on the copy that did go out count once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from handlers.callbacks import QuizStart
from storage.models import InboxUpdate, OutboxMessage, QuizAnswer, QuizAttempt
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.quiz_helpers import BANK, last_with_button, poll_ids, press, send_bank, xlsx_bytes

WANG, LI, ZHANG, CHEN = RETIREES


async def bank_ready(harness: Harness) -> int:
    await harness.start()
    await harness.setup_branch()
    for member in (WANG, LI):
        harness.fake.message(GROUP_ID, member, "大家好")
    send_bank(harness, xlsx_bytes(BANK), "党史题库.xlsx")
    await harness.settle()
    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    started = QuizStart.parse(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    assert started is not None
    return started.quiz


def start_in_group(harness: Harness, quiz_id: int) -> None:
    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    press(harness, SECRETARY, GROUP_ID, card, QuizStart(quiz_id, "g").build())


def answers(harness: Harness) -> dict[int, list[str]]:
    with harness.session() as s:
        rows = s.exec(
            select(QuizAttempt.user_id, QuizAnswer.question_id, QuizAnswer.chosen).join(
                QuizAnswer, col(QuizAnswer.attempt_id) == col(QuizAttempt.id)
            )
        ).all()
    found: dict[int, list[str]] = {}
    for user_id, _, chosen in sorted(rows, key=lambda r: (r[0], r[1])):
        found.setdefault(user_id, []).append(chosen)
    return found


def inbox_statuses(harness: Harness) -> list[str]:
    with harness.session() as s:
        return [r.status for r in s.exec(select(InboxUpdate).order_by(col(InboxUpdate.id))).all()]


async def test_a_vote_before_the_bot_recorded_its_poll_is_counted(harness: Harness) -> None:
    quiz_id = await bank_ready(harness)
    release = harness.fake.hold_reply("sendPoll")  # posted at once, the answer comes late
    start_in_group(harness, quiz_id)
    await harness.fake.wait_until(lambda: len(poll_ids(harness)) == 1)
    harness.fake.poll_answer(WANG, poll_ids(harness)[0], [1])
    # The bot has the vote and has handled it before it learns the poll's id.
    await harness.fake.wait_until(lambda: harness.fake.unconfirmed() == 0)
    await harness.fake.wait_until(lambda: "pending" not in inbox_statuses(harness))
    release.set()
    await harness.settle()

    assert answers(harness) == {WANG: ["1"]}
    assert set(inbox_statuses(harness)) == {"done"}
    assert len(poll_ids(harness)) == 3


async def test_a_poll_whose_answer_was_lost_is_not_posted_twice_and_its_votes_count(
    harness: Harness,
) -> None:
    quiz_id = await bank_ready(harness)
    harness.fake.lose_reply("sendPoll")  # question 1 is posted; the bot never hears so
    start_in_group(harness, quiz_id)
    await harness.settle()
    polls = poll_ids(harness)
    assert len(polls) == 3  # one copy of each question

    harness.fake.poll_answer(WANG, polls[0], [1])
    await harness.settle()
    harness.fake.poll_answer(LI, polls[0], [0])
    harness.fake.poll_answer(LI, polls[2], [0])
    await harness.settle()
    assert answers(harness) == {WANG: ["1"], LI: ["0", "0"]}

    # Long after: nothing is sent again, since the copy was recognised.
    harness.clock.advance(timedelta(hours=1))
    await harness.tick()
    assert len(poll_ids(harness)) == 3
    with harness.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "quiz.poll")).all()
    assert sorted(r.status for r in rows) == ["sent"] * 3
    assert {r.poll_id for r in rows} == set(polls)


async def test_a_poll_lost_before_telegram_posted_it_is_sent_again_later(
    harness: Harness,
) -> None:
    quiz_id = await bank_ready(harness)
    harness.fake.lose_reply("sendPoll", took_effect=False)
    start_in_group(harness, quiz_id)
    await harness.settle()
    assert len(poll_ids(harness)) == 2  # questions 2 and 3; the bot cannot tell about 1
    harness.clock.advance(timedelta(minutes=5))
    await harness.tick()
    assert len(poll_ids(harness)) == 2  # not yet: it may still show that it went out

    harness.clock.advance(timedelta(minutes=15))
    await harness.tick()
    polls = poll_ids(harness)
    assert len(polls) == 3
    harness.fake.poll_answer(WANG, polls[2], [1])
    await harness.settle()
    await harness.tick()
    assert len(poll_ids(harness)) == 3  # sent again once only
    assert answers(harness) == {WANG: ["1"]}


async def test_a_stop_whose_answer_was_lost_is_retried_and_counts_as_done(
    harness: Harness,
) -> None:
    quiz_id = await bank_ready(harness)
    start_in_group(harness, quiz_id)
    await harness.settle()
    harness.fake.lose_reply("stopPoll")  # the first poll is closed; the bot never hears so
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz close {quiz_id}")
    await harness.settle(limit=15)
    assert all(harness.fake.poll(p)["is_closed"] for p in poll_ids(harness))
    with harness.session() as s:
        stops = s.exec(select(OutboxMessage).where(OutboxMessage.method == "stopPoll")).all()
    assert sorted(r.status for r in stops) == ["sent"] * 3
    with harness.session() as s:
        failed = s.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
    assert failed == []
