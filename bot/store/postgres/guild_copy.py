"""A seeded guild's rows written again for a new guild, in SQL (Tx.copy_seeded_guild).

Ids come from each table's own identity sequence, as many as the source has rows, and are paired with
the source's in order (old ids sorted, new ids sorted), so the copied rows keep their order (a claim's
history reads as it was written). A reference between copied rows joins the map of the table it points
into. The claims' terms (claim_terms) carry their guild's lexeme: the source's is swapped for the new guild's. The
triggers count the new claims by verdict and by speaker, as they do for seeded ones.
"""

from __future__ import annotations

from typing import Any

from bot.store.postgres.search import guild_lexeme

TABLES = ("stories", "speakers", "claims", "evidence", "relations", "history", "aliases")

SOURCE_IDS = """
SELECT
    ARRAY(SELECT id FROM stories WHERE guild_id = $1 ORDER BY id),
    ARRAY(SELECT id FROM speakers WHERE guild_id = $1 ORDER BY id),
    ARRAY(SELECT id FROM claims WHERE guild_id = $1 ORDER BY id),
    ARRAY(SELECT e.id FROM evidence e JOIN claims c ON c.id = e.claim_id WHERE c.guild_id = $1 ORDER BY e.id),
    ARRAY(SELECT id FROM relations WHERE guild_id = $1 ORDER BY id),
    ARRAY(SELECT id FROM history WHERE guild_id = $1 ORDER BY id),
    ARRAY(SELECT id FROM aliases WHERE guild_id = $1 ORDER BY id)
"""
NEW_IDS = "SELECT " + ", ".join(
    f"ARRAY(SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, ${n}))"
    for n, table in enumerate(TABLES, start=1)
)


def _map(n: int, alias: str) -> str:
    """The map of one table's ids, from parameters $n (old) and $n+1 (new)."""
    return f"unnest(${n}::bigint[], ${n + 1}::bigint[]) AS {alias} (old, new)"


# Each statement with the names of its parameters, in order: the source guild, the new one, and maps (two
# arrays each). In this order: what a row points to is there before it.
COPIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "UPDATE guilds SET next_claim_number = (SELECT next_claim_number FROM guilds WHERE id = $1) WHERE id = $2",
        ("source", "guild"),
    ),
    (
        "INSERT INTO stories (id, guild_id, slug, title, publisher, url, published, moderated) "
        "OVERRIDING SYSTEM VALUE "
        "SELECT m.new, $2, s.slug, s.title, s.publisher, s.url, s.published, s.moderated "
        f"FROM stories s JOIN {_map(3, 'm')} ON m.old = s.id WHERE s.guild_id = $1",
        ("source", "guild", "stories"),
    ),
    # claim_count from 0: the claims' trigger counts them in.
    (
        "INSERT INTO speakers (id, guild_id, name, short_name) OVERRIDING SYSTEM VALUE "
        f"SELECT m.new, $2, s.name, s.short_name FROM speakers s JOIN {_map(3, 'm')} ON m.old = s.id "
        "WHERE s.guild_id = $1",
        ("source", "guild", "speakers"),
    ),
    (
        "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) "
        f"SELECT $2, n.norm, m.new, n.name FROM speaker_names n JOIN {_map(3, 'm')} ON m.old = n.speaker_id "
        "WHERE n.guild_id = $1",
        ("source", "guild", "speakers"),
    ),
    (
        "INSERT INTO claims (id, guild_id, number, statement, verbatim, speaker_id, role, venue, said_when, "
        "story_id, attribution, verdict, rationale, revision, seed_key, seed_fingerprint, moderated, created_at, "
        "updated_at, profile) OVERRIDING SYSTEM VALUE "
        "SELECT m.new, $2, c.number, c.statement, c.verbatim, sp.new, c.role, c.venue, c.said_when, st.new, "
        "c.attribution, c.verdict, c.rationale, c.revision, c.seed_key, c.seed_fingerprint, c.moderated, "
        f"c.created_at, c.updated_at, c.profile FROM claims c JOIN {_map(3, 'm')} ON m.old = c.id "
        f"JOIN {_map(5, 'sp')} ON sp.old = c.speaker_id LEFT JOIN {_map(7, 'st')} ON st.old = c.story_id "
        "WHERE c.guild_id = $1",
        ("source", "guild", "claims", "speakers", "stories"),
    ),
    (
        "INSERT INTO claim_terms (claim_id, guild_id, terms) "
        "SELECT m.new, $2, ts_delete(t.terms, $5::text) || array_to_tsvector(ARRAY[$6::text]) "
        f"FROM claim_terms t JOIN {_map(3, 'm')} ON m.old = t.claim_id WHERE t.guild_id = $1",
        ("source", "guild", "claims", "lexemes"),
    ),
    (
        "INSERT INTO evidence (id, claim_id, url, note, added_at) OVERRIDING SYSTEM VALUE "
        f"SELECT m.new, c.new, e.url, e.note, e.added_at FROM evidence e JOIN {_map(1, 'm')} ON m.old = e.id "
        f"JOIN {_map(3, 'c')} ON c.old = e.claim_id",
        ("evidence", "claims"),
    ),
    (
        "INSERT INTO relations (id, guild_id, source_id, kind, target_id, note, created_at) OVERRIDING SYSTEM VALUE "
        f"SELECT m.new, $2, s.new, r.kind, t.new, r.note, r.created_at FROM relations r "
        f"JOIN {_map(3, 'm')} ON m.old = r.id JOIN {_map(5, 's')} ON s.old = r.source_id "
        f"JOIN unnest($5::bigint[], $6::bigint[]) AS t (old, new) ON t.old = r.target_id WHERE r.guild_id = $1",
        ("source", "guild", "relations", "claims"),
    ),
    (
        "INSERT INTO history (id, guild_id, claim_id, field, old_value, new_value, note, source_url, actor_id, "
        "actor_name, at) OVERRIDING SYSTEM VALUE "
        "SELECT m.new, $2, c.new, h.field, h.old_value, h.new_value, h.note, h.source_url, h.actor_id, "
        f"h.actor_name, h.at FROM history h JOIN {_map(3, 'm')} ON m.old = h.id "
        f"JOIN {_map(5, 'c')} ON c.old = h.claim_id WHERE h.guild_id = $1",
        ("source", "guild", "history", "claims"),
    ),
    (
        "INSERT INTO aliases (id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at, removed_at, "
        "removed_note, removed_actor_id, removed_actor_name) OVERRIDING SYSTEM VALUE "
        "SELECT m.new, $2, a.entity, a.name, a.norm, a.note, a.actor_id, a.actor_name, a.added_at, a.removed_at, "
        f"a.removed_note, a.removed_actor_id, a.removed_actor_name FROM aliases a JOIN {_map(3, 'm')} "
        "ON m.old = a.id WHERE a.guild_id = $1",
        ("source", "guild", "aliases"),
    ),
)


async def copy_guild(conn: Any, source_id: int, guild_id: int) -> None:
    old = await conn.fetchrow(SOURCE_IDS, source_id)
    new = await conn.fetchrow(NEW_IDS, *(len(ids) for ids in old))
    maps: dict[str, list[Any]] = {table: [list(old[n]), sorted(new[n])] for n, table in enumerate(TABLES)}
    maps["lexemes"] = [guild_lexeme(source_id), guild_lexeme(guild_id)]
    maps["source"], maps["guild"] = [source_id], [guild_id]
    for sql, uses in COPIES:
        await conn.execute(sql, *(value for name in uses for value in maps[name]))
