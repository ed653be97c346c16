"""Concurrent transactions under READ COMMITTED: the guards are in the statements, and they hold."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bot.domain.claims import NewClaim
from bot.store.base import ClaimFields, ClaimRow, Filters, SpeakerNames
from bot.store.postgres import PostgresStore
from tests.store_postgres.conftest import AT, GUILD_A, add_claim

WRITERS = 8
HOLD = 0.05  # seconds each transaction stays open after its write, so that they overlap


@pytest.fixture
async def wide_store(postgres_url: str) -> AsyncIterator[PostgresStore]:
    async with PostgresStore(postgres_url, min_size=2, max_size=WRITERS + 2) as opened:
        yield opened


async def _with_guild(store: PostgresStore) -> None:
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)


async def test_create_guild_is_true_for_exactly_one_of_many_concurrent_transactions(
    wide_store: PostgresStore, postgres_url: str
) -> None:
    async def create(store: PostgresStore) -> bool:
        async with store.transaction() as tx:
            created = GUILD_A in await tx.create_guilds([GUILD_A], AT)
            await asyncio.sleep(HOLD)
            return created

    # A second pool stands for a second process.
    async with PostgresStore(postgres_url, min_size=1, max_size=WRITERS) as other:
        results = await asyncio.gather(*(create(wide_store if n % 2 else other) for n in range(WRITERS)))
    assert sorted(results) == [False] * (WRITERS - 1) + [True]
    assert await wide_store.guild_ids() == [GUILD_A]


async def test_two_processes_creating_the_same_new_guilds_in_other_orders_never_deadlock(
    wide_store: PostgresStore, postgres_url: str
) -> None:
    """Two shard processes meeting the same new guilds at once, first seen in opposite orders: each
    guild is created by one of them and neither transaction fails. Inserted in the order given, the two
    statements meet in the middle, each waiting for a guild the other holds: a deadlock, one rolled back."""
    guilds = [GUILD_A + n for n in range(1, 20_001)]  # enough that the two statements overlap

    async def create(store: PostgresStore, order: list[int]) -> set[int]:
        async with store.transaction() as tx:
            return await tx.create_guilds(order, AT)

    async with PostgresStore(postgres_url, min_size=1, max_size=2) as other:
        made = await asyncio.gather(create(wide_store, guilds), create(other, guilds[::-1]))
    assert sorted(made[0] | made[1]) == guilds
    assert not made[0] & made[1]


async def test_a_guild_whose_creator_rolled_back_is_created_by_the_next(wide_store: PostgresStore) -> None:
    started = asyncio.Event()

    async def doomed() -> None:
        async with wide_store.transaction() as tx:
            assert await tx.create_guilds([GUILD_A], AT) == {GUILD_A}
            started.set()
            await asyncio.sleep(HOLD)
            raise RuntimeError("the desk refused something")

    task = asyncio.create_task(doomed())
    await started.wait()
    async with wide_store.transaction() as tx:
        assert await tx.create_guilds([GUILD_A], AT) == {GUILD_A}  # waited for the rollback, then inserted
    with pytest.raises(RuntimeError):
        await task


async def test_a_change_prepared_against_a_revision_another_committed_past_is_refused(
    wide_store: PostgresStore,
) -> None:
    await _with_guild(wide_store)
    claim_id, number = await add_claim(wide_store, GUILD_A, "The convoy crossed at dawn")
    second_read = asyncio.Event()
    first_committed = asyncio.Event()

    async def second() -> bool:
        async with wide_store.transaction() as tx:
            summary = await tx.claim_summary(GUILD_A, number)
            assert summary is not None
            assert summary.revision == 1
            second_read.set()
            await first_committed.wait()
            fields = ClaimFields(verdict="false", rationale="second")
            return await tx.update_claim(claim_id, summary.revision, fields, at=AT, moderated=True)

    task = asyncio.create_task(second())
    await second_read.wait()
    async with wide_store.transaction() as tx:
        summary = await tx.claim_summary(GUILD_A, number)
        assert summary is not None
        assert summary.revision == 1
        fields = ClaimFields(verdict="confirmed", rationale="first")
        assert await tx.update_claim(claim_id, summary.revision, fields, at=AT, moderated=True) is True
    first_committed.set()
    assert await task is False
    claim = await wide_store.claim(GUILD_A, number)
    assert claim is not None
    assert (claim.rationale, claim.verdict, claim.revision) == ("first", "confirmed", 2)


async def test_a_change_waiting_on_another_transactions_row_lock_is_refused_when_it_commits(
    wide_store: PostgresStore,
) -> None:
    await _with_guild(wide_store)
    claim_id, number = await add_claim(wide_store, GUILD_A, "The depot burned")

    async def second() -> bool:
        async with wide_store.transaction() as tx:
            return await tx.update_claim(claim_id, 1, ClaimFields(rationale="second"), at=AT, moderated=True)

    async with wide_store.transaction() as tx:
        assert await tx.update_claim(claim_id, 1, ClaimFields(rationale="first"), at=AT, moderated=True) is True
        task = asyncio.create_task(second())
        await asyncio.sleep(HOLD)
        assert not task.done(), "the second UPDATE should be waiting for the first transaction's row lock"
    assert await task is False
    claim = await wide_store.claim(GUILD_A, number)
    assert claim is not None
    assert (claim.rationale, claim.revision) == ("first", 2)


async def test_one_of_many_moderators_changing_one_claim_at_once_wins(wide_store: PostgresStore) -> None:
    await _with_guild(wide_store)
    claim_id, number = await add_claim(wide_store, GUILD_A, "The ferry sank")

    async def change(n: int) -> bool:
        async with wide_store.transaction() as tx:
            changed = await tx.update_claim(claim_id, 1, ClaimFields(rationale=f"m{n}"), at=AT, moderated=True)
            await asyncio.sleep(HOLD)
            return changed

    results = await asyncio.gather(*(change(n) for n in range(WRITERS)))
    assert sorted(results) == [False] * (WRITERS - 1) + [True]
    claim = await wide_store.claim(GUILD_A, number)
    assert claim is not None
    assert (claim.rationale, claim.revision) == (f"m{results.index(True)}", 2)


async def test_concurrent_reservations_never_share_a_number(wide_store: PostgresStore) -> None:
    await _with_guild(wide_store)

    async def reserve() -> int:
        async with wide_store.transaction() as tx:
            first = await tx.reserve_numbers(GUILD_A, 3)
            await asyncio.sleep(HOLD / 5)
            assert first is not None
            return first

    firsts = await asyncio.gather(*(reserve() for _ in range(WRITERS)))
    numbers = sorted(n for first in firsts for n in range(first, first + 3))
    assert numbers == list(range(1, 3 * WRITERS + 1))


async def test_concurrent_first_mentions_of_a_speaker_make_one_speaker(
    wide_store: PostgresStore, raw: asyncpg.Connection
) -> None:
    await _with_guild(wide_store)

    async def mention() -> int:
        async with wide_store.transaction() as tx:
            (speaker_id,) = await tx.speaker_ids(GUILD_A, [SpeakerNames("Ada Quillfeather", ("A. Quillfeather",))])
            await asyncio.sleep(HOLD / 5)
            return speaker_id

    ids = await asyncio.gather(*(mention() for _ in range(WRITERS)))
    assert len(set(ids)) == 1
    assert await raw.fetchval("SELECT count(*) FROM speakers") == 1
    assert await raw.fetchval("SELECT count(*) FROM speaker_names WHERE speaker_id = $1", ids[0]) == 2


@pytest.mark.parametrize("name_first", [True, False], ids=["name-added-first", "claim-inserted-first"])
async def test_a_claim_inserted_while_its_speaker_gets_a_name_is_found_by_that_name(
    wide_store: PostgresStore, name_first: bool
) -> None:
    await _with_guild(wide_store)
    _claim_id, _number = await add_claim(wide_store, GUILD_A, "An older claim", "Ada Quillfeather")
    speaker_id = await wide_store.speaker_id_by_name(GUILD_A, "ada quillfeather")
    assert speaker_id is not None
    holding = asyncio.Event()

    async def add_name(hold: bool) -> None:
        async with wide_store.transaction() as tx:
            await tx.speaker_ids(GUILD_A, [SpeakerNames("Ada Quillfeather", ("Quokkafeather",))])
            if hold:
                holding.set()
                await asyncio.sleep(HOLD)

    async def insert_claim(hold: bool) -> int:
        async with wide_store.transaction() as tx:
            number = await tx.reserve_numbers(GUILD_A, 1)
            assert number is not None
            new = NewClaim(statement="A newer claim", verbatim=False, speaker="Ada Quillfeather")
            (claim_id,) = await tx.insert_claims(GUILD_A, [ClaimRow(number, new, speaker_id, None, True, AT)])
            if hold:
                holding.set()
                await asyncio.sleep(HOLD)
            return claim_id

    if name_first:
        first = asyncio.create_task(add_name(hold=True))
        await holding.wait()
        new_id = await insert_claim(hold=False)
        await first
    else:
        first_claim = asyncio.create_task(insert_claim(hold=True))
        await holding.wait()
        await add_name(hold=False)
        new_id = await first_claim
    found = await wide_store.claims_with_terms(GUILD_A, ["quokkafeather"], Filters(), 10)
    assert new_id in found
    assert len(found) == 2


async def test_a_claim_moved_to_a_speaker_getting_a_name_is_found_by_that_name(wide_store: PostgresStore) -> None:
    await _with_guild(wide_store)
    await add_claim(wide_store, GUILD_A, "A claim of Ada's", "Ada Quillfeather")
    moved_id, _number = await add_claim(wide_store, GUILD_A, "A claim moved to Ada", "Bertram Vole")
    ada = await wide_store.speaker_id_by_name(GUILD_A, "ada quillfeather")
    holding = asyncio.Event()

    async def add_name() -> None:
        async with wide_store.transaction() as tx:
            await tx.speaker_ids(GUILD_A, [SpeakerNames("Ada Quillfeather", ("Quokkafeather",))])
            holding.set()
            await asyncio.sleep(HOLD)

    task = asyncio.create_task(add_name())
    await holding.wait()
    async with wide_store.transaction() as tx:
        assert await tx.update_claim(moved_id, 1, ClaimFields(speaker_id=ada), at=AT, moderated=True)
    await task
    assert moved_id in await wide_store.claims_with_terms(GUILD_A, ["quokkafeather"], Filters(), 10)


async def test_reads_find_a_connection_while_writes_queued_on_a_lock_hold_all_they_may(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    """Moderators changing one claim while a transaction holds its row: each change waits on the lock,
    holding a connection. However many queue, a card (and the claim a moderator's command resolves
    before it can defer) still gets a connection at once, not after the pool's acquire timeout."""
    size = 5
    async with PostgresStore(postgres_url, min_size=1, max_size=size, acquire_timeout=2.0) as store:
        await _with_guild(store)
        claim_id, number = await add_claim(store, GUILD_A, "The bridge was struck twice")
        locker = raw.transaction()
        await locker.start()
        await raw.execute("SELECT 1 FROM claims WHERE id = $1 FOR UPDATE", claim_id)

        async def change(n: int) -> bool:
            async with store.transaction() as tx:
                return await tx.update_claim(claim_id, 1, ClaimFields(rationale=f"change {n}"), at=AT, moderated=True)

        queued = [asyncio.create_task(change(n)) for n in range(size + 2)]
        try:
            await asyncio.sleep(0.3)  # every change that may has taken a connection and waits on the row
            assert not any(task.done() for task in queued)
            async with asyncio.timeout(1.0):
                card = await store.card(GUILD_A, number)
            assert card is not None
            assert card.claim.statement == "The bridge was struck twice"
        finally:
            await locker.rollback()
        assert sorted(await asyncio.gather(*queued)) == [False] * (size + 1) + [True]
