"""PostgreSQL behind the bot.store.base interface; asyncpg, tsquery syntax and SQLSTATEs stay in this package."""

from bot.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
