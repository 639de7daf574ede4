"""What the reflections handlers and schedule share: who is asked, thanking, reminding.

Everything here queues through the outbox in the caller's transaction; it never sends by itself
and never commits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Services
from bot.core import branch_settings, cn_format
from bot.core import reflections as rules
from bot.core.branch_settings import BranchSettings
from bot.texts import SafeHtml, fmt
from bot.texts import reflections as T
from storage import branches, reflections, themeday
from storage.exports import ledger as ledger_export
from storage.models import Branch, Member, Reflection, ThemeSession
from storage.reflections import NewReflection


def honorific(branch: Branch | None) -> str:
    """How the branch addresses its members after their name (同志, or e.g. 老师)."""
    return (branch_settings.of(branch) if branch is not None else BranchSettings()).honorific


def ack_delay(branch: Branch | None) -> timedelta:
    chosen = branch_settings.of(branch) if branch is not None else BranchSettings()
    return timedelta(seconds=chosen.ack_delay_seconds)


def local_deadline(services: Services, theme: ThemeSession) -> str:
    """'12月22日（周二）23:59' in the branch's time, as the theme-day invitation says it."""
    return cn_format.moment(theme.deadline, services.settings.tz)


def expected_members(services: Services, session: Session, theme: ThemeSession) -> list[Member]:
    """Who is asked for a reflection: every active member; staff-only accounts are not."""
    return ledger_export.expected_for(session, theme, services.settings.staff_ids)


def not_submitted(services: Services, session: Session, theme: ThemeSession) -> list[Member]:
    done = reflections.submitted_member_ids(session, theme.id or 0)
    return [m for m in expected_members(services, session, theme) if m.id not in done]


def submit_keyboard(services: Services, theme: ThemeSession) -> InlineKeyboardMarkup:
    link = services.deep_link(f"reflect_{theme.id}")
    return InlineKeyboardMarkup([[InlineKeyboardButton(T.SUBMIT_BUTTON, url=link)]])


def names_html(members: list[Member], branch: Branch | None) -> SafeHtml:
    title = honorific(branch)
    return SafeHtml(T.NAME_SEPARATOR.join(fmt("{n}{h}", n=m.name, h=title) for m in members))


def ack_what(row: Reflection) -> str:
    return rules.describe(row.kind, row.duration) + (T.ACK_LATE if row.late else "")


def ack_text(items: list[tuple[Reflection, Member]], branch: Branch | None) -> str:
    """One thanks naming everyone received (a single one reads as a sentence)."""
    title = honorific(branch)
    if len(items) == 1:
        row, member = items[0]
        return fmt(T.ACK_ONE, name=member.name, honorific=title, what=ack_what(row))
    lines = "\n".join(
        fmt(T.ACK_LINE, name=member.name, honorific=title, what=ack_what(row))
        for row, member in items
    )
    return fmt(T.ACK_MANY, lines=SafeHtml(lines))


def flush_acks(services: Services, session: Session, now: datetime) -> int:
    """Queue the combined thanks of every group whose submissions have gone quiet."""
    by_chat: dict[int, list[tuple[Reflection, Member]]] = defaultdict(list)
    for row, member in reflections.pending_acks(session):
        by_chat[row.chat_id].append((row, member))
    sent = 0
    for chat_id, items in by_chat.items():
        branch = branches.by_chat(session, chat_id)
        ready = rules.ack_ready(
            (row.submitted_at for row, _ in items),
            now=now,
            delay=ack_delay(branch),
            max_wait=max(rules.ACK_MAX_WAIT, ack_delay(branch)),
        )
        if not ready:
            continue
        ids = [row.id for row, _ in items if row.id is not None]
        services.outbox.message(
            session,
            chat_id,
            ack_text(items, branch),
            reply_to=items[0][0].message_id if len(items) == 1 else None,
            dedupe_key=f"reflect.ack:{chat_id}:{ids[0]}",
            kind="reflect.ack",
            ref=",".join(map(str, ids)),
        )
        reflections.mark_acked(session, ids)
        sent += 1
    return sent


def remind(services: Services, session: Session, *, theme: ThemeSession, key: str) -> list[Member]:
    """Queue a gentle note in the group naming who has not submitted, and one to each of them
    privately if they started the bot. Returns who was named (nobody: nothing is sent)."""
    branch = branches.get(session, theme.branch_id)
    if branch is None or not branch.active:
        return []
    # Only people with a Telegram account can be named usefully (roster-only ones cannot reply).
    missing = [m for m in not_submitted(services, session, theme) if m.user_id is not None]
    if not missing:
        return []
    deadline = local_deadline(services, theme)
    services.outbox.message(
        session,
        branch.chat_id,
        fmt(
            T.REMIND_GROUP,
            topic=theme.topic,
            names=names_html(missing, branch),
            deadline=deadline,
        ),
        dedupe_key=key,
        kind="reflect.reminder",
        ref=theme.id or "",
    )
    reachable = branches.reachable_privately(
        session, [m.user_id for m in missing if m.user_id is not None]
    )
    for m in missing:
        if m.user_id not in reachable:
            continue
        assert m.user_id is not None
        services.outbox.message(
            session,
            m.user_id,
            fmt(
                T.REMIND_PRIVATE,
                name=m.name,
                honorific=honorific(branch),
                topic=theme.topic,
                deadline=deadline,
            ),
            keyboard=submit_keyboard(services, theme),
            dedupe_key=f"{key}:{m.user_id}",
            kind="reflect.reminder.private",
            ref=theme.id or "",
        )
    return missing


REPORT_LIMIT = 3900  # Telegram allows 4096 characters per message


def report_text(services: Services, session: Session, branch: Branch, theme: ThemeSession) -> str:
    """Who submitted (kind, time, late), who has not, and totals, for one session."""
    tz = services.settings.tz
    rows = reflections.of_session(session, theme.id or 0)
    by_member: dict[int, tuple[Member, list[Reflection]]] = {}
    for row, member in rows:
        by_member.setdefault(row.member_id, (member, []))[1].append(row)
    expected = expected_members(services, session, theme)
    missing = [m for m in expected if m.id not in by_member]
    head = [
        fmt(
            T.REPORT_TITLE,
            date=cn_format.full_date(theme.local_date),
            topic=theme.topic,
            deadline=local_deadline(services, theme),
        ),
        "",
        fmt(T.REPORT_SUBMITTED, count=len(by_member)),
    ]
    lines: list[str] = []
    for n, (member, items) in enumerate(by_member.values(), start=1):
        kinds = "；".join(
            fmt(
                T.REPORT_ITEM,
                kind=rules.short_kind(r.kind, r.duration),
                time=cn_format.moment(r.submitted_at, tz, with_weekday=False),
            )
            + (T.REPORT_LATE if r.late else "")
            for r in items
        )
        lines.append(fmt(T.REPORT_LINE, n=n, name=member.name, kinds=SafeHtml(kinds)))
    tail = [
        "",
        fmt(T.REPORT_MISSING, count=len(missing), names=names_html(missing, branch))
        if missing
        else T.REPORT_NONE_MISSING,
        "",
        fmt(
            T.REPORT_TOTALS,
            expected=len({m.id for m in expected} | set(by_member)),
            done=len(by_member),
            missing=len(missing),
            items=len(rows),
        ),
    ]
    text = "\n".join([*head, *lines, *tail])
    while len(text) > REPORT_LIMIT and lines:
        lines.pop()
        text = "\n".join([*head, *lines, T.REPORT_TRUNCATED, *tail])
    return text


RECENT_SESSIONS = 5


def recent_sessions(session: Session, branch_id: int) -> list[ThemeSession]:
    """The branch's last pushed sessions, newest first (for report and download buttons)."""
    pushed = [t for t in themeday.of_branch(session, branch_id) if t.pushed_at is not None]
    return list(reversed(pushed[-RECENT_SESSIONS:]))


def branch_folder(session: Session, theme: ThemeSession) -> str:
    """The branch's folder in the archive (its title)."""
    branch = branches.get(session, theme.branch_id)
    return branch.title if branch is not None else str(theme.branch_id)


def submit(
    services: Services,
    session: Session,
    *,
    theme: ThemeSession,
    member: Member,
    item: NewReflection,
    chat_id: int,
    message_id: int,
    via: str,
) -> Reflection | None:
    """Record a submission and queue its file for the archive; None if recorded before."""
    now = services.now()
    assert theme.id is not None and member.id is not None
    row = reflections.record(
        session,
        session_id=theme.id,
        member_id=member.id,
        item=item,
        chat_id=chat_id,
        message_id=message_id,
        via=via,
        now=now,
        late=now > theme.deadline,
        # Group submissions are thanked together after a quiet moment (schedules/thanks.py).
        ack_pending=chat_id < 0,
    )
    if row is None:
        return None
    if item.file_id is not None and item.file_unique_id is not None:
        local_day = now.astimezone(services.settings.tz).date().isoformat()
        archived = services.archive.queue(
            session,
            file_id=item.file_id,
            file_unique_id=item.file_unique_id,
            size=item.size,
            # Per branch, like the study materials, so two branches meeting on the same
            # day never share a folder.
            folder=[branch_folder(session, theme), f"{theme.local_date.isoformat()} 主题党日"],
            name=[local_day, member.name, T.KIND_LABELS[item.kind]],
            ext=item.ext,
            kind="reflection",
            ref=row.id or "",
        )
        row.archive_id = archived.id
    return row
