"""The only place that speaks SQL. The desk uses the `Store` interface; `open_store` picks the backend
from DATABASE_URL, and nothing outside this package knows which one runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.base import Store
from bot.store.errors import SaveFailed, StoreError, StoreLocked, StoreUnwritable

if TYPE_CHECKING:
    from bot.settings import Settings


def open_store(settings: Settings, *, single_instance: bool = False) -> Store:
    """The configured backend, not yet opened. `single_instance` keeps a second process off a SQLite
    file (SQLite would let both write); PostgreSQL serves any number of processes."""
    if settings.database_is_postgres:
        from bot.store.postgres import PostgresStore

        return PostgresStore.from_url(
            settings.database_url,
            pool_min=settings.database_pool_min,
            pool_max=settings.database_pool_max,
            statement_timeout_ms=settings.database_statement_timeout_ms,
        )
    from bot.store.sqlite import SqliteStore

    return SqliteStore(settings.database_path, single_instance=single_instance)


__all__ = ["SaveFailed", "Store", "StoreError", "StoreLocked", "StoreUnwritable", "open_store"]
