"""Seeds databases for the export benchmarks with the features' own storage code, and adapts
the features' export builders to the worker's `build(session=, path=)` call."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session

from storage import branches, themeday
from storage import quiz as quizzes
from storage.db import Database, sqlite_url
from storage.exports import quiz as quiz_export
from storage.exports import summary as summary_export
from storage.exports.ledger import build_ledger
from storage.models import Member, Person, QuizAnswer, QuizAttempt, Reflection
from storage.spreadsheets import Question

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 12, 1, 1, 0, tzinfo=UTC)
GROUP = -1005000000000


def _branch_with_members(session: Session, members: int) -> tuple[int, list[int]]:
    branch, _ = branches.create(session, chat_id=GROUP, title="老干之家", now=START)
    assert branch.id is not None
    session.execute(
        insert(Person),
        [
            {"user_id": 600_000 + i, "first_name": f"成员{i}", "private_started": False,
             "updated_at": START}
            for i in range(members)
        ],
    )  # fmt: skip
    session.execute(
        insert(Member),
        [
            {"branch_id": branch.id, "user_id": 600_000 + i, "name": f"成员{i}老师",
             "party_member": i % 2 == 0, "active": True, "joined_at": START}
            for i in range(members)
        ],
    )  # fmt: skip
    ids = [m.id for m in branches.members(session, branch.id) if m.id is not None]
    return branch.id, ids


def seed_quiz(db_path: Path, size: tuple[int, int]) -> None:
    """A closed group quiz: `members` members each answered all `questions` questions."""
    members, count = size
    db = Database(sqlite_url(db_path))
    db.migrate()
    rng = random.Random(7)
    with db.session() as session:
        branch_id, member_ids = _branch_with_members(session, members)
        questions = [
            Question(
                text=f"第{n + 1}题：中国共产党成立于哪一年？",
                options=("1919年", "1921年", "1927年", "1949年"),
                answer=frozenset({1}),
                explanation="",
                points=5,
                row=n + 2,
            )
            for n in range(count)
        ]
        quiz = quizzes.create(
            session, branch_id=branch_id, title="党史知识测试", questions=questions,
            poll_ok=True, created_by=None, now=START,
        )  # fmt: skip
        quiz.status, quiz.mode, quiz.opens_at, quiz.closed_at = (
            "closed", "group", START, START + timedelta(days=3),
        )  # fmt: skip
        assert quiz.id is not None
        session.execute(
            insert(QuizAttempt),
            [
                {"quiz_id": quiz.id, "member_id": m, "user_id": 600_000 + n, "number": 1,
                 "position": 0, "pending": "", "started_at": START}
                for n, m in enumerate(member_ids)
            ],
        )  # fmt: skip
        attempt_ids = [
            row[0] for row in session.connection().exec_driver_sql(
                "SELECT id FROM quiz_attempt ORDER BY id"
            )
        ]  # fmt: skip
        question_ids = [
            row[0] for row in session.connection().exec_driver_sql(
                "SELECT id FROM quiz_question ORDER BY position"
            )
        ]  # fmt: skip
        session.execute(
            insert(QuizAnswer),
            [
                {"attempt_id": a, "question_id": q, "chosen": str(rng.choice((1, 1, 1, 0, 2))),
                 "answered_at": START + timedelta(minutes=rng.randint(1, 600))}
                for a in attempt_ids
                for q in question_ids
            ],
        )  # fmt: skip
        session.commit()
    db.dispose()


def seed_ledger(db_path: Path, size: tuple[int, int]) -> None:
    """`months` monthly theme days; about four in five members submit a text each month."""
    members, months = size
    db = Database(sqlite_url(db_path))
    db.migrate()
    rng = random.Random(11)
    with db.session() as session:
        branch_id, member_ids = _branch_with_members(session, members)
        rows = []
        for month in range(months):
            day = date(2025, 12, 15) + timedelta(days=30 * month)
            pushed = datetime.combine(day, datetime.min.time(), TZ).replace(hour=9)
            deadline, reminders = themeday.default_schedule(pushed)
            theme, _ = themeday.create(
                session, branch_id=branch_id, key=f"rule:{day.isoformat()}", local_date=day,
                topic=f"{day.month}月主题党日", deadline=deadline, reminders=reminders, now=pushed,
            )  # fmt: skip
            theme.pushed_at = pushed
            session.flush()
            for n, member_id in enumerate(member_ids):
                if rng.random() < 0.8:
                    rows.append(
                        {"session_id": theme.id, "member_id": member_id, "kind": "text",
                         "text": "学习了本月材料，深受教育。" * 8, "chat_id": GROUP,
                         "message_id": month * 100_000 + n, "via": "reply",
                         "submitted_at": pushed + timedelta(hours=rng.randint(1, 100)),
                         "late": False, "ack_pending": False}
                    )  # fmt: skip
        session.execute(insert(Reflection), rows)
        session.commit()
    db.dispose()


def quiz_results(*, session: Session, path: Path) -> int:
    result = quiz_export.build_quiz_export(session, quiz_id=1, tz=TZ, xlsx_path=path)
    return int(getattr(result, "members", 0) or 0)


def ledger(*, session: Session, path: Path) -> int:
    summary = build_ledger(
        session, branch_id=None, tz=TZ, xlsx_path=path, archive_dir=path.parent / "archive"
    )
    return int(getattr(summary, "rows", 0) or 0)


def year_summary(*, session: Session, path: Path) -> int:
    """2026 of the seeded ledger: its figures counted and its workbook written."""
    summary = summary_export.year_summary(
        session, branch_id=1, year=2026, tz=TZ, today=date(2026, 12, 31)
    )
    summary_export.write_summary(summary, path)
    return int(str(summary.area("reflections").figures["total"]))


__all__ = ["ledger", "quiz_results", "seed_ledger", "seed_quiz", "year_summary"]
