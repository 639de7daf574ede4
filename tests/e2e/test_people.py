"""People as they are (issue 14): a member who passed away or moved gets nothing and is named
nowhere from that day, while their history stays; someone in hospital is not reminded but still
greeted and suggested for a visit; a re-imported roster never drops anyone silently; 党龄 counts
from 转正; 仅党员; and with the default settings the group sees no names of those who have not
submitted, no ages and no late marks."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import Workbook
from sqlmodel import select

from bot.texts import people as P
from bot.texts import settings as ST
from storage import people, reflections
from storage import quiz as quizzes
from storage.dates import BirthDate, Calendar
from storage.exports import ledger
from storage.models import Branch, Member, MemberStatusLog, Reflection
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.menu_helpers import buttons, remind_by_tapping
from tests.e2e.people_helpers import confirm_roster, roster_preview, tap_preview
from tests.e2e.sessions import push_session

WANG, LI, ZHANG, CHEN = RETIREES
MONDAY = date(2026, 11, 23)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def member(harness: Harness, user_id: int) -> Member:
    with harness.session() as s:
        found = s.exec(select(Member).where(Member.user_id == user_id)).one()
        return found


def set_birth(harness: Harness, user_id: int, birth: BirthDate) -> None:
    with harness.session() as s:
        row = s.exec(select(Member).where(Member.user_id == user_id)).one()
        row.birth = birth.to_storage()
        s.add(row)
        s.commit()


async def tap(harness: Harness, user_id: int, label_start: str) -> None:
    """Tap the button starting with `label_start` on the newest message with buttons."""
    for sent in reversed(harness.fake.sent(user_id)):
        now = harness.fake.message_by_id(user_id, sent["message_id"])
        found = buttons(now) if now is not None else {}
        if found:
            label = next(text for text in found if text.startswith(label_start))
            harness.fake.press(user_id, user_id, sent["message_id"], found[label])
            await harness.settle()
            return
    raise AssertionError(f"no message with buttons in chat {user_id}")


async def say(harness: Harness, user_id: int, text: str) -> None:
    harness.fake.message(user_id, user_id, text)
    await harness.settle()


async def mark(harness: Harness, name: str, status: str, day: str | None = None) -> str:
    """The secretary marks `name` with `status` through /status, privately."""
    await say(harness, SECRETARY, "/status")
    await tap(harness, SECRETARY, name)
    await tap(harness, SECRETARY, P.STATUS_NAMES[status])
    if day is not None:
        await tap(harness, SECRETARY, day)
    await tap(harness, SECRETARY, "✅")
    return harness.texts(SECRETARY)[-1]


async def branch_of_four(harness: Harness, day: date, hour: int = 8) -> None:
    harness.clock.set(at(day, hour))
    await harness.start()
    await harness.setup_branch()
    for user_id in (SECRETARY, WANG, LI, ZHANG, CHEN):
        harness.fake.message(user_id, user_id, "/start")
    for user_id in (WANG, LI, ZHANG, CHEN, STAFF):
        harness.fake.message(GROUP_ID, user_id, "大家好")
    await harness.settle()


def sent_since(harness: Harness, chat_id: int, count: int) -> list[str]:
    return harness.texts(chat_id)[count:]


async def test_a_member_who_passed_away_gets_nothing_and_is_named_nowhere_but_keeps_history(
    harness: Harness,
) -> None:
    await branch_of_four(harness, MONDAY)
    # Both have their birthday next Monday, the day of the visit digest.
    set_birth(harness, WANG, BirthDate(Calendar.SOLAR, 1946, 11, 30))
    set_birth(harness, LI, BirthDate(Calendar.SOLAR, 1950, 11, 30))
    _, invitation = await push_session(harness, "第一次学习")
    harness.fake.message(GROUP_ID, WANG, "我的心得：不忘初心。", reply_to=invitation)
    await harness.settle()

    # A day later the family tells the secretary; she marks it, with the day, by tapping.
    harness.clock.set(at(MONDAY + timedelta(days=1), 10))
    done = await mark(harness, "王建国", people.DECEASED, P.DAY_YESTERDAY)
    assert "王建国" in done and "已故 2026-11-23" in done
    # And 李秀英 is in hospital.
    assert "住院" in await mark(harness, "李秀英", people.AWAY)
    with harness.session() as s:
        log = s.exec(select(MemberStatusLog)).all()
        assert [(e.new_status, e.changed_by, e.source) for e in log] == [
            (people.DECEASED, SECRETARY, "button"),
            (people.AWAY, SECRETARY, "button"),
        ]
    group_before = len(harness.texts(GROUP_ID))
    wang_before = len(harness.texts(WANG))
    li_before = len(harness.texts(LI))

    # The next session's reminders, the birthdays and the Monday digest all pass him by.
    harness.clock.set(at(MONDAY + timedelta(days=2), 9))
    session_id, _ = await push_session(harness, "第二次学习")
    harness.fake.message(SECRETARY, SECRETARY, "/start")
    await remind_by_tapping(harness, SECRETARY)  # /remind, its preview, 确认发出
    harness.clock.set(at(MONDAY + timedelta(days=7), 8, 30))
    await harness.tick()

    group = sent_since(harness, GROUP_ID, group_before)
    assert group and not any("王建国" in t for t in group)
    assert sent_since(harness, WANG, wang_before) == []
    # In hospital: no reminder, but the birthday greeting still comes (group and private).
    li_new = sent_since(harness, LI, li_before)
    assert not any("心得" in t for t in li_new) and any("生日" in t for t in li_new)
    assert any("李秀英" in t and "生日" in t for t in group)
    [digest] = [t for t in harness.texts(SECRETARY) if "走访" in t or "生日" in t][-1:]
    assert "王建国" not in digest and "李秀英" in digest and "住院" in digest
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        absent = [m.name for m in quizzes.absent_members(s, 10**6, branch.id)]
        assert "王建国" not in absent and "李秀英" in absent
        report_names = {m.name for m in ledger.asked_members(s, branch.id, [STAFF])}
        assert "王建国" not in report_names and "李秀英" not in report_names
        # His submission stays, under his name, and the first session still counts him.
        [row] = s.exec(select(Reflection)).all()
        assert row.member_id == member(harness, WANG).id
        # A session whose deadline fell before he passed away still counts him.
        first = reflections.expected_members(s, branch.id, as_of=MONDAY - timedelta(days=1))
        assert "王建国" in {m.name for m in first}
        second = reflections.expected_members(s, branch.id, as_of=MONDAY + timedelta(days=9))
        assert "王建国" not in {m.name for m in second} and session_id


async def test_a_member_who_moved_away_and_writes_again_stays_out(harness: Harness) -> None:
    await branch_of_four(harness, MONDAY)
    assert "调离" in await mark(harness, "陈桂兰", people.MOVED)
    harness.fake.message(GROUP_ID, CHEN, "我搬到女儿那里去了，大家保重")
    await harness.settle()
    chen = member(harness, CHEN)
    assert (chen.status, chen.active) == (people.MOVED, False)
    _, invitation = await push_session(harness)
    chen_before = len(harness.texts(CHEN))
    group_before = len(harness.texts(GROUP_ID))
    await remind_by_tapping(harness, SECRETARY)
    # A reply from the account (a family member, perhaps) is not taken as her reflection.
    harness.fake.message(GROUP_ID, CHEN, "祝大家学习顺利", reply_to=invitation)
    await harness.settle()
    harness.clock.advance(timedelta(seconds=30))
    await harness.tick()
    assert sent_since(harness, CHEN, chen_before) == []
    assert not any("陈桂兰" in t for t in sent_since(harness, GROUP_ID, group_before))
    with harness.session() as s:
        assert s.exec(select(Reflection)).all() == []
    # Back on the roster only when an admin says so.
    assert "在册" in await mark(harness, "陈桂兰", people.PRESENT)
    assert member(harness, CHEN).active


HEADER = ["姓名", "Telegram ID", "党员类别", "入党日期", "转正日期", "状态"]


def xlsx(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def send_file(harness: Harness, data: bytes) -> None:
    doc = harness.fake.file(data, file_name="名单.xlsx")
    harness.fake.message(SECRETARY, SECRETARY, document=doc, caption="/roster")
    await harness.settle()


def on_roster(harness: Harness) -> dict[str, Member]:
    with harness.session() as s:
        return {m.name: m for m in s.exec(select(Member).where(Member.on_roster)).all()}


async def test_a_member_missing_from_a_new_roster_is_never_dropped_silently(
    harness: Harness,
) -> None:
    await branch_of_four(harness, MONDAY)
    first: list[list[object]] = [
        ["王建国", WANG, "党员", "1970-07-01", "1971-07-01", ""],
        ["李秀英", LI, "群众", "", "", ""],
        ["陈桂兰", CHEN, "预备党员", "2025-12-01", "", ""],
        ["孙桂芝", "", "群众", "", "", "已故 2026-11-20"],
    ]
    await send_file(harness, xlsx(first))
    preview = roster_preview(harness, SECRETARY)
    # 孙桂芝 is new; the others were known from the group and are matched by their ids.
    assert preview is not None and "新增 1人，更新 3人" in preview["text"]
    assert on_roster(harness) == {}  # nothing before 确认导入
    assert "导入好了" in await confirm_roster(harness, SECRETARY)
    rows = on_roster(harness)
    assert rows["王建国"].confirmed_party == date(1971, 7, 1)
    assert rows["陈桂兰"].probationary and rows["陈桂兰"].party_member
    assert not rows["李秀英"].party_member
    sun = rows["孙桂芝"]
    assert (sun.status, sun.status_since, sun.active) == (
        people.DECEASED,
        date(2026, 11, 20),
        False,
    )
    harness.fake.message(SECRETARY, SECRETARY, "/roster")
    await harness.settle()
    listing = harness.texts(SECRETARY)[-1]
    assert "孙桂芝　已故 2026-11-20" in listing

    # The next file leaves 陈桂兰 out: the preview says so, with her name, privately.
    second = [row for row in first if row[0] != "陈桂兰"]
    await send_file(harness, xlsx(second))
    preview = roster_preview(harness, SECRETARY)
    assert preview is not None
    assert "不在新名单中 1人" in preview["text"] and "陈桂兰" in preview["text"]
    assert set(buttons(preview)) == {P.BUTTON_KEEP, P.BUTTON_MOVED, P.BUTTON_CANCEL}
    # 标为调离, then 返回, then 取消: nothing changes.
    text = await tap_preview(harness, SECRETARY, SECRETARY, P.BUTTON_MOVED)
    assert "标为调离" in text
    await tap_preview(harness, SECRETARY, SECRETARY, P.BUTTON_BACK)
    await tap_preview(harness, SECRETARY, SECRETARY, P.BUTTON_CANCEL)
    assert on_roster(harness)["陈桂兰"].status == people.PRESENT
    assert harness.texts(SECRETARY)[-1] == P.IMPORT_CANCELLED or P.IMPORT_CANCELLED in str(
        harness.fake.message_by_id(SECRETARY, harness.fake.sent(SECRETARY)[-1]["message_id"])
    )

    # Sent again and kept: she stays on the roster as she was.
    await send_file(harness, xlsx(second))
    assert "照旧保留" in await confirm_roster(harness, SECRETARY, missing=P.BUTTON_KEEP)
    assert on_roster(harness)["陈桂兰"].status == people.PRESENT
    # And once more, marked 调离: off the roster, logged, her rows kept.
    await send_file(harness, xlsx(second))
    answer = await confirm_roster(harness, SECRETARY, missing=P.BUTTON_MOVED)
    assert "已标为调离的1人：陈桂兰" in answer
    chen = member(harness, CHEN)
    assert (chen.status, chen.on_roster, chen.active) == (people.MOVED, False, False)
    with harness.session() as s:
        moved = s.exec(select(MemberStatusLog).where(MemberStatusLog.member_id == chen.id)).one()
        assert (moved.old_status, moved.source, moved.changed_by) == (
            people.PRESENT,
            "roster",
            SECRETARY,
        )
    # The admins see who changed what, and how, under the private /roster.
    harness.fake.message(SECRETARY, SECRETARY, "/roster")
    await harness.settle()
    listing = harness.texts(SECRETARY)[-1]
    assert "陈桂兰：在册 → 调离/转出（赵书记，导入名单）" in listing
    assert "孙桂芝：在册 → 已故 2026-11-20（赵书记，导入名单）" in listing


async def test_an_old_preview_s_buttons_change_nothing(harness: Harness) -> None:
    await branch_of_four(harness, MONDAY)
    await send_file(harness, xlsx([["王建国", WANG, "党员", "", "", ""]]))
    old = roster_preview(harness, SECRETARY)
    await send_file(harness, xlsx([["李秀英", LI, "群众", "", "", ""]]))
    assert old is not None
    harness.fake.press(SECRETARY, SECRETARY, old["message_id"], buttons(old)[P.BUTTON_IMPORT])
    await harness.settle()
    assert on_roster(harness) == {}
    assert "李秀英" in await confirm_roster(harness, SECRETARY) or on_roster(harness)
    assert set(on_roster(harness)) == {"李秀英"}


async def test_the_fifty_year_list_counts_from_full_membership(harness: Harness) -> None:
    await branch_of_four(harness, date(2026, 5, 30))
    rows = [
        # 转正 1976-06-01: fifty years of 党龄 by 1 July 2026.
        ["王建国", WANG, "党员", "1975-06-01", "1976-06-01", ""],
        # Joined in March 1976 but full member only in March 1977: 49 years, not yet.
        ["李秀英", LI, "党员", "1976-03-01", "1977-03-01", ""],
        # Only the joining day known: listed, with a note to check.
        ["张<伟>", ZHANG, "党员", "1976-05-01", "", ""],
    ]
    await send_file(harness, xlsx(rows))
    await confirm_roster(harness, SECRETARY)
    harness.clock.set(at(date(2026, 6, 1), 9))
    await harness.tick()
    [medals] = [t for t in harness.texts(SECRETARY) if "光荣在党50年”名单" in t]
    assert "共2位" in medals
    assert "王建国（1976年6月1日转正）" in medals
    assert "张<伟>（1976年5月1日入党，按入党日期估算，请核对转正时间）" in medals
    assert "李秀英" not in medals


async def test_with_party_only_non_party_members_are_neither_reminded_nor_counted(
    harness: Harness,
) -> None:
    await branch_of_four(harness, MONDAY)
    rows = [
        ["王建国", WANG, "党员", "1970-07-01", "", ""],
        ["李秀英", LI, "群众", "", "", ""],
        ["陈桂兰", CHEN, "预备党员", "2025-12-01", "", ""],
    ]
    await send_file(harness, xlsx(rows))
    await confirm_roster(harness, SECRETARY)
    await say(harness, SECRETARY, "/settings")
    await tap(harness, SECRETARY, ST.LABELS["reflect_party_only"])
    await tap(harness, SECRETARY, ST.PARTY_ONLY)
    await tap(harness, SECRETARY, "✅")
    assert ST.PARTY_ONLY in harness.texts(SECRETARY)[-1]

    await push_session(harness)
    li_before, chen_before = len(harness.texts(LI)), len(harness.texts(CHEN))
    await remind_by_tapping(harness, SECRETARY)  # /remind, its preview, 确认发出
    assert sent_since(harness, LI, li_before) == []
    assert any("心得" in t for t in sent_since(harness, CHEN, chen_before))  # 预备党员 too
    harness.fake.message(SECRETARY, SECRETARY, "/report")
    await harness.settle()
    report = harness.texts(SECRETARY)[-1]
    assert "陈桂兰" in report and "王建国" in report and "李秀英" not in report


async def test_by_default_the_group_sees_no_names_ages_or_late_marks(harness: Harness) -> None:
    await branch_of_four(harness, date(2027, 3, 11), 9)
    set_birth(harness, LI, BirthDate(Calendar.SOLAR, 1947, 3, 12))  # 80 tomorrow
    _, invitation = await push_session(harness, deadline=at(date(2027, 3, 11), 10))
    await remind_by_tapping(harness, SECRETARY)  # /remind, its preview, 确认发出
    [note] = [t for t in harness.texts(GROUP_ID) if "不着急" in t]
    for name in ("王建国", "李秀英", "陈桂兰", "赵"):
        assert name not in note
    # The names go privately, to each of them.
    assert any("心得" in t for t in harness.texts(CHEN))

    # A late reflection is thanked without a late mark in the group.
    harness.clock.set(at(date(2027, 3, 11), 11))
    harness.fake.message(GROUP_ID, WANG, "迟交的心得：学思践悟。", reply_to=invitation)
    await harness.settle()
    harness.clock.advance(timedelta(seconds=30))
    await harness.tick()
    [thanks] = [t for t in harness.texts(GROUP_ID) if t.startswith("已收到")]
    assert "王建国" in thanks and "截止" not in thanks
    with harness.session() as s:
        assert s.exec(select(Reflection)).one().late  # the ledger still knows

    # The eightieth birthday: in the group the name and the wish; the age only privately.
    harness.clock.set(at(date(2027, 3, 12), 8, 30))
    await harness.tick()
    [group_birthday] = [t for t in harness.texts(GROUP_ID) if "生日" in t and "李秀英" in t]
    assert "80" not in group_birthday and "岁" not in group_birthday
    [private] = [t for t in harness.texts(LI) if "大寿" in t]
    assert "80岁大寿" in private


async def test_birthday_typed_in_the_group_is_answered_privately(harness: Harness) -> None:
    await branch_of_four(harness, MONDAY)
    before = len(harness.texts(GROUP_ID))
    harness.fake.message(GROUP_ID, WANG, "/birthday 1950-03-12")
    await harness.settle()
    group = sent_since(harness, GROUP_ID, before)
    assert group == [P.BIRTHDAY_GROUP_PRIVATE]
    assert "1950" in harness.texts(WANG)[-1]
    assert member(harness, WANG).birth == "S1950-03-12"

    # Someone the bot cannot write to privately gets a button to open the chat.
    harness.fake.add_user(2099, "周", "老师")
    harness.fake.message(GROUP_ID, 2099, "大家好")
    await harness.settle()
    harness.fake.message(GROUP_ID, 2099, "/birthday 农历1951年二月初八")
    await harness.settle()
    last: dict[str, Any] = harness.fake.sent(GROUP_ID)[-1]
    assert last["text"] == P.BIRTHDAY_GROUP_SAVED
    assert "1951" not in last["text"] and "二月" not in last["text"]
    url = last["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url.endswith("?start=birthday")
    harness.fake.message(2099, 2099, "/start birthday")
    await harness.settle()
    assert "农历1951年二月初八" in harness.texts(2099)[-1]


async def test_names_of_people_not_on_the_roster_are_tidied_and_never_doubled(
    harness: Harness,
) -> None:
    await branch_of_four(harness, MONDAY)
    await push_session(harness)
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        branch.options = '{"remind_names_in_group": true}'
        s.add(branch)
        s.commit()
    await remind_by_tapping(harness, SECRETARY)  # /remind, its preview, 确认发出
    [note] = [t for t in harness.texts(GROUP_ID) if "还没有收到" in t]
    # 群内提醒点名 on: the names, as the branch chose; "赵 书记" reads 赵书记, once.
    assert "赵书记、王建国同志、李秀英同志" in note
    assert "书记同志" not in note and "赵 " not in note
