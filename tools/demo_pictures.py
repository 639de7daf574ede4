"""Regenerate the README's two pictures of `yinling demo` from its chat page.

    .venv/bin/python tools/demo_pictures.py

Plays the demo month quickly in a temporary folder, opens its demo.html in headless Chromium
(Debian: `apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji`) at two places,
and writes docs/images/demo-theme-day.png (the group on the theme day) and
docs/images/demo-private-quiz.png (王建国 answering the private quiz), as a phone shows them.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from bot.cli.demo import show
from bot.demo import browser
from bot.demo.page import day_anchor
from bot.demo.world import GROUP_ID, person

ROOT = Path(__file__).resolve().parent.parent
PICTURES = [
    ("demo-theme-day.png", day_anchor(GROUP_ID, date(2026, 6, 15)), 1240),
    ("demo-private-quiz.png", day_anchor(person("王建国").user_id, date(2026, 6, 25)), 1240),
]
WIDTH = 420  # a phone's width in CSS pixels


def main() -> int:
    chromium = browser.find()
    if chromium is None:
        print("Chromium is needed: apt-get install -y chromium", file=sys.stderr)
        return 1
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
        if not fonts.strip():
            print("warning: no Chinese font (apt-get install -y fonts-noto-cjk)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="yinling-pictures-") as folder:
        demo = show(Path(folder) / "demo", speed=1000.0, out=io.StringIO())
        if demo is None or not demo.finished:
            print("the demo did not finish", file=sys.stderr)
            return 1
        for name, fragment, height in PICTURES:
            out = ROOT / "docs" / "images" / name
            out.parent.mkdir(parents=True, exist_ok=True)
            browser.screenshot(
                chromium, demo.page, out, width=WIDTH, height=height, fragment=fragment
            )
            print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
