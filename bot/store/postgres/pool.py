"""The pool, and where a statement runs: a transaction's connection, or any free connection of the pool.

Reads are written once against `Queries` and run on either: on a `Tx` they see its writes; on the
store each read is one statement on a connection borrowed for it. A connection that turns out to be
lost is dropped, and the pool's others with it: after a server restart every idle connection is dead,
and each would otherwise fail one more member before the pool noticed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import asyncpg

from bot.store.errors import ReadFailed
from bot.store.postgres.failures import as_save_failed, connection_lost, describe

log = logging.getLogger(__name__)


class Queries(Protocol):
    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]: ...
    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None: ...
    async def fetchval(self, query: str, *args: Any) -> Any: ...


# A search statement is planned for its values every time: a cached generic plan cannot know how many
# claims a tsquery matches (three, or most of the guild), and picks badly for one or the other. Every
# other statement keeps the server's default (a generic plan once it is no worse): forcing custom plans
# for all of them re-planned the card's statement on every /claim and tripled the server's work for it
# (BENCHMARKS.md, "Where the time goes on PostgreSQL").
CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"


async def fetch_planned_each_time(db: Queries, query: str, *args: Any) -> list[asyncpg.Record]:
    """`db.fetch`, with the statement planned for these values (CUSTOM_PLANS): on a transaction's
    connection for the rest of that transaction, on the pool inside a short one of its own."""
    if isinstance(db, PoolQueries):
        return await db.fetch_planned_each_time(query, *args)
    assert isinstance(db, asyncpg.Connection)
    assert db.is_in_transaction()
    await db.execute(CUSTOM_PLANS)
    return await db.fetch(query, *args)


async def create_pool(
    dsn: str,
    *,
    min_size: int,
    max_size: int,
    connect_timeout: float,
    statement_timeout_ms: int,
    idle_in_transaction_timeout_ms: int,
    asyncpg_reset: bool = False,
) -> asyncpg.Pool:
    """`asyncpg_reset` puts back asyncpg's own reset, for the benchmark that compares it with ours."""
    # statement_timeout is the server's; command_timeout is the client's backstop for a server that
    # no longer answers at all.
    command_timeout = statement_timeout_ms / 1000 + 5 if statement_timeout_ms > 0 else None
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        timeout=connect_timeout,
        command_timeout=command_timeout,
        server_settings={
            "application_name": "claimbot",
            "statement_timeout": str(statement_timeout_ms),
            "idle_in_transaction_session_timeout": str(idle_in_transaction_timeout_ms),
        },
        reset=None if asyncpg_reset else keep_session,
    )


async def keep_session(conn: asyncpg.Connection) -> None:
    """What the pool runs on a connection it takes back, after asyncpg has rolled back any transaction
    left open: nothing. asyncpg's default (`RESET ALL`, `CLOSE ALL`, `UNLISTEN *`, unlocking advisory
    locks) is a round trip on every release, i.e. on every read, that would undo nothing here: the
    store keeps no session state, only transaction-scoped state (`SET LOCAL`, `pg_advisory_xact_lock`,
    cursors inside transactions), which the rollback or commit already ended. It halves the cost of a
    one-statement read (BENCHMARKS.md). Whoever adds session state (a `SET`, a session lock, `LISTEN`)
    must undo it here."""


async def forget_if_lost(pool: asyncpg.Pool, conn: asyncpg.Connection, exc: BaseException) -> None:
    """After `exc` on `conn`: if the connection is gone, close it and have the pool reconnect the rest."""
    if not connection_lost(exc):
        return
    log.warning("Connection to PostgreSQL lost (%s): the pool reconnects", describe(exc))
    terminate(conn)
    await pool.expire_connections()


def terminate(conn: asyncpg.Connection) -> None:
    """Close at once. A connection that closed by itself is already back in its pool, and that is fine."""
    with contextlib.suppress(asyncpg.InterfaceError):
        conn.terminate()


async def release_quietly(pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    """Give the connection back. Failing to reset it only costs the connection (the pool opens another),
    and must not change the outcome of the work done on it."""
    try:
        await pool.release(conn)
    except Exception as exc:
        log.warning("Releasing a connection failed (%s); the pool replaces it", describe(exc))


class PoolQueries:
    """One statement per call, each on a pool connection acquired for it (waiting at most
    `acquire_timeout` seconds for one); an unavailable database is ReadFailed (a SaveFailed)."""

    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float) -> None:
        self._pool = pool
        self._acquire_timeout = acquire_timeout

    async def _run(self, statement: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
        with as_save_failed("Read", ReadFailed):
            conn = await self._pool.acquire(timeout=self._acquire_timeout)
            try:
                return await statement(conn)
            except BaseException as exc:
                await forget_if_lost(self._pool, conn, exc)
                raise
            finally:
                await release_quietly(self._pool, conn)

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        return await self._run(lambda conn: conn.fetch(query, *args))

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        return await self._run(lambda conn: conn.fetchrow(query, *args))

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self._run(lambda conn: conn.fetchval(query, *args))

    async def fetch_planned_each_time(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async def planned(conn: asyncpg.Connection) -> list[asyncpg.Record]:
            # Three round trips, not four: BEGIN and the SET go as one simple query.
            await conn.execute(f"BEGIN; {CUSTOM_PLANS}")
            try:
                found = await conn.fetch(query, *args)
            except BaseException:
                if not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
            return found

        return await self._run(planned)
