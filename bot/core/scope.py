"""Which branch a private command is about, for someone who may act on several: the rule.

In a branch's group a command is about that group's branch (handlers/scope.py says so). In a
private chat, among the branches the person may act on for this command:
- none: there is nothing to act on (the handler explains);
- exactly one: that one, without asking;
- several: the branch they chose last, if it is still one of them and they acted on it within
  `WINDOW` (every command on it starts the window again); otherwise they are asked.
No I/O: the remembered choice is read and kept by bot/services/scope.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# How long a chosen branch holds after the person's last command on it: one sitting.
WINDOW = timedelta(minutes=30)
# How long a "which branch?" question can still be answered by a tap.
QUESTION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class Remembered:
    """The branch a person chose, and when they last acted on it."""

    branch_id: int
    active_at: datetime


@dataclass(frozen=True)
class Decision:
    """The branch to act on (None: none, or `ask`), and whether it was the remembered one."""

    branch_id: int | None
    ask: bool = False
    remembered: bool = False


def decide(candidates: Sequence[int], remembered: Remembered | None, now: datetime) -> Decision:
    """The branch a private command is about, among the `candidates` the person may act on."""
    if not candidates:
        return Decision(None)
    if len(candidates) == 1:
        return Decision(candidates[0])
    if (
        remembered is not None
        and remembered.branch_id in candidates
        and now - remembered.active_at <= WINDOW
    ):
        return Decision(remembered.branch_id, remembered=True)
    return Decision(None, ask=True)


def question_open(asked_at: datetime, now: datetime) -> bool:
    """May a tap still answer a question asked at `asked_at`?"""
    return now - asked_at <= QUESTION_LIFETIME
