"""2b. Poll-answer backlog: a group quiz's votes from known members, drained after a restart.

The heaviest inbound load the bot meets is a group quiz, where every member's every answer is
an update. The bot runs a 10-question group quiz, imported and started the normal way, in a
branch whose 300 members have all posted in the group before (so the bot knows them). It is
stopped; while it is down every member answers every question (3,000 `poll_answer` updates,
each followed by Telegram's `poll` state update, which the bot does not ask for), and the
secretary sends /help behind them. The bot starts again; the figure is answers per second from
its first getUpdates to its reply to /help, which is processed after every answer. Each answer
must be stored once.

The reference is a bare python-telegram-bot Application (bench/bare_bot.py) given the same
backlog on the same fake server, asking for the same kinds of update, which counts the answers
in memory and replies to /help: the same span, from its first getUpdates to that reply.

A second figure, first sightings, does the same with 300 members the bot has never seen: each
one's first answer registers them (a person, a member, an answer sheet).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.common import (
    Figure,
    median,
    print_profile,
    spawn_bare,
    spawn_bot,
    sqlite_count,
    stop_process,
    wait_for,
)
from bench.quiz_burst import start_group_quiz
from bot.demo.fake.botapi import FakeBotApi

GROUP = -1005000000000
SECRETARY = 10
FIRST_MEMBER = 500_000
QUESTIONS = 10
GOAL = 0.7  # × the bare bot
GOAL_RATE = 2000.0  # answers/s, absolute
FIRST_GOAL = 0.5
ALLOWED = "message,edited_message,callback_query,poll_answer,my_chat_member,chat_member"


def answer_all(fake: FakeBotApi, members: list[int], polls: list[str]) -> int:
    for poll_id in polls:
        for uid in members:
            fake.poll_answer(uid, poll_id, [uid % 4])
    return len(members) * len(polls)


def reply_after(fake: FakeBotApi, since: float) -> float | None:
    """When the fake received the reply to /help (a sendMessage to the group after `since`)."""
    for call in fake.calls:
        if (
            call.at >= since
            and call.method == "sendMessage"
            and call.status == 200
            and call.params.get("chat_id") == GROUP
        ):
            return call.at
    return None


def first_poll_after(fake: FakeBotApi, since: float) -> float | None:
    for call in fake.calls:
        if call.at >= since and call.method == "getUpdates":
            return call.at
    return None


async def run_bot(
    fake: FakeBotApi, data_dir: Path, members: list[int], *, known: bool, profile: Path | None
) -> tuple[float, list[str], list[str]]:
    """One run: answers/s from the first getUpdates after the restart to the /help reply,
    problems found, and the quiz's poll ids."""
    db = data_dir / "yinling.db"
    before = len(fake.sent(GROUP))
    fake.message(GROUP, SECRETARY, "/setup")
    bot = await spawn_bot(fake, data_dir)
    try:
        await wait_for(
            lambda: len(fake.sent(GROUP)) > before, within=60, what="/setup", process=bot
        )
        if known:
            for uid in members:
                fake.message(GROUP, uid, "大家好。")
            await wait_for(
                lambda: sqlite_count(db, "SELECT count(*) FROM member") >= len(members) + 1,
                within=120,
                what="the members to be registered",
                process=bot,
            )
        polls = await start_group_quiz(fake, bot, QUESTIONS, GROUP)
        await wait_for(lambda: fake.unconfirmed() == 0, within=60, what="a quiet inbox")
    finally:
        await stop_process(bot)
    answers = answer_all(fake, members, polls)
    fake.message(GROUP, SECRETARY, "/help")
    since = fake.clock()
    bot = await spawn_bot(fake, data_dir, profile=profile)
    try:
        await wait_for(
            lambda: reply_after(fake, since) is not None,
            within=600,
            what="the reply to /help behind the backlog",
            process=bot,
            every=0.05,
        )
    finally:
        await stop_process(bot)
    started = first_poll_after(fake, since)
    replied = reply_after(fake, since)
    assert started is not None and replied is not None
    problems = []
    recorded = sqlite_count(db, "SELECT count(*) FROM quiz_answer")
    if recorded != answers:
        problems.append(f"{recorded} answers stored of {answers}")
    failed = sqlite_count(db, "SELECT count(*) FROM inbox WHERE status = 'failed'")
    if failed:
        problems.append(f"{failed} updates failed")
    return answers / (replied - started), problems, polls


async def run_bare(fake: FakeBotApi, members: list[int], polls: list[str]) -> float:
    """The reference: the same backlog drained by a bare PTB bot counting in memory."""
    answers = answer_all(fake, members, polls)
    fake.message(GROUP, SECRETARY, "/help")
    since = fake.clock()
    bare = await spawn_bare(fake, marks=[answers + 1], allowed=ALLOWED, reply_to="/help")
    assert bare.stdout is not None
    try:
        line = await asyncio.wait_for(bare.stdout.readline(), 60)
        assert line.strip() == b"ready", line
        await wait_for(lambda: reply_after(fake, since) is not None, within=300, what="bare reply")
    finally:
        await stop_process(bare)
        await wait_for(lambda: fake.unconfirmed() == 0, within=5, what="confirmation")
    started = first_poll_after(fake, since)
    replied = reply_after(fake, since)
    assert started is not None and replied is not None
    return answers / (replied - started)


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> list[Figure]:
    count = 100 if quick else 300
    fake = FakeBotApi(self_check=False, enforce_limits=False)
    await fake.start()
    fake.add_user(SECRETARY, "赵", "书记")
    known: list[float] = []
    first: list[float] = []
    bare: list[float] = []
    problems: list[str] = []
    batch = 0

    def new_members() -> list[int]:
        nonlocal batch
        base = FIRST_MEMBER + batch * 10_000
        batch += 1
        ids = [base + i for i in range(count)]
        for uid in ids:
            fake.add_user(uid, f"成员{uid % 1000}", "老师")
            fake.set_member_status(GROUP, uid, "member")
        return ids

    fake.add_group(GROUP, "老干之家", creator_id=SECRETARY)
    try:
        for run in range(runs):
            rate, found, polls = await run_bot(
                fake, workdir / f"known-{run}", new_members(), known=True, profile=None
            )
            known.append(rate)
            problems += found
            # The reference answers the same quiz's polls (with members of its own).
            bare.append(await run_bare(fake, new_members(), polls))
            rate, found, _ = await run_bot(
                fake, workdir / f"first-{run}", new_members(), known=False, profile=None
            )
            first.append(rate)
            problems += found
        if profile:
            for known_members, name in ((True, "poll_answers"), (False, "poll_answers_first")):
                target = workdir / f"{name}.prof"
                await run_bot(
                    fake, workdir / name, new_members(), known=known_members, profile=target
                )
                print(f"--- {name}:")
                print_profile(target)
    finally:
        await fake.stop()
    ratio = median(known) / median(bare)
    first_ratio = median(first) / median(bare)
    return [
        Figure(
            name="polls",
            title=f"Poll answers, known members ({count} members × {QUESTIONS} questions, "
            "backlog after a restart)",
            measured=f"{median(known):.0f} answers/s",
            reference=f"{median(bare):.0f} answers/s (bare PTB, in memory)",
            ratio=f"{ratio:.2f}×",
            goal=f"≥ {GOAL}× the bare bot and ≥ {GOAL_RATE:.0f}/s, each answer stored once",
            passed=ratio >= GOAL and median(known) >= GOAL_RATE and not problems,
            details=[
                "bot runs " + ", ".join(f"{r:.0f}" for r in known),
                "bare runs " + ", ".join(f"{r:.0f}" for r in bare),
                *problems,
            ],
        ),
        Figure(
            name="polls-first",
            title=f"Poll answers, first sighting ({count} members never seen × {QUESTIONS} "
            "questions)",
            measured=f"{median(first):.0f} answers/s",
            reference=f"{median(bare):.0f} answers/s (bare PTB, in memory)",
            ratio=f"{first_ratio:.2f}×",
            goal=f"≥ {FIRST_GOAL}× the bare bot",
            passed=first_ratio >= FIRST_GOAL and not problems,
            details=["bot runs " + ", ".join(f"{r:.0f}" for r in first)],
        ),
    ]
