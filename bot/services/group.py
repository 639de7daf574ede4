"""The branch and its Telegram group: making a group a branch (/setup), and following the group
when Telegram upgrades it to a supergroup.

Telegram upgrades a basic group by itself (a public link, visible history for new members,
some admin rights, 200 members) and gives it a new chat id; every call to the old id then fails
with 400 and `migrate_to_chat_id`. The bot learns of it from the service messages in the old
and the new chat (handlers/group.py), from that 400 (bot/runtime/sender.py), or, if it missed
both, when someone sends /setup in the new group (handlers/group.py asks Telegram). Whichever
comes first, `follow_upgrade` moves everything tied to the chat id in the caller's transaction:
the branch, the queued messages and their payloads (storage/outbox.py: replies to old messages
go out as plain messages, edits of old messages are given up), and, after the commit, the
caches kept in memory by chat id (members seen, roles, quiz polls). Reminders, greetings and
the next theme day are computed from the branch, so they follow it by themselves. The secretary
is told privately, once (`NOTICE_JOB`, which asks Telegram who created the group).
"""

from __future__ import annotations

import dataclasses
import logging

from sqlmodel import Session

from bot.context import Services
from bot.texts import common as C
from bot.texts import fmt
from bot.texts import group as T
from storage import branches, outbox
from storage.models import Branch

log = logging.getLogger(__name__)

# Jobs (run by handlers/group.py): tell the secretary; check a /setup in a new supergroup.
NOTICE_JOB = "group.upgraded"
SETUP_JOB = "group.setup"
# session.info key: the chat ids moved in this transaction, for the caches after the commit.
_MOVED = "group.moved"


def make_branch(
    services: Services,
    session: Session,
    *,
    chat_id: int,
    title: str,
    user_id: int | None,
    user_name: str,
    reply_to: int | None,
) -> Branch:
    """Make the group a branch (or switch a removed one on again), register whoever asked, and
    say so in the group."""
    branch, _ = branches.create(session, chat_id=chat_id, title=title, now=services.now())
    if user_id is not None and branch.id is not None:
        branches.ensure_member(
            session, branch_id=branch.id, user_id=user_id, name=user_name, now=services.now()
        )
    services.outbox.message(session, chat_id, fmt(C.SETUP_DONE, title=title), reply_to=reply_to)
    return branch


def follow_upgrade(
    services: Services,
    session: Session,
    old_chat_id: int,
    new_chat_id: int,
    *,
    by: int | None = None,
) -> Branch | None:
    """The group `old_chat_id` is now the supergroup `new_chat_id`: move what is tied to the
    chat id, in the caller's transaction; the first time, have the secretary told. Safe to
    repeat (the two service messages, then a late 400, all say the same)."""
    moving = branches.by_chat(session, old_chat_id)
    branch = branches.migrate_chat(session, old_chat_id, new_chat_id)
    moved = outbox.move_chat(session, old_chat_id, new_chat_id)
    session.info.setdefault(_MOVED, []).append((old_chat_id, new_chat_id))
    if moving is not None and branch is not None and branch.id == moving.id:
        log.info(
            "group: branch %s followed its group from %s to supergroup %s (%d queued calls moved)",
            branch.id,
            old_chat_id,
            new_chat_id,
            moved,
        )
        services.jobs.add(
            session,
            NOTICE_JOB,
            {"branch_id": branch.id, "old": old_chat_id, "new": new_chat_id, "by": by},
            key=f"{NOTICE_JOB}:{old_chat_id}",
        )
    return branch


def move_caches(services: Services, session: Session) -> None:
    """After a commit that moved a group: what is remembered by chat id moves with it."""
    for old, new in session.info.get(_MOVED, ()):
        services.state.seen.move_chat(old, new)
        services.roles.move_chat(old, new)
        polls = services.state.quiz_polls
        for poll_id, target in list(polls.items()):
            if target.chat_id == old:
                polls[poll_id] = dataclasses.replace(target, chat_id=new)


def tell_upgraded(
    services: Services, session: Session, *, branch_id: int, old_chat_id: int, people: list[int]
) -> None:
    """Tell the first of `people` who can get a private message, once; if none can, the
    group."""
    branch = branches.get(session, branch_id)
    if branch is None:
        return
    reachable = branches.reachable_privately(session, people)
    to = next((p for p in people if p in reachable), None)
    text = T.UPGRADED_GROUP if to is None else fmt(T.UPGRADED_PRIVATE, title=branch.title)
    services.outbox.message(
        session,
        to if to is not None else branch.chat_id,
        text,
        dedupe_key=f"{NOTICE_JOB}:{old_chat_id}",
        kind="group.upgraded",
        ref=branch_id,
    )
