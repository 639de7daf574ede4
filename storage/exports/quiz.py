"""Quiz results as spreadsheets for staff: .xlsx (three sheets) and .csv (the first sheet).

Sheet 1 "成绩": one row per member who took part — name, score, correct count, started,
finished, and the option(s) chosen for every question. Sheet 2 "各题正确率": per question, how
many answered, how many were right and the most common wrong answer. Sheet 3 "未参加": active
branch members who gave no answer.

Rows are streamed from the database into the streaming writers, so 10,000 members × 20
questions never sit in memory at once. Called from the bot (in a worker thread), from the
`yinling export quiz` command and from benchmarks; it must not touch Telegram.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import branches
from storage import quiz as quizzes
from storage.exports import page_header
from storage.quiz_scoring import Key, Tally, letters
from storage.spreadsheets import PERCENT, ChartSpec, SheetSpec, write_csv, write_xlsx

FIXED_HEADER = ("姓名", "得分", "答对题数", "开始答题", "完成答题")
QUESTION_HEADER = (
    "题号",
    "题目",
    "正确答案",
    "分值",
    "作答人数",
    "答对人数",
    "正确率",
    "最常见的错误答案",
)
ACCURACY_CHART = ChartSpec("各题正确率", categories="题号", series=["正确率"], y_title="正确率")
ABSENT_HEADER = ("姓名", "党员")


class QuizNotFound(LookupError):
    """No quiz with this id (or it belongs to no branch yet)."""


@dataclass
class ExportResult:
    """What was written, for the caller's message."""

    title: str
    participants: int = 0
    absent: int = 0


def build_quiz_export(
    session: Session,
    *,
    quiz_id: int,
    tz: ZoneInfo,
    xlsx_path: Path | None = None,
    csv_path: Path | None = None,
) -> ExportResult:
    """Write the results of quiz `quiz_id` to `xlsx_path` and/or `csv_path`."""
    quiz = quizzes.get(session, quiz_id)
    if quiz is None or quiz.branch_id is None:
        raise QuizNotFound(quiz_id)
    branch_id = quiz.branch_id
    questions = quizzes.questions(session, quiz_id)
    keys = {q.id: quizzes.key_of(q) for q in questions if q.id is not None}
    order = [q.id for q in questions if q.id is not None]
    header = [*FIXED_HEADER, *(f"第{q.position}题" for q in questions)]
    result = ExportResult(title=quiz.title)
    branch = branches.get(session, branch_id)
    opened = quiz.opens_at.astimezone(tz).date() if quiz.opens_at is not None else None
    heading = page_header(f"知识测试“{quiz.title}”", branch.title if branch else "", opened, opened)

    if xlsx_path is not None:
        tallies = {qid: Tally() for qid in order}

        def sheet_specs() -> Iterator[SheetSpec]:
            # Generated lazily: sheet 2 is built from the tallies sheet 1 filled in.
            yield SheetSpec(
                "成绩",
                header,
                _member_rows(session, quiz_id, keys, order, tz, tallies, result),
            )
            yield SheetSpec(
                "各题正确率",
                QUESTION_HEADER,
                (
                    _question_row(q.position, q.text, keys[q.id], tallies[q.id])
                    for q in questions
                    if q.id is not None
                ),
                formats={"正确率": PERCENT},
                max_widths={"题目": 50},
                charts=[ACCURACY_CHART],
            )
            yield SheetSpec(
                "未参加",
                ABSENT_HEADER,
                _absent_rows(session, quiz_id, branch_id, result),
            )

        write_xlsx(xlsx_path, sheet_specs(), page_header=heading)
    if csv_path is not None:
        result.participants = 0
        write_csv(csv_path, header, _member_rows(session, quiz_id, keys, order, tz, None, result))
    return result


def _member_rows(
    session: Session,
    quiz_id: int,
    keys: dict[int, Key],
    order: Sequence[int],
    tz: ZoneInfo,
    tallies: dict[int, Tally] | None,
    result: ExportResult,
) -> Iterator[list[object]]:
    for sheet in quizzes.sheets(session, quiz_id, keys):
        result.participants += 1
        if tallies is not None:
            for qid, chosen in sheet.choices.items():
                if qid in tallies:
                    tallies[qid].add(chosen, keys[qid])
        yield [
            sheet.name,
            sheet.score.points,
            sheet.score.correct,
            _local(sheet.started_at, tz),
            _local(sheet.finished_at, tz),
            *(_letters_or_none(sheet.choices.get(qid)) for qid in order),
        ]


def _question_row(position: int, text: str, key: Key, tally: Tally) -> list[object]:
    wrong = tally.most_common_wrong()
    return [
        position,
        text,
        letters(key.answer),
        key.points,
        tally.answered,
        tally.correct,
        tally.correct / tally.answered if tally.answered else None,
        f"{wrong[0]}（{wrong[1]}人）" if wrong else None,
    ]


def _absent_rows(
    session: Session, quiz_id: int, branch_id: int, result: ExportResult
) -> Iterator[list[object]]:
    for member in quizzes.absent_members(session, quiz_id, branch_id):
        result.absent += 1
        yield [member.name, member.party_member]


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.astimezone(tz) if value is not None else None


def _letters_or_none(chosen: frozenset[int] | None) -> str | None:
    return letters(chosen) if chosen else None
