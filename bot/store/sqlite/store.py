"""The SQLite implementation of ClaimStore.

Two connections: one that writes, serialised by a lock so each change is one short transaction, and
one that reads, so a slow fsync never holds up an autocomplete. WAL lets them run side by side.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiosqlite

from bot.domain import matching
from bot.domain.claims import (
    SEED_ACTOR,
    Actor,
    Board,
    Change,
    Claim,
    ClaimCard,
    ClaimSummary,
    Evidence,
    GuildSettings,
    NewClaim,
    Page,
    Relation,
    RelationKind,
    SearchHit,
    Speaker,
    Story,
)
from bot.domain.names import normalise_name
from bot.domain.rules import RuleBroken, parse_claim_number
from bot.domain.states import Attribution, Verdict
from bot.seedfile import SeedStory
from bot.store.base import UNSET, ClaimEdit, SeedReport
from bot.store.errors import (
    ClaimNotFound,
    DuplicateRelation,
    NothingToChange,
    SaveFailed,
    SpeakerNotFound,
    VerdictConflict,
)
from bot.store.sqlite import bulk, fts, rows
from bot.store.sqlite.connection import ProcessLock, connect, migrate, now

log = logging.getLogger(__name__)

SEARCH_CAP = 500  # a search counts and pages through at most this many matches
MATCH_POOL = 20
MATCH_SHARE = 0.25  # of a message's content words a claim must share (at least two) to be about it
MATCH_NEAR_BEST = 0.5  # and its score must be at least this share of the best match's
# Matches are ranked in Python (bot.domain.matching) while there are at most this many; past it the
# newest are listed instead, in the rowid order FTS5 walks without sorting. SQLite's bm25 would read
# every match and the guild token's whole doclist to rank: tens of milliseconds at 100,000 claims.
RANK_LIMIT = 100
SQLITE_INT_MAX = 2**63 - 1


def _candidate(row: aiosqlite.Row) -> matching.Candidate:
    return matching.Candidate(row["number"], row["statement"], row["speaker_names"] or "", row["role"])


class SqliteClaimStore:
    def __init__(self, path: Path, seeds: Iterable[SeedStory] = (), *, single_instance: bool = False) -> None:
        self.path = path
        self.seeds = tuple(seeds)
        self._lock = ProcessLock(path) if single_instance else None
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._reopen_writer = False  # set when the database said it is read-only
        self._read_lock = asyncio.Lock()
        self._known_guilds: set[int] = set()
        self._unseeded: set[int] = set()  # first seen, waiting for the seeding transaction
        self._seed_lock = asyncio.Lock()

    # ----------------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lock:
            self._lock.acquire()
        try:
            self._writer = await connect(self.path)
            await migrate(self._writer)
            self._reader = await connect(self.path)
            # Guilds seen before need no write transaction on their first interaction after a restart.
            self._known_guilds.update(await self.known_guilds())
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._writer is not None:
            try:
                await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.warning("Checkpoint at close failed: %s", exc)
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None
        if self._lock:
            self._lock.release()

    async def __aenter__(self) -> SqliteClaimStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One short IMMEDIATE transaction. A database that refuses the write becomes SaveFailed."""
        assert self._writer is not None, "store is not open"
        async with self._write_lock:
            if self._reopen_writer:
                await self._reconnect_writer()
            db = self._writer
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield db
                await db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    try:
                        await db.execute("ROLLBACK")
                    except sqlite3.Error as rollback_error:
                        log.warning("Rollback failed: %s", rollback_error)
                if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.IntegrityError
                ):
                    # A file opened read-only stays read-only for this connection: open a new one next time.
                    self._reopen_writer = (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY
                    log.error("Write refused by the database: %s", exc)
                    raise SaveFailed(str(exc)) from exc
                raise

    async def _reconnect_writer(self) -> None:
        """Swap in a new writing connection, once the file may have become writable again."""
        try:
            fresh = await connect(self.path)
        except sqlite3.Error as exc:
            log.error("Write refused by the database: %s", exc)
            raise SaveFailed(str(exc)) from exc
        old, self._writer, self._reopen_writer = self._writer, fresh, False
        if old is not None:
            await old.close()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent snapshot for reads that take more than one statement."""
        assert self._reader is not None, "store is not open"
        async with self._read_lock:
            await self._reader.execute("BEGIN")
            try:
                yield self._reader
            finally:
                await self._reader.execute("COMMIT")

    # One trip to aiosqlite's thread per statement: execute, fetch and close together. A cursor used
    # from here would take three, and at a few hundred interactions a second the trips add up.
    @staticmethod
    async def _all(db: aiosqlite.Connection, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        return list(await db.execute_fetchall(sql, tuple(params)))

    @staticmethod
    async def _one(db: aiosqlite.Connection, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        found = await db.execute_fetchall(sql, tuple(params))
        return next(iter(found), None)

    # ----------------------------------------------------------------------------- guilds

    async def ensure_guild(self, guild_id: int) -> None:
        """Create the guild's rows the first time it is seen, with the seed stories copied in.

        Guilds first seen while others are being seeded wait, then are seeded together in one transaction:
        a burst of new guilds (a start-up in many servers) costs a few commits, not one fsync each.
        """
        if guild_id in self._known_guilds:
            return
        self._unseeded.add(guild_id)
        async with self._seed_lock:
            batch = sorted(self._unseeded - self._known_guilds)
            if guild_id not in batch:
                return  # seeded in the batch before this one
            async with self._write() as db:
                for new_id in batch:
                    cursor = await db.execute(
                        "INSERT INTO guilds (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                        (new_id, now()),
                    )
                    if cursor.rowcount == 1:
                        # A dozen statements rather than ~10 round trips per claim: members are waiting.
                        await bulk.seed_new_guild(db, new_id, self.seeds, now())
                        log.info("New guild %s: seeded %d stories", new_id, len(self.seeds))
            self._known_guilds.update(batch)
            self._unseeded.difference_update(batch)

    async def known_guilds(self) -> list[int]:
        async with self._read() as db:
            return [row[0] for row in await self._all(db, "SELECT id FROM guilds ORDER BY id")]

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._read() as db:
            row = await self._one(
                db, "SELECT moderator_role_id, announce_channel_id FROM guilds WHERE id = ?", (guild_id,)
            )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, row["moderator_role_id"], row["announce_channel_id"])

    async def update_guild_settings(
        self, guild_id: int, *, moderator_role_id: object = UNSET, announce_channel_id: object = UNSET
    ) -> GuildSettings:
        await self.ensure_guild(guild_id)
        async with self._write() as db:
            if moderator_role_id is not UNSET:
                await db.execute("UPDATE guilds SET moderator_role_id = ? WHERE id = ?", (moderator_role_id, guild_id))
            if announce_channel_id is not UNSET:
                await db.execute(
                    "UPDATE guilds SET announce_channel_id = ? WHERE id = ?", (announce_channel_id, guild_id)
                )
        return await self.guild_settings(guild_id)

    # ----------------------------------------------------------------------------- reading claims

    async def _claim(self, db: aiosqlite.Connection, guild_id: int, number: int) -> Claim:
        row = await self._one(
            db,
            f"SELECT {rows.CLAIM_COLUMNS} FROM {rows.CLAIM_FROM} WHERE c.guild_id = ? AND c.number = ?",
            (guild_id, number),
        )
        if row is None:
            raise ClaimNotFound(f"#{number}")
        evidence = await self._all(db, "SELECT url, note FROM evidence WHERE claim_id = ? ORDER BY id", (row["id"],))
        return rows.claim(row, tuple(Evidence(e["url"], e["note"]) for e in evidence))

    async def claim(self, guild_id: int, number: int) -> Claim:
        async with self._read() as db:
            return await self._claim(db, guild_id, number)

    async def claim_card(self, guild_id: int, number: int) -> ClaimCard:
        async with self._read() as db:
            claim = await self._claim(db, guild_id, number)
            latest = await self._one(
                db,
                f"SELECT {rows.HISTORY_COLUMNS} FROM history h JOIN claims c ON c.id = h.claim_id "
                "WHERE h.claim_id = ? ORDER BY h.id DESC LIMIT 1",
                (claim.id,),
            )
            relations = await self._relations(db, claim.id)
        return ClaimCard(claim, rows.change(latest) if latest else None, tuple(relations))

    async def _relations(self, db: aiosqlite.Connection, claim_id: int) -> list[Relation]:
        found = await self._all(
            db,
            f"""
            SELECT r.kind, 1 AS outgoing, r.note, {rows.SUMMARY_COLUMNS}
              FROM relations r JOIN claims c ON c.id = r.target_id JOIN speakers s ON s.id = c.speaker_id
             WHERE r.source_id = ?
            UNION ALL
            SELECT r.kind, 0 AS outgoing, r.note, {rows.SUMMARY_COLUMNS}
              FROM relations r JOIN claims c ON c.id = r.source_id JOIN speakers s ON s.id = c.speaker_id
             WHERE r.target_id = ?
             ORDER BY number
            """,
            (claim_id, claim_id),
        )
        return [Relation(RelationKind(r["kind"]), bool(r["outgoing"]), rows.summary(r), r["note"]) for r in found]

    async def relations(self, guild_id: int, number: int) -> list[Relation]:
        async with self._read() as db:
            claim = await self._claim(db, guild_id, number)
            return await self._relations(db, claim.id)

    async def suggest_claims(self, guild_id: int, text: str, limit: int = 25) -> list[ClaimSummary]:
        """Autocomplete: the claim with that number first, then prefix matches, best first."""
        limit = max(1, min(limit, 25))
        found: list[ClaimSummary] = []
        async with self._read() as db:
            number = parse_claim_number(text)
            if number is not None:
                row = await self._one(
                    db,
                    f"SELECT {rows.SUMMARY_COLUMNS} FROM claims c JOIN speakers s ON s.id = c.speaker_id "
                    "WHERE c.guild_id = ? AND c.number = ?",
                    (guild_id, number),
                )
                if row is not None:
                    found.append(rows.summary(row))
            query = fts.prefix_query(guild_id, text)
            if query is None:
                if not found:
                    recent = await self._all(
                        db,
                        f"SELECT {rows.SUMMARY_COLUMNS} FROM claims c JOIN speakers s ON s.id = c.speaker_id "
                        "WHERE c.guild_id = ? ORDER BY c.updated_at DESC LIMIT ?",
                        (guild_id, limit),
                    )
                    found.extend(rows.summary(r) for r in recent)
                return found[:limit]
            candidates, _ranked, _matched = await self._candidates(db, query, matching.terms(text), newest=limit)
        seen = {s.number for s in found}
        found.extend(rows.summary(r) for r in candidates if r["number"] not in seen)
        return found[:limit]

    async def _candidates(
        self,
        db: aiosqlite.Connection,
        expression: str,
        query: list[str],
        where: str = "",
        params: tuple[object, ...] = (),
        *,
        newest: int = RANK_LIMIT,
        count_to: int = RANK_LIMIT + 1,
    ) -> tuple[list[aiosqlite.Row], bool, int]:
        """The claims an FTS expression matches: all of them ranked best first (in Python, see
        bot.domain.matching) when at most RANK_LIMIT match, else the `newest` newest. The second value
        says which; the third is how many match, counted up to `count_to`. Ids come first and cheaply;
        text is read only for the claims that will be used."""
        ids = [
            row[0]
            for row in await self._all(
                db,
                f"SELECT f.rowid FROM claim_fts f {'JOIN claims c ON c.id = f.rowid' if where else ''} "
                f"WHERE claim_fts MATCH ? {where} ORDER BY f.rowid DESC LIMIT ?",
                (expression, *params, max(count_to, RANK_LIMIT + 1)),
            )
        ]
        matched = min(len(ids), count_to)
        ranked = len(ids) <= RANK_LIMIT
        if not ranked:
            ids = ids[:newest]
        if not ids:
            return [], ranked, matched
        found = await self._all(
            db,
            f"SELECT {rows.SUMMARY_COLUMNS}, c.role, f.speaker AS speaker_names "
            "FROM claim_fts f JOIN claims c ON c.id = f.rowid JOIN speakers s ON s.id = c.speaker_id "
            f"WHERE f.rowid IN ({','.join('?' * len(ids))}) ORDER BY f.rowid DESC",
            ids,
        )
        if not ranked:
            return found, False, matched
        by_number = {row["number"]: row for row in found}
        order = matching.rank(query, [_candidate(row) for row in found])
        return [by_number[candidate.number] for candidate in order], True, matched

    async def resolve_claim(self, guild_id: int, text: str) -> ClaimSummary | None:
        """What a typed claim value means: the number it names, else the best match, else nothing."""
        number = parse_claim_number(text)
        if number is not None:
            async with self._read() as db:
                row = await self._one(
                    db,
                    f"SELECT {rows.SUMMARY_COLUMNS} FROM claims c JOIN speakers s ON s.id = c.speaker_id "
                    "WHERE c.guild_id = ? AND c.number = ?",
                    (guild_id, number),
                )
            return rows.summary(row) if row is not None else None
        if fts.prefix_query(guild_id, text) is None:
            # No number and no word ("\"", "🧨", "@"): autocomplete offers recent claims for that, but a
            # submitted value must name a claim, or a moderator's stray quote changes the latest claim.
            return None
        best = await self.suggest_claims(guild_id, text, limit=1)
        return best[0] if best else None

    async def search(
        self,
        guild_id: int,
        query: str,
        *,
        verdict: Verdict | None = None,
        speaker_id: int | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Page[SearchHit]:
        all_words = fts.prefix_query(guild_id, query)
        if all_words is None:
            raise RuleBroken("Type at least one word to search for.")
        offset = max(0, min(offset, SEARCH_CAP))
        limit = max(1, min(limit, 25))
        typed = matching.terms(query)
        # Filters join the claims table; without them the index answers alone.
        where, params = "", ()
        if verdict is not None:
            where, params = "AND c.verdict = ?", (verdict,)
        if speaker_id is not None:
            where, params = f"{where} AND c.speaker_id = ?", (*params, speaker_id)
        async with self._read() as db:
            # Every word, as a prefix ("korea" finds "Korean"); failing that, any of the words.
            for expression in (all_words, fts.any_word_query(guild_id, query)):
                if expression is None:
                    continue
                candidates, _ranked, total = await self._candidates(
                    db, expression, typed, where, params, newest=offset + limit, count_to=SEARCH_CAP
                )
                if candidates:
                    break
            else:
                return Page((), 0, offset, limit)
            page = candidates[offset : offset + limit]
        hits = tuple(SearchHit(rows.summary(r), matching.snippet(r["statement"], typed)) for r in page)
        return Page(hits, total, offset, limit)

    async def match_text(self, guild_id: int, text: str, limit: int = 5) -> list[ClaimSummary]:
        """Claims a message is likely about: any shared content word finds candidates; enough shared
        words, and a score near the best one, confirm them."""
        expression = fts.any_word_query(guild_id, text)
        if expression is None:
            return []
        wanted = fts.content_words(text)
        typed = sorted(matching.fold(word) for word in wanted)
        async with self._read() as db:
            candidates, ranked, _matched = await self._candidates(db, expression, typed, newest=MATCH_POOL)
        if not ranked:  # the newest few of many: rank them all the same
            order = {c.number: i for i, c in enumerate(matching.rank(typed, [_candidate(r) for r in candidates]))}
            candidates = sorted(candidates, key=lambda r: order[r["number"]])
        needed = min(len(wanted), max(2, round(len(wanted) * MATCH_SHARE)))
        matches: list[ClaimSummary] = []
        best = None
        for row in candidates[:MATCH_POOL]:
            summary = rows.summary(row)
            shared = wanted & fts.content_words(f"{summary.statement} {row['speaker_names'] or ''}")
            if len(shared) < needed:
                continue
            points = matching.score(typed, _candidate(row))
            best = best if best is not None else points
            if points >= best * MATCH_NEAR_BEST:
                matches.append(summary)
        return matches[:limit]

    async def history(self, guild_id: int, number: int, *, offset: int = 0, limit: int = 10) -> Page[Change]:
        async with self._read() as db:
            claim = await self._claim(db, guild_id, number)
            total_row = await self._one(db, "SELECT count(*) FROM history WHERE claim_id = ?", (claim.id,))
            found = await self._all(
                db,
                f"SELECT {rows.HISTORY_COLUMNS} FROM history h JOIN claims c ON c.id = h.claim_id "
                "WHERE h.claim_id = ? ORDER BY h.id DESC LIMIT ? OFFSET ?",
                (claim.id, limit, max(0, offset)),
            )
        return Page(tuple(map(rows.change, found)), int(total_row[0]) if total_row else 0, offset, limit)

    async def board(self, guild_id: int, recent: int = 5) -> Board:
        async with self._read() as db:
            counts = await self._all(
                db, "SELECT verdict, count FROM verdict_counts WHERE guild_id = ? AND count > 0", (guild_id,)
            )
            # Each claim's latest verdict change only, newest first: a claim flipped twenty times must
            # not crowd the others off the board. Walks history_guild backwards, stops at `recent`.
            changes = await self._all(
                db,
                f"SELECT {rows.HISTORY_COLUMNS}, {rows.SUMMARY_COLUMNS} FROM history h "
                "JOIN claims c ON c.id = h.claim_id JOIN speakers s ON s.id = c.speaker_id "
                "WHERE h.guild_id = ? AND h.field = 'verdict' AND NOT EXISTS (SELECT 1 FROM history later "
                "WHERE later.claim_id = h.claim_id AND later.id > h.id AND later.field = 'verdict') "
                "ORDER BY h.id DESC LIMIT ?",
                (guild_id, recent),
            )
        latest = tuple((rows.summary(row), rows.change(row)) for row in changes)
        return Board({Verdict(r["verdict"]): r["count"] for r in counts}, latest)

    # ----------------------------------------------------------------------------- speakers

    async def suggest_speakers(self, guild_id: int, text: str, limit: int = 25) -> list[Speaker]:
        limit = max(1, min(limit, 25))
        key = normalise_name(text)
        async with self._read() as db:
            if not key:
                found = await self._all(
                    db,
                    "SELECT id, name, claim_count FROM speakers WHERE guild_id = ? "
                    "ORDER BY claim_count DESC, name LIMIT ?",
                    (guild_id, limit),
                )
            else:
                pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                found = await self._all(
                    db,
                    """
                    SELECT s.id, s.name, s.claim_count FROM speakers s
                     WHERE s.id IN (SELECT speaker_id FROM speaker_names
                                     WHERE guild_id = ? AND (norm LIKE ? ESCAPE '\\' OR norm LIKE ? ESCAPE '\\'))
                     ORDER BY s.claim_count DESC, s.name LIMIT ?
                    """,
                    (guild_id, pattern + "%", "% " + pattern + "%", limit),
                )
        return [Speaker(r["id"], r["name"], claim_count=r["claim_count"]) for r in found]

    async def _speaker(self, db: aiosqlite.Connection, guild_id: int, speaker_id: int) -> Speaker:
        if not 0 < speaker_id <= SQLITE_INT_MAX:
            # An id from a forged value or custom_id ("id:99999999999999999999") that SQLite cannot bind.
            raise SpeakerNotFound(str(speaker_id))
        row = await self._one(
            db, "SELECT id, name, claim_count FROM speakers WHERE id = ? AND guild_id = ?", (speaker_id, guild_id)
        )
        if row is None:
            raise SpeakerNotFound(str(speaker_id))
        names = await self._all(db, "SELECT name FROM speaker_names WHERE speaker_id = ? ORDER BY name", (speaker_id,))
        variants = tuple(n["name"] for n in names if n["name"] != row["name"])
        return Speaker(row["id"], row["name"], variants, row["claim_count"])

    async def find_speaker(self, guild_id: int, name: str) -> Speaker:
        """Any variant, any case, any accents; failing an exact match, the best-known prefix match."""
        key = normalise_name(name)
        async with self._read() as db:
            row = await self._one(
                db, "SELECT speaker_id FROM speaker_names WHERE guild_id = ? AND norm = ?", (guild_id, key)
            )
            if row is not None:
                return await self._speaker(db, guild_id, row["speaker_id"])
        suggestions = await self.suggest_speakers(guild_id, name, limit=1) if key else []
        if not suggestions:
            raise SpeakerNotFound(name)
        return await self.speaker_by_id(guild_id, suggestions[0].id)

    async def speaker_by_id(self, guild_id: int, speaker_id: int) -> Speaker:
        async with self._read() as db:
            return await self._speaker(db, guild_id, speaker_id)

    async def speaker_claims(
        self, guild_id: int, speaker_id: int, *, offset: int = 0, limit: int = 10
    ) -> Page[ClaimSummary]:
        async with self._read() as db:
            speaker = await self._speaker(db, guild_id, speaker_id)
            found = await self._all(
                db,
                f"SELECT {rows.SUMMARY_COLUMNS} FROM claims c JOIN speakers s ON s.id = c.speaker_id "
                "WHERE c.guild_id = ? AND c.speaker_id = ? ORDER BY c.number LIMIT ? OFFSET ?",
                (guild_id, speaker_id, limit, max(0, offset)),
            )
        return Page(tuple(map(rows.summary, found)), speaker.claim_count, offset, limit)

    # ----------------------------------------------------------------------------- changes

    async def _locked_claim(
        self, db: aiosqlite.Connection, guild_id: int, number: int, expected_revision: int | None
    ) -> Claim:
        """The claim as it stands inside the write transaction, refusing a change prepared against
        an older revision: the other moderator's change is never silently overwritten."""
        claim = await self._claim(db, guild_id, number)
        if expected_revision is not None and claim.revision != expected_revision:
            last = await self._last_change(db, claim.id)
            raise VerdictConflict(
                number, claim.verdict, last.actor if last else SEED_ACTOR, last.at if last else claim.updated_at
            )
        return claim

    async def _last_change(self, db: aiosqlite.Connection, claim_id: int, field: str | None = None) -> Change | None:
        row = await self._one(
            db,
            f"SELECT {rows.HISTORY_COLUMNS} FROM history h JOIN claims c ON c.id = h.claim_id "
            "WHERE h.claim_id = ? AND (? IS NULL OR h.field = ?) ORDER BY h.id DESC LIMIT 1",
            (claim_id, field, field),
        )
        return rows.change(row) if row else None

    async def _record(
        self,
        db: aiosqlite.Connection,
        claim: Claim,
        field: str,
        old: str | None,
        new: str,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        at: str,
    ) -> Change:
        row = await self._one(
            db,
            "INSERT INTO history (guild_id, claim_id, field, old_value, new_value, note, source_url, "
            "actor_id, actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (claim.guild_id, claim.id, field, old, new, note, source_url, actor.id, actor.name, at),
        )
        assert row is not None
        return Change(row[0], claim.number, field, old, new, note, source_url, actor, datetime.fromisoformat(at))

    async def _bump(self, db: aiosqlite.Connection, claim: Claim, at: str, *, moderated: bool) -> None:
        await db.execute(
            "UPDATE claims SET revision = revision + 1, updated_at = ?, moderated = moderated OR ? WHERE id = ?",
            (at, int(moderated), claim.id),
        )

    async def set_verdict(
        self,
        guild_id: int,
        number: int,
        verdict: Verdict,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Change]:
        async with self._write() as db:
            claim = await self._locked_claim(db, guild_id, number, expected_revision)
            if claim.verdict == verdict:
                last = await self._last_change(db, claim.id, "verdict")
                raise NothingToChange(
                    f"#{number} is already {verdict.value}; nothing was changed.",
                    last.actor if last else None,
                    last.at if last else None,
                )
            at = now()
            await db.execute("UPDATE claims SET verdict = ?, rationale = ? WHERE id = ?", (verdict, note, claim.id))
            await self._bump(db, claim, at, moderated=True)
            change = await self._record(
                db, claim, "verdict", claim.verdict, verdict, note=note, source_url=source_url, actor=actor, at=at
            )
            if source_url:
                await db.execute(
                    "INSERT INTO evidence (claim_id, url, note, added_at) VALUES (?, ?, ?, ?)",
                    (claim.id, source_url, f"Source for {verdict.look.label.lower()}: {note}"[:300], at),
                )
            updated = await self._claim(db, guild_id, number)
        return updated, change

    async def set_attribution(
        self,
        guild_id: int,
        number: int,
        attribution: Attribution,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Change]:
        async with self._write() as db:
            claim = await self._locked_claim(db, guild_id, number, expected_revision)
            if claim.attribution == attribution:
                raise NothingToChange(f"#{number} is already marked {attribution.look.label.lower()}.")
            at = now()
            await db.execute("UPDATE claims SET attribution = ? WHERE id = ?", (attribution, claim.id))
            await self._bump(db, claim, at, moderated=True)
            change = await self._record(
                db,
                claim,
                "attribution",
                claim.attribution,
                attribution,
                note=note,
                source_url=source_url,
                actor=actor,
                at=at,
            )
            updated = await self._claim(db, guild_id, number)
        return updated, change

    async def edit_claim(
        self,
        guild_id: int,
        number: int,
        edit: ClaimEdit,
        *,
        note: str,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, list[Change]]:
        async with self._write() as db:
            claim = await self._locked_claim(db, guild_id, number, expected_revision)
            changes = await self._apply_edit(db, claim, edit, note=note, actor=actor, moderated=True)
            if not changes:
                raise NothingToChange(f"#{number} already says that; nothing was changed.")
            updated = await self._claim(db, guild_id, number)
        return updated, changes

    async def _apply_edit(
        self, db: aiosqlite.Connection, claim: Claim, edit: ClaimEdit, *, note: str, actor: Actor, moderated: bool
    ) -> list[Change]:
        at = now()
        current = {
            "statement": claim.statement,
            "verbatim": "quote" if claim.verbatim else "paraphrase",
            "speaker": claim.speaker.name,
            "role": claim.role,
            "venue": claim.venue,
            "said_when": claim.said_when,
        }
        wanted = {
            "statement": edit.statement,
            "verbatim": None if edit.verbatim is None else ("quote" if edit.verbatim else "paraphrase"),
            "speaker": edit.speaker,
            "role": edit.role,
            "venue": edit.venue,
            "said_when": edit.said_when,
        }
        changes = []
        for field, new in wanted.items():
            if new is None or new == current[field]:
                continue
            if field == "speaker":
                speaker_id = await self._speaker_id(db, claim.guild_id, new, ())
                await db.execute("UPDATE claims SET speaker_id = ? WHERE id = ?", (speaker_id, claim.id))
            elif field == "verbatim":
                await db.execute("UPDATE claims SET verbatim = ? WHERE id = ?", (int(new == "quote"), claim.id))
            else:
                # The column name comes from the fixed dict above, never from input.
                await db.execute(f"UPDATE claims SET {field} = ? WHERE id = ?", (new, claim.id))
            changes.append(
                await self._record(
                    db, claim, field, current[field], new, note=note, source_url=None, actor=actor, at=at
                )
            )
        if changes:
            await self._bump(db, claim, at, moderated=moderated)
        return changes

    async def _speaker_id(
        self, db: aiosqlite.Connection, guild_id: int, name: str, variants: Iterable[str], short: str = ""
    ) -> int:
        """The speaker any of these names already belongs to, or a new one; adds missing variants, and the
        short name if it had none."""
        keys = {normalise_name(n): n for n in (name, *variants) if normalise_name(n)}
        row = await self._one(
            db,
            "SELECT speaker_id FROM speaker_names WHERE guild_id = ? AND norm = ?",
            (guild_id, normalise_name(name)),
        )
        if row is not None:
            speaker_id = int(row[0])
            if short:
                await db.execute(
                    "UPDATE speakers SET short_name = ? WHERE id = ? AND short_name = ''", (short, speaker_id)
                )
        else:
            created = await self._one(
                db,
                "INSERT INTO speakers (guild_id, name, short_name) VALUES (?, ?, ?) RETURNING id",
                (guild_id, name, short),
            )
            assert created is not None
            speaker_id = int(created[0])
        for key, variant in keys.items():
            await db.execute(
                "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, norm) DO NOTHING",
                (guild_id, key, speaker_id, variant),
            )
        return speaker_id

    async def _story_id(self, db: aiosqlite.Connection, guild_id: int, story: Story) -> int:
        row = await self._one(
            db,
            "INSERT INTO stories (guild_id, slug, title, publisher, url, published) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, slug) DO UPDATE SET title = excluded.title, publisher = excluded.publisher, "
            "url = excluded.url, published = excluded.published RETURNING id",
            (guild_id, story.slug, story.title, story.publisher, story.url, story.published.isoformat()),
        )
        assert row is not None
        return int(row[0])

    async def _insert_claim(
        self,
        db: aiosqlite.Connection,
        guild_id: int,
        new: NewClaim,
        *,
        note: str,
        actor: Actor,
        seed_key: str | None = None,
        fingerprint: str | None = None,
    ) -> Claim:
        at = now()
        number_row = await self._one(
            db,
            "UPDATE guilds SET next_claim_number = next_claim_number + 1 WHERE id = ? RETURNING next_claim_number - 1",
            (guild_id,),
        )
        if number_row is None:
            raise ClaimNotFound("(unknown server)")
        speaker_id = await self._speaker_id(db, guild_id, new.speaker, new.speaker_variants, new.speaker_short)
        story_id = await self._story_id(db, guild_id, new.story) if new.story else None
        row = await self._one(
            db,
            """
            INSERT INTO claims (guild_id, number, statement, verbatim, speaker_id, role, venue, said_when,
                                story_id, attribution, verdict, rationale, seed_key, seed_fingerprint,
                                moderated, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            (
                guild_id,
                number_row[0],
                new.statement,
                int(new.verbatim),
                speaker_id,
                new.role,
                new.venue,
                new.said_when,
                story_id,
                new.attribution,
                new.verdict,
                new.rationale,
                seed_key,
                fingerprint,
                int(actor != SEED_ACTOR),
                at,
                at,
            ),
        )
        assert row is not None
        for item in new.evidence:
            await db.execute(
                "INSERT INTO evidence (claim_id, url, note, added_at) VALUES (?, ?, ?, ?)",
                (row[0], item.url, item.note, at),
            )
        claim = await self._claim(db, guild_id, number_row[0])
        await self._record(db, claim, "verdict", None, new.verdict, note=note, source_url=None, actor=actor, at=at)
        return claim

    async def add_claim(self, guild_id: int, new: NewClaim, *, note: str, actor: Actor) -> Claim:
        await self.ensure_guild(guild_id)
        async with self._write() as db:
            return await self._insert_claim(db, guild_id, new, note=note, actor=actor)

    async def link_claims(
        self, guild_id: int, source: int, kind: RelationKind, target: int, *, note: str, actor: Actor
    ) -> Relation:
        if source == target:
            raise RuleBroken("A claim cannot be linked to itself.")
        async with self._write() as db:
            first = await self._claim(db, guild_id, source)
            second = await self._claim(db, guild_id, target)
            duplicate = DuplicateRelation(
                f"That link is already recorded: #{source} {kind.phrase(outgoing=True)} #{target}."
            )
            # "Same as" reads the same both ways: #1 same as #2 is already there when #2 same as #1 is.
            if kind is RelationKind.SAME_AS:
                reverse = await self._one(
                    db,
                    "SELECT 1 FROM relations WHERE source_id = ? AND kind = ? AND target_id = ?",
                    (second.id, kind, first.id),
                )
                if reverse is not None:
                    raise duplicate
            at = now()
            try:
                await db.execute(
                    "INSERT INTO relations (guild_id, source_id, kind, target_id, note, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (guild_id, first.id, kind, second.id, note, at),
                )
            except sqlite3.IntegrityError:
                raise duplicate from None
            await self._record(
                db,
                first,
                "relation",
                None,
                f"{kind.phrase(outgoing=True)} #{target}",
                note=note,
                source_url=None,
                actor=actor,
                at=at,
            )
        summary = ClaimSummary(second.number, second.statement, second.verbatim, second.speaker.name, second.verdict)
        return Relation(kind, True, summary, note)

    async def add_evidence(self, guild_id: int, number: int, url: str, *, note: str, actor: Actor) -> Claim:
        async with self._write() as db:
            claim = await self._claim(db, guild_id, number)
            if any(item.url == url for item in claim.evidence):
                raise NothingToChange(f"#{number} already lists that link.")
            at = now()
            await db.execute(
                "INSERT INTO evidence (claim_id, url, note, added_at) VALUES (?, ?, ?, ?)",
                (claim.id, url, note, at),
            )
            await self._record(db, claim, "evidence", None, url, note=note, source_url=url, actor=actor, at=at)
            await self._bump(db, claim, at, moderated=True)
            return await self._claim(db, guild_id, number)

    # ----------------------------------------------------------------------------- seeds, maintenance

    async def _seed_guild(
        self, db: aiosqlite.Connection, guild_id: int, seed: SeedStory, report: SeedReport
    ) -> SeedReport:
        added = updated = kept = 0
        story_id = await self._story_id(db, guild_id, seed.story)
        ids: dict[str, int] = {}
        for item in seed.claims:
            row = await self._one(
                db,
                "SELECT id, number, seed_fingerprint, moderated FROM claims WHERE story_id = ? AND seed_key = ?",
                (story_id, item.key),
            )
            if row is None:
                claim = await self._insert_claim(
                    db,
                    guild_id,
                    item.claim,
                    note=item.history_note,
                    actor=SEED_ACTOR,
                    seed_key=item.key,
                    fingerprint=item.fingerprint,
                )
                ids[item.key] = claim.id
                added += 1
                continue
            ids[item.key] = row["id"]
            if row["seed_fingerprint"] == item.fingerprint:
                continue
            if row["moderated"]:
                kept += 1
                continue
            await self._reseed_claim(db, guild_id, row["number"], item.claim)
            await db.execute("UPDATE claims SET seed_fingerprint = ? WHERE id = ?", (item.fingerprint, row["id"]))
            updated += 1
        for relation in seed.relations:
            await db.execute(
                "INSERT INTO relations (guild_id, source_id, kind, target_id, note, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (guild_id, ids[relation.source], relation.kind, ids[relation.target], relation.note, now()),
            )
        return SeedReport(report.guilds + 1, report.added + added, report.updated + updated, report.kept + kept)

    async def _reseed_claim(self, db: aiosqlite.Connection, guild_id: int, number: int, new: NewClaim) -> None:
        """Bring an untouched seeded claim in line with its changed seed file, every change recorded."""
        claim = await self._claim(db, guild_id, number)
        note = "The seed file changed."
        edit = ClaimEdit(new.statement, new.verbatim, new.speaker, new.role, new.venue, new.said_when)
        await self._apply_edit(db, claim, edit, note=note, actor=SEED_ACTOR, moderated=False)
        await self._speaker_id(db, guild_id, new.speaker, new.speaker_variants, new.speaker_short)
        at = now()
        for field, old, value in (
            ("attribution", claim.attribution, new.attribution),
            ("verdict", claim.verdict, new.verdict),
        ):
            if old != value:
                await db.execute(f"UPDATE claims SET {field} = ? WHERE id = ?", (value, claim.id))
                await self._record(db, claim, field, old, value, note=note, source_url=None, actor=SEED_ACTOR, at=at)
        if claim.rationale != new.rationale:
            await db.execute("UPDATE claims SET rationale = ? WHERE id = ?", (new.rationale, claim.id))
        await self._bump(db, claim, at, moderated=False)

    async def apply_seed(self, story: SeedStory, guild_ids: list[int] | None = None) -> SeedReport:
        """Load a story into guilds (every known one by default). Safe to run again: nothing doubles."""
        targets = guild_ids if guild_ids is not None else await self.known_guilds()
        report = SeedReport(0, 0, 0, 0)
        for guild_id in targets:
            await self.ensure_guild(guild_id)
            async with self._write() as db:
                report = await self._seed_guild(db, guild_id, story, report)
        return report

    async def backup(self, path: Path) -> None:
        """A consistent copy while the bot runs, through SQLite's online backup API."""
        assert self._reader is not None, "store is not open"
        path.parent.mkdir(parents=True, exist_ok=True)
        target = await aiosqlite.connect(path)
        try:
            await self._reader.backup(target)
        finally:
            await target.close()

    async def integrity_check(self) -> str:
        assert self._reader is not None, "store is not open"
        async with self._reader.execute("PRAGMA integrity_check") as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "no answer"
