"""The PostgreSQL implementation of bot.store.base.Store: one asyncpg pool, opened and closed with the bot.

Reads on the store borrow a pool connection for their one statement. `transaction()` holds one
connection for a unit of work at READ COMMITTED; the guards that must hold under concurrency are in
the statements themselves (compare-and-set on the revision, ON CONFLICT for guilds and relations).
Transactions may hold all but a quarter of the pool (`write_slots`): the rest is always there for the
reads, so a backlog of writes (waiting on each other's rows, or on their commits) never keeps a
reader's card, or the claim a moderator's command resolves before it can defer, waiting for a
connection.
A database that cannot take the work now (see failures.py) leaves `transaction()` as SaveFailed, and
the pool replaces a lost connection by itself on the next acquire.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.store.errors import StoreUnavailable
from bot.store.postgres import schema, search
from bot.store.postgres.failures import as_save_failed, connection_lost, describe, unavailable
from bot.store.postgres.pool import PoolQueries, create_pool, forget_if_lost, release_quietly, terminate
from bot.store.postgres.reads import PgReads
from bot.store.postgres.writes import PgTx

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 5.0  # seconds; a shutdown must finish well within systemd's 10 s


def write_slots(pool_size: int) -> int:
    """How many of a pool's connections transactions may hold at once: all but a quarter, at least one."""
    return max(1, pool_size - max(1, pool_size // 4))


class _NotOpen:
    async def _refuse(self, query: str, *args: Any) -> Any:
        raise RuntimeError("the PostgreSQL store is not open")

    fetch = fetchrow = fetchval = _refuse


def redacted(dsn: str) -> str:
    """The DSN without its password, for messages."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresStore(PgReads):
    def __init__(
        self,
        dsn: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        statement_timeout_ms: int = 5_000,
        acquire_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        idle_in_transaction_timeout_ms: int = 60_000,
    ) -> None:
        super().__init__(_NotOpen())
        self.dsn = dsn
        self.min_size, self.max_size = min_size, max_size
        self.statement_timeout_ms = statement_timeout_ms
        self.acquire_timeout = acquire_timeout
        self.connect_timeout = connect_timeout
        self.idle_in_transaction_timeout_ms = idle_in_transaction_timeout_ms
        self._pool: asyncpg.Pool | None = None
        self._writers: asyncio.Semaphore | None = None

    @classmethod
    def from_url(cls, url: str, *, pool_min: int, pool_max: int, statement_timeout_ms: int) -> PostgresStore:
        """From DATABASE_URL (postgresql://user:password@host:port/database, postgres:// also taken)."""
        scheme, _, rest = url.partition("://")
        if scheme.split("+")[0] not in ("postgresql", "postgres"):
            raise ValueError(f"not a PostgreSQL URL: {redacted(url)}")
        return cls(
            f"postgresql://{rest}", min_size=pool_min, max_size=pool_max, statement_timeout_ms=statement_timeout_ms
        )

    # ----------------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        """Create the pool, apply migrations and bring the search index up to the analyser's version
        (both under the schema lock, so processes starting together do it once)."""
        if self._pool is not None:
            return
        try:
            pool = await create_pool(
                self.dsn,
                min_size=self.min_size,
                max_size=self.max_size,
                connect_timeout=self.connect_timeout,
                statement_timeout_ms=self.statement_timeout_ms,
                idle_in_transaction_timeout_ms=self.idle_in_transaction_timeout_ms,
            )
        except Exception as exc:
            if unavailable(exc):
                raise StoreUnavailable(f"cannot connect to {redacted(self.dsn)}: {describe(exc)}") from exc
            raise
        try:
            async with pool.acquire(timeout=self.acquire_timeout) as conn:
                await schema.migrate(conn)
                async with conn.transaction():
                    await schema.lock_schema(conn)
                    await search.rebuild_if_stale(conn)
        except BaseException as exc:
            pool.terminate()
            if isinstance(exc, Exception) and unavailable(exc):  # e.g. a read-only standby
                raise StoreUnavailable(f"cannot prepare {redacted(self.dsn)}: {describe(exc)}") from exc
            raise
        self._pool = pool
        self._writers = asyncio.Semaphore(write_slots(self.max_size))  # made here: bound to the open's loop
        self._db = PoolQueries(pool, self.acquire_timeout)

    async def close(self) -> None:
        """Close the pool: wait up to CLOSE_TIMEOUT for the work under way, then cut what is left."""
        pool, self._pool = self._pool, None
        self._writers = None
        self._db = _NotOpen()
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), CLOSE_TIMEOUT)
        except TimeoutError:
            log.warning("Connections still busy after %s s at shutdown; closing them", CLOSE_TIMEOUT)
            pool.terminate()

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ----------------------------------------------------------------------------- the unit of work

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTx]:
        pool, writers = self._pool, self._writers
        if pool is None or writers is None:
            raise RuntimeError("the PostgreSQL store is not open")
        with as_save_failed("Write"):
            async with self._write_slot(writers):
                conn = await pool.acquire(timeout=self.acquire_timeout)
                try:
                    tx = conn.transaction()
                    await tx.start()
                    work = PgTx(conn)
                    try:
                        yield work
                    except BaseException as exc:
                        await _roll_back(conn, tx, exc)
                        raise
                    finally:
                        work.end()
                    await tx.commit()
                except BaseException as exc:
                    await forget_if_lost(pool, conn, exc)
                    raise
                finally:
                    await release_quietly(pool, conn)

    @asynccontextmanager
    async def _write_slot(self, writers: asyncio.Semaphore) -> AsyncIterator[None]:
        """One of `write_slots`, waited for as long as the pool's own acquire waits (then TimeoutError,
        which as_save_failed makes SaveFailed, as for a pool with no free connection)."""
        async with asyncio.timeout(self.acquire_timeout):
            await writers.acquire()
        try:
            yield
        finally:
            writers.release()


async def _roll_back(conn: asyncpg.Connection, tx: asyncpg.transaction.Transaction, exc: BaseException) -> None:
    """Roll back after the work failed. A lost connection took its transaction with it; and if the
    rollback fails, the connection is dropped rather than given back in doubt."""
    if connection_lost(exc):
        return
    try:
        await tx.rollback()
    except Exception as failed:
        log.warning("Rollback failed (%s); dropping the connection", describe(failed))
        terminate(conn)
