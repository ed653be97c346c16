"""Loading a whole desk into an empty PostgreSQL database: the target of `copy-db` (bot/store/copying.py).

`open_target` refuses a database that holds any claimbot row before it writes anything, applies the
migrations, and then runs the whole copy in one transaction holding the schema lock (so a bot starting
on the target meanwhile waits, and two copies cannot both find it empty). Rows arrive with their ids
and go in with COPY (identity columns take the given ids under COPY); the triggers count the claims
per verdict and per speaker as they arrive, as they would one claim at a time.

`finish` sets every identity past the copied ids and has the store's own index upkeep build the search
terms (`search.rebuild_if_stale`, what the bot runs at start when the analyser changed): the copied
claims arrive without terms, and are indexed exactly as the store indexes a claim it inserts.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg

from bot.store.copying import CHECKED, TABLES, CopyFailed, Row, Table, TargetNotEmpty
from bot.store.postgres import schema, search
from bot.store.postgres.dump import connect, table_rows
from bot.store.postgres.failures import describe
from bot.store.postgres.store import redacted

log = logging.getLogger(__name__)

# What the server may refuse mid-copy (a constraint, the connection gone, the disk full): rolled back.
_REFUSALS = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError, OSError)


class PgTarget:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def load(self, table: Table, rows: Sequence[Row]) -> None:
        if not rows:
            return
        columns = table.loaded_columns
        if columns != table.column_names:
            keep = [table.column_names.index(name) for name in columns]
            rows = [tuple(row[i] for i in keep) for row in rows]
        await self._conn.copy_records_to_table(table.name, records=rows, columns=columns)

    async def finish(self) -> None:
        conn = self._conn
        for table in TABLES:
            if table.identity:
                # Names from bot.store.copying's tables, never from input.
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence($1, 'id'), "
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)",
                    table.name,
                )
        # The copied claims have no terms yet: mark the index stale and let the store rebuild it.
        await conn.execute("DELETE FROM meta WHERE key = 'index_version'")
        await search.rebuild_if_stale(conn)

    def rows(self, table: Table, batch: int) -> AsyncIterator[list[Row]]:
        return table_rows(self._conn, table, batch)


async def occupied(conn: asyncpg.Connection) -> list[str]:
    """The claimbot tables that hold a row (tables not created yet hold none)."""
    found = []
    for table in CHECKED:
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f"public.{table.name}") and await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {table.name})"
        ):
            found.append(table.name)
    return found


async def _refuse_if_occupied(conn: asyncpg.Connection, url: str) -> None:
    tables = await occupied(conn)
    if tables:
        raise TargetNotEmpty(
            f"{redacted(url)} is not empty (rows in {', '.join(tables)}): copy-db only copies into an empty "
            "database; nothing was written"
        )


@asynccontextmanager
async def open_target(url: str) -> AsyncIterator[PgTarget]:
    """The empty database at `url`, migrated, with the copy's transaction open. Leaving without an
    exception commits; with one, rolls back (a refusal by the server becomes CopyFailed)."""
    conn = await connect(url)
    try:
        await _refuse_if_occupied(conn, url)
        await schema.migrate(conn)
        tx = conn.transaction()
        await tx.start()
        try:
            await schema.lock_schema(conn)
            await _refuse_if_occupied(conn, url)  # again, under the lock: another copy may have won
            yield PgTarget(conn)
            await tx.commit()
        except BaseException as exc:
            with contextlib.suppress(*_REFUSALS):
                await tx.rollback()
            if isinstance(exc, _REFUSALS):
                raise CopyFailed(
                    f"the copy into {redacted(url)} failed and was rolled back, nothing was written: {describe(exc)}"
                ) from exc
            raise
        # Fresh statistics, so the planner knows the tables are no longer empty.
        await conn.execute(f"ANALYZE {', '.join(table.name for table in CHECKED)}")
    finally:
        await conn.close()
