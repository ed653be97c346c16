"""Reading a whole PostgreSQL desk, table by table in primary-key order: the source of a PostgreSQL to
PostgreSQL `copy-db`, and the target read back for its check (bot/store/copying.py).

asyncpg already gives the domain's values (bool, aware datetime, date). Text keys are ordered by
code point (COLLATE "C"), which is how SQLite orders them too, so both sides hash rows in one order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bot.store.copying import Kind, Row, Table
from bot.store.errors import StoreUnavailable
from bot.store.postgres import schema
from bot.store.postgres.failures import describe, unavailable
from bot.store.postgres.store import redacted

CONNECT_TIMEOUT = 10.0


def dsn(url: str) -> str:
    """asyncpg's DSN for DATABASE_URL or --to (postgres:// and postgresql+driver:// taken too)."""
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0] not in ("postgresql", "postgres") or not rest:
        raise ValueError(f"not a PostgreSQL URL: {redacted(url)}")
    return f"postgresql://{rest}"


async def connect(url: str) -> asyncpg.Connection:
    """One connection for a copy, with no statement timeout: a one-off load its operator watches."""
    try:
        return await asyncpg.connect(
            dsn(url),
            timeout=CONNECT_TIMEOUT,
            server_settings={"application_name": "claimbot copy-db", "statement_timeout": "0"},
        )
    except Exception as exc:
        if unavailable(exc) or isinstance(exc, asyncpg.PostgresError):
            raise StoreUnavailable(f"cannot connect to {redacted(url)}: {describe(exc)}") from exc
        raise


async def table_rows(conn: asyncpg.Connection, table: Table, batch: int) -> AsyncIterator[list[Row]]:
    """Inside a transaction (a cursor needs one)."""
    order = ", ".join(f'{name} COLLATE "C"' if dict(table.columns)[name] is Kind.TEXT else name for name in table.key)
    cursor = await conn.cursor(f"SELECT {', '.join(table.column_names)} FROM {table.name} ORDER BY {order}")
    while found := await cursor.fetch(batch):
        yield [tuple(record) for record in found]


class PgSource:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    def rows(self, table: Table, batch: int) -> AsyncIterator[list[Row]]:
        return table_rows(self._conn, table, batch)


@asynccontextmanager
async def open_source(url: str) -> AsyncIterator[PgSource]:
    """The configured PostgreSQL database, migrated as the bot would, read in one snapshot."""
    conn = await connect(url)
    try:
        await schema.migrate(conn)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            yield PgSource(conn)
    finally:
        await conn.close()
