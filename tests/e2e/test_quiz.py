"""Knowledge quizzes as the branch meets them: the secretary imports a bank, members answer in
the group by poll or privately one question at a time, the group gets a kind summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.runtime.current import CURRENT
from bot.runtime.roles import Roles
from bot.texts import common as T
from bot.texts import fmt
from bot.texts import quiz as QT
from handlers.callbacks import QuizStart
from storage import quiz as quizzes
from storage.models import InboxUpdate, Member, Quiz, QuizAnswer, QuizAttempt
from tests.e2e.harness import (
    COMMITTEE,
    GROUP_ID,
    OUTSIDER,
    RETIREES,
    SECRETARY,
    STAFF,
    Harness,
    ident,
)
from tests.e2e.quiz_helpers import (
    BANK,
    HEADER,
    buttons,
    csv_bytes,
    deep_link_payload,
    last_with_button,
    poll_ids,
    press,
    send_bank,
    the_quiz,
    xlsx_bytes,
)

WANG, LI, ZHANG, CHEN = RETIREES


async def imported(harness: Harness, **kwargs: object) -> Quiz:
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, xlsx_bytes(BANK), "党史题库.xlsx", **kwargs)  # type: ignore[arg-type]
    await harness.settle()
    return the_quiz(harness)


# --- importing banks -------------------------------------------------------------------------


async def test_an_xlsx_bank_sent_with_a_caption_becomes_a_quiz_with_start_buttons(
    harness: Harness,
) -> None:
    quiz = await imported(harness)

    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    assert "党史知识测试" in card["text"] and "共3题" in card["text"]
    assert "单选2题，多选1题" in card["text"] and "满分4分" in card["text"]
    assert [data for _, data in buttons(card)] == [
        QuizStart(ident(quiz.id), "g").build(),
        QuizStart(ident(quiz.id), "p").build(),
    ]
    with harness.session() as s:
        assert quiz.id is not None
        questions = quizzes.questions(s, quiz.id)
    assert [(q.position, q.answer, q.points) for q in questions] == [
        (1, "1", 1),
        (2, "0,1,2", 2),
        (3, "0", 1),
    ]
    assert quizzes.options_of(questions[2]) == ["建党纪念日", "建军节", "国庆节"]
    assert (quiz.status, quiz.title, quiz.question_count) == ("draft", "党史知识测试", 3)


async def test_a_gbk_csv_bank_is_imported_by_replying_to_it(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    data = csv_bytes([[c for c in row] for row in BANK], "gbk")
    send_bank(harness, data, "题库.csv", title="七一测试", as_caption=False)
    await harness.settle()

    quiz = the_quiz(harness)
    assert (quiz.title, quiz.question_count) == ("七一测试", 3)
    with harness.session() as s:
        assert quiz.id is not None
        first = quizzes.questions(s, quiz.id)[0]
    assert first.text == "中国共产党成立于哪一年？"
    assert "共3题" in last_with_button(harness, GROUP_ID, QuizStart.prefix)["text"]


async def test_a_bad_bank_is_refused_with_every_problem_and_nothing_imported(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    rows = [
        HEADER,
        ["", "甲", "乙", "", "", "A", "", ""],  # row 2: empty question
        ["只有一个选项的题", "甲", "", "", "", "A", "", ""],  # row 3: one option
        ["答案没有选项的题", "甲", "乙", "", "", "E", "", ""],  # row 4: answer E
        ["中国共产党成立于哪一年？", "1919年", "1921年", "", "", "B", "", ""],
        ["中国共产党成立于哪一年？", "1919年", "1921年", "", "", "B", "", ""],  # row 6: dup
    ]
    send_bank(harness, xlsx_bytes(rows), "错题库.xlsx")
    await harness.settle()

    text = harness.texts(GROUP_ID)[-1]
    assert "没有导入" in text
    assert "第2行：题目是空的" in text
    assert "第3行：至少要有两个选项" in text
    assert "第4行：答案“E”没有对应的选项" in text
    assert "第6行：这道题和第5行的题目重复了" in text
    with harness.session() as s:
        assert s.exec(select(Quiz)).all() == []


async def test_an_unreadable_file_is_refused_kindly(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, b"\x89PNG\r\n\x1a\n not a table", "photo.png")
    await harness.settle()
    assert "没有导入" in harness.texts(GROUP_ID)[-1]
    with harness.session() as s:
        assert s.exec(select(Quiz)).all() == []


async def test_a_retiree_cannot_import_a_bank(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx", user_id=WANG)
    harness.fake.message(GROUP_ID, LI, "/quiz")
    await harness.settle()

    # One refusal for the bank sent with its caption, one for /quiz.
    assert harness.texts(GROUP_ID)[1:] == [T.NOT_ADMIN, T.NOT_ADMIN]
    with harness.session() as s:
        assert s.exec(select(Quiz)).all() == []


async def test_quiz_template_is_sent_as_a_workbook(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, COMMITTEE, "/quiz template")
    await harness.settle()

    [doc] = harness.fake.sent(GROUP_ID, method="sendDocument")
    assert doc["document"]["file_name"] == "知识测试题库模板.xlsx"
    content = harness.fake.upload(doc["document"]["file_id"])
    from storage.spreadsheets import parse_quiz_bank

    assert len(parse_quiz_bank(content, "模板.xlsx")) == 2


# --- the group quiz: polls -------------------------------------------------------------------


async def start_group_quiz(harness: Harness) -> tuple[Quiz, list[str]]:
    quiz = await imported(harness)
    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    press(harness, SECRETARY, GROUP_ID, card, QuizStart(ident(quiz.id), "g").build())
    await harness.settle()
    return the_quiz(harness), poll_ids(harness)


async def test_a_group_quiz_records_each_members_first_poll_answer(harness: Harness) -> None:
    quiz, polls = await start_group_quiz(harness)
    assert quiz.status == "open" and quiz.mode == "group"
    assert quiz.closes_at == harness.clock.now() + timedelta(hours=72)
    sent = harness.fake.sent(GROUP_ID, method="sendPoll")
    assert [p["poll"]["type"] for p in sent] == ["quiz"] * 3
    assert [p["poll"]["is_anonymous"] for p in sent] == [False] * 3
    assert sent[0]["poll"]["question"] == "1. 中国共产党成立于哪一年？"
    assert sent[1]["poll"]["allows_multiple_answers"] is True
    assert sent[1]["poll"]["correct_option_ids"] == [0, 1, 2]
    assert sent[0]["poll"]["explanation"] == "1921年建党。"
    texts = harness.texts(GROUP_ID)
    methods = [m["_method"] for m in harness.fake.sent(GROUP_ID)]
    assert methods[-5:] == ["sendMessage", "sendPoll", "sendPoll", "sendPoll", "sendMessage"]
    assert "以第一次作答为准" in texts[-5]  # the intro before the polls
    assert "开始了（群里答题）" in texts[-1]  # the answer to the secretary's press
    assert "11月29日（周日）09:00截止" in texts[-1]

    f = harness.fake
    # 王: all right (4 points). 李: first right, second wrong. 张: answers q1 twice.
    f.poll_answer(WANG, polls[0], [1])
    f.poll_answer(WANG, polls[1], [0, 1, 2])
    f.poll_answer(WANG, polls[2], [0])
    await harness.settle()
    await harness.restart()  # the poll → question cache is rebuilt from the database
    f.poll_answer(LI, polls[0], [1])
    f.poll_answer(LI, polls[1], [0, 1])
    first = f.poll_answer(ZHANG, polls[0], [0])
    # A second answer from the same person (a changed vote or a re-delivered update).
    f.raw_update({"poll_answer": {**first, "option_ids": [1], "option_persistent_ids": ["1"]}})
    f.poll_answer(OUTSIDER, polls[0], [1])
    await harness.settle()

    with harness.session() as s:
        rows = s.exec(
            select(QuizAttempt.user_id, QuizAnswer.question_id, QuizAnswer.chosen).join(
                QuizAnswer, col(QuizAnswer.attempt_id) == QuizAttempt.id
            )
        ).all()
        by_user: dict[int, list[str]] = {}
        for user_id, _, chosen in sorted(rows, key=lambda r: (r[0], r[1])):
            by_user.setdefault(user_id, []).append(chosen)
        assert s.exec(select(Member).where(Member.user_id == OUTSIDER)).all() == []
    assert by_user == {WANG: ["1", "0,1,2", "0"], LI: ["1", "0,1"], ZHANG: ["0"]}

    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz close {quiz.id}")
    await harness.settle()
    assert all(harness.fake.poll(p)["is_closed"] for p in polls)
    summary = next(t for t in harness.texts(GROUP_ID) if "结束了" in t and "位同志参加" in t)
    # 王 4, 李 1, 张 0 → average 1.7 of 4.
    assert "共有3位同志参加" in summary and "平均得分1.7分" in summary and "满分4分" in summary
    assert "王建国" not in summary  # names only when the admin asked for them


async def test_late_poll_answers_are_not_counted_and_the_member_is_told_privately(
    harness: Harness,
) -> None:
    quiz, polls = await start_group_quiz(harness)
    harness.fake.poll_answer(WANG, polls[0], [1])
    await harness.settle()
    harness.fake.message(LI, LI, "/start")  # 李 has a private chat with the bot
    await harness.settle()

    assert quiz.closes_at is not None
    harness.clock.set(quiz.closes_at + timedelta(minutes=1))
    harness.fake.poll_answer(LI, polls[0], [1])  # after the window, before the job ran
    harness.fake.poll_answer(WANG, polls[1], [0, 1, 2])
    await harness.settle()
    await harness.tick()

    with harness.session() as s:
        answers = s.exec(select(QuizAnswer)).all()
        closed = s.get_one(Quiz, quiz.id)
    assert len(answers) == 1
    assert closed.status == "closed"
    # After the greeting for /start, one notice: the late answer did not count.
    assert harness.texts(LI)[1:] == [fmt(QT.LATE_ANSWER, title="党史知识测试")]
    assert not any("没有计入成绩" in t for t in harness.texts(GROUP_ID))
    summary = harness.texts(GROUP_ID)[-1]
    assert "共有1位同志参加" in summary and "平均得分1分" in summary
    assert all(harness.fake.poll(p)["is_closed"] for p in polls)


async def test_scores_are_published_only_when_asked_and_names_are_escaped(
    harness: Harness,
) -> None:
    liu = 2005
    harness.fake.add_user(liu, "刘&强")
    harness.fake.set_member_status(GROUP_ID, liu, "member")
    quiz = await imported(harness)
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz start {quiz.id} group 2 公布成绩")
    await harness.settle()
    polls = poll_ids(harness)
    harness.fake.poll_answer(ZHANG, polls[0], [1])
    harness.fake.poll_answer(WANG, polls[0], [0])
    harness.fake.poll_answer(liu, polls[2], [0])
    await harness.settle()

    harness.clock.set(harness.clock.now() + timedelta(hours=2))
    await harness.tick()
    summary = harness.fake.sent(GROUP_ID)[-1]
    assert "张<伟>：1分" in summary["text"] and "王建国：0分" in summary["text"]
    assert "刘&强：1分" in summary["text"]
    assert "张&lt;伟&gt;" in summary["_html"] and "刘&amp;强" in summary["_html"]


async def test_results_show_participation_and_accuracy_to_staff_only(harness: Harness) -> None:
    quiz, polls = await start_group_quiz(harness)
    harness.fake.poll_answer(WANG, polls[0], [1])
    harness.fake.poll_answer(LI, polls[0], [0])
    harness.fake.poll_answer(WANG, polls[1], [0, 1, 2])
    await harness.settle()

    harness.fake.message(GROUP_ID, CHEN, "/results")
    harness.fake.message(GROUP_ID, SECRETARY, "/results")
    await harness.settle()
    refusal, text = harness.texts(GROUP_ID)[-2:]
    assert "只有支部书记、支委和老干科" in refusal
    assert "党史知识测试" in text and "进行中" in text
    assert "参加：2人" in text
    assert "1. 中国共产党成立于哪一年？：50%（1/2）" in text
    assert "2. 1927年党领导的武装起义有哪些？：100%（1/1）" in text
    assert "还没有人作答" in text
    assert quiz.id is not None


async def test_a_bank_too_long_for_polls_runs_only_privately(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    rows = [HEADER, ["问" * 301, "甲", "乙", "", "", "A", "", ""], *BANK[1:2]]
    send_bank(harness, xlsx_bytes(rows), "长题库.xlsx")
    await harness.settle()
    quiz = the_quiz(harness)
    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    assert "只能“私聊答题”" in card["text"] and "第2行：题目太长了" in card["text"]
    assert [data for _, data in buttons(card)] == [QuizStart(ident(quiz.id), "p").build()]
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz start {quiz.id} group")
    await harness.settle()
    assert "只能私聊答题" in harness.texts(GROUP_ID)[-1]
    assert the_quiz(harness).status == "draft"


async def test_pressing_start_twice_starts_once(harness: Harness) -> None:
    quiz = await imported(harness)
    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    press(harness, SECRETARY, GROUP_ID, card, QuizStart(ident(quiz.id), "p").build())
    await harness.settle()
    again = harness.fake.press(
        COMMITTEE, GROUP_ID, card["message_id"], QuizStart(ident(quiz.id), "g").build(), force=True
    )
    await harness.settle()
    assert "已经在进行中" in harness.fake.answered_callbacks[again]["text"]
    edited = harness.fake.message_by_id(GROUP_ID, card["message_id"])
    assert edited is not None and "reply_markup" not in edited
    assert the_quiz(harness).mode == "private"
    assert harness.fake.sent(GROUP_ID, method="sendPoll") == []
    assert [
        deep_link_payload(m)
        for m in harness.fake.sent(GROUP_ID)
        if "开始答题" in m.get("text", "") and m.get("reply_markup")
    ] == [f"quiz_{quiz.id}"]


async def test_the_secretary_hears_when_a_poll_cannot_be_sent(harness: Harness) -> None:
    quiz = await imported(harness)
    harness.fake.message(SECRETARY, SECRETARY, "/start")
    harness.fake.fail(
        "sendPoll", status=400, times=1, description="Bad Request: not enough rights to send polls"
    )
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz start {quiz.id} group")
    await harness.settle()
    notice = harness.texts(SECRETARY)[-1]
    assert "没能发出" in notice and "党史知识测试”第1题的投票" in notice
    assert len(harness.fake.sent(GROUP_ID, method="sendPoll")) == 2


async def test_a_flood_of_votes_is_stored_once_each_and_newcomers_are_registered(
    harness: Harness,
) -> None:
    quiz, polls = await start_group_quiz(harness)
    f = harness.fake
    for member in (WANG, LI, ZHANG, CHEN):
        f.message(GROUP_ID, member, "我来答题了")
    await harness.settle()
    await harness.restart()  # nothing cached: the bot knows them from the database alone
    f.rename(CHEN, "陈桂兰（退休）")
    # All at once, as a quiz's votes arrive: one batch of updates.
    for member in (WANG, LI, ZHANG, CHEN):
        f.poll_answer(member, polls[0], [1])
    first = f.poll_answer(WANG, polls[1], [0, 1, 2])
    f.raw_update({"poll_answer": {**first, "option_ids": [3], "option_persistent_ids": ["3"]}})
    f.poll_answer(LI, polls[2], [0])
    f.poll_answer(STAFF, polls[0], [1])  # in the group, never seen by the bot
    f.poll_answer(OUTSIDER, polls[1], [0])  # not in the group
    await harness.settle()

    with harness.session() as s:
        rows = s.exec(
            select(QuizAttempt.user_id, QuizAnswer.question_id, QuizAnswer.chosen).join(
                QuizAnswer, col(QuizAnswer.attempt_id) == col(QuizAttempt.id)
            )
        ).all()
        names = {m.user_id: m.name for m in s.exec(select(Member)).all()}
        statuses = {r.status for r in s.exec(select(InboxUpdate)).all()}
    by_user: dict[int, list[str]] = {}
    for user_id, _, chosen in sorted(rows, key=lambda r: (r[0], r[1])):
        by_user.setdefault(user_id, []).append(chosen)
    assert by_user == {
        WANG: ["1", "0,1,2"],
        LI: ["1", "0"],
        ZHANG: ["1"],
        CHEN: ["1"],
        STAFF: ["1"],
    }
    assert statuses == {"done"}
    assert OUTSIDER not in names
    assert names[CHEN] == "陈桂兰（退休）"  # the rename reached the member row
    assert quiz.id is not None


async def test_role_checks_go_to_telegram_before_the_batch_transaction_not_inside_it(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newcomer's first vote and an admin's commands need their status in the group from
    Telegram; those calls are made before the batch's write transaction opens (bot/runtime/
    inbox.py), so no update is handled while a network call holds the write lock."""
    quiz, polls = await start_group_quiz(harness)
    await harness.restart()  # the roles cache starts empty
    asked: list[tuple[int, int, bool]] = []
    original = Roles.status

    async def status(self: Roles, chat_id: int, user_id: int) -> str:
        if not self.known(chat_id, user_id):  # this one goes to Telegram
            asked.append((chat_id, user_id, CURRENT.get(None) is not None))
        return await original(self, chat_id, user_id)

    monkeypatch.setattr(Roles, "status", status)
    f = harness.fake
    f.poll_answer(STAFF, polls[0], [1])  # in the group, never seen by the bot
    f.poll_answer(OUTSIDER, polls[1], [0])  # not in the group
    f.message(GROUP_ID, COMMITTEE, "/results")  # an admin by the group's say-so
    f.message(COMMITTEE, COMMITTEE, "/results")
    await harness.settle()
    assert {(c, u) for c, u, _ in asked} >= {
        (GROUP_ID, STAFF),
        (GROUP_ID, OUTSIDER),
        (GROUP_ID, COMMITTEE),
    }
    assert [a for a in asked if a[2]] == []  # none while an update was being handled
    with harness.session() as s:
        voters = set(s.exec(select(QuizAttempt.user_id)).all())
    assert STAFF in voters and OUTSIDER not in voters
    assert quiz.id is not None and "测试" in harness.texts(COMMITTEE)[-1]
