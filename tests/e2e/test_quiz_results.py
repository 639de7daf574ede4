"""Quiz results for staff: the workbook and CSV from /export (checked cell by cell), the
command-line export, and banks sent privately by the secretary of several branches."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.__main__ import main
from bot.demo.fake.botapi import TOKEN
from bot.texts import common as C
from bot.texts import common as T
from bot.texts import quiz as QT
from bot.texts import scope as TS
from handlers.callbacks import ExportMenu, QuizExport, QuizStart
from storage.models import Quiz
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, STAFF, Harness, ident
from tests.e2e.quiz_helpers import (
    BANK,
    buttons,
    last_with_button,
    poll_ids,
    press,
    send_bank,
    the_quiz,
    xlsx_bytes,
)

WANG, LI, ZHANG, CHEN = RETIREES
GROUP_2 = -1009876543210


async def answered_group_quiz(harness: Harness) -> int:
    """王 answers everything right, 张<伟> gets nothing right, 李 and 陈 only said hello."""
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, LI, "大家好")
    harness.fake.message(GROUP_ID, CHEN, "大家好")
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx")
    await harness.settle()
    quiz = the_quiz(harness)
    assert quiz.id is not None
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz start {quiz.id} group 24")
    await harness.settle()
    polls = poll_ids(harness)
    start = harness.clock.now()
    for minutes, user, poll, options in (
        (1, WANG, 0, [1]),
        (2, ZHANG, 0, [0]),
        (3, WANG, 1, [0, 1, 2]),
        (4, ZHANG, 1, [0, 1]),
        (5, WANG, 2, [0]),
    ):
        harness.clock.set(start + timedelta(minutes=minutes))
        harness.fake.poll_answer(user, polls[poll], options)
        await harness.settle()
    return quiz.id


async def download(harness: Harness, quiz_id: int) -> tuple[bytes, bytes, list[str]]:
    f = harness.fake
    f.message(STAFF, STAFF, "/export")
    await harness.settle()
    menu = last_with_button(harness, STAFF, ExportMenu.prefix)
    press(harness, STAFF, STAFF, menu, ExportMenu("quiz", 1).build())
    await harness.settle()
    choose = last_with_button(harness, STAFF, QuizExport.prefix)
    data = QuizExport(quiz_id).build()
    assert buttons(choose)[0] == ("党史知识测试（11月26日 09:00）", data)
    press(harness, STAFF, STAFF, choose, data)
    await f.wait_until(lambda: len(f.sent(STAFF, method="sendDocument")) == 2)
    await harness.settle()
    xlsx_doc, csv_doc = f.sent(STAFF, method="sendDocument")
    names = [xlsx_doc["document"]["file_name"], csv_doc["document"]["file_name"]]
    assert "2人参加，3人未参加" in xlsx_doc["caption"]
    assert f.unanswered_callbacks() == []
    return (
        f.upload(xlsx_doc["document"]["file_id"]),
        f.upload(csv_doc["document"]["file_id"]),
        names,
    )


def at(minutes: int) -> datetime:
    return datetime(2026, 11, 26, 9, minutes)


async def test_staff_download_the_results_workbook_and_csv(harness: Harness) -> None:
    quiz_id = await answered_group_quiz(harness)
    xlsx_data, csv_data, names = await download(harness, quiz_id)
    assert names[0].endswith(".xlsx") and "党史知识测试" in names[0]
    assert names[1].endswith(".csv")

    book = load_workbook(io.BytesIO(xlsx_data))
    assert book.sheetnames == ["成绩", "各题正确率", "未参加"]
    scores = [list(r) for r in book["成绩"].iter_rows(values_only=True)]
    assert scores == [
        ["姓名", "得分", "答对题数", "开始答题", "完成答题", "第1题", "第2题", "第3题"],
        ["王建国", 4, 3, at(1), at(5), "B", "ABC", "A"],
        ["张<伟>", 0, 0, at(2), None, "A", "AB", None],
    ]
    questions = [list(r) for r in book["各题正确率"].iter_rows(values_only=True)]
    assert questions == [
        [
            "题号",
            "题目",
            "正确答案",
            "分值",
            "作答人数",
            "答对人数",
            "正确率",
            "最常见的错误答案",
        ],
        [1, "中国共产党成立于哪一年？", "B", 1, 2, 1, 0.5, "A（1人）"],
        [2, "1927年党领导的武装起义有哪些？", "ABC", 2, 2, 1, 0.5, "AB（1人）"],
        [3, "“七一”是什么节日？", "A", 1, 1, 1, 1, None],
    ]
    absent = [list(r) for r in book["未参加"].iter_rows(values_only=True)]
    assert absent == [["姓名", "党员"], ["赵书记", "否"], ["李秀英", "否"], ["陈桂兰", "否"]]

    assert csv_data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    assert rows == [
        ["姓名", "得分", "答对题数", "开始答题", "完成答题", "第1题", "第2题", "第3题"],
        ["王建国", "4", "3", "2026-11-26 09:01", "2026-11-26 09:05", "B", "ABC", "A"],
        ["张<伟>", "0", "0", "2026-11-26 09:02", "", "A", "AB", ""],
    ]


async def test_the_quiz_download_is_private_and_for_staff(harness: Harness) -> None:
    quiz_id = await answered_group_quiz(harness)
    f = harness.fake
    f.message(STAFF, STAFF, "/export")
    await harness.settle()
    menu = last_with_button(harness, STAFF, ExportMenu.prefix)
    data = QuizExport(quiz_id).build()
    refused = f.press(WANG, STAFF, menu["message_id"], data, force=True)
    f.message(WANG, WANG, "/start")
    await harness.settle()
    forged = f.press(WANG, WANG, f.sent(WANG)[-1]["message_id"], data, force=True)
    in_group = f.press(STAFF, GROUP_ID, f.sent(GROUP_ID)[-1]["message_id"], data, force=True)
    await harness.settle()
    assert "只有支部书记、支委和老干科" in f.answered_callbacks[refused]["text"]
    assert "只有支部书记、支委和老干科" in f.answered_callbacks[forged]["text"]
    assert f.answered_callbacks[in_group]["text"] == T.EXPORT_PRIVATE_ONLY
    assert f.sent(method="sendDocument") == []


async def test_the_command_line_exports_the_same_results(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiz_id = await answered_group_quiz(harness)
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_DATA_DIR", str(harness.data_dir))
    out = tmp_path / "out" / "成绩.xlsx"
    assert main(["export", "quiz", str(quiz_id), "--format", "xlsx", "-o", str(out)]) == 0
    book = load_workbook(out)
    assert [r[0] for r in book["成绩"].iter_rows(values_only=True)] == ["姓名", "王建国", "张<伟>"]
    csv_out = tmp_path / "成绩.csv"
    assert main(["export", "quiz", str(quiz_id), "--format", "csv", "-o", str(csv_out)]) == 0
    assert csv_out.read_bytes().startswith("\ufeff姓名,得分".encode())
    assert main(["export", "quiz", "999", "-o", str(csv_out)]) == 4


async def test_a_secretary_of_two_branches_chooses_where_a_private_bank_goes(
    harness: Harness,
) -> None:
    harness.fake.add_group(GROUP_2, "第二支部", creator_id=SECRETARY, members=[CHEN])
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_2, SECRETARY, "/setup")
    await harness.settle()

    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx", chat_id=SECRETARY, title="第二支部测试")
    await harness.settle()
    choose = harness.fake.sent(SECRETARY)[-1]
    assert choose["text"] == C.CHOOSE_BRANCH
    assert [label for label, _ in buttons(choose)] == ["老干之家", "第二支部"]
    with harness.session() as s:
        assert s.exec(select(Quiz)).all() == []  # nothing is imported before the branch is known

    # Someone else cannot answer the question, even with the right data.
    harness.fake.message(COMMITTEE, COMMITTEE, "/start")
    await harness.settle()
    data = buttons(choose)[1][1]
    stolen = harness.fake.press(
        COMMITTEE, COMMITTEE, harness.fake.sent(COMMITTEE)[-1]["message_id"], data, force=True
    )
    press(harness, SECRETARY, SECRETARY, choose, data)
    await harness.settle()
    assert harness.fake.answered_callbacks[stolen]["text"] == TS.QUESTION_GONE
    quiz = the_quiz(harness)
    assert quiz.branch_id == 2
    card = last_with_button(harness, SECRETARY, QuizStart.prefix)
    assert "题库已导入" in card["text"] and "第二支部测试" in card["text"]

    press(harness, SECRETARY, SECRETARY, card, QuizStart(ident(quiz.id), "p").build())
    await harness.settle()
    invitation = harness.fake.sent(GROUP_2)[-1]
    assert "第二支部测试" in invitation["text"] and "开始答题" in invitation["text"]
    assert not any("第二支部测试" in t for t in harness.texts(GROUP_ID))


async def test_a_retiree_cannot_start_or_close_a_quiz(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx")
    await harness.settle()
    quiz = the_quiz(harness)
    card = last_with_button(harness, GROUP_ID, QuizStart.prefix)
    pressed = press(harness, CHEN, GROUP_ID, card, QuizStart(ident(quiz.id), "g").build())
    harness.fake.message(GROUP_ID, CHEN, f"/quiz start {quiz.id} group")
    harness.fake.message(GROUP_ID, CHEN, f"/quiz close {quiz.id}")
    await harness.settle()
    assert "只有这个支部的书记和支委" in harness.fake.answered_callbacks[pressed]["text"]
    assert the_quiz(harness).status == "draft"
    assert harness.fake.sent(GROUP_ID, method="sendPoll") == []


async def test_quiz_list_and_command_mistakes(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    f = harness.fake
    f.message(GROUP_ID, SECRETARY, "/quiz")
    await harness.settle()
    assert "还没有知识测试" in harness.texts(GROUP_ID)[-1]
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx")
    await harness.settle()
    quiz = the_quiz(harness)
    for command in (
        f"/quiz start {quiz.id}",
        f"/quiz start {quiz.id} group 9999",
        f"/quiz start {quiz.id} private 快点",
        "/quiz start 77 group",
        "/quiz 名称但没有文件",
        f"/quiz start {quiz.id} private 12 可重答",
        f"/quiz start {quiz.id} group",
        "/quiz",
    ):
        f.message(GROUP_ID, SECRETARY, command)
    await harness.settle()
    texts = [t for t in harness.texts(GROUP_ID) if t][-9:]
    assert "请写明答题方式" in texts[0]
    assert "1 到 720" in texts[1]
    assert "“快点”看不懂" in texts[2]
    assert "没有找到编号为 77" in texts[3]
    assert "回复" in texts[4]
    assert texts[4] == QT.NEED_FILE.replace("<b>回复</b>", "回复")  # as the member reads it
    # The group's invitation is queued before the answer to the secretary.
    assert "开始答题" in texts[5] and "开始了（私聊答题）" in texts[6]
    assert "已经在进行中" in texts[7]
    listing = harness.texts(GROUP_ID)[-1]
    assert f"{quiz.id}. 党史知识测试（3题）— 进行中（私聊答题" in listing


async def test_quiz_commands_in_a_group_that_is_no_branch_say_so(harness: Harness) -> None:
    harness.fake.add_group(GROUP_2, "闲聊群", creator_id=SECRETARY)
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx", chat_id=GROUP_2)
    harness.fake.message(GROUP_2, SECRETARY, "/quiz")
    await harness.settle()
    assert harness.texts(GROUP_2) == [T.NOT_A_BRANCH, T.NOT_A_BRANCH]


async def test_results_with_a_word_instead_of_a_number_shows_how_to_use_it(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, SECRETARY, "/results 最新")
    await harness.settle()
    assert "/results 编号" in harness.texts(GROUP_ID)[-1]
