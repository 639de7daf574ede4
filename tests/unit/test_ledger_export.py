"""The study ledger files, without Telegram: rows, notes, the zip, and a year of 1,000 members."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypedDict
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import insert
from sqlmodel import Session

from storage.db import Database, sqlite_url
from storage.exports.ledger import build_ledger
from storage.models import ArchiveFile, Branch, Member, Reflection, ReflectionFile, ThemeSession

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 1, 15, 1, 0, tzinfo=UTC)


class SameSession(TypedDict):
    """What the reflections of one theme-day session share."""

    session_id: int
    chat_id: int
    submitted_at: datetime


def database(tmp_path: Path) -> Database:
    db = Database(sqlite_url(tmp_path / "y.db"))
    db.migrate()
    return db


def theme(branch_id: int, day: date, topic: str) -> ThemeSession:
    pushed = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
    return ThemeSession(
        branch_id=branch_id,
        key=f"rule:{day}",
        local_date=day,
        topic=topic,
        deadline=pushed + timedelta(days=7),
        reminders=json.dumps([]),
        created_at=pushed,
        pushed_at=pushed,
    )


def test_rows_notes_and_the_zip(tmp_path: Path) -> None:
    db = database(tmp_path)
    archive = tmp_path / "archive"
    (archive / "s").mkdir(parents=True)
    (archive / "s" / "voice.ogg").write_bytes(b"OggS voice")
    (tmp_path / "secret.txt").write_text("not in the archive")
    with Session(db.engine) as s:
        s.add(Branch(id=1, chat_id=-100, title="老干之家", created_at=T0))
        s.add_all(
            [
                Member(
                    id=1, branch_id=1, user_id=11, name="张<伟>", party_member=True, joined_at=T0
                ),
                Member(id=2, branch_id=1, user_id=12, name="王建国", joined_at=T0),
                Member(id=3, branch_id=1, user_id=99, name="孙 干事", joined_at=T0),  # staff
                Member(id=4, branch_id=1, user_id=13, name="已离开", active=False, joined_at=T0),
            ]
        )
        s.add(theme(1, date(2026, 1, 15), "一月学习"))
        s.flush()
        s.add_all(
            [
                ArchiveFile(
                    id=1,
                    file_id="a",
                    file_unique_id="a",
                    rel_path="s/voice.ogg",
                    status="done",
                    created_at=T0,
                ),
                ArchiveFile(
                    id=2,
                    file_id="b",
                    file_unique_id="b",
                    rel_path="s/big.ogg",
                    status="too_big",
                    created_at=T0,
                ),
                ArchiveFile(
                    id=3,
                    file_id="c",
                    file_unique_id="c",
                    rel_path="../secret.txt",
                    status="done",
                    created_at=T0,
                ),
            ]
        )
        common: SameSession = {
            "session_id": 1,
            "chat_id": -100,
            "submitted_at": T0 + timedelta(hours=1),
        }
        s.add_all(
            [
                Reflection(
                    id=1, member_id=1, kind="text", text="=1+1 不是公式", message_id=1, **common
                ),
                Reflection(id=2, member_id=1, kind="voice", duration=72, message_id=2, **common),
                Reflection(
                    id=3,
                    member_id=4,
                    kind="voice",
                    duration=1800,
                    message_id=3,
                    late=True,
                    **common,
                ),
                Reflection(id=4, member_id=4, kind="document", message_id=4, **common),
                # Three photographed pages sent as an album: one submission, one row.
                Reflection(id=5, member_id=2, kind="photo", text="第一页", message_id=5, **common),
            ]
        )
        s.flush()

        def file(
            reflection_id: int,
            message_id: int,
            archive_id: int | None,
            position: int | None = None,
            media_group_id: str | None = None,
        ) -> ReflectionFile:
            return ReflectionFile(
                reflection_id=reflection_id,
                chat_id=-100,
                message_id=message_id,
                kind="photo",
                file_id=f"f{message_id}",
                file_unique_id=f"u{message_id}",
                ext="jpg",
                archive_id=archive_id,
                position=position,
                media_group_id=media_group_id,
                added_at=T0,
            )

        s.add_all(
            [
                file(2, 2, 1, position=1),
                file(3, 3, 2, position=1),
                file(4, 4, 3, position=1),
                file(5, 7, 5, position=2, media_group_id="a"),
                file(5, 5, 4, position=1, media_group_id="a"),
                file(5, 8, None, media_group_id="a"),  # arrived after the thanks: not yet archived
            ]
        )
        s.add_all(
            [
                ArchiveFile(
                    id=4,
                    file_id="p1",
                    file_unique_id="p1",
                    rel_path="s/page_1.jpg",
                    status="done",
                    created_at=T0,
                ),
                ArchiveFile(
                    id=5,
                    file_id="p2",
                    file_unique_id="p2",
                    rel_path="s/page_2.jpg",
                    status="done",
                    created_at=T0,
                ),
            ]
        )
        (archive / "s" / "page_1.jpg").write_bytes(b"page one")
        (archive / "s" / "page_2.jpg").write_bytes(b"page two")
        s.commit()
        summary = build_ledger(
            s,
            branch_id=1,
            tz=TZ,
            xlsx_path=tmp_path / "l.xlsx",
            zip_path=tmp_path / "l.zip",
            archive_dir=archive,
            staff_ids=[99],
        )
    assert (summary.sessions, summary.rows, summary.submitted, summary.files) == (1, 5, 3, 3)
    book = openpyxl.load_workbook(tmp_path / "l.xlsx")
    rows = [r[2:] for r in list(book["台账明细"].iter_rows(values_only=True))[1:]]
    local = datetime(2026, 1, 15, 10, 0)
    assert rows == [
        ("张<伟>", "是", local, "否", "文字", "=1+1 不是公式", None, None),
        ("张<伟>", "是", local, "否", "语音", None, timedelta(seconds=72), "s/voice.ogg"),
        (
            "王建国",
            "否",
            local,
            "否",
            "照片",
            "第一页",
            None,
            "s/page_1.jpg\ns/page_2.jpg\n（文件尚在下载）",
        ),
        (
            "已离开",
            "否",
            local,
            "是",
            "语音",
            None,
            timedelta(minutes=30),
            "（文件超过20MB，未能下载，原件保存在Telegram中）",
        ),
        ("已离开", "否", local, "否", "文件", None, None, "../secret.txt"),
    ]
    assert book["台账明细"]["H2"].data_type == "s"  # text, never a formula
    assert zipfile.ZipFile(tmp_path / "l.zip").namelist() == [
        "s/voice.ogg",
        "s/page_1.jpg",
        "s/page_2.jpg",
    ]
    _, totals = list(book["参与情况汇总"].iter_rows(values_only=True))
    assert totals[3:] == (3, 3, 0, 1, 1, 5)  # three members, five submissions; 100% a number


def test_a_year_for_a_thousand_members_streams_quickly(tmp_path: Path) -> None:
    db = database(tmp_path)
    members, sessions = 1000, 12
    text = "学习了党的二十届四中全会精神，体会很深。" * 15
    with Session(db.engine) as s:
        s.add(Branch(id=1, chat_id=-100, title="老干之家", created_at=T0))
        s.execute(
            insert(Member),
            [
                {
                    "id": i,
                    "branch_id": 1,
                    "user_id": 10_000 + i,
                    "name": f"成员{i}",
                    "party_member": i % 2 == 0,
                    "active": True,
                    "joined_at": T0,
                }
                for i in range(1, members + 1)
            ],
        )
        for n in range(sessions):
            s.add(theme(1, date(2026, n + 1, 15), f"第{n + 1}次学习"))
        s.flush()
        rows = []
        for sid in range(1, sessions + 1):
            for i in range(1, members + 1):
                if i % 5 == 0:
                    continue  # a fifth have not submitted
                rows.append(
                    {
                        "session_id": sid,
                        "member_id": i,
                        "kind": "text" if i % 3 else "voice",
                        "text": text if i % 3 else None,
                        "duration": None if i % 3 else 95,
                        "chat_id": -100,
                        "message_id": sid * 10_000 + i,
                        "via": "reply",
                        "submitted_at": T0 + timedelta(days=30 * (sid - 1), hours=2),
                        "late": i % 7 == 0,
                        "ack_pending": False,
                    }
                )
        s.execute(insert(Reflection), rows)
        s.commit()
    # How fast: bench/exports.py (a ratio to a plain writer in the same run); here, that a year
    # of a thousand members is written whole.
    with db.session() as s:
        summary = build_ledger(
            s,
            branch_id=1,
            tz=TZ,
            xlsx_path=tmp_path / "year.xlsx",
            archive_dir=tmp_path,
            since=date(2026, 1, 1),
            until=date(2026, 12, 31),
        )
    assert summary.sessions == sessions and summary.rows == members * sessions
    assert summary.submitted == sessions * members * 4 // 5
    book = openpyxl.load_workbook(tmp_path / "year.xlsx", read_only=True)
    assert len(list(book["参与情况汇总"].iter_rows(values_only=True))) == sessions + 1
