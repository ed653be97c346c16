"""A database that cannot take the work now is SaveFailed ("Could not save, nothing was changed"),
nothing of the failed unit of work is kept, and the pool recovers by itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.store.base import ClaimFields, Filters
from bot.store.errors import ReadFailed, SaveFailed, StoreUnavailable
from bot.store.postgres import PostgresStore
from bot.store.postgres.failures import unavailable
from tests.store_postgres.conftest import AT, GUILD_A, add_claim
from tests.store_postgres.outage import Relay

TIMEOUT_MS = 300


def _database(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def _terminate_store_connections(raw: asyncpg.Connection) -> int:
    """What a server restart does to the pool: every one of its backends gone."""
    return await raw.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = 'claimbot' AND pid <> pg_backend_pid()"
    )


async def _reserve_then_change(store: PostgresStore, claim_id: int) -> None:
    async with store.transaction() as tx:
        await tx.reserve_numbers(GUILD_A, 5)
        await tx.update_claim(claim_id, 1, ClaimFields(rationale="late"), at=AT, moderated=True)


async def _next_number(store: PostgresStore) -> int | None:
    async with store.transaction() as tx:
        return await tx.reserve_numbers(GUILD_A, 1)


@pytest.fixture
async def timed_store(postgres_url: str) -> AsyncIterator[PostgresStore]:
    async with PostgresStore(postgres_url, min_size=1, max_size=3, statement_timeout_ms=TIMEOUT_MS) as opened:
        async with opened.transaction() as tx:
            await tx.create_guilds([GUILD_A], AT)
        yield opened


async def test_a_statement_timeout_is_save_failed_and_nothing_of_the_work_is_kept(
    timed_store: PostgresStore, raw: asyncpg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    claim_id, number = await add_claim(timed_store, GUILD_A, "The pier was shelled")
    before = await raw.fetchval("SELECT next_claim_number FROM guilds")
    async with raw.transaction():
        await raw.execute("SELECT 1 FROM claims WHERE id = $1 FOR UPDATE", claim_id)  # another writer holds it
        with caplog.at_level(logging.ERROR), pytest.raises(SaveFailed) as failed:
            await _reserve_then_change(timed_store, claim_id)
    assert "QueryCanceledError" in failed.value.reason
    assert str(failed.value) == "Could not save, nothing was changed. Please try again in a moment."
    assert await raw.fetchval("SELECT next_claim_number FROM guilds") == before
    claim = await timed_store.claim(GUILD_A, number)
    assert claim is not None
    assert (claim.rationale, claim.revision) == ("", 1)
    assert any("refused by the database" in r.getMessage() for r in caplog.records)
    async with timed_store.transaction() as tx:  # the connection went back to the pool in good order
        assert await tx.update_claim(claim_id, 1, ClaimFields(rationale="now"), at=AT, moderated=True)


async def test_a_read_past_the_statement_timeout_is_read_failed_and_says_nothing_of_saving(
    timed_store: PostgresStore, raw: asyncpg.Connection
) -> None:
    await add_claim(timed_store, GUILD_A, "The pier was shelled")
    async with raw.transaction():
        await raw.execute("LOCK TABLE claims IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(ReadFailed) as failed:
            await timed_store.claim(GUILD_A, 1)
    # A member who searched hears that the database did not answer, not "Could not save".
    assert str(failed.value) == (
        "The database did not answer in time; nothing was changed. Please try again in a moment."
    )
    assert isinstance(failed.value, SaveFailed)  # every handler of a failed save takes it too
    assert await timed_store.claim(GUILD_A, 1) is not None


async def test_the_pool_recovers_after_its_connections_are_terminated(
    timed_store: PostgresStore, raw: asyncpg.Connection
) -> None:
    await add_claim(timed_store, GUILD_A, "Before the restart")
    for _round in range(3):
        assert await _terminate_store_connections(raw) >= 1
        with contextlib.suppress(SaveFailed):  # may meet the dead connection, or a new one
            await _next_number(timed_store)
        assert await _next_number(timed_store) is not None
        assert await timed_store.claim(GUILD_A, 1) is not None


async def test_reads_recover_after_their_connections_are_terminated(
    timed_store: PostgresStore, raw: asyncpg.Connection
) -> None:
    await add_claim(timed_store, GUILD_A, "Before the restart")
    await _terminate_store_connections(raw)
    with contextlib.suppress(SaveFailed):
        await timed_store.claim_summary(GUILD_A, 1)
    assert await timed_store.claim_summary(GUILD_A, 1) is not None


async def test_a_connection_lost_inside_a_transaction_keeps_none_of_it(
    timed_store: PostgresStore, raw: asyncpg.Connection
) -> None:
    before = await raw.fetchval("SELECT next_claim_number FROM guilds")

    async def reserve_while_the_server_drops_us() -> None:
        async with timed_store.transaction() as tx:
            await tx.reserve_numbers(GUILD_A, 5)
            await _terminate_store_connections(raw)
            await tx.reserve_numbers(GUILD_A, 5)

    with pytest.raises(SaveFailed):
        await reserve_while_the_server_drops_us()
    assert await raw.fetchval("SELECT next_claim_number FROM guilds") == before
    assert await _next_number(timed_store) == before


async def test_a_read_only_database_is_save_failed_for_writes_and_still_readable(fresh_postgres_url: str) -> None:
    raw = await asyncpg.connect(fresh_postgres_url)
    database = _database(fresh_postgres_url)
    try:
        async with PostgresStore(fresh_postgres_url, statement_timeout_ms=TIMEOUT_MS) as store:
            async with store.transaction() as tx:
                await tx.create_guilds([GUILD_A], AT)
            await add_claim(store, GUILD_A, "Written before")
            await raw.execute(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
            await _terminate_store_connections(raw)  # new sessions take the database's settings
            with pytest.raises(SaveFailed):
                await _next_number(store)
            with pytest.raises(SaveFailed) as failed:
                await _next_number(store)
            assert "ReadOnlySQLTransactionError" in failed.value.reason
            assert await store.claim(GUILD_A, 1) is not None
            await raw.execute(f'ALTER DATABASE "{database}" RESET default_transaction_read_only')
            await _terminate_store_connections(raw)
            with contextlib.suppress(SaveFailed):  # the dead connection, met at most once
                await _next_number(store)
            assert await _next_number(store) is not None
    finally:
        await raw.close()


async def test_no_free_connection_in_time_is_save_failed(postgres_url: str) -> None:
    async with PostgresStore(postgres_url, min_size=1, max_size=1, acquire_timeout=0.2) as store:
        async with store.transaction() as tx:
            await tx.create_guilds([GUILD_A], AT)
            with pytest.raises(SaveFailed) as failed:
                async with store.transaction():
                    pass
            assert "TimeoutError" in failed.value.reason
            with pytest.raises(SaveFailed):
                await store.guild_ids()
        assert await store.guild_ids() == [GUILD_A]


async def test_the_server_gone_and_back(postgres_url: str) -> None:
    relay = Relay(postgres_url)
    await relay.start()
    try:
        async with PostgresStore(relay.url, min_size=2, max_size=3, connect_timeout=1.0) as store:
            async with store.transaction() as tx:
                await tx.create_guilds([GUILD_A], AT)
            await relay.cut()
            for _attempt in range(3):  # in-flight connections reset, then new ones refused
                with pytest.raises(SaveFailed):
                    await _next_number(store)
                with pytest.raises(SaveFailed):
                    await store.guild_ids()
            with pytest.raises(SaveFailed):
                async with store.transaction() as tx:
                    await tx.reserve_numbers(GUILD_A, 1)
            await relay.restore()
            recovered = None
            for _attempt in range(3):
                try:
                    recovered = await _next_number(store)
                    break
                except SaveFailed:
                    await asyncio.sleep(0.05)
            assert recovered == 1  # nothing the failed attempts did was kept
            assert await _next_number(store) == 2
            assert await store.guild_ids() == [GUILD_A]
    finally:
        await relay.close()


async def test_an_unreachable_server_at_start_up_is_one_readable_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = PostgresStore(f"postgresql://claimbot:secret@127.0.0.1:{port}/claims", connect_timeout=1.0)
    with pytest.raises(StoreUnavailable) as failed:
        await store.open()
    assert f"127.0.0.1:{port}" in str(failed.value)
    assert "secret" not in str(failed.value)


async def test_a_refusal_raised_inside_the_work_passes_through_and_rolls_back(
    timed_store: PostgresStore, raw: asyncpg.Connection
) -> None:
    class Refused(Exception):
        pass

    before = await raw.fetchval("SELECT next_claim_number FROM guilds")

    async def refused_work() -> None:
        async with timed_store.transaction() as tx:
            await tx.reserve_numbers(GUILD_A, 3)
            raise Refused("the desk said no")

    with pytest.raises(Refused):
        await refused_work()
    assert await raw.fetchval("SELECT next_claim_number FROM guilds") == before


async def test_a_bug_is_not_save_failed(timed_store: PostgresStore) -> None:
    claim_id, _number = await add_claim(timed_store, GUILD_A, "One")
    with pytest.raises(asyncpg.CheckViolationError):
        async with timed_store.transaction() as tx:
            await tx.update_claim(claim_id, 1, ClaimFields(verdict="probably"), at=AT, moderated=True)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.exceptions.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
        asyncpg.exceptions.DiskFullError("could not extend file"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.LockNotAvailableError("could not obtain lock"),
        asyncpg.InterfaceError("cannot perform operation: connection is closed"),
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_what_counts_as_the_database_being_unavailable(exc: BaseException) -> None:
    assert unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.CheckViolationError("violates check constraint"),
        asyncpg.exceptions.ForeignKeyViolationError("violates foreign key constraint"),
        asyncpg.exceptions.PostgresSyntaxError("syntax error"),
        asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        ValueError("a bug"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_what_is_a_bug_and_raised_as_is(exc: BaseException) -> None:
    assert not unavailable(exc)


async def test_a_transaction_cannot_be_used_after_it_ended(timed_store: PostgresStore) -> None:
    async with timed_store.transaction() as tx:
        assert await tx.guild_ids() == [GUILD_A]
    with pytest.raises(RuntimeError, match="transaction is over"):
        await tx.guild_ids()
    with pytest.raises(RuntimeError, match="transaction is over"):
        await tx.reserve_numbers(GUILD_A, 1)


async def test_closing_does_not_wait_for_ever_on_a_stuck_transaction(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.store.postgres.store.CLOSE_TIMEOUT", 0.2)
    store = PostgresStore(postgres_url)
    await store.open()
    held = asyncio.Event()

    async def stuck() -> None:
        async with store.transaction() as tx:
            await tx.guild_ids()
            held.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(stuck())
    await held.wait()
    started = asyncio.get_running_loop().time()
    await store.close()
    assert asyncio.get_running_loop().time() - started < 2
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, SaveFailed, asyncpg.InterfaceError):
        await task


async def test_a_read_only_database_opens_for_reading_if_migrated_and_refuses_to_start_if_not(
    fresh_postgres_url: str, empty_postgres_url: str
) -> None:
    raw = await asyncpg.connect(fresh_postgres_url)
    try:
        for url in (fresh_postgres_url, empty_postgres_url):
            await raw.execute(f'ALTER DATABASE "{_database(url)}" SET default_transaction_read_only = on')
    finally:
        await raw.close()
    async with PostgresStore(fresh_postgres_url) as store:
        assert await store.guild_ids() == []
        with pytest.raises(SaveFailed):
            await _next_number(store)
    with pytest.raises(StoreUnavailable, match="ReadOnlySQLTransactionError"):
        await PostgresStore(empty_postgres_url).open()


async def test_a_connection_comes_back_to_the_pool_as_a_new_one_would_be(postgres_url: str) -> None:
    """The pool's reset is only asyncpg's rollback (bot.store.postgres.pool.keep_session): what a unit
    of work set for itself must end with it, committed or not, before the next one gets the connection."""

    class Refused(Exception):
        pass

    async with PostgresStore(postgres_url, min_size=1, max_size=1, statement_timeout_ms=TIMEOUT_MS) as store:
        for ends_badly in (False, True):
            with contextlib.suppress(Refused):
                async with store.transaction() as tx:
                    await tx.create_guilds([GUILD_A], AT)
                    conn = tx._conn  # type: ignore[attr-defined]
                    await conn.execute("SET LOCAL statement_timeout = 0")
                    await conn.execute("SELECT pg_advisory_xact_lock(42)")
                    if ends_badly:
                        raise Refused
            # The one connection again: no transaction open, the store's timeout back, no lock held.
            async with store._pool.acquire() as again:  # type: ignore[union-attr]
                assert not again.is_in_transaction()
                assert await again.fetchval("SHOW statement_timeout") == f"{TIMEOUT_MS}ms"
                held = await again.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                )
                assert held == 0


async def test_a_search_past_the_statement_timeout_is_save_failed_and_leaves_no_custom_plans_behind(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    """Search statements run in a short transaction of their own with custom plans
    (bot.store.postgres.pool.fetch_planned_each_time); failed or not, the connection goes back as it came."""
    async with PostgresStore(postgres_url, min_size=1, max_size=1, statement_timeout_ms=TIMEOUT_MS) as store:
        async with store.transaction() as tx:
            await tx.create_guilds([GUILD_A], AT)
        await add_claim(store, GUILD_A, "The pier was shelled")
        assert await store.claims_with_terms(GUILD_A, ["pier"], Filters(), 5) != []
        async with raw.transaction():
            await raw.execute("LOCK TABLE claim_terms IN ACCESS EXCLUSIVE MODE")  # the search index
            with pytest.raises(SaveFailed):
                await store.claims_with_terms(GUILD_A, ["pier"], Filters(), 5)
        assert await store.claims_with_terms(GUILD_A, ["pier"], Filters(), 5) != []
        async with store.transaction() as tx:  # inside a unit of work: custom plans for the rest of it
            assert await tx.claims_with_terms(GUILD_A, ["pier"], Filters(), 5) != []
            assert await tx.document_counts(GUILD_A, [["pier"]], 10) == (1, [1])
        async with store._pool.acquire() as again:  # type: ignore[union-attr]  # the one connection
            assert not again.is_in_transaction()
            assert await again.fetchval("SHOW plan_cache_mode") == "auto"
