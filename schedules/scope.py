"""Forgetting the "which branch?" questions nobody answered in time (handlers/scope.py): each
keeps the command or the file's caption that asked it, which should not stay in the database."""

from __future__ import annotations

from datetime import datetime

from bot.context import Services
from bot.core import scope as rules
from bot.services import scope
from storage import scope as questions

DUE = [questions.QUESTIONS_DUE.earlier(rules.QUESTION_LIFETIME)]


async def run_due(services: Services, now: datetime) -> None:
    """Forget questions past their lifetime."""
    async with services.db.write() as session:
        scope.forget_expired(session, now)
