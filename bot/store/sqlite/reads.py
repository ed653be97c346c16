"""Every read of the SQLite store, shared by the store (its reading connection) and a transaction
(the writing connection, seeing its own writes). One trip to aiosqlite's thread per statement."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from enum import Enum

import aiosqlite

from bot.domain.claims import (
    Actor,
    Alias,
    AliasRemoval,
    Change,
    Claim,
    ClaimCard,
    ClaimSummary,
    GuildSettings,
    IndexedClaim,
    Relation,
    RelationKind,
    Speaker,
)
from bot.domain.states import Verdict
from bot.store.base import Filters, SeededClaim, bindable
from bot.store.card_sql import ASKER_OWED, RELATED_REVISIONS, STANDING_COLUMNS
from bot.store.sqlite import index, rows
from bot.store.sqlite.exports import SqliteExportReads
from bot.store.sqlite.follows import FollowReads
from bot.store.sqlite.intake import SqliteIntakeReads
from bot.store.sqlite.stories import SqliteStoryReads

SUMMARY_FROM = "claims c JOIN speakers s ON s.id = c.speaker_id"


class Scope(Enum):
    """One guild's share of the search index, which decides how a query is kept to that guild. Either
    keeps a query to the guild; the other would only be slower, so a scope may be remembered a while."""

    FEW = "few"  # one guild among many: its token in the MATCH
    MOST = "most"  # at least half of the claims: the index alone, then claims.guild_id


DIRECT_SUMMARIES = 5  # summaries read on the loop's thread at most (see `summaries`)
SCOPE_KEPT_S = 10.0  # how long a guild's scope is remembered: it changes only as claims are added


class SqliteReads(FollowReads, SqliteExportReads, SqliteStoryReads, SqliteIntakeReads):
    """Reads over `self.db`. Subclasses say which connection that is and what a snapshot means there."""

    def __init__(self) -> None:
        self._scopes: dict[int, tuple[float, Scope]] = {}  # guild -> (until when, its Scope)

    @property
    def db(self) -> aiosqlite.Connection:
        raise NotImplementedError

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        """Several statements that must see one state of the database."""
        yield

    async def _all(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, tuple(params)))

    async def _one(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        return next(iter(await self.db.execute_fetchall(sql, tuple(params))), None)

    async def _lookup(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        """One row found by a key (a claim by its number, a member's notices): see `_lookups`."""
        return next(iter(await self._lookups(sql, params)), None)

    async def _lookups(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        """Rows found by their keys, a few (a claim by its number, the claims a search shows): SqliteStore
        reads them on the event loop's thread when it can (store.py); in a transaction, through its
        connection."""
        return await self._all(sql, params)

    # ----------------------------------------------------------------------------- guilds

    async def guild_ids(self) -> list[int]:
        return [row[0] for row in await self._all("SELECT id FROM guilds ORDER BY id")]

    async def guild_settings(self, guild_id: int) -> GuildSettings | None:
        if not bindable(guild_id):
            return None
        row = await self._one(
            "SELECT moderator_role_id, announce_channel_id, desk_name, desk_url FROM guilds WHERE id = ?", (guild_id,)
        )
        return None if row is None else GuildSettings(guild_id, row[0], row[1], desk_name=row[2], desk_url=row[3])

    # ----------------------------------------------------------------------------- claims

    async def claim(self, guild_id: int, number: int) -> Claim | None:
        if not bindable(guild_id, number):
            return None
        row = await self._lookup(
            f"SELECT {rows.CLAIM_COLUMNS}, {rows.EVIDENCE_JSON} FROM {rows.CLAIM_FROM} "
            "WHERE c.guild_id = ? AND c.number = ?",
            (guild_id, number),
        )
        return None if row is None else rows.claim(row, rows.evidence(row["evidence_json"]))

    async def claim_summary(self, guild_id: int, number: int, *, asker: int | None = None) -> ClaimSummary | None:
        if not bindable(guild_id, number):
            return None
        asker = asker if asker is not None and bindable(asker) else None
        owed = ASKER_OWED.format(member="?") if asker is not None else "NULL AS asker_owed"
        row = await self._lookup(
            f"SELECT {rows.SUMMARY_COLUMNS}, {RELATED_REVISIONS}, {STANDING_COLUMNS}, {owed} FROM {SUMMARY_FROM} "
            "WHERE c.guild_id = ? AND c.number = ?",
            (asker, guild_id, number) if asker is not None else (guild_id, number),
        )
        if row is None:
            return None
        as_of = datetime.fromisoformat(row["as_of"]) if row["as_of"] is not None else None
        owed_flag = bool(row["asker_owed"]) if row["asker_owed"] is not None else None
        return replace(
            rows.summary(row),
            related_revisions=row["related_revisions"],
            asked=row["asked"],
            verdict_as_of=as_of,
            asker_owed=owed_flag,
        )

    async def card(self, guild_id: int, number: int) -> ClaimCard | None:
        """One statement: the claim, its evidence, its latest change and its relations, from one state of
        the database and in one trip to aiosqlite's thread."""
        if not bindable(guild_id, number):
            return None
        row = await self._lookup(
            f"SELECT {rows.CLAIM_COLUMNS}, {rows.EVIDENCE_JSON}, {rows.LATEST_JSON}, {rows.RELATIONS_JSON} "
            f"FROM {rows.CLAIM_FROM} WHERE c.guild_id = ? AND c.number = ?",
            (guild_id, number),
        )
        if row is None:
            return None
        claim = rows.claim(row, rows.evidence(row["evidence_json"]))
        latest = rows.change(json.loads(row["latest_json"])) if row["latest_json"] else None
        return ClaimCard(claim, latest, rows.relations(row["relations_json"]))

    async def latest_change(self, claim_id: int, field: str | None = None) -> Change | None:
        row = await self._one(
            f"SELECT {rows.HISTORY_COLUMNS} FROM history h JOIN claims c ON c.id = h.claim_id "
            "WHERE h.claim_id = ? AND (? IS NULL OR h.field = ?) ORDER BY h.id DESC LIMIT 1",
            (claim_id, field, field),
        )
        return rows.change(row) if row else None

    async def relations(self, claim_id: int) -> list[Relation]:
        found = await self._all(
            f"""
            SELECT r.kind, 1 AS outgoing, r.note, r.id AS relation_id, {rows.SUMMARY_COLUMNS}
              FROM relations r JOIN claims c ON c.id = r.target_id JOIN speakers s ON s.id = c.speaker_id
             WHERE r.source_id = ?
            UNION ALL
            SELECT r.kind, 0 AS outgoing, r.note, r.id AS relation_id, {rows.SUMMARY_COLUMNS}
              FROM relations r JOIN claims c ON c.id = r.source_id JOIN speakers s ON s.id = c.speaker_id
             WHERE r.target_id = ?
             ORDER BY number, outgoing DESC, relation_id
            """,
            (claim_id, claim_id),
        )
        return [Relation(RelationKind(r["kind"]), bool(r["outgoing"]), rows.summary(r), r["note"]) for r in found]

    async def has_relation(self, source_id: int, kind: RelationKind, target_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM relations WHERE source_id = ? AND kind = ? AND target_id = ?",
            (source_id, kind.value, target_id),
        )
        return row is not None

    async def history(self, claim_id: int, *, offset: int, limit: int) -> tuple[list[Change], int]:
        if not bindable(offset, limit):
            return [], 0
        # One statement, so the page and its count are of one state (the count is read once: it is
        # not correlated). A page past the end has no row to carry the count: counted apart then.
        found = await self._all(
            f"SELECT {rows.HISTORY_COLUMNS}, (SELECT count(*) FROM history WHERE claim_id = ?) AS total "
            "FROM history h JOIN claims c ON c.id = h.claim_id "
            "WHERE h.claim_id = ? ORDER BY h.id DESC LIMIT ? OFFSET ?",
            (claim_id, claim_id, limit, offset),
        )
        if found:
            return [rows.change(r) for r in found], int(found[0]["total"])
        if not offset:
            return [], 0
        total = await self._one("SELECT count(*) FROM history WHERE claim_id = ?", (claim_id,))
        return [], int(total[0]) if total else 0

    async def verdict_counts(self, guild_id: int) -> dict[Verdict, int]:
        found = await self._all(
            "SELECT verdict, count FROM verdict_counts WHERE guild_id = ? AND count > 0", (guild_id,)
        )
        return {Verdict(r[0]): r[1] for r in found}

    async def latest_verdict_changes(self, guild_id: int, limit: int) -> list[tuple[ClaimSummary, Change]]:
        # Walks history_guild backwards and stops at `limit`: a claim flipped twenty times must not
        # crowd the others off the board.
        found = await self._all(
            f"SELECT {rows.HISTORY_COLUMNS}, {rows.SUMMARY_COLUMNS} FROM history h "
            "JOIN claims c ON c.id = h.claim_id JOIN speakers s ON s.id = c.speaker_id "
            "WHERE h.guild_id = ? AND h.field = 'verdict' AND NOT EXISTS (SELECT 1 FROM history later "
            "WHERE later.claim_id = h.claim_id AND later.id > h.id AND later.field = 'verdict') "
            "ORDER BY h.id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(rows.summary(r), rows.change(r)) for r in found]

    async def recent_claims(self, guild_id: int, limit: int) -> list[ClaimSummary]:
        found = await self._all(
            f"SELECT {rows.SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE c.guild_id = ? "
            "ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [rows.summary(r) for r in found]

    # ----------------------------------------------------------------------------- the search index

    async def _scope(self, guild_id: int) -> Scope:
        """How a query reaches one guild's claims cheapest (see index.in_guild)."""
        now = time.monotonic()
        kept = self._scopes.get(guild_id)
        if kept is not None and kept[0] > now:
            return kept[1]
        row = await self._one(
            "SELECT (SELECT coalesce(sum(count), 0) FROM verdict_counts WHERE guild_id = ?), "
            "(SELECT coalesce(max(id), 0) FROM claims)",
            (guild_id,),
        )
        mine, highest = (int(row[0]), int(row[1])) if row else (0, 0)
        scope = Scope.MOST if mine * 2 >= highest else Scope.FEW
        if len(self._scopes) > 10_000:
            self._scopes.clear()
        self._scopes[guild_id] = (now + SCOPE_KEPT_S, scope)
        return scope

    def _narrowed(
        self, guild_id: int, scope: Scope, terms: str, *, joined: bool = False
    ) -> tuple[str, str, str, tuple[object, ...]]:
        """The MATCH expression, the join, the condition and its parameters that keep a query to one
        guild's claims. `joined`: the query joins `claims c` anyway (for filters on its columns)."""
        if scope is Scope.FEW:
            return index.in_guild(guild_id, terms), "", "", ()
        if joined:
            # CROSS JOIN: the index first, then each match's guild (SQLite would otherwise walk the
            # guild's claims and test every one against the index).
            return terms, "CROSS JOIN claims c ON c.id = f.rowid", "AND c.guild_id = ?", (guild_id,)
        return terms, "", f"AND {index.ONLY_GUILD}", (guild_id, guild_id, guild_id)

    async def _matching(self, guild_id: int, terms: str, filters: Filters, limit: int) -> list[int]:
        # Filters join the claims table; without them the index answers alone, walking rowids backwards.
        if not bindable(guild_id):
            return []
        params: tuple[object, ...]
        joined = filters != Filters()
        expression, join, where, params = self._narrowed(guild_id, await self._scope(guild_id), terms, joined=joined)
        if filters.verdict is not None:
            where, params = f"{where} AND c.verdict = ?", (*params, filters.verdict.value)
        if filters.speaker_id is not None:
            if not bindable(filters.speaker_id):
                return []
            where, params = f"{where} AND c.speaker_id = ?", (*params, filters.speaker_id)
        if filters.story_id is not None:
            if not bindable(filters.story_id):
                return []
            where, params = f"{where} AND c.story_id = ?", (*params, filters.story_id)
        if joined and not join:
            join = "JOIN claims c ON c.id = f.rowid"
        found = await self._all(
            f"SELECT f.rowid FROM claim_fts f {join} WHERE claim_fts MATCH ? {where} ORDER BY f.rowid DESC LIMIT ?",
            (expression, *params, limit),
        )
        return [r[0] for r in found]

    async def claims_with_prefixes(
        self, guild_id: int, groups: Sequence[Sequence[str]], filters: Filters, limit: int
    ) -> list[int]:
        groups = [g for g in groups if g]
        if not groups:
            return []
        return await self._matching(guild_id, index.all_prefixes(groups), filters, limit)

    async def claims_with_terms(self, guild_id: int, terms: Sequence[str], filters: Filters, limit: int) -> list[int]:
        if not terms:
            return []
        return await self._matching(guild_id, index.any_term(terms), filters, limit)

    async def claims_with_each(self, guild_id: int, groups: Sequence[Sequence[str]], limit: int) -> list[list[int]]:
        wanted = [(n, g) for n, g in enumerate(groups) if g]
        found: list[list[int]] = [[] for _g in groups]
        if not bindable(guild_id) or not wanted or limit <= 0:
            return found
        scope = await self._scope(guild_id)
        parts, params = [], []
        for n, group in wanted:
            expression, join, where, narrowing = self._narrowed(guild_id, scope, index.any_term(group))
            parts.append(
                f"SELECT {n} AS g, id FROM (SELECT f.rowid AS id FROM claim_fts f {join} "
                f"WHERE claim_fts MATCH ? {where} ORDER BY f.rowid DESC LIMIT ?)"
            )
            params += [expression, *narrowing, limit]
        for row in await self._all(" UNION ALL ".join(parts), params):
            found[row[0]].append(row[1])
        return found

    async def document_counts(self, guild_id: int, groups: Sequence[Sequence[str]], cap: int) -> tuple[int, list[int]]:
        if not bindable(guild_id):
            return 0, [0] * len(groups)
        scope = await self._scope(guild_id)
        # One statement: each count walks its term's postings and stops at the cap.
        counted = [g for g in groups if g]
        params: list[object] = [guild_id]
        counts = ""
        for group in counted:
            expression, join, where, narrowing = self._narrowed(guild_id, scope, index.any_term(group))
            counts += (
                f", (SELECT count(*) FROM (SELECT 1 FROM claim_fts f {join} WHERE claim_fts MATCH ? {where} LIMIT ?))"
            )
            params += [expression, *narrowing, max(0, cap)]
        row = await self._one(
            f"SELECT (SELECT coalesce(sum(count), 0) FROM verdict_counts WHERE guild_id = ?){counts}", params
        )
        assert row is not None
        found = iter(row[1:])
        return int(row[0]), [int(next(found)) if g else 0 for g in groups]

    async def indexed(self, guild_id: int, claim_ids: Sequence[int]) -> list[IndexedClaim]:
        if not claim_ids:
            return []
        found = await self._all(
            "SELECT c.id, c.number, (SELECT f.profile FROM claim_fts f WHERE f.rowid = c.id) AS profile "
            # `+c.guild_id`: look the ids up by primary key; with a long IN list SQLite would otherwise walk
            # the guild's claims_recent index (all of a large guild's claims: 15 ms at 100,000 against 0.3).
            f"FROM claims c WHERE +c.guild_id = ? AND c.id IN ({','.join('?' * len(claim_ids))}) "
            "ORDER BY c.id DESC",
            (guild_id, *claim_ids),
        )
        return [IndexedClaim(r[0], r[1], r[2] or "") for r in found]

    async def summaries(self, guild_id: int, claim_ids: Sequence[int]) -> list[ClaimSummary]:
        wanted = [claim_id for claim_id in claim_ids if bindable(claim_id)]
        if not bindable(guild_id) or not wanted:
            return []
        # By primary key (`+c.guild_id`, as above). A page of a search or Check claims' list is read on the
        # loop's thread (a few lookups cost it less than the trip to aiosqlite's); autocomplete's 25 are not.
        read = self._lookups if len(wanted) <= DIRECT_SUMMARIES else self._all
        found = await read(
            f"SELECT c.id, {rows.SUMMARY_COLUMNS} FROM {SUMMARY_FROM} "
            f"WHERE +c.guild_id = ? AND c.id IN ({','.join('?' * len(wanted))})",
            (guild_id, *wanted),
        )
        by_id = {r["id"]: rows.summary(r) for r in found}
        return [by_id[claim_id] for claim_id in wanted if claim_id in by_id]

    async def aliases(self, guild_id: int) -> list[Alias]:
        return await self._aliases(guild_id, "AND removed_at IS NULL")

    async def alias_history(self, guild_id: int) -> list[Alias]:
        return await self._aliases(guild_id, "")

    async def _aliases(self, guild_id: int, condition: str) -> list[Alias]:
        if not bindable(guild_id):
            return []
        found = await self._all(
            "SELECT entity, name, note, actor_id, actor_name, added_at, removed_note, removed_actor_id, "
            f"removed_actor_name, removed_at FROM aliases WHERE guild_id = ? {condition} ORDER BY id",
            (guild_id,),
        )
        return [
            Alias(
                r[0],
                r[1],
                r[2],
                Actor(r[3], r[4]),
                datetime.fromisoformat(r[5]),
                AliasRemoval(r[6], Actor(r[7], r[8]), datetime.fromisoformat(r[9])) if r[9] is not None else None,
            )
            for r in found
        ]

    # ----------------------------------------------------------------------------- speakers

    async def speaker_id_by_name(self, guild_id: int, norm: str) -> int | None:
        row = await self._one("SELECT speaker_id FROM speaker_names WHERE guild_id = ? AND norm = ?", (guild_id, norm))
        return None if row is None else int(row[0])

    async def speaker(self, guild_id: int, speaker_id: int) -> Speaker | None:
        if not bindable(speaker_id):
            return None
        async with self.snapshot():
            row = await self._one(
                "SELECT id, name, claim_count, short_name FROM speakers WHERE id = ? AND guild_id = ?",
                (speaker_id, guild_id),
            )
            if row is None:
                return None
            names = await self._all("SELECT name FROM speaker_names WHERE speaker_id = ? ORDER BY name", (speaker_id,))
        variants = tuple(n[0] for n in names if n[0] != row["name"])
        return Speaker(row["id"], row["name"], variants, row["claim_count"], row["short_name"])

    async def speakers_matching(self, guild_id: int, norm_prefix: str, limit: int) -> list[Speaker]:
        if not norm_prefix:
            found = await self._all(
                "SELECT id, name, claim_count, short_name FROM speakers WHERE guild_id = ? "
                "ORDER BY claim_count DESC, name LIMIT ?",
                (guild_id, limit),
            )
        else:
            pattern = norm_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            found = await self._all(
                """
                SELECT s.id, s.name, s.claim_count, s.short_name FROM speakers s
                 WHERE s.id IN (SELECT speaker_id FROM speaker_names
                                 WHERE guild_id = ? AND (norm LIKE ? ESCAPE '\\' OR norm LIKE ? ESCAPE '\\'))
                 ORDER BY s.claim_count DESC, s.name LIMIT ?
                """,
                (guild_id, pattern + "%", "% " + pattern + "%", limit),
            )
        return [Speaker(r[0], r[1], claim_count=r[2], short_name=r[3]) for r in found]

    async def speaker_claims(self, guild_id: int, speaker_id: int, *, offset: int, limit: int) -> list[ClaimSummary]:
        if not bindable(speaker_id, offset, limit):
            return []
        found = await self._all(
            f"SELECT {rows.SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE c.guild_id = ? AND c.speaker_id = ? "
            "ORDER BY c.number LIMIT ? OFFSET ?",
            (guild_id, speaker_id, limit, offset),
        )
        return [rows.summary(r) for r in found]

    # ----------------------------------------------------------------------------- seeds

    async def seeded_claims(self, guild_id: int, story_slug: str) -> dict[str, SeededClaim]:
        found = await self._all(
            "SELECT c.seed_key, c.id, c.number, c.seed_fingerprint, c.moderated, c.revision FROM claims c "
            "JOIN stories st ON st.id = c.story_id WHERE st.guild_id = ? AND st.slug = ? AND c.seed_key IS NOT NULL",
            (guild_id, story_slug),
        )
        return {r[0]: SeededClaim(r[1], r[2], r[3], bool(r[4]), r[5]) for r in found}
