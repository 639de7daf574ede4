"""Answering a quiz privately: one question at a time with big buttons, feedback after each,
resuming after an interruption, and every button press checked and answered."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.texts import common as C
from handlers.callbacks import QuizTap
from storage.models import Quiz, QuizAnswer, QuizAttempt
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.quiz_helpers import (
    BANK,
    HEADER,
    buttons,
    deep_link_payload,
    last_with_button,
    press,
    send_bank,
    the_quiz,
    xlsx_bytes,
)

WANG, LI, ZHANG, CHEN = RETIREES


async def start_private_quiz(harness: Harness, extra: str = "", bank: Any = None) -> Quiz:
    await harness.start()
    await harness.setup_branch()
    send_bank(harness, xlsx_bytes(bank or BANK), "题库.xlsx")
    await harness.settle()
    quiz = the_quiz(harness)
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz start {quiz.id} private 48 {extra}".strip())
    await harness.settle()
    return the_quiz(harness)


def question(harness: Harness, user_id: int) -> dict[str, Any]:
    return last_with_button(harness, user_id, f"{QuizTap.prefix}:")


async def test_a_member_answers_privately_is_interrupted_and_resumes(harness: Harness) -> None:
    quiz = await start_private_quiz(harness)
    assert quiz.status == "open" and quiz.mode == "private"
    invitation = harness.fake.sent(GROUP_ID)[-2]
    assert "开始答题" in invitation["text"]
    assert deep_link_payload(invitation) == f"quiz_{quiz.id}"
    assert buttons(invitation)[0][0] == "✅ 开始答题"

    f = harness.fake
    f.message(WANG, WANG, f"/start quiz_{quiz.id}")
    await harness.settle()
    welcome, first = harness.fake.sent(WANG)[-2:]
    assert "王建国" in welcome["text"] and "共3题" in welcome["text"]
    assert "第1题" in first["text"] and "中国共产党成立于哪一年？" in first["text"]
    labels = [label for label, _ in buttons(first)]
    assert labels == ["A. 1919年", "B. 1921年", "C. 1927年", "D. 1949年"]

    press(harness, WANG, WANG, first, buttons(first)[1][1])  # B: right
    await harness.settle()
    edited = f.message_by_id(WANG, first["message_id"])
    assert edited is not None and "回答正确" in edited["text"] and "1921年建党" in edited["text"]
    assert "A. 1919年\nB. 1921年 ✅\nC. 1927年" in edited["text"]  # the options stay readable
    assert "reply_markup" not in edited  # no second answer to the same question
    second = question(harness, WANG)
    assert "第2题" in second["text"] and "多选" in second["text"]

    # Interrupted: 王 goes away, the bot even restarts, and he comes back through the button.
    await harness.restart()
    f.message(WANG, WANG, f"/start quiz_{quiz.id}")
    await harness.settle()
    back, again = harness.fake.sent(WANG)[-2:]
    assert "欢迎回来" in back["text"] and "从第2题开始" in back["text"]
    assert "第2题" in again["text"]

    # Multiple answers: tick A, B, C (and untick D again), then confirm.
    data = [d for _, d in buttons(again)]
    for tick in (data[0], data[1], data[3], data[3], data[2]):
        press(harness, WANG, WANG, again, tick)
        await harness.settle()
    ticked = f.message_by_id(WANG, again["message_id"])
    assert ticked is not None
    assert [b["text"] for row in ticked["reply_markup"]["inline_keyboard"] for b in row] == [
        "✔ A. 南昌起义",
        "✔ B. 秋收起义",
        "✔ C. 广州起义",
        "D. 武昌起义",
        "✅ 确认提交",
    ]
    press(harness, WANG, WANG, again, data[-1])
    await harness.settle()
    third = question(harness, WANG)
    assert "第3题" in third["text"]
    press(harness, WANG, WANG, third, buttons(third)[1][1])  # B: wrong (A is right)
    await harness.settle()

    fed_back = f.message_by_id(WANG, third["message_id"])
    assert fed_back is not None and "您选的是 B，正确答案是 A" in fed_back["text"]
    assert "A. 建党纪念日 ✅\nB. 建军节 ←您选的\nC. 国庆节" in fed_back["text"]
    total = harness.texts(WANG)[-1]
    assert "全部答完了" in total and "3</b>分" not in total
    assert "您的得分：3分（满分4分），答对2题，共3题" in total
    assert f.unanswered_callbacks() == []

    # One attempt: coming back shows the result instead of a new sheet.
    f.message(WANG, WANG, f"/start quiz_{quiz.id}")
    await harness.settle()
    assert "您已经完成了" in harness.texts(WANG)[-1] and "得分3分" in harness.texts(WANG)[-1]
    with harness.session() as s:
        attempts = s.exec(select(QuizAttempt)).all()
        answers = s.exec(select(QuizAnswer).order_by(col(QuizAnswer.id))).all()
    assert len(attempts) == 1 and attempts[0].finished_at is not None
    assert [a.chosen for a in answers] == ["1", "0,1,2", "1"]


async def test_more_attempts_when_allowed_and_the_best_counts(harness: Harness) -> None:
    quiz = await start_private_quiz(harness, "可重答")
    assert quiz.allow_retry
    f = harness.fake
    for choice in (0, 1):  # first all wrong-ish, then better
        f.message(LI, LI, f"/start quiz_{quiz.id}")
        await harness.settle()
        for _ in range(3):
            shown = question(harness, LI)
            data = [d for _, d in buttons(shown)]
            if "多选" in shown["text"]:
                press(harness, LI, LI, shown, data[choice])
                await harness.settle()
                shown = question(harness, LI)
                press(harness, LI, LI, shown, data[-1])
            else:
                press(harness, LI, LI, shown, data[choice])
            await harness.settle()
    assert "再答一次" in harness.fake.sent(LI)[-1]["reply_markup"]["inline_keyboard"][0][0]["text"]
    assert "第2次作答" in "".join(harness.texts(LI))
    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz close {quiz.id}")
    await harness.settle()
    # First sheet: A, A, A → 1 point (q3); second: B, B, B → 1 point (q1); equal, first kept.
    summary = harness.texts(GROUP_ID)[-2]
    assert "共有1位同志参加" in summary and "平均得分1分" in summary


async def test_presses_are_checked_forged_foreign_and_late(harness: Harness) -> None:
    quiz = await start_private_quiz(harness)
    f = harness.fake
    f.message(WANG, WANG, f"/start quiz_{quiz.id}")
    await harness.settle()
    first = question(harness, WANG)
    wang_data = buttons(first)[0][1]

    forged = f.press(WANG, WANG, first["message_id"], QuizTap("a", 99999, 0, 1).build(), force=True)
    garbage = f.press(WANG, WANG, first["message_id"], "qa:a:1:0:1:2:3", force=True)
    beyond = f.press(WANG, WANG, first["message_id"], wang_data[:-1] + "9", force=True)
    # 李 replays 王's button data from his own private chat.
    f.message(LI, LI, "/start")
    await harness.settle()
    foreign = f.press(LI, LI, f.sent(LI)[-1]["message_id"], wang_data, force=True)
    await harness.settle()
    answered = f.answered_callbacks
    assert answered[forged]["text"] == "这个按钮已经失效了。"
    assert answered[garbage]["text"] == C.BUTTON_STALE  # no such button: the catch-all
    assert answered[beyond]["text"] == "这个按钮已经失效了。"
    assert "别人的答题卡" in answered[foreign]["text"]

    press(harness, WANG, WANG, first, wang_data)
    await harness.settle()
    twice = f.press(WANG, WANG, first["message_id"], wang_data, force=True)
    await harness.settle()
    assert answered_text(harness, twice) == "这道题已经答过了。"

    harness.fake.message(GROUP_ID, SECRETARY, f"/quiz close {quiz.id}")
    await harness.settle()
    second = question(harness, WANG)
    late = press(harness, WANG, WANG, second, buttons(second)[0][1])
    await harness.settle()
    assert "已经结束" in answered_text(harness, late)
    f.message(WANG, WANG, f"/start quiz_{quiz.id}")
    await harness.settle()
    assert "已经结束了" in harness.texts(WANG)[-1]
    assert f.unanswered_callbacks() == []
    with harness.session() as s:
        assert len(s.exec(select(QuizAnswer)).all()) == 1


def answered_text(harness: Harness, query_id: str) -> str:
    return str(harness.fake.answered_callbacks[query_id].get("text", ""))


async def test_long_options_go_in_the_text_with_letter_buttons(harness: Harness) -> None:
    long = "这是一个很长很长的选项，说明了比较复杂的一段历史背景和意义"
    bank = [HEADER, ["下面哪一项说法正确？", long, "短的", "", "", "A", "", ""]]
    quiz = await start_private_quiz(harness, bank=bank)
    harness.fake.message(ZHANG, ZHANG, f"/start quiz_{quiz.id}")
    await harness.settle()
    shown = question(harness, ZHANG)
    assert [label for label, _ in buttons(shown)] == ["A", "B"]
    assert f"A. {long}" in shown["text"] and "B. 短的" in shown["text"]
    assert all(len(data.encode()) <= 64 for _, data in buttons(shown))
    press(harness, ZHANG, ZHANG, shown, buttons(shown)[0][1])
    await harness.settle()
    assert "您的得分：1分" in harness.texts(ZHANG)[-1]


async def test_someone_outside_the_branch_cannot_take_the_quiz(harness: Harness) -> None:
    from tests.e2e.harness import OUTSIDER

    quiz = await start_private_quiz(harness)
    harness.fake.message(OUTSIDER, OUTSIDER, f"/start quiz_{quiz.id}")
    await harness.settle()
    assert "支部同志们参加" in harness.texts(OUTSIDER)[-1]
    with harness.session() as s:
        assert s.exec(select(QuizAttempt)).all() == []
