"""2. Quiz burst: 1,000 members answering a 20-question group quiz as fast as the fake delivers.

Needs the quiz feature. The benchmark only assumes what any group quiz does: an admin starts it
in the branch group from a question bank, the bot sends the questions as non-anonymous polls to
the group, and each `poll_answer` is recorded in the database. `start_group_quiz` and
`ANSWERS_SQL` below are the two places that know the quiz feature's interface; adapt them if
the merged feature starts quizzes differently or names its table otherwise.

Once the polls are out, 1,000 members × 20 questions answers are injected into the fake at once
(each also brings Telegram's `poll` state update, so the bot handles 40,000 updates). The figure
is recorded answers per second from injection until the inbox is drained, and every answer must
be recorded exactly once.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    Figure,
    median,
    spawn_bot,
    sqlite_count,
    stop_process,
    wait_for,
)
from bot.demo.fake.botapi import FakeBotApi
from storage.spreadsheets.writers import template_xlsx

GROUP = -1004000000000
SECRETARY = 10
FIRST_MEMBER = 400_000
QUESTIONS = 20
GOAL = 1000.0  # answers per second
# How the quiz feature stores one member's answer to one question.
ANSWERS_SQL = "SELECT count(*) FROM quiz_answer"


def bank(questions: int) -> bytes:
    """A question bank in the upload format (storage/spreadsheets/quizbank.py)."""
    rows = [
        [
            f"第{q + 1}题：中国共产党成立于哪一年？",
            "1919年",
            "1921年",
            "1927年",
            "1949年",
            "B",
            "",
            5,
        ]
        for q in range(questions)
    ]
    header = ["题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值"]
    return template_xlsx(title="题库", header=header, rows=rows, widths=[40] * len(header))


async def start_group_quiz(
    fake: FakeBotApi, bot_process: object, questions: int, group: int = GROUP
) -> list[str]:
    """The secretary starts a group quiz from a bank; returns the ids of the polls the bot sent.

    As the secretary does it: send the bank to the group with the caption "/quiz 名称", then
    "/quiz start <id> group"; the bot posts the questions as polls in the group.
    """
    before = len(fake.sent(group, method="sendPoll"))
    imported = len(fake.sent(group))
    document = fake.file(bank(questions), file_name="题库.xlsx")
    fake.message(group, SECRETARY, caption="/quiz 党史知识测试", document=document)
    await wait_for(
        lambda: len(fake.sent(group)) > imported,
        within=60,
        what="the bank to be imported",
        process=bot_process,  # type: ignore[arg-type]
    )
    fake.message(group, SECRETARY, "/quiz start 1 group")
    await wait_for(
        lambda: len(fake.sent(group, method="sendPoll")) >= before + questions,
        within=120,
        what=f"{questions} quiz polls in the group (adapt start_group_quiz to the quiz feature)",
        process=bot_process,  # type: ignore[arg-type]
        every=0.2,
    )
    return [m["poll"]["id"] for m in fake.sent(group, method="sendPoll")][before:][:questions]


def answer_all(fake: FakeBotApi, members: list[int], polls: list[str]) -> int:
    for poll_id in polls:
        for uid in members:
            fake.poll_answer(uid, poll_id, [uid % 4])
    return len(members) * len(polls)


async def run(fake: FakeBotApi, data_dir: Path, members: list[int]) -> tuple[float, list[str]]:
    db = data_dir / "yinling.db"
    before = len(fake.sent(GROUP))
    fake.message(GROUP, SECRETARY, "/setup")
    bot = await spawn_bot(fake, data_dir)
    try:
        await wait_for(
            lambda: len(fake.sent(GROUP)) > before, within=60, what="/setup", process=bot
        )
        polls = await start_group_quiz(fake, bot, QUESTIONS)
        await wait_for(lambda: fake.unconfirmed() == 0, within=60, what="a quiet inbox")
        answers = answer_all(fake, members, polls)
        started = datetime.now(UTC).timestamp()
        await wait_for(
            lambda: (
                sqlite_count(db, "SELECT count(*) FROM inbox WHERE status = 'pending'") == 0
                and fake.unconfirmed() == 0
            ),
            within=900,
            what="every answer to be processed",
            process=bot,
            every=0.1,
        )
    finally:
        await stop_process(bot)
    connection = sqlite3.connect(db)
    try:
        (last,) = connection.execute("SELECT max(processed_at) FROM inbox").fetchone()
    finally:
        connection.close()
    seconds = datetime.fromisoformat(last).replace(tzinfo=UTC).timestamp() - started
    recorded = sqlite_count(db, ANSWERS_SQL)
    failed = sqlite_count(db, "SELECT count(*) FROM inbox WHERE status = 'failed'")
    problems = []
    if recorded != answers:
        problems.append(f"{recorded} answers recorded of {answers}")
    if failed:
        problems.append(f"{failed} updates failed")
    return answers / seconds, problems


async def measure(workdir: Path, *, quick: bool, runs: int, profile: bool = False) -> Figure:
    count = 200 if quick else 1000
    if importlib.util.find_spec("handlers.quiz") is None:
        return Figure(
            name="quiz",
            title=f"Quiz burst ({count} members × {QUESTIONS} questions)",
            measured="needs the quiz feature (handlers/quiz.py)",
            reference=f"{GOAL:.0f} answers/s",
            goal=f"≥ {GOAL:.0f} answers/s, all recorded once",
            passed=None,
        )
    fake = FakeBotApi(self_check=False, enforce_limits=False)
    await fake.start()
    rates: list[float] = []
    problems: list[str] = []
    try:
        fake.add_user(SECRETARY, "赵", "书记")
        members = [FIRST_MEMBER + i for i in range(count)]
        for uid in members:
            fake.add_user(uid, f"成员{uid % 1000}", "老师")
        fake.add_group(GROUP, "老干之家", creator_id=SECRETARY, members=members)
        for i in range(runs):
            rate, found = await run(fake, workdir / f"quiz-{i}", members)
            rates.append(rate)
            problems += found
    finally:
        await fake.stop()
    rate = median(rates)
    return Figure(
        name="quiz",
        title=f"Quiz burst ({count} members × {QUESTIONS} questions)",
        measured=f"{rate:.0f} answers/s",
        reference=f"{GOAL:.0f} answers/s",
        ratio=f"{rate / GOAL:.2f}×",
        goal=f"≥ {GOAL:.0f} answers/s, all recorded once",
        passed=rate >= GOAL and not problems,
        details=["runs " + ", ".join(f"{r:.0f}" for r in rates), *problems],
    )
