"""The search index: the `terms` tsvector of each claim (in `claim_terms`, apart from the claim's row,
which a verdict change rewrites: V11), what goes into it and how it is queried.

A claim's lexemes are bot.domain.text's terms (every field: its statement, every name of its speaker,
its role, venue and date, the rationale and evidence notes, and the entities the guild's aliases find
in them), built with array_to_tsvector: PostgreSQL's text parser never sees them, so this index matches exactly
the claims SQLite's does. Two kinds of marked lexemes go with them, each starting with a character no
term can hold, so no typed word or prefix can ever match one by accident:

- the guild's own ('@g<guild id>'), which lets the GIN index narrow a match to one guild inside the
  index, for a guild among many (PgReads._narrowed; the queries also say `guild_id = $1`);
- every term's first one, two and three characters ('^t', '^tr', '^tro' for "troops"), so that a
  short prefix, which autocomplete sends at every keystroke, is one posting list instead of the
  union of every lexeme it begins (thousands, across all guilds). SQLite's FTS5 does the same with
  its `prefix = '2 3'` option. Longer prefixes use tsquery's own prefix match ('troo':*).

Queries are tsquery text built here with every lexeme quoted and cast with `$n::tsquery`. A term no
lexeme can equal or begin with (empty, NUL, longer than PostgreSQL's lexeme limit, not encodable, or
starting with a mark) matches nothing rather than reaching the server as an error.

Beside the terms, in `claims.profile`, each claim's ranking profile (bot.domain.matching.encode_profile),
written with them from the same text, which ranking reads instead of the claim's text.

The terms are computed in Python whenever a field of a claim changes, it gets evidence with a note, or
its speaker gets another name. Writers lock the speaker's row first (inserting claims) or hold the claim's row
(updating it), and read the names in a statement of their own after that, so under READ COMMITTED a
name added concurrently is either seen or re-indexes the claim after us.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache

import asyncpg

from bot.domain.claims import IndexedClaim
from bot.domain.matching import encode_profile
from bot.domain.text import INDEX_VERSION, NO_ALIASES, Aliases, ClaimText, index_terms, name_terms
from bot.domain.text import aliases as text_aliases
from bot.store.base import Filters
from bot.store.postgres.pool import Queries, fetch_planned_each_time

log = logging.getLogger(__name__)

GUILD_MARK = "@"  # no term holds either mark (terms are letters and digits)
PREFIX_MARK = "^"
SHORT_PREFIX = 3  # prefixes up to this many characters have lexemes of their own
MAX_LEXEME_BYTES = 2047  # PostgreSQL's limit on one lexeme
REBUILD_BATCH = 5_000
# The layout of the lexemes above and of the profile beside them (2: with the profile); with the
# analyser's INDEX_VERSION, what the meta table records.
LEXEME_FORMAT = "2"

# A claim's lexemes travel as one JSON array (any string survives it) and become a tsvector here.
TERMS_FROM_JSON = "array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text({}::jsonb)))"


def guild_lexeme(guild_id: int) -> str:
    return f"{GUILD_MARK}g{guild_id}"


def prefix_lexeme(prefix: str) -> str:
    return PREFIX_MARK + prefix


def index_lexemes(guild_id: int, claim: ClaimText, aliases: Aliases = NO_ALIASES) -> list[str]:
    """Every lexeme of a claim: its terms, their short prefixes, its guild."""
    return [guild_lexeme(guild_id), *_term_lexemes(claim, aliases)]


@lru_cache(maxsize=256)  # as index_terms: the same seeded claims in every new guild
def _term_lexemes(claim: ClaimText, aliases: Aliases) -> tuple[str, ...]:
    terms = index_terms(claim, aliases)
    prefixes = {prefix_lexeme(term[:n]) for term in terms for n in range(1, min(len(term), SHORT_PREFIX) + 1)}
    return (*terms, *sorted(prefixes))


def lexemes(guild_id: int, claim: ClaimText, aliases: Aliases = NO_ALIASES) -> str:
    """A claim's lexemes as TERMS_FROM_JSON takes them."""
    return json.dumps(index_lexemes(guild_id, claim, aliases))


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


def prefix_query(guild_id: int, groups: Sequence[Sequence[str]], *, narrowed: bool = True) -> str | None:
    """Claims where every group has a term beginning with one of its prefixes; None (no claims) when a
    group's prefixes can begin none, or when there is no group at all (an empty prefix adds nothing).
    `narrowed`: with the guild's lexeme (PgReads._narrowed; the statement also says `guild_id = $1`)."""
    wanted = [tuple(dict.fromkeys(p for p in group if p != "")) for group in groups]
    wanted = list(dict.fromkeys(g for g in wanted if g))
    if not wanted or not all(_can_be_lexeme(p) for g in wanted for p in g):
        return None
    operands = ["(" + " | ".join(map(_prefix_operand, group)) + ")" for group in wanted]
    return " & ".join([_quoted(guild_lexeme(guild_id)), *operands] if narrowed else operands)


def _prefix_operand(prefix: str) -> str:
    if len(prefix) <= SHORT_PREFIX:
        return _quoted(prefix_lexeme(prefix))
    return _quoted(prefix) + ":*"


def any_term_query(guild_id: int, terms: Sequence[str], *, narrowed: bool = True) -> str | None:
    """Claims with any of these terms exactly; None when none of them can be a term. `narrowed`: as
    prefix_query's."""
    usable = [_quoted(term) for term in dict.fromkeys(terms) if _can_be_lexeme(term)]
    if not usable:
        return None
    alternatives = " | ".join(usable)
    return f"{_quoted(guild_lexeme(guild_id))} & ({alternatives})" if narrowed else f"({alternatives})"


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
    if filters.story_id is not None:
        params.append(filters.story_id)
        where += f" AND c.story_id = ${len(params)}"
    params.append(limit)
    # The claims row only for filters on its columns: the index and its guild's walk are claim_terms'.
    join = "JOIN claims c ON c.id = t.claim_id " if where else ""
    found = await fetch_planned_each_time(
        db,
        f"SELECT t.claim_id AS id FROM claim_terms t {join}WHERE t.guild_id = $1 AND t.terms @@ $2::tsquery{where} "
        f"ORDER BY t.claim_id DESC LIMIT ${len(params)}",
        *params,
    )
    return [row["id"] for row in found]


async def claims_with_each(db: Queries, guild_id: int, queries: Sequence[str | None], limit: int) -> list[list[int]]:
    """For each tsquery, the ids of the guild's claims it matches, highest first, at most `limit` each."""
    found: list[list[int]] = [[] for _q in queries]
    if limit <= 0 or not any(queries):
        return found
    rows = await fetch_planned_each_time(
        db,
        """
        SELECT q.ord, hit.id FROM unnest($2::text[]) WITH ORDINALITY AS q(query, ord)
        CROSS JOIN LATERAL (SELECT t.claim_id AS id FROM claim_terms t WHERE t.guild_id = $1 AND q.query IS NOT NULL
                              AND t.terms @@ q.query::tsquery ORDER BY t.claim_id DESC LIMIT $3) AS hit
        ORDER BY q.ord, hit.id DESC
        """,
        guild_id,
        list(queries),
        limit,
    )
    for row in rows:
        found[row["ord"] - 1].append(row["id"])
    return found


async def document_counts(db: Queries, guild_id: int, queries: Sequence[str | None], cap: int) -> tuple[int, list[int]]:
    """The guild's claims, and for each tsquery how many of them it matches (at most `cap`)."""
    (row,) = await fetch_planned_each_time(
        db,
        """
        SELECT (SELECT coalesce(sum(count), 0) FROM verdict_counts WHERE guild_id = $1) AS claims,
               ARRAY(SELECT (SELECT count(*) FROM (SELECT 1 FROM claim_terms t
                                                   WHERE t.guild_id = $1 AND q.query IS NOT NULL
                                                     AND t.terms @@ q.query::tsquery LIMIT $3) AS hit)
                       FROM unnest($2::text[]) WITH ORDINALITY AS q(query, ord) ORDER BY q.ord) AS counts
        """,
        guild_id,
        list(queries),
        max(0, cap),
    )  # one row, always
    return int(row["claims"]), [int(n) for n in row["counts"]]


def claim_text(row: asyncpg.Record, names: Sequence[str], notes: Sequence[str]) -> ClaimText:
    """The fields of a claim row (_INDEXED_COLUMNS), with its speaker's names and its evidence notes."""
    return ClaimText(
        statement=row["statement"],
        speaker_names=tuple(names),
        role=row["role"],
        venue=row["venue"],
        said_when=row["said_when"],
        rationale=row["rationale"],
        notes=tuple(notes),
    )


async def indexed(db: Queries, guild_id: int, claim_ids: Sequence[int]) -> list[IndexedClaim]:
    found = await db.fetch(
        """
        SELECT c.id, c.number, c.profile
          FROM claims c
         WHERE c.guild_id = $1 AND c.id = ANY($2::bigint[])
         ORDER BY c.id DESC
        """,
        guild_id,
        list(claim_ids),
    )
    return [IndexedClaim(row["id"], row["number"], row["profile"] or "") for row in found]


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


async def notes_of(conn: asyncpg.Connection, claim_ids: Iterable[int]) -> dict[int, list[str]]:
    """The evidence notes of these claims, oldest first."""
    notes: dict[int, list[str]] = {}
    found = await conn.fetch(
        "SELECT claim_id, note FROM evidence WHERE claim_id = ANY($1::bigint[]) AND note <> '' ORDER BY claim_id, id",
        sorted(set(claim_ids)),
    )
    for row in found:
        notes.setdefault(row["claim_id"], []).append(row["note"])
    return notes


async def aliases_of(conn: Queries, guild_ids: Iterable[int]) -> dict[int, Aliases]:
    """Every guild's aliases as the analyser takes them. A statement of its own, like names_of."""
    wanted = sorted(set(guild_ids))
    names: dict[int, list[tuple[str, str]]] = {guild_id: [] for guild_id in wanted}
    found = await conn.fetch(
        "SELECT guild_id, entity, name FROM aliases "
        "WHERE guild_id = ANY($1::bigint[]) AND removed_at IS NULL ORDER BY id",
        wanted,
    )
    for row in found:
        names[row["guild_id"]].append((row["entity"], row["name"]))
    return {guild_id: text_aliases(tuple(pairs)) for guild_id, pairs in names.items()}


def written_with(guild_id: int, names: Iterable[str]) -> str | None:
    """A tsquery for the guild's claims that have every word of one of these names (a superset of the
    claims a new alias changes the terms of); None when no name has a usable word."""
    found = [name_terms(name) for name in names]
    alternatives = [
        "(" + " & ".join(_quoted(t) for t in terms) + ")"
        for terms in found
        if terms and all(map(_can_be_lexeme, terms))
    ]
    if not alternatives:
        return None
    return f"{_quoted(guild_lexeme(guild_id))} & ({' | '.join(alternatives)})"


async def reindex_written_with(conn: asyncpg.Connection, guild_id: int, names: Iterable[str]) -> None:
    """After new aliases: the claims written with them. FOR UPDATE waits for a claim changed meanwhile
    and reads it (and its terms) as committed, so an edit that just wrote a name is re-indexed too."""
    query = written_with(guild_id, names)
    if query is None:
        return
    claims = await conn.fetch(
        f"{_INDEXED_COLUMNS} WHERE guild_id = $1 AND id IN (SELECT claim_id FROM claim_terms "
        "WHERE guild_id = $1 AND terms @@ $2::tsquery) ORDER BY id FOR UPDATE",
        guild_id,
        query,
    )
    await write_terms(conn, claims)


async def write_terms(conn: asyncpg.Connection, claims: Sequence[asyncpg.Record]) -> None:
    """Recompute and store the terms of these claims (rows with id, guild_id, speaker_id and the claim's
    own text columns, as this transaction holds them)."""
    if not claims:
        return
    names = await names_of(conn, (row["speaker_id"] for row in claims))
    notes = await notes_of(conn, (row["id"] for row in claims))
    aliases = await aliases_of(conn, {row["guild_id"] for row in claims})
    for start in range(0, len(claims), REBUILD_BATCH):
        batch = claims[start : start + REBUILD_BATCH]
        texts = [claim_text(row, names.get(row["speaker_id"], ()), notes.get(row["id"], ())) for row in batch]
        ids = [row["id"] for row in batch]
        profiles = [encode_profile(text, aliases[row["guild_id"]]) for row, text in zip(batch, texts, strict=True)]
        # The profile only where it changed: the claim's row is rewritten only when what ranking reads is.
        await conn.execute(
            "UPDATE claims c SET profile = u.profile FROM unnest($1::bigint[], $2::text[]) AS u(id, profile) "
            "WHERE c.id = u.id AND c.profile IS DISTINCT FROM u.profile",
            ids,
            profiles,
        )
        await conn.execute(
            f"INSERT INTO claim_terms (claim_id, guild_id, terms) SELECT u.id, u.guild_id, "
            f"{TERMS_FROM_JSON.format('u.terms')} FROM unnest($1::bigint[], $2::bigint[], $3::text[]) "
            "AS u(id, guild_id, terms) ON CONFLICT (claim_id) DO UPDATE SET terms = excluded.terms "
            "WHERE claim_terms.terms IS DISTINCT FROM excluded.terms",
            ids,
            [row["guild_id"] for row in batch],
            [lexemes(row["guild_id"], text, aliases[row["guild_id"]]) for row, text in zip(batch, texts, strict=True)],
        )


_INDEXED_COLUMNS = "SELECT id, guild_id, speaker_id, statement, role, venue, said_when, rationale FROM claims"


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
