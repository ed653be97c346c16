"""Migrations: applied forward from an empty file, recorded, and never re-applied on the next start."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.seedfile import SeedStory
from bot.store.sqlite.connection import connect, migrate, migrations
from tests.desks import opened_desk
from tests.store.conftest import ALICE, GUILD_A, SEEDED_CLAIMS, query, scalar

# SQLite's migration files and PRAGMAs; PostgreSQL's migrations are audited in tests/store_postgres.
pytestmark = pytest.mark.usefixtures("sqlite_only")

LATEST = migrations()[-1][0]
TABLES = {
    "guilds",
    "stories",
    "speakers",
    "speaker_names",
    "claims",
    "evidence",
    "relations",
    "history",
    "aliases",
    "follows",
    "outbox",
    "posted_messages",
    "dm_closed",
    "edit_problems",
    "verdict_counts",
    "claim_fts",
    "schema_version",
}


def test_migration_files_are_numbered_from_one_each_once() -> None:
    # Each part of the code has its own numbers (a gap is fine: the runner applies every file it has
    # not recorded, in order, whichever landed first).
    versions = [version for version, _ in migrations()]
    assert versions[:4] == [1, 2, 3, 4]
    assert versions == sorted(set(versions))


async def test_opening_an_empty_file_applies_every_migration_and_records_it(db_path: Path) -> None:
    async with opened_desk(db_path):
        pass
    versions = [row[0] for row in query(db_path, "SELECT version FROM schema_version ORDER BY version")]
    assert versions == [version for version, _ in migrations()]
    names = {row[0] for row in query(db_path, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert names >= TABLES
    assert scalar(db_path, "PRAGMA journal_mode") == "wal"


async def test_reopening_keeps_schema_version_and_data(db_path: Path, seed: SeedStory) -> None:
    async with opened_desk(db_path, [seed]) as desk:
        await desk.ensure_guild(GUILD_A)
        before = await desk.claim(GUILD_A, 2)
    recorded = query(db_path, "SELECT version, applied_at FROM schema_version ORDER BY version")

    async with opened_desk(db_path, [seed]) as desk:
        after = await desk.claim(GUILD_A, 2)
        await desk.ensure_guild(GUILD_A)  # a restart sees the guild again: nothing is seeded twice
    async with opened_desk(db_path, [seed]):
        pass

    assert query(db_path, "SELECT version, applied_at FROM schema_version ORDER BY version") == recorded
    assert after == before
    assert scalar(db_path, "SELECT count(*) FROM claims") == SEEDED_CLAIMS


async def test_migrate_on_an_up_to_date_database_is_a_no_op(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        assert await migrate(conn) == LATEST
        assert await migrate(conn) == LATEST
        async with conn.execute("SELECT count(*) FROM schema_version") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        assert row[0] == len(migrations())
    finally:
        await conn.close()


async def test_connections_enforce_foreign_keys_and_wait_when_busy(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        async with conn.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1  # type: ignore[index]
        async with conn.execute("PRAGMA busy_timeout") as cursor:
            assert (await cursor.fetchone())[0] >= 1000  # type: ignore[index]
    finally:
        await conn.close()


async def test_a_migration_that_lands_after_a_later_one_is_still_applied(tmp_path: Path) -> None:
    """Parts of the schema land in any order: a database made while V2 had not landed gets it later."""
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "V1__a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (directory / "V3__c.sql").write_text("CREATE TABLE c (x INTEGER);")
    conn = await connect(tmp_path / "gap.db")
    try:
        assert await migrate(conn, directory) == 3
        (directory / "V2__b.sql").write_text("CREATE TABLE b (x INTEGER);")
        assert await migrate(conn, directory) == 3
        async with conn.execute("SELECT version FROM schema_version ORDER BY version") as cursor:
            assert [row[0] for row in await cursor.fetchall()] == [1, 2, 3]
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b', 'c')"
        ) as cursor:
            assert sorted(row[0] for row in await cursor.fetchall()) == ["a", "b", "c"]
        assert await migrate(conn, directory) == 3  # and nothing applied twice
    finally:
        await conn.close()


async def test_the_alias_removal_migration_keeps_every_name_and_opens_with_them_in_use(
    tmp_path: Path, seed: SeedStory
) -> None:
    """V10 rebuilds the aliases table (SQLite cannot drop its UNIQUE constraint): a desk made before it
    keeps every name, its id and its record, and then finds by them and may remove them."""
    before_v10 = tmp_path / "before-v10"
    before_v10.mkdir()
    for version, path in migrations():
        if version < 10:
            (before_v10 / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    db_path = tmp_path / "claims.db"
    conn = await connect(db_path)
    try:
        assert await migrate(conn, before_v10) == 9
    finally:
        await conn.close()
    async with opened_desk(db_path, [seed]) as desk:  # applies V10, then seeds the guild
        await desk.ensure_guild(GUILD_A)
        old = query(
            db_path, "SELECT id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at FROM aliases"
        )
        assert len(old) == len(seed.aliases)
    # The same rows again, as they would be in a file made before V10: rebuilt by V10 and still in use.
    legacy = tmp_path / "legacy.db"
    conn = await connect(legacy)
    try:
        await migrate(conn, before_v10)
        await conn.executescript(
            f"BEGIN; INSERT INTO guilds (id, created_at) VALUES ({GUILD_A}, '2024-10-17T00:00:00+00:00'); COMMIT;"
        )
        await conn.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [tuple(r) for r in old])
    finally:
        await conn.close()
    async with opened_desk(legacy, [seed]) as desk:
        assert query(legacy, "SELECT id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at "
                     "FROM aliases") == old  # fmt: skip
        assert len(await desk.aliases(GUILD_A)) == len(old)
        [removed] = await desk.remove_alias(GUILD_A, "North Korea", "NK", note="n", actor=ALICE)
        assert removed.removal is not None


async def test_the_longer_prefixes_migrations_keep_every_index_row_and_find_the_same_claims(
    db_path: Path, seed: SeedStory
) -> None:
    """V11 and V13 rebuild the search index with prefix indexes of 4-6, then 7-10 characters: a file
    indexed before them keeps every row, terms and profile alike, and a search or keystroke finds the
    same claims after."""
    asked = ("troo", "korea", "deny", "soldiers fight", "Pyong", "evaluat", "artiller", "Pyongyan", "ukrainia")
    async with opened_desk(db_path, [seed]) as desk:
        await desk.ensure_guild(GUILD_A)
        before = [[h.summary.number for h in (await desk.search(GUILD_A, q)).items] for q in asked]
        typed = [[s.number for s in await desk.suggest_claims(GUILD_A, q)] for q in asked]
    rows = query(db_path, "SELECT rowid, guild, terms, profile FROM claim_fts ORDER BY rowid")
    # The index as V9 made it, and neither V11 nor V13 applied yet.
    conn = await connect(db_path)
    try:
        await conn.executescript(
            "BEGIN; CREATE VIRTUAL TABLE old_fts USING fts5(guild, terms, profile UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'); "
            "INSERT INTO old_fts (rowid, guild, terms, profile) SELECT rowid, guild, terms, profile FROM claim_fts; "
            "DROP TABLE claim_fts; ALTER TABLE old_fts RENAME TO claim_fts; "
            "DELETE FROM schema_version WHERE version IN (11, 13); COMMIT;"
        )
    finally:
        await conn.close()
    async with opened_desk(db_path, [seed]) as desk:
        assert scalar(db_path, "SELECT max(version) FROM schema_version") == LATEST
        made = scalar(db_path, "SELECT sql FROM sqlite_master WHERE name = 'claim_fts'")
        assert "prefix = '2 3 4 5 6 7 8 9 10'" in made
        assert query(db_path, "SELECT rowid, guild, terms, profile FROM claim_fts ORDER BY rowid") == rows
        assert [[h.summary.number for h in (await desk.search(GUILD_A, q)).items] for q in asked] == before
        assert [[s.number for s in await desk.suggest_claims(GUILD_A, q)] for q in asked] == typed
        assert all(before)
