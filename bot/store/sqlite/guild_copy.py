"""A seeded guild's rows written again for a new guild, in SQL (Tx.copy_seeded_guild).

Every table's copied rows get ids shifted by one offset, past the table's highest id; a reference
between copied rows (a claim's speaker and story, a relation's two claims, an index row's claim) is
shifted by the offset of the table it points into, so the copy is as consistent as the source. SQLite
has one writer, and it holds the transaction: nothing else takes those ids meanwhile. The triggers count
the new claims by verdict and by speaker, as they do for seeded ones.
"""

from __future__ import annotations

import aiosqlite

# How far each table's ids move; NULL for a table the source has no rows in (nothing to copy there).
OFFSETS = """
SELECT
    (SELECT max(id) FROM stories) + 1 - (SELECT min(id) FROM stories WHERE guild_id = :source),
    (SELECT max(id) FROM speakers) + 1 - (SELECT min(id) FROM speakers WHERE guild_id = :source),
    (SELECT max(id) FROM claims) + 1 - (SELECT min(id) FROM claims WHERE guild_id = :source),
    (SELECT max(id) FROM evidence) + 1
        - (SELECT min(e.id) FROM evidence e JOIN claims c ON c.id = e.claim_id WHERE c.guild_id = :source),
    (SELECT max(id) FROM relations) + 1
        - (SELECT min(r.id) FROM relations r JOIN claims c ON c.id = r.source_id WHERE c.guild_id = :source),
    (SELECT max(id) FROM history) + 1 - (SELECT min(id) FROM history WHERE guild_id = :source),
    (SELECT max(id) FROM aliases) + 1 - (SELECT min(id) FROM aliases WHERE guild_id = :source)
"""
TABLES = ("stories", "speakers", "claims", "evidence", "relations", "history", "aliases")

# In this order: what a row points to is there before it.
COPIES = (
    "UPDATE guilds SET next_claim_number = (SELECT next_claim_number FROM guilds WHERE id = :source) WHERE id = :guild",
    "INSERT INTO stories (id, guild_id, slug, title, publisher, url, published, moderated) "
    "SELECT id + :stories, :guild, slug, title, publisher, url, published, moderated "
    "FROM stories WHERE guild_id = :source",
    # claim_count from 0: the claims' trigger counts them in.
    "INSERT INTO speakers (id, guild_id, name, short_name) "
    "SELECT id + :speakers, :guild, name, short_name FROM speakers WHERE guild_id = :source",
    "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) "
    "SELECT :guild, norm, speaker_id + :speakers, name FROM speaker_names WHERE guild_id = :source",
    "INSERT INTO claims (id, guild_id, number, statement, verbatim, speaker_id, role, venue, said_when, "
    "story_id, attribution, verdict, rationale, revision, seed_key, seed_fingerprint, moderated, created_at, "
    "updated_at) "
    "SELECT id + :claims, :guild, number, statement, verbatim, speaker_id + :speakers, role, venue, said_when, "
    "story_id + :stories, attribution, verdict, rationale, revision, seed_key, seed_fingerprint, moderated, "
    "created_at, updated_at FROM claims WHERE guild_id = :source",
    "INSERT INTO evidence (id, claim_id, url, note, added_at) "
    "SELECT e.id + :evidence, e.claim_id + :claims, e.url, e.note, e.added_at "
    "FROM evidence e JOIN claims c ON c.id = e.claim_id WHERE c.guild_id = :source",
    "INSERT INTO relations (id, guild_id, source_id, kind, target_id, note, created_at) "
    "SELECT r.id + :relations, :guild, r.source_id + :claims, r.kind, r.target_id + :claims, r.note, r.created_at "
    "FROM claims c JOIN relations r ON r.source_id = c.id WHERE c.guild_id = :source",
    "INSERT INTO history (id, guild_id, claim_id, field, old_value, new_value, note, source_url, actor_id, "
    "actor_name, at) "
    "SELECT id + :history, :guild, claim_id + :claims, field, old_value, new_value, note, source_url, actor_id, "
    "actor_name, at FROM history WHERE guild_id = :source",
    "INSERT INTO aliases (id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at, removed_at, "
    "removed_note, removed_actor_id, removed_actor_name) "
    "SELECT id + :aliases, :guild, entity, name, norm, note, actor_id, actor_name, added_at, removed_at, "
    "removed_note, removed_actor_id, removed_actor_name FROM aliases WHERE guild_id = :source",
    # The terms name no guild (the guild is its own column), so they are the source's as they are.
    "INSERT INTO claim_fts (rowid, guild, terms, profile) "
    "SELECT f.rowid + :claims, 'g' || :guild, f.terms, f.profile "
    "FROM claims c JOIN claim_fts f ON f.rowid = c.id WHERE c.guild_id = :source",
)


async def copy_guild(db: aiosqlite.Connection, source_id: int, guild_id: int) -> None:
    found = await db.execute_fetchall(OFFSETS, {"source": source_id})
    offsets = dict(zip(TABLES, next(iter(found)), strict=True))
    params = {"source": source_id, "guild": guild_id, **offsets}
    for sql in COPIES:
        await db.execute(sql, params)
