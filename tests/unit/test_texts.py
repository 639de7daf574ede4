"""Texts addressed to members fit a phone screen: at most 120 characters, unless they are the
longer help a member opens with a tap (docs/architecture.md, "Texts")."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from types import ModuleType

import pytest

import bot.texts

LIMIT = 120
MODULES = [
    importlib.import_module(f"bot.texts.{info.name}")
    for info in pkgutil.iter_modules(bot.texts.__path__)
]


def shown(template: str) -> str:
    """What a member reads of a template: tags left out, entities as characters (placeholders
    stay as written, about as long as a name or a date)."""
    return html.unescape(re.sub(r"<[^>]+>", "", template))


def member_texts() -> list[tuple[str, str]]:
    """(module.NAME[key], text) for every member-facing text that is not help."""
    found = []
    for module in MODULES:
        helps = set(module.MEMBER_HELP)
        for name in module.MEMBER_TEXTS:
            if name in helps:
                continue
            value = getattr(module, name)
            label = f"{module.__name__.rsplit('.', 1)[1]}.{name}"
            if isinstance(value, dict):
                found += [(f"{label}[{key}]", text) for key, text in value.items()]
            else:
                found.append((label, value))
    return found


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_texts_module_says_which_texts_address_members(module: ModuleType) -> None:
    names = list(module.MEMBER_TEXTS)
    helps = list(module.MEMBER_HELP)
    assert len(set(names)) == len(names), "a name listed twice"
    assert set(helps) <= set(names), "help texts are member texts too"
    for name in names:  # a renamed text must not drop out of the check
        value = getattr(module, name, None)
        assert isinstance(value, str | dict), f"{module.__name__}.{name} is no text"
        if isinstance(value, dict):
            assert all(isinstance(v, str) for v in value.values())


@pytest.mark.parametrize(("name", "text"), member_texts(), ids=[n for n, _ in member_texts()])
def test_member_texts_stay_under_120_characters(name: str, text: str) -> None:
    length = len(shown(text))
    assert length <= LIMIT, f"{name} is {length} characters: shorten it, or make it help"


def test_help_a_tap_away_still_fits_one_screen() -> None:
    for module in MODULES:
        for name in module.MEMBER_HELP:
            assert len(shown(getattr(module, name))) <= 2 * LIMIT, f"{module.__name__}.{name}"


def test_the_measure_leaves_out_tags_and_counts_entities_once() -> None:
    assert shown("<b>回复</b>（Reply）&lt;b&gt;") == "回复（Reply）<b>"
