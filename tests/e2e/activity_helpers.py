"""What the activity and visit stories share: tapping buttons as people do, making an outing
through the secretary's flow, and reading the card and the notices."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from bot.texts import activities as T
from bot.texts import flows as TF
from storage.models import Activity, ActivitySignup, Member
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import buttons, say, tap

WANG, LI, ZHANG, CHEN = RETIREES
LIU = 2005  # a fifth retiree, added by `five_members`
NAMES = {**RETIREES, LIU: "刘志刚"}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def alert(harness: Harness, query_id: str) -> str:
    """The notice shown to the presser of this button press."""
    answered = harness.fake.answered_callbacks.get(query_id)
    assert answered is not None, f"press {query_id} was not answered"
    return str(answered.get("text", ""))


async def five_members(harness: Harness, *, without_private: Collection[int] = ()) -> None:
    """The branch with a fifth retiree; everyone (but `without_private`) has opened a private
    chat with the bot."""
    harness.fake.add_user(LIU, "刘志刚")
    harness.fake.set_member_status(GROUP_ID, LIU, "member")
    await harness.start()
    await harness.setup_branch()
    for user_id in (COMMITTEE, *RETIREES, LIU):
        harness.fake.message(GROUP_ID, user_id, "大家好")
    for user_id in (SECRETARY, COMMITTEE, *RETIREES, LIU):
        if user_id not in without_private:
            harness.fake.message(user_id, user_id, "/start")
    await harness.settle()


async def make_outing(
    harness: Harness,
    *,
    when: str = "12月5日 9:00",
    capacity: str = "3",
    plus_one: bool = True,
    public: bool = False,
    meet: bool = True,
) -> Activity:
    """The secretary makes an outing through /activity and confirms it; returns it."""
    await say(harness, SECRETARY, "/activity")
    await tap(harness, SECRETARY, T.NEW_BUTTON)
    await say(harness, SECRETARY, "秋游：参观红旗村")
    await say(harness, SECRETARY, when)
    await say(harness, SECRETARY, "红旗村村委会")
    if meet:
        await say(harness, SECRETARY, "局机关大院门口")
        await tap(harness, SECRETARY, "提前1小时")
    else:
        await tap(harness, SECRETARY, T.MEET_NONE)
    await say(harness, SECRETARY, "带身份证、穿运动鞋")
    await tap(harness, SECRETARY, "2天前")
    await say(harness, SECRETARY, capacity)
    await tap(harness, SECRETARY, T.PLUS_ONE_YES if plus_one else T.PLUS_ONE_NO)
    await tap(harness, SECRETARY, T.PUBLIC_YES if public else T.PUBLIC_NO)
    await tap(harness, SECRETARY, TF.CONFIRM[:1])
    with harness.session() as s:
        made = s.exec(select(Activity).order_by(col(Activity.id).desc())).first()
    assert made is not None, harness.texts(SECRETARY)[-1]
    return made


def card(harness: Harness) -> dict[str, Any]:
    """The activity's card in the group, as it is now."""
    [sent] = [
        m
        for m in harness.fake.sent(GROUP_ID)
        if "📣" in m.get("text", "") or "❌" in m.get("text", "")
    ][:1]
    found = harness.fake.message_by_id(GROUP_ID, sent["message_id"])
    assert found is not None
    return found


def press_card(harness: Harness, user_id: int, label_start: str) -> str:
    """Tap a button of the card (does not wait)."""
    message = card(harness)
    label = next(t for t in buttons(message) if t.startswith(label_start))
    return harness.fake.press(user_id, GROUP_ID, message["message_id"], buttons(message)[label])


def statuses(harness: Harness) -> dict[str, str]:
    with harness.session() as s:
        rows = s.exec(select(ActivitySignup, Member).join(Member)).all()
        return {m.name: r.status for r, m in rows}


def card_edits(harness: Harness) -> int:
    first = card(harness)["message_id"]
    return sum(
        1
        for c in harness.fake.calls
        if c.method == "editMessageText"
        and c.params.get("chat_id") == GROUP_ID
        and c.params.get("message_id") == first
        and c.status == 200
    )
