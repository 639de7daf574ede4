"""The archive: files are downloaded in the background into safe paths under the data dir."""

from __future__ import annotations

from sqlmodel import select

from storage.models import ArchiveFile
from tests.e2e.harness import Harness


async def archive_file(
    harness: Harness, doc: dict[str, object], *, folder: list[str], name: list[str], ext: str
) -> int:
    assert harness.runner is not None
    async with harness.runner.db.write() as s:
        row = harness.services.archive.queue(
            s,
            file_id=str(doc["file_id"]),
            file_unique_id=str(doc["file_unique_id"]),
            size=int(str(doc["file_size"])),
            folder=folder,
            name=name,
            ext=ext,
            kind="test",
            ref="1",
        )
        assert row.id is not None
        return row.id


async def wait_status(harness: Harness, row_id: int, status: str) -> ArchiveFile:
    def reached() -> bool:
        with harness.session() as s:
            row = s.get(ArchiveFile, row_id)
            return row is not None and row.status == status

    await harness.fake.wait_until(reached, timeout=10)
    with harness.session() as s:
        return s.get_one(ArchiveFile, row_id)


async def test_a_file_is_downloaded_into_the_archive(harness: Harness) -> None:
    await harness.start()
    doc = harness.fake.file("%PDF-1.4 学习材料".encode(), file_name="党章.pdf")
    row_id = await archive_file(
        harness, doc, folder=["2026-11-26 主题党日"], name=["2026-11-26", "党章"], ext="pdf"
    )
    row = await wait_status(harness, row_id, "done")
    path = harness.data_dir / "archive" / row.rel_path
    assert path.read_bytes() == "%PDF-1.4 学习材料".encode()


async def test_hostile_names_stay_inside_the_archive(harness: Harness) -> None:
    await harness.start()
    doc = harness.fake.file(b"voice")
    first = await archive_file(
        harness, doc, folder=["../../etc"], name=["..", "/passwd"], ext="ogg"
    )
    second = await archive_file(
        harness, doc, folder=["../../etc"], name=["..", "/passwd"], ext="ogg"
    )
    a = await wait_status(harness, first, "done")
    b = await wait_status(harness, second, "done")
    root = (harness.data_dir / "archive").resolve()
    for row in (a, b):
        assert (root / row.rel_path).resolve().is_relative_to(root)
        assert ".." not in row.rel_path.split("/")
    assert a.rel_path != b.rel_path


async def test_a_file_over_20_mb_is_kept_by_file_id_only(harness: Harness) -> None:
    await harness.start()
    big = harness.fake.file(None, size=25 * 1024 * 1024, kind="voice", duration=1800)
    row_id = await archive_file(harness, big, folder=["s"], name=["big"], ext="ogg")
    with harness.session() as s:
        row = s.get_one(ArchiveFile, row_id)
        assert row.status == "too_big" and row.file_id == big["file_id"]
        assert s.exec(select(ArchiveFile).where(ArchiveFile.status == "pending")).all() == []
