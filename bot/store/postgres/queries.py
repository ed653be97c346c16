"""Where a statement runs: a transaction's connection, or any free connection of the pool.

Reads are written once against `Queries` and run on either: on a `Tx` they see its writes; on the
store each read is one statement on a connection borrowed for it, with the failures that mean "the
database is unavailable" turned into SaveFailed.
"""

from __future__ import annotations

from typing import Any, Protocol

import asyncpg

from bot.store.postgres.failures import as_save_failed


class Queries(Protocol):
    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]: ...
    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None: ...
    async def fetchval(self, query: str, *args: Any) -> Any: ...


class PoolQueries:
    """One statement per call, each on a pool connection acquired for it (waiting at most
    `acquire_timeout` seconds for one)."""

    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float) -> None:
        self._pool = pool
        self._acquire_timeout = acquire_timeout

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        with as_save_failed("Read"):
            async with self._pool.acquire(timeout=self._acquire_timeout) as conn:
                return await conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        with as_save_failed("Read"):
            async with self._pool.acquire(timeout=self._acquire_timeout) as conn:
                return await conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        with as_save_failed("Read"):
            async with self._pool.acquire(timeout=self._acquire_timeout) as conn:
                return await conn.fetchval(query, *args)
