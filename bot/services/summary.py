"""The year's work in figures (全年工作数据): building it off the event loop, and saying it in
a short chat text. The figures and the workbook come from `storage/exports/summary.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlmodel import Session

from bot.core.cn_format import month_day
from bot.settings import Settings
from bot.texts import SafeHtml, fmt
from bot.texts import summary as T
from storage.db import Database
from storage.exports.summary import YearSummary, write_summary, year_summary
from storage.spreadsheets import DECIMAL, PERCENT, Formatted

from . import exports


@dataclass(frozen=True)
class Built:
    summary: YearSummary
    path: Path | None  # None when there was nothing to write


async def build(
    db: Database, settings: Settings, *, branch_id: int, year: int, today: date, path: Path
) -> Built:
    """Count the year and write its workbook (in a worker thread), unless there is nothing."""

    def work(session: Session) -> Built:
        summary = year_summary(
            session,
            branch_id=branch_id,
            year=year,
            tz=settings.tz,
            today=today,
            staff_ids=settings.staff_ids,
        )
        if summary.empty:
            return Built(summary, None)
        write_summary(summary, path)
        return Built(summary, path)

    return await exports.build(db, work)


def text(summary: YearSummary) -> str:
    """The chat text: a header, then one line per area of work."""
    year = summary.year
    if year.until == date(year.year, 12, 31):
        period = T.SUMMARY_WHOLE_YEAR
    else:
        period = fmt(T.SUMMARY_SO_FAR, date=month_day(year.until))
    lines = [
        fmt(T.SUMMARY_HEADER, branch=year.branch, year=year.year, period=SafeHtml(period)),
    ]
    for area in summary.areas:
        template = (
            T.SUMMARY_EMPTY_LINES.get(area.key) if area.empty else T.SUMMARY_LINES.get(area.key)
        )
        if template:
            lines.append(fmt(template, **{k: said(v) for k, v in area.figures.items()}))
    lines.append(T.SUMMARY_FOOTER)
    return "\n".join(lines)


def said(value: object) -> str:
    """A figure as the chat text says it (and the workbook shows it): 79%, 15.7, "文字 100、语音 35"."""
    if isinstance(value, Formatted):
        if value.value is None:
            return T.SUMMARY_NO_FIGURE
        # Rounded half up, as the spreadsheet shows it (Python's format rounds 2.25 to 2.2).
        number = Decimal(str(value.value))
        if value.number_format == PERCENT:
            return f"{(number * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"
        if value.number_format == DECIMAL:
            return str(number.quantize(Decimal("0.1"), ROUND_HALF_UP)).removesuffix(".0")
        return str(number)
    if isinstance(value, dict):
        return T.SUMMARY_KIND_SEPARATOR.join(
            T.SUMMARY_KIND.format(name=name, count=count) for name, count in value.items()
        )
    if value is None:
        return T.SUMMARY_NO_FIGURE
    return str(value)
