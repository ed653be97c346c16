"""A seeded guild's rows written again for new guilds, in SQL (Tx.copy_seeded_guild).

One statement a table for all the new guilds at once (each statement is a trip to aiosqlite's thread,
and a start-up in many servers copies hundreds together). The k-th new guild's rows of a table get the
source's ids shifted by `base + k * span`: `base` puts them past the table's highest id and `span` is
the width of the source's ids there, so no two copies meet. A reference between copied rows (a claim's
speaker and story, a relation's two claims, an index row's claim) is shifted the same way in the table
it points into, so each copy is as consistent as the source. SQLite has one writer, and it holds the
transaction: nothing else takes those ids meanwhile. The triggers count the new claims by verdict and
by speaker, as they do for seeded ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

# Per table, the rows of the source guild (as `t`): the copies' ids are measured from theirs.
SOURCE_ROWS = {
    "stories": "stories t WHERE t.guild_id = :source",
    "speakers": "speakers t WHERE t.guild_id = :source",
    "claims": "claims t WHERE t.guild_id = :source",
    "evidence": "evidence t JOIN claims c ON c.id = t.claim_id WHERE c.guild_id = :source",
    "relations": "relations t JOIN claims c ON c.id = t.source_id WHERE c.guild_id = :source",
    "history": "history t WHERE t.guild_id = :source",
    "aliases": "aliases t WHERE t.guild_id = :source",
}
# Per table: the highest id, and the lowest and highest of the source's (NULL where it has none: then
# the source has no rows there and nothing is copied).
ID_RANGES = " UNION ALL ".join(
    f"SELECT (SELECT max(id) FROM {table}), min(t.id), max(t.id) FROM {rows}" for table, rows in SOURCE_ROWS.items()
)
TABLES = tuple(SOURCE_ROWS)


def _moved(column: str, table: str) -> str:
    """The copy's id for `column`, an id of `table`, in the k-th new guild (g.key)."""
    return f"{column} + :{table}_base + g.key * :{table}_span"


# Every statement reads the new guilds from json_each(:guilds) (key: k, value: the guild's id), first in
# the join so each copy's rows are written one guild after another, in the order of their ids. In this
# order: what a row points to is there before it.
COPIES = (
    "UPDATE guilds SET next_claim_number = (SELECT next_claim_number FROM guilds WHERE id = :source) "
    "WHERE id IN (SELECT value FROM json_each(:guilds))",
    "INSERT INTO stories (id, guild_id, slug, title, publisher, url, published, moderated) "
    f"SELECT {_moved('s.id', 'stories')}, g.value, s.slug, s.title, s.publisher, s.url, s.published, s.moderated "
    "FROM json_each(:guilds) g CROSS JOIN stories s WHERE s.guild_id = :source",
    # claim_count from 0: the claims' trigger counts them in.
    "INSERT INTO speakers (id, guild_id, name, short_name) "
    f"SELECT {_moved('s.id', 'speakers')}, g.value, s.name, s.short_name "
    "FROM json_each(:guilds) g CROSS JOIN speakers s WHERE s.guild_id = :source",
    "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) "
    f"SELECT g.value, n.norm, {_moved('n.speaker_id', 'speakers')}, n.name "
    "FROM json_each(:guilds) g CROSS JOIN speaker_names n WHERE n.guild_id = :source",
    "INSERT INTO claims (id, guild_id, number, statement, verbatim, speaker_id, role, venue, said_when, "
    "story_id, attribution, verdict, rationale, revision, seed_key, seed_fingerprint, moderated, created_at, "
    "updated_at) "
    f"SELECT {_moved('c.id', 'claims')}, g.value, c.number, c.statement, c.verbatim, "
    f"{_moved('c.speaker_id', 'speakers')}, c.role, c.venue, c.said_when, {_moved('c.story_id', 'stories')}, "
    "c.attribution, c.verdict, c.rationale, c.revision, c.seed_key, c.seed_fingerprint, c.moderated, "
    "c.created_at, c.updated_at FROM json_each(:guilds) g CROSS JOIN claims c WHERE c.guild_id = :source",
    "INSERT INTO evidence (id, claim_id, url, note, added_at) "
    f"SELECT {_moved('e.id', 'evidence')}, {_moved('e.claim_id', 'claims')}, e.url, e.note, e.added_at "
    "FROM json_each(:guilds) g CROSS JOIN claims c JOIN evidence e ON e.claim_id = c.id WHERE c.guild_id = :source",
    "INSERT INTO relations (id, guild_id, source_id, kind, target_id, note, created_at) "
    f"SELECT {_moved('r.id', 'relations')}, g.value, {_moved('r.source_id', 'claims')}, r.kind, "
    f"{_moved('r.target_id', 'claims')}, r.note, r.created_at "
    "FROM json_each(:guilds) g CROSS JOIN claims c JOIN relations r ON r.source_id = c.id WHERE c.guild_id = :source",
    "INSERT INTO history (id, guild_id, claim_id, field, old_value, new_value, note, source_url, actor_id, "
    "actor_name, at) "
    f"SELECT {_moved('h.id', 'history')}, g.value, {_moved('h.claim_id', 'claims')}, h.field, h.old_value, "
    "h.new_value, h.note, h.source_url, h.actor_id, h.actor_name, h.at "
    "FROM json_each(:guilds) g CROSS JOIN history h WHERE h.guild_id = :source",
    "INSERT INTO aliases (id, guild_id, entity, name, norm, note, actor_id, actor_name, added_at, removed_at, "
    "removed_note, removed_actor_id, removed_actor_name) "
    f"SELECT {_moved('a.id', 'aliases')}, g.value, a.entity, a.name, a.norm, a.note, a.actor_id, a.actor_name, "
    "a.added_at, a.removed_at, a.removed_note, a.removed_actor_id, a.removed_actor_name "
    "FROM json_each(:guilds) g CROSS JOIN aliases a WHERE a.guild_id = :source",
    # The terms name no guild (the guild is its own column), so they are the source's as they are.
    "INSERT INTO claim_fts (rowid, guild, terms, profile) "
    f"SELECT {_moved('f.rowid', 'claims')}, 'g' || g.value, f.terms, f.profile "
    "FROM json_each(:guilds) g CROSS JOIN claims c JOIN claim_fts f ON f.rowid = c.id WHERE c.guild_id = :source",
)


async def copy_guild(db: aiosqlite.Connection, source_id: int, guild_ids: Sequence[int]) -> None:
    if not guild_ids:
        return
    params: dict[str, object] = {"source": source_id, "guilds": json.dumps(list(guild_ids))}
    for table, (highest, lowest, top) in zip(TABLES, await db.execute_fetchall(ID_RANGES, params), strict=True):
        # None where the source has no rows in the table: every statement reading it selects nothing.
        params[f"{table}_base"] = None if lowest is None else highest + 1 - lowest
        params[f"{table}_span"] = None if lowest is None else top - lowest + 1
    for sql in COPIES:
        await db.execute(sql, params)
