"""Migrations apply forward, once, however many processes start together; the index follows the analyser."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.domain.claims import Actor, Alias, AliasRemoval
from bot.domain.text import INDEX_VERSION
from bot.seedfile import SeedStory
from bot.store.base import Filters
from bot.store.postgres import PostgresStore, schema, search
from tests.store_postgres.conftest import GUILD_A, seed_guild

OPENERS = 4


async def test_concurrent_opens_on_an_empty_database_apply_each_migration_once(empty_postgres_url: str) -> None:
    stores = [PostgresStore(empty_postgres_url, min_size=1, max_size=2) for _ in range(OPENERS)]
    try:
        await asyncio.gather(*(s.open() for s in stores))
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    conn = await asyncpg.connect(empty_postgres_url)
    try:
        applied = await conn.fetch("SELECT version, name FROM schema_version ORDER BY version")
        built = await conn.fetchval("SELECT value FROM meta WHERE key = 'index_version'")
    finally:
        await conn.close()
    assert [(r["version"], r["name"]) for r in applied] == [(v, p.name) for v, p in schema.migrations()]
    assert built == search.index_stamp()
    assert built.startswith(f"{INDEX_VERSION}/")


async def test_concurrent_migrations_of_raw_connections_agree_on_the_version(empty_postgres_url: str) -> None:
    conns = [await asyncpg.connect(empty_postgres_url) for _ in range(OPENERS)]
    try:
        versions = await asyncio.gather(*(schema.migrate(c) for c in conns))
        rows = await conns[0].fetchval("SELECT count(*) FROM schema_version")
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    latest = schema.migrations()[-1][0]
    assert versions == [latest] * OPENERS
    assert rows == len(schema.migrations())


async def test_a_failing_migration_leaves_the_schema_at_the_version_before(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    (tmp_path / "V1__init.sql").write_text(schema.migrations()[0][1].read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "V2__broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n", encoding="utf-8"
    )
    conn = await asyncpg.connect(empty_postgres_url)
    try:
        with pytest.raises(asyncpg.UndefinedTableError):
            await schema.migrate(conn, tmp_path)
        assert await conn.fetchval("SELECT max(version) FROM schema_version") == 1
        assert await conn.fetchval("SELECT to_regclass('half_done')") is None
        (tmp_path / "V2__broken.sql").write_text("CREATE TABLE half_done (id int);\n", encoding="utf-8")
        assert await schema.migrate(conn, tmp_path) == 2
        assert await schema.migrate(conn, tmp_path) == 2
    finally:
        await conn.close()


async def test_reopening_a_migrated_database_changes_nothing(postgres_url: str) -> None:
    for _ in range(2):
        async with PostgresStore(postgres_url) as store:
            assert await store.guild_ids() == []
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM schema_version") == len(schema.migrations())
    finally:
        await conn.close()


async def test_an_index_built_by_another_analyser_version_is_rebuilt_on_open(
    postgres_url: str, seed: SeedStory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "REBUILD_BATCH", 5)  # the 16 seeded claims take four batches
    async with PostgresStore(postgres_url) as store:
        seeded = await seed_guild(store, GUILD_A, seed)
        expected = await store.claims_with_prefixes(GUILD_A, ["troop"], Filters(), 50)
    assert expected
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("UPDATE claim_terms SET terms = ''::tsvector")
        await conn.execute("UPDATE meta SET value = '0' WHERE key = 'index_version'")
    finally:
        await conn.close()
    async with PostgresStore(postgres_url) as store:
        assert await store.claims_with_prefixes(GUILD_A, ["troop"], Filters(), 50) == expected
        assert set(expected) <= set(seeded.ids.values())
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT value FROM meta WHERE key = 'index_version'") == search.index_stamp()
        assert await conn.fetchval("SELECT count(*) FROM claim_terms WHERE terms = ''::tsvector") == 0
    finally:
        await conn.close()


async def test_a_migration_that_lands_after_a_later_one_is_still_applied(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    """Parts of the schema land in any order: a database made while V2 had not landed gets it later."""
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "V1__a.sql").write_text("CREATE TABLE a (x integer);")
    (directory / "V3__c.sql").write_text("CREATE TABLE c (x integer);")
    conn = await asyncpg.connect(empty_postgres_url)
    try:
        assert await schema.migrate(conn, directory) == 3
        (directory / "V2__b.sql").write_text("CREATE TABLE b (x integer);")
        assert await schema.migrate(conn, directory) == 3
        assert [r["version"] for r in await conn.fetch("SELECT version FROM schema_version ORDER BY version")] == [
            1,
            2,
            3,
        ]
        assert await conn.fetchval("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b', 'c')") == 3
        assert await schema.migrate(conn, directory) == 3  # and nothing applied twice
    finally:
        await conn.close()


async def test_the_alias_removal_migration_keeps_every_name_in_use_and_lets_one_be_removed(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    """V9 replaces the one-name-per-guild constraint by one over the names in use: a database made
    before it keeps its names, finds by them, and may then remove one and add it again."""
    before_v9 = tmp_path / "before-v9"
    before_v9.mkdir()
    for version, path in schema.migrations():
        if version < 9:
            (before_v9 / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    conn = await asyncpg.connect(empty_postgres_url)
    try:
        assert await schema.migrate(conn, before_v9) == 8
        await conn.execute("INSERT INTO guilds (id, created_at) VALUES ($1, now())", GUILD_A)
        await conn.execute(
            "INSERT INTO aliases (guild_id, entity, name, norm, note, actor_id, actor_name, added_at) "
            "VALUES ($1, 'North Korea', 'NK', 'nk', 'old', 1, 'alice', now())",
            GUILD_A,
        )
    finally:
        await conn.close()
    async with PostgresStore(empty_postgres_url) as store:
        assert [(a.entity, a.name, a.note) for a in await store.aliases(GUILD_A)] == [("North Korea", "NK", "old")]
        async with store.transaction() as tx:
            removed = await tx.remove_alias(GUILD_A, "NK", AliasRemoval("n", Actor(2, "bob"), datetime.now(UTC)))
            assert removed is not None
            again = await tx.add_aliases(
                GUILD_A, [Alias("North Korea", "NK", "back", Actor(2, "bob"), datetime.now(UTC))]
            )
        assert [a.name for a in again] == ["NK"]
        assert [a.removal is None for a in await store.alias_history(GUILD_A)] == [False, True]


async def test_the_search_index_has_no_pending_list_that_searches_would_read_through(
    empty_postgres_url: str,
) -> None:
    """V10, and V11 for claim_terms: each change goes into the GIN index's trees at once (fastupdate off)."""
    store = PostgresStore(empty_postgres_url, min_size=1, max_size=2)
    await store.open()
    await store.close()
    conn = await asyncpg.connect(empty_postgres_url)
    try:
        options = await conn.fetchval("SELECT reloptions FROM pg_class WHERE relname = 'claim_terms_terms'")
    finally:
        await conn.close()
    assert "fastupdate=off" in options


async def test_the_terms_move_to_a_table_of_their_own_with_every_claims_lexemes(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    """V11: each claim's terms, as they were, in claim_terms, found by the same query; the claims row
    without them, so a verdict change no longer rewrites the index."""
    before_v11 = tmp_path / "before-v11"
    before_v11.mkdir()
    for version, path in schema.migrations():
        if version < 11:
            (before_v11 / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    lexemes = [search.guild_lexeme(GUILD_A), "troop", "^t", "^tr", "^tro"]
    conn = await asyncpg.connect(empty_postgres_url)
    try:
        assert await schema.migrate(conn, before_v11) == 10
        await conn.execute("INSERT INTO guilds (id, created_at) VALUES ($1, now())", GUILD_A)
        speaker = await conn.fetchval("INSERT INTO speakers (guild_id, name) VALUES ($1, 'Ada') RETURNING id", GUILD_A)
        claim = await conn.fetchval(
            "INSERT INTO claims (guild_id, number, statement, verbatim, speaker_id, attribution, verdict, "
            "created_at, updated_at, terms) VALUES ($1, 1, 'Troops.', false, $2, 'on_record', 'unverified', "
            "now(), now(), array_to_tsvector($3::text[])) RETURNING id",
            GUILD_A,
            speaker,
            lexemes,
        )
        assert await schema.migrate(conn) == schema.migrations()[-1][0]
        stored = await conn.fetchval("SELECT tsvector_to_array(terms) FROM claim_terms WHERE claim_id = $1", claim)
        assert sorted(stored) == sorted(lexemes)
        async with conn.transaction():
            assert await search.claims_matching(conn, GUILD_A, "'troop':*", Filters(), 5) == [claim]
        columns = await conn.fetch("SELECT column_name FROM information_schema.columns WHERE table_name = 'claims'")
        assert "terms" not in {row["column_name"] for row in columns}
    finally:
        await conn.close()
