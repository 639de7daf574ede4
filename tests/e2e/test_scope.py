"""Which branch a private command is about, as a secretary of two branches meets it: asked once
with buttons, the command carried out after the tap without sending it again, not asked again
within half an hour of the last command, asked again after it, /branch to switch, the choice
kept over a restart; an admin of one branch is never asked; forged taps are refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.runtime import sender as sending
from bot.services import themeday as theme_day
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import scope as TS
from handlers.callbacks import BranchPick
from handlers.roster_import import OPT_PENDING
from storage import branches
from storage import quiz as quizzes
from storage.models import (
    Branch,
    BranchChoice,
    BranchQuestion,
    Flow,
    Material,
    Member,
    Quiz,
)
from storage.spreadsheets import parse_quiz_bank
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import push_confirmed
from tests.e2e.quiz_helpers import BANK, send_bank, xlsx_bytes
from tests.e2e.test_care_roster import xlsx as roster_xlsx

WANG, LI, ZHANG, CHEN = RETIREES
OTHER = -1009999000001  # 第二支部: the secretary is its creator too
THIRD = -1009999000002  # 第三支部: not his
THIRD_SECRETARY = 4001
FIRST_ID, OTHER_ID, THIRD_ID = 1, 2, 3


@pytest.fixture(autouse=True)
def quick_private_chats(monkeypatch: pytest.MonkeyPatch, harness: Harness) -> None:
    """Many private answers in a row; Telegram's one a second only makes the test slow."""
    monkeypatch.setattr(sending, "PRIVATE_INTERVAL", 0.01)
    harness.fake.enforce_limits = False


async def three_branches(harness: Harness) -> None:
    f = harness.fake
    f.add_user(THIRD_SECRETARY, "周", "书记")
    f.add_group(OTHER, "第二支部", creator_id=SECRETARY, members=[WANG, LI])
    f.add_group(THIRD, "第三支部", creator_id=THIRD_SECRETARY, members=[CHEN])
    f.start_private(SECRETARY)
    f.start_private(COMMITTEE)
    await harness.start()
    await harness.setup_branch()
    f.message(OTHER, SECRETARY, "/setup")
    f.message(THIRD, THIRD_SECRETARY, "/setup")
    f.message(OTHER, WANG, "大家好")
    f.message(GROUP_ID, COMMITTEE, "大家好")  # known to be in the branch from now on
    await harness.settle()
    # 第二支部 has a theme day going on, for /remind and /report.
    await push_confirmed(harness, OTHER, SECRETARY, "十二月学习")
    with harness.session() as s:
        assert [(b.id, b.chat_id) for b in s.exec(select(Branch))] == [
            (FIRST_ID, GROUP_ID),
            (OTHER_ID, OTHER),
            (THIRD_ID, THIRD),
        ]


async def said(harness: Harness, user_id: int, text: str | None = None, **kw: Any) -> list[Any]:
    """The user writes privately; what the bot sent back."""
    before = len(harness.fake.sent(user_id))
    harness.fake.message(user_id, user_id, text, **kw)
    await harness.settle()
    return harness.fake.sent(user_id)[before:]


def texts(sent: list[Any]) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in sent]


def choices(question: Any) -> dict[str, str]:
    rows = question["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in rows for b in row}


# --- the six commands, each with what it does to the branch it is about ------------------------


async def themeday_command(harness: Harness, user_id: int) -> list[Any]:
    return await said(harness, user_id, "/themeday 15 09:00 学习")


def themeday_done(harness: Harness, branch_id: int) -> bool:
    with harness.session() as s:
        return theme_day.rule_of(s.get_one(Branch, branch_id)) is not None


async def remind_command(harness: Harness, user_id: int) -> list[Any]:
    return await said(harness, user_id, "/remind")


def remind_done(harness: Harness, branch_id: int) -> bool:
    """/remind shows its preview for that branch (nothing is sent before 确认发出)."""
    with harness.session() as s:
        flow = s.exec(select(Flow).where(Flow.user_id == SECRETARY)).first()
        return flow is not None and flow.kind == "remind" and flow.branch_id == branch_id


async def report_command(harness: Harness, user_id: int) -> list[Any]:
    return await said(harness, user_id, "/report")


def report_done(harness: Harness, branch_id: int) -> bool:
    return branch_id == OTHER_ID and "十二月学习" in harness.texts(SECRETARY)[-1]


async def roster_command(harness: Harness, user_id: int) -> list[Any]:
    row = ["王建国", "", str(WANG), "男", "1946-12-05", "公历", "1970-07-01", "是", ""]
    doc = harness.fake.file(roster_xlsx([row]), file_name="名单.xlsx")
    return await said(harness, user_id, caption="/roster", document=doc)


def roster_done(harness: Harness, branch_id: int) -> bool:
    """The file was read for that branch: its preview waits for 确认导入 (nothing is imported
    before), and no other branch has one."""
    with harness.session() as s:
        waiting = [b.id for b in s.exec(select(Branch)) if branches.option(b, OPT_PENDING, {})]
        listed = s.exec(select(Member).where(col(Member.on_roster))).all()
    return waiting == [branch_id] and listed == []


async def quiz_command(harness: Harness, user_id: int) -> list[Any]:
    before = len(harness.fake.sent(user_id))
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx", chat_id=user_id, user_id=user_id)
    await harness.settle()
    return harness.fake.sent(user_id)[before:]


def quiz_done(harness: Harness, branch_id: int) -> bool:
    with harness.session() as s:
        return [q.branch_id for q in s.exec(select(Quiz))] == [branch_id]


async def material_command(harness: Harness, user_id: int) -> list[Any]:
    doc = harness.fake.file(b"%PDF-1.4 x", file_name="讲话.pdf")
    return await said(harness, user_id, caption="/material 重要讲话", document=doc)


def material_done(harness: Harness, branch_id: int) -> bool:
    with harness.session() as s:
        return [(m.branch_id, m.state) for m in s.exec(select(Material))] == [(branch_id, "queued")]


Run = Callable[[Harness, int], Awaitable[list[Any]]]
Done = Callable[[Harness, int], bool]
COMMANDS: dict[str, tuple[Run, Done]] = {
    "themeday": (themeday_command, themeday_done),
    "remind": (remind_command, remind_done),
    "report": (report_command, report_done),
    "roster": (roster_command, roster_done),
    "quiz": (quiz_command, quiz_done),
    "material": (material_command, material_done),
}


@pytest.mark.parametrize("first", list(COMMANDS))
async def test_asked_once_the_command_is_carried_out_then_the_others_are_not_asked(
    harness: Harness, first: str
) -> None:
    await three_branches(harness)
    run, done = COMMANDS[first]

    [question] = await run(harness, SECRETARY)
    assert question["text"] == C.CHOOSE_BRANCH
    assert list(choices(question)) == ["老干之家", "第二支部"]  # not 第三支部: not his
    assert not done(harness, OTHER_ID)  # nothing happens before the choice

    harness.fake.press(SECRETARY, SECRETARY, question["message_id"], choices(question)["第二支部"])
    await harness.settle()
    chosen = harness.fake.message_by_id(SECRETARY, question["message_id"])
    assert chosen is not None and "第二支部" in chosen["text"] and "/branch" in chosen["text"]
    assert "reply_markup" not in chosen
    assert done(harness, OTHER_ID), f"/{first} was not carried out after the tap"
    assert harness.fake.unanswered_callbacks() == []

    # The other commands within the window: not asked, each answer preceded by the branch.
    for name, (run_next, done_next) in COMMANDS.items():
        if name == first:
            continue
        harness.clock.advance(timedelta(minutes=20))
        sent = await run_next(harness, SECRETARY)
        assert texts(sent)[0] == fmt(TS.NOTE, branch="第二支部"), (name, texts(sent))
        assert C.CHOOSE_BRANCH not in texts(sent), name
        assert done_next(harness, OTHER_ID), name
    with harness.session() as s:
        assert s.exec(select(BranchQuestion)).all() == []  # answered: nothing kept
    # 老干之家 was never touched.
    assert not any(done_first(harness, FIRST_ID) for _, done_first in COMMANDS.values())


async def test_the_window_runs_from_the_last_command_and_survives_a_restart(
    harness: Harness,
) -> None:
    await three_branches(harness)
    [question] = await said(harness, SECRETARY, "/themeday")
    harness.fake.press(SECRETARY, SECRETARY, question["message_id"], choices(question)["第二支部"])
    await harness.settle()
    assert "第二支部" in harness.texts(SECRETARY)[-1]

    for _ in range(3):  # an hour and a half of work, never more than 29 minutes apart
        harness.clock.advance(timedelta(minutes=29))
        note, answer = texts(await said(harness, SECRETARY, "/themeday"))
        assert note == fmt(TS.NOTE, branch="第二支部") and "第二支部" in answer

    await harness.restart()
    harness.clock.advance(timedelta(minutes=10))
    note, _ = texts(await said(harness, SECRETARY, "/themeday"))
    assert note == fmt(TS.NOTE, branch="第二支部")

    harness.clock.advance(timedelta(minutes=31))
    [again] = await said(harness, SECRETARY, "/themeday")
    assert again["text"] == C.CHOOSE_BRANCH
    harness.fake.press(SECRETARY, SECRETARY, again["message_id"], choices(again)["老干之家"])
    await harness.settle()
    assert "老干之家" in harness.texts(SECRETARY)[-1]
    note, _ = texts(await said(harness, SECRETARY, "/themeday"))
    assert note == fmt(TS.NOTE, branch="老干之家")


async def test_branch_switches_and_forged_taps_are_refused(harness: Harness) -> None:
    await three_branches(harness)
    [question] = await said(harness, SECRETARY, "/branch")
    assert question["text"] == C.CHOOSE_BRANCH
    real = BranchPick.parse(choices(question)["第二支部"])
    assert real is not None

    def choice() -> int | None:
        with harness.session() as s:
            found = s.get(BranchChoice, SECRETARY)
            return found.branch_id if found else None

    forged = {
        "not his branch": BranchPick(real.question, THIRD_ID).build(),
        "no such branch": BranchPick(real.question, 999).build(),
        "no such question": BranchPick(real.question + 1000, OTHER_ID).build(),
    }
    f = harness.fake
    ids = {
        why: f.press(SECRETARY, SECRETARY, question["message_id"], data, force=True)
        for why, data in forged.items()
    }
    # Another admin replays the secretary's button from his own chat.
    committee_chat = (await said(harness, COMMITTEE, "/help"))[-1]
    ids["someone else's question"] = f.press(
        COMMITTEE, COMMITTEE, committee_chat["message_id"], real.build(), force=True
    )
    await harness.settle()
    answers = {why: f.answered_callbacks[i]["text"] for why, i in ids.items()}
    assert answers == {
        "not his branch": C.NOT_STAFF,
        "no such branch": C.NOT_STAFF,
        "no such question": TS.QUESTION_GONE,
        "someone else's question": TS.QUESTION_GONE,
    }
    assert choice() is None
    with harness.session() as s:
        assert s.get(BranchChoice, COMMITTEE) is None

    # The real tap still works: /branch only chooses, nothing else runs.
    before = len(f.sent(SECRETARY))
    f.press(SECRETARY, SECRETARY, question["message_id"], real.build())
    await harness.settle()
    assert choice() == OTHER_ID
    assert len(f.sent(SECRETARY)) == before
    edited = f.message_by_id(SECRETARY, question["message_id"])
    assert edited is not None and "第二支部" in edited["text"]
    note, shown = texts(await said(harness, SECRETARY, "/themeday"))
    assert note == fmt(TS.NOTE, branch="第二支部") and "第二支部" in shown

    # Switching: /branch again, the other branch, and the next command is about it.
    [switch] = await said(harness, SECRETARY, "/branch")
    f.press(SECRETARY, SECRETARY, switch["message_id"], choices(switch)["老干之家"])
    await harness.settle()
    note, shown = texts(await said(harness, SECRETARY, "/themeday"))
    assert note == fmt(TS.NOTE, branch="老干之家") and "老干之家" in shown

    # A question left unanswered too long is not answered by a late tap.
    harness.clock.advance(timedelta(minutes=31))
    [late] = await said(harness, SECRETARY, "/remind")
    harness.clock.advance(timedelta(hours=13))
    query = f.press(SECRETARY, SECRETARY, late["message_id"], choices(late)["第二支部"])
    await harness.settle()
    assert f.answered_callbacks[query]["text"] == TS.QUESTION_GONE
    assert not remind_done(harness, OTHER_ID) and choice() == FIRST_ID
    await harness.tick()
    with harness.session() as s:  # what it held is not kept either
        assert s.exec(select(BranchQuestion)).all() == []
    assert f.unanswered_callbacks() == []


async def test_an_admin_of_one_branch_is_never_asked(harness: Harness) -> None:
    await three_branches(harness)
    answers = {}
    for text in ("/themeday", "/remind", "/report", "/roster", "/materials", "/quiz", "/branch"):
        answers[text] = texts(await said(harness, COMMITTEE, text))
        assert len(answers[text]) == 1, answers[text]
        assert answers[text][0] != C.CHOOSE_BRANCH and "📌" not in answers[text][0], text
    for text in ("/themeday", "/materials", "/quiz"):
        assert "老干之家" in answers[text][0], answers[text]
    assert answers["/branch"] == [fmt(TS.ONLY_ONE, branch="老干之家")]
    [refused] = texts(await said(harness, WANG, "/branch"))
    assert refused == C.NOT_STAFF
    with harness.session() as s:
        assert s.exec(select(BranchQuestion)).all() == []
        assert s.exec(select(BranchChoice)).all() == []


async def test_in_a_group_the_branch_is_the_groups(harness: Harness) -> None:
    await three_branches(harness)
    harness.fake.message(OTHER, SECRETARY, "/themeday 15 09:00 学习")
    harness.fake.message(OTHER, SECRETARY, "/branch")
    await harness.settle()
    set_rule, branch = harness.texts(OTHER)[-2:]
    assert "第二支部" in set_rule and branch == fmt(TS.IN_GROUP, branch="第二支部")
    assert themeday_done(harness, OTHER_ID) and not themeday_done(harness, FIRST_ID)
    with harness.session() as s:
        assert s.exec(select(BranchQuestion)).all() == []


async def test_rows_left_waiting_for_a_branch_by_the_old_version_are_placed(
    harness: Harness,
) -> None:
    """Before the branch was asked up front, a material sent privately waited "choosing" and a
    bank was stored without a branch; replying /material again, or starting the quiz, places
    them through the same question."""
    await three_branches(harness)
    doc = harness.fake.file(b"%PDF-1.4 x", file_name="旧材料.pdf")
    source = harness.fake.message(SECRETARY, SECRETARY, document=doc)
    async with harness.services.db.write() as s:
        s.add(
            Material(
                kind="document",
                title="旧材料",
                source_chat_id=SECRETARY,
                source_message_id=source["message_id"],
                added_by=SECRETARY,
                state="choosing",
                file_id=doc["file_id"],
                file_unique_id=doc["file_unique_id"],
                created_at=harness.clock.now(),
            )
        )
        questions = parse_quiz_bank(xlsx_bytes(BANK), "题库.xlsx", for_polls=False)
        old = quizzes.create(
            s,
            branch_id=None,
            title="旧测试",
            questions=questions,
            poll_ok=True,
            created_by=SECRETARY,
            now=harness.clock.now(),
        )
        quiz_id = old.id
    await harness.settle()

    # Another admin cannot start the unplaced quiz; its importer is asked which branch.
    assert "没有找到" in texts(await said(harness, COMMITTEE, f"/quiz start {quiz_id} private"))[0]
    [question] = await said(harness, SECRETARY, f"/quiz start {quiz_id} private")
    assert question["text"] == C.CHOOSE_BRANCH
    harness.fake.press(SECRETARY, SECRETARY, question["message_id"], choices(question)["第二支部"])
    await harness.settle()
    with harness.session() as s:
        started = s.get_one(Quiz, quiz_id)
        assert (started.branch_id, started.status) == (OTHER_ID, "open")
    assert any("旧测试" in t for t in harness.texts(OTHER))

    # The material: within the window now, placed without asking again.
    sent = await said(harness, SECRETARY, "/material", reply_to=source["message_id"])
    assert texts(sent)[0] == fmt(TS.NOTE, branch="第二支部") and "《旧材料》" in texts(sent)[1]
    assert material_done(harness, OTHER_ID)
