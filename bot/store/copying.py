"""Copying a whole desk from one database into an empty PostgreSQL database (`python -m bot copy-db`).

The backend-neutral part: which tables travel, in what order, with which columns; the canonical form
both sides are checked in; and the copy itself. The SQL is in each backend's own module: reading a
table in key order (bot/store/sqlite/dump.py, bot/store/postgres/dump.py) and loading it
(bot/store/postgres/load.py).

Rows travel as tuples in the column order of `TABLES`, with values as the domain knows them (int, str,
bool, an aware datetime, a date, None); each reader turns its own storage form into that. Ids are
kept, so relations, evidence and history stay joined to their claims, follows to their targets and the
outbox's edits to the remembered posts they correct; every id counter continues past the copied ids.
Undelivered outbox rows travel with their leases released (see `_released`), so the bot started on
the target delivers them.

The check: every table is read from both sides in primary-key order and hashed in one canonical form
(`Digest`): a row is a JSON array of its values, with booleans as 0 and 1, times as UTC ISO strings to
the microsecond, dates as ISO strings and NULL as JSON's null. The source is hashed as it is read for
the copy, the target read back inside the copy's own transaction, before it commits: if anything
differs, nothing is written at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from bot.store.errors import StoreError

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

BATCH = 10_000  # rows read and loaded at a time: one COPY each


class Kind(StrEnum):
    INT = "int"
    TEXT = "text"
    BOOL = "bool"
    TIME = "time"  # a point in time, timestamptz / ISO text in UTC
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Table:
    """One table as both backends hold it (the column names are the same on both)."""

    name: str
    columns: tuple[tuple[str, Kind], ...]
    key: tuple[str, ...]  # the primary key: the order rows are read, hashed and loaded in
    identity: bool = False  # `id` is handed out by the database: the target's counter must pass the copied ids
    # Columns the target's own triggers keep as the claims arrive (the speakers' claim counts): not
    # loaded, but compared like every other column, so a count that disagrees with the claims stops the copy.
    kept_by_target: tuple[str, ...] = ()
    copied: bool = True  # False: kept by the target's triggers altogether, only compared
    # What a source row becomes on the target (the outbox's leases released, see OUTBOX), applied before
    # the row is hashed and loaded: the check compares the target with the rows as the copy meant them.
    as_copied: Callable[[Row], Row] | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _kind in self.columns)

    @property
    def loaded_columns(self) -> tuple[str, ...]:
        return tuple(name for name in self.column_names if name not in self.kept_by_target)


INT, TEXT, BOOL, TIME, DATE = Kind.INT, Kind.TEXT, Kind.BOOL, Kind.TIME, Kind.DATE

GUILDS = Table(
    "guilds",
    (
        ("id", INT),
        ("next_claim_number", INT),
        ("moderator_role_id", INT),
        ("announce_channel_id", INT),
        ("created_at", TIME),
        # Exports (issue 12): the desk's name and link for ClaimReviews.
        ("desk_name", TEXT),
        ("desk_url", TEXT),
    ),
    key=("id",),
)
STORIES = Table(
    "stories",
    (("id", INT), ("guild_id", INT), ("slug", TEXT), ("title", TEXT), ("publisher", TEXT), ("url", TEXT),
     ("published", DATE), ("moderated", BOOL)),
    key=("id",),
    identity=True,
)  # fmt: skip
SPEAKERS = Table(
    "speakers",
    (("id", INT), ("guild_id", INT), ("name", TEXT), ("short_name", TEXT), ("claim_count", INT)),
    key=("id",),
    identity=True,
    kept_by_target=("claim_count",),
)
SPEAKER_NAMES = Table(
    "speaker_names",
    (("guild_id", INT), ("norm", TEXT), ("speaker_id", INT), ("name", TEXT)),
    key=("guild_id", "norm"),
)
CLAIMS = Table(
    "claims",
    (
        ("id", INT),
        ("guild_id", INT),
        ("number", INT),
        ("statement", TEXT),
        ("verbatim", BOOL),
        ("speaker_id", INT),
        ("role", TEXT),
        ("venue", TEXT),
        ("said_when", TEXT),
        ("story_id", INT),
        ("attribution", TEXT),
        ("verdict", TEXT),
        ("rationale", TEXT),
        ("revision", INT),
        ("seed_key", TEXT),
        ("seed_fingerprint", TEXT),
        ("moderated", BOOL),
        ("created_at", TIME),
        ("updated_at", TIME),
    ),
    key=("id",),
    identity=True,
)
EVIDENCE = Table(
    "evidence",
    (("id", INT), ("claim_id", INT), ("url", TEXT), ("note", TEXT), ("added_at", TIME)),
    key=("id",),
    identity=True,
)
RELATIONS = Table(
    "relations",
    (("id", INT), ("guild_id", INT), ("source_id", INT), ("kind", TEXT), ("target_id", INT), ("note", TEXT),
     ("created_at", TIME)),
    key=("id",),
    identity=True,
)  # fmt: skip
HISTORY = Table(
    "history",
    (
        ("id", INT),
        ("guild_id", INT),
        ("claim_id", INT),
        ("field", TEXT),
        ("old_value", TEXT),
        ("new_value", TEXT),
        ("note", TEXT),
        ("source_url", TEXT),
        ("actor_id", INT),
        ("actor_name", TEXT),
        ("at", TIME),
    ),
    key=("id",),
    identity=True,
)
ALIASES = Table(
    "aliases",
    (("id", INT), ("guild_id", INT), ("entity", TEXT), ("name", TEXT), ("norm", TEXT), ("note", TEXT),
     ("actor_id", INT), ("actor_name", TEXT), ("added_at", TIME), ("removed_at", TIME), ("removed_note", TEXT),
     ("removed_actor_id", INT), ("removed_actor_name", TEXT)),
    key=("id",),
    identity=True,
)  # fmt: skip
# Intake (issue 11): requests, submissions, decisions, review intervals, the hourly limit, notices.
INTAKE_GUILDS = Table(
    "intake_guilds",
    (("guild_id", INT), ("next_submission_number", INT), ("queue_channel_id", INT)),
    key=("guild_id",),
)
REVIEW_INTERVALS = Table(
    "review_intervals", (("guild_id", INT), ("verdict", TEXT), ("days", INT)), key=("guild_id", "verdict")
)
SUBMISSIONS = Table(
    "submissions",
    (("id", INT), ("guild_id", INT), ("number", INT), ("status", TEXT), ("revision", INT), ("statement", TEXT),
     ("speaker", TEXT), ("where_when", TEXT), ("link", TEXT), ("message_id", INT), ("message_url", TEXT),
     ("message_at", TIME), ("author_name", TEXT), ("submitter_id", INT), ("submitter_name", TEXT),
     ("suggested_id", INT), ("claim_id", INT), ("created_at", TIME), ("updated_at", TIME)),
    key=("id",),
    identity=True,
)  # fmt: skip
SUBMISSION_REQUESTS = Table(
    "submission_requests",
    (("id", INT), ("guild_id", INT), ("submission_id", INT), ("member_id", INT), ("at", TIME)),
    key=("id",),
    identity=True,
)
CLAIM_REQUESTS = Table(
    "claim_requests",
    (("id", INT), ("guild_id", INT), ("claim_id", INT), ("member_id", INT), ("submission_id", INT), ("at", TIME)),
    key=("id",),
    identity=True,
)
INTAKE_QUOTA = Table(
    "intake_quota",
    (("guild_id", INT), ("member_id", INT), ("window_start", TIME), ("used", INT)),
    key=("guild_id", "member_id"),
)
SUBMISSION_DECISIONS = Table(
    "submission_decisions",
    (("id", INT), ("guild_id", INT), ("submission_id", INT), ("decision", TEXT), ("claim_id", INT), ("reason", TEXT),
     ("note", TEXT), ("actor_id", INT), ("actor_name", TEXT), ("at", TIME)),
    key=("id",),
    identity=True,
)  # fmt: skip
NOTICES = Table(
    "notices",
    (("id", INT), ("guild_id", INT), ("member_id", INT), ("text", TEXT), ("created_at", TIME),
     ("delivered_at", TIME), ("delivered_via", TEXT), ("dm_failure", TEXT)),
    key=("id",),
    identity=True,
)  # fmt: skip
INTAKE_TABLES = (
    INTAKE_GUILDS, REVIEW_INTERVALS, SUBMISSIONS, SUBMISSION_REQUESTS, CLAIM_REQUESTS, INTAKE_QUOTA,
    SUBMISSION_DECISIONS, NOTICES,
)  # fmt: skip
# Following and corrections (issue 12): follows, the outbox, remembered posts, the sender's marks.
FOLLOWS = Table(
    "follows",
    (("guild_id", INT), ("user_id", INT), ("kind", TEXT), ("target_id", INT), ("created_at", TIME)),
    key=("guild_id", "user_id", "kind", "target_id"),
)
_OUTBOX_COLUMNS = (
    ("id", INT), ("guild_id", INT), ("kind", TEXT), ("recipient", INT), ("payload", TEXT), ("created_at", TIME),
    ("due_at", TIME), ("lease_owner", TEXT), ("leased_until", TIME), ("attempts", INT), ("done_at", TIME),
    ("outcome", TEXT),
)  # fmt: skip
_LEASE_OWNER, _LEASED_UNTIL, _DONE_AT = (
    [name for name, _kind in _OUTBOX_COLUMNS].index(name) for name in ("lease_owner", "leased_until", "done_at")
)


def _released(row: Row) -> Row:
    """An undelivered row's lease cleared. copy-db runs with the source's bot stopped (SQLite's
    one-process lock refuses a running one), so a lease on it was left by a process that died or was
    stopped mid-delivery; it names that process's owner id, which no process on the target holds. Kept,
    it would only hold the row back until `leased_until` passed; cleared, the target's first sender
    takes it at once, as a restarted process takes its own (`release_outbox_leases`). Delivery is at
    least once either way: a DM the old process sent but did not mark done may be sent again. A done
    row keeps its lease_owner (who delivered it)."""
    if row[_DONE_AT] is not None or (row[_LEASE_OWNER] is None and row[_LEASED_UNTIL] is None):
        return row
    released = list(row)
    released[_LEASE_OWNER] = released[_LEASED_UNTIL] = None
    return tuple(released)


OUTBOX = Table("outbox", _OUTBOX_COLUMNS, key=("id",), identity=True, as_copied=_released)
POSTED_MESSAGES = Table(
    "posted_messages",
    (("id", INT), ("guild_id", INT), ("claim_id", INT), ("channel_id", INT), ("message_id", INT), ("kind", TEXT),
     ("shown_verdict", TEXT), ("shown_attribution", TEXT), ("shown_revision", INT), ("content", TEXT),
     ("posted_at", TIME)),
    key=("id",),
    identity=True,
)  # fmt: skip
DM_CLOSED = Table(
    "dm_closed",
    (("guild_id", INT), ("user_id", INT), ("marked_at", TIME), ("told_at", TIME)),
    key=("guild_id", "user_id"),
)
EDIT_PROBLEMS = Table(
    "edit_problems",
    (("guild_id", INT), ("channel_id", INT), ("code", INT), ("at", TIME)),
    key=("guild_id", "channel_id"),
)
FOLLOW_TABLES = (FOLLOWS, OUTBOX, POSTED_MESSAGES, DM_CLOSED, EDIT_PROBLEMS)
# The board's counts: kept by triggers on both backends, so compared but never copied. A verdict whose
# count fell to zero may keep its row on one side and have none on the other: zero rows are left out.
VERDICT_COUNTS = Table(
    "verdict_counts",
    (("guild_id", INT), ("verdict", TEXT), ("count", INT)),
    key=("guild_id", "verdict"),
    copied=False,
)

# In the order they are loaded (each one's foreign keys point at tables before it). Not copied: the
# stores' own bookkeeping (schema_version, meta) and SQLite's FTS index; the target builds its own index.
TABLES = (
    GUILDS, STORIES, SPEAKERS, SPEAKER_NAMES, CLAIMS, EVIDENCE, RELATIONS, HISTORY, ALIASES, *INTAKE_TABLES,
    *FOLLOW_TABLES,
)  # fmt: skip
CHECKED = (*TABLES, VERDICT_COUNTS)

Row = tuple[Any, ...]


# --------------------------------------------------------------------------------- the canonical form


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"a time without a time zone: {value!r}")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _same(value: Any) -> Any:
    return value


_CANONICAL: dict[Kind, Callable[[Any], Any]] = {INT: _same, TEXT: _same, BOOL: _bool, TIME: _time, DATE: _date}


class Digest:
    """Row count and sha256 of a table's rows, fed in primary-key order, in the canonical form."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows = 0
        self._hash = hashlib.sha256()
        self._forms = [_CANONICAL[kind] for _name, kind in table.columns]
        # A zero count means the same as no row (see VERDICT_COUNTS).
        self._count_at = table.column_names.index("count") if table is VERDICT_COUNTS else None

    def add(self, rows: Sequence[Row]) -> None:
        forms, update = self._forms, self._hash.update
        for row in rows:
            if self._count_at is not None and row[self._count_at] == 0:
                continue
            update(json.dumps([form(value) for form, value in zip(forms, row, strict=True)]).encode())
            update(b"\n")
            self.rows += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


# --------------------------------------------------------------------------------- the two sides


class Source(Protocol):
    """A database to copy from, open on one consistent snapshot."""

    def rows(self, table: Table, batch: int) -> AsyncIterator[list[Row]]:
        """The table's rows in primary-key order, `batch` at a time, in TABLES' column order."""
        ...


class Target(Source, Protocol):
    """An empty PostgreSQL database, migrated, inside the one transaction the copy runs in. `rows`
    reads back what this transaction holds."""

    async def load(self, table: Table, rows: Sequence[Row]) -> None:
        """Insert these rows as they are, ids included (`table.kept_by_target` columns left out)."""
        ...

    async def finish(self) -> None:
        """After the last row: the id counters past the copied ids, the search index built."""
        ...


class TargetNotEmpty(StoreError):
    """The target holds rows already: copy-db only ever writes into an empty database."""


class CopyFailed(StoreError):
    """The target refused part of the copy (or went away): its transaction was rolled back."""


@dataclass(frozen=True, slots=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sha256: str
    target_sha256: str

    @property
    def same(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sha256 == self.target_sha256


@dataclass(frozen=True, slots=True)
class CopyReport:
    source: str
    target: str
    checks: tuple[TableCheck, ...]
    seconds: float
    committed: bool  # False: something differed and the target was rolled back
    differing: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> int:
        copied = {table.name for table in TABLES}
        return sum(check.source_rows for check in self.checks if check.table in copied)


# --------------------------------------------------------------------------------- the copy


async def copy_tables(source: Source, target: Target, *, batch: int = BATCH) -> list[TableCheck]:
    """Copy every table, then compare each one as the target now holds it with the source."""
    digests: dict[str, Digest] = {}
    for table in CHECKED:
        digest = digests[table.name] = Digest(table)
        started = time.perf_counter()
        async for rows in source.rows(table, batch):
            if table.as_copied is not None:
                rows = [table.as_copied(row) for row in rows]
            digest.add(rows)
            if table.copied:
                await target.load(table, rows)
        if table.copied:
            log.info("Copied %d %s rows in %.1f s", digest.rows, table.name, time.perf_counter() - started)
    started = time.perf_counter()
    await target.finish()
    log.info("Set the id counters and built the search index in %.1f s", time.perf_counter() - started)
    checks = []
    for table in CHECKED:
        copy = Digest(table)
        async for rows in target.rows(table, batch):
            copy.add(rows)
        original = digests[table.name]
        checks.append(TableCheck(table.name, original.rows, copy.rows, original.hexdigest(), copy.hexdigest()))
    return checks


class _Differs(Exception):
    """Raised inside the target's transaction so that it rolls back."""

    def __init__(self, checks: list[TableCheck]) -> None:
        super().__init__("the copy differs from its source")
        self.checks = checks


def open_source(settings: Settings) -> AbstractAsyncContextManager[Source]:
    """The configured database (DATABASE_URL), opened the way the bot opens it (migrations applied)."""
    if settings.database_is_postgres:
        from bot.store.postgres.dump import open_source as open_postgres

        return open_postgres(settings.database_url)
    from bot.store.sqlite.dump import open_source as open_sqlite

    return open_sqlite(settings.database_path)


async def copy_database(settings: Settings, target_url: str, *, batch: int = BATCH) -> CopyReport:
    """Copy the configured database into the empty PostgreSQL database at `target_url`, all or nothing.

    Raises TargetNotEmpty (nothing written), CopyFailed (rolled back), or the store's own errors when
    a database cannot be opened. A copy that reads back different is rolled back too, and reported
    with `committed=False`.
    """
    from bot.store.postgres.load import open_target
    from bot.store.postgres.store import redacted

    started = time.perf_counter()
    try:
        async with open_source(settings) as source, open_target(target_url) as target:
            checks = await copy_tables(source, target, batch=batch)
            if not all(check.same for check in checks):
                raise _Differs(checks)
        committed = True
    except _Differs as differs:
        checks, committed = differs.checks, False
    return CopyReport(
        source=settings.database_label,
        target=redacted(target_url),
        checks=tuple(checks),
        seconds=time.perf_counter() - started,
        committed=committed,
        differing=tuple(check.table for check in checks if not check.same),
    )


# --------------------------------------------------------------------------------- the report


def format_report(report: CopyReport) -> str:
    """The per-table counts and checksums, for a terminal (checksums shortened to 16 hex digits)."""
    head = ("table", "source rows", "target rows", "source sha256", "target sha256", "")
    lines = [
        (
            check.table,
            f"{check.source_rows:,}",
            f"{check.target_rows:,}",
            check.source_sha256[:16],
            check.target_sha256[:16],
            "same" if check.same else "DIFFERS",
        )
        for check in report.checks
    ]
    widths = [max(len(row[i]) for row in (head, *lines)) for i in range(len(head))]
    right = {1, 2}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    if report.committed:
        title = f"Copied {report.rows:,} rows from {report.source} to {report.target} in {report.seconds:.1f} s."
    else:
        title = f"Copied {report.source} to {report.target}, but the copy read back different: rolled back."
    return "\n".join([title, line(head), *map(line, lines)])
