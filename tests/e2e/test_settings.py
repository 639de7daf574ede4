"""The secretary changes the branch's settings by tapping, with a confirmation before anything
is saved: the guided-flow frame (back, cancel, typed answers, stale and expired buttons) and
what the settings then change."""

from __future__ import annotations

from datetime import time, timedelta

from bot.core import branch_settings
from bot.texts import common as C
from bot.texts import flows as TF
from bot.texts import settings as T
from storage import branches
from storage.models import Branch, Flow
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import buttons, last_with_buttons, push_confirmed, say, tap

WANG = next(iter(RETIREES))


def branch_now(harness: Harness) -> Branch:
    with harness.session() as s:
        [branch] = branches.active(s)
        return branch


def answers(harness: Harness, user_id: int) -> list[str]:
    """The notices shown on the user's button presses (answerCallbackQuery texts)."""
    return [
        c.params.get("text", "")
        for c in harness.fake.calls
        if c.method == "answerCallbackQuery" and c.params.get("text")
    ]


async def started(harness: Harness) -> None:
    harness.fake.start_private(SECRETARY)
    harness.fake.start_private(COMMITTEE)
    harness.fake.start_private(WANG)
    await harness.start()
    await harness.setup_branch()
    # Admins are known in private once they have spoken in the group.
    harness.fake.message(GROUP_ID, COMMITTEE, "大家好")
    await harness.settle()


async def test_the_secretary_changes_the_deadline_by_tapping_and_confirming(
    harness: Harness,
) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/settings")
    first = last_with_buttons(harness, SECRETARY)
    assert "老干之家" in first["text"] and "要改哪一项" in first["text"]
    assert "交心得期限：推送后7天" in buttons(first)
    assert "称呼：同志" in buttons(first)

    await tap(harness, SECRETARY, "交心得期限")
    ask = last_with_buttons(harness, SECRETARY)
    assert "现在是：推送后7天" in ask["text"]
    assert list(buttons(ask))[:5] == [f"推送后{n}天" for n in (3, 5, 7, 10, 14)]
    # Nothing is saved before 确认.
    await tap(harness, SECRETARY, "推送后10天")
    assert branch_settings.of(branch_now(harness)).deadline_days == 7
    summary = last_with_buttons(harness, SECRETARY)
    assert "从 推送后7天 改成 推送后10天" in summary["text"]
    # The tapped step keeps its question and shows the answer, without buttons.
    answered = harness.fake.message_by_id(SECRETARY, ask["message_id"])
    assert answered is not None and "👉 推送后10天" in answered["text"]
    assert not buttons(answered)

    await tap(harness, SECRETARY, TF.CONFIRM)
    assert harness.texts(SECRETARY)[-1] == "✅ 已改好：交心得期限为 推送后10天。"
    assert branch_settings.of(branch_now(harness)).deadline_days == 10
    with harness.session() as s:
        assert s.get(Flow, 1) is None  # the flow is over


async def test_a_time_is_typed_as_people_say_it_and_a_mistake_is_asked_again(
    harness: Harness,
) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/settings")
    await tap(harness, SECRETARY, "提醒时间")
    await say(harness, SECRETARY, "明天吧")
    texts = harness.texts(SECRETARY)
    assert texts[-2].startswith("没看懂“明天吧”。") and "8点半" in texts[-2]
    assert "提醒时间" in texts[-1]  # the same question again, with its buttons
    assert branch_settings.of(branch_now(harness)).reminder_time == time(9, 0)

    await say(harness, SECRETARY, "早上8点半")
    assert "改成 08:30" in harness.texts(SECRETARY)[-1]
    await tap(harness, SECRETARY, TF.CONFIRM)
    assert branch_settings.of(branch_now(harness)).reminder_time == time(8, 30)
    assert branch_now(harness).options is not None and '"08:30"' in branch_now(harness).options


async def test_back_cancel_stale_and_expired_buttons(harness: Harness) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/settings")
    which = await tap(harness, SECRETARY, "称呼")
    await tap(harness, SECRETARY, TF.BACK)
    assert "要改哪一项" in last_with_buttons(harness, SECRETARY)["text"]

    # The first question's button, pressed again: out of date, nothing changes.
    harness.fake.press(
        SECRETARY, SECRETARY, which["message_id"], buttons(which)["称呼：同志"], force=True
    )
    await harness.settle()
    assert answers(harness, SECRETARY)[-1] == TF.STALE

    await tap(harness, SECRETARY, "称呼")
    await tap(harness, SECRETARY, "老师")
    await tap(harness, SECRETARY, TF.CANCEL)
    assert harness.texts(SECRETARY)[-1] == TF.CANCELLED
    assert branch_settings.of(branch_now(harness)).honorific == "同志"

    # Left alone for over half an hour, a flow is over: its buttons say so, and what is typed
    # afterwards is not taken as an answer.
    await say(harness, SECRETARY, "/settings")
    harness.clock.advance(timedelta(minutes=31))
    message = last_with_buttons(harness, SECRETARY)
    harness.fake.press(SECRETARY, SECRETARY, message["message_id"], buttons(message)["称呼：同志"])
    await harness.settle()
    # Expired (or, once the planner has forgotten it, over): either way nothing happens.
    assert answers(harness, SECRETARY)[-1] in (TF.EXPIRED, TF.FINISHED)
    sent_before = len(harness.fake.sent(SECRETARY))
    await say(harness, SECRETARY, "老师")
    assert not any("称呼" in t for t in harness.texts(SECRETARY)[sent_before:])


async def test_a_member_cannot_open_or_press_the_settings(harness: Harness) -> None:
    await started(harness)
    await say(harness, WANG, "/settings")
    assert harness.texts(WANG)[-1] == C.NOT_ADMIN
    await say(harness, SECRETARY, "/settings")
    message = last_with_buttons(harness, SECRETARY)
    # A forged press of the secretary's button by a member.
    harness.fake.press(
        WANG, SECRETARY, message["message_id"], buttons(message)["称呼：同志"], force=True
    )
    await harness.settle()
    assert answers(harness, WANG)[-1] == TF.NOT_YOURS
    assert "要改哪一项" in last_with_buttons(harness, SECRETARY)["text"]


async def test_in_the_group_settings_open_privately_for_that_branch(harness: Harness) -> None:
    await started(harness)
    harness.fake.message(GROUP_ID, SECRETARY, "/settings")
    await harness.settle()
    [note] = [m for m in harness.fake.sent(GROUP_ID) if m.get("text") == T.PRIVATE_ONLY]
    [[button]] = note["reply_markup"]["inline_keyboard"]
    payload = button["url"].split("?start=")[1]
    assert payload == f"settings_{branch_now(harness).id}"
    await say(harness, SECRETARY, f"/start {payload}")
    assert "要改哪一项" in last_with_buttons(harness, SECRETARY)["text"]
    # The link does nothing for a member.
    await say(harness, WANG, f"/start {payload}")
    assert harness.texts(WANG)[-1] == C.NOT_ADMIN


async def test_two_admins_changing_the_same_setting_each_see_what_happened(
    harness: Harness,
) -> None:
    await started(harness)
    for admin in (SECRETARY, COMMITTEE):
        await say(harness, admin, "/settings")
        await tap(harness, admin, "交心得期限")
        await tap(harness, admin, "推送后5天")
    await tap(harness, SECRETARY, TF.CONFIRM)
    await tap(harness, COMMITTEE, TF.CONFIRM)
    assert harness.texts(SECRETARY)[-1] == "✅ 已改好：交心得期限为 推送后5天。"
    assert harness.texts(COMMITTEE)[-1] == "“交心得期限”本来就是 推送后5天，没有改动。"
    assert branch_settings.of(branch_now(harness)).deadline_days == 5


async def test_a_changed_deadline_and_reminder_time_shape_the_next_push(
    harness: Harness,
) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/settings")
    await tap(harness, SECRETARY, "交心得期限")
    await say(harness, SECRETARY, "十天")
    await tap(harness, SECRETARY, TF.CONFIRM)
    await say(harness, SECRETARY, "/settings")
    await tap(harness, SECRETARY, "提醒时间")
    await tap(harness, SECRETARY, "08:30")
    await tap(harness, SECRETARY, TF.CONFIRM)

    await push_confirmed(harness, GROUP_ID, SECRETARY, "学习")
    with harness.session() as s:
        from storage import themeday

        theme = themeday.latest(s, branch_now(harness).id or 0)
        assert theme is not None
        tz = harness.services.settings.tz
        pushed = theme.created_at.astimezone(tz)
        assert theme.deadline.astimezone(tz).date() == pushed.date() + timedelta(days=10)
        assert {r.astimezone(tz).time() for r in themeday.reminder_times(theme)} == {time(8, 30)}


async def test_the_settings_are_one_section_of_the_menu(harness: Harness) -> None:
    await started(harness)
    await say(harness, SECRETARY, "/menu")
    await tap(harness, SECRETARY, T.MENU_TITLE)
    await tap(harness, SECRETARY, T.MENU_CHANGE)
    assert "要改哪一项" in last_with_buttons(harness, SECRETARY)["text"]
