"""What the reflections handlers and schedule share: who is asked, thanking, reminding.

Everything here queues through the outbox in the caller's transaction; it never sends by itself
and never commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Services
from bot.core import branch_settings, cn_format
from bot.core import reflections as rules
from bot.core.branch_settings import BranchSettings
from bot.texts import SafeHtml, fmt
from bot.texts import people as P
from bot.texts import reflections as T
from storage import branches, reflections, themeday
from storage.exports import ledger as ledger_export
from storage.models import Branch, Member, Reflection, ThemeSession
from storage.reflections import NewReflection, Recorded


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
    return SafeHtml(
        T.NAME_SEPARATOR.join(
            fmt("{n}{h}", n=m.name, h=cn_format.honorific_after(m.name, title)) for m in members
        )
    )


@dataclass(frozen=True)
class Received:
    """A submission as its thanks name it: the files new since it was last thanked."""

    row: Reflection
    member: Member
    files: int
    # Thanked before: what is named now was added to it (a later page, another album).
    added: bool


def received(session: Session, rows: list[tuple[Reflection, Member]]) -> list[Received]:
    """What the thanks for these submissions should name (files not yet thanked for)."""
    counts = reflections.file_counts(session, [r.id for r, _ in rows if r.id is not None])
    return [
        Received(
            row,
            member,
            files=counts.get(row.id or 0, 0) - row.acked_files,
            added=row.acked_files > 0,
        )
        for row, member in rows
    ]


def ack_what(item: Received, *, private: bool = True) -> str:
    """What a thanks names; lateness only privately (in the group it stays in the ledger)."""
    row = item.row
    files = max(item.files, 1)
    if item.added:
        return fmt(T.ACK_ADDED, what=rules.describe_added(row.kind, None, files))
    late = T.ACK_LATE if row.late and private else ""
    return rules.describe(row.kind, row.duration, files) + late


def ack_text(items: list[Received], branch: Branch | None, *, private: bool = True) -> str:
    """One thanks naming everyone received, each member once (a single one reads as a
    sentence); in a group (`private` False) nobody is marked late."""
    title = honorific(branch)
    by_member: dict[int, list[Received]] = {}
    for item in items:
        by_member.setdefault(item.row.member_id, []).append(item)
    if len(by_member) == 1:
        [mine] = by_member.values()
        return fmt(
            T.ACK_ONE,
            name=mine[0].member.name,
            honorific=cn_format.honorific_after(mine[0].member.name, title),
            what=T.NAME_SEPARATOR.join(ack_what(i, private=private) for i in mine),
        )
    lines = "\n".join(
        fmt(
            T.ACK_LINE,
            name=mine[0].member.name,
            honorific=cn_format.honorific_after(mine[0].member.name, title),
            what=T.NAME_SEPARATOR.join(ack_what(i, private=private) for i in mine),
        )
        for mine in by_member.values()
    )
    return fmt(T.ACK_MANY, lines=SafeHtml(lines))


def thank_privately(
    services: Services, session: Session, rows: list[tuple[Reflection, Member]]
) -> str:
    """The thanks for submissions made in a private chat, their files archived; marks them
    thanked. Returns the text (the caller sends it, or edits a question into it)."""
    for row, member in rows:
        archive_files(services, session, row, member)
    branch = branches.get(session, rows[0][1].branch_id)
    text = ack_text(received(session, rows), branch) + T.ACK_PRIVATE_MORE
    reflections.mark_acked(session, [row.id for row, _ in rows if row.id is not None])
    return text


def flush_acks(services: Services, session: Session, now: datetime) -> int:
    """Queue the thanks of every chat whose submissions have gone quiet: a group's combined,
    a private chat's album once its pages are in."""
    by_chat: dict[int, list[tuple[Reflection, Member]]] = defaultdict(list)
    for row, member in reflections.pending_acks(session):
        by_chat[row.chat_id].append((row, member))
    sent = 0
    for chat_id, items in by_chat.items():
        private = chat_id > 0
        branch = branches.get(session, items[0][1].branch_id) if private else None
        branch = branch or branches.by_chat(session, chat_id)
        delay = rules.ALBUM_QUIET if private else ack_delay(branch)
        ready = rules.ack_ready(
            (row.updated_at or row.submitted_at for row, _ in items),
            now=now,
            delay=delay,
            max_wait=max(rules.ACK_MAX_WAIT, delay),
        )
        if not ready:
            continue
        ids = [row.id for row, _ in items if row.id is not None]
        for row, member in items:
            archive_files(services, session, row, member)
        text = ack_text(received(session, items), branch, private=private)
        services.outbox.message(
            session,
            chat_id,
            text + (T.ACK_PRIVATE_MORE if private else ""),
            reply_to=items[0][0].message_id if len(items) == 1 else None,
            dedupe_key=f"reflect.ack:{chat_id}:{ids[0]}:{items[0][0].acked_files}",
            kind="reflect.ack",
            ref=",".join(map(str, ids)),
        )
        reflections.mark_acked(session, ids)
        sent += 1
    return sent


def remind(services: Services, session: Session, *, theme: ThemeSession, key: str) -> list[Member]:
    """Queue a gentle note in the group, and one to each member who has not submitted privately
    if they started the bot. The group note names nobody unless the branch chose 群内提醒点名
    (a retiree is never singled out in front of everyone by default). Returns who was
    reminded (nobody: nothing is sent)."""
    branch = branches.get(session, theme.branch_id)
    if branch is None or not branch.active:
        return []
    # Only people with a Telegram account can be named usefully (roster-only ones cannot reply).
    missing = [m for m in not_submitted(services, session, theme) if m.user_id is not None]
    if not missing:
        return []
    deadline = local_deadline(services, theme)
    if branch_settings.of(branch).remind_names_in_group:
        group_text = fmt(
            T.REMIND_GROUP, topic=theme.topic, names=names_html(missing, branch), deadline=deadline
        )
    else:
        done = len(reflections.submitted_member_ids(session, theme.id or 0))
        general = P.REMIND_GROUP_GENERAL if done else P.REMIND_GROUP_GENERAL_NONE
        group_text = fmt(general, topic=theme.topic, done=done, deadline=deadline)
    services.outbox.message(
        session,
        branch.chat_id,
        group_text,
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
                honorific=cn_format.honorific_after(m.name, honorific(branch)),
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
    counts = reflections.file_counts(session, [r.id for r, _ in rows if r.id is not None])
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
                kind=rules.short_kind(r.kind, r.duration, counts.get(r.id or 0, 0)),
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
    at: datetime | None = None,
) -> Recorded | None:
    """Record a submission (or add a page to one) and archive its file; None if recorded
    before. `at`: when it was sent, if not now (a private message the member confirmed later).

    Group submissions and an album's pages wait for their thanks (`flush_acks`), and an
    album's pages are archived then, numbered in the order they were sent, since they may
    arrive in any order; other files are archived at once.
    """
    now = at or services.now()
    assert theme.id is not None and member.id is not None
    album = item.media_group_id is not None
    found = reflections.record(
        session,
        session_id=theme.id,
        member_id=member.id,
        item=item,
        chat_id=chat_id,
        message_id=message_id,
        via=via,
        now=now,
        late=now > theme.deadline,
        # Group submissions are thanked together after a quiet moment (schedules/thanks.py),
        # a private album once all its pages are in.
        ack_pending=chat_id < 0 or album,
    )
    if found is None:
        return None
    if found.file is not None and not album:
        waiting = [
            f
            for f in reflections.files_of(session, found.reflection.id or 0)
            if f.archive_id is None
        ]
        if all(f.media_group_id is None for f in waiting):
            archive_files(services, session, found.reflection, member, theme)
    return found


def archive_files(
    services: Services,
    session: Session,
    row: Reflection,
    member: Member,
    theme: ThemeSession | None = None,
) -> None:
    """Queue the reflection's files not yet archived, numbered after those that are, in the
    order they were sent: …_照片心得.jpg alone, …_照片心得_1.jpg, _2, _3 for several pages."""
    files = reflections.files_of(session, row.id or 0)
    waiting = [f for f in files if f.archive_id is None]
    if not waiting:
        return
    theme = theme or themeday.get(session, row.session_id)
    if theme is None:
        return
    done = len(files) - len(waiting)
    numbered = len(files) > 1 or any(f.media_group_id is not None for f in files)
    # Per branch, like the study materials, so two branches meeting on the same day never
    # share a folder; named after the day it was sent.
    local_day = row.submitted_at.astimezone(services.settings.tz).date().isoformat()
    folder = [branch_folder(session, theme), f"{theme.local_date.isoformat()} 主题党日"]
    label = T.KIND_LABELS.get(row.kind, "心得")
    for n, file in enumerate(sorted(waiting, key=lambda f: f.message_id), start=done + 1):
        archived = services.archive.queue(
            session,
            file_id=file.file_id,
            file_unique_id=file.file_unique_id,
            size=file.size,
            folder=folder,
            name=[local_day, member.name, label, *([str(n)] if numbered else [])],
            ext=file.ext,
            kind="reflection",
            ref=row.id or "",
        )
        file.archive_id = archived.id
        file.position = n
        session.add(file)
