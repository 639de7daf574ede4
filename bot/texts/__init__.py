"""Every user-facing string, in simplified Chinese, by name: one module per feature.

Placeholders use `str.format` names. Values that come from users (names, titles, texts) must
be escaped with `html.escape` before they are formatted into these HTML texts; `fmt()` does that
for every keyword argument.
"""

from __future__ import annotations

import html


def esc(value: object) -> str:
    """Escape one user-provided value for Telegram's HTML parse mode."""
    return html.escape(str(value), quote=False)


def fmt(template: str, /, **values: object) -> str:
    """Fill a template with HTML-escaped values (use `safe_html` for pre-built markup)."""
    return template.format(
        **{k: (v.html if isinstance(v, SafeHtml) else esc(v)) for k, v in values.items()}
    )


class SafeHtml:
    """Markup the bot built itself, already escaped; `fmt` inserts it as it is."""

    __slots__ = ("html",)

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def __str__(self) -> str:
        return self.html
