"""Pure rules for reflections: what a submission is called, when a reminder is due, who is
asked. No Telegram, no database: plain values in, plain values out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.cn_format import duration
from bot.texts import reflections as T
from storage.reflections import KIND_NAMES

# A combined thanks never waits longer than this after the first submission it names.
ACK_MAX_WAIT = timedelta(seconds=90)
DEFAULT_ACK_DELAY = 15


def describe(kind: str, seconds: int | None = None) -> str:
    """What was received: "语音心得（1分12秒）", "照片心得"."""
    label = T.KIND_LABELS.get(kind, "心得")
    length = duration(seconds) if kind in ("voice", "audio", "video_note") else ""
    return f"{label}（{length}）" if length else label


def short_kind(kind: str, seconds: int | None = None) -> str:
    """For /report: "语音1分12秒", "照片"."""
    label = KIND_NAMES.get(kind, kind)
    length = duration(seconds) if kind in ("voice", "audio", "video_note") else ""
    return f"{label}{length}" if length else label


def due_reminder(
    reminders: Sequence[datetime],
    *,
    pushed_at: datetime | None,
    deadline: datetime,
    now: datetime,
    tz: ZoneInfo,
) -> datetime | None:
    """The reminder to send now, if any.

    A reminder that fell due while the bot was down is still sent on the same local day (the
    push's catch-up rule) and skipped after that; if several are due the same day only the
    latest is sent, so members never get two notes at once.
    """
    if pushed_at is None or now > deadline:
        return None
    today = now.astimezone(tz).date()
    due = [
        r
        for r in reminders
        if pushed_at <= r <= now and r < deadline and r.astimezone(tz).date() == today
    ]
    return max(due) if due else None


def ack_ready(
    submitted: Iterable[datetime], *, now: datetime, delay: timedelta, max_wait: timedelta
) -> bool:
    """Thank now: nothing new arrived for `delay`, or the first one has waited `max_wait`."""
    times = list(submitted)
    if not times:
        return False
    return now - max(times) >= delay or now - min(times) >= max_wait


def months_back(today: date, months: int) -> date:
    """The same day `months` months earlier (clamped to that month's last day)."""
    month_index = today.year * 12 + (today.month - 1) - months
    year, month = divmod(month_index, 12)
    day = today.day
    while True:
        try:
            return date(year, month + 1, day)
        except ValueError:
            day -= 1
