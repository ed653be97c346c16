"""SQLite behind the ClaimStore interface; FTS5 syntax and PRAGMAs stay in this package."""

from bot.store.sqlite.store import SqliteClaimStore

__all__ = ["SqliteClaimStore"]
