"""A desk over a real database, as `python -m bot` makes one, for tests that need one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.desk import Desk
from bot.seedfile import SeedStory
from bot.store import Store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore


def store_at(where: Path | str, *, single_instance: bool = False) -> Store:
    """A SQLite file's path, or a PostgreSQL URL."""
    if isinstance(where, str):
        return PostgresStore.from_url(where, pool_min=1, pool_max=4, statement_timeout_ms=10_000)
    return SqliteStore(where, single_instance=single_instance)


def opened_desk(where: Path | str, seeds: Iterable[SeedStory] = (), *, single_instance: bool = False) -> Desk:
    """Not opened yet: `async with opened_desk(where) as desk`, or `await desk.open()`."""
    return Desk(store_at(where, single_instance=single_instance), seeds)
