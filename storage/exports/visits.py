"""The record of visits as workbooks: the ledger of a date range (走访台账, one row per visit)
and the per-person summary (走访汇总: each member's last visit, visits this year and in all).

Pure storage and file writing, no Telegram; the bot calls these from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import visits
from storage.exports import page_header
from storage.models import Branch, Member
from storage.spreadsheets import SheetSpec, write_xlsx

LEDGER_HEADER = [
    "日期",
    "姓名",
    "党员",
    "走访类别",
    "走访人",
    "慰问品/慰问金",
    "金额（元）",
    "备注",
    "记录时间",
]
SUMMARY_HEADER = [
    "姓名",
    "党员",
    "电话",
    "最近一次走访",
    "最近走访类别",
    "今年走访次数",
    "累计走访次数",
]


def build_ledger(
    session: Session,
    *,
    branch_id: int,
    since: date | None,
    until: date | None,
    tz: ZoneInfo,
    xlsx_path: Path,
) -> int:
    """Write the ledger of visits made from `since` to `until`; returns how many rows."""
    found = visits.ledger(session, branch_id, since=since, until=until)

    def rows() -> Iterator[list[object]]:
        for visit, member in found:
            yield [
                visit.visited_on,
                member.name,
                member.party_member,
                visits.KINDS.get(visit.kind, visit.kind),
                visit.visitors,
                visit.gifts,
                visit.amount,
                visit.notes,
                visit.recorded_at.astimezone(tz).replace(tzinfo=None),
            ]

    write_xlsx(
        xlsx_path,
        [SheetSpec("走访台账", LEDGER_HEADER, rows(), max_widths={"备注": 50})],
        page_header=page_header("走访台账", _title(session, branch_id), since, until),
    )
    return len(found)


def build_summary(
    session: Session, *, branch_id: int, members: Sequence[Member], year: int, xlsx_path: Path
) -> int:
    """Write the per-person summary; returns how many people."""
    found = visits.per_person(session, branch_id, members, year)

    def rows() -> Iterator[list[object]]:
        for person in found:
            last = person.last
            yield [
                person.member.name,
                person.member.party_member,
                person.member.phone,
                last.visited_on if last else None,
                visits.KINDS.get(last.kind, last.kind) if last else None,
                person.this_year,
                person.total,
            ]

    title = f"{year}年走访汇总"
    write_xlsx(
        xlsx_path,
        [SheetSpec(title, SUMMARY_HEADER, rows())],
        page_header=page_header(title, _title(session, branch_id)),
    )
    return len(found)


def _title(session: Session, branch_id: int) -> str:
    branch = session.get(Branch, branch_id)
    return branch.title if branch is not None else ""
