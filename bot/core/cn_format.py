"""Chinese dates and times as people read them: one place for formatting them.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date

from bot.core.calendar import (
    Festival,
    festivals_on,
    lunar_label,
)
from bot.texts import care as T


def date_label(day: date, *, lunar: bool = False) -> str:
    """'10月18日' or, for lunar birthdays and festivals, '农历九月初九'."""
    if lunar or any(f in _LUNAR_FESTIVALS for f in festivals_on(day)):
        return lunar_label(day)
    return f"{day.month}月{day.day}日"


_LUNAR_FESTIVALS = frozenset(
    {
        Festival.SPRING,
        Festival.LANTERN,
        Festival.DRAGON_BOAT,
        Festival.MID_AUTUMN,
        Festival.DOUBLE_NINTH,
    }
)


def day_text(day: date) -> str:
    return T.DAY.format(month=day.month, day=day.day, weekday=T.WEEKDAYS[day.weekday()])


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def day_label(day: date) -> str:
    """'10月18日'."""
    return f"{day.month}月{day.day}日"
