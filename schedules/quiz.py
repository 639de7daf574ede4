"""Closing knowledge quizzes when their window ends, and making sure their polls stop; sending
again a poll whose send timed out when nothing showed that it went out."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.context import Services
from bot.runtime.outbox import SendPoll
from bot.services.quiz import close_quiz, stop_polls
from storage import quiz as quizzes
from storage import quiz_polls

# How long a poll whose send timed out may take to show that it went out (a vote on it brings
# its `poll` update) before it is sent again. The unsure copy is still recognised later.
UNSURE_GRACE = timedelta(minutes=15)
DUE = [quizzes.CLOSE_DUE, quizzes.RECENTLY_CLOSED, quiz_polls.UNSURE_DUE.earlier(UNSURE_GRACE)]


async def run_due(services: Services, now: datetime) -> None:
    """Close every open quiz whose time is up; re-check polls of quizzes closed lately."""
    async with services.db.write() as session:
        for quiz in quizzes.due_to_close(session, now):
            close_quiz(session, services.outbox, quiz, now=now)
        # A poll that was being sent at the moment of closing got no stopPoll then.
        for quiz in quizzes.recently_closed(session, now):
            stop_polls(session, services.outbox, quiz)
        for row in quiz_polls.unsure_polls_before(session, now - UNSURE_GRACE):
            payload: SendPoll = json.loads(row.payload)
            services.outbox.poll(
                session,
                payload,
                dedupe_key=quiz_polls.resend_key(row),
                kind=row.kind,
                ref=row.ref,
                describe=row.describe,
                notify_chat_id=row.notify_chat_id,
            )
