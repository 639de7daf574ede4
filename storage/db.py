"""The SQLite engine, sessions and migrations.

SQLite runs in WAL mode with a busy timeout so that a reader (an export in a worker thread, a
backup) never blocks the bot, and a writer from another process waits instead of failing.

The bot's own connections do not checkpoint the WAL into the database file themselves (SQLite
would do it inside whichever commit crosses 1,000 pages, fsync included, blocking the event
loop for as long as the disk takes): `Database.checkpoint()` does it from a worker thread,
called by the bot when the WAL has grown (bot/app.py).

Inside the bot's event loop every piece of work that touches the database (the update
processor, the sender, jobs) goes through `Database.write()`, which holds one asyncio lock for
the transaction. Without it, a handler awaiting the network while its transaction holds
SQLite's write lock could let a job on the same thread block the whole loop on that lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration (tests/unit/test_storage_db.py checks it against the scripts). A database
# already there needs no alembic at start, whose import (all of SQLAlchemy's dialects with it)
# took a quarter of a second of the bot's start-up (bench/footprint.py).
HEAD = "0015"
BUSY_TIMEOUT_MS = 15_000
BEGIN_OPTION = "yinling_begin"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _configure_sqlite(engine: Engine, *, autocheckpoint: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # SAVEPOINTs work (see SQLAlchemy's pysqlite notes).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL with synchronous=NORMAL is durable against application crashes (SIGKILL);
        # only a power loss may lose the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE) so that a competing writer in
        # another process makes them wait out the busy timeout; a deferred transaction that
        # later upgrades its lock gets "database is locked" at once instead.
        mode = connection.get_execution_options().get(BEGIN_OPTION, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


class Database:
    """The engine plus the lock that keeps in-loop transactions from interleaving."""

    def __init__(self, url: str, *, background_checkpoints: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine, autocheckpoint=not background_checkpoints)
        self._writer = self.engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        self._lock: asyncio.Lock | None = None
        self._after_commit: list[Callable[[Session], None]] = []

    @property
    def lock(self) -> asyncio.Lock:
        # Created lazily so that it binds to the running loop, not the one at import time.
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def after_commit(self, hook: Callable[[Session], None]) -> None:
        """Call `hook(session)` after each successful `write()` commit (e.g. to wake the sender)."""
        self._after_commit.append(hook)

    def run_after_commit(self, session: Session) -> None:
        for hook in self._after_commit:
            hook(session)
        session.info.clear()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Session]:
        """One transaction in the event loop: committed on success, rolled back on error."""
        async with self.lock:
            with Session(self._writer, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
                self.run_after_commit(session)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for a worker thread or a command-line tool (not for the event loop)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def wal_bytes(self) -> int:
        """How big the write-ahead log has grown (0 when there is none)."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database:
            return 0
        try:
            return Path(f"{database}-wal").stat().st_size
        except OSError:
            return 0

    def checkpoint(self) -> None:
        """Copy the WAL into the database file (PASSIVE: never waits for readers or writers).

        Blocking (it may fsync): call it from a worker thread, on its own connection."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    # --- migrations ---------------------------------------------------------------------

    def alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision`, creating the database if it does not exist."""
        if revision == "head" and self._stored_revision() == HEAD:
            return
        from alembic import command

        config = self.alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def _stored_revision(self) -> str | None:
        """The revision the database says it is at, read without alembic (None: no database,
        or one alembic has not stamped)."""
        try:
            with self.engine.connect() as connection:
                rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
                versions = [str(row[0]) for row in rows]
        except OperationalError:
            return None
        return versions[0] if len(versions) == 1 else None

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    def dispose(self) -> None:
        self.engine.dispose()
