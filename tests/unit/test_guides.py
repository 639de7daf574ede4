"""The guides name only commands and buttons that exist.

docs/用户手册.md (the secretary's guide), docs/运维手册.md (the operator's) and docs/成员须知.md
(for members) tell people what to type and what to tap. A command named there (`/themeday`)
must be one the bot's Application answers; a button named there (written 【按钮上的字】, the
guides' one notation for buttons) must be a label the bot shows: its words must be in one of
the bot's texts (bot/texts) or the handlers' own strings. A renamed button or a removed
command fails here, not in front of a secretary following the guide.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CommandHandler

from bot.app import build_application
from bot.clock import SystemClock
from bot.settings import Settings
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [
    ROOT / "docs" / "用户手册.md",
    ROOT / "docs" / "运维手册.md",
    ROOT / "docs" / "成员须知.md",
]
TOKEN = "123456789:" + "A" * 35
# Commands of other bots the guides tell people to send (BotFather, userinfobot).
NOT_OURS = {"newbot", "revoke", "setprivacy", "mybots", "setjoingroups"}
# A command as the guides write it: after a space, a backtick, a quote or a bracket; not a path.
COMMAND = re.compile(r"(?:^|[\s`“”\"（(：:、，])/([a-z]+)\b(?![/.\w])")
BUTTON = re.compile(r"【([^】]+)】")


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    folder = tmp_path_factory.mktemp("guides")
    settings = Settings(_env_file=None, bot_token=TOKEN, data_dir=folder)
    application: Any = build_application(
        settings, Database(f"sqlite:///{folder / 'y.db'}"), SystemClock()
    )
    found: set[str] = set()
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                found |= set(handler.commands)
    return found


def strings_of_the_bot() -> str:
    """Every string literal in bot/texts and handlers, one per line."""
    found: list[str] = []
    for folder in (ROOT / "bot" / "texts", ROOT / "handlers"):
        for path in sorted(folder.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.append(node.value)
    return "\n".join(found)


def named(pattern: re.Pattern[str], guide: Path) -> set[str]:
    text = guide.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # shell examples name `yinling` paths
    return set(pattern.findall(text))


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_command_a_guide_names_exists(guide: Path, commands: set[str]) -> None:
    missing = named(COMMAND, guide) - commands - NOT_OURS
    assert not missing, f"{guide.name} names commands the bot does not have: {sorted(missing)}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_button_a_guide_names_exists(guide: Path) -> None:
    texts = strings_of_the_bot()
    missing = {label for label in named(BUTTON, guide) if label.strip() not in texts}
    assert not missing, f"{guide.name} names buttons the bot does not show: {sorted(missing)}"


def test_the_secretarys_guide_names_buttons_and_starts_with_the_monthly_checklist() -> None:
    guide = GUIDES[0].read_text(encoding="utf-8")
    assert len(named(BUTTON, GUIDES[0])) >= 30  # the guide is about tapping, so it names them
    chapters = [h for h in re.findall(r"^## (.+)$", guide, flags=re.M) if h != "目录"]
    assert chapters[0].startswith("每月清单")


def test_the_checks_would_catch_a_wrong_name(commands: set[str], tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.md"
    wrong.write_text("发 `/themeday`，或 /nosuchcommand，再点【没有这个按钮】。", encoding="utf-8")
    assert named(COMMAND, wrong) - commands == {"nosuchcommand"}
    assert named(BUTTON, wrong) == {"没有这个按钮"}
    assert "没有这个按钮" not in strings_of_the_bot()
