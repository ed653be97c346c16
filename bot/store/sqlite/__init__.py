"""SQLite behind the Store interface; FTS5 syntax and PRAGMAs stay in this package."""

from bot.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
