"""A PostgreSQL server for tests: a throwaway database per test, cloned from one migrated per session.

Import the fixtures into a conftest (`from tests.pg import postgres_server, postgres_url, ...`):

- `postgres_server` (session): a `PostgresServer` for the server at TEST_POSTGRES_URL (default
  postgresql://postgres@127.0.0.1:5432/test). It creates `claimbot_test_<random>`, migrated, as a
  template, and drops it and every database it made at the end of the session. With no server there,
  every test using it is skipped with one reason ("PostgreSQL tier skipped: no server at ..."), or
  fails when CLAIMBOT_REQUIRE_POSTGRES=1.
- `postgres_url` (function): the URL of a fresh, migrated, empty database of its own (a clone of the
  template, ~30 ms), dropped after the test.
- `empty_postgres_url` (function): the URL of a database with no schema at all (for migration tests).

`PostgresServer.fresh_database(migrated=True)` is the async context manager behind both, for tests
that need several databases; `PostgresServer.admin()` is a connection to the maintenance database.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.store.postgres import schema
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
    template: str  # this session's migrated database, cloned for each test
    _counter: int = 0

    def url_of(self, database: str) -> str:
        return with_database(self.url, database)

    async def admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT)

    def _new_name(self) -> str:
        self._counter += 1
        return f"{self.template}_{self._counter}"

    @asynccontextmanager
    async def fresh_database(self, *, migrated: bool = True) -> AsyncIterator[str]:
        """A database of its own (a clone of the migrated template, or empty); its URL. Dropped after,
        whoever is still connected to it."""
        name = self._new_name()
        admin = await self.admin()
        try:
            source = self.template if migrated else "template0"
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
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


async def _start(url: str) -> PostgresServer:
    admin = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    template = f"claimbot_test_{secrets.token_hex(4)}"
    try:
        await admin.execute(f'CREATE DATABASE "{template}"')
    finally:
        await admin.close()
    server = PostgresServer(url, template)
    conn = await asyncpg.connect(server.url_of(template), timeout=CONNECT_TIMEOUT)
    try:
        await schema.migrate(conn)
    finally:
        await conn.close()
    return server


async def _stop(server: PostgresServer) -> None:
    admin = await server.admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{server.template}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = server_url()
    try:
        # Its own event loop: the session outlives every test's loop, and holds no connection between.
        server = asyncio.run(_start(url))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        where = redacted(url)
        if postgres_required():
            pytest.fail(f"CLAIMBOT_REQUIRE_POSTGRES=1 but no PostgreSQL server at {where}: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tier skipped: no server at {where} (set TEST_POSTGRES_URL)")
    yield server
    asyncio.run(_stop(server))


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    async with postgres_server.fresh_database() as url:
        yield url


@pytest.fixture
async def empty_postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    async with postgres_server.fresh_database(migrated=False) as url:
        yield url
