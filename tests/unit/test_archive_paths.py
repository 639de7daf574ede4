"""Whatever names members give their files, the archive keeps them inside its own folder.

Property-based: folder parts, name parts and extensions from hypothesis (path separators, "..",
absolute paths, control characters, NUL, right-to-left overrides, Windows device names, emoji,
very long names) go through `Archive.queue`; the path it chose must be one plain relative path
under the archive root, distinct for every file, and creatable on disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.runtime.archive import Archive
from storage.db import Database, sqlite_url

HOSTILE = st.sampled_from(
    [
        "..",
        "../..",
        "/etc/passwd",
        "..\\..\\windows",
        "CON",
        "nul.txt",
        "\x00",
        "\u202egpj.exe",
        ".bashrc",
        "-rf",
        "~",
        "王建国/../../x",
        "🌸" * 70,
        "长" * 200,
        " ",
        "",
    ]
)
parts = st.lists(st.one_of(HOSTILE, st.text(max_size=40)), min_size=1, max_size=4)
extensions = st.one_of(HOSTILE, st.text(max_size=20), st.sampled_from(["ogg", ".jpg", "tar.gz"]))


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(sqlite_url(tmp_path_factory.mktemp("archive") / "yinling.db"))
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    root = tmp_path_factory.mktemp("data") / "archive"
    root.mkdir()
    return Archive(root, FakeClock(datetime(2026, 11, 26, 1, 0, tzinfo=UTC)))


ids = count()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(folder=parts, name=parts, ext=extensions)
def test_any_file_name_stays_inside_the_archive(
    database: Database, archive: Archive, folder: list[str], name: list[str], ext: str
) -> None:
    n = next(ids)
    with database.session() as session:
        row = archive.queue(
            session,
            file_id=f"F{n}",
            file_unique_id=f"U{n}",
            size=10,
            folder=folder,
            name=name,
            ext=ext,
            kind="test",
            ref=n,
        )
        session.commit()
    relative = Path(row.rel_path)
    assert not relative.is_absolute()
    assert ".." not in relative.parts and "." not in relative.parts
    assert all(part and not part.startswith(".") for part in relative.parts)
    assert len(relative.parts) == len(folder) + 1
    target = archive.path(row)
    assert target.is_relative_to(archive.root.resolve())
    # The name can really be created (no NUL, within the file system's 255 bytes per part).
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"x")
    assert all(len(part.encode()) <= 255 for part in relative.parts)


def test_the_same_name_twice_gets_two_files(database: Database, archive: Archive) -> None:
    paths = set()
    with database.session() as session:
        for n in range(3):
            row = archive.queue(
                session,
                file_id=f"same{n}",
                file_unique_id=f"same{n}",
                size=1,
                folder=["2026-11 主题党日"],
                name=["王建国", "心得"],
                ext="ogg",
                kind="test",
                ref=n,
            )
            session.flush()
            paths.add(row.rel_path)
        session.commit()
    assert len(paths) == 3


def test_a_long_name_sent_twice_still_gets_a_file_of_its_own(
    database: Database, archive: Archive
) -> None:
    # Before the fix, the number added to a name already at the length limit was cut off
    # again, and the bot looped for ever looking for a free name.
    paths = set()
    with database.session() as session:
        for n in range(3):
            row = archive.queue(
                session,
                file_id=f"long{n}",
                file_unique_id=f"long{n}",
                size=1,
                folder=["长名字"],
                name=["很" * 120],
                ext="ogg",
                kind="test",
                ref=n,
            )
            paths.add(row.rel_path)
        session.commit()
    assert len(paths) == 3
    assert all(len(Path(p).name.encode()) <= 250 for p in paths)
