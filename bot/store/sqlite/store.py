"""SQLite behind the Store interface: the embedded default, one file, one process.

Two connections: one that writes, serialised by a lock so each unit of work is one short IMMEDIATE
transaction, and one that reads, so a slow fsync never holds up an autocomplete. WAL lets them run
side by side.

A third, read-only and used on the event loop's own thread, takes the lookups by key that every card
makes (a claim by its number, its standing, whether a member is owed a notice): a handful of pages each,
where the trip to aiosqlite's thread and back (a queue, a wake-up of each thread) cost more than the
read itself. It never waits: busy (a checkpoint resetting the log, rare in WAL), it hands the read to
the reading connection instead.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.domain.text import INDEX_VERSION
from bot.store.errors import SaveFailed
from bot.store.sqlite import index
from bot.store.sqlite.connection import ProcessLock, connect, migrate
from bot.store.sqlite.reads import SqliteReads
from bot.store.sqlite.writes import SqliteTx

log = logging.getLogger(__name__)

# After this many transactions that wrote the search index, it is merged into one b-tree if it has at
# most TIDY_MAX_PAGES pages (index.tidy): ~150 ms of the writer's time, ~5,000 claims.
TIDY_EVERY = 32
TIDY_MAX_PAGES = 1_000

# Set while a task reads inside `snapshot()`: its lookups must see the snapshot's state, not a newer one.
_IN_SNAPSHOT: contextvars.ContextVar[bool] = contextvars.ContextVar("in_snapshot", default=False)


class SqliteStore(SqliteReads):
    def __init__(self, path: Path, *, single_instance: bool = False) -> None:
        super().__init__()
        self.path = path
        self._lock = ProcessLock(path) if single_instance else None
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._direct: sqlite3.Connection | None = None  # the loop thread's own, for lookups by key
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        self._reopen_writer = False  # set when the database said it is read-only
        self._index_writes = 0  # transactions that wrote the search index since it was last tidied

    # ----------------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lock:
            self._lock.acquire()
        try:
            self._writer = await connect(self.path)
            await migrate(self._writer)
            if await index.rebuild_if_stale(self._writer):
                log.info("Rebuilt the search index for analyser version %s", INDEX_VERSION)
            self._reader = await connect(self.path)
            self._direct = _direct_reader(self.path)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._writer is not None:
            try:
                await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.warning("Checkpoint at close failed: %s", exc)
        if self._direct is not None:
            self._direct.close()
            self._direct = None
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None
        if self._lock:
            self._lock.release()

    async def __aenter__(self) -> SqliteStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        assert self._reader is not None, "store is not open"
        return self._reader

    @property
    def writer(self) -> aiosqlite.Connection:
        """The writing connection, for SQLite-only chores (bot/store/sqlite/maintenance.py)."""
        assert self._writer is not None, "store is not open"
        return self._writer

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        async with self._read_lock:
            await self.db.execute("BEGIN")
            inside = _IN_SNAPSHOT.set(True)
            try:
                yield
            finally:
                _IN_SNAPSHOT.reset(inside)
                await self.db.execute("COMMIT")

    async def _lookups(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        direct = self._direct
        if direct is not None and not _IN_SNAPSHOT.get():
            try:
                # Every row, so the statement runs to its end and its read transaction ends with it.
                found: list[aiosqlite.Row] = direct.execute(sql, tuple(params)).fetchall()
                return found
            except sqlite3.OperationalError as exc:
                if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
        return await self._all(sql, params)

    # ----------------------------------------------------------------------------- the unit of work

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        """One short IMMEDIATE transaction. A database that refuses the write becomes SaveFailed."""
        assert self._writer is not None, "store is not open"
        async with self._write_lock:
            if self._reopen_writer:
                await self._reconnect_writer()
            db = self._writer
            tx = SqliteTx(db)
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield tx
                await db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    try:
                        await db.execute("ROLLBACK")
                    except sqlite3.Error as rollback_error:
                        log.warning("Rollback failed: %s", rollback_error)
                if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.IntegrityError
                ):
                    # A file opened read-only stays read-only for this connection: open a new one next time.
                    self._reopen_writer = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY
                    log.error("Write refused by the database: %s", exc)
                    raise SaveFailed(str(exc)) from exc
                raise
            if tx.wrote_index:
                await self._tidy_index(db)

    async def _tidy_index(self, db: aiosqlite.Connection) -> None:
        """Every TIDY_EVERY index-writing transactions, under the write lock, after the commit: what was
        committed stays so whatever happens here."""
        self._index_writes += 1
        if self._index_writes < TIDY_EVERY:
            return
        self._index_writes = 0
        try:
            await index.tidy(db, TIDY_MAX_PAGES)
        except sqlite3.Error as exc:
            log.warning("Merging the search index failed (it stays as it was): %s", exc)

    async def _reconnect_writer(self) -> None:
        """Swap in a new writing connection, once the file may have become writable again."""
        try:
            fresh = await connect(self.path)
        except sqlite3.Error as exc:
            log.error("Write refused by the database: %s", exc)
            raise SaveFailed(str(exc)) from exc
        old, self._writer, self._reopen_writer = self._writer, fresh, False
        if old is not None:
            await old.close()


def _direct_reader(path: Path) -> sqlite3.Connection:
    """Read-only, autocommit, and never waiting for a lock (busy means: read through aiosqlite)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    conn.execute("PRAGMA busy_timeout = 0")
    return conn
