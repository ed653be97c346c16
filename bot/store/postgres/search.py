"""The search index: the `terms` tsvector of each claim, what goes into it and how it is queried.

A claim's lexemes are bot.domain.text's terms (its statement, every name of its speaker, its role),
built with array_to_tsvector: PostgreSQL's text parser never sees them, so this index matches exactly
the claims SQLite's does. Two kinds of marked lexemes go with them, each starting with a character no
term can hold, so no typed word or prefix can ever match one by accident:

- the guild's own ('@g<guild id>'), which lets the GIN index narrow a match to one guild inside the
  index (the queries also say `guild_id = $1`);
- every term's first one, two and three characters ('^t', '^tr', '^tro' for "troops"), so that a
  short prefix, which autocomplete sends at every keystroke, is one posting list instead of the
  union of every lexeme it begins (thousands, across all guilds). SQLite's FTS5 does the same with
  its `prefix = '2 3'` option. Longer prefixes use tsquery's own prefix match ('troo':*).

Queries are tsquery text built here with every lexeme quoted and cast with `$n::tsquery`. A term no
lexeme can equal or begin with (empty, NUL, longer than PostgreSQL's lexeme limit, not encodable, or
starting with a mark) matches nothing rather than reaching the server as an error.

The terms are computed in Python whenever a claim's statement, role or speaker changes or its speaker
gets another name. Writers lock the speaker's row first (inserting claims) or hold the claim's row
(updating it), and read the names in a statement of their own after that, so under READ COMMITTED a
name added concurrently is either seen or re-indexes the claim after us.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence

import asyncpg

from bot.domain.claims import IndexedClaim
from bot.domain.text import INDEX_VERSION, index_terms
from bot.store.base import Filters
from bot.store.postgres import rows
from bot.store.postgres.pool import Queries

log = logging.getLogger(__name__)

GUILD_MARK = "@"  # no term holds either mark (terms are letters and digits)
PREFIX_MARK = "^"
SHORT_PREFIX = 3  # prefixes up to this many characters have lexemes of their own
MAX_LEXEME_BYTES = 2047  # PostgreSQL's limit on one lexeme
REBUILD_BATCH = 5_000
# The layout of the lexemes above; with the analyser's INDEX_VERSION, what the meta table records.
LEXEME_FORMAT = "1"

# A claim's lexemes travel as one JSON array (any string survives it) and become a tsvector here.
TERMS_FROM_JSON = "array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text({}::jsonb)))"


def guild_lexeme(guild_id: int) -> str:
    return f"{GUILD_MARK}g{guild_id}"


def prefix_lexeme(prefix: str) -> str:
    return PREFIX_MARK + prefix


def index_lexemes(guild_id: int, statement: str, speaker_names: Iterable[str], role: str) -> list[str]:
    """Every lexeme of a claim: its terms, their short prefixes, its guild."""
    terms = index_terms(statement, speaker_names, role)
    prefixes = {prefix_lexeme(term[:n]) for term in terms for n in range(1, min(len(term), SHORT_PREFIX) + 1)}
    return [guild_lexeme(guild_id), *terms, *sorted(prefixes)]


def lexemes(guild_id: int, statement: str, speaker_names: Iterable[str], role: str) -> str:
    """A claim's lexemes as TERMS_FROM_JSON takes them."""
    return json.dumps(index_lexemes(guild_id, statement, speaker_names, role))


# --------------------------------------------------------------------------------- queries


def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _can_be_lexeme(term: str) -> bool:
    if not term or term.startswith((GUILD_MARK, PREFIX_MARK)) or "\x00" in term:
        return False
    try:
        return len(term.encode("utf-8")) <= MAX_LEXEME_BYTES
    except UnicodeEncodeError:  # a lone surrogate
        return False


def prefix_query(guild_id: int, prefixes: Sequence[str]) -> str | None:
    """Claims where every prefix begins some term; None (no claims) when one of them can begin none,
    or when there is no prefix at all (an empty one adds nothing)."""
    wanted = [prefix for prefix in dict.fromkeys(prefixes) if prefix != ""]
    if not wanted or not all(map(_can_be_lexeme, wanted)):
        return None
    return " & ".join([_quoted(guild_lexeme(guild_id)), *map(_prefix_operand, wanted)])


def _prefix_operand(prefix: str) -> str:
    if len(prefix) <= SHORT_PREFIX:
        return _quoted(prefix_lexeme(prefix))
    return _quoted(prefix) + ":*"


def any_term_query(guild_id: int, terms: Sequence[str]) -> str | None:
    """Claims with any of these terms exactly; None when none of them can be a term."""
    usable = [_quoted(term) for term in dict.fromkeys(terms) if _can_be_lexeme(term)]
    if not usable:
        return None
    return f"{_quoted(guild_lexeme(guild_id))} & ({' | '.join(usable)})"


async def claims_matching(db: Queries, guild_id: int, query: str | None, filters: Filters, limit: int) -> list[int]:
    """Ids of the guild's claims the tsquery matches, highest first."""
    if query is None or limit <= 0:
        return []
    where, params = "", [guild_id, query]
    if filters.verdict is not None:
        params.append(str(filters.verdict))
        where += f" AND c.verdict = ${len(params)}"
    if filters.speaker_id is not None:
        params.append(filters.speaker_id)
        where += f" AND c.speaker_id = ${len(params)}"
    params.append(limit)
    found = await db.fetch(
        f"SELECT c.id FROM claims c WHERE c.guild_id = $1 AND c.terms @@ $2::tsquery{where} "
        f"ORDER BY c.id DESC LIMIT ${len(params)}",
        *params,
    )
    return [row["id"] for row in found]


async def indexed(db: Queries, guild_id: int, claim_ids: Sequence[int]) -> list[IndexedClaim]:
    found = await db.fetch(
        f"""
        SELECT c.id, {rows.SUMMARY_COLUMNS}, c.role,
               coalesce((SELECT string_agg(n.name, ' ' ORDER BY n.name) FROM speaker_names n
                          WHERE n.speaker_id = c.speaker_id), '') AS speaker_names
          FROM {rows.SUMMARY_FROM}
         WHERE c.guild_id = $1 AND c.id = ANY($2::bigint[])
         ORDER BY c.id DESC
        """,
        guild_id,
        list(claim_ids),
    )
    return [IndexedClaim(row["id"], rows.summary(row), row["role"], row["speaker_names"]) for row in found]


# --------------------------------------------------------------------------------- keeping it in step


async def names_of(conn: asyncpg.Connection, speaker_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every name of these speakers. A statement of its own: it must see names committed meanwhile."""
    names: dict[int, list[str]] = {}
    found = await conn.fetch(
        "SELECT speaker_id, name FROM speaker_names WHERE speaker_id = ANY($1::bigint[]) ORDER BY speaker_id, name",
        sorted(set(speaker_ids)),
    )
    for row in found:
        names.setdefault(row["speaker_id"], []).append(row["name"])
    return names


async def write_terms(conn: asyncpg.Connection, claims: Sequence[asyncpg.Record]) -> None:
    """Recompute and store the terms of these claims (rows with id, guild_id, statement, role and
    speaker_id, as this transaction holds them)."""
    if not claims:
        return
    names = await names_of(conn, (row["speaker_id"] for row in claims))
    for start in range(0, len(claims), REBUILD_BATCH):
        batch = claims[start : start + REBUILD_BATCH]
        await conn.execute(
            f"UPDATE claims c SET terms = {TERMS_FROM_JSON.format('u.terms')} "
            "FROM unnest($1::bigint[], $2::text[]) AS u(id, terms) WHERE c.id = u.id",
            [row["id"] for row in batch],
            [
                lexemes(row["guild_id"], row["statement"], names.get(row["speaker_id"], ()), row["role"])
                for row in batch
            ],
        )


_INDEXED_COLUMNS = "SELECT id, guild_id, statement, role, speaker_id FROM claims"


async def reindex_speakers(conn: asyncpg.Connection, speaker_ids: Sequence[int]) -> None:
    """After these speakers got another name (their rows are held by this transaction): every claim of
    theirs. FOR UPDATE waits for a claim changed meanwhile and reads it as committed."""
    claims = await conn.fetch(
        f"{_INDEXED_COLUMNS} WHERE speaker_id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", sorted(set(speaker_ids))
    )
    await write_terms(conn, claims)


def index_stamp() -> str:
    """What built the index: the analyser's version and this backend's lexeme layout."""
    return f"{INDEX_VERSION}/{LEXEME_FORMAT}"


async def rebuild_if_stale(conn: asyncpg.Connection) -> bool:
    """Rebuild every claim's terms when another analyser version or lexeme layout built the index (or
    none did). Call inside a transaction holding the schema lock. True if it rebuilt."""
    built = await conn.fetchval("SELECT value FROM meta WHERE key = 'index_version'")
    if built == index_stamp():
        return False
    # A start-up chore that may take a while on a large database: not bound by the members' timeout.
    await conn.execute("SET LOCAL statement_timeout = 0")
    done, last = 0, 0
    while batch := await conn.fetch(
        f"{_INDEXED_COLUMNS} WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE", last, REBUILD_BATCH
    ):
        await write_terms(conn, batch)
        done, last = done + len(batch), batch[-1]["id"]
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES ('index_version', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
        index_stamp(),
    )
    if done:
        log.info("Search index rebuilt for %s (was %s): %d claims", index_stamp(), built, done)
    return True
