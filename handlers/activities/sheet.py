"""The sign-up sheet (报名表), built by a background job and sent privately."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.context import Services
from bot.runtime.jobs import Apply, JobKind
from bot.services import exports
from bot.texts import activities as T
from bot.texts import fmt
from storage.exports.activities import SheetSummary, build_signup_sheet

# --- the sign-up sheet (a background job) ---------------------------------------------------------

SHEET_JOB = "activities.sheet"


async def prepare_sheet(services: Services, payload: dict[str, Any]) -> Apply:
    chat_id, activity_id = int(payload["chat_id"]), int(payload["activity_id"])
    folder = exports.new_folder(
        services.settings, f"activity-{activity_id}", chat_id, services.now()
    )
    path = folder / "signup.xlsx"
    tz = services.settings.tz
    summary: SheetSummary | None = await exports.build(
        services.db,
        lambda session: build_signup_sheet(session, activity_id=activity_id, tz=tz, xlsx_path=path),
    )

    def deliver(session: Session) -> None:
        if summary is None:
            services.outbox.message(session, chat_id, T.STALE)
            return
        day = summary.starts_at.astimezone(tz).date().isoformat()
        services.outbox.document(
            session,
            chat_id,
            path,
            filename=exports.safe_filename("报名表", summary.title, day, ext="xlsx"),
            caption=fmt(
                T.SHEET_CAPTION,
                title=summary.title,
                people=summary.people,
                family=summary.family,
                waiting=summary.waiting,
            ),
            kind="activity.sheet",
            ref=activity_id,
        )

    return deliver


def sheet_failed(services: Services, session: Session, payload: dict[str, Any]) -> None:
    services.outbox.message(session, int(payload["chat_id"]), T.SHEET_FAILED)


JOBS = {SHEET_JOB: JobKind(prepare_sheet, sheet_failed)}
