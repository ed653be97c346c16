"""A PostgreSQL server for tests: a database per session, emptied before each test, and clones on demand.

tests/conftest.py imports the fixtures and hooks below, so every test under tests/ can use them:

- `postgres_server` (session): a `PostgresServer` for the server at TEST_POSTGRES_URL (default
  postgresql://postgres@127.0.0.1:5432/test). It creates `claimbot_test_<random>` (migrated, kept as
  a template) and `claimbot_test_<random>_db` (a clone the tests use), and drops every database it made
  at the end of the session.
- `postgres_url` (function): the URL of the session's database, migrated and emptied for this test
  (every table but schema_version and meta, ids restarting at 1): ~5 ms. Tests run one at a time on
  it; a pytest-xdist worker is a session of its own, with databases of its own.
- `fresh_postgres_url` (function): a migrated database of the test's own (a clone of the template,
  0.05-0.3 s), dropped after: for tests that change the database itself (ALTER DATABASE).
- `empty_postgres_url` (function): a database with no schema at all (for migration tests).

`PostgresServer.fresh_database(migrated=True)` is the async context manager behind the last two, for
tests that need several databases; `PostgresServer.admin()` connects to the maintenance database.
`fetch_now(url, sql, *args)` reads behind the store's back from plain or async code alike (its own
connection, on a thread of its own), the way tests/store's `query(path, sql)` does for SQLite.

Without a server: the tests that need one (they use one of these fixtures, or carry the `postgres`
marker, e.g. `pytest.param("postgres", marks=pytest.mark.postgres)` for a backend fixture that asks
for `postgres_url` through `request.getfixturevalue`) are deselected at collection, and the run says
so in one line: "PostgreSQL tier skipped: no server at <url> (set TEST_POSTGRES_URL)". With
CLAIMBOT_REQUIRE_POSTGRES=1 a missing server stops the run with an error instead.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.store.postgres import PostgresStore
from bot.store.postgres.store import redacted

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT = 3.0


def server_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_URL)


def postgres_required() -> bool:
    return os.environ.get("CLAIMBOT_REQUIRE_POSTGRES", "") == "1"


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@dataclass
class PostgresServer:
    url: str  # the maintenance database we connect to for CREATE/DROP DATABASE
    template: str  # this session's migrated database, cloned for fresh databases; never connected to
    database: str  # the clone `postgres_url` empties before each test
    _counter: int = 0

    def url_of(self, database: str) -> str:
        return with_database(self.url, database)

    async def admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT)

    def _new_name(self) -> str:
        self._counter += 1
        return f"{self.template}_{self._counter}"

    async def empty(self) -> str:
        """The session's database with every row gone and ids restarting; its URL."""
        url = self.url_of(self.database)
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
        try:
            tables = await conn.fetch(
                "SELECT quote_ident(tablename) AS name FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename NOT IN ('schema_version', 'meta')"
            )
            sequences = await conn.fetch(
                "SELECT quote_ident(sequencename) AS name FROM pg_sequences WHERE schemaname = 'public'"
            )
            async with conn.transaction():
                # Replica mode: no triggers, so the append-only history lets the test harness empty it
                # (and foreign keys, checked by triggers too, let the tables go in any order).
                await conn.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    await conn.execute(f"DELETE FROM {table['name']}")
                for sequence in sequences:
                    await conn.execute(f"ALTER SEQUENCE {sequence['name']} RESTART")
        finally:
            await conn.close()
        return url

    @asynccontextmanager
    async def fresh_database(self, *, migrated: bool = True) -> AsyncIterator[str]:
        """A database of its own (a clone of the migrated template, or empty); its URL. Dropped after,
        whoever is still connected to it."""
        name = self._new_name()
        admin = await self.admin()
        try:
            await _create_database(admin, name, self.template if migrated else "template0")
        finally:
            await admin.close()
        try:
            yield self.url_of(name)
        finally:
            admin = await self.admin()
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


async def _create_database(admin: asyncpg.Connection, name: str, template: str) -> None:
    await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


async def _start(url: str) -> PostgresServer:
    template = f"claimbot_test_{secrets.token_hex(4)}"
    server = PostgresServer(url, template, f"{template}_db")
    admin = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    try:
        await admin.execute(f'CREATE DATABASE "{template}"')
        # Opened once by the store itself: migrated, and the index stamped as the store leaves it.
        async with PostgresStore(server.url_of(template), min_size=1, max_size=1):
            pass
        await _create_database(admin, server.database, template)
    except BaseException:
        await _drop(admin, server)
        raise
    finally:
        await admin.close()
    return server


async def _drop(admin: asyncpg.Connection, server: PostgresServer) -> None:
    for name in (server.database, server.template):
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _stop(server: PostgresServer) -> None:
    admin = await server.admin()
    try:
        await _drop(admin, server)
    finally:
        await admin.close()


def fetch_now(url: str, sql: str, *args: object) -> list[tuple[object, ...]]:
    """Run one statement on a connection of its own and return its rows as tuples; callable while an
    event loop runs (it uses a thread with a loop of its own)."""

    async def fetch() -> list[tuple[object, ...]]:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
        try:
            return [tuple(row) for row in await conn.fetch(sql, *args)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch()).result()


# --------------------------------------------------------------------------------- hooks (via tests/conftest.py)

POSTGRES_FIXTURES = frozenset({"postgres_server", "postgres_url", "fresh_postgres_url", "empty_postgres_url"})
_SKIPPED_LINE = pytest.StashKey[str]()


def _needs_postgres(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("postgres") is not None or bool(fixtures & POSTGRES_FIXTURES)


async def _probe(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    await conn.close()


def _server_problem(url: str) -> str | None:
    """Why no test can use the server at `url`, or None when it answers."""
    try:
        asyncio.run(_probe(url))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server at TEST_POSTGRES_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanting = [item for item in items if _needs_postgres(item)]
    if not wanting:
        return
    url = server_url()
    problem = _server_problem(url)
    if problem is None:
        return
    if postgres_required():
        raise pytest.UsageError(f"CLAIMBOT_REQUIRE_POSTGRES=1 but no PostgreSQL server at {redacted(url)}: {problem}")
    config.hook.pytest_deselected(items=wanting)
    items[:] = [item for item in items if not _needs_postgres(item)]
    config.stash[_SKIPPED_LINE] = (
        f"PostgreSQL tier skipped: no server at {redacted(url)} (set TEST_POSTGRES_URL); {len(wanting)} tests"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    line = config.stash.get(_SKIPPED_LINE, None)
    if line:
        terminalreporter.write_line(line, yellow=True)


# --------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = server_url()
    try:
        # Its own event loop: the session outlives every test's loop, and holds no connection between.
        server = asyncio.run(_start(url))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        # Collection found the server; it went away since (or tests/conftest.py's hooks are not in use).
        where = redacted(url)
        if postgres_required():
            pytest.fail(f"CLAIMBOT_REQUIRE_POSTGRES=1 but no PostgreSQL server at {where}: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tier skipped: no server at {where} (set TEST_POSTGRES_URL)")
    yield server
    asyncio.run(_stop(server))


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> str:
    return await postgres_server.empty()


@pytest.fixture
async def fresh_postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    async with postgres_server.fresh_database() as url:
        yield url


@pytest.fixture
async def empty_postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    async with postgres_server.fresh_database(migrated=False) as url:
        yield url
