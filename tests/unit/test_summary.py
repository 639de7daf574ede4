"""The year's figures (全年工作数据), without Telegram: every figure equals a count made here
straight from the tables with SQL, the per-session figures equal the study ledger's, and the
workbook reads and prints like every other one."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import Session

from bot.services import summary as said
from bot.texts import summary as T
from storage.db import Database, sqlite_url
from storage.exports import summary as S
from storage.exports.ledger import build_ledger
from storage.models import (
    Activity,
    ActivitySignup,
    Branch,
    Material,
    Member,
    OutboxMessage,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    Reflection,
    ThemeSession,
    ThemeSessionMaterial,
    Visit,
)
from storage.reflections import KIND_NAMES
from storage.spreadsheets import DECIMAL, PERCENT, Formatted
from tests.workbooks import check_workbook

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 6, 1, tzinfo=UTC)
STAFF = 99
TODAY = date(2026, 11, 26)
GROUP, OTHER_GROUP = -100, -200


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def theme(sid: int, branch_id: int, day: date, *, pushed: bool = True) -> ThemeSession:
    at = local(day)
    return ThemeSession(
        id=sid,
        branch_id=branch_id,
        key=f"rule:{day}",
        local_date=day,
        topic=f"{day.month}月主题党日：学习贯彻党的二十届四中全会精神",
        deadline=at + timedelta(days=7),
        reminders=json.dumps([]),
        created_at=at,
        pushed_at=at if pushed else None,
    )


def reflection(
    n: int, sid: int, member: int, kind: str, at: datetime, late: bool = False
) -> Reflection:
    return Reflection(
        session_id=sid,
        member_id=member,
        kind=kind,
        text="学习了本月材料，深受教育。" if kind == "text" else None,
        duration=75 if kind == "voice" else None,
        chat_id=GROUP,
        message_id=n,
        via="reply",
        submitted_at=at,
        late=late,
    )


def greeting(
    n: int, kind: str, ref: int, key: str, at: datetime, *, status: str = "sent", chat: int = GROUP
) -> OutboxMessage:
    return OutboxMessage(
        chat_id=chat,
        method="sendMessage",
        payload="{}",
        dedupe_key=key,
        kind=kind,
        ref=str(ref),
        status=status,
        not_before=at,
        created_at=at,
        sent_at=at if status == "sent" else None,
    )


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """Two branches. Branch 1 in 2026: three theme days pushed (one not yet pushed, one in 2025),
    members who joined late, left, or are staff; two quizzes (one with a retry), one in 2025;
    greetings in the group and privately, one that failed, and the other branch's."""
    database = Database(sqlite_url(tmp_path / "y.db"))
    database.migrate()
    with Session(database.engine) as s:
        s.add(Branch(id=1, chat_id=GROUP, title="老干之家", created_at=T0))
        s.add(Branch(id=2, chat_id=OTHER_GROUP, title="第二支部", created_at=T0))
        s.flush()
        s.add_all(
            [
                Member(
                    id=1, branch_id=1, user_id=11, name="王建国", party_member=True, joined_at=T0
                ),
                Member(id=2, branch_id=1, user_id=12, name="李秀英", joined_at=T0),
                Member(id=3, branch_id=1, user_id=13, name="欧阳建国（离休干部）", joined_at=T0),
                Member(id=4, branch_id=1, user_id=14, name="已离开", active=False, joined_at=T0),
                Member(id=5, branch_id=1, user_id=STAFF, name="孙干事", joined_at=T0),
                # joined after the March theme day: asked from May on
                Member(
                    id=6, branch_id=1, user_id=16, name="新同志", joined_at=local(date(2026, 4, 1))
                ),
                Member(id=7, branch_id=1, user_id=None, name="陈桂兰", joined_at=T0),
                Member(id=8, branch_id=2, user_id=21, name="别的支部", joined_at=T0),
            ]
        )
        s.flush()
        s.add_all(
            [
                theme(1, 1, date(2025, 12, 15)),
                theme(2, 1, date(2026, 3, 15)),
                theme(3, 1, date(2026, 5, 15)),
                theme(4, 1, date(2026, 5, 28)),
                theme(5, 1, date(2026, 12, 15), pushed=False),
                theme(6, 2, date(2026, 3, 15)),
            ]
        )
        s.flush()
        for mid in range(1, 6):
            s.add(Material(id=mid, branch_id=1, kind="text", title=f"材料{mid}", source_chat_id=GROUP,
                           source_message_id=mid, added_by=1, state="library", created_at=T0))  # fmt: skip
        s.flush()
        for sid, mid in [(1, 1), (2, 1), (2, 2), (3, 3), (4, 4), (4, 5), (6, 5)]:
            s.add(ThemeSessionMaterial(session_id=sid, material_id=mid, position=mid))
        n = 0

        def add(sid: int, member: int, kind: str, days: int = 1, late: bool = False) -> None:
            nonlocal n
            n += 1
            at = local(date(2026, 3, 15) if sid == 2 else date(2026, 5, 15)) + timedelta(days=days)
            if sid == 1:
                at = local(date(2025, 12, 16))
            s.add(reflection(n, sid, member, kind, at, late))

        add(1, 1, "text")  # 2025: not counted
        add(2, 1, "text")
        add(2, 1, "photo")  # two items, one member
        add(2, 2, "voice")
        add(2, 4, "text")  # has left since: still counted, under their name
        add(2, 5, "text")  # staff who submitted all the same
        add(3, 1, "voice")
        add(3, 3, "photo", days=9, late=True)
        add(3, 6, "text")
        add(4, 2, "document")
        add(4, 6, "audio")
        add(6, 8, "text")  # the other branch
        s.flush()
        # Quizzes: points 1 and 2; answers: B=1 (q1), {0,1,2} (q2).
        s.add_all(
            [
                Quiz(id=1, branch_id=1, title="党史知识测试", status="closed", mode="group",
                     question_count=2, created_at=T0, opens_at=local(date(2026, 6, 28))),
                Quiz(id=2, branch_id=1, title="党章测试", status="open", mode="private",
                     question_count=2, allow_retry=True, created_at=T0,
                     opens_at=local(date(2026, 10, 1))),
                Quiz(id=3, branch_id=1, title="去年的测试", status="closed", mode="group",
                     question_count=2, created_at=T0, opens_at=local(date(2025, 10, 1))),
                Quiz(id=4, branch_id=1, title="草稿", status="draft", question_count=2,
                     created_at=T0),
            ]
        )  # fmt: skip
        s.flush()
        qid = 0
        for quiz in (1, 2, 3, 4):
            for position, (answer, points) in enumerate([("1", 1), ("0,1,2", 2)], start=1):
                qid += 1
                s.add(QuizQuestion(id=qid, quiz_id=quiz, position=position, text=f"第{position}题",
                                   options=json.dumps(["甲", "乙", "丙", "丁"]), answer=answer,
                                   points=points))  # fmt: skip
        s.flush()
        attempts = [
            # (id, quiz, member, number, {question: chosen})
            (1, 1, 1, 1, {1: "1", 2: "0,1,2"}),  # 3 points
            (2, 1, 2, 1, {1: "0", 2: "0,1,2"}),  # 2
            (3, 1, 3, 1, {}),  # started, never answered: no sheet
            (4, 2, 1, 1, {3: "0"}),  # 0 …
            (5, 2, 1, 2, {3: "1", 4: "0,1"}),  # … then 1 on the retry: the best counts
            (6, 2, 4, 1, {3: "1", 4: "0,1,2"}),  # 3, has left since
            (7, 3, 1, 1, {5: "1"}),  # 2025
        ]
        for aid, quiz, member, number, answers in attempts:
            s.add(QuizAttempt(id=aid, quiz_id=quiz, member_id=member, user_id=10 + member,
                              number=number, started_at=local(date(2026, 6, 28))))  # fmt: skip
            s.flush()
            for question, chosen in answers.items():
                s.add(QuizAnswer(attempt_id=aid, question_id=question, chosen=chosen,
                                 answered_at=local(date(2026, 6, 28))))  # fmt: skip
        birthday = local(date(2026, 3, 12), 8)
        s.add_all(
            [
                greeting(1, "care.birthday", 1, "greet:birthday:1:2026-03-12:group", birthday),
                greeting(2, "care.birthday", 1, "greet:birthday:1:2026-03-12:private", birthday),
                greeting(
                    3,
                    "care.birthday",
                    2,
                    "greet:birthday:2:2026-07-02:group",
                    local(date(2026, 7, 2), 8),
                ),
                greeting(
                    4,
                    "care.birthday",
                    3,
                    "greet:birthday:3:2026-08-02:group",
                    local(date(2026, 8, 2), 8),
                    status="failed",
                ),
                greeting(
                    5,
                    "care.anniversary",
                    1,
                    "greet:anniversary:1:2026-07-01:private",
                    local(date(2026, 7, 1), 8),
                ),
                greeting(
                    6,
                    "care.festival",
                    1,
                    "festival:1:spring:2026-02-17",
                    local(date(2026, 2, 17), 8),
                ),
                greeting(
                    7,
                    "care.festival",
                    1,
                    "festival:1:double_ninth:2026-10-18",
                    local(date(2026, 10, 18), 8),
                ),
                greeting(
                    8,
                    "care.festival",
                    2,
                    "festival:2:spring:2026-02-17",
                    local(date(2026, 2, 17), 8),
                    chat=OTHER_GROUP,
                ),
                greeting(
                    9,
                    "care.birthday",
                    8,
                    "greet:birthday:8:2026-04-02:group",
                    local(date(2026, 4, 2), 8),
                    chat=OTHER_GROUP,
                ),
                greeting(10, "care.digest", 1, "digest:1:2026-03-16:99", birthday),
                greeting(
                    11,
                    "care.birthday",
                    2,
                    "greet:birthday:2:2025-07-02:group",
                    local(date(2025, 7, 2), 8),
                ),
            ]
        )
        s.commit()
    return database


def one(s: Session, sql: str, *params: object) -> int:
    return int(s.connection().exec_driver_sql(sql, tuple(params)).scalar_one())


def rows(s: Session, sql: str, *params: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in s.connection().exec_driver_sql(sql, tuple(params))]


def ids(s: Session, sql: str, *params: object) -> set[int]:
    return {int(str(r[0])) for r in rows(s, sql, *params)}


# 2026-01-01 00:00 to 2026-11-27 00:00 in Shanghai, as stored (naive UTC).
YEAR_UTC = ("2025-12-31 16:00:00", "2026-11-26 16:00:00")


YEAR_SESSIONS = (
    "SELECT id FROM theme_session WHERE branch_id = 1 AND pushed_at IS NOT NULL"
    " AND local_date BETWEEN '2026-01-01' AND '2026-11-26'"
)


@dataclass
class Counted:
    """The figures, counted here straight from the tables."""

    sessions: list[int]
    materials: int
    reflections: int
    kinds: dict[str, int]
    once: int
    members: int
    quizzes: int
    expected: dict[int, set[int]] = field(default_factory=dict)  # session → members asked
    submitted: dict[int, set[int]] = field(default_factory=dict)  # session → who handed in
    best: dict[tuple[int, int], int] = field(default_factory=dict)  # (quiz, member) → points
    greetings: dict[str, int] = field(default_factory=dict)


def counted(s: Session) -> Counted:
    sessions = [int(str(r[0])) for r in rows(s, YEAR_SESSIONS + " ORDER BY local_date, id")]
    in_year = f"session_id IN ({YEAR_SESSIONS})"
    found = Counted(
        sessions=sessions,
        materials=one(s, f"SELECT COUNT(*) FROM theme_session_material WHERE {in_year}"),
        reflections=one(s, f"SELECT COUNT(*) FROM reflection WHERE {in_year}"),
        kinds={
            str(kind): int(str(n))
            for kind, n in rows(
                s, f"SELECT kind, COUNT(*) FROM reflection WHERE {in_year} GROUP BY kind"
            )
        },
        once=one(s, f"SELECT COUNT(DISTINCT member_id) FROM reflection WHERE {in_year}"),
        members=one(
            s,
            "SELECT COUNT(*) FROM member WHERE branch_id = 1 AND active"
            " AND (user_id IS NULL OR user_id != ? OR party_member)",
            STAFF,
        ),
        quizzes=one(
            s,
            "SELECT COUNT(*) FROM quiz WHERE branch_id = 1 AND opens_at >= ? AND opens_at < ?",
            *YEAR_UTC,
        ),
    )
    for sid in sessions:
        asked = ids(
            s,
            "SELECT m.id FROM member m, theme_session t WHERE t.id = ? AND m.branch_id = 1"
            " AND m.active AND m.joined_at <= t.deadline"
            " AND (m.user_id IS NULL OR m.user_id != ? OR m.party_member)",
            sid,
            STAFF,
        )
        handed = ids(s, "SELECT member_id FROM reflection WHERE session_id = ?", sid)
        found.expected[sid] = asked | handed
        found.submitted[sid] = handed
    # Quizzes: each member's best answer sheet, scored here from the stored choices.
    keys = {
        int(str(qid)): (str(answer), int(str(points)))
        for qid, answer, points in rows(s, "SELECT id, answer, points FROM quiz_question")
    }
    for quiz, member, attempt in rows(
        s,
        "SELECT a.quiz_id, a.member_id, a.id FROM quiz_attempt a JOIN quiz q ON q.id = a.quiz_id"
        " WHERE q.branch_id = 1 AND q.opens_at >= ? AND q.opens_at < ?"
        " AND EXISTS (SELECT 1 FROM quiz_answer x WHERE x.attempt_id = a.id)",
        *YEAR_UTC,
    ):
        answers = rows(
            s, "SELECT question_id, chosen FROM quiz_answer WHERE attempt_id = ?", attempt
        )
        score = sum(keys[int(str(q))][1] for q, chosen in answers if chosen == keys[int(str(q))][0])
        sheet = (int(str(quiz)), int(str(member)))
        found.best[sheet] = max(found.best.get(sheet, -1), score)
    occasions: dict[str, set[str]] = defaultdict(set)
    for kind, ref, key, chat in rows(
        s,
        "SELECT kind, ref, dedupe_key, chat_id FROM outbox WHERE status = 'sent'"
        " AND kind IN ('care.birthday', 'care.anniversary', 'care.festival')"
        " AND created_at >= ? AND created_at < ?",
        *YEAR_UTC,
    ):
        if kind == "care.festival":
            mine = chat == GROUP
        else:
            mine = one(s, "SELECT branch_id FROM member WHERE id = ?", int(str(ref))) == 1
        if mine:
            occasion = str(key).removesuffix(":group").removesuffix(":private")
            occasions[str(kind).removeprefix("care.")].add(occasion)
    found.greetings = {kind: len(found_) for kind, found_ in occasions.items()}
    return found


def test_the_years_figures_equal_counts_made_from_the_tables(db: Database) -> None:
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2026, tz=TZ, today=TODAY, staff_ids=[STAFF])
        want = counted(s)
    figures = {a.key: a.figures for a in summary.areas}
    held = len(want.sessions)
    assert figures["themeday"] == {"held": held, "materials": want.materials}
    assert (held, want.materials) == (3, 5)  # the seeding did what it says

    asked = sum(len(v) for v in want.expected.values())
    handed = sum(len(v) for v in want.submitted.values())
    reflections = figures["reflections"]
    assert reflections["total"] == want.reflections == 10
    by_kind = reflections["by_kind"]
    assert by_kind == {KIND_NAMES[k]: n for k, n in want.kinds.items()}
    assert isinstance(by_kind, dict)
    assert list(by_kind) == [KIND_NAMES[k] for k in KIND_NAMES if k in want.kinds]
    assert reflections["rate"] == Formatted(handed / asked, PERCENT)

    members = figures["members"]
    assert members["once"] == want.once == 6  # 王, 李, 欧阳, 已离开, 孙干事, 新同志
    assert members["members"] == want.members == 5  # 王, 李, 欧阳, 新同志, 陈 (no staff)
    assert members["average"] == Formatted(handed / held, DECIMAL)

    quiz = figures["quiz"]
    points = sum(want.best.values())
    assert quiz["held"] == want.quizzes == 2
    assert quiz["sheets"] == len(want.best) == 4
    assert quiz["average"] == Formatted(points / len(want.best), DECIMAL)
    assert points == 3 + 2 + 1 + 3

    assert figures["greetings"] == want.greetings
    assert want.greetings == {"birthday": 2, "anniversary": 1, "festival": 2}

    # Per month, from the month's sessions.
    sheet = summary.area("reflections").sheet
    assert sheet is not None
    by_month: Counter[int] = Counter()
    asked_by_month: Counter[int] = Counter()
    with db.session() as s:
        for sid, day in rows(s, YEAR_SESSIONS.replace("SELECT id", "SELECT id, local_date")):
            month = date.fromisoformat(str(day)).month
            by_month[month] += len(want.submitted[int(str(sid))])
            asked_by_month[month] += len(want.expected[int(str(sid))])
    table = [list(row) for row in sheet.rows]
    for month in range(1, 13):
        row = table[month - 1]
        assert row[0] == f"{month}月"
        assert (row[2], row[3]) == (asked_by_month[month], by_month[month])
        rate = by_month[month] / asked_by_month[month] if asked_by_month[month] else None
        assert row[4] == rate
    assert table[12][:4] == ["全年", 3, asked, handed]


def test_the_summary_agrees_with_the_ledger_of_the_same_year(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2026, tz=TZ, today=TODAY, staff_ids=[STAFF])
        build_ledger(
            s, branch_id=1, tz=TZ, xlsx_path=tmp_path / "l.xlsx", archive_dir=tmp_path,
            since=date(2026, 1, 1), until=TODAY, staff_ids=[STAFF],
        )  # fmt: skip
    S.write_summary(summary, tmp_path / "s.xlsx")
    ledger = openpyxl.load_workbook(tmp_path / "l.xlsx")
    mine = openpyxl.load_workbook(tmp_path / "s.xlsx")
    _, *ledger_sessions = ledger["参与情况汇总"].iter_rows(values_only=True)
    _, *summary_sessions = mine["主题党日"].iter_rows(values_only=True)
    assert len(ledger_sessions) == len(summary_sessions) == 3
    for theirs, ours in zip(ledger_sessions, summary_sessions, strict=True):
        # date, topic | expected, submitted, not, rate, late | items
        assert ours[:2] == theirs[:2]
        assert ours[3:8] == theirs[3:8]
        assert ours[8] == theirs[8]
    _, *details = ledger["台账明细"].iter_rows(values_only=True)
    handed_in = [r for r in details if r[6] != "未提交"]
    assert len(handed_in) == summary.area("reflections").figures["total"]
    by_kind = summary.area("reflections").figures["by_kind"]
    assert isinstance(by_kind, dict)
    assert Counter(r[6] for r in handed_in) == Counter(by_kind)
    overview = dict(mine["全年概况"].iter_rows(min_row=2, values_only=True))
    assert overview["主题党日（次）"] == 3
    assert overview["收到心得（份）"] == len(handed_in)
    assert overview["收到答卷（份）"] == 4


def test_the_workbook_reads_and_prints_well(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2026, tz=TZ, today=TODAY, staff_ids=[STAFF])
    path = tmp_path / "s.xlsx"
    S.write_summary(summary, path)
    book = check_workbook(path.read_bytes(), charts=frozenset({"每月参与", "主题党日"}))
    assert book.sheetnames == [
        "全年概况",
        "主题党日",
        "每月参与",
        "每人参与",
        "知识测试",
        "活动",
        "走访慰问",
        "关怀问候",
    ]
    sheet = book["全年概况"]
    assert sheet.oddHeader.left.text == "老干之家　2026年工作数据　2026-01-01 至 2026-11-26"
    people = {r[0]: r for r in book["每人参与"].iter_rows(min_row=2, values_only=True)}
    assert people["欧阳建国（离休干部）"][2:] == (3, 1, 1 / 3, 1)
    assert people["陈桂兰"][2:] == (3, 0, 0, 0)
    assert people["新同志"][2:] == (2, 2, 1, 2)  # not asked in March: joined in April


def test_the_chat_text_says_each_area_in_a_line(db: Database) -> None:
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2026, tz=TZ, today=TODAY, staff_ids=[STAFF])
    text = said.text(summary)
    assert text.splitlines() == [
        "📊 <b>老干之家 2026年工作数据</b>（截至11月26日）",
        "🗓 主题党日 3 次，推送学习材料 5 份。",
        "📝 收到心得体会 10 份（文字 4、语音 2、录音 1、照片 2、文件 1），全年参与率 56%。",
        "👥 6 位同志至少参加过一次，平均每次 3 人交流发言。",
        "✅ 知识测试 2 次，共收到答卷 4 份，平均 2.3 分。",
        "🎂 生日祝福 2 人次，政治生日祝贺 1 人次，节日问候 2 次。",
        T.SUMMARY_FOOTER,
    ]


def test_an_empty_year_says_so(db: Database) -> None:
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2024, tz=TZ, today=TODAY)
    assert summary.empty
    assert "（全年）" in said.text(summary)
    assert "还没有举办知识测试" in said.text(summary)


def test_every_area_has_its_line_in_the_chat_text(db: Database) -> None:
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2026, tz=TZ, today=TODAY)
    for area in summary.areas:
        assert area.key in T.SUMMARY_LINES and area.key in T.SUMMARY_EMPTY_LINES
        # Every placeholder of the line is a figure of the area.
        T.SUMMARY_LINES[area.key].format(**{k: "x" for k in area.figures})


def test_a_branch_that_does_not_exist(db: Database) -> None:
    with db.session() as s, pytest.raises(S.BranchNotFound):
        S.year_summary(s, branch_id=9, year=2026, tz=TZ, today=TODAY)


def test_activities_and_visits_are_counted_from_their_records(db: Database, tmp_path: Path) -> None:
    """Held (cancelled apart, not yet started left out), sign-ups without family, family apart,
    check-ins; visits by kind, the members visited and the 慰问金."""

    def activity(title: str, day: date, *, status: str = "open") -> Activity:
        return Activity(
            branch_id=1, title=title, starts_at=local(day), place="公园", deadline=local(day),
            status=status, created_by=STAFF, created_at=T0,
        )  # fmt: skip

    with Session(db.engine) as s:
        walk, talk, rain, later = (
            activity("春游", date(2026, 4, 10)),
            activity("座谈会", date(2026, 7, 1)),
            activity("赏花", date(2026, 5, 1), status="cancelled"),
            activity("新年联欢", date(2026, 12, 28)),  # after TODAY: not held yet
        )
        s.add_all([walk, talk, rain, later])
        s.flush()
        assert walk.id and talk.id and rain.id and later.id
        s.add_all(
            [
                ActivitySignup(activity_id=walk.id, member_id=1, status="going", family=True,
                               checked_in_at=local(date(2026, 4, 10))),
                ActivitySignup(activity_id=walk.id, member_id=2, status="going"),
                ActivitySignup(activity_id=walk.id, member_id=3, status="declined"),
                ActivitySignup(activity_id=walk.id, member_id=6, status="waiting", queue_no=4),
                ActivitySignup(activity_id=talk.id, member_id=3, status="going",
                               checked_in_at=local(date(2026, 7, 1))),
                ActivitySignup(activity_id=rain.id, member_id=2, status="going"),
                ActivitySignup(activity_id=later.id, member_id=2, status="going"),
            ]
        )  # fmt: skip
        for member, kind, day, amount in [
            (1, "birthday", date(2026, 3, 2), 500),
            (1, "festival", date(2026, 9, 20), None),
            (7, "hospital", date(2026, 6, 5), 300),
            (7, "hospital", date(2025, 12, 30), 999),  # last year
            (8, "hospital", date(2026, 6, 5), 888),  # the other branch
        ]:
            s.add(Visit(branch_id=1 if member != 8 else 2, member_id=member, kind=kind,
                        visited_on=day, amount=amount, recorded_by=STAFF, recorded_at=T0))  # fmt: skip
        s.commit()
    with db.session() as s:
        summary = S.year_summary(s, branch_id=1, year=2026, tz=TZ, today=TODAY, staff_ids=[STAFF])
    held = summary.area("activities").figures
    assert held == {"held": 2, "signups": 3, "family": 1, "attended": 2}
    made = summary.area("visits").figures
    assert made == {
        "total": 3, "people": 2, "amount": 800, "by_kind": {"生日祝寿": 1, "住院探视": 1, "节日走访": 1},
    }  # fmt: skip
    lines = said.text(summary).splitlines()
    assert "📣 组织活动 2 次，报名 3 人次，到场 2 人次。" in lines
    assert any(line.startswith("🤝 走访慰问 3 次") and "慰问金 800 元" in line for line in lines)
    path = tmp_path / "s.xlsx"
    S.write_summary(summary, path)
    book = openpyxl.load_workbook(path)
    listed = [r[1:] for r in book["活动"].iter_rows(min_row=2, values_only=True)]
    assert listed == [
        ("春游", 2, 1, 1, "已举办"),
        ("赏花", 1, 0, 0, "已取消"),
        ("座谈会", 1, 0, 1, "已举办"),
    ]
    overview = dict(book["全年概况"].iter_rows(min_row=2, values_only=True))
    assert overview["举办活动（次）"] == 2
    assert overview["慰问金（元）"] == 800
