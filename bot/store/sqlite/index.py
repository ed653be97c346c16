"""The FTS5 search index: rows of the analyser's terms, and queries that can never be a syntax error.

The index holds what `bot.domain.text.index_terms` makes of a claim (every field, the entities its
words name with the guild's aliases), joined by spaces; FTS5 only splits them again. Beside them, not
indexed, the claim's ranking profile (`bot.domain.matching.encode_profile`), which ranking reads. Queries quote
every term, so FTS operators (AND, NEAR, *, ^, column filters), quotes, parentheses and SQL fragments
are only ever searched for as text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from bot.domain import text
from bot.domain.matching import encode_profile


def _quote(term: str) -> str:
    # Terms are letters and digits; say so in code rather than rely on it.
    return '"' + term.replace('"', "") + '"'


def in_guild(guild_id: int, expression: str) -> str:
    """Narrowed to one guild inside the index, by the guild's own token: what pays in a store of many
    guilds. When one guild holds most of the index, its token's doclist is nearly the whole index and
    walking it costs more than the terms; the reads then filter on claims.guild_id instead (`Scope`)."""
    return f'guild : "g{guild_id}" AND {expression}'


# A query's condition that a match `f` (a claim_fts row) is the guild's (bound three times): true at once,
# evaluated once per statement, when the store holds no other guild's claims, which is a self-hosted
# desk's case; else each match's guild is looked up (~1 µs a match: at 100,000 claims, most of a search's
# statement). Read in the statement itself, it can never be stale, whoever added a claim of another guild.
ONLY_GUILD = (
    "((SELECT NOT EXISTS (SELECT 1 FROM claims WHERE guild_id < ?) "
    "AND NOT EXISTS (SELECT 1 FROM claims WHERE guild_id > ?)) "
    "OR (SELECT guild_id FROM claims WHERE id = f.rowid) = ?)"
)


def all_prefixes(groups: Sequence[Sequence[str]]) -> str:
    """Every group has a term that begins with one of its prefixes."""
    return "terms : (" + " AND ".join("(" + " OR ".join(_quote(t) + "*" for t in g) + ")" for g in groups) + ")"


def any_term(terms: Sequence[str]) -> str:
    return "terms : (" + " OR ".join(_quote(t) for t in terms) + ")"


# Every field of a claim the index and the ranking read, in ClaimText's order; names and evidence
# notes each as one string, SEPARATOR between them, sorted as PostgreSQL's store sorts them.
SEPARATOR = "\x1f"
CLAIM_TEXT_COLUMNS = (
    "c.statement, c.role, c.venue, c.said_when, c.rationale, "
    "(SELECT group_concat(name, char(31)) FROM (SELECT name FROM speaker_names n "
    "WHERE n.speaker_id = c.speaker_id ORDER BY name)) AS speaker_names, "
    "(SELECT group_concat(note, char(31)) FROM (SELECT note FROM evidence e WHERE e.claim_id = c.id "
    "AND e.note <> '' ORDER BY e.id)) AS evidence_notes"
)


def claim_text(row: Sequence[Any]) -> text.ClaimText:
    """A ClaimText from the CLAIM_TEXT_COLUMNS at the end of a row."""
    statement, role, venue, said_when, rationale, names, notes = row[-7:]
    return text.ClaimText(
        statement=statement,
        speaker_names=tuple(names.split(SEPARATOR)) if names else (),
        role=role,
        venue=venue,
        said_when=said_when,
        rationale=rationale,
        notes=tuple(notes.split(SEPARATOR)) if notes else (),
    )


def index_row(claim_id: int, guild_id: int, claim: text.ClaimText, aliases: text.Aliases) -> tuple[int, str, str, str]:
    """A claim's row of the index, as INSERT_ROW takes it: its guild's token, its terms, its ranking profile."""
    return (claim_id, f"g{guild_id}", " ".join(text.index_terms(claim, aliases)), encode_profile(claim, aliases))


INSERT_ROW = "INSERT INTO claim_fts (rowid, guild, terms, profile) VALUES (?, ?, ?, ?)"
# FTS5's command that merges the index's b-trees into one (and drops the deleted rows' entries).
OPTIMIZE = "INSERT INTO claim_fts (claim_fts) VALUES ('optimize')"


ALIAS_ROWS = "SELECT guild_id, entity, name FROM aliases WHERE guild_id IN ({}) AND removed_at IS NULL ORDER BY id"


def aliases_from(rows: Iterable[Sequence[Any]], guild_ids: Iterable[int]) -> dict[int, text.Aliases]:
    """Each guild's aliases as the analyser takes them, from ALIAS_ROWS."""
    names: dict[int, list[tuple[str, str]]] = {guild_id: [] for guild_id in guild_ids}
    for guild_id, entity, name in rows:
        names.setdefault(guild_id, []).append((entity, name))
    return {guild_id: text.aliases(tuple(pairs)) for guild_id, pairs in names.items()}


def aliases_by_guild(conn: sqlite3.Connection, guild_ids: Sequence[int]) -> dict[int, text.Aliases]:
    """For the bulk loader's plain connection."""
    found = conn.execute(ALIAS_ROWS.format(",".join("?" * len(guild_ids))), tuple(guild_ids)).fetchall()
    return aliases_from(found, guild_ids)


async def guild_aliases(db: aiosqlite.Connection, guild_ids: Sequence[int]) -> dict[int, text.Aliases]:
    if not guild_ids:
        return {}
    found = await db.execute_fetchall(ALIAS_ROWS.format(",".join("?" * len(guild_ids))), tuple(guild_ids))
    return aliases_from(found, guild_ids)


def written_with(guild_id: int, names: Iterable[str]) -> str | None:
    """A MATCH for the guild's claims that have every word of one of these names (a superset of the
    claims a new alias changes the terms of); None when no name has a word."""
    found = [text.name_terms(name) for name in names]
    alternatives = ["(" + " AND ".join(_quote(t) for t in terms) + ")" for terms in found if terms]
    if not alternatives:
        return None
    return in_guild(guild_id, "terms : (" + " OR ".join(alternatives) + ")")


async def reindex(db: aiosqlite.Connection, where: str, params: Sequence[object], *, new: bool = False) -> int:
    """Write the index rows of the claims `where` selects (an SQL condition on `c`), from their text;
    `new` claims have none to replace."""
    found = await db.execute_fetchall(
        f"SELECT c.id, c.guild_id, {CLAIM_TEXT_COLUMNS} FROM claims c WHERE {where}", tuple(params)
    )
    aliases = await guild_aliases(db, sorted({r[1] for r in found}))
    rows = [index_row(r[0], r[1], claim_text(r), aliases[r[1]]) for r in found]
    if rows:
        if not new:
            await db.executemany("DELETE FROM claim_fts WHERE rowid = ?", [(r[0],) for r in rows])
        await db.executemany(INSERT_ROW, rows)
    return len(rows)


async def tidy(db: aiosqlite.Connection, max_pages: int) -> None:
    """Merge the index into one b-tree, when it is small enough for that to take a moment.

    FTS5 adds a b-tree for every transaction that writes the index and merges them only lazily, so after
    a few hundred verdict changes a small index is a dozen b-trees, in each of which every word of a
    query is looked up: "Check claims" on 1,000 claims cost 3.0 ms before 800 changes and 5.2 after,
    and back to 3.0 once merged (BENCHMARKS.md). Merging rewrites the whole index (49 ms for 1,000
    claims, 2.4 s for 100,000), so a large index is left to FTS5's own merging: one more b-tree matters
    less beside its large one (+10 % at 100,000)."""
    found = await db.execute_fetchall("SELECT count(*) FROM claim_fts_data")
    if next(iter(found), (0,))[0] <= max_pages:
        await db.execute(OPTIMIZE)


async def rebuild_if_stale(db: aiosqlite.Connection) -> bool:
    """Rebuild the whole index when another analyser version built it (or none did: migration V3)."""
    found = await db.execute_fetchall("SELECT value FROM meta WHERE key = 'index_version'")
    version = next(iter(found), ("0",))[0]
    if version == str(text.INDEX_VERSION):
        return False
    await db.execute("BEGIN IMMEDIATE")
    try:
        await db.execute("DELETE FROM claim_fts")
        await reindex(db, "1", ())
        await db.execute(
            "INSERT INTO meta (key, value) VALUES ('index_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(text.INDEX_VERSION),),
        )
        await db.execute("COMMIT")
    except BaseException:
        await db.execute("ROLLBACK")
        raise
    # The old rows' deletions stay in the index's segments until merged: one b-tree again.
    await db.execute(OPTIMIZE)
    await db.commit()
    return True
