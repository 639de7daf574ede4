"""An activity's sign-up sheet (报名表) as a workbook: the sheet staff print for the bus and the
restaurant, and keep as the record of who came.

One sheet, one row per member who answered (or was checked in without answering): those going
first, in the order they signed up, then the waiting list, then those not coming. Pure storage
and file writing, no Telegram; the bot calls it from a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import activities
from storage.exports import page_header
from storage.models import Branch
from storage.spreadsheets import SheetSpec, write_xlsx

STATUS_NAMES = {
    activities.GOING: "参加",
    activities.WAITING: "候补",
    activities.DECLINED: "不参加",
    activities.NONE: "未报名",
}
HEADER = ["序号", "姓名", "党员", "电话", "带家属", "人数", "状态", "报名时间", "到场"]


@dataclass(frozen=True)
class SheetSummary:
    """What the sheet holds, for the caption."""

    title: str
    starts_at: datetime
    people: int
    family: int
    waiting: int
    rows: int


def build_signup_sheet(
    session: Session, *, activity_id: int, tz: ZoneInfo, xlsx_path: Path
) -> SheetSummary | None:
    """Write the sheet; None if the activity is gone."""
    activity = activities.get(session, activity_id)
    if activity is None:
        return None
    answered = activities.answers(session, activity_id)
    counted = activities.tally(session, activity_id)
    # Attendance is only a yes or a no once it has been taken (someone checked in).
    taken = counted.arrived > 0

    def rows() -> Iterator[list[object]]:
        for n, (row, member) in enumerate(answered, start=1):
            coming = row.status == activities.GOING
            answered_at = (
                row.answered_at.astimezone(tz).replace(tzinfo=None) if row.answered_at else None
            )
            arrived: object = (row.checked_in_at is not None) if taken else None
            yield [
                n,
                member.name,
                member.party_member,
                member.phone,
                row.family if coming or row.status == activities.WAITING else None,
                (2 if row.family else 1) if coming else None,
                STATUS_NAMES.get(row.status, row.status),
                answered_at,
                arrived,
            ]

    branch = session.get(Branch, activity.branch_id)
    write_xlsx(
        xlsx_path,
        [SheetSpec("报名表", HEADER, rows())],
        page_header=page_header(
            f"{activity.title} 报名表",
            branch.title if branch is not None else "",
            activity.starts_at.astimezone(tz).date(),
            activity.starts_at.astimezone(tz).date(),
        ),
    )
    return SheetSummary(
        title=activity.title,
        starts_at=activity.starts_at,
        people=counted.people,
        family=counted.family,
        waiting=counted.waiting,
        rows=len(answered),
    )
