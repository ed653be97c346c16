"""Loading many rows at once: benchmark stores of a million claims, imports, restores.

`BulkLoader` takes rows as plain tuples (column orders below), writes them with `executemany` inside
one IMMEDIATE transaction, and does what the row-at-a-time triggers would have done once at the end:
the full-text index, the verdict counts and the speakers' claim counts are rebuilt from the loaded
rows with set-based statements. The result is the same database the store would have built one claim
at a time, only minutes faster.

This is synchronous `sqlite3` on purpose: it runs in a command-line tool or a benchmark set-up,
never inside a bot's event loop. Ids are handed out by `next_id` from the table's maximum inside the
loader's own IMMEDIATE transaction, which holds the database's write lock for the whole load, so
nothing can race it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.domain.claims import SEED_ACTOR
from bot.domain.names import normalise_name
from bot.seedfile import SeedClaim, SeedStory
from bot.store.sqlite.connection import BUSY_TIMEOUT_MS, migrations, now

# Column orders of the tuples each method takes.
GUILD_COLUMNS = ("id", "next_claim_number", "moderator_role_id", "announce_channel_id", "created_at")
STORY_COLUMNS = ("id", "guild_id", "slug", "title", "publisher", "url", "published")
SPEAKER_COLUMNS = ("id", "guild_id", "name")
SPEAKER_NAME_COLUMNS = ("guild_id", "norm", "speaker_id", "name")
CLAIM_COLUMNS = (
    "id",
    "guild_id",
    "number",
    "statement",
    "verbatim",
    "speaker_id",
    "role",
    "venue",
    "said_when",
    "story_id",
    "attribution",
    "verdict",
    "rationale",
    "revision",
    "moderated",
    "created_at",
    "updated_at",
)
EVIDENCE_COLUMNS = ("claim_id", "url", "note", "added_at")
RELATION_COLUMNS = ("guild_id", "source_id", "kind", "target_id", "note", "created_at")
HISTORY_COLUMNS = (
    "guild_id",
    "claim_id",
    "field",
    "old_value",
    "new_value",
    "note",
    "source_url",
    "actor_id",
    "actor_name",
    "at",
)

# What a seeded claim sets; the rest take their defaults. The second column is the key RETURNING maps by.
_SEED_CLAIM_COLUMNS = (
    "guild_id",
    "number",
    "statement",
    "verbatim",
    "speaker_id",
    "role",
    "venue",
    "said_when",
    "story_id",
    "attribution",
    "verdict",
    "rationale",
    "seed_key",
    "seed_fingerprint",
    "moderated",
    "created_at",
    "updated_at",
)
MAX_VARIABLES = 30_000  # below SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32,766)

# The triggers whose per-row work the loader does in bulk at the end instead.
DEFERRED_TRIGGERS = ("claims_after_insert", "speaker_names_after_insert")


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def apply_migrations(conn: sqlite3.Connection) -> int:
    """The store's migrations, applied the way `connection.migrate` applies them, for a plain connection."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    current = int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0])
    for version, path in migrations():
        if version <= current:
            continue
        conn.executescript(
            "BEGIN IMMEDIATE;\n"
            + path.read_text(encoding="utf-8")
            + f"\nINSERT INTO schema_version (version, applied_at) VALUES ({version}, '{now()}');\nCOMMIT;\n"
        )
        current = version
    return current


class BulkLoader:
    """`with BulkLoader(path) as load: load.claims(rows) ...`; everything commits at the end, or nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._triggers: list[str] = []
        self._first_claim_id = 0
        self._first_speaker_id = 0

    # ----------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> BulkLoader:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        apply_migrations(conn)
        # A failed load is rolled back as a whole, so per-statement durability buys nothing here.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading
        conn.execute("BEGIN IMMEDIATE")
        self._conn = conn
        self._first_claim_id = self.next_id("claims")
        self._first_speaker_id = self.next_id("speakers")
        # DDL is transactional in SQLite: a rollback brings the triggers back too.
        for name in DEFERRED_TRIGGERS:
            row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
            if row is not None:
                self._triggers.append(row[0])
                conn.execute(f"DROP TRIGGER {name}")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        conn = self.conn
        try:
            if kind is not None:
                conn.execute("ROLLBACK")
                return
            self._rebuild()
            for sql in self._triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
            # One b-tree per FTS index instead of the many segments a long load leaves behind.
            conn.execute("INSERT INTO claim_fts (claim_fts) VALUES ('optimize')")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        assert self._conn is not None, "use BulkLoader in a with block"
        return self._conn

    def next_id(self, table: str) -> int:
        """The first id free in `table` (safe: the loader holds the write lock until it commits)."""
        assert table in ("stories", "speakers", "claims"), table
        return int(self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])

    # ----------------------------------------------------------------------------- rows

    def guilds(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("guilds", GUILD_COLUMNS), rows)

    def stories(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("stories", STORY_COLUMNS), rows)

    def speakers(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("speakers", SPEAKER_COLUMNS), rows)

    def speaker_names(self, rows: Iterable[tuple[object, ...]]) -> None:
        """Names of speakers loaded here only: speaker_names_after_insert, which would refresh the FTS
        rows of a speaker's older claims, is deferred, and the rebuild covers this load's claims only."""
        first = self._first_speaker_id

        def checked() -> Iterable[tuple[object, ...]]:
            for row in rows:
                if int(row[2]) < first:  # type: ignore[call-overload]
                    raise ValueError(f"speaker {row[2]} was not loaded here; add its names through the store")
                yield row

        self.conn.executemany(_insert("speaker_names", SPEAKER_NAME_COLUMNS), checked())

    def claims(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("claims", CLAIM_COLUMNS), rows)

    def evidence(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("evidence", EVIDENCE_COLUMNS), rows)

    def relations(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("relations", RELATION_COLUMNS), rows)

    def history(self, rows: Iterable[tuple[object, ...]]) -> None:
        self.conn.executemany(_insert("history", HISTORY_COLUMNS), rows)

    # ----------------------------------------------------------------------------- what the triggers do

    def _rebuild(self) -> None:
        """The deferred triggers' work, once, for the rows this load added."""
        conn = self.conn
        first = self._first_claim_id
        # claims_after_insert: the FTS row (speaker = every name of the speaker), then the counts.
        conn.execute(
            """
            INSERT INTO claim_fts (rowid, guild, statement, speaker, role)
            SELECT c.id, 'g' || c.guild_id, c.statement, n.names, c.role
              FROM claims c
              LEFT JOIN (SELECT speaker_id, group_concat(name, ' ') AS names FROM speaker_names GROUP BY speaker_id) n
                ON n.speaker_id = c.speaker_id
             WHERE c.id >= ?
            """,
            (first,),
        )
        conn.execute(
            """
            INSERT INTO verdict_counts (guild_id, verdict, count)
            SELECT guild_id, verdict, count(*) FROM claims WHERE id >= ? GROUP BY guild_id, verdict
            ON CONFLICT (guild_id, verdict) DO UPDATE SET count = count + excluded.count
            """,
            (first,),
        )
        conn.execute(
            """
            UPDATE speakers SET claim_count = claim_count + added.n
              FROM (SELECT speaker_id, count(*) AS n FROM claims WHERE id >= ? GROUP BY speaker_id) AS added
             WHERE speakers.id = added.speaker_id
            """,
            (first,),
        )


# --------------------------------------------------------------------------------- seeding a new guild


async def seed_new_guild(db: aiosqlite.Connection, guild_id: int, seeds: Sequence[SeedStory], at: str) -> int:
    """Copy the seed stories into a guild created in this transaction, in a dozen statements.

    The rows are the ones `SqliteClaimStore._seed_guild` writes claim by claim (the same numbers, speakers
    and name variants, history and relations); a guild's first interaction waits for this, so it is done
    with multi-row INSERT ... RETURNING and executemany instead of ~10 round trips per claim. Returns the
    number of claims added.
    """
    items, people, names, speaker_of = _speakers_of(seeds)
    story_ids: dict[str, int] = {}
    stories = [seed.story for seed in seeds] + [i.claim.story for _s, i in items if i.claim.story is not None]
    for story in stories:
        if story.slug in story_ids:
            continue
        row = await (
            await db.execute(
                "INSERT INTO stories (guild_id, slug, title, publisher, url, published) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, slug) DO UPDATE SET title = excluded.title, publisher = excluded.publisher, "
                "url = excluded.url, published = excluded.published RETURNING id",
                (guild_id, story.slug, story.title, story.publisher, story.url, story.published.isoformat()),
            )
        ).fetchone()
        assert row is not None
        story_ids[story.slug] = int(row[0])
    shorts = {item.claim.speaker: item.claim.speaker_short for _seed, item in items if item.claim.speaker_short}
    speaker_ids = await _insert_returning(
        db, "speakers", ("guild_id", "name", "short_name"), [(guild_id, p, shorts.get(p, "")) for p in people]
    )
    await db.executemany(
        "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, norm) DO NOTHING",
        [(guild_id, key, speaker_ids[person], spelling) for key, person, spelling in names],
    )
    # Each claim its own instant, in order, as when they were added one by one: "most recent" stays defined.
    start = datetime.fromisoformat(at)
    stamps = [(start + timedelta(microseconds=n)).isoformat(timespec="microseconds") for n in range(len(items))]
    claim_rows = [
        (
            guild_id,
            number,
            item.claim.statement,
            int(item.claim.verbatim),
            speaker_ids[speaker_of[number - 1]],
            item.claim.role,
            item.claim.venue,
            item.claim.said_when,
            story_ids[item.claim.story.slug] if item.claim.story else None,
            item.claim.attribution,
            item.claim.verdict,
            item.claim.rationale,
            item.key,
            item.fingerprint,
            0,
            stamps[number - 1],
            stamps[number - 1],
        )
        for number, (_seed, item) in enumerate(items, start=1)
    ]
    claim_ids = await _insert_returning(db, "claims", _SEED_CLAIM_COLUMNS, claim_rows)
    await db.executemany(
        "INSERT INTO evidence (claim_id, url, note, added_at) VALUES (?, ?, ?, ?)",
        [(claim_ids[n], e.url, e.note, stamps[n]) for n, (_s, item) in enumerate(items) for e in item.claim.evidence],
    )
    await db.executemany(
        _insert("history", HISTORY_COLUMNS),
        [
            (
                guild_id,
                claim_ids[n],
                "verdict",
                None,
                item.claim.verdict,
                item.history_note,
                None,
                SEED_ACTOR.id,
                SEED_ACTOR.name,
                stamps[n],
            )
            for n, (_s, item) in enumerate(items)
        ],
    )
    relation_rows = []
    offset = 0
    for seed in seeds:
        by_key = {item.key: claim_ids[offset + i] for i, item in enumerate(seed.claims)}
        offset += len(seed.claims)
        relation_rows += [(guild_id, by_key[r.source], r.kind, by_key[r.target], r.note, at) for r in seed.relations]
    await db.executemany(
        "INSERT INTO relations (guild_id, source_id, kind, target_id, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        relation_rows,
    )
    await db.execute("UPDATE guilds SET next_claim_number = ? WHERE id = ?", (len(items) + 1, guild_id))
    return len(items)


# The speaker plan depends on the seed stories only, not on the guild: worked out once per set of stories.
_plans: dict[int, tuple[Sequence[SeedStory], _SpeakerPlan]] = {}
_SpeakerPlan = tuple[list[tuple[SeedStory, SeedClaim]], list[str], list[tuple[str, int, str]], list[int]]


def _speakers_of(seeds: Sequence[SeedStory]) -> _SpeakerPlan:
    """Which speaker each claim's name belongs to, exactly as `_speaker_id` decides it one claim at a time:
    the name's own key finds a speaker, otherwise it is a new one; every variant key not yet taken is added.
    Returns the claims in order, the speakers' names, (key, speaker index, spelling) rows, and each claim's
    speaker index."""
    cached = _plans.get(id(seeds))
    if cached is not None and cached[0] is seeds:
        return cached[1]
    owner: dict[str, int] = {}
    people: list[str] = []
    names: list[tuple[str, int, str]] = []
    items = [(seed, item) for seed in seeds for item in seed.claims]
    speaker_of: list[int] = []
    for _seed, item in items:
        claim = item.claim
        person = owner.get(normalise_name(claim.speaker))
        if person is None:
            person = len(people)
            people.append(claim.speaker)
        for spelling in (claim.speaker, *claim.speaker_variants):
            key = normalise_name(spelling)
            if key and key not in owner:
                owner[key] = person
                names.append((key, person, spelling))
        speaker_of.append(person)
    plan = (items, people, names, speaker_of)
    _plans[id(seeds)] = (seeds, plan)
    return plan


async def _insert_returning(
    db: aiosqlite.Connection, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]
) -> list[int]:
    """Multi-row INSERT ... RETURNING: each row's new id, in the rows' order (matched by the second
    column, which must be unique among `rows`: RETURNING does not promise an order)."""
    ids: dict[object, int] = {}
    per_statement = max(1, MAX_VARIABLES // len(columns))
    row_sql = f"({', '.join('?' * len(columns))})"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_sql] * len(chunk))} "
            f"RETURNING id, {columns[1]}"
        )
        async with db.execute(sql, [value for row in chunk for value in row]) as cursor:
            ids.update({key: int(new_id) for new_id, key in await cursor.fetchall()})
    return [ids[row[1]] for row in rows]
