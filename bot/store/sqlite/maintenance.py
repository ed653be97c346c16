"""SQLite-only chores, off the shared interface: an online backup and the integrity check."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.store.sqlite.store import SqliteStore


async def backup(store: SqliteStore, path: Path) -> None:
    """A consistent copy while the bot runs, through SQLite's online backup API."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = await aiosqlite.connect(path)
    try:
        await store.db.backup(target)
    finally:
        await target.close()


async def integrity_check(store: SqliteStore) -> str:
    found = await store.db.execute_fetchall("PRAGMA integrity_check")
    row = next(iter(found), None)
    return str(row[0]) if row else "no answer"
