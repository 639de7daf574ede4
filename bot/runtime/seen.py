"""A cache of what the database already holds about people and memberships, as last committed.

Most updates come from people the bot already knows; knowing that lets their updates skip the
three queries and the write that registering them would cost (handlers/members.py runs for every
update, and those queries were most of the time spent on an update that needs no reply: see
bench/inbound.py). The cache only learns an entry after the update that wrote it has committed
(a rolled-back update teaches it nothing) and forgets entries after `SEEN_SECONDS`, so that a
change made elsewhere (a member deactivated by an admin, a branch removed) is picked up within
minutes at worst.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session
from telegram import User

from bot.runtime.current import CURRENT, UpdateState

SEEN_SECONDS = 600.0
SEEN_LIMIT = 50_000  # entries; past that the cache starts again empty
_PENDING = "members.seen"  # session.info key: what to learn once the batch has committed

Names = tuple[str, str | None, str | None]


@dataclass
class SeenCache:
    """What the database is known to hold about people and memberships, as last committed."""

    people: dict[int, tuple[Names, float]] = field(default_factory=dict)
    # (group chat id, user id) -> expiry: an active member of the active branch of that group.
    members: dict[tuple[int, int], float] = field(default_factory=dict)

    def knows_person(self, user: User) -> bool:
        return self.knows_names(user.id, (user.first_name, user.last_name, user.username))

    def knows_names(self, user_id: int, names: Names) -> bool:
        """The database holds this person with these names (a rename is news)."""
        entry = self.people.get(user_id)
        return entry is not None and entry[1] > time.monotonic() and entry[0] == names

    def knows_member(self, chat_id: int, user_id: int) -> bool:
        expiry = self.members.get((chat_id, user_id))
        return expiry is not None and expiry > time.monotonic()

    def forget_member(self, chat_id: int, user_id: int) -> None:
        self.members.pop((chat_id, user_id), None)

    def forget_chat(self, chat_id: int) -> None:
        for key in [k for k in self.members if k[0] == chat_id]:
            del self.members[key]

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group was upgraded to a supergroup: its members are the same people."""
        for key in [k for k in self.members if k[0] == old_chat_id]:
            self.members[(new_chat_id, key[1])] = self.members.pop(key)

    def learn_later(self, session: Session, what: tuple[str, Any, Any]) -> None:
        """Remember `what` once this update's savepoint and the batch have both committed."""
        state = CURRENT.get(None)
        session.info.setdefault(_PENDING, []).append((state, what))

    def on_commit(self, session: Session) -> None:
        pending: list[tuple[UpdateState | None, tuple[str, Any, Any]]] = session.info.get(
            _PENDING, []
        )
        if not pending:
            return
        if len(self.people) + len(self.members) > SEEN_LIMIT:
            self.people.clear()
            self.members.clear()
        expiry = time.monotonic() + SEEN_SECONDS
        for state, (kind, key, value) in pending:
            if state is not None and state.error is not None:
                continue  # that update was rolled back
            if kind == "person":
                self.people[key] = (value, expiry)
            else:
                self.members[key] = expiry
