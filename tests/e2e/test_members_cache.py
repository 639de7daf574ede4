"""Registering people stays right with the cache that lets known members skip the database:
what a rolled-back update wrote is not remembered, leaving and renaming are noticed."""

from __future__ import annotations

from sqlmodel import select
from telegram.ext import CommandHandler

from storage.models import Member, Person
from tests.e2e.harness import GROUP_ID, OUTSIDER, RETIREES, Harness

WANG, LI, ZHANG, CHEN = RETIREES


async def test_a_rolled_back_registration_is_not_remembered(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    assert harness.runner is not None

    async def explode(update: object, context: object) -> None:
        raise RuntimeError("boom")

    harness.runner.application.add_handler(CommandHandler("boom", explode), group=-5)
    harness.fake.message(GROUP_ID, OUTSIDER, "/boom")  # registers them, then rolls back
    await harness.settle()
    with harness.session() as s:
        assert s.get(Person, OUTSIDER) is None

    harness.fake.message(GROUP_ID, OUTSIDER, "大家好")
    await harness.settle()
    with harness.session() as s:
        assert s.get(Person, OUTSIDER) is not None
        assert s.exec(select(Member).where(Member.user_id == OUTSIDER)).one().active


async def test_a_member_who_left_and_speaks_again_is_active_again(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, WANG, "大家好")
    await harness.settle()
    harness.fake.chat_member(GROUP_ID, WANG, "member", "left")
    await harness.settle()
    with harness.session() as s:
        assert not s.exec(select(Member).where(Member.user_id == WANG)).one().active

    harness.fake.chat_member(GROUP_ID, WANG, "left", "member")
    harness.fake.message(GROUP_ID, WANG, "我回来了")
    await harness.settle()
    with harness.session() as s:
        assert s.exec(select(Member).where(Member.user_id == WANG)).one().active


async def test_a_new_name_is_recorded_even_for_someone_already_known(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, LI, "大家好")
    harness.fake.message(GROUP_ID, LI, "再说一句")  # known now: nothing to write
    await harness.settle()
    harness.fake.add_user(LI, "李秀英", "老师")
    harness.fake.message(GROUP_ID, LI, "改了名字")
    await harness.settle()
    with harness.session() as s:
        person = s.get_one(Person, LI)
        assert (person.first_name, person.last_name) == ("李秀英", "老师")
