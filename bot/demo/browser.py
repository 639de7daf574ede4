"""Looking at the demo's chat page in headless Chromium: the DOM as the browser built it, and
screenshots. Used by the test of the page and by tools/demo_pictures.py (the README's
pictures); `yinling demo` itself never starts a browser.

Chromium runs with a fresh profile folder and without any of its background traffic (updates,
sync, safe browsing, QUIC), so that it reads the local file and nothing else.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
TIMEOUT = 120.0


def find() -> str | None:
    """The path of a Chromium (or Chrome) on this machine, or None."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="yinling-chromium-") as profile:
        return subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )


def url(page: Path, fragment: str = "") -> str:
    return page.resolve().as_uri() + (f"#{fragment}" if fragment else "")


def dump_dom(chromium: str, page: Path, fragment: str = "") -> str:
    """The page's DOM as Chromium built it, serialised."""
    return _run(chromium, "--dump-dom", url(page, fragment)).stdout


def screenshot(
    chromium: str, page: Path, out: Path, *, width: int, height: int, fragment: str = ""
) -> Path:
    """A PNG of the page's first `width`×`height` pixels, opened at `#fragment`."""
    _run(
        chromium,
        f"--window-size={width},{height}",
        f"--screenshot={out.resolve()}",
        url(page, fragment),
    )
    return out
