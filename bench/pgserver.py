"""The PostgreSQL server the benchmark uses: whether it is there, the run's own databases, and its CPU time.

The server is BENCH_POSTGRES_URL, else TEST_POSTGRES_URL (the test suite's), else
postgresql://postgres@127.0.0.1:5432/test; the bench connects to that database only to create and
drop its own, `claimbot_bench_<pid>_<n>`, and drops every one of them when the run ends, however it
ends. A store is loaded once per run (copy-db from the SQLite file), then each bot configuration gets
a copy of it (`CREATE DATABASE ... TEMPLATE`, about a second for 100,000 claims) so every one starts
from the same rows, as the SQLite runs start from copies of one file.

The statements here are server housekeeping, not the store's data: creating and dropping databases,
`VACUUM (ANALYZE)` after a load (what autovacuum does by itself a minute after a bulk load, when it is
on; without statistics the planner guesses), and which server processes serve a database (their CPU
time is read from /proc, as the bots' is, when the server runs on this machine).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.store.postgres.store import redacted

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT = 3.0


def server_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL") or DEFAULT_URL


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def unreachable(url: str) -> str | None:
    """Why the server at `url` cannot be used for the benchmark, or None when it can."""
    try:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return f"no PostgreSQL server at {redacted(url)} ({type(exc).__name__}: {exc})"
    try:
        if not await conn.fetchval("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"):
            return f"the user at {redacted(url)} may not create databases"
    finally:
        await conn.close()
    return None


async def settings(url: str) -> dict[str, str]:
    """The server's version and the settings that matter to the numbers, for the report."""
    conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    try:
        rows = await conn.fetch(
            # current_setting gives "128MB"; setting || unit would give "163848kB" for 16384 × 8kB.
            "SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1::text[])",
            ["server_version", "shared_buffers", "fsync", "synchronous_commit", "autovacuum", "jit", "max_connections"],
        )
    finally:
        await conn.close()
    return {row["name"]: row["value"] for row in rows}


@dataclass
class Databases:
    """`async with Databases(url) as dbs:` the run's databases, all dropped on the way out."""

    url: str
    made: list[str] = field(default_factory=list)
    _count: int = 0

    async def __aenter__(self) -> Databases:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.drop_all()

    def _name(self) -> str:
        self._count += 1
        return f"claimbot_bench_{os.getpid()}_{self._count}"

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT)

    async def create(self, template: str | None = None) -> str:
        """A new empty database, or a copy of `template` (the URL of one made here); its URL. A copy
        needs nobody connected to the template."""
        name = self._name()
        admin = await self._admin()
        try:
            if template is None:
                await admin.execute(f'CREATE DATABASE "{name}"')
            else:
                # FILE_COPY: a checkpoint and a directory copy, faster than WAL_LOG for a database this size.
                await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database_of(template)}" STRATEGY FILE_COPY')
        finally:
            await admin.close()
        self.made.append(name)
        return with_database(self.url, name)

    async def drop(self, url: str) -> None:
        name = database_of(url)
        admin = await self._admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
        if name in self.made:
            self.made.remove(name)

    async def drop_all(self) -> None:
        for name in list(self.made):
            await self.drop(with_database(self.url, name))

    async def vacuum_analyze(self, url: str) -> None:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
        try:
            await conn.execute("VACUUM (ANALYZE)")
        finally:
            await conn.close()


def local_backends(database: str) -> list[int]:
    """Server processes on this machine serving `database`: PostgreSQL titles each one
    "postgres: [<cluster>: ]<user> <database> <client> <state>". A server elsewhere has none here."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                title = cmdline.read(200).replace(b"\0", b" ").decode(errors="replace").split()
        except OSError:
            continue
        if title[:1] == ["postgres:"] and database in title[1:4]:
            found.append(int(entry.name))
    return found
