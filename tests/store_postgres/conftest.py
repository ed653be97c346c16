"""PostgreSQL-only audits: an emptied database per test (tests/pg.py) and the store opened on it.

`seed_guild` copies the shipped story into a guild through the store's primitives in one
transaction, the way the desk seeds a new guild.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.domain.claims import SEED_ACTOR, Actor, NewClaim
from bot.seedfile import STORIES_DIR, SeedStory, load_story
from bot.store.base import ClaimRow, HistoryRow, RelationRow, SpeakerNames
from bot.store.postgres import PostgresStore
from bot.store.postgres.writes import PgTx

GUILD_A = 811111111111111111
GUILD_B = 822222222222222222
ALICE = Actor(1001, "alice")
SHIPPED_STORY = STORIES_DIR / "north-korea-troops-2024-10-17.toml"
SEEDED_CLAIMS = 16
AT = datetime(2024, 10, 17, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    ids: dict[str, int]  # seed key -> claim id
    numbers: dict[str, int]  # seed key -> claim number


@pytest.fixture(scope="session")
def seed() -> SeedStory:
    return load_story(SHIPPED_STORY)


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[PostgresStore]:
    async with PostgresStore(postgres_url, min_size=1, max_size=5, statement_timeout_ms=3_000) as opened:
        yield opened


@pytest.fixture
async def raw(postgres_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection of our own, behind the store's back, the way an auditor would look."""
    conn = await asyncpg.connect(postgres_url)
    try:
        yield conn
    finally:
        await conn.close()


async def seed_guild_in(tx: PgTx, guild_id: int, seed: SeedStory, at: datetime = AT) -> Seeded:
    await tx.create_guilds([guild_id], at)
    story_id = await tx.upsert_story(guild_id, seed.story)
    claims = [item.claim for item in seed.claims]
    speaker_ids = await tx.speaker_ids(
        guild_id, [SpeakerNames(c.speaker, c.speaker_variants, c.speaker_short) for c in claims]
    )
    first = await tx.reserve_numbers(guild_id, len(claims))
    assert first is not None
    stamps = [at + timedelta(microseconds=n) for n in range(len(claims))]
    rows = [
        ClaimRow(first + n, item.claim, speaker_ids[n], story_id, False, stamps[n], item.key, item.fingerprint)
        for n, item in enumerate(seed.claims)
    ]
    ids = await tx.insert_claims(guild_id, rows)
    await tx.record(
        [
            HistoryRow(guild_id, ids[n], first + n, "verdict", None, item.claim.verdict, item.history_note, None,
                       SEED_ACTOR, stamps[n])
            for n, item in enumerate(seed.claims)
        ]
    )  # fmt: skip
    by_key = {item.key: ids[n] for n, item in enumerate(seed.claims)}
    await tx.add_relations(
        [RelationRow(guild_id, by_key[r.source], r.kind, by_key[r.target], r.note, at) for r in seed.relations]
    )
    return Seeded(by_key, {item.key: first + n for n, item in enumerate(seed.claims)})


async def seed_guild(store: PostgresStore, guild_id: int, seed: SeedStory, at: datetime = AT) -> Seeded:
    async with store.transaction() as tx:
        return await seed_guild_in(tx, guild_id, seed, at)


async def add_claim(
    store: PostgresStore,
    guild_id: int,
    statement: str,
    speaker: str = "Ada Quillfeather",
    *,
    variants: tuple[str, ...] = (),
    role: str = "",
    at: datetime = AT,
) -> tuple[int, int]:
    """A claim of a guild that exists; its (id, number)."""
    async with store.transaction() as tx:
        (speaker_id,) = await tx.speaker_ids(guild_id, [SpeakerNames(speaker, variants)])
        number = await tx.reserve_numbers(guild_id, 1)
        assert number is not None
        new = NewClaim(statement=statement, verbatim=False, speaker=speaker, role=role)
        (claim_id,) = await tx.insert_claims(guild_id, [ClaimRow(number, new, speaker_id, None, True, at)])
        await tx.record(
            [HistoryRow(guild_id, claim_id, number, "verdict", None, "unverified", "added", None, ALICE, at)]
        )
    return claim_id, number


def verdict_change(guild_id: int, claim_id: int, number: int, new: str, note: str, at: datetime = AT) -> HistoryRow:
    return HistoryRow(guild_id, claim_id, number, "verdict", None, new, note, None, ALICE, at)
