"""The study ledger (学习台账) as files: an .xlsx workbook and a .zip of the archived originals.

Pure storage and file writing, no Telegram: the bot calls it from a worker thread, the
`yinling export ledger` command and the benchmarks call it directly. Rows are streamed session
by session into `write_xlsx`, so a year of a thousand members stays small in memory.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage import reflections
from storage.exports import page_header
from storage.models import ArchiveFile, Branch, Member, Reflection, ReflectionFile, ThemeSession
from storage.spreadsheets import PERCENT, ChartSpec, SheetSpec, write_xlsx

NOT_SUBMITTED = "未提交"
FILE_NOTES = {
    "too_big": "（文件超过20MB，未能下载，原件保存在Telegram中）",
    "pending": "（文件尚在下载）",
    "failed": "（文件下载失败）",
}
DETAIL_HEADER = [
    "主题党日日期",
    "主题",
    "姓名",
    "党员",
    "提交时间",
    "逾期",
    "形式",
    "心得内容",
    "语音时长（分:秒）",
    "存档文件",
]
# Reflections wrap in a wide column; archive paths in a narrower one (they are long).
DETAIL_MAX_WIDTHS = {"心得内容": 50, "存档文件": 30}
SUMMARY_HEADER = [
    "主题党日日期",
    "主题",
    "截止时间",
    "应交人数",
    "已交人数",
    "未交人数",
    "参与率",
    "逾期人数",
    "材料份数",
]
SUMMARY_CHART = ChartSpec(
    "各次主题党日参与情况",
    categories="主题党日日期",
    series=["已交人数", "未交人数"],
    stacked=True,
    y_title="人数",
)


@dataclass
class SessionStats:
    branch: str
    local_date: date
    topic: str
    deadline: datetime
    expected: int = 0
    submitted: int = 0
    late: int = 0
    items: int = 0


@dataclass
class Participation:
    """One session as the ledger counts it: who was asked (and who handed in all the same),
    and what each of them handed in. The ledger's rows, its summary sheet and the yearly
    summary all count from this, so their figures agree."""

    theme: ThemeSession
    members: list[Member]
    handed_in: dict[int, list[Reflection]]
    # Each submission's files (an album has several), in page order, with their copies.
    files: dict[int, list[tuple[ReflectionFile, ArchiveFile | None]]]

    def of(self, member: Member) -> list[Reflection]:
        return self.handed_in.get(member.id or 0, [])

    @property
    def expected(self) -> int:
        return len(self.members)

    @property
    def submitted(self) -> int:
        return sum(1 for m in self.members if self.of(m))

    @property
    def late(self) -> int:
        return sum(1 for m in self.members if any(r.late for r in self.of(m)))

    @property
    def items(self) -> int:
        return sum(len(found) for found in self.handed_in.values())

    def kinds(self) -> Counter[str]:
        """Submissions by kind ("text", "voice" …)."""
        return Counter(r.kind for found in self.handed_in.values() for r in found)


@dataclass
class LedgerSummary:
    """What was written: counts for the caption and the command line."""

    sessions: int = 0
    rows: int = 0
    submitted: int = 0  # member-sessions with at least one submission
    files: int = 0  # archived files put in the zip
    stats: list[SessionStats] = field(default_factory=list)


def sessions_for(
    session: Session,
    *,
    branch_id: int | None,
    since: date | None = None,
    until: date | None = None,
    session_ids: Sequence[int] | None = None,
) -> list[ThemeSession]:
    """Pushed sessions of one branch (or all) in a date range, or the ones named."""
    query = select(ThemeSession).where(col(ThemeSession.pushed_at).is_not(None))
    if branch_id is not None:
        query = query.where(ThemeSession.branch_id == branch_id)
    if session_ids is not None:
        query = query.where(col(ThemeSession.id).in_(list(session_ids)))
    if since is not None:
        query = query.where(col(ThemeSession.local_date) >= since)
    if until is not None:
        query = query.where(col(ThemeSession.local_date) <= until)
    order = (col(ThemeSession.branch_id), col(ThemeSession.local_date), col(ThemeSession.id))
    return list(session.exec(query.order_by(*order)))


def expected_for(session: Session, theme: ThemeSession, staff_ids: Collection[int]) -> list[Member]:
    """The members asked for a reflection for this session (the bot's /report uses the same)."""
    return asked_members(
        session,
        theme.branch_id,
        staff_ids,
        joined_by=theme.deadline,
        as_of=theme.deadline.date(),
    )


def asked_members(
    session: Session,
    branch_id: int,
    staff_ids: Collection[int],
    *,
    joined_by: datetime | None = None,
    as_of: date | None = None,
) -> list[Member]:
    """The members a theme day asks for a reflection (storage.people: 在册 members, or party
    members only, who had joined by `joined_by`; statuses as of the deadline day `as_of`), not
    staff accounts unless on the roster as party members."""
    staff = set(staff_ids)
    return [
        m
        for m in reflections.expected_members(session, branch_id, joined_by=joined_by, as_of=as_of)
        if m.user_id is None or m.user_id not in staff or m.party_member
    ]


def build_ledger(
    session: Session,
    *,
    branch_id: int | None,
    tz: ZoneInfo,
    xlsx_path: Path,
    archive_dir: Path,
    zip_path: Path | None = None,
    since: date | None = None,
    until: date | None = None,
    session_ids: Sequence[int] | None = None,
    staff_ids: Collection[int] = (),
) -> LedgerSummary:
    """Write the ledger workbook (and the zip of originals); returns what was written."""
    themes = sessions_for(
        session, branch_id=branch_id, since=since, until=until, session_ids=session_ids
    )
    summary = LedgerSummary(sessions=len(themes))
    titles = {b.id: b.title for b in session.exec(select(Branch))}
    all_branches = branch_id is None
    archived: list[str] = []

    def detail_rows() -> Iterator[list[object]]:
        for theme in themes:
            stats = SessionStats(
                titles.get(theme.branch_id, ""), theme.local_date, theme.topic, theme.deadline
            )
            summary.stats.append(stats)
            for row in _session_rows(session, theme, staff_ids, tz, stats, archived):
                summary.rows += 1
                yield [titles.get(theme.branch_id, ""), *row] if all_branches else row
            summary.submitted += stats.submitted

    def summary_rows() -> Iterator[list[object]]:
        for s in summary.stats:
            rate = s.submitted / s.expected if s.expected else None
            row: list[object] = [
                s.local_date,
                s.topic,
                s.deadline.astimezone(tz).replace(tzinfo=None),
                s.expected,
                s.submitted,
                s.expected - s.submitted,
                rate,
                s.late,
                s.items,
            ]
            yield [s.branch, *row] if all_branches else row

    prefix = ["支部"] if all_branches else []
    write_xlsx(
        xlsx_path,
        [
            SheetSpec(
                "台账明细",
                prefix + DETAIL_HEADER,
                detail_rows(),
                max_widths=DETAIL_MAX_WIDTHS,
            ),
            SheetSpec(
                "参与情况汇总",
                prefix + SUMMARY_HEADER,
                summary_rows(),
                formats={"参与率": PERCENT},
                charts=[SUMMARY_CHART],
            ),
        ],
        page_header=page_header(
            "学习台账",
            titles.get(branch_id, "") if branch_id is not None else "全部支部",
            since or (themes[0].local_date if themes else None),
            until or (themes[-1].local_date if themes else None),
        ),
    )
    if zip_path is not None:
        summary.files = write_zip(zip_path, archive_dir, archived)
    return summary


def participation(
    session: Session, theme: ThemeSession, staff_ids: Collection[int]
) -> Participation:
    """Who was asked for this session, in member order, and what each handed in: the members
    asked (`expected_for`) and anyone else who handed in all the same (left the branch since,
    or staff who submitted)."""
    found = session.exec(
        select(Reflection)
        .where(Reflection.session_id == theme.id)
        .order_by(col(Reflection.member_id), col(Reflection.submitted_at), col(Reflection.id))
    ).all()
    files = _files_of(session, [r.id for r in found if r.id is not None])
    handed_in: dict[int, list[Reflection]] = {}
    for reflection in found:
        handed_in.setdefault(reflection.member_id, []).append(reflection)
    members = expected_for(session, theme, staff_ids)
    known = {m.id for m in members}
    extra_ids = [mid for mid in handed_in if mid not in known]
    if extra_ids:
        members += list(
            session.exec(
                select(Member).where(col(Member.id).in_(extra_ids)).order_by(col(Member.id))
            )
        )
    return Participation(theme, members, handed_in, files)


def _session_rows(
    session: Session,
    theme: ThemeSession,
    staff_ids: Collection[int],
    tz: ZoneInfo,
    stats: SessionStats,
    archived: list[str],
) -> Iterator[list[object]]:
    """One row per submission, and one per member who has not submitted, in member order."""
    taking_part = participation(session, theme, staff_ids)
    stats.expected = taking_part.expected
    stats.submitted = taking_part.submitted
    stats.late = taking_part.late
    stats.items = taking_part.items
    head = [theme.local_date, theme.topic]
    for member in taking_part.members:
        items = taking_part.of(member)
        if not items:
            yield [
                *head,
                member.name,
                member.party_member,
                None,
                None,
                NOT_SUBMITTED,
                None,
                None,
                None,
            ]
            continue
        for reflection in items:
            yield [
                *head,
                member.name,
                member.party_member,
                reflection.submitted_at.astimezone(tz).replace(tzinfo=None),
                reflection.late,
                reflections.KIND_NAMES.get(reflection.kind, reflection.kind),
                reflection.text,
                timedelta(seconds=reflection.duration)
                if reflection.kind in reflections.TIMED_KINDS and reflection.duration is not None
                else None,
                _files_cell(taking_part.files.get(reflection.id or 0, []), archived),
            ]


def _files_of(
    session: Session, reflection_ids: list[int]
) -> dict[int, list[tuple[ReflectionFile, ArchiveFile | None]]]:
    """Each reflection's files in page order, with their archived copies."""
    found: dict[int, list[tuple[ReflectionFile, ArchiveFile | None]]] = {}
    if not reflection_ids:
        return found
    rows = session.exec(
        select(ReflectionFile, ArchiveFile)
        .outerjoin(ArchiveFile, col(ArchiveFile.id) == col(ReflectionFile.archive_id))
        .where(col(ReflectionFile.reflection_id).in_(reflection_ids))
        .order_by(
            col(ReflectionFile.reflection_id),
            col(ReflectionFile.position).is_(None),
            col(ReflectionFile.position),
            col(ReflectionFile.message_id),
        )
    ).all()
    for file, stored in rows:
        found.setdefault(file.reflection_id, []).append((file, stored))
    return found


def _files_cell(
    files: list[tuple[ReflectionFile, ArchiveFile | None]], archived: list[str]
) -> str | None:
    """The archived names of a reflection's files, one a line (a note for one not kept)."""
    cells = []
    for _, stored in files:
        if stored is None:
            cells.append(FILE_NOTES["pending"])
        elif stored.status == "done":
            archived.append(stored.rel_path)
            cells.append(stored.rel_path)
        else:
            cells.append(FILE_NOTES.get(stored.status, ""))
    return "\n".join(cells) if cells else None


def write_zip(zip_path: Path, archive_dir: Path, rel_paths: Sequence[str]) -> int:
    """The archived files under the names the workbook gives them; returns how many."""
    root = archive_dir.resolve()
    count = 0
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    # Voice, photos and documents are compressed already; storing them is fast and as small.
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for rel in dict.fromkeys(rel_paths):
            source = (root / rel).resolve()
            if not source.is_relative_to(root) or not source.is_file():
                continue
            zf.write(source, arcname=rel)
            count += 1
    tmp.replace(zip_path)
    return count
