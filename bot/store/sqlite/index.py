"""The FTS5 search index: rows of the analyser's terms, and queries that can never be a syntax error.

The index holds what `bot.domain.text.index_terms` makes of a claim, joined by spaces; FTS5 only
splits them again. Queries quote every term, so FTS operators (AND, NEAR, *, ^, column filters),
quotes, parentheses and SQL fragments are only ever searched for as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import aiosqlite

from bot.domain import text


def _quote(term: str) -> str:
    # Terms are letters and digits; say so in code rather than rely on it.
    return '"' + term.replace('"', "") + '"'


def _in_guild(guild_id: int, expression: str) -> str:
    return f'guild : "g{guild_id}" AND terms : ({expression})'


def all_prefixes(guild_id: int, prefixes: Sequence[str]) -> str:
    return _in_guild(guild_id, " AND ".join(_quote(t) + "*" for t in prefixes))


def any_term(guild_id: int, terms: Sequence[str]) -> str:
    return _in_guild(guild_id, " OR ".join(_quote(t) for t in terms))


def row_text(statement: str, speaker_names: Iterable[str], role: str) -> str:
    return " ".join(text.index_terms(statement, speaker_names, role))


async def reindex(db: aiosqlite.Connection, where: str, params: Sequence[object], *, new: bool = False) -> int:
    """Write the index rows of the claims `where` selects (an SQL condition on `c`), from their text;
    `new` claims have none to replace."""
    found = await db.execute_fetchall(
        "SELECT c.id, c.guild_id, c.statement, c.role, "
        "(SELECT group_concat(name, ' ') FROM speaker_names n WHERE n.speaker_id = c.speaker_id) AS names "
        f"FROM claims c WHERE {where}",
        tuple(params),
    )
    rows = [(r[0], f"g{r[1]}", row_text(r[2], [r[4] or ""], r[3])) for r in found]
    if rows:
        if not new:
            await db.executemany("DELETE FROM claim_fts WHERE rowid = ?", [(r[0],) for r in rows])
        await db.executemany("INSERT INTO claim_fts (rowid, guild, terms) VALUES (?, ?, ?)", rows)
    return len(rows)


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
    return True
