"""Where generated files go and when they go away (bot/services/exports.py): every file in a
folder named with the bot's clock, removed after the retention period, whatever the clock says
about the files' own modification times."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.services import exports
from bot.settings import Settings

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, bot_token="123456:" + "A" * 35, data_dir=tmp_path)


def test_templates_and_exports_each_get_a_folder_and_go_after_the_retention(
    tmp_path: Path,
) -> None:
    s = settings(tmp_path)
    template = exports.write_file(s, "quiz-template", 1001, "quiz-template.xlsx", b"x", NOW)
    ledger = exports.new_folder(s, "ledger", 1003, NOW + timedelta(hours=1))
    (ledger / "ledger.xlsx").write_bytes(b"y")
    loose = s.exports_dir / "left-over.xlsx"  # from an older version: goes by its mtime
    loose.write_bytes(b"z")
    stamp = (NOW - timedelta(days=1)).timestamp()
    os.utime(loose, (stamp, stamp))
    assert template.parent.parent == s.exports_dir == ledger.parent
    assert exports.made_at(template.parent) == NOW

    # The folders' age comes from their names (the bot's clock), not from when the test ran.
    later = NOW + exports.RETENTION + timedelta(minutes=30)
    assert exports.prune(s.exports_dir, now=later) == 2  # the template's folder and the loose file
    assert not template.exists() and not loose.exists()
    assert (ledger / "ledger.xlsx").exists()
    assert exports.prune(s.exports_dir, now=later + timedelta(hours=1)) == 1
    assert list(s.exports_dir.iterdir()) == []


def test_a_new_file_prunes_the_old_ones_but_never_itself(tmp_path: Path) -> None:
    s = settings(tmp_path)
    old = exports.new_folder(s, "quiz-1", 1003, NOW)
    fresh = exports.write_file(
        s, "roster_template", 1001, "roster_template.xlsx", b"x", NOW + timedelta(days=5)
    )
    assert not old.exists()
    assert [p.name for p in s.exports_dir.iterdir()] == [fresh.parent.name]
