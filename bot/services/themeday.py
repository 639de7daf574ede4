"""The theme party day as handlers and the scheduler both need it: the monthly rule kept in the
branch's options, the push itself (one transaction, a send-once key for every message), and
whom to tell when something goes wrong.

A push creates the `ThemeSession` and queues the header, the materials and the invitation in
the caller's transaction; the session's unique key and the dedupe keys make a repeated push of
the same session a no-op, so a restart before or during the push never posts anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.context import Services
from bot.core import branch_settings, cn_format, material_batches
from bot.core.cn_parse import parse_time
from bot.core.material_batches import Batch, Item
from bot.core.monthly_rule import MonthlyRule, next_occurrence, parse_rule
from bot.runtime.outbox import (
    InputMedia,
    Payload,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
)
from bot.texts import SafeHtml, fmt
from bot.texts import themeday as T
from storage import branches, materials, themeday
from storage.models import Branch, Material, ThemeSession

RULE_OPTION = "themeday"
# A /push within this long after another push of the branch (a double tap, two admins at
# once) is the same push, not a second theme day.
PUSH_WINDOW = timedelta(minutes=1)
MAX_TEXT = 4096


@dataclass(frozen=True)
class ThemeDayRule:
    """A branch's monthly theme day: which day, what time, the usual topic, set since when."""

    rule: MonthlyRule
    at: time
    topic: str
    since: datetime
    set_by: int | None

    def describe_time(self) -> str:
        return cn_format.clock(self.at)


def rule_of(branch: Branch) -> ThemeDayRule | None:
    """The branch's rule, or None if it has none (or what is stored no longer parses)."""
    raw = branches.options(branch).get(RULE_OPTION)
    if not isinstance(raw, dict):
        return None
    try:
        return ThemeDayRule(
            rule=parse_rule(str(raw["rule"])),
            at=parse_time(str(raw["time"])),
            topic=str(raw.get("topic") or T.DEFAULT_TOPIC),
            since=datetime.fromisoformat(str(raw["since"])),
            set_by=int(raw["by"]) if raw.get("by") is not None else None,
        )
    except (KeyError, ValueError):
        return None


def set_rule(
    branch: Branch, rule: MonthlyRule, at: time, topic: str, *, by: int, now: datetime
) -> None:
    """Store the rule; theme days before `now` never count as missed."""
    value = {
        "rule": rule.to_storage(),
        "time": at.strftime("%H:%M"),
        "topic": topic,
        "since": now.isoformat(),
        "by": by,
    }
    branches.set_option(branch, RULE_OPTION, value)


def clear_rule(branch: Branch) -> bool:
    """Stop the monthly push; False if there was no rule."""
    had = rule_of(branch) is not None
    branches.set_option(branch, RULE_OPTION, None)
    return had


def catchup_hours(branch: Branch) -> int:
    """How long after its time a missed push is still sent; 0 means "the same local day"."""
    return branch_settings.of(branch).catchup_hours


def catchup_text(branch: Branch) -> str:
    hours = catchup_hours(branch)
    return T.CATCHUP_HOURS.format(hours=hours) if hours else T.CATCHUP_SAME_DAY


def may_catch_up(branch: Branch, due: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """Whether a push that fell due at `due` may still go out at `now`."""
    hours = catchup_hours(branch)
    if hours:
        return now - due <= timedelta(hours=hours)
    return now.astimezone(tz).date() == due.astimezone(tz).date()


def next_at(rule: ThemeDayRule, now: datetime, tz: ZoneInfo) -> datetime:
    return next_occurrence(rule.rule, rule.at, now, tz)


def next_words(rule: ThemeDayRule, now: datetime, tz: ZoneInfo) -> tuple[str, str]:
    """When the next theme day is, and how far off: ('12月15日（周二）09:00', '5天后')."""
    due = next_at(rule, now, tz)
    today = now.astimezone(tz).date()
    return cn_format.moment(due, tz), cn_format.days_from(today, due.astimezone(tz).date())


def next_day_text(branch: Branch, now: datetime, tz: ZoneInfo) -> str | None:
    """When the next theme day is, in words, or None without a rule."""
    rule = rule_of(branch)
    return None if rule is None else cn_format.moment(next_at(rule, now, tz), tz)


def notify_chat(
    session: Session, branch: Branch, people: list[int | None], *, admins: list[int]
) -> int:
    """Whom to tell about a problem: the first of `people` (then the configured admins) who can
    get a private message, else the branch group itself."""
    candidates = [p for p in people if p is not None] + list(admins)
    reachable = branches.reachable_privately(session, candidates)
    return next((p for p in candidates if p in reachable), branch.chat_id)


# --- the push ------------------------------------------------------------------------------


def being_pushed(session: Session, branch: Branch, now: datetime) -> ThemeSession | None:
    """A push of the branch that a new /push would only repeat: one started within the last
    minute, or one whose messages are still on their way to the group."""
    assert branch.id is not None
    recent = themeday.started_since(session, branch.id, now - PUSH_WINDOW)
    if recent is not None:
        return recent
    latest = themeday.latest(session, branch.id)
    if (
        latest is not None
        and latest.id is not None
        and themeday.still_going_out(session, latest.id)
    ):
        return latest
    return None


def schedule_of(branch: Branch, pushed_local: datetime) -> tuple[datetime, list[datetime]]:
    """The deadline and reminder times of a push of `branch` at `pushed_local`."""
    chosen = branch_settings.of(branch)
    return themeday.default_schedule(
        pushed_local,
        deadline_days=chosen.deadline_days,
        reminder_days_after=chosen.reminder_days_after,
        reminder_time=chosen.reminder_time,
    )


def push(
    services: Services,
    session: Session,
    *,
    branch: Branch,
    key: str,
    topic: str,
    now: datetime,
    notify_chat_id: int,
    day: date | None = None,
) -> tuple[ThemeSession, bool]:
    """Create the session `key` and queue its whole push; (session, False) if it existed.

    `day` is the theme day it stands for (a late push after midnight still belongs to the
    day before); by default the local date of `now`.
    """
    assert branch.id is not None
    tz = services.settings.tz
    local_now = now.astimezone(tz)
    day = day or local_now.date()
    deadline, reminders = schedule_of(branch, local_now)
    theme, created = themeday.create(
        session,
        branch_id=branch.id,
        key=key,
        local_date=day,
        topic=topic,
        deadline=deadline,
        reminders=reminders,
        now=now,
    )
    if not created or theme.pushed_at is not None:
        return theme, False
    assert theme.id is not None
    items = materials.queued(session, branch.id)
    date_words = cn_format.day_text(day)
    deadline_words = cn_format.moment(deadline, tz)
    meta: dict[str, Any] = {"notify_chat_id": notify_chat_id}
    header = T.HEADER if items else T.HEADER_NO_MATERIALS
    services.outbox.message(
        session,
        branch.chat_id,
        fmt(header, date=date_words, topic=topic, deadline=deadline_words),
        dedupe_key=f"themeday:{theme.id}:header",
        kind="themeday.header",
        ref=theme.id,
        describe=fmt(T.DESCRIBE_HEADER, date=date_words, branch=branch.title),
        **meta,
    )
    by_id = {m.id: m for m in items}
    plan = material_batches.plan([Item(m.id, m.kind) for m in items if m.id is not None])
    for n, batch in enumerate(plan, start=1):
        queue_batch(
            services,
            session,
            theme=theme,
            branch=branch,
            batch=batch,
            items=[by_id[i.id] for i in batch.items],
            dedupe_key=f"themeday:{theme.id}:materials:{n}",
            notify_chat_id=notify_chat_id,
        )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(T.INVITATION_BUTTON, url=services.deep_link(f"reflect_{theme.id}"))]]
    )
    services.outbox.message(
        session,
        branch.chat_id,
        fmt(T.INVITATION, topic=topic, deadline=deadline_words),
        keyboard=keyboard,
        dedupe_key=f"themeday:{theme.id}:invitation",
        kind="themeday.invitation",
        ref=theme.id,
        describe=fmt(T.DESCRIBE_INVITATION, date=date_words, branch=branch.title),
        **meta,
    )
    materials.mark_pushed(session, items, session_id=theme.id, now=now)
    theme.pushed_at = now
    session.add(theme)
    return theme, True


def _text(material: Material) -> str:
    body = material.text_html or ""
    titled = fmt(T.MATERIAL_TEXT, title=material.title, body=SafeHtml(body))
    # Over the limit with the title: the text alone still fits (it came from one message).
    return titled if len(titled) <= MAX_TEXT else body


def batch_payload(chat_id: int, batch: Batch, items: list[Material]) -> Payload:
    """The Bot API payload of one send of materials (see `material_batches.plan`)."""
    if batch.method == "sendMediaGroup":
        media: list[InputMedia] = [
            {
                "type": "photo" if m.kind == "photo" else "document",
                "media": m.file_id or "",
                "caption": fmt(T.MATERIAL_CAPTION, title=m.title),
                "parse_mode": ParseMode.HTML,
            }
            for m in items
        ]
        group: SendMediaGroup = {"chat_id": chat_id, "media": media}
        return group
    [material] = items
    title = fmt(T.MATERIAL_CAPTION, title=material.title)
    if batch.method == "sendDocument":
        document: SendDocument = {
            "chat_id": chat_id,
            "document": material.file_id or "",
            "caption": title,
            "parse_mode": ParseMode.HTML,
        }
        return document
    if batch.method == "sendPhoto":
        photo: SendPhoto = {
            "chat_id": chat_id,
            "photo": material.file_id or "",
            "caption": title,
            "parse_mode": ParseMode.HTML,
        }
        return photo
    text: SendMessage = {
        "chat_id": chat_id,
        "text": _text(material),
        "parse_mode": ParseMode.HTML,
        "link_preview_options": {"is_disabled": material.kind != "link"},
    }
    return text


def queue_batch(
    services: Services,
    session: Session,
    *,
    theme: ThemeSession,
    branch: Branch,
    batch: Batch,
    items: list[Material],
    dedupe_key: str,
    notify_chat_id: int | None,
) -> int | None:
    """Queue one send of materials to the branch group (see `material_batches.plan`)."""
    if batch.method == "sendMediaGroup":
        # A refused group is resent item by item (schedules.themeday), which tells whom to.
        notify_chat_id = None
    date_words = cn_format.day_text(theme.local_date)
    titles = "》《".join(m.title for m in items)
    return services.outbox.call(
        session,
        branch.chat_id,
        batch.method,
        batch_payload(branch.chat_id, batch, items),
        dedupe_key=dedupe_key,
        kind=materials.SEND_KIND,
        ref=f"{theme.id}:{','.join(str(m.id) for m in items)}",
        describe=fmt(T.DESCRIBE_MATERIAL, date=date_words, title=titles, branch=branch.title),
        notify_chat_id=notify_chat_id,
    )


def set_catchup_hours(branch: Branch, hours: int) -> None:
    branch_settings.save(branch, branch_settings.CATCHUP_HOURS, hours)
