"""Spreadsheet exports built straight from the database (the study ledger, quiz results, the
yearly summary).

They read through a session of their own and write files through the one shared writer
(`storage.spreadsheets.write_xlsx`); they run in a worker thread."""

from __future__ import annotations

from datetime import date


def page_header(
    what: str, branch: str, since: date | None = None, until: date | None = None
) -> str:
    """What is printed atop every page of an export: the branch, what it is, its date range."""
    if since is None or until is None:
        return f"{branch}　{what}"
    if since == until:
        return f"{branch}　{what}　{since.isoformat()}"
    return f"{branch}　{what}　{since.isoformat()} 至 {until.isoformat()}"
