"""Every admin and staff command, tried by someone who may not use it: a polite refusal and no
change to the database. The commands come from `services.commands`, so each feature's commands
are covered as soon as the feature is wired in."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bot.context import Command
from bot.texts import common as T
from bot.texts import export as TX
from tests.e2e.harness import GROUP_ID, RETIREES, STAFF, Harness
from tests.e2e.test_faults import assert_no_exports_in_groups

WANG, LI, ZHANG, CHEN = RETIREES
# Bookkeeping every update touches: the update itself, the refusal queued, the sender seen.
BOOKKEEPING = {"inbox", "outbox", "person", "member", "alembic_version"}


def row_counts(harness: Harness) -> dict[str, int]:
    assert harness.runner is not None
    engine = harness.runner.db.engine
    with engine.connect() as connection:
        tables = [t for t in inspect(connection).get_table_names() if t not in BOOKKEEPING]
        return {
            t: int(connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one())
            for t in tables
        }


def refusal(command: Command, chat_id: int) -> str:
    """What answers someone without the right: the refusal for the command's audience, or for
    /setup in a private chat the explanation that it belongs in the group (nobody can be an
    admin of it there)."""
    if command.name == "setup" and chat_id > 0:
        return T.SETUP_GROUP_ONLY
    return T.NOT_ADMIN if command.audience == "admin" else T.NOT_STAFF


async def test_every_admin_and_staff_command_refuses_those_without_the_right(
    harness: Harness,
) -> None:
    harness.fake.start_private(WANG)
    await harness.start()
    await harness.setup_branch()
    harness.fake.message(GROUP_ID, WANG, "大家好")  # a member of the branch, nothing more
    await harness.settle()
    commands = [c for c in harness.services.commands if c.audience in ("admin", "staff")]
    assert {c.name for c in commands} >= {"setup", "export"}

    tried = []
    for command in commands:
        for chat_id in (GROUP_ID, WANG):
            before = row_counts(harness)
            sent_before = len(harness.fake.sent(chat_id))
            harness.fake.message(chat_id, WANG, f"/{command.name}")
            await harness.settle()

            replies = harness.texts(chat_id)[sent_before:]
            where = "group" if chat_id < 0 else "private"
            assert len(replies) == 1, f"/{command.name} in the {where} chat: {replies}"
            assert replies[0] == refusal(command, chat_id), (
                f"/{command.name} in the {where} chat: {replies[0]}"
            )
            assert row_counts(harness) == before, f"/{command.name} changed the database"
            tried.append((command.name, where))
    assert len(tried) == 2 * len(commands)
    assert_no_exports_in_groups(harness.fake)


async def test_staff_are_refused_admin_commands_but_not_downloads(harness: Harness) -> None:
    harness.fake.start_private(STAFF)
    await harness.start()
    await harness.setup_branch()
    for command in [c for c in harness.services.commands if c.audience == "admin"]:
        before = row_counts(harness)
        sent_before = len(harness.fake.sent(STAFF))
        harness.fake.message(STAFF, STAFF, f"/{command.name}")
        await harness.settle()
        [answer] = harness.texts(STAFF)[sent_before:]
        assert answer == refusal(command, STAFF), f"/{command.name}"
        assert row_counts(harness) == before

    # The download menu itself is for staff, and only ever in private.
    harness.fake.message(GROUP_ID, STAFF, "/export")
    harness.fake.message(STAFF, STAFF, "/export")
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == T.EXPORT_PRIVATE_ONLY
    assert harness.texts(STAFF)[-1] == TX.EXPORT_MENU
    assert_no_exports_in_groups(harness.fake)
