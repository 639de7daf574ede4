"""Who gets a branch's private notices: its admins (secretary, committee) and staff.

Admins are those in YINLING_ADMIN_IDS plus the group's creator and administrators according to
Telegram (getChatAdministrators, a read-only call: never await it inside a transaction).
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.context import Services

log = logging.getLogger(__name__)


async def branch_admins(services: Services, chat_id: int) -> list[int]:
    """The admins of the branch group `chat_id`, configured ones first."""
    ids = list(services.settings.admin_ids)
    try:
        members = await services.roles.bot.get_chat_administrators(chat_id)
    except TelegramError as exc:
        log.warning(
            "care: getChatAdministrators %s failed (%s); using configured admins", chat_id, exc
        )
        return ids
    ids.extend(m.user.id for m in members if not m.user.is_bot and m.user.id not in ids)
    return ids


async def admins_and_staff(services: Services, chat_id: int) -> list[int]:
    ids = await branch_admins(services, chat_id)
    ids.extend(i for i in services.settings.staff_ids if i not in ids)
    return ids
