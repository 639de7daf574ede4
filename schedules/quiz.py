"""Closing knowledge quizzes when their window ends, and making sure their polls stop."""

from __future__ import annotations

from datetime import datetime

from bot.context import Services
from bot.services.quiz import close_quiz, stop_polls
from storage import quiz as quizzes


async def run_due(services: Services, now: datetime) -> None:
    """Close every open quiz whose time is up; re-check polls of quizzes closed lately."""
    async with services.db.write() as session:
        for quiz in quizzes.due_to_close(session, now):
            close_quiz(session, services.outbox, quiz, now=now)
        # A poll that was being sent at the moment of closing got no stopPoll then.
        for quiz in quizzes.recently_closed(session, now):
            stop_polls(session, services.outbox, quiz)
