"""Which branch a private command is about: the rule, without Telegram or a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.scope import QUESTION_LIFETIME, WINDOW, Decision, Remembered, decide, question_open

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_nobody_one_branch_and_several() -> None:
    assert decide([], None, NOW) == Decision(None)
    assert decide([], Remembered(3, NOW), NOW) == Decision(None)
    # One branch: never asked, whatever was chosen before.
    assert decide([7], None, NOW) == Decision(7)
    assert decide([7], Remembered(3, NOW), NOW) == Decision(7)
    assert decide([3, 7], None, NOW) == Decision(None, ask=True)


def test_a_remembered_choice_holds_within_the_window_since_the_last_action() -> None:
    just_now = Remembered(7, NOW - timedelta(minutes=1))
    assert decide([3, 7], just_now, NOW) == Decision(7, remembered=True)
    edge = Remembered(7, NOW - WINDOW)
    assert decide([3, 7], edge, NOW) == Decision(7, remembered=True)
    stale = Remembered(7, NOW - WINDOW - timedelta(seconds=1))
    assert decide([3, 7], stale, NOW) == Decision(None, ask=True)


def test_a_remembered_branch_no_longer_theirs_is_asked_about_again() -> None:
    assert decide([3, 5], Remembered(7, NOW), NOW) == Decision(None, ask=True)


def test_a_question_can_be_answered_for_a_while() -> None:
    assert question_open(NOW - QUESTION_LIFETIME, NOW)
    assert not question_open(NOW - QUESTION_LIFETIME - timedelta(seconds=1), NOW)
