"""`yinling doctor`: checks a set-up from the settings to each branch group, and says the fix.

Each check prints "✓ …" or "✗ … — 解决办法: … / Fix: …" in Chinese and English; the exit code
is non-zero when anything failed. It only reads: it neither creates the data dir nor migrates,
takes no lock and sends nothing, so it can run beside a running bot. It talks to Telegram (or
the configured Bot API server) the way the bot does, through the configured proxy, with short
timeouts so that a dead proxy gives an answer in seconds rather than a hang.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, ChatMember, ChatMemberRestricted, User
from telegram.error import ChatMigrated, Forbidden, InvalidToken, NetworkError, TelegramError

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, SettingsProblem, load_settings, shown_proxy
from bot.logs import redact
from bot.runtime.http import TelegramRequest
from bot.settings import Settings
from bot.texts import doctor as T
from storage import branches
from storage.backup import BackupError, sqlite_path
from storage.db import Database
from storage.models import Branch

Text = tuple[str, str]  # (Chinese, English)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
# Below this the bot may fail to archive a day's voice messages and photos or to write a backup
# (a backup is about the size of the database plus the archive), so it is reported as a ✗.
LOW_DISK = 200 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    """One line of the report: passed (True), failed (False) or for information (None)."""

    ok: bool | None
    zh: str
    en: str
    fix_zh: str = ""
    fix_en: str = ""

    def lines(self) -> str:
        mark = {True: T.OK_MARK, False: T.BAD_MARK, None: T.INFO_MARK}[self.ok]
        text = f"{mark} {self.zh} / {self.en}"
        if self.ok is False and self.fix_zh:
            text += "\n" + T.FIX.format(zh=self.fix_zh, en=self.fix_en)
        return text


def check(ok: bool | None, text: Text, fix: Text | None = None, /, **values: object) -> Check:
    zh, en = (part.format(**values) for part in text)
    fix_zh, fix_en = (part.format(**values) for part in fix) if fix else ("", "")
    return Check(ok, zh, en, fix_zh, fix_en)


def command(args: argparse.Namespace) -> int:
    """`yinling doctor`: the report on stdout; exit code 1 if anything is wrong."""
    try:
        settings = load_settings()
    except SettingsProblem as exc:
        # Even unreadable settings are one ✗ line of the report (exit 1, as documented).
        print(settings_failed(exc.problems).lines())
        return report_end(1, print)
    return asyncio.run(run(settings))


def settings_failed(problems: list[str]) -> Check:
    """The settings could not be parsed: `problems` are the lines `yinling run` would print."""
    zh, en = T.SETTINGS_BAD
    return Check(False, zh + "\n" + "\n".join(problems), en, *T.SETTINGS_BAD_FIX)


async def run(settings: Settings, *, out: Callable[[str], None] = print) -> int:
    """Run every check, printing as it goes; 0 when all passed, 1 otherwise."""
    failed = 0
    async for result in diagnose(settings):
        out(result.lines())
        failed += result.ok is False
    return report_end(failed, out)


def report_end(failed: int, out: Callable[[str], None]) -> int:
    if failed:
        zh, en = T.SUMMARY_BAD
        out(f"\n{zh.format(count=failed)} / {en.format(count=failed)}")
        return EXIT_PROBLEMS
    out(f"\n{T.SUMMARY_OK[0]} / {T.SUMMARY_OK[1]}")
    return EXIT_OK


async def diagnose(settings: Settings) -> AsyncIterator[Check]:
    """The checks in order: settings, data dir, database, Telegram, then each branch."""
    yield settings_read()
    for result in check_data_dir(settings):
        yield result
    yield bot_running(settings.data_dir)
    db_check, branch_list = read_database(settings)
    yield db_check
    async for result in check_telegram(settings, branch_list):
        yield result


def settings_read() -> Check:
    """Settings parsed; where from (the .env file is read from the current directory)."""
    env_file = Path(".env")
    if env_file.is_file():
        path = env_file.resolve()
        zh, en = (part.format(path=path) for part in T.SETTINGS_SOURCE_ENV_FILE)
    else:
        zh, en = T.SETTINGS_SOURCE_ENV
    return check(True, T.SETTINGS_OK, source=zh, source_en=en)


# --- data dir and database -------------------------------------------------------------


def check_data_dir(settings: Settings) -> list[Check]:
    path = settings.data_dir.resolve()
    if not path.exists():
        parent = next((p for p in path.parents if p.exists()), Path("/"))
        if os.access(parent, os.W_OK | os.X_OK):
            return [check(True, T.DATA_DIR_NEW, path=path), *low_disk(parent, settings)]
        return [
            check(
                False,
                T.DATA_DIR_BAD,
                T.DATA_DIR_BAD_FIX,
                path=path,
                error=f"{parent} 不可写 / {parent} is read-only",
            )
        ]
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return [check(False, T.DATA_DIR_BAD, T.DATA_DIR_BAD_FIX, path=path, error=exc.strerror)]
    # Folders made by someone else (a backup run as root) stop the bot from writing there.
    for sub in (settings.archive_dir, settings.backups_dir, settings.exports_dir, path / "logs"):
        if sub.exists() and not os.access(sub, os.W_OK | os.X_OK):
            error = f"{sub} 不可写 / {sub} is read-only"
            return [check(False, T.DATA_DIR_BAD, T.DATA_DIR_BAD_FIX, path=path, error=error)]
    free = shutil.disk_usage(path).free
    return [check(True, T.DATA_DIR_OK, path=path, free=_size(free)), *low_disk(path, settings)]


def low_disk(folder: Path, settings: Settings) -> list[Check]:
    """A ✗ when the data dir's disk has less than LOW_DISK free (nothing otherwise)."""
    free = shutil.disk_usage(folder).free
    if free >= LOW_DISK:
        return []
    return [
        check(False, T.DISK_LOW, T.DISK_LOW_FIX, free=_size(free), backups=settings.backups_dir)
    ]


def bot_running(data_dir: Path) -> Check:
    """Whether a bot holds this data dir, from the pid it wrote into its lock file.

    Only reads the file: taking the lock, even briefly, could make a bot starting at that
    moment believe another copy is running.
    """
    try:
        pid = int((data_dir / "yinling.lock").read_text(encoding="utf-8").strip())
        os.kill(pid, 0)
    except PermissionError:  # alive, run by another user (the service's)
        pass
    except (OSError, ValueError):
        return check(None, T.BOT_STOPPED)
    return check(None, T.BOT_RUNNING, pid=pid)


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def read_database(settings: Settings) -> tuple[Check, list[Branch] | None]:
    """The schema check, and the active branches (None when they cannot be read)."""
    try:
        path = sqlite_path(settings.db_url)
    except BackupError:
        path = None
    if path is not None and not path.is_file():
        return check(False, T.DB_MISSING, T.DB_MISSING_FIX, path=path), None
    db = Database(settings.db_url)
    try:
        current, head = db.current_revision(), db.head_revision()
        scripts = ScriptDirectory.from_config(db.alembic_config())
        known = {script.revision for script in scripts.walk_revisions()}
        if current is not None and current not in known:
            result = check(False, T.DB_NEWER, T.DB_NEWER_FIX, current=current)
        elif current != head:
            result = check(False, T.DB_OLD, T.DB_OLD_FIX, current=current or "-", head=head)
        else:
            result = check(True, T.DB_OK, revision=current)
        try:
            with db.session() as session:
                found: list[Branch] | None = branches.active(session)
        except SQLAlchemyError:
            found = None
        return result, found
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        error = redact(str(orig if orig is not None else exc))
        return check(False, T.DB_UNREADABLE, T.DB_UNREADABLE_FIX, error=error), None
    finally:
        db.dispose()


# --- Telegram ------------------------------------------------------------------------------


def make_bot(settings: Settings) -> Bot:
    """A plain Bot like the running one: same server, same proxy, short timeouts."""

    def request() -> TelegramRequest:
        return TelegramRequest(
            connection_pool_size=4,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            write_timeout=READ_TIMEOUT,
            pool_timeout=CONNECT_TIMEOUT,
            proxy=settings.proxy,
        )

    return Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        request=request(),
        get_updates_request=request(),
    )


async def check_telegram(
    settings: Settings, branch_list: list[Branch] | None
) -> AsyncIterator[Check]:
    server = urlsplit(settings.api_base_url).netloc or settings.api_base_url
    values: dict[str, object] = {"server": server, "via": "", "via_en": ""}
    if settings.proxy:
        proxy = shown_proxy(settings.proxy)
        values |= {
            "via": T.REACH_VIA[0].format(proxy=proxy),
            "via_en": T.REACH_VIA[1].format(proxy=proxy),
            "proxy": proxy,
        }
    bot = make_bot(settings)
    try:
        me, results = await get_me(bot, values)
        for result in results:
            yield result
        if me is None:
            yield check(None, T.SKIPPED_TELEGRAM)
            return
        privacy = not me.can_read_all_group_messages
        yield check(None, T.PRIVACY_ON if privacy else T.PRIVACY_OFF)
        if branch_list is None:
            yield check(None, T.BRANCHES_UNREADABLE)
            return
        if not branch_list:
            yield check(None, T.NO_BRANCHES)
            return
        for branch in branch_list:
            for result in await check_branch(bot, branch, privacy=privacy):
                yield result
    finally:
        await _close(bot)


async def get_me(bot: Bot, values: dict[str, object]) -> tuple[User | None, list[Check]]:
    """getMe (through initialize, which also opens the connections): is Telegram reachable
    through the proxy, and does it accept the token?"""
    try:
        await bot.initialize()
    except InvalidToken:
        # The exception's text holds the token: it is never shown.
        return None, [check(True, T.REACH_OK, **values), check(False, T.TOKEN_BAD, T.TOKEN_BAD_FIX)]
    except NetworkError as exc:
        fix = T.REACH_BAD_FIX_PROXY if "proxy" in values else T.REACH_BAD_FIX_DIRECT
        return None, [check(False, T.REACH_BAD, fix, error=_network_error(exc), **values)]
    except TelegramError as exc:
        return None, [
            check(True, T.REACH_OK, **values),
            check(False, T.TOKEN_ERROR, T.TOKEN_ERROR_FIX, error=redact(str(exc))),
        ]
    me = bot.bot
    return me, [check(True, T.REACH_OK, **values), check(True, T.TOKEN_OK, username=me.username)]


def _network_error(exc: NetworkError) -> str:
    cause = exc.__cause__
    text = f"{type(cause).__name__}: {cause}" if cause is not None else str(exc)
    return redact(text.strip().rstrip(":")) or type(exc).__name__


async def _close(bot: Bot) -> None:
    with contextlib.suppress(Exception):  # closing what never opened: nothing to report
        await bot.shutdown()


async def check_branch(bot: Bot, branch: Branch, *, privacy: bool) -> list[Check]:
    """Is the bot an admin of the branch's group, and do members' replies reach it?"""
    where = {"title": branch.title, "chat_id": branch.chat_id}
    try:
        member = await bot.get_chat_member(branch.chat_id, bot.id)
    except Forbidden:
        return [
            check(False, T.BRANCH_GONE, T.BRANCH_GONE_FIX, **where),
            check(False, T.BRANCH_CANNOT_READ, T.BRANCH_CANNOT_READ_FIX, **where),
        ]
    except ChatMigrated as exc:
        new = {"new_chat_id": exc.new_chat_id}
        return [check(False, T.BRANCH_UPGRADED, T.BRANCH_UPGRADED_FIX, **where, **new)]
    except TelegramError as exc:
        # "chat not found": the group was deleted, or the bot was never in it.
        return [
            check(False, T.BRANCH_ERROR, T.BRANCH_GONE_FIX, error=redact(str(exc)), **where),
            check(False, T.BRANCH_CANNOT_READ, T.BRANCH_CANNOT_READ_FIX, **where),
        ]
    return branch_checks(member, privacy=privacy, title=branch.title, chat_id=branch.chat_id)


def branch_checks(member: ChatMember, *, privacy: bool, title: str, chat_id: int) -> list[Check]:
    """What the bot's own membership in a group means for the branch (pure)."""
    where = {"title": title, "chat_id": chat_id}
    status = member.status
    if status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
        return [check(True, T.BRANCH_ADMIN, **where), check(True, T.BRANCH_READS_ALL, **where)]
    present = status == ChatMember.MEMBER or (
        isinstance(member, ChatMemberRestricted) and member.is_member
    )
    if not present:
        return [
            check(False, T.BRANCH_GONE, T.BRANCH_GONE_FIX, **where),
            check(False, T.BRANCH_CANNOT_READ, T.BRANCH_CANNOT_READ_FIX, **where),
        ]
    results = [check(False, T.BRANCH_NOT_ADMIN, T.BRANCH_NOT_ADMIN_FIX, **where)]
    if isinstance(member, ChatMemberRestricted) and not member.can_send_messages:
        results.append(check(False, T.BRANCH_RESTRICTED, T.BRANCH_RESTRICTED_FIX, **where))
    note = T.BRANCH_PRIVACY_NOTE if privacy else ("", "")
    results.append(
        check(True, T.BRANCH_READS_REPLIES, privacy=note[0], privacy_en=note[1], **where)
    )
    return results
