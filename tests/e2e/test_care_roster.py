"""The roster and birthdays as the secretary and members meet them: importing a spreadsheet
(all or nothing), linking people by id, username or "这是我", and /birthday."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from sqlmodel import select

from bot.texts import common as TC
from bot.texts import people as P
from handlers.callbacks import (
    BirthdayCalendar,
    BirthdayDay,
    BirthdayDecade,
    BirthdayMonth,
    BirthdayYear,
    Claim,
    ClaimVerdict,
)
from storage.models import Branch, Member
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, STAFF, Harness, ident
from tests.e2e.people_helpers import confirm_roster, roster_preview

WANG, LI, ZHANG, CHEN = RETIREES
HEADER = [
    "姓名",
    "Telegram用户名",
    "Telegram ID",
    "性别",
    "出生日期",
    "历法",
    "入党日期",
    "党员",
    "备注",
]
LIU = 2005  # has a username, not in the roster by id


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gbk_csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


GOOD = [
    ["王建国", "", str(WANG), "男", "1946-12-05", "公历", "1970-07-01", "是", ""],
    ["刘志刚", "liu_laoshi", "", "男", "1948/3/12", "", "", "否", ""],
    ["陈桂兰", "", "", "女", "农历1950年二月初八", "农历", "", "否", "腿脚不便"],
    ["周<老>&师", "", "", "女", "1949年5月1日", "", "1975-05-04", "", ""],
]


def members(harness: Harness) -> dict[str, Member]:
    with harness.session() as s:
        return {m.name: m for m in s.exec(select(Member)).all()}


async def ready(harness: Harness) -> None:
    harness.fake.add_user(LIU, "刘志刚", username="liu_laoshi")
    harness.fake.start_private(SECRETARY)
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, LIU, "大家好")
    harness.fake.message(GROUP_ID, CHEN, "早上好")
    harness.fake.message(SECRETARY, SECRETARY, "/start")
    await harness.settle()


async def send_roster(
    harness: Harness,
    data: bytes,
    name: str,
    *,
    caption: bool = False,
    missing: str = P.BUTTON_KEEP,
) -> str:
    """Send a roster file in the group; if it is good, confirm its preview (sent privately to
    the secretary) and return what the bot said after importing; else the group's answer."""
    doc = harness.fake.file(data, file_name=name)
    if caption:
        harness.fake.message(GROUP_ID, SECRETARY, document=doc, caption="/roster")
    else:
        sent = harness.fake.message(GROUP_ID, SECRETARY, document=doc)
        harness.fake.message(GROUP_ID, SECRETARY, "/roster", reply_to=sent["message_id"])
    await harness.settle()
    if roster_preview(harness, SECRETARY) is None:
        return harness.texts(GROUP_ID)[-1]
    # The group hears only the counts; nothing changes before 确认导入.
    assert "名单已收到" in harness.texts(GROUP_ID)[-1]
    return await confirm_roster(harness, SECRETARY, missing=missing)


async def test_an_xlsx_roster_is_imported_and_linked_by_id_and_username(harness: Harness) -> None:
    await ready(harness)
    before = members(harness)
    answer = await send_roster(harness, xlsx(GOOD), "名单.xlsx")
    assert "导入好了" in answer and "共4人" in answer
    after = members(harness)
    assert after["王建国"].user_id == WANG and after["王建国"].joined_party == date(1970, 7, 1)
    # Linked by username: the row the bot already had for 刘志刚 is kept and updated.
    assert after["刘志刚"].user_id == LIU and after["刘志刚"].id == before["刘志刚"].id
    assert after["刘志刚"].birth == "S1948-03-12"
    # 陈桂兰 has no id or username: a roster row of her own, waiting to be linked.
    assert after["陈桂兰"].user_id is None and after["陈桂兰"].birth == "L1950-02-08"
    assert after["周<老>&师"].party_member

    harness.fake.message(GROUP_ID, SECRETARY, "/roster")
    await harness.settle()
    listing = harness.texts(GROUP_ID)[-1]
    assert "王建国" in listing and "陈桂兰" in listing and "周<老>&师" in listing
    # Nothing personal in the group: no birthdays, no linked/unlinked marks.
    assert "1946" not in listing and "✅" not in listing and "⏳" not in listing
    harness.fake.message(SECRETARY, SECRETARY, "/roster")
    await harness.settle()
    private = harness.texts(SECRETARY)[-1]
    assert "生日 农历1950年二月初八" in private and "1970年7月1日入党" in private
    assert "✅ 王建国" in private and "⏳ 陈桂兰" in private


async def test_a_gbk_csv_with_caption_imports_and_a_second_import_keeps_the_rows(
    harness: Harness,
) -> None:
    await ready(harness)
    rows = [
        ["王建国", "", str(WANG), "男", "1946-12-05", "公历", "", "", ""],
        ["陈桂兰", "", "", "女", "", "", "", "", ""],
    ]
    answer = await send_roster(harness, gbk_csv(rows), "名单.csv", caption=True)
    assert "共2人" in answer
    first = members(harness)
    # 陈桂兰 is left out; 王建国's birthday cell is empty this time, which erases nothing.
    again = [
        ["王建国", "", str(WANG), "男", "", "", "", "", "新备注"],
        ["李秀英", "", "", "女", "", "", "", "", ""],
    ]
    answer = await send_roster(
        harness, gbk_csv(again), "名单.csv", caption=True, missing=P.BUTTON_MOVED
    )
    assert "已标为调离的1人：陈桂兰" in answer
    second = members(harness)
    assert second["王建国"].id == first["王建国"].id
    assert second["王建国"].birth == "S1946-12-05" and second["王建国"].note == "新备注"
    # Two rows named 陈桂兰: the one seen in the group stays active, the roster-only one is
    # marked 调离 (the admin chose so in the preview).
    with harness.session() as s:
        chen = s.exec(select(Member).where(Member.name == "陈桂兰")).all()
    assert {(m.user_id, m.active, m.on_roster) for m in chen} == {
        (CHEN, True, False),
        (None, False, False),
    }


async def test_a_bad_roster_lists_every_problem_and_imports_nothing(harness: Harness) -> None:
    await ready(harness)
    bad = [
        ["王建国", "", "", "男", "1946-02-30", "", "", "", ""],
        ["李秀英", "", "", "女", "农历1950年闰二月初八", "", "", "", ""],
        ["张三", "", "", "", "2030-01-01", "", "", "", ""],
        ["张三", "", "", "", "", "", "", "", ""],
        ["陈桂兰", "", "", "", "1950-01-01", "公历", "", "", ""],
    ]
    answer = await send_roster(harness, xlsx(bad), "名单.xlsx")
    assert "4处需要修改" in answer and "没有导入" in answer
    for row in ("第2行", "第3行", "第4行", "第5行"):
        assert row in answer
    assert "2月没有30日" in answer and "闰二月" in answer and "之后" in answer and "重复" in answer
    assert all(not m.on_roster for m in members(harness).values())

    harness.fake.message(GROUP_ID, WANG, "/roster")
    await harness.settle()
    assert "只有支部书记和支委" in harness.texts(GROUP_ID)[-1]


async def test_the_template_is_sent_as_a_document(harness: Harness) -> None:
    await ready(harness)
    harness.fake.message(SECRETARY, SECRETARY, "/roster template")
    await harness.settle()
    [doc] = harness.fake.sent(SECRETARY, method="sendDocument")
    data = harness.fake.upload(doc["document"]["file_id"])
    from storage.spreadsheets import parse_roster

    assert [r.name for r in parse_roster(data, "t.xlsx", today=date(2026, 11, 26))] == [
        "王建国",
        "李秀英",
    ]


async def test_an_unlinked_member_taps_this_is_me_and_an_admin_confirms(harness: Harness) -> None:
    await ready(harness)
    await send_roster(harness, xlsx(GOOD), "名单.xlsx")
    chen_row = members(harness)["陈桂兰"]
    assert chen_row.user_id is None

    harness.fake.message(CHEN, CHEN, "/roster 认领")
    await harness.settle()
    offer = harness.fake.sent(CHEN)[-1]
    harness.fake.press(CHEN, CHEN, offer["message_id"], Claim(ident(chen_row.id)).build())
    await harness.settle()
    edited = harness.fake.message_by_id(CHEN, offer["message_id"])
    assert edited is not None and "已请书记或支委确认" in edited["text"]
    ask = harness.fake.sent(SECRETARY)[-1]
    assert "陈桂兰" in ask["text"] and ClaimVerdict("ok", ident(chen_row.id), CHEN).build() in str(
        ask["reply_markup"]
    )
    assert members(harness)["陈桂兰"].claimed_by == CHEN
    harness.fake.press(
        SECRETARY,
        SECRETARY,
        ask["message_id"],
        ClaimVerdict("ok", ident(chen_row.id), CHEN).build(),
    )
    await harness.settle()
    assert harness.fake.unanswered_callbacks() == []
    assert "已和名单上的“陈桂兰”关联好了" in harness.texts(CHEN)[-1]
    with harness.session() as s:
        chen = s.exec(select(Member).where(Member.name == "陈桂兰")).all()
    # The row she already had (from the group) is kept and carries the roster's details.
    [linked] = chen
    assert linked.user_id == CHEN and linked.on_roster and linked.birth == "L1950-02-08"
    assert linked.note == "腿脚不便"

    harness.fake.message(CHEN, CHEN, "/roster 认领")
    await harness.settle()
    assert "不用再认领" in harness.texts(CHEN)[-1]


async def test_birthday_commands_and_their_mistakes(harness: Harness) -> None:
    await ready(harness)
    harness.fake.message(GROUP_ID, LI, "大家好")
    await harness.settle()
    for text in (
        "/birthday 1950-03-12",
        "/birthday 农历 1950-02-08",
        "/birthday 1950-02-30",
        "/birthday 2030-01-01",
        "/birthday 明天",
        "/birthday 不公开",
        "/birthday",
    ):
        harness.fake.message(LI, LI, text)
    await harness.settle()
    solar, lunar, impossible, future, nonsense, private, help_ = harness.texts(LI)[-7:]
    assert "1950年3月12日" in solar
    assert "农历1950年二月初八" in lunar
    assert "没有30日" in impossible
    assert "之后" in future
    assert "看不懂" in nonsense
    assert "只在私聊里" in private
    assert "不公开（只私下祝福）" in help_ and "/birthday 农历" in help_
    assert len(help_) <= 170  # the member's current birthday, and how to register: one screen
    # How the day of the greeting is worked out is one tap away.
    menu = harness.fake.sent(LI)[-1]
    rules_button = next(
        b["callback_data"]
        for row in menu["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "ℹ️ 日子怎么算"
    )
    harness.fake.press(LI, LI, menu["message_id"], rules_button)
    await harness.settle()
    rules = harness.texts(LI)[-1]
    assert "2月29日" in rules and "二十九" in rules and "闰月" in rules
    with harness.session() as s:
        li = s.exec(select(Member).where(Member.user_id == LI)).one()
    assert li.birth == "L1950-02-08" and not li.public_birthday

    harness.fake.message(GROUP_ID, WANG, "/birthday 1946-12-05")
    harness.fake.message(STAFF, STAFF, "/birthday 1960-01-01")
    await harness.settle()
    # Typed in the group: recorded, but the date is not repeated there (WANG never opened a
    # private chat, so the group gets a button to open one).
    assert "1946" not in harness.texts(GROUP_ID)[-1] and "已记下" in harness.texts(GROUP_ID)[-1]
    with harness.session() as s:
        wang = s.exec(select(Member).where(Member.user_id == WANG)).one()
    assert wang.birth == "S1946-12-05"
    # Staff are in the group without ever having spoken there: recognised through Telegram.
    assert "1960年1月1日" in harness.texts(STAFF)[-1]


async def test_a_birthday_chosen_with_buttons(harness: Harness) -> None:
    await ready(harness)
    harness.fake.message(GROUP_ID, LI, "大家好")
    harness.fake.message(LI, LI, "/birthday")
    await harness.settle()
    menu = harness.fake.sent(LI)[0]
    message_id = menu["message_id"]
    for pressed in (
        BirthdayCalendar("L"),
        BirthdayDecade("L", 194),
        BirthdayYear("L", 1941),
        BirthdayMonth("L", 1941, 6, True),
        BirthdayDay("L", 1941, 6, True, 10),
    ):
        harness.fake.press(LI, LI, message_id, pressed.build())
        await harness.settle()
    final = harness.fake.message_by_id(LI, message_id)
    assert final is not None and "农历1941年闰六月初十" in final["text"]
    with harness.session() as s:
        li = s.exec(select(Member).where(Member.user_id == LI)).one()
    assert li.birth == "L1941-06-10-leap"
    assert harness.fake.unanswered_callbacks() == []

    # A month that button could never carry is stale; a lunar leap month that year lacks is
    # explained, and neither changes the birthday.
    forged = harness.fake.press(LI, LI, message_id, "bdx:L:1941:13:0:40", force=True)
    await harness.settle()
    assert harness.fake.answered_callbacks[forged]["text"] == TC.BUTTON_STALE
    no_such_month = BirthdayDay("L", 1941, 2, True, 1).build()
    harness.fake.press(LI, LI, message_id, no_such_month, force=True)
    await harness.settle()
    assert "失效" in harness.texts(LI)[-1]
    with harness.session() as s:
        assert s.exec(select(Member).where(Member.user_id == LI)).one().birth == li.birth


async def test_a_stranger_cannot_register_a_birthday(harness: Harness) -> None:
    await ready(harness)
    with harness.session() as s:
        assert s.exec(select(Branch)).one()
    from tests.e2e.harness import OUTSIDER

    harness.fake.message(OUTSIDER, OUTSIDER, "/birthday 1950-03-12")
    await harness.settle()
    assert "属于哪个支部" in harness.texts(OUTSIDER)[-1]


async def test_a_claim_offered_by_birthday_is_rejected_and_others_cannot_decide(
    harness: Harness,
) -> None:
    await ready(harness)
    await send_roster(harness, xlsx(GOOD), "名单.xlsx")
    chen_row = members(harness)["陈桂兰"]
    harness.fake.message(CHEN, CHEN, "/birthday")
    await harness.settle()
    offer = harness.fake.sent(CHEN)[-1]
    assert "这是我" in str(offer["reply_markup"]) and "周<老>&师" in str(offer["reply_markup"])
    harness.fake.press(CHEN, CHEN, offer["message_id"], Claim(ident(chen_row.id)).build())
    await harness.settle()

    # Someone else trying the same name is told it is being confirmed.
    harness.fake.message(GROUP_ID, LI, "大家好")
    harness.fake.message(LI, LI, "/roster 认领")
    await harness.settle()
    li_offer = harness.fake.sent(LI)[-1]
    assert "陈桂兰" not in str(li_offer.get("reply_markup"))
    harness.fake.press(
        LI, LI, li_offer["message_id"], Claim(ident(chen_row.id)).build(), force=True
    )
    await harness.settle()
    assert "正在确认" in harness.texts(LI)[-1]

    ask = harness.fake.sent(SECRETARY)[-1]
    harness.fake.press(
        WANG,
        SECRETARY,
        ask["message_id"],
        ClaimVerdict("no", ident(chen_row.id), CHEN).build(),
        force=True,
    )
    await harness.settle()
    assert members(harness)["陈桂兰"].claimed_by == CHEN
    harness.fake.press(
        SECRETARY,
        SECRETARY,
        ask["message_id"],
        ClaimVerdict("no", ident(chen_row.id), CHEN).build(),
    )
    await harness.settle()
    assert "没有确认" in harness.texts(CHEN)[-1]
    after = members(harness)["陈桂兰"]
    assert after.user_id is None and after.claimed_by is None
    assert harness.fake.unanswered_callbacks() == []
    # Pressing again after it was decided changes nothing.
    harness.fake.press(
        SECRETARY,
        SECRETARY,
        ask["message_id"],
        ClaimVerdict("ok", ident(chen_row.id), CHEN).build(),
        force=True,
    )
    await harness.settle()
    assert members(harness)["陈桂兰"].user_id is None
