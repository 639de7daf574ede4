"""Greetings as the branch meets them: the Double Ninth and birthdays at 08:30, once; festivals
switched off; templates edited; round ages, 50 years in the party; the Monday digest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import select

from bot.core.calendar import LeapRule, next_birthday
from bot.texts import care as CT
from bot.texts import common as T
from bot.texts import fmt
from handlers.callbacks import GreetingSwitch
from storage.dates import BirthDate, Calendar
from storage.models import Branch, Member, OutboxMessage
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.menu_helpers import say, tap

WANG, LI, ZHANG, CHEN = RETIREES
DOUBLE_NINTH = date(2026, 10, 18)  # 农历九月初九, 2026
LUNAR_80 = BirthDate(Calendar.LUNAR, 1946, 9, 9)  # 80 on the Double Ninth of 2026
BIRTHDAY = "祝您生日快乐"  # the group's birthday greeting (it names no age)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def branch_with(harness: Harness, day: date, hour: int = 8, minute: int = 0) -> None:
    harness.clock.set(at(day, hour, minute))
    await harness.start()
    await harness.setup_branch()


def put(
    harness: Harness,
    name: str,
    *,
    user_id: int | None = None,
    birth: BirthDate | None = None,
    joined: date | None = None,
    public: bool = True,
) -> int:
    """A roster member with these details (the row of `user_id` if the bot has one)."""
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        assert branch.id is not None
        row = None
        if user_id is not None:
            row = s.exec(select(Member).where(Member.user_id == user_id)).first()
        if row is None:
            row = Member(
                branch_id=branch.id, user_id=user_id, name=name, joined_at=harness.clock.now()
            )
        row.name = name
        row.on_roster = True
        row.birth = birth.to_storage() if birth else None
        row.joined_party = joined
        row.party_member = joined is not None
        row.public_birthday = public
        s.add(row)
        s.commit()
        assert row.id is not None
        return row.id


async def started(harness: Harness, *user_ids: int) -> None:
    """These people open a private chat with the bot (so private greetings can reach them)."""
    for user_id in user_ids:
        harness.fake.message(user_id, user_id, "/start")
    await harness.settle()


def greetings_in(harness: Harness, chat_id: int, word: str) -> list[str]:
    return [t for t in harness.texts(chat_id) if word in t]


async def test_double_ninth_and_a_lunar_birthday_arrive_at_0830_once_across_a_restart(
    harness: Harness,
) -> None:
    await branch_with(harness, DOUBLE_NINTH, 8, 29)
    await started(harness, WANG)
    put(harness, "王建国", user_id=WANG, birth=LUNAR_80)
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, "重阳") == []
    assert greetings_in(harness, WANG, "生日") == []

    harness.clock.set(at(DOUBLE_NINTH, 8, 30))
    await harness.tick()
    [festival] = greetings_in(harness, GROUP_ID, "重阳节")
    assert "老年人自己的节日" in festival and "农历九月初九" in festival
    [group_birthday] = greetings_in(harness, GROUP_ID, BIRTHDAY)
    # In the group the name and the wish, never the age; the round age only privately.
    assert "王建国" in group_birthday and "80" not in group_birthday
    [private] = greetings_in(harness, WANG, "生日")
    assert "80岁大寿" in private
    # The festival comes first, then the birthday.
    texts = harness.texts(GROUP_ID)
    assert texts.index(festival) < texts.index(group_birthday)

    await harness.tick()
    await harness.restart()
    harness.clock.set(at(DOUBLE_NINTH, 8, 45))
    await harness.tick()
    assert len(greetings_in(harness, GROUP_ID, "重阳节")) == 1
    assert len(greetings_in(harness, GROUP_ID, BIRTHDAY)) == 1
    assert len(greetings_in(harness, WANG, "生日")) == 1


async def test_a_bot_down_at_0830_greets_when_back_the_same_day_but_not_the_next(
    harness: Harness,
) -> None:
    await branch_with(harness, DOUBLE_NINTH, 7)
    put(harness, "王建国", user_id=WANG, birth=LUNAR_80)
    await harness.stop()
    harness.clock.set(at(DOUBLE_NINTH, 14))
    await harness.start()
    await harness.tick()
    assert len(greetings_in(harness, GROUP_ID, "重阳节")) == 1
    assert len(greetings_in(harness, GROUP_ID, BIRTHDAY)) == 1


async def test_yesterdays_greetings_are_never_sent_late(harness: Harness) -> None:
    await branch_with(harness, DOUBLE_NINTH, 7)
    put(harness, "王建国", user_id=WANG, birth=LUNAR_80)
    await harness.stop()
    harness.clock.set(at(DOUBLE_NINTH + timedelta(days=1), 9))
    await harness.start()
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, "重阳") == []
    assert greetings_in(harness, GROUP_ID, "生日") == []


async def test_a_private_only_member_is_greeted_privately_and_not_named_in_the_group(
    harness: Harness,
) -> None:
    day = date(2027, 3, 12)
    await branch_with(harness, day)
    await started(harness, LI)
    put(harness, "李秀英", user_id=LI, birth=BirthDate(Calendar.SOLAR, 1950, 3, 12), public=False)
    put(harness, "陈桂兰", user_id=CHEN, birth=BirthDate(Calendar.SOLAR, 1951, 3, 12))
    harness.clock.set(at(day, 8, 30))
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, "李秀英") == []
    [private] = greetings_in(harness, LI, "77周岁")
    assert "李秀英" in private
    # 陈桂兰 never opened a private chat: greeted in the group only.
    assert len(greetings_in(harness, GROUP_ID, "陈桂兰")) == 1
    assert harness.fake.sent(CHEN) == []


async def test_born_on_29_february_is_greeted_on_28_february_2027(harness: Harness) -> None:
    await branch_with(harness, date(2027, 2, 28))
    put(harness, "王建国", user_id=WANG, birth=BirthDate(Calendar.SOLAR, 1948, 2, 29))
    harness.clock.set(at(date(2027, 2, 28), 8, 30))
    await harness.tick()
    assert len(greetings_in(harness, GROUP_ID, BIRTHDAY)) == 1
    harness.clock.set(at(date(2027, 3, 1), 8, 30))
    await harness.tick()
    assert len(greetings_in(harness, GROUP_ID, "生日")) == 1


async def test_a_member_born_in_a_leap_month_follows_the_branchs_rule(harness: Harness) -> None:
    # 农历1941年闰六月初十. 2025 has a leap sixth month again; 2026 does not.
    birth = BirthDate(Calendar.LUNAR, 1941, 6, 10, leap=True)
    ordinary_2025, age = next_birthday(birth, date(2025, 1, 1))
    leap_2025, _ = next_birthday(birth, date(2025, 1, 1), leap_rule=LeapRule.LEAP)
    assert (ordinary_2025, leap_2025, age) == (date(2025, 7, 4), date(2025, 8, 3), 84)

    await branch_with(harness, ordinary_2025)
    put(harness, "王建国", user_id=WANG, birth=birth)
    harness.clock.set(at(ordinary_2025, 8, 30))
    await harness.tick()
    [greeting] = greetings_in(harness, GROUP_ID, BIRTHDAY)
    assert "农历六月初十" in greeting and "84" not in greeting

    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 闰月 按闰月")
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == fmt(CT.GREETINGS_LEAP_SET, rule=CT.LEAP_LEAP)
    harness.clock.set(at(leap_2025, 8, 30))
    await harness.tick()
    [greeting] = greetings_in(harness, GROUP_ID, "农历闰六月初十")
    assert BIRTHDAY in greeting and "84" not in greeting


async def test_a_festival_switched_off_is_not_sent_but_birthdays_are(harness: Harness) -> None:
    await branch_with(harness, DOUBLE_NINTH, 7)
    put(harness, "王建国", user_id=WANG, birth=LUNAR_80)
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings")
    await harness.settle()
    page = harness.fake.sent(GROUP_ID)[-1]
    assert "✅ 重阳节" in page["text"]
    query = harness.fake.press(
        SECRETARY, GROUP_ID, page["message_id"], GreetingSwitch(1, "double_ninth").build()
    )
    await harness.settle()
    assert query not in harness.fake.unanswered_callbacks()
    edited = harness.fake.message_by_id(GROUP_ID, page["message_id"])
    assert edited is not None and "⛔ 重阳节" in edited["text"]
    # A retiree pressing the same button changes nothing.
    harness.fake.press(WANG, GROUP_ID, page["message_id"], GreetingSwitch(1, "mid_autumn").build())
    await harness.settle()

    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 关 国庆")
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 关 火锅节")
    await harness.settle()
    switched, unknown = harness.texts(GROUP_ID)[-2:]
    assert "已关闭：国庆节" in switched
    assert "没有叫“火锅节”的开关" in unknown and "重阳节" in unknown

    harness.clock.set(at(DOUBLE_NINTH, 8, 30))
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, "九九重阳") == []
    assert len(greetings_in(harness, GROUP_ID, BIRTHDAY)) == 1
    with harness.session() as s:
        options = s.exec(select(Branch)).one().options
    assert "double_ninth" in options and "national_day" in options
    assert "mid_autumn" not in options


async def test_the_greeting_time_is_typed_as_people_say_it(harness: Harness) -> None:
    await branch_with(harness, DOUBLE_NINTH - timedelta(days=1), 7)
    put(harness, "王建国", user_id=WANG, birth=LUNAR_80)
    for typed, shown in [
        ("时间 08:30", "08:30"),
        ("时间 8点半", "08:30"),
        ("时间 早上9点", "09:00"),
    ]:
        harness.fake.message(GROUP_ID, SECRETARY, f"/greetings {typed}")
        await harness.settle()
        assert f"以后每天 {shown} 发送祝福" in harness.texts(GROUP_ID)[-1], typed
    for bad, says in [
        ("时间 25点", "没有25点"),
        ("时间 上午13点", "上午没有13点"),
        ("时间", "请写上时间"),
    ]:
        harness.fake.message(GROUP_ID, SECRETARY, f"/greetings {bad}")
        await harness.settle()
        refusal = harness.texts(GROUP_ID)[-1]
        assert says in refusal and "/greetings 时间 8点半" in refusal, bad
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings")
    await harness.settle()
    assert "每天 09:00 发送当天的祝福" in harness.texts(GROUP_ID)[-1]

    # 早上9点 it is: nothing at 08:30, the greeting at 09:00.
    harness.clock.set(at(DOUBLE_NINTH, 8, 30))
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, BIRTHDAY) == []
    harness.clock.set(at(DOUBLE_NINTH, 9, 0))
    await harness.tick()
    assert len(greetings_in(harness, GROUP_ID, BIRTHDAY)) == 1


async def test_an_admin_edits_previews_and_is_refused_a_broken_template(harness: Harness) -> None:
    day = date(2027, 3, 12)
    await branch_with(harness, day)
    put(harness, "张<伟>&🌸", user_id=ZHANG, birth=BirthDate(Calendar.SOLAR, 1950, 3, 12))

    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 修改 生日 祝{nme}同志生日快乐")
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 修改 生日 祝<b>{name}同志生日快乐")
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 修改 生日 祝{name:>9}同志")
    harness.fake.message(GROUP_ID, WANG, "/greetings 修改 生日 随便写")
    await harness.settle()
    unknown, unclosed, braces, refused = harness.texts(GROUP_ID)[-4:]
    # The placeholders that work are named as admins write them (the English form works too).
    assert "没有保存" in unknown and "{nme}" in unknown and "{姓名}" in unknown
    assert "没有保存" in unclosed and "<b>" in unclosed
    assert "没有保存" in braces
    assert "只有支部书记和支委" in refused

    harness.fake.message(
        GROUP_ID,
        SECRETARY,
        "/greetings 修改 生日 🎂 祝<b>{name}</b>同志{age}岁生日快乐！\n福寿安康",
    )
    await harness.settle()
    # The group's birthday greeting may not show the age.
    refused_age = harness.texts(GROUP_ID)[-1]
    assert "没有保存" in refused_age and "{age}" in refused_age
    harness.fake.message(
        GROUP_ID,
        SECRETARY,
        "/greetings 修改 生日 🎂 祝<b>{name}</b>同志生日快乐！\n福寿安康",
    )
    await harness.settle()
    saved = harness.texts(GROUP_ID)[-1]
    assert "已保存" in saved and "祝王建国同志生日快乐！\n福寿安康" in saved

    harness.fake.message(GROUP_ID, COMMITTEE, "/greetings 预览 重阳节")
    await harness.settle()
    preview = harness.texts(GROUP_ID)[-1]
    assert "农历九月初九" in preview and "{日期}" in preview

    harness.clock.set(at(day, 8, 30))
    await harness.tick()
    [greeting] = greetings_in(harness, GROUP_ID, "祝张<伟>&🌸同志生日快乐")
    assert "祝张<伟>&🌸同志生日快乐" in greeting
    assert "<b>张&lt;伟&gt;&amp;🌸</b>" in harness.fake.sent(GROUP_ID)[-1]["_html"]

    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 恢复 生日")
    await harness.settle()
    assert "恢复为默认" in harness.texts(GROUP_ID)[-1]


async def test_round_age_and_fifty_years_in_the_party_on_1_july(harness: Harness) -> None:
    july1 = date(2026, 7, 1)
    await branch_with(harness, july1, 7)
    await started(harness, WANG, LI)
    put(harness, "王建国", user_id=WANG, joined=date(1976, 7, 1))
    put(
        harness,
        "李秀英",
        user_id=LI,
        joined=date(1986, 7, 1),
        birth=BirthDate(Calendar.SOLAR, 1936, 7, 1),
    )
    harness.fake.message(GROUP_ID, SECRETARY, "/greetings 开 政治生日群发")
    await harness.settle()
    harness.clock.set(at(july1, 8, 30))
    await harness.tick()

    assert len(greetings_in(harness, GROUP_ID, "七一")) == 1
    [medal] = greetings_in(harness, GROUP_ID, "光荣在党50年")
    assert "王建国" in medal
    assert len(greetings_in(harness, WANG, "光荣在党50年")) == 1
    [forty] = greetings_in(harness, GROUP_ID, "入党40周年")
    assert "李秀英" in forty
    assert len(greetings_in(harness, LI, "入党40周年")) == 1
    [ninety] = greetings_in(harness, GROUP_ID, "李秀英同志的生日")
    assert "90" not in ninety
    [ninety_private] = greetings_in(harness, LI, "90岁大寿")
    assert "李秀英" in ninety_private


async def test_anniversaries_are_private_unless_the_admin_enables_the_group(
    harness: Harness,
) -> None:
    day = date(2026, 9, 5)
    await branch_with(harness, day)
    await started(harness, WANG)
    put(harness, "王建国", user_id=WANG, joined=date(1976, 9, 5))
    harness.clock.set(at(day, 8, 30))
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, "王建国") == []
    assert len(greetings_in(harness, WANG, "50周年")) == 1


async def test_admins_get_the_fifty_years_list_on_1_june(harness: Harness) -> None:
    june1 = date(2026, 6, 1)
    await branch_with(harness, june1, 7)
    await started(harness, SECRETARY, STAFF)
    put(harness, "王建国", user_id=WANG, joined=date(1976, 3, 5))
    put(harness, "李秀英", user_id=LI, joined=date(1975, 3, 5))  # fifty years last year
    put(harness, "陈桂兰", user_id=CHEN, joined=date(1976, 8, 1))  # after 1 July
    harness.clock.set(at(june1, 8, 30))
    await harness.tick()
    [notice] = greetings_in(harness, SECRETARY, "光荣在党50年")
    assert "王建国" in notice and "李秀英" not in notice and "陈桂兰" not in notice
    assert greetings_in(harness, STAFF, "光荣在党50年") == []
    await harness.restart()
    harness.clock.set(at(date(2026, 6, 2), 8, 30))
    await harness.tick()
    assert len(greetings_in(harness, SECRETARY, "光荣在党50年")) == 1


async def test_monday_digest_and_upcoming_list_birthdays_with_age(harness: Harness) -> None:
    monday = date(2026, 11, 30)
    await branch_with(harness, monday, 7)
    await started(harness, SECRETARY, STAFF)
    put(harness, "王建国", user_id=WANG, birth=BirthDate(Calendar.SOLAR, 1946, 12, 5))
    put(harness, "李秀英", user_id=LI, birth=BirthDate(Calendar.LUNAR, 1950, 10, 28))
    put(harness, "陈桂兰", user_id=CHEN, joined=date(1976, 12, 10))
    put(harness, "张<伟>", user_id=ZHANG, birth=BirthDate(Calendar.SOLAR, 1950, 12, 31))
    harness.clock.set(at(monday, 8, 30))
    await harness.tick()

    for reader in (SECRETARY, STAFF):
        [digest] = greetings_in(harness, reader, "每周走访提示")
        assert "王建国　80周岁生日（整寿）" in digest
        assert "12月5日（周六）" in digest
        assert "李秀英　76周岁生日（农历十月廿八）" in digest
        assert "陈桂兰　入党50周年（光荣在党50年）" in digest
        assert "张<伟>" not in digest  # 31 December is beyond two weeks
    await harness.tick()
    assert len(greetings_in(harness, SECRETARY, "每周走访提示")) == 1

    harness.fake.message(STAFF, STAFF, "/upcoming 40")
    harness.fake.message(GROUP_ID, WANG, "/upcoming")
    harness.fake.message(SECRETARY, SECRETARY, "/upcoming 3")
    await harness.settle()
    assert "张<伟>　76周岁生日" in harness.texts(STAFF)[-1]
    assert harness.texts(GROUP_ID)[-1] == T.NOT_STAFF
    assert "没有同志" in harness.texts(SECRETARY)[-1]
    harness.fake.message(GROUP_ID, STAFF, "/upcoming")
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == CT.UPCOMING_PRIVATE_ONLY
    assert "私聊" in harness.texts(GROUP_ID)[-1] and "王建国" not in harness.texts(GROUP_ID)[-1]
    harness.fake.message(STAFF, STAFF, "/upcoming 1000")
    await harness.settle()
    assert "1到366" in harness.texts(STAFF)[-1]


async def test_no_digest_on_other_days_and_each_greeting_row_is_unique(harness: Harness) -> None:
    await branch_with(harness, date(2026, 12, 1))
    await started(harness, SECRETARY)
    put(harness, "王建国", user_id=WANG, birth=BirthDate(Calendar.SOLAR, 1946, 12, 5))
    harness.clock.set(at(date(2026, 12, 1), 9))
    await harness.tick()
    assert greetings_in(harness, SECRETARY, "每周走访提示") == []
    with harness.session() as s:
        keys = [r.dedupe_key for r in s.exec(select(OutboxMessage)).all() if r.dedupe_key]
    assert len(keys) == len(set(keys))


async def test_a_restart_while_the_greetings_go_out_sends_each_exactly_once(
    harness: Harness,
) -> None:
    await branch_with(harness, DOUBLE_NINTH, 8, 29)
    await started(harness, WANG, LI)
    put(harness, "王建国", user_id=WANG, birth=LUNAR_80)
    put(harness, "李秀英", user_id=LI, birth=LUNAR_80)
    # Telegram pushes back on the first greeting; the bot is restarted while it waits.
    harness.fake.fail("sendMessage", status=429, retry_after=1, times=1)
    harness.clock.set(at(DOUBLE_NINTH, 8, 30))
    assert harness.runner is not None
    await harness.runner.planner.tick()
    await harness.fake.wait_until(lambda: any(c.status == 429 for c in harness.fake.calls))
    await harness.restart()
    await harness.tick()

    assert len(greetings_in(harness, GROUP_ID, "重阳节")) == 1
    group_birthdays = greetings_in(harness, GROUP_ID, BIRTHDAY)
    assert sum("王建国" in t for t in group_birthdays) == 1
    assert sum("李秀英" in t for t in group_birthdays) == 1
    assert len(greetings_in(harness, WANG, "生日")) == 1
    assert len(greetings_in(harness, LI, "生日")) == 1


async def test_greetings_missed_past_the_branchs_catch_up_window_are_not_sent_late(
    harness: Harness,
) -> None:
    """错过祝福后补发 (支部设置): a bot down at 08:30 that comes back within the window sends the
    day's greetings; past it, nothing goes out that day and the admins are told privately."""

    day = date(2026, 3, 12)
    await branch_with(harness, day, 8)
    await started(harness, SECRETARY)
    put(harness, "王建国", user_id=WANG, birth=BirthDate(Calendar.SOLAR, 1950, 3, 12))
    put(harness, "李秀英", user_id=LI, birth=BirthDate(Calendar.SOLAR, 1951, 3, 13))
    await say(harness, SECRETARY, "/settings")
    await tap(harness, SECRETARY, "错过祝福后补发")
    await tap(harness, SECRETARY, "4小时内")
    await tap(harness, SECRETARY, "✅")
    assert "错过祝福后补发" in harness.texts(SECRETARY)[-1]

    # Down from before 08:30 until 13:00: four and a half hours late, past the window.
    harness.clock.set(at(day, 13))
    await harness.tick()
    assert greetings_in(harness, GROUP_ID, BIRTHDAY) == []
    [told] = [t for t in harness.texts(SECRETARY) if "没有按时发出" in t]
    assert "1 条" in told and "老干之家" in told
    await harness.tick()  # the day is done: asked again, nothing more is sent or said
    assert greetings_in(harness, GROUP_ID, BIRTHDAY) == []
    assert len([t for t in harness.texts(SECRETARY) if "没有按时发出" in t]) == 1

    # The next day the bot comes back at 11:00, within the window: 李秀英 is greeted.
    harness.clock.set(at(day + timedelta(days=1), 11))
    await harness.tick()
    [greeting] = greetings_in(harness, GROUP_ID, BIRTHDAY)
    assert "李秀英" in greeting
