"""走访慰问台账 as staff keep it: a visit recorded in a few taps from the Monday digest's
[已走访] button or from the menu, the ledger and the per-person summary downloaded as workbooks,
and the year's figures for the bureau's report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import select

from bot.texts import common as C
from bot.texts import flows as TF
from bot.texts import visits as T
from handlers.callbacks import VisitFromDigest
from storage import visits
from storage.dates import BirthDate, Calendar
from storage.models import Branch, Member, Visit
from tests.e2e.activity_helpers import at
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, STAFF, Harness, ident
from tests.e2e.menu_helpers import buttons, last_with_buttons, say, tap
from tests.workbooks import check_workbook

WANG, LI, ZHANG, CHEN = RETIREES
MONDAY = date(2026, 11, 30)


async def ready(harness: Harness, day: date = MONDAY) -> None:
    harness.clock.set(at(day, 7))
    await harness.start()
    await harness.setup_branch()
    for user_id in RETIREES:
        harness.fake.message(GROUP_ID, user_id, "大家好")
    for user_id in (SECRETARY, STAFF, WANG):
        harness.fake.message(user_id, user_id, "/start")
    await harness.settle()


def set_member(harness: Harness, user_id: int, **values: Any) -> int:
    with harness.session() as s:
        member = s.exec(select(Member).where(Member.user_id == user_id)).one()
        for key, value in values.items():
            setattr(member, key, value)
        s.add(member)
        s.commit()
        return ident(member.id)


def workbook_rows(harness: Harness, chat_id: int, index: int = -1) -> list[tuple[Any, ...]]:
    documents = [m for m in harness.fake.sent(chat_id) if "document" in m]
    data = harness.fake.upload(documents[index]["document"]["file_id"])
    book = check_workbook(data)  # every workbook the bot sends reads and prints well
    return list(book.worksheets[0].iter_rows(values_only=True))


async def test_a_visit_recorded_from_the_digest_is_in_the_ledger_and_the_years_figures(
    harness: Harness,
) -> None:
    await ready(harness)
    set_member(
        harness,
        WANG,
        name="王建国",
        on_roster=True,
        party_member=True,
        birth=BirthDate(Calendar.SOLAR, 1946, 12, 5).to_storage(),
        phone="13812345678",
    )
    harness.clock.set(at(MONDAY, 8, 30))
    await harness.tick()
    digest = last_with_buttons(harness, STAFF)
    assert "每周走访提示" in digest["text"]
    assert list(buttons(digest)) == ["✅ 已走访：王建国（生日）"]
    assert "✅ 已走访：王建国（生日）" in buttons(last_with_buttons(harness, SECRETARY))

    # Staff went on Monday afternoon; the form opens with 王建国 and 生日祝寿 filled in.
    harness.clock.set(at(MONDAY, 16))
    await tap(harness, STAFF, "✅ 已走访")
    assert harness.texts(STAFF)[-1].startswith(T.ASK_DAY)
    await tap(harness, STAFF, "今天")
    await tap(harness, STAFF, "孙干事")
    await tap(harness, STAFF, "慰问品和慰问金")
    await say(harness, STAFF, "五百元")
    await tap(harness, STAFF, T.NOTES_NONE)
    summary = harness.texts(STAFF)[-1]
    for line in (
        "👤 王建国",
        "🏷 生日祝寿",
        "📅 11月30日（周一）",
        "🚶 走访人：孙干事",
        "🎁 慰问品、慰问金（500元）",
    ):
        assert line in summary
    with harness.session() as s:
        assert s.exec(select(Visit)).all() == []  # nothing before 确认
    await tap(harness, STAFF, "✅ 确认")
    assert harness.texts(STAFF)[-1].startswith("✅ 已记入走访台账：王建国，生日祝寿，11月30日。")

    # /visits: the year in figures, and the downloads.
    await say(harness, STAFF, "/visits")
    overview = harness.texts(STAFF)[-1]
    assert "2026年已记录 1 次，走访 1 位同志。" in overview
    assert "生日祝寿1次" in overview and "慰问金共 500 元" in overview
    assert "11月30日　王建国　生日祝寿（孙干事）" in overview
    await tap(harness, STAFF, "今年台账")
    [document] = [m for m in harness.fake.sent(STAFF) if "document" in m]
    assert document["document"]["file_name"] == "走访台账_老干之家_2026-01-01_2026-11-30.xlsx"
    assert "共1次走访" in document["caption"]
    rows = workbook_rows(harness, STAFF)
    assert rows[0][:8] == (
        "日期",
        "姓名",
        "党员",
        "走访类别",
        "走访人",
        "慰问品/慰问金",
        "金额（元）",
        "备注",
    )
    assert rows[1][:7] == (
        datetime(2026, 11, 30),
        "王建国",
        "是",
        "生日祝寿",
        "孙干事",
        "慰问品、慰问金",
        500,
    )
    await tap(harness, STAFF, "📊 每人走访汇总")
    summary_rows = workbook_rows(harness, STAFF)
    assert summary_rows[0] == (
        "姓名",
        "党员",
        "电话",
        "最近一次走访",
        "最近走访类别",
        "今年走访次数",
        "累计走访次数",
    )
    by_name = {r[0]: r for r in summary_rows[1:]}
    assert by_name["王建国"] == (
        "王建国",
        "是",
        "13812345678",
        datetime(2026, 11, 30),
        "生日祝寿",
        1,
        1,
    )
    assert by_name["李秀英"][3:] == (None, None, 0, 0)
    assert "孙干事" not in by_name  # staff are not on it

    # The year's summary (staff outputs) counts it.
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        year = visits.year_figures(s, ident(branch.id), 2026)
    assert (year.total, year.people, year.amount) == (1, 1, 500)
    assert year.by_kind["生日祝寿"] == 1 and year.by_kind["住院探视"] == 0


async def test_recording_from_the_menu_with_typed_answers_and_mistakes(harness: Harness) -> None:
    await ready(harness)
    set_member(harness, LI, name="李秀英", on_roster=True)
    await say(harness, SECRETARY, "/menu")
    await tap(harness, SECRETARY, T.MENU_TITLE)
    await tap(harness, SECRETARY, T.MENU_NEW)
    first = last_with_buttons(harness, SECRETARY)
    assert {"王建国", "李秀英", "张<伟>", "陈桂兰"} <= set(buttons(first))
    assert "孙干事" not in " ".join(buttons(first))
    await say(harness, SECRETARY, "李小英")
    assert harness.texts(SECRETARY)[-2].startswith("没看懂“李小英”。名单里没有“李小英”")
    await say(harness, SECRETARY, "李秀英")
    await tap(harness, SECRETARY, "住院探视")
    await say(harness, SECRETARY, "后天")
    assert "还没到" in harness.texts(SECRETARY)[-2]
    await say(harness, SECRETARY, "11月20日")
    await say(harness, SECRETARY, "赵书记、孙干事")
    await say(harness, SECRETARY, "水果、牛奶")
    await say(harness, SECRETARY, "病情稳定，下周出院")  # no 慰问金: no amount asked
    summary = harness.texts(SECRETARY)[-1]
    assert "🏷 住院探视" in summary and "📅 11月20日（周五）" in summary
    assert "🎁 水果、牛奶" in summary and "📝 病情稳定，下周出院" in summary
    await tap(harness, SECRETARY, TF.CONFIRM[:1])
    with harness.session() as s:
        [visit] = s.exec(select(Visit)).all()
    assert (visit.kind, visit.visited_on, visit.visitors, visit.amount) == (
        "hospital",
        date(2026, 11, 20),
        "赵书记、孙干事",
        None,
    )

    # A ledger for typed dates; a range that is not one is explained.
    await say(harness, SECRETARY, "/visits 11月1日 11月30日")
    [document] = [m for m in harness.fake.sent(SECRETARY) if "document" in m]
    assert "2026年11月1日至11月30日" in document["caption"]
    await say(harness, SECRETARY, "/visits 上个月")
    assert harness.texts(SECRETARY)[-1].startswith("没看懂日期范围")
    await say(harness, SECRETARY, "/visits 2026-12-01 2026-11-01")
    assert harness.texts(SECRETARY)[-1] == T.RANGE_BACKWARDS
    await say(harness, SECRETARY, "/visits 2025-01-01 2025-12-31")
    assert (
        harness.texts(SECRETARY)[-1] == "走访台账（2025年1月1日至12月31日）：这段时间没有走访记录。"
    )


async def test_members_cannot_see_or_record_visits(harness: Harness) -> None:
    await ready(harness)
    await say(harness, WANG, "/visits")
    assert harness.texts(WANG)[-1] == C.NOT_STAFF
    harness.fake.message(GROUP_ID, SECRETARY, "/visits")
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == T.PRIVATE_ONLY
    # A forged [已走访] press by a member, in their private chat.
    with harness.session() as s:
        li = s.exec(select(Member).where(Member.user_id == LI)).one()
    note = harness.fake.sent(WANG)[-1]
    data = VisitFromDigest(ident(li.id), "birthday").build()
    query = harness.fake.press(WANG, WANG, note["message_id"], data, force=True)
    await harness.settle()
    assert harness.fake.answered_callbacks[query].get("text") == C.NOT_STAFF
    with harness.session() as s:
        assert s.exec(select(Visit)).all() == []


async def test_the_periods_to_download_and_the_other_ways_in(harness: Harness) -> None:
    await ready(harness)
    wang = set_member(harness, WANG, name="王建国")
    li = set_member(harness, LI, name="李秀英")
    with harness.session() as s:
        branch_id = ident(s.exec(select(Branch)).one().id)
        for member, day, kind in (
            (wang, date(2025, 10, 29), "festival"),
            (li, date(2026, 9, 20), "hardship"),
            (li, date(2026, 11, 2), "hospital"),
            (wang, date(2026, 11, 28), "condolence"),
        ):
            visits.record(
                s,
                branch_id=branch_id,
                member_id=member,
                kind=kind,
                visited_on=day,
                visitors="孙干事",
                gifts="",
                amount=None,
                notes="",
                recorded_by=STAFF,
                now=at(MONDAY, 7),
            )
        s.commit()
    # In the group: a button to the private chat, whose link opens the same overview.
    harness.fake.message(GROUP_ID, STAFF, "/visits")
    await harness.settle()
    [note] = [m for m in harness.fake.sent(GROUP_ID) if m.get("text") == T.PRIVATE_ONLY]
    assert note["reply_markup"]["inline_keyboard"][0][0]["url"].endswith("?start=visits")
    await say(harness, STAFF, "/start visits")
    assert "2026年已记录 3 次，走访 2 位同志。" in harness.texts(STAFF)[-1]
    expected = {
        "本月台账": 2,  # 2 and 28 November
        "近三个月台账": 3,  # from 1 September
        "去年台账": 1,
        "全部台账": 4,
    }
    for label, count in expected.items():
        await tap(harness, STAFF, label)
        assert len(workbook_rows(harness, STAFF)) == count + 1, label
    # The menu's ledger entry, and its 记录走访 button.
    await say(harness, SECRETARY, "/menu")
    await tap(harness, SECRETARY, T.MENU_TITLE)
    await tap(harness, SECRETARY, T.MENU_LEDGER)
    assert "吊唁慰问1次" in harness.texts(SECRETARY)[-1]
    await tap(harness, SECRETARY, T.BUTTON_NEW)
    assert "走访了哪位同志" in harness.texts(SECRETARY)[-1]
    await tap(harness, SECRETARY, TF.CANCEL)
    assert harness.texts(SECRETARY)[-1] == TF.CANCELLED
