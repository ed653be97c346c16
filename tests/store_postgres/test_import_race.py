"""Two Confirms of one import preview at once, from two processes, on PostgreSQL (issue 11): under READ
COMMITTED both may read "the story is new" before either writes; the story's row is written first, so
the second waits for the first and then sees its claims: it is refused, and nothing is doubled."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.desk import Desk
from bot.desk.importing import read_story_file
from bot.domain.claims import Actor
from bot.store.postgres import PostgresStore
from tests.store.test_importing import many_claims
from tests.store_postgres.conftest import GUILD_A

BOB = Actor(1002, "bob")


async def test_two_confirms_at_once_apply_the_file_once(postgres_url: str) -> None:
    seed = read_story_file("big.toml", many_claims(20).encode()).seed
    stores = [PostgresStore(postgres_url, min_size=1, max_size=3, statement_timeout_ms=10_000) for _ in range(2)]
    async with Desk(stores[0]) as first, Desk(stores[1]) as second:
        await first.ensure_guild(GUILD_A)
        plan = await first.preview_import(GUILD_A, seed)
        holder = await asyncpg.connect(postgres_url)
        try:
            # Both transactions read the plan's state, then queue behind this lock to write the story.
            lock = holder.transaction()
            await lock.start()
            await holder.execute("LOCK TABLE stories IN EXCLUSIVE MODE")
            racers = [
                asyncio.create_task(desk.import_story(GUILD_A, seed, expected=plan, actor=BOB))
                for desk in (first, second)
            ]
            await asyncio.sleep(0.5)
            assert not any(task.done() for task in racers)
            await lock.rollback()
            results = await asyncio.gather(*racers, return_exceptions=True)
        finally:
            await holder.close()
        count = await holder_count(postgres_url)
    assert sorted(type(r).__name__ for r in results) == ["PlanChanged", "SeedReport"]
    assert count == 20


async def holder_count(postgres_url: str) -> int:
    conn = await asyncpg.connect(postgres_url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM claims c JOIN stories st ON st.id = c.story_id WHERE st.slug = 'big'"
            )
        )
    finally:
        await conn.close()


pytestmark = pytest.mark.postgres
