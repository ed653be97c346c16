"""Reading a whole SQLite desk, table by table in primary-key order, for `copy-db` (bot/store/copying.py).

The file is opened as the bot opens it (migrations applied, the one-process lock taken, so a bot still
running on it is refused with one line) and read in one read transaction: a consistent snapshot. Values
leave in the form the domain knows them, which is what the other backend stores: 0/1 as booleans, ISO
text as aware datetimes and dates.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.copying import Kind, Row, Table
from bot.store.errors import StoreError
from bot.store.sqlite.store import SqliteStore


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    at = datetime.fromisoformat(value)
    # The store writes every time in UTC with its offset; a bare one can only have meant UTC too.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


_CONVERT: dict[Kind, Callable[[Any], Any] | None] = {
    Kind.INT: None,
    Kind.TEXT: None,
    Kind.BOOL: _bool,
    Kind.TIME: _time,
    Kind.DATE: _date,
}


class SqliteSource:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def rows(self, table: Table, batch: int) -> AsyncIterator[list[Row]]:
        # Names from bot.store.copying's tables, never from input.
        sql = f"SELECT {', '.join(table.column_names)} FROM {table.name} ORDER BY {', '.join(table.key)}"
        converters = [_CONVERT[kind] for _name, kind in table.columns]
        plain = all(convert is None for convert in converters)
        async with self._db.execute(sql) as cursor:
            while found := await cursor.fetchmany(batch):
                if plain:
                    yield [tuple(row) for row in found]
                else:
                    yield [
                        tuple(
                            value if convert is None else convert(value)
                            for convert, value in zip(converters, row, strict=True)
                        )
                        for row in found
                    ]


def open_source(path: Path) -> AbstractAsyncContextManager[SqliteSource]:
    """The file at `path`; refused before anything is created when there is none (a typo in DATABASE_URL)."""
    if not path.is_file():
        raise StoreError(f"no database at {path}: nothing to copy (check DATABASE_URL)")
    return _opened(path)


@asynccontextmanager
async def _opened(path: Path) -> AsyncIterator[SqliteSource]:
    store = SqliteStore(path, single_instance=True)
    await store.open()
    try:
        async with store.snapshot():
            yield SqliteSource(store.db)
    finally:
        await store.close()
