"""What a person can press or type at an awkward moment: /push twice within a second (a double
tap, or two admins at once), and an admin's private commands after the bot was removed from
the branch's group."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.texts import flows as TF
from bot.texts import push as TP
from storage.models import Branch, ThemeSession
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import answers, buttons, last_with_buttons, push_confirmed

WANG, LI, ZHANG, CHEN = RETIREES


async def ready(harness: Harness) -> None:
    """The bot runs, the group is a branch, secretary and committee member started the bot."""
    await harness.start()
    await harness.setup_branch()
    for admin in (SECRETARY, COMMITTEE):
        harness.fake.message(GROUP_ID, admin, "大家好")  # seen in the group: known as members
        harness.fake.message(admin, admin, "/start")
    await harness.settle()


def sessions(harness: Harness) -> list[str]:
    with harness.session() as s:
        return [t.topic for t in s.exec(select(ThemeSession).order_by(col(ThemeSession.id)))]


def headers(harness: Harness) -> list[str]:
    return [t for t in harness.texts(GROUP_ID) if "主题党日" in t and "学习主题" in t]


async def test_push_twice_within_a_second_makes_one_session(harness: Harness) -> None:
    await ready(harness)
    # Both admins have a preview open; the secretary double-taps 确认发出 and the committee
    # member confirms in the same second.
    for admin, topic in ((SECRETARY, "学习新党章"), (COMMITTEE, "学习党史")):
        harness.fake.message(admin, admin, f"/push {topic}")
    await harness.settle()
    presses = []
    for admin in (SECRETARY, SECRETARY, COMMITTEE):
        preview = last_with_buttons(harness, admin)
        presses.append((admin, preview["message_id"], buttons(preview)[TP.CONFIRM_PUSH]))
    for admin, message_id, data in presses:
        harness.fake.press(admin, admin, message_id, data)
    await harness.settle()

    assert sessions(harness) == ["学习新党章"]
    assert len(headers(harness)) == 1
    assert answers(harness)[-1] == TF.FINISHED  # the second tap of the same button
    assert harness.texts(COMMITTEE)[-1].startswith("没有再发")
    assert "学习新党章" in harness.texts(COMMITTEE)[-1]

    # Half a minute later it is still the same push; a deliberate push later is a new one.
    harness.clock.advance(timedelta(seconds=30))
    await push_confirmed(harness, GROUP_ID, COMMITTEE)
    assert sessions(harness) == ["学习新党章"]
    harness.clock.advance(timedelta(minutes=5))
    await push_confirmed(harness, GROUP_ID, COMMITTEE, "学习党史")
    assert sessions(harness) == ["学习新党章", "学习党史"]
    assert len(headers(harness)) == 2


async def test_a_push_still_going_out_is_not_started_again(harness: Harness) -> None:
    await ready(harness)
    harness.fake.message(SECRETARY, SECRETARY, "/push 学习新党章")
    await harness.settle()
    mine = last_with_buttons(harness, SECRETARY)
    harness.fake.fail("sendMessage", status=429, retry_after=3)  # the header waits 3 s
    harness.fake.press(SECRETARY, SECRETARY, mine["message_id"], buttons(mine)[TP.CONFIRM_PUSH])
    await harness.fake.wait_until(lambda: len(sessions(harness)) == 1)
    harness.clock.advance(timedelta(minutes=2))  # past the minute, but not yet in the group
    # The committee member's preview, shown after that push began, confirmed at once.
    harness.fake.message(COMMITTEE, COMMITTEE, "/push 学习新党章")
    await harness.fake.wait_until(
        lambda: any(TP.CONFIRM_PUSH in buttons(m) for m in harness.fake.sent(COMMITTEE))
    )
    theirs = last_with_buttons(harness, COMMITTEE)
    harness.fake.press(COMMITTEE, COMMITTEE, theirs["message_id"], buttons(theirs)[TP.CONFIRM_PUSH])
    await harness.settle(limit=20)

    assert sessions(harness) == ["学习新党章"]
    assert len(headers(harness)) == 1
    assert "还在陆续发到群里" in harness.texts(COMMITTEE)[-1]


async def test_private_commands_after_the_bot_was_removed_say_how_to_add_it_back(
    harness: Harness,
) -> None:
    await ready(harness)
    harness.fake.remove_bot(GROUP_ID, by=SECRETARY)
    await harness.settle()
    with harness.session() as s:
        assert [b.active for b in s.exec(select(Branch))] == [False]

    for admin, command in ((SECRETARY, "/push"), (COMMITTEE, "/themeday"), (SECRETARY, "/quiz")):
        harness.fake.message(admin, admin, command)
        await harness.settle()
        answer = harness.texts(admin)[-1]
        assert "不在“老干之家”群里" in answer, answer
        assert "/setup" in answer and "添加成员" in answer
        assert "只有支部书记和支委" not in answer
    # Someone with no part in any branch is still refused as before.
    harness.fake.message(LI, LI, "/push")
    await harness.settle()
    assert "只有支部书记和支委" in harness.texts(LI)[-1]
    assert sessions(harness) == []

    # Added back and set up again: the branch is the same one, and /push works privately.
    harness.fake.add_bot(GROUP_ID, by=SECRETARY)
    harness.fake.message(GROUP_ID, SECRETARY, "/setup")
    await push_confirmed(harness, SECRETARY, SECRETARY, "学习新党章")
    with harness.session() as s:
        assert [b.active for b in s.exec(select(Branch))] == [True]
    assert sessions(harness) == ["学习新党章"]
