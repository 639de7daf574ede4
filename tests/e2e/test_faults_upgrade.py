"""Telegram upgrades the branch's basic group to a supergroup: the chat id changes. The branch
follows its group whether the bot saw Telegram's service messages or only learns of it from a
400, queued messages go out once in the new group, a /setup there finds the branch instead of
making a second one, and the secretary is told privately, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.texts import group as T
from storage.models import Branch, OutboxMessage, QuizAnswer, QuizAttempt, Reflection
from tests.e2e.harness import COMMITTEE, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.menu_helpers import push_confirmed
from tests.e2e.quiz_helpers import BANK, poll_ids, send_bank, the_quiz, xlsx_bytes
from tests.e2e.test_doctor import diagnose

SHANGHAI = ZoneInfo("Asia/Shanghai")
WANG, LI, ZHANG, CHEN = RETIREES
BASIC = -4012345678  # the branch's group as first set up: a basic group
UPGRADED = -1009876543210  # the same group after Telegram upgraded it
THEME_DAY = datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI)


async def branch_in_a_basic_group(harness: Harness) -> None:
    """The bot runs; "老干之家" is a basic group and a branch; the secretary started the bot."""
    harness.fake.add_group(
        BASIC,
        "老干之家",
        creator_id=SECRETARY,
        admins=[COMMITTEE],
        members=[STAFF, *RETIREES],
        basic=True,
    )
    await harness.start()
    harness.fake.message(BASIC, SECRETARY, "/setup")
    harness.fake.message(SECRETARY, SECRETARY, "/start")
    await harness.settle()


def calls_to(harness: Harness, chat_id: int) -> list[tuple[str, int]]:
    """(method, HTTP status) of every posting call to the chat, in order."""
    return [
        (c.method, c.status)
        for c in harness.fake.calls
        if c.params.get("chat_id") == chat_id and c.method.startswith("send")
    ]


def branches_now(harness: Harness) -> list[tuple[int, bool]]:
    with harness.session() as s:
        return [(b.chat_id, b.active) for b in s.exec(select(Branch).order_by(col(Branch.id)))]


def notices(harness: Harness, chat_id: int) -> list[str]:
    return [t for t in harness.texts(chat_id) if "超级群" in t]


async def test_the_branch_follows_its_group_when_the_bot_sees_the_service_messages(
    harness: Harness,
) -> None:
    await branch_in_a_basic_group(harness)
    await push_confirmed(harness, BASIC, SECRETARY, "学习党章")
    old_invitation = harness.fake.sent(BASIC)[-1]
    harness.fake.message(BASIC, ZHANG, "我的学习体会。", reply_to=old_invitation["message_id"])
    await harness.settle()  # recorded; the thanks wait for the group to go quiet
    harness.fake.upgrade_group(BASIC, UPGRADED, by=SECRETARY)
    await harness.settle()

    assert branches_now(harness) == [(UPGRADED, True)]
    # Two service messages, one move, one private word to the secretary.
    assert len(notices(harness, SECRETARY)) == 1
    assert "不用重新设置" in notices(harness, SECRETARY)[0]
    assert notices(harness, UPGRADED) == []
    # The thanks for what was said in the old group go to the new one, once.
    harness.clock.advance(timedelta(seconds=20))
    await harness.tick()
    assert [t for t in harness.texts(UPGRADED) if t.startswith("已收到")] == [
        "已收到张<伟>同志的文字心得，谢谢！"
    ]
    assert not [t for t in harness.texts(BASIC) if t.startswith("已收到")]
    # (queued for the old id, where the reply was: one 400 tells the sender where to go)
    assert [c for c in calls_to(harness, BASIC) if c[1] != 200] == [("sendMessage", 400)]

    # The group works as before under its new id: /push, replies, /setup.
    harness.clock.advance(timedelta(minutes=5))
    await push_confirmed(harness, UPGRADED, SECRETARY, "学习新党章")
    invitation = next(m for m in harness.fake.sent(UPGRADED) if "心得交流" in m.get("text", ""))
    harness.fake.message(UPGRADED, WANG, "认真学习了新党章。", reply_to=invitation["message_id"])
    harness.fake.message(UPGRADED, SECRETARY, "/setup")
    await harness.settle()
    with harness.session() as s:
        assert [r.text for r in s.exec(select(Reflection))] == [
            "我的学习体会。",
            "认真学习了新党章。",
        ]
    assert "早已是支部群" in harness.texts(UPGRADED)[-1]
    # The note that /push's preview went privately, thanks, header, invitation, the answer to
    # /setup: all accepted at the first try.
    assert [status for _, status in calls_to(harness, UPGRADED)] == [200] * 5
    assert branches_now(harness) == [(UPGRADED, True)]


async def test_a_missed_upgrade_is_learnt_from_the_400_and_the_push_goes_out_once(
    harness: Harness,
) -> None:
    await branch_in_a_basic_group(harness)
    harness.fake.message(BASIC, SECRETARY, "/themeday 15 09:00 学习新党章")
    await harness.settle()
    # Telegram upgraded the group while the bot was away for over a day: its service
    # messages are gone. The bot finds out when the theme day goes to the old id.
    harness.fake.upgrade_group(BASIC, UPGRADED, by=SECRETARY, lost=True)
    harness.clock.set(THEME_DAY + timedelta(minutes=1))
    await harness.tick()

    # One refused call to the old id; the push (header, invitation) went to the new group,
    # each message once, in order.
    assert calls_to(harness, BASIC)[-1] == ("sendMessage", 400)
    assert [c for c in calls_to(harness, BASIC) if c[1] == 400] == [("sendMessage", 400)]
    assert calls_to(harness, UPGRADED) == [("sendMessage", 200), ("sendMessage", 200)]
    header, invitation = harness.texts(UPGRADED)
    assert "主题党日" in header and "心得交流" in invitation
    assert branches_now(harness) == [(UPGRADED, True)]
    with harness.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == UPGRADED)).all()
        assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len(notices(harness, SECRETARY)) == 1

    # Members reply to the new invitation; a /setup there finds the branch it already is.
    sent = harness.fake.sent(UPGRADED)[1]
    harness.fake.message(UPGRADED, LI, "学习体会：不忘初心。", reply_to=sent["message_id"])
    harness.fake.message(UPGRADED, SECRETARY, "/setup")
    await harness.settle()
    with harness.session() as s:
        assert [r.text for r in s.exec(select(Reflection))] == ["学习体会：不忘初心。"]
    assert "早已是支部群" in harness.texts(UPGRADED)[-1]
    assert branches_now(harness) == [(UPGRADED, True)]
    assert len(notices(harness, SECRETARY)) == 1


async def test_a_setup_in_the_upgraded_group_finds_the_branch_instead_of_making_another(
    harness: Harness,
) -> None:
    await branch_in_a_basic_group(harness)
    harness.fake.upgrade_group(BASIC, UPGRADED, by=SECRETARY, lost=True)
    # A second, unrelated group is set up as a branch too, before and after the check.
    other = -1005555666777
    harness.fake.add_group(other, "第二支部", creator_id=COMMITTEE, members=[CHEN])
    harness.fake.message(UPGRADED, SECRETARY, "/setup")
    harness.fake.message(other, COMMITTEE, "/setup")
    await harness.settle()

    assert harness.fake.sent(UPGRADED)[-1]["_html"] == T.SETUP_FOLLOWED.format(title="老干之家")
    assert "已设为支部群" in harness.texts(other)[-1]
    assert branches_now(harness) == [(UPGRADED, True), (other, True)]
    assert len(notices(harness, SECRETARY)) == 1
    # The branch works there at once.
    await push_confirmed(harness, UPGRADED, SECRETARY)
    assert any("心得交流" in t for t in harness.texts(UPGRADED))


async def test_doctor_says_the_group_was_upgraded_and_what_to_do(harness: Harness) -> None:
    await branch_in_a_basic_group(harness)
    harness.fake.upgrade_group(BASIC, UPGRADED, by=SECRETARY, lost=True)

    code, text = await diagnose(harness.settings())

    assert code == 1
    assert f"✗ 「老干之家」({BASIC})：这个群已被 Telegram 升级为超级群，新编号 {UPGRADED}" in text
    assert "在升级后的群里发 /setup" in text


async def test_a_group_quiz_under_way_goes_on_in_the_upgraded_group(harness: Harness) -> None:
    await branch_in_a_basic_group(harness)
    send_bank(harness, xlsx_bytes(BANK), "党史题库.xlsx", chat_id=BASIC)
    await harness.settle()
    quiz = the_quiz(harness)
    # Telegram holds the first poll back (429) long enough for the group to be upgraded.
    harness.fake.fail("sendPoll", status=429, retry_after=2)
    harness.fake.message(BASIC, SECRETARY, f"/quiz start {quiz.id} group")
    await harness.fake.wait_until(
        lambda: any(c.method == "sendPoll" and c.status == 429 for c in harness.fake.calls)
    )
    harness.fake.upgrade_group(BASIC, UPGRADED, by=SECRETARY)
    await harness.settle(limit=20)

    # Every question once, in the new group, in order.
    polls = poll_ids(harness, UPGRADED)
    assert poll_ids(harness, BASIC) == []
    questions = [m["poll"]["question"] for m in harness.fake.sent(UPGRADED, method="sendPoll")]
    assert [q.split(".")[0] for q in questions] == ["1", "2", "3"]
    # Members answer there, one the bot had never seen before.
    harness.fake.poll_answer(WANG, polls[0], [1])
    harness.fake.poll_answer(CHEN, polls[0], [0])
    await harness.settle()
    with harness.session() as s:
        answers = s.exec(select(QuizAttempt.user_id, QuizAnswer.chosen).join(QuizAnswer)).all()
    assert sorted(answers) == [(WANG, "1"), (CHEN, "0")]

    harness.fake.message(UPGRADED, SECRETARY, f"/quiz close {quiz.id}")
    await harness.settle()
    stops = [c for c in harness.fake.calls if c.method == "stopPoll"]
    assert [(c.params["chat_id"], c.status) for c in stops] == [(UPGRADED, 200)] * 3
    assert the_quiz(harness).status == "closed"
