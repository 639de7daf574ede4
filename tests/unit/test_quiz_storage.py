"""Quiz data: the counted answer sheet per member (best attempt), absentees, and the streamed
export of a large branch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from sqlmodel import Session, select

from storage import quiz as quizzes
from storage import quiz_polls
from storage.db import Database, sqlite_url
from storage.exports.quiz import QuizNotFound, build_quiz_export
from storage.models import Branch, Member, QuizAnswer, QuizAttempt
from storage.spreadsheets import Question

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def bank(count: int) -> list[Question]:
    return [
        Question(
            text=f"第{i}道题",
            options=("甲", "乙", "丙", "丁"),
            answer=frozenset({0, 2}) if i % 5 == 0 else frozenset({i % 4}),
            explanation="",
            points=1 + i % 2,
            row=i + 2,
        )
        for i in range(count)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(sqlite_url(tmp_path / "y.db"))
    database.migrate()
    return database


def branch_with_members(s: Session, names: list[str]) -> tuple[int, list[int]]:
    branch = Branch(chat_id=-100, title="支部", created_at=NOW)
    s.add(branch)
    s.flush()
    assert branch.id is not None
    ids = []
    for i, name in enumerate(names):
        member = Member(branch_id=branch.id, user_id=100 + i, name=name, joined_at=NOW)
        s.add(member)
        s.flush()
        assert member.id is not None
        ids.append(member.id)
    return branch.id, ids


def test_the_best_attempt_counts_and_silent_members_are_absent(db: Database) -> None:
    with db.session() as s:
        branch_id, (wang, li, zhang) = branch_with_members(s, ["王", "李", "张"])
        quiz = quizzes.create(
            s,
            branch_id=branch_id,
            title="测",
            questions=bank(2),
            poll_ok=True,
            created_by=1,
            now=NOW,
        )
        assert quiz.id is not None
        q1, q2 = (q.id for q in quizzes.questions(s, quiz.id))
        assert q1 is not None and q2 is not None
        first = quizzes.new_attempt(
            s, quiz_id=quiz.id, member_id=wang, user_id=100, number=1, now=NOW
        )
        assert (
            quizzes.new_attempt(s, quiz_id=quiz.id, member_id=wang, user_id=100, number=1, now=NOW)
            == first
        )
        second = quizzes.new_attempt(
            s, quiz_id=quiz.id, member_id=wang, user_id=100, number=2, now=NOW
        )
        # First sheet: q1 wrong, q2 right (2 points); second: q1 right (1 point).
        assert quizzes.record_answer(s, attempt_id=first, question_id=q1, chosen=[3], now=NOW)
        assert not quizzes.record_answer(s, attempt_id=first, question_id=q1, chosen=[0], now=NOW)
        quizzes.record_answer(s, attempt_id=first, question_id=q2, chosen=[1], now=NOW)
        quizzes.record_answer(s, attempt_id=second, question_id=q1, chosen=[0, 2], now=NOW)
        # 李 opened a sheet and answered nothing; 张 never started.
        quizzes.new_attempt(s, quiz_id=quiz.id, member_id=li, user_id=101, number=1, now=NOW)

        keys = quizzes.keys(s, quiz.id)
        sheets = list(quizzes.sheets(s, quiz.id, keys))
        assert [(x.name, x.attempt_id, x.score.points) for x in sheets] == [("王", first, 2)]
        assert sheets[0].finished_at == NOW  # both questions answered
        absent = [(m.id, m.name) for m in quizzes.absent_members(s, quiz.id, branch_id)]
        assert absent == [(li, "李"), (zhang, "张")]


def test_an_unknown_quiz_cannot_be_exported(db: Database, tmp_path: Path) -> None:
    with db.session() as s, pytest.raises(QuizNotFound):
        build_quiz_export(s, quiz_id=42, tz=SHANGHAI, csv_path=tmp_path / "x.csv")


def test_a_large_branch_is_exported_row_by_row(db: Database, tmp_path: Path) -> None:
    members, count = 1000, 20
    with db.session() as s:
        branch_id, _ = branch_with_members(s, [])
        quiz = quizzes.create(
            s,
            branch_id=branch_id,
            title="大",
            questions=bank(count),
            poll_ok=True,
            created_by=1,
            now=NOW,
        )
        assert quiz.id is not None
        qids = [q.id for q in quizzes.questions(s, quiz.id)]
        s.execute(
            insert(Member),
            [
                {
                    "branch_id": branch_id,
                    "user_id": 10_000 + i,
                    "name": f"同志{i}",
                    "party_member": i % 2 == 0,
                    "active": True,
                    "joined_at": NOW,
                }
                for i in range(members + 10)
            ],
        )
        s.execute(
            insert(QuizAttempt),
            [
                {
                    "quiz_id": quiz.id,
                    "member_id": i + 1,
                    "user_id": 10_000 + i,
                    "number": 1,
                    "position": 0,
                    "pending": "",
                    "started_at": NOW,
                }
                for i in range(members)
            ],
        )
        s.execute(
            insert(QuizAnswer),
            [
                {
                    "attempt_id": a,
                    "question_id": qid,
                    "chosen": str(a % 4),
                    "answered_at": NOW + timedelta(minutes=n),
                }
                for a in range(1, members + 1)
                for n, qid in enumerate(qids)
            ],
        )
        s.commit()
        result = build_quiz_export(
            s,
            quiz_id=quiz.id,
            tz=SHANGHAI,
            xlsx_path=tmp_path / "o.xlsx",
            csv_path=tmp_path / "o.csv",
        )
    assert (result.participants, result.absent) == (members, 10)
    book = load_workbook(tmp_path / "o.xlsx", read_only=True)
    rows = list(book["成绩"].iter_rows(values_only=True))
    assert len(rows) == members + 1 and len(rows[0]) == 5 + count
    # 同志0 (sheet 1) chose B everywhere: right where B alone is the answer.
    expected = sum(1 + i % 2 for i in range(count) if i % 5 != 0 and i % 4 == 1)
    assert rows[1][:2] == ("同志0", expected)
    assert rows[1][4] == datetime(2026, 11, 26, 9, 19)  # the last answer, local time
    assert len(list(book["未参加"].iter_rows(values_only=True))) == 11
    book.close()
    assert len((tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()) == members + 1


def test_polls_to_stop_are_the_sent_ones_without_a_stop_and_unsent_ones_are_cancelled(
    db: Database,
) -> None:
    from storage import outbox
    from storage.models import OutboxMessage

    def row(ref: int, status: str, message_id: int | None, key: str | None = None) -> None:
        new_id = outbox.add(
            s,
            OutboxMessage(
                chat_id=-100,
                method="sendPoll" if key is None else "stopPoll",
                payload="{}",
                kind=quizzes.POLL_KIND if key is None else "quiz.stop",
                ref=str(ref),
                dedupe_key=key,
                not_before=NOW,
                created_at=NOW,
            ),
        )
        assert new_id is not None
        found = s.get_one(OutboxMessage, new_id)
        found.status, found.message_id = status, message_id

    with db.session() as s:
        row(1, "sent", 11)
        row(2, "sent", 12)
        row(2, "pending", None, key=quizzes.stop_key(2))  # already being stopped
        row(3, "pending", None)  # not sent yet when the quiz closed
        row(4, "sent", 14)  # another quiz's poll
        s.flush()
        assert quiz_polls.unstopped_polls(s, [1, 2, 3]) == [(1, -100, 11)]
        quiz_polls.cancel_unsent_polls(s, [1, 2, 3])
        statuses = {(r.ref, r.kind): r.status for r in s.exec(select(OutboxMessage)).all()}
    assert statuses[("3", quizzes.POLL_KIND)] == "failed"
    assert statuses[("1", quizzes.POLL_KIND)] == "sent"
    assert statuses[("2", "quiz.stop")] == "pending"
