"""The secretary's menu, tapped through the fake Bot API: the sections, setting the theme day,
pushing and reminding with a preview and 确认发出, files sent privately, the material queue,
and the downloads. Bad typed input, 返回, 取消 and a flow left for half an hour included."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.services import themeday as theme_day
from bot.texts import common as C
from bot.texts import export as TE
from bot.texts import files as TFI
from bot.texts import flows as TF
from bot.texts import menu as TM
from bot.texts import push as TP
from bot.texts import reflections as TR
from bot.texts import summary as TS
from bot.texts import themeday as TT
from storage import branches
from storage import materials as material_store
from storage.models import Branch, Job, Material, Quiz, Reflection, ThemeSession
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import (
    answers,
    buttons,
    last_with_buttons,
    remind_by_tapping,
    say,
    tap,
    url_buttons,
)
from tests.e2e.people_helpers import confirm_roster
from tests.e2e.quiz_helpers import BANK, xlsx_bytes
from tests.e2e.sessions import push_session

SHANGHAI = ZoneInfo("Asia/Shanghai")
WANG, LI, ZHANG, CHEN = RETIREES
POSTING = {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup"}


async def started(harness: Harness) -> None:
    for person in (SECRETARY, COMMITTEE, WANG):
        harness.fake.start_private(person)
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, COMMITTEE, "大家好")
    harness.fake.message(GROUP_ID, WANG, "大家好")
    harness.fake.message(GROUP_ID, LI, "大家好")
    for person in (SECRETARY, COMMITTEE, WANG):
        harness.fake.message(person, person, "/start")
    await harness.settle()


def branch_now(harness: Harness) -> Branch:
    with harness.session() as s:
        [branch] = branches.active(s)
        return branch


def posts(harness: Harness) -> list[dict[str, object]]:
    return [m for m in harness.fake.sent(GROUP_ID) if m["_method"] in POSTING]


def sessions(harness: Harness) -> list[ThemeSession]:
    with harness.session() as s:
        return list(s.exec(select(ThemeSession).order_by(col(ThemeSession.id))).all())


async def open_entry(harness: Harness, user_id: int, section: str, entry: str) -> None:
    await say(harness, user_id, "/menu")
    await tap(harness, user_id, section)
    await tap(harness, user_id, entry)


# --- the menu itself ------------------------------------------------------------------------


async def test_the_menu_lists_the_sections_in_order_and_opens_from_help(harness: Harness) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/menu")
    home = last_with_buttons(harness, SECRETARY)
    titles = list(buttons(home))
    mine = [TT.MENU_TITLE, TT.MENU_MATERIALS, TP.MENU_REMIND_TITLE, TE.MENU_TITLE]
    assert [t for t in titles if t in mine] == mine
    # Settings, then activities and visits, come after the downloads.
    assert titles.index(TE.MENU_TITLE) < titles.index("⚙️ 支部设置") < len(titles) - 2

    # /help for an admin offers the menu with a button; in the group the button opens the
    # private chat.
    await say(harness, SECRETARY, "/help")
    await tap(harness, SECRETARY, TM.OPEN_PRIVATE)
    assert list(buttons(last_with_buttons(harness, SECRETARY))) == titles
    harness.fake.message(GROUP_ID, SECRETARY, "/menu")
    await harness.settle()
    [link] = url_buttons(harness.fake.sent(GROUP_ID)[-1]).values()
    assert link.endswith("?start=menu")
    await say(harness, COMMITTEE, "/start")
    assert TM.OPEN_PRIVATE in buttons(harness.fake.sent(COMMITTEE)[-1])
    # Members get no menu button under /help.
    await say(harness, WANG, "/help")
    assert TM.OPEN_PRIVATE not in buttons(harness.fake.sent(WANG)[-1])


# --- the theme day ----------------------------------------------------------------------------


async def test_the_theme_day_is_set_by_tapping_and_saved_as_themeday_saves_it(
    harness: Harness,
) -> None:
    await started(harness)
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_SET)
    day = last_with_buttons(harness, SECRETARY)
    assert "还没有设定" in day["text"]
    assert list(buttons(day))[:3] == ["1", "2", "3"] and TT.FLOW_LAST_DAY in buttons(day)
    await tap(harness, SECRETARY, "15")
    assert "每月15日几点开始" in last_with_buttons(harness, SECRETARY)["text"]
    await tap(harness, SECRETARY, "09:00")
    await say(harness, SECRETARY, "学习新修订的党章")
    assert theme_day.rule_of(branch_now(harness)) is None  # nothing saved before 确认
    summary = last_with_buttons(harness, SECRETARY)["text"]
    assert "每月15日 09:00" in summary and "学习新修订的党章" in summary
    assert "12月15日（周二）09:00" in summary and "19天后" in summary
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert harness.texts(SECRETARY)[-1].startswith("✅ 已设定")
    tapped = theme_day.rule_of(branch_now(harness))
    assert tapped is not None

    # The same rule typed with /themeday is stored identically.
    harness.clock.advance(timedelta(minutes=1))
    await say(harness, SECRETARY, "/themeday 15号 9:00 学习新修订的党章", chat_id=GROUP_ID)
    typed = theme_day.rule_of(branch_now(harness))
    assert typed is not None
    assert (typed.rule, typed.at, typed.topic) == (tapped.rule, tapped.at, tapped.topic)


async def test_typed_days_and_times_bad_input_back_and_weekday_buttons(harness: Harness) -> None:
    await started(harness)
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_SET)
    # Bad input: the question again, with an example; nothing saved.
    await say(harness, SECRETARY, "下个月吧")
    texts = harness.texts(SECRETARY)
    assert texts[-2].startswith("没看懂“下个月吧”") and TT.FLOW_DAY_EXAMPLE in texts[-2]
    assert "定在每月哪一天" in texts[-1]
    await say(harness, SECRETARY, "每月最后一个周五")
    await say(harness, SECRETARY, "25点")
    assert TT.FLOW_TIME_EXAMPLE in harness.texts(SECRETARY)[-2]
    await say(harness, SECRETARY, "上午9点半")
    # 返回 goes back one question; the weekday buttons lead to the same kind of rule.
    await tap(harness, SECRETARY, TF.BACK)
    await tap(harness, SECRETARY, TF.BACK)
    await tap(harness, SECRETARY, TT.FLOW_BY_WEEKDAY)
    await tap(harness, SECRETARY, "第一个")
    await tap(harness, SECRETARY, "周五")
    await tap(harness, SECRETARY, "09:30")
    await tap(harness, SECRETARY, TT.FLOW_TOPIC_NONE)
    summary = last_with_buttons(harness, SECRETARY)["text"]
    assert "每月第一个周五 09:30" in summary and "12月4日（周五）09:30" in summary
    assert theme_day.rule_of(branch_now(harness)) is None
    await tap(harness, SECRETARY, TF.CONFIRM)
    rule = theme_day.rule_of(branch_now(harness))
    assert rule is not None and rule.rule.to_storage() == "first-fri"
    assert rule.topic == TT.DEFAULT_TOPIC

    # 取消 saves nothing; a flow left for over half an hour has expired buttons.
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_SET)
    await tap(harness, SECRETARY, "20")
    await tap(harness, SECRETARY, TF.CANCEL)
    assert harness.texts(SECRETARY)[-1] == TF.CANCELLED
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_SET)
    harness.clock.advance(timedelta(minutes=31))
    await tap(harness, SECRETARY, "20")
    # Expired (or, once the planner has forgotten it, over): either way nothing happens.
    assert answers(harness)[-1] in (TF.EXPIRED, TF.FINISHED)
    after = theme_day.rule_of(branch_now(harness))
    assert after is not None and after.rule.to_storage() == "first-fri"


async def test_this_months_plan_shows_the_next_day_and_the_materials(harness: Harness) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/themeday 15 09:00 学习党史", chat_id=GROUP_ID)
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_MONTH)
    text = harness.texts(SECRETARY)[-1]
    assert "每月15日 09:00" in text and "学习党史" in text
    assert "12月15日（周二）09:00 将推送" not in text  # November's has passed: see next
    assert "下一次：12月15日（周二）09:00" in text and "0 份" in text


# --- push and remind --------------------------------------------------------------------------


async def test_push_now_is_previewed_and_posts_only_on_confirm(harness: Harness) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/themeday 15 09:00 学习党史", chat_id=GROUP_ID)
    harness.clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))
    before = len(posts(harness))
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_PUSH)
    await tap(harness, SECRETARY, "用“学习党史”")
    preview = last_with_buttons(harness, SECRETARY)["text"]
    assert "老干之家" in preview and "学习党史" in preview
    assert "代替本月 12月15日（周二）09:00 的定时推送" in preview
    assert len(posts(harness)) == before and sessions(harness) == []
    await tap(harness, SECRETARY, TP.CONFIRM_PUSH)
    assert harness.texts(SECRETARY)[-1].startswith("✅ 已开始")
    [theme] = sessions(harness)
    assert theme.topic == "学习党史" and theme.pushed_at is not None
    assert len(posts(harness)) == before + 2  # the header and the invitation

    # A second push this month is an extra one: it says so.
    harness.clock.advance(timedelta(minutes=5))
    harness.fake.message(SECRETARY, SECRETARY, "/push 补充学习")
    await harness.settle()
    preview = last_with_buttons(harness, SECRETARY)["text"]
    assert "已经由 12月10日（周四） 那次推送代替了" in preview and "补充学习" in preview
    await tap(harness, SECRETARY, TF.CANCEL)
    assert len(sessions(harness)) == 1


async def test_two_admins_confirming_a_push_make_one_push(harness: Harness) -> None:
    await started(harness)
    for admin in (SECRETARY, COMMITTEE):
        await say(harness, admin, "/push 学习党章")
    before = len(posts(harness))
    await tap(harness, SECRETARY, TP.CONFIRM_PUSH)
    await tap(harness, COMMITTEE, TP.CONFIRM_PUSH)
    assert len(sessions(harness)) == 1
    assert len(posts(harness)) == before + 2
    assert harness.texts(SECRETARY)[-1].startswith("✅ 已开始")
    assert harness.texts(COMMITTEE)[-1].startswith("没有再发")


async def test_push_and_remind_typed_in_the_group_post_nothing_there(harness: Harness) -> None:
    await started(harness)
    before = len(posts(harness))
    harness.fake.message(GROUP_ID, SECRETARY, "/push 学习党章")
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == TP.GROUP_SENT_PRIVATELY
    assert len(posts(harness)) == before + 1 and sessions(harness) == []
    assert "预览：现在推送主题党日" in last_with_buttons(harness, SECRETARY)["text"]

    # An admin who never opened the private chat gets a button that opens it, and the link
    # shows the preview.
    harness.fake.add_user(4001, "孙", "委员")
    harness.fake.message(GROUP_ID, COMMITTEE, "/push")  # COMMITTEE has a private chat
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == TP.GROUP_SENT_PRIVATELY
    with harness.session() as s:
        person = branches.person(s, COMMITTEE)
        assert person is not None
        person.private_started = False
        s.add(person)
        s.commit()
    harness.fake.message(GROUP_ID, COMMITTEE, "/remind")
    await harness.settle()
    [link] = url_buttons(harness.fake.sent(GROUP_ID)[-1]).values()
    payload = link.split("?start=")[1]
    assert payload == f"remind_{branch_now(harness).id}"
    assert sessions(harness) == []
    await say(harness, COMMITTEE, f"/start {payload}")
    assert harness.texts(COMMITTEE)[-1] == TP.REMIND_NO_SESSION
    # A member's /push is refused as before.
    await say(harness, WANG, "/push", chat_id=GROUP_ID)
    assert harness.texts(GROUP_ID)[-1] == C.NOT_ADMIN


async def test_remind_now_names_people_only_privately_and_sends_once(harness: Harness) -> None:
    await started(harness)
    await push_session(harness, "学习党史")
    group_before = len(harness.fake.sent(GROUP_ID))
    await open_entry(harness, SECRETARY, TP.MENU_REMIND_TITLE, TP.MENU_REMIND)
    preview = last_with_buttons(harness, SECRETARY)["text"]
    assert "王建国" in preview and "李秀英" in preview and "学习党史" in preview
    assert "群里发一条不点名的温和提醒" in preview  # 群内提醒点名 is off by default
    assert len(harness.fake.sent(GROUP_ID)) == group_before
    await say(harness, COMMITTEE, "/remind")
    await tap(harness, SECRETARY, TP.CONFIRM_REMIND)
    assert harness.texts(SECRETARY)[-1].startswith("✅ 已提醒")
    reminders = [t for t in harness.texts(GROUP_ID)[group_before:] if "温馨提醒" in t]
    assert len(reminders) == 1 and "王建国" not in reminders[0]  # names only privately
    await tap(harness, COMMITTEE, TP.CONFIRM_REMIND)
    assert harness.texts(COMMITTEE)[-1].startswith("没有再发")
    assert len([t for t in harness.texts(GROUP_ID)[group_before:] if "温馨提醒" in t]) == 1
    # Later, reminding again is allowed (a new preview, a new confirm).
    harness.clock.advance(timedelta(hours=5))
    assert (await remind_by_tapping(harness, SECRETARY)).startswith("✅ 已提醒")


async def test_the_command_menu_of_groups_has_no_push_or_remind(harness: Harness) -> None:
    await started(harness)
    await harness.settle()  # registered after polling began
    calls = [c for c in harness.fake.calls if c.method == "setMyCommands"]
    scopes = {json.dumps(c.params.get("scope"), sort_keys=True): c.params for c in calls}
    group = {c["command"] for c in scopes['{"type": "all_chat_administrators"}']["commands"]}
    assert "themeday" in group and not {"push", "remind"} & group


# --- files sent privately ---------------------------------------------------------------------


async def test_files_sent_privately_by_an_admin_get_asked_what_they_are_for(
    harness: Harness,
) -> None:
    await started(harness)
    pdf = harness.fake.file(b"%PDF-1.4 dangzhang", file_name="党章.pdf")
    harness.fake.message(SECRETARY, SECRETARY, document=pdf)
    await harness.settle()
    question = last_with_buttons(harness, SECRETARY)
    assert question["text"] == TFI.ASK
    assert list(buttons(question)) == [TFI.AS_MATERIAL, TFI.NOTHING]  # not a spreadsheet
    await tap(harness, SECRETARY, TFI.AS_MATERIAL)
    assert "已加入学习材料：《党章》" in harness.texts(SECRETARY)[-1]
    # The question shows what was chosen, without buttons: a second tap is impossible.
    done = harness.fake.message_by_id(SECRETARY, question["message_id"])
    assert done is not None and not buttons(done) and TFI.AS_MATERIAL in done["text"]

    harness.fake.message(SECRETARY, SECRETARY, "请看 https://www.12371.cn/ 的文章")
    await harness.settle()
    assert harness.texts(SECRETARY)[-1] == TFI.ASK_LINK
    await tap(harness, SECRETARY, TFI.AS_MATERIAL)
    bank = harness.fake.file(xlsx_bytes(BANK), file_name="党史题库.xlsx")
    harness.fake.message(SECRETARY, SECRETARY, document=bank)
    await harness.settle()
    assert TFI.AS_QUIZ in buttons(last_with_buttons(harness, SECRETARY))
    await tap(harness, SECRETARY, TFI.AS_QUIZ)
    with harness.session() as s:
        [quiz] = s.exec(select(Quiz)).all()
        assert quiz.branch_id is not None
        queued = material_store.queued(s, quiz.branch_id)
    assert quiz.title == "党史题库" and quiz.created_by == SECRETARY
    assert [m.kind for m in queued] == ["document", "link"]

    # 不用: nothing happens; a member's file is offered as usual, never asked about.
    photo = harness.fake.file(b"\x89PNG fake", kind="photo")
    harness.fake.message(SECRETARY, SECRETARY, photo=photo)
    await harness.settle()
    await tap(harness, SECRETARY, TFI.NOTHING)
    assert harness.texts(SECRETARY)[-1] == TFI.NOTHING_DONE
    harness.fake.message(WANG, WANG, document=pdf)
    await harness.settle()
    assert TFI.ASK not in harness.texts(WANG)
    with harness.session() as s:
        assert len(s.exec(select(Material)).all()) == 2


async def test_a_roster_file_sent_privately_is_imported_on_a_tap(harness: Harness) -> None:
    from tests.e2e.test_care_roster import GOOD, xlsx

    await started(harness)
    roster = harness.fake.file(xlsx(GOOD), file_name="名单.xlsx")
    harness.fake.message(SECRETARY, SECRETARY, document=roster)
    await harness.settle()
    await tap(harness, SECRETARY, TFI.AS_ROSTER)
    await confirm_roster(harness, SECRETARY)  # the preview first: nothing changes before 确认导入
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        names = {m.name for m in branches.members(s, branch.id, only_active=False)}
    assert {"刘志刚", "陈桂兰"} <= names


async def test_a_file_in_the_middle_of_a_flow_is_not_taken_for_something_else(
    harness: Harness,
) -> None:
    await started(harness)
    await open_entry(harness, SECRETARY, TT.MENU_TITLE, TT.MENU_SET)
    pdf = harness.fake.file(b"%PDF-1.4 x", file_name="x.pdf")
    harness.fake.message(SECRETARY, SECRETARY, document=pdf)
    await harness.settle()
    assert harness.texts(SECRETARY)[-1] == TFI.IN_A_FLOW
    with harness.session() as s:
        assert s.exec(select(Material)).all() == []


# --- the material queue and the downloads -------------------------------------------------------


async def test_the_material_queue_previews_moves_and_removes(harness: Harness) -> None:
    await started(harness)
    for name in ("甲.pdf", "乙.pdf"):
        doc = harness.fake.file(b"%PDF-1.4 " + name.encode(), file_name=name)
        harness.fake.message(SECRETARY, SECRETARY, document=doc)
        await harness.settle()
        await tap(harness, SECRETARY, TFI.AS_MATERIAL)
    await open_entry(harness, SECRETARY, TT.MENU_MATERIALS, TT.MENU_QUEUE)
    queue = last_with_buttons(harness, SECRETARY)
    assert "1. 📄 甲" in queue["text"] and "2. 📄 乙" in queue["text"]
    sent_before = len(harness.fake.sent(SECRETARY))
    await tap(harness, SECRETARY, TT.BUTTON_PREVIEW.format(n=2))
    [preview] = harness.fake.sent(SECRETARY)[sent_before:]
    assert preview["_method"] == "sendDocument" and preview["caption"] == "📖 乙"
    await tap(harness, SECRETARY, TT.BUTTON_UP.format(n=2))
    await tap(harness, SECRETARY, TT.BUTTON_REMOVE.format(n=2))
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        assert [m.title for m in material_store.queued(s, branch.id)] == ["乙"]


async def test_the_downloads_section_offers_the_existing_exports(harness: Harness) -> None:
    await started(harness)
    await push_session(harness, "学习党史")
    await open_entry(harness, SECRETARY, TE.MENU_TITLE, TE.EXPORT_LEDGER)
    assert "学习党史" in " ".join(buttons(last_with_buttons(harness, SECRETARY)))
    await open_entry(harness, SECRETARY, TE.MENU_TITLE, TE.EXPORT_QUIZ)
    assert harness.texts(SECRETARY)[-1] == TE.QUIZ_EXPORT_NONE
    await open_entry(harness, SECRETARY, TE.MENU_TITLE, TS.SUMMARY_BUTTON)
    assert any("2026" in t for t in harness.texts(SECRETARY)[-3:])
    with harness.session() as s:
        jobs = [j.kind for j in s.exec(select(Job)).all()]
    assert "export.summary" in jobs


async def test_an_admin_who_is_also_a_member_can_hand_in_a_file_as_a_reflection(
    harness: Harness,
) -> None:
    await started(harness)
    await push_session(harness, "学习党史")
    photo = harness.fake.file(b"\x89PNG fake", kind="photo")
    harness.fake.message(SECRETARY, SECRETARY, photo=photo)
    await harness.settle()
    assert TFI.AS_REFLECTION in buttons(last_with_buttons(harness, SECRETARY))
    await tap(harness, SECRETARY, TFI.AS_REFLECTION)
    await tap(harness, SECRETARY, TR.OFFER_YES)
    with harness.session() as s:
        [row] = s.exec(select(Reflection)).all()
    assert row.kind == "photo"
    # A topic too long for a push is asked again with an example; nothing is pushed.
    await say(harness, SECRETARY, "/push")
    await say(harness, SECRETARY, "学" * 50)
    assert "40个字以内" in harness.texts(SECRETARY)[-2]
    assert len(sessions(harness)) == 1
