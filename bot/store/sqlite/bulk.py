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
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from bot.domain import text
from bot.store.sqlite import index
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

# The triggers whose per-row work the loader does in bulk at the end instead.
DEFERRED_TRIGGERS = ("claims_after_insert",)


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
            conn.execute(index.OPTIMIZE)
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
        """Names of speakers loaded here only: the index rows of a speaker's older claims would not follow
        a new name, since the rebuild covers this load's claims only."""
        first = self._first_speaker_id

        def checked() -> Iterable[tuple[object, ...]]:
            for row in rows:
                if int(row[2]) < first:  # type: ignore[call-overload]  # rows are tuple[object, ...]; this is the id, an int
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
        # The index rows, from the analyser (bot.domain.text), as the store writes them one claim at a time.
        found = conn.execute(
            f"SELECT c.id, c.guild_id, {index.CLAIM_TEXT_COLUMNS} FROM claims c WHERE c.id >= ?", (first,)
        )
        aliases: dict[int, text.Aliases] = {}

        def index_rows() -> Iterable[tuple[object, ...]]:
            for r in found:
                if r[1] not in aliases:
                    aliases.update(index.aliases_by_guild(conn, [r[1]]))
                yield index.index_row(r[0], r[1], index.claim_text(r), aliases[r[1]])

        conn.executemany(index.INSERT_ROW, index_rows())
        if first == 1:  # the whole index is this load's: it is current
            conn.execute("UPDATE meta SET value = ? WHERE key = 'index_version'", (str(text.INDEX_VERSION),))
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
