"""The year's work in figures (全年工作数据), for the bureau's 离退休工作汇报: the numbers and
their workbook (an overview sheet, then one sheet per area of work, with charts).

Every figure is counted from the records when asked, never from a stored total:

* theme days: the sessions pushed in the year and the materials that went out with them;
* reflections and members: who was asked and who handed in what, per session, counted by
  `ledger.participation` exactly as the study ledger counts them, so the two always agree;
* quizzes: those started in the year, and their answer sheets as the results export counts
  them (`storage.quiz.sheets`: one per member who answered, the best if they answered twice);
* activities: those held in the year (cancelled ones listed apart), sign-ups and attendance
  (`storage.activities.year_figures`);
* visits: by kind, the members visited, the 慰问金 (`storage.visits.year_figures`);
* greetings: the occasions that went out (the outbox), a birthday greeted in the group and
  privately counting once.

Members are those the ledger asks (`ledger.asked_members`: storage.people, staff left out);
member statuses (在册/住院/调离/已故) belong in that one rule, and every figure here follows it.

Adding an area is one function in `AREAS`: it counts its records for the
`Year` and returns an `Area` (its figures by name, its lines on the overview sheet, its sheet);
the chat text takes the line of the same key from `bot/texts/summary.py`.

Pure storage and file writing, no Telegram: the bot calls it from a worker thread, and the
`yinling export summary` command directly.

Why one module of this size: one short function per area of the year (`AREAS`), side by side,
so that the figures and the sheets stay alike; adding an area adds one function here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import activities, branches, care, materials, visits
from storage import quiz as quizzes
from storage.exports import ledger, page_header
from storage.models import Member
from storage.reflections import KIND_NAMES
from storage.spreadsheets import DECIMAL, PERCENT, ChartSpec, Formatted, SheetSpec, write_xlsx

MONTHS = [f"{month}月" for month in range(1, 13)]
TOTAL = "全年"
QUIZ_MODES = {"group": "群内答题", "private": "私聊答题"}
GREETING_NAMES = {"birthday": "生日祝福", "anniversary": "政治生日", "festival": "节日问候"}


class BranchNotFound(LookupError):
    """No branch with this id."""


@dataclass(frozen=True)
class Year:
    """What a summary covers: one branch, one calendar year in the branch's time zone, up to
    `until` (31 December, or today for the year in progress)."""

    branch_id: int
    branch: str
    chat_id: int
    year: int
    until: date
    tz: ZoneInfo
    staff_ids: frozenset[int] = frozenset()

    @property
    def since(self) -> date:
        return date(self.year, 1, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time(0), self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), time(0), self.tz)


@dataclass
class Area:
    """One area of the year's work, counted.

    `figures` are the numbers by name for the chat text (bot/texts/summary.py, the line with
    this `key`): ints, `Formatted` rates and averages, or a dict of counts by kind; `overview`
    the lines it adds to the overview sheet; `sheet` its own sheet.
    """

    key: str
    figures: dict[str, object]
    overview: list[tuple[str, object]]
    sheet: SheetSpec | None = None
    empty: bool = False


@dataclass
class YearSummary:
    year: Year
    areas: list[Area] = field(default_factory=list)

    def area(self, key: str) -> Area:
        return next(a for a in self.areas if a.key == key)

    @property
    def empty(self) -> bool:
        return all(a.empty for a in self.areas)


class Records:
    """What several areas count from, read once: the year's theme-day sessions and who took
    part in each, exactly as the ledger counts them."""

    def __init__(self, session: Session, year: Year) -> None:
        self.sessions = ledger.sessions_for(
            session, branch_id=year.branch_id, since=year.since, until=year.until
        )
        self.taking_part = [
            ledger.participation(session, theme, year.staff_ids) for theme in self.sessions
        ]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- the areas ----------------------------------------------------------------------------

THEMEDAY_HEADER = [
    "主题党日日期",
    "主题",
    "学习材料（份）",
    "应交人数",
    "已交人数",
    "未交人数",
    "参与率",
    "逾期人数",
    "收到心得（份）",
]


def theme_days(session: Session, year: Year, records: Records) -> Area:
    """主题党日: the sessions held and the study materials pushed with them."""
    ids = [t.id for t in records.sessions if t.id is not None]
    pushed = materials.pushed_counts(session, ids)
    rows: list[list[object]] = []
    for part in records.taking_part:
        theme = part.theme
        rows.append(
            [
                theme.local_date,
                theme.topic,
                pushed.get(theme.id or 0, 0),
                part.expected,
                part.submitted,
                part.expected - part.submitted,
                _rate(part.submitted, part.expected),
                part.late,
                part.items,
            ]
        )
    held, total = len(records.sessions), sum(pushed.values())
    return Area(
        "themeday",
        {"held": held, "materials": total},
        [("主题党日（次）", held), ("推送学习材料（份）", total)],
        SheetSpec(
            "主题党日",
            THEMEDAY_HEADER,
            rows,
            formats={"参与率": PERCENT},
            charts=[ledger.SUMMARY_CHART],
        ),
        empty=held == 0,
    )


def reflections(session: Session, year: Year, records: Records) -> Area:
    """心得体会: what was handed in, by kind and by month, and the participation rate."""
    kinds = list(KIND_NAMES)
    held = [0] * 12
    expected = [0] * 12
    submitted = [0] * 12
    by_kind = [Counter[str]() for _ in range(12)]
    for part in records.taking_part:
        month = part.theme.local_date.month - 1
        held[month] += 1
        expected[month] += part.expected
        submitted[month] += part.submitted
        by_kind[month].update(part.kinds())
    year_kinds = sum(by_kind, Counter[str]())
    rows: list[list[object]] = []
    for month in range(12):
        counts = by_kind[month]
        rows.append(
            [
                MONTHS[month],
                held[month],
                expected[month],
                submitted[month],
                _rate(submitted[month], expected[month]),
                *(counts[k] for k in kinds),
                sum(counts.values()),
            ]
        )
    rate = _rate(sum(submitted), sum(expected))
    rows.append(
        [
            TOTAL,
            sum(held),
            sum(expected),
            sum(submitted),
            rate,
            *(year_kinds[k] for k in kinds),
            sum(year_kinds.values()),
        ]
    )
    total = sum(year_kinds.values())
    names = [KIND_NAMES[k] for k in kinds]
    return Area(
        "reflections",
        {
            "total": total,
            "by_kind": {KIND_NAMES[k]: year_kinds[k] for k in kinds if year_kinds[k]},
            "rate": Formatted(rate, PERCENT),
        },
        [
            ("收到心得（份）", total),
            *((f"　其中{KIND_NAMES[k]}（份）", year_kinds[k]) for k in kinds),
            ("全年参与率（已交人次 ÷ 应交人次）", Formatted(rate, PERCENT)),
        ],
        SheetSpec(
            "每月参与",
            ["月份", "主题党日（次）", "应交人次", "已交人次", "参与率", *names, "心得合计（份）"],
            rows,
            formats={"参与率": PERCENT},
            charts=[
                ChartSpec(
                    f"{year.year}年每月参与率",
                    categories="月份",
                    series=["参与率"],
                    y_title="参与率",
                    first_rows=12,
                ),
            ],
        ),
        empty=total == 0,
    )


def members(session: Session, year: Year, records: Records) -> Area:
    """参与的同志: who took part at least once, how many on average each time, and each
    member's year (who was asked how often, and how often they handed in)."""
    asked: dict[int, int] = Counter()
    took: dict[int, int] = Counter()
    items: dict[int, int] = Counter()
    people: dict[int, Member] = {}
    for part in records.taking_part:
        for member in part.members:
            mid = member.id or 0
            people.setdefault(mid, member)
            asked[mid] += 1
            found = part.of(member)
            took[mid] += bool(found)
            items[mid] += len(found)
    now = ledger.asked_members(session, year.branch_id, year.staff_ids)
    for member in now:
        people.setdefault(member.id or 0, member)
    once = sum(1 for mid in people if took[mid])
    sessions = len(records.sessions)
    average = sum(took.values()) / sessions if sessions else None
    rows: list[list[object]] = [
        [
            member.name,
            member.party_member,
            asked[mid],
            took[mid],
            _rate(took[mid], asked[mid]),
            items[mid],
        ]
        for mid, member in sorted(people.items())
    ]
    return Area(
        "members",
        {"members": len(now), "once": once, "average": Formatted(average, DECIMAL)},
        [
            ("支部成员（人）", len(now)),
            ("至少参加过一次（人）", once),
            ("平均每次交流发言（人）", Formatted(average, DECIMAL)),
        ],
        SheetSpec(
            "每人参与",
            ["姓名", "党员", "应参加（次）", "参加（次）", "参与率", "心得（份）"],
            rows,
            formats={"参与率": PERCENT},
        ),
        empty=sessions == 0,
    )


def quiz_results(session: Session, year: Year, records: Records) -> Area:
    """知识测试: the quizzes started in the year, their answer sheets and average scores."""
    rows: list[list[object]] = []
    sheets = points = possible = 0
    found = quizzes.started_between(session, year.branch_id, year.start, year.end)
    for quiz in found:
        assert quiz.id is not None
        keys = quizzes.keys(session, quiz.id)
        full = sum(k.points for k in keys.values())
        count = scored = 0
        for sheet in quizzes.sheets(session, quiz.id, keys):
            count += 1
            scored += sheet.score.points
        sheets, points, possible = sheets + count, points + scored, possible + full * count
        opened = quiz.opens_at.astimezone(year.tz).date() if quiz.opens_at else None
        rows.append(
            [
                quiz.title,
                opened,
                QUIZ_MODES.get(quiz.mode or "", quiz.mode),
                len(keys),
                full,
                count,
                scored / count if count else None,
                _rate(scored, full * count),
            ]
        )
    average = points / sheets if sheets else None
    rate = _rate(points, possible)
    if found:
        rows.append([TOTAL, None, None, None, None, sheets, average, rate])
    return Area(
        "quiz",
        {
            "held": len(found),
            "sheets": sheets,
            "average": Formatted(average, DECIMAL),
            "rate": Formatted(rate, PERCENT),
        },
        [
            ("知识测试（次）", len(found)),
            ("收到答卷（份）", sheets),
            ("平均分", Formatted(average, DECIMAL)),
            ("平均得分率", Formatted(rate, PERCENT)),
        ],
        SheetSpec(
            "知识测试",
            ["测试名称", "开始日期", "方式", "题数", "满分", "答卷（份）", "平均分", "得分率"],
            rows,
            formats={"平均分": DECIMAL, "得分率": PERCENT},
        ),
        empty=not found,
    )


def greetings(session: Session, year: Year, records: Records) -> Area:
    """关怀问候: birthday, party-anniversary and festival greetings that went out, by month."""
    sent = care.greetings_sent(
        session, branch_id=year.branch_id, chat_id=year.chat_id, start=year.start, end=year.end
    )
    by_month: dict[str, list[int]] = {kind: [0] * 12 for kind in GREETING_NAMES}
    for greeting in sent:
        if greeting.kind in by_month:
            by_month[greeting.kind][greeting.sent_at.astimezone(year.tz).month - 1] += 1
    totals = {kind: sum(months) for kind, months in by_month.items()}
    return Area(
        "greetings",
        dict(totals),
        [
            ("生日祝福（人次）", totals["birthday"]),
            ("政治生日祝贺（人次）", totals["anniversary"]),
            ("节日问候（次）", totals["festival"]),
        ],
        SheetSpec(
            "关怀问候",
            ["类别", *MONTHS, TOTAL],
            [[GREETING_NAMES[k], *by_month[k], totals[k]] for k in GREETING_NAMES],
        ),
        empty=not sent,
    )


def activities_held(session: Session, year: Year, records: Records) -> Area:
    """活动: outings and forums held (not cancelled), sign-ups and attendance in 人次."""
    found = activities.year_figures(
        session,
        year.branch_id,
        year.year,
        tz=year.tz,
        until=year.end.astimezone(UTC),
    )
    return Area(
        "activities",
        {
            "held": found.held,
            "signups": found.signups,
            "family": found.family,
            "attended": found.attended,
        },
        [
            ("举办活动（次）", found.held),
            ("活动报名（人次，不含家属）", found.signups),
            ("活动到场（人次）", found.attended),
        ],
        SheetSpec(
            "活动",
            ["日期", "活动", "报名（人）", "家属（人）", "到场（人）", "状态"],
            [
                [
                    a.starts_at.astimezone(year.tz).replace(tzinfo=None),
                    a.title,
                    a.going,
                    a.family,
                    a.arrived,
                    "已取消" if a.cancelled else "已举办",
                ]
                for a in found.activities
            ],
        ),
        empty=not found.activities,
    )


def visits_made(session: Session, year: Year, records: Records) -> Area:
    """走访慰问: visits by kind, the members visited, the 慰问金 handed over."""
    found = visits.year_figures(session, year.branch_id, year.year)
    return Area(
        "visits",
        {
            "total": found.total,
            "people": found.people,
            "amount": found.amount,
            "by_kind": {k: n for k, n in found.by_kind.items() if n},
        },
        [
            ("走访慰问（次）", found.total),
            ("走访的同志（人）", found.people),
            ("慰问金（元）", found.amount),
        ],
        SheetSpec(
            "走访慰问",
            ["类别", "次数"],
            [[kind, count] for kind, count in found.by_kind.items()] + [[TOTAL, found.total]],
        ),
        empty=found.total == 0,
    )


# Each area of the year's work, in the order of the chat text and the workbook: a function like
# those above, and a line of the same key in bot/texts/summary.py.
AREAS: list[Callable[[Session, Year, Records], Area]] = [
    theme_days,
    reflections,
    members,
    quiz_results,
    activities_held,
    visits_made,
    greetings,
]


def year_summary(
    session: Session,
    *,
    branch_id: int,
    year: int,
    tz: ZoneInfo,
    today: date,
    staff_ids: frozenset[int] | set[int] | list[int] = frozenset(),
) -> YearSummary:
    """Count the year's work of one branch (up to `today` in the year in progress)."""
    branch = branches.get(session, branch_id)
    if branch is None or branch.id is None:
        raise BranchNotFound(branch_id)
    last = date(year, 12, 31)
    scope = Year(
        branch_id=branch.id,
        branch=branch.title,
        chat_id=branch.chat_id,
        year=year,
        until=min(last, today) if today.year == year else last,
        tz=tz,
        staff_ids=frozenset(staff_ids),
    )
    records = Records(session, scope)
    return YearSummary(scope, [area(session, scope, records) for area in AREAS])


def write_summary(summary: YearSummary, path: Path) -> None:
    """The workbook: the overview, then each area's sheet with its charts."""
    year = summary.year
    overview = SheetSpec(
        "全年概况",
        ["项目", "数量"],
        [[label, value] for area in summary.areas for label, value in area.overview],
    )
    sheets = [overview, *(a.sheet for a in summary.areas if a.sheet is not None)]
    write_xlsx(
        path,
        sheets,
        page_header=page_header(f"{year.year}年工作数据", year.branch, year.since, year.until),
    )
