"""Material sends that Telegram refused as a whole media group (one bad file refuses them all)
are resent one by one, so that one bad file never keeps the others from the group."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.context import Services
from bot.core.material_batches import Item, single
from bot.services import themeday as theme_day
from storage import branches, materials, outbox, themeday

# How far back to look for refused media groups to split (older ones were handled by now).
RESEND_LOOKBACK = timedelta(days=2)
DUE = [materials.REFUSED_DUE.earlier(RESEND_LOOKBACK)]


async def run_due(services: Services, now: datetime) -> None:
    """Resend, item by item, the media groups Telegram refused lately."""
    async with services.db.write() as session:
        _resend(services, session, now)


def _resend(services: Services, session: Session, now: datetime) -> None:
    for row in materials.failed_sends(session, since=now - RESEND_LOOKBACK):
        if (row.error or "").startswith("unreachable"):
            continue  # the bot is out of the group: nothing can go there
        session_part, _, ids_part = row.ref.partition(":")
        theme = themeday.get(session, int(session_part))
        if theme is None:
            continue
        branch = branches.get(session, theme.branch_id)
        if branch is None or not branch.active:
            continue
        # Whoever was to hear about problems with this push (the header row says).
        header = outbox.find_by_key(session, f"themeday:{theme.id}:header")
        notify = header.notify_chat_id if header is not None else branch.chat_id
        for material_id in (int(i) for i in ids_part.split(",") if i):
            material = materials.get(session, material_id)
            if material is None:
                continue
            assert material.id is not None
            theme_day.queue_batch(
                services,
                session,
                theme=theme,
                branch=branch,
                batch=single(Item(material.id, material.kind)),
                items=[material],
                dedupe_key=f"themeday:{theme.id}:material:{material.id}",
                notify_chat_id=notify,
            )
