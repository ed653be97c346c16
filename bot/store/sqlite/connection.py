"""Opening the SQLite file the way claimbot needs it: WAL, foreign keys, a busy timeout, migrations."""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.store.errors import StoreLocked, StoreUnwritable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5_000
_MIGRATION_NAME = re.compile(r"^V(\d+)__[\w-]+\.sql$")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


async def connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    """One connection, in autocommit mode: transactions are begun explicitly and kept short."""
    if read_only:
        conn = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    else:
        conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        # FULL: a change acknowledged to a moderator survives power loss too, not only a crash.
        await conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        # Each connection has a thread of its own: left open, it keeps the process from ever exiting.
        await conn.close()
        raise
    return conn


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in directory.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_version") as cursor:
        return {int(row[0]) for row in await cursor.fetchall()}


async def migrate(conn: aiosqlite.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply every migration not yet recorded, in order of version, each in its own transaction; the
    highest version applied now. Not only those above the highest recorded: parts of the schema are
    built side by side and may land in any order (each independent of the others' tables), so a
    database made between two landings has a gap that the later one fills."""
    await conn.execute("PRAGMA journal_mode = WAL")
    applied = await applied_versions(conn)
    for version, path in migrations(directory):
        if version in applied:
            continue
        script = (
            "BEGIN IMMEDIATE;\n"
            + path.read_text(encoding="utf-8")
            + f"\nINSERT INTO schema_version (version, applied_at) VALUES ({version}, '{now()}');\nCOMMIT;\n"
        )
        try:
            await conn.executescript(script)
        except sqlite3.Error:
            if conn.in_transaction:
                await conn.rollback()
            raise
        log.info("Applied migration %s", path.name)
        applied.add(version)
    return max(applied, default=0)


class ProcessLock:
    """Keeps a second bot process off the same database file (SQLite would let both write)."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # EROFS or EACCES: the database could not take a write either
            raise StoreUnwritable(f"cannot write next to the database ({exc.strerror}): {self.path}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLocked(
                f"another claimbot process is already using {self.path.with_suffix('')}; stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
