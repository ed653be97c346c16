"""What the schema enforces by itself, tried with raw SQL behind the store's back."""

from __future__ import annotations

import asyncpg
import pytest

from bot.domain.claims import SEED_ACTOR, Alias, AliasRemoval
from bot.domain.states import Verdict
from bot.seedfile import SeedStory
from bot.store.base import ClaimFields, SpeakerNames
from bot.store.postgres import PostgresStore
from tests.store_postgres.conftest import AT, GUILD_A, GUILD_B, Seeded, add_claim, seed_guild

RECOUNT_VERDICTS = """
    SELECT coalesce(array_agg((guild_id, verdict, n) ORDER BY guild_id, verdict), '{}')::text FROM (
        SELECT guild_id, verdict, count(*) AS n FROM claims GROUP BY guild_id, verdict) x
"""
KEPT_VERDICTS = """
    SELECT coalesce(array_agg((guild_id, verdict, count) ORDER BY guild_id, verdict), '{}')::text
      FROM verdict_counts WHERE count > 0
"""
SPEAKER_COUNTS_OFF = """
    SELECT count(*) FROM speakers s
     WHERE s.claim_count <> (SELECT count(*) FROM claims c WHERE c.speaker_id = s.id)
"""


async def _two_seeded_guilds(store: PostgresStore, seed: SeedStory) -> tuple[Seeded, Seeded]:
    return await seed_guild(store, GUILD_A, seed), await seed_guild(store, GUILD_B, seed)


async def _counts_in_step(raw: asyncpg.Connection) -> None:
    assert await raw.fetchval(KEPT_VERDICTS) == await raw.fetchval(RECOUNT_VERDICTS)
    assert await raw.fetchval(SPEAKER_COUNTS_OFF) == 0


# --------------------------------------------------------------------------------- history


async def test_history_refuses_update_delete_and_truncate(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    await seed_guild(store, GUILD_A, seed)
    before = await raw.fetchval("SELECT count(*) FROM history")
    for sql in (
        "UPDATE history SET note = 'forged'",
        "UPDATE history SET new_value = 'confirmed' WHERE id = (SELECT min(id) FROM history)",
        "DELETE FROM history",
        "DELETE FROM history WHERE id = (SELECT max(id) FROM history)",
        "TRUNCATE history CASCADE",
    ):
        with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="append-only"):
            await raw.execute(sql)
    assert await raw.fetchval("SELECT count(*) FROM history") == before
    assert await raw.fetchval("SELECT count(*) FROM history WHERE note = 'forged'") == 0


async def test_aliases_refuse_every_change_but_one_removal_and_refuse_delete_and_truncate(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    await seed_guild(store, GUILD_A, seed)
    async with store.transaction() as tx:
        await tx.add_aliases(GUILD_A, [Alias(entity, name, "seed", SEED_ACTOR, AT) for entity, name in seed.aliases])
    async with store.transaction() as tx:  # the one change a row may take: its removal, once
        assert await tx.remove_alias(GUILD_A, "NK", AliasRemoval("ambiguous here", SEED_ACTOR, AT)) is not None
    before = await raw.fetch("SELECT * FROM aliases ORDER BY id")
    assert len(before) == len(seed.aliases)
    for sql in (
        "UPDATE aliases SET entity = 'Russia'",
        "UPDATE aliases SET removed_at = NULL, removed_note = NULL, removed_actor_id = NULL, removed_actor_name = NULL "
        "WHERE removed_at IS NOT NULL",  # a removal is not undone: the name is added again, as a new row
        "UPDATE aliases SET removed_note = 'forged' WHERE removed_at IS NOT NULL",
        "UPDATE aliases SET name = 'Hermit Kingdom', removed_at = now(), removed_note = 'x', removed_actor_id = 1, "
        "removed_actor_name = 'x' WHERE removed_at IS NULL",  # a removal changes nothing else of the row
        "DELETE FROM aliases",
        "TRUNCATE aliases",
    ):
        with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="append-only"):
            await raw.execute(sql)
    assert await raw.fetch("SELECT * FROM aliases ORDER BY id") == before


async def test_a_history_row_cannot_name_another_guilds_claim(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    a, _b = await _two_seeded_guilds(store, seed)
    a_claim = next(iter(a.ids.values()))
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await raw.execute(
            "INSERT INTO history (guild_id, claim_id, field, new_value, actor_id, actor_name, at) "
            "VALUES ($1, $2, 'verdict', 'false', 1, 'mallory', now())",
            GUILD_B,
            a_claim,
        )


# --------------------------------------------------------------------------------- counts


async def test_counts_follow_inserts_verdict_and_speaker_changes(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    a, b = await _two_seeded_guilds(store, seed)
    await _counts_in_step(raw)
    await add_claim(store, GUILD_A, "A claim of a new speaker", "Ada Quillfeather")
    await _counts_in_step(raw)

    first, second = seed.claims[0].key, seed.claims[1].key
    async with store.transaction() as tx:
        (bertram,) = await tx.speaker_ids(GUILD_A, [SpeakerNames("Bertram Vole")])
        for key in (first, second):
            assert await tx.update_claim(
                a.ids[key], 1, ClaimFields(verdict=Verdict.MISLEADING, speaker_id=bertram), at=AT, moderated=True
            )
        # Same verdict again, other fields: no count moves.
        assert await tx.update_claim(a.ids[first], 2, ClaimFields(verdict=Verdict.MISLEADING), at=AT, moderated=True)
        assert await tx.update_claim(b.ids[first], 1, ClaimFields(verdict=Verdict.FALSE), at=AT, moderated=True)
    await _counts_in_step(raw)
    counts = await store.verdict_counts(GUILD_A)
    assert counts[Verdict.MISLEADING] >= 2
    assert sum(counts.values()) == len(seed.claims) + 1
    speaker = await store.speaker(GUILD_A, bertram)
    assert speaker is not None
    assert speaker.claim_count == 2

    # Behind the store's back too: the triggers, not our code, keep them.
    await raw.execute("UPDATE claims SET verdict = 'confirmed' WHERE guild_id = $1", GUILD_B)
    await raw.execute(
        "UPDATE claims SET speaker_id = (SELECT min(id) FROM speakers WHERE guild_id = $1) WHERE guild_id = $1",
        GUILD_B,
    )
    await _counts_in_step(raw)
    assert await store.verdict_counts(GUILD_B) == {Verdict.CONFIRMED: len(seed.claims)}


async def test_counts_cannot_go_negative(store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory) -> None:
    await seed_guild(store, GUILD_A, seed)
    with pytest.raises(asyncpg.CheckViolationError):
        await raw.execute("UPDATE speakers SET claim_count = -1")
    with pytest.raises(asyncpg.CheckViolationError):
        await raw.execute("UPDATE verdict_counts SET count = -1")


# --------------------------------------------------------------------------------- per-guild isolation


async def test_a_claim_cannot_name_another_guilds_speaker_or_story(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    await _two_seeded_guilds(store, seed)
    a_speaker = await raw.fetchval("SELECT min(id) FROM speakers WHERE guild_id = $1", GUILD_A)
    a_story = await raw.fetchval("SELECT id FROM stories WHERE guild_id = $1", GUILD_A)
    b_speaker = await raw.fetchval("SELECT min(id) FROM speakers WHERE guild_id = $1", GUILD_B)
    insert = (
        "INSERT INTO claims (guild_id, number, statement, verbatim, speaker_id, story_id, attribution, verdict, "
        "created_at, updated_at) VALUES ($1, 999, 'forged', false, $2, $3, 'on_record', 'unverified', now(), now())"
    )
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await raw.execute(insert, GUILD_B, a_speaker, None)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await raw.execute(insert, GUILD_B, b_speaker, a_story)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await raw.execute("UPDATE claims SET speaker_id = $1 WHERE guild_id = $2", a_speaker, GUILD_B)
    await raw.execute(insert, GUILD_B, b_speaker, None)  # its own speaker: fine


async def test_a_relation_cannot_join_two_guilds(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    a, b = await _two_seeded_guilds(store, seed)
    a_claim, b_claim = next(iter(a.ids.values())), next(iter(b.ids.values()))
    insert = (
        "INSERT INTO relations (guild_id, source_id, kind, target_id, created_at) "
        "VALUES ($1, $2, 'supports', $3, now())"
    )
    for guild_id in (GUILD_A, GUILD_B):
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await raw.execute(insert, guild_id, a_claim, b_claim)
    with pytest.raises(asyncpg.CheckViolationError):
        await raw.execute(insert, GUILD_A, a_claim, a_claim)


async def test_a_speaker_name_cannot_point_at_another_guilds_speaker(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    await _two_seeded_guilds(store, seed)
    a_speaker = await raw.fetchval("SELECT min(id) FROM speakers WHERE guild_id = $1", GUILD_A)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await raw.execute(
            "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) VALUES ($1, 'mallory', $2, 'Mallory')",
            GUILD_B,
            a_speaker,
        )


async def test_a_claim_moved_to_another_guild_is_refused(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    a, _b = await _two_seeded_guilds(store, seed)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await raw.execute(
            "UPDATE claims SET guild_id = $1, number = 999 WHERE id = $2", GUILD_B, next(iter(a.ids.values()))
        )


# --------------------------------------------------------------------------------- the other checks


@pytest.mark.parametrize(
    ("column", "value"),
    [("verdict", "probably"), ("attribution", "hearsay"), ("number", "0"), ("revision", "0")],
)
async def test_claim_columns_hold_only_what_they_may(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory, column: str, value: str
) -> None:
    await seed_guild(store, GUILD_A, seed)
    with pytest.raises(asyncpg.CheckViolationError):
        await raw.execute(f"UPDATE claims SET {column} = $1::text::{'bigint' if value.isdigit() else 'text'}", value)


async def test_numbers_are_unique_in_a_guild_and_seed_keys_in_a_story(
    store: PostgresStore, raw: asyncpg.Connection, seed: SeedStory
) -> None:
    await seed_guild(store, GUILD_A, seed)
    with pytest.raises(asyncpg.UniqueViolationError):
        await raw.execute("UPDATE claims SET number = 1 WHERE guild_id = $1 AND number = 2", GUILD_A)
    with pytest.raises(asyncpg.UniqueViolationError):
        await raw.execute(
            "UPDATE claims SET seed_key = (SELECT seed_key FROM claims WHERE number = 1 AND guild_id = $1) "
            "WHERE guild_id = $1 AND number = 2",
            GUILD_A,
        )


async def test_ids_come_from_the_database_only(raw: asyncpg.Connection) -> None:
    await raw.execute("INSERT INTO guilds (id, created_at) VALUES (1, now())")
    with pytest.raises(asyncpg.GeneratedAlwaysError):
        await raw.execute("INSERT INTO speakers (id, guild_id, name) VALUES (42, 1, 'x')")


async def test_every_time_column_is_timestamptz(raw: asyncpg.Connection) -> None:
    found = await raw.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND (column_name LIKE '%\\_at' OR column_name = 'at')"
    )
    assert found
    assert {r["data_type"] for r in found} == {"timestamp with time zone"}, found
