"""The schema: numbered migration files (migrations/V<n>__name.sql), applied forward, once, whoever starts first.

Each file is applied in its own transaction together with its row in schema_version. Every step
takes one transaction-scoped advisory lock before it looks at schema_version, so processes starting
together on an empty database queue behind each other and each file runs exactly once.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^V(\d+)__[\w-]+\.sql$")

# pg_advisory_xact_lock key for schema changes (and index rebuilds): b"claimbot" as a big-endian int64.
SCHEMA_LOCK = int.from_bytes(b"claimbot", "big")

_SCHEMA_VERSION_TABLE = """
CREATE TABLE schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in directory.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    versions = [version for version, _path in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a version in {directory}")
    return found


async def lock_schema(conn: asyncpg.Connection) -> None:
    """Inside a transaction: wait for any other process changing the schema, until this one ends."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)


async def migrate(conn: asyncpg.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply every migration not yet recorded, in order of version; the highest version applied now.

    Not only those above the highest recorded: parts of the schema are built side by side and may land
    in any order (each independent of the others' tables), so a database made between two landings
    has a gap that the later one fills.
    """
    pending = migrations(directory)
    while True:
        async with conn.transaction():
            await lock_schema(conn)
            # Only when missing: an up-to-date database opens without a write, read-only ones too.
            if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
                await conn.execute(_SCHEMA_VERSION_TABLE)
            applied = {row["version"] for row in await conn.fetch("SELECT version FROM schema_version")}
            missing = [(version, path) for version, path in pending if version not in applied]
            if not missing:
                return max(applied, default=0)
            version, path = missing[0]
            # A script of several statements: simple query protocol, no parameters, one transaction.
            await conn.execute(path.read_text(encoding="utf-8"))
            await conn.execute("INSERT INTO schema_version (version, name) VALUES ($1, $2)", version, path.name)
        log.info("Applied migration %s", path.name)
