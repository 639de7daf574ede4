"""The secretary runs quizzes, greetings and the roster from /menu by tapping: a quiz started
privately with 公布成绩 (after a warning), closed, its results seen and exported; the birthday
greeting rewritten with {姓名} and sent with the new words on the day; bad input asked again
with an example; 返回 and 取消; two admins at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import select

from bot.core.care.options import CareSettings
from bot.texts import care as TC
from bot.texts import flows as TF
from bot.texts import greetings_menu as TG
from bot.texts import quiz as TQ
from bot.texts import quiz_menu as T
from bot.texts import roster_menu as TR
from handlers.callbacks import QuizAct
from storage import branches
from storage.dates import BirthDate, Calendar
from storage.models import Branch, Flow, Member, Quiz
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import buttons, last_with_buttons, say, tap
from tests.e2e.quiz_helpers import BANK, send_bank, xlsx_bytes

WANG = next(iter(RETIREES))
BIRTHDAY = date(2026, 3, 12)


# --- driving the chat ---------------------------------------------------------------------------


async def open_section(harness: Harness, user_id: int, title: str, entry: str) -> None:
    await say(harness, user_id, "/menu")
    await tap(harness, user_id, title)
    await tap(harness, user_id, entry)


async def started(harness: Harness) -> None:
    for user_id in (SECRETARY, COMMITTEE, WANG):
        harness.fake.start_private(user_id)
    await harness.start()
    await harness.setup_branch()
    # Admins are known in private once they have spoken in the group.
    harness.fake.message(GROUP_ID, COMMITTEE, "大家好")
    await harness.settle()


def the_quiz(harness: Harness) -> Quiz:
    with harness.session() as s:
        return s.exec(select(Quiz)).one()


def branch_now(harness: Harness) -> Branch:
    with harness.session() as s:
        [branch] = branches.active(s)
        return branch


def care_now(harness: Harness) -> CareSettings:
    return CareSettings.from_options(branches.options(branch_now(harness)))


async def with_bank(harness: Harness) -> Quiz:
    await started(harness)
    send_bank(harness, xlsx_bytes(BANK), "题库.xlsx")
    await harness.settle()
    return the_quiz(harness)


async def answer_all(harness: Harness, quiz: Quiz) -> None:
    """王建国 answers the three questions privately: B (right), A+B+C (right), A (right)."""
    await say(harness, WANG, f"/start quiz_{quiz.id}")
    for picks in (["B. 1921年"], ["A. 南昌起义", "B. 秋收起义", "C. 广州起义", "✅ 确认提交"]):
        for pick in picks:
            await tap(harness, WANG, pick)
    await tap(harness, WANG, "A. 建党纪念日")


# --- quizzes --------------------------------------------------------------------------------------


async def test_a_quiz_started_privately_with_scores_is_closed_its_results_seen_and_exported(
    harness: Harness,
) -> None:
    quiz = await with_bank(harness)
    await open_section(harness, SECRETARY, T.MENU_TITLE, T.MENU_LIST)
    listed = last_with_buttons(harness, SECRETARY)
    assert list(buttons(listed)) == ["党史知识测试 · 未开始"]
    await tap(harness, SECRETARY, "党史知识测试")
    assert "未开始" in harness.texts(SECRETARY)[-1]
    card = await tap(harness, SECRETARY, T.BUTTON_START)

    ask_mode = last_with_buttons(harness, SECRETARY)
    assert "会让群里的人看到每个人选了哪个选项" in ask_mode["text"]
    assert list(buttons(ask_mode))[:2] == [T.MODE_PRIVATE, T.MODE_GROUP]  # private first
    await tap(harness, SECRETARY, T.MODE_PRIVATE)
    assert list(buttons(last_with_buttons(harness, SECRETARY)))[:3] == ["1天", "3天", "7天"]
    await say(harness, SECRETARY, "2天")
    await tap(harness, SECRETARY, T.SCORES_ON)
    await tap(harness, SECRETARY, T.RETRY_ON)

    summary = last_with_buttons(harness, SECRETARY)["text"]
    assert "您选了公布成绩" in summary and "大家都看得到" in summary
    assert "开放：2天" in summary and "私聊答题" in summary and "可重答：可以" in summary
    assert the_quiz(harness).status == "draft"  # nothing before 确认
    await tap(harness, SECRETARY, TF.CONFIRM)

    quiz = the_quiz(harness)
    assert quiz.status == "open" and quiz.mode == "private"
    assert quiz.show_scores and quiz.allow_retry
    assert quiz.closes_at is not None and quiz.opens_at is not None
    assert quiz.closes_at - quiz.opens_at == timedelta(hours=48)
    assert "开始答题" in harness.texts(GROUP_ID)[-1]
    assert harness.texts(SECRETARY)[-1].startswith("✅ 测试“党史知识测试”开始了（私聊答题）")
    # The card's 开始, tapped again once it runs, shows how it is now and starts nothing.
    harness.fake.press(SECRETARY, SECRETARY, card["message_id"], buttons(card)[T.BUTTON_START])
    await harness.settle()
    assert "进行中" in harness.texts(SECRETARY)[-1]
    assert T.BUTTON_START not in buttons(last_with_buttons(harness, SECRETARY))
    assert the_quiz(harness).opens_at == quiz.opens_at

    await answer_all(harness, quiz)
    await open_section(harness, SECRETARY, T.MENU_TITLE, T.MENU_LIST)
    await tap(harness, SECRETARY, "党史知识测试")
    assert "已参加：1人" in harness.texts(SECRETARY)[-1]
    await tap(harness, SECRETARY, T.BUTTON_CLOSE)
    close = last_with_buttons(harness, SECRETARY)["text"]
    assert "已有1人参加" in close and "和每人得分" in close
    assert the_quiz(harness).status == "open"
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert the_quiz(harness).status == "closed"
    assert harness.texts(SECRETARY)[-1].startswith("✅ 测试“党史知识测试”已结束")
    group_summary = harness.texts(GROUP_ID)[-1]
    assert "结束了" in group_summary and "王建国：4分" in group_summary

    await open_section(harness, SECRETARY, T.MENU_TITLE, T.MENU_LIST)
    assert list(buttons(last_with_buttons(harness, SECRETARY))) == ["党史知识测试 · 已结束"]
    await tap(harness, SECRETARY, "党史知识测试")
    assert T.BUTTON_CLOSE not in buttons(last_with_buttons(harness, SECRETARY))
    await tap(harness, SECRETARY, T.BUTTON_RESULTS)
    results = harness.texts(SECRETARY)[-1]
    assert "参加：1人" in results and "平均得分：4分" in results
    await tap(harness, SECRETARY, T.BUTTON_EXPORT)
    files = harness.fake.sent(SECRETARY, method="sendDocument")
    assert [f["document"]["file_name"][-4:] for f in files] == ["xlsx", ".csv"]
    assert harness.fake.unanswered_callbacks() == []


async def test_in_the_group_two_admins_start_and_close_it_once_each_seeing_the_other(
    harness: Harness,
) -> None:
    await with_bank(harness)
    for admin in (SECRETARY, COMMITTEE):
        await open_section(harness, admin, T.MENU_TITLE, T.MENU_START)
        await tap(harness, admin, "党史知识测试")
        await tap(harness, admin, T.MODE_GROUP)
        await tap(harness, admin, "1天")
        await tap(harness, admin, T.SCORES_OFF)  # no 可重答 step in the group
        summary = last_with_buttons(harness, admin)["text"]
        assert "大家能看到每个人选了哪个选项" in summary and "您选了公布成绩" not in summary
    await tap(harness, SECRETARY, TF.CONFIRM)
    await tap(harness, COMMITTEE, TF.CONFIRM)
    assert "开始了（群里答题）" in harness.texts(SECRETARY)[-1]
    assert "已经在进行中了" in harness.texts(COMMITTEE)[-1]
    assert len(harness.fake.sent(GROUP_ID, method="sendPoll")) == 3  # once, not twice
    quiz = the_quiz(harness)
    assert quiz.mode == "group" and not quiz.show_scores
    assert quiz.closes_at is not None and quiz.opens_at is not None
    assert quiz.closes_at - quiz.opens_at == timedelta(hours=24)

    for admin in (SECRETARY, COMMITTEE):
        await open_section(harness, admin, T.MENU_TITLE, T.MENU_CLOSE)
        await tap(harness, admin, "党史知识测试")
    await tap(harness, SECRETARY, TF.CONFIRM)
    await tap(harness, COMMITTEE, TF.CONFIRM)
    assert "已结束" in harness.texts(SECRETARY)[-1]
    assert harness.texts(COMMITTEE)[-1].startswith("测试“党史知识测试”现在没有在进行（已结束")
    assert sum("结束了" in t for t in harness.texts(GROUP_ID)) == 1


async def test_a_wrong_duration_is_asked_again_and_back_and_cancel_change_nothing(
    harness: Harness,
) -> None:
    await with_bank(harness)
    await open_section(harness, SECRETARY, T.MENU_TITLE, T.MENU_START)
    await tap(harness, SECRETARY, "党史知识测试")
    await tap(harness, SECRETARY, T.MODE_PRIVATE)
    await say(harness, SECRETARY, "明天吧")
    texts = harness.texts(SECRETARY)
    assert texts[-2].startswith("没看懂“明天吧”") and "3天、48小时" in texts[-2]
    assert texts[-1].startswith(T.ASK_HOURS)  # the same question, with its buttons
    await say(harness, SECRETARY, "40天")
    assert "最长30天" in harness.texts(SECRETARY)[-2]

    await tap(harness, SECRETARY, TF.BACK)
    assert "大家怎么答" in last_with_buttons(harness, SECRETARY)["text"]
    await tap(harness, SECRETARY, TF.BACK)
    assert harness.texts(SECRETARY)[-1].startswith(T.ASK_QUIZ_START)
    await tap(harness, SECRETARY, TF.CANCEL)
    assert harness.texts(SECRETARY)[-1] == TF.CANCELLED
    assert the_quiz(harness).status == "draft"
    assert not harness.fake.sent(GROUP_ID, method="sendPoll")

    # A member pressing a forged 开始 is refused and nothing starts.
    quiz = the_quiz(harness)
    assert quiz.id is not None
    await say(harness, WANG, "你好")
    [anything] = harness.fake.sent(WANG)[-1:]
    query = harness.fake.press(
        WANG, WANG, anything["message_id"], QuizAct(quiz.id, "start").build(), force=True
    )
    await harness.settle()
    [notice] = [
        c.params.get("text")
        for c in harness.fake.calls
        if c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query
    ]
    assert notice == T.NOT_ADMIN
    with harness.session() as s:
        assert s.exec(select(Flow)).all() == []
    assert the_quiz(harness).status == "draft"


async def test_with_no_quiz_the_section_explains_how_to_import_and_sends_the_template(
    harness: Harness,
) -> None:
    await started(harness)
    await open_section(harness, SECRETARY, T.MENU_TITLE, T.MENU_START)
    assert harness.texts(SECRETARY)[-1] == T.NONE_TO_START
    await open_section(harness, SECRETARY, T.MENU_TITLE, T.MENU_IMPORT)
    assert "直接把题库表格" in harness.texts(SECRETARY)[-2]
    [template] = harness.fake.sent(SECRETARY, method="sendDocument")
    assert template["document"]["file_name"] == "知识测试题库模板.xlsx"


# --- greetings ----------------------------------------------------------------------------------


def put_wang(harness: Harness) -> None:
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        row = s.exec(select(Member).where(Member.user_id == WANG)).first()
        if row is None:
            row = Member(
                branch_id=branch.id, user_id=WANG, name="王建国", joined_at=harness.clock.now()
            )
        row.name = "王建国"
        row.on_roster = True
        row.birth = BirthDate(Calendar.SOLAR, 1950, 3, 12).to_storage()
        s.add(row)
        s.commit()


async def test_the_birthday_greeting_rewritten_with_chinese_placeholders_goes_out_on_the_day(
    harness: Harness,
) -> None:
    harness.clock.set(datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI))
    await started(harness)
    put_wang(harness)
    await open_section(harness, SECRETARY, TG.MENU_TITLE, TG.MENU_EDIT)
    kinds = last_with_buttons(harness, SECRETARY)
    assert list(buttons(kinds))[:3] == ["生日", "整寿", "生日私信"]
    assert "重阳节" in buttons(kinds)
    await tap(harness, SECRETARY, "生日")
    ask = last_with_buttons(harness, SECRETARY)["text"]
    assert "是<b>{姓名}</b>同志的生日！" in ask  # the words as admins write them
    assert "是王建国同志的生日！" in ask  # and as members see them: no age in the group
    assert "{姓名}、{日期}" in ask and "{年龄}" not in ask

    # 返回 goes back to the kinds; then a placeholder it does not know is refused.
    await tap(harness, SECRETARY, TF.BACK)
    await tap(harness, SECRETARY, "生日")
    await say(harness, SECRETARY, "祝{名称}同志生日快乐")
    texts = harness.texts(SECRETARY)
    assert "占位符 {名称} 不认识" in texts[-2] and "{姓名}、{日期}" in texts[-2]
    assert "祝{姓名}同志生日快乐，身体健康，阖家幸福！" in texts[-2]  # an example that works
    assert texts[-1].startswith("生日（群里的生日祝福）")  # asked again
    await say(harness, SECRETARY, "祝<b>{姓名}同志生日快乐")
    assert "没有配对" in harness.texts(SECRETARY)[-2]
    assert not care_now(harness).customised("birthday")

    await say(harness, SECRETARY, "🎂 今天是{姓名}同志的生日，大家祝您福寿安康！")
    summary = last_with_buttons(harness, SECRETARY)["text"]
    assert "🎂 今天是王建国同志的生日，大家祝您福寿安康！" in summary and "{" not in summary
    assert not care_now(harness).customised("birthday")  # nothing before 确认
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert harness.texts(SECRETARY)[-1] == "✅ 已保存“生日”的祝福语，下次发祝福时就用新的。"
    assert care_now(harness).template("birthday") == "🎂 今天是{name}同志的生日，大家祝您福寿安康！"

    harness.clock.set(datetime(2026, 3, 12, 8, 30, tzinfo=SHANGHAI))
    await harness.tick()
    assert "🎂 今天是王建国同志的生日，大家祝您福寿安康！" in harness.texts(GROUP_ID)


async def test_greetings_switched_off_and_timed_by_tapping_and_typed_chinese_still_works(
    harness: Harness,
) -> None:
    await started(harness)
    await open_section(harness, SECRETARY, TG.MENU_TITLE, TG.MENU_SWITCH)
    await tap(harness, SECRETARY, "✅ 生日")
    assert "关闭" in last_with_buttons(harness, SECRETARY)["text"]
    assert care_now(harness).enabled("birthday")
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert harness.texts(SECRETARY)[-1] == "✅ 已关闭：生日。"
    assert not care_now(harness).enabled("birthday")

    await open_section(harness, SECRETARY, TG.MENU_TITLE, TG.MENU_TIME)
    assert list(buttons(last_with_buttons(harness, SECRETARY)))[:3] == ["08:00", "08:30", "09:00"]
    await say(harness, SECRETARY, "明天")
    assert "9点半" in harness.texts(SECRETARY)[-2]  # the example of what works
    await say(harness, SECRETARY, "早上9点")
    assert "从 08:30 改成 09:00" in last_with_buttons(harness, SECRETARY)["text"]
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert care_now(harness).greeting_time.strftime("%H:%M") == "09:00"

    harness.fake.message(
        GROUP_ID, SECRETARY, "/greetings 修改 生日私信 祝｛姓名｝同志{年龄}岁生日快乐！"
    )
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1].startswith("已保存“生日私信”的祝福语")
    assert care_now(harness).template("birthday_private") == "祝{name}同志{age}岁生日快乐！"
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 预览 生日私信")
    await harness.settle()
    assert "祝{姓名}同志{年龄}岁生日快乐！" in harness.texts(GROUP_ID)[-1]

    # Changed words can be put back to the default by tapping.
    await open_section(harness, SECRETARY, TG.MENU_TITLE, TG.MENU_EDIT)
    await tap(harness, SECRETARY, "生日私信")
    await tap(harness, SECRETARY, TG.BUTTON_RESET)
    assert "恢复为默认的祝福语" in last_with_buttons(harness, SECRETARY)["text"]
    assert care_now(harness).customised("birthday_private")
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert harness.texts(SECRETARY)[-1] == "✅ “生日私信”已恢复为默认的祝福语。"
    assert not care_now(harness).customised("birthday_private")


async def test_two_admins_rewriting_the_same_greeting_the_second_sees_the_first(
    harness: Harness,
) -> None:
    await started(harness)
    for admin, words in ((SECRETARY, "书记祝{姓名}生日快乐"), (COMMITTEE, "支委祝{姓名}生日快乐")):
        await open_section(harness, admin, TG.MENU_TITLE, TG.MENU_EDIT)
        await tap(harness, admin, "生日")
        await say(harness, admin, words)
    await tap(harness, SECRETARY, TF.CONFIRM)
    await tap(harness, COMMITTEE, TF.CONFIRM)
    assert care_now(harness).template("birthday") == "书记祝{name}生日快乐"
    second = harness.texts(COMMITTEE)[-1]
    assert "另一位管理员已经改了" in second and "书记祝王建国生日快乐" in second
    assert "没有保存" in second


# --- roster and birthdays -------------------------------------------------------------------------


async def test_the_roster_section_shows_the_roster_template_import_and_birthdays(
    harness: Harness,
) -> None:
    await started(harness)
    put_wang(harness)
    await open_section(harness, SECRETARY, TR.MENU_TITLE, TR.MENU_VIEW)
    assert "支部名单" in harness.texts(SECRETARY)[-1] and "生日 " in harness.texts(SECRETARY)[-1]
    await open_section(harness, SECRETARY, TR.MENU_TITLE, TR.MENU_TEMPLATE)
    [template] = harness.fake.sent(SECRETARY, method="sendDocument")
    assert template["document"]["file_name"] == TC.ROSTER_TEMPLATE_FILE
    await open_section(harness, SECRETARY, TR.MENU_TITLE, TR.MENU_IMPORT)
    assert "私聊发给我" in harness.texts(SECRETARY)[-1]
    await open_section(harness, SECRETARY, TR.MENU_TITLE, TR.MENU_UPCOMING)
    assert "生日和政治生日" in harness.texts(SECRETARY)[-1]
    assert not any(TQ.TAP_NOT_ADMIN in t for t in harness.texts(SECRETARY))
