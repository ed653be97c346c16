"""The reads of bot.store.base.Reads, one statement each, on the store's pool or on a transaction.

Ids and numbers that cannot be a BIGINT (a forged custom_id) and text that PostgreSQL cannot hold
(NUL, a lone surrogate) name nothing: such a read answers None or nothing instead of an error.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

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
from bot.store.base import Filters, SeededClaim, bindable, bounded
from bot.store.card_sql import ASKER_OWED, RELATED_REVISIONS, STANDING_COLUMNS
from bot.store.postgres import rows, search
from bot.store.postgres.exports import PgExportReads
from bot.store.postgres.follows import PgFollowReads
from bot.store.postgres.intake import PgIntakeReads
from bot.store.postgres.pool import Queries
from bot.store.postgres.stories import PgStoryReads


def storable(*texts: str | None) -> bool:
    """PostgreSQL's text can hold every one of these strings."""
    for text in texts:
        if text is None:
            continue
        if "\x00" in text:
            return False
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


SCOPE_KEPT_S = 10.0  # how long a guild's share of the claims is remembered: it changes only as claims are added


class PgReads(PgFollowReads, PgExportReads, PgStoryReads, PgIntakeReads):
    def __init__(self, db: Queries) -> None:
        self._db = db
        self._narrowing: dict[int, tuple[float, bool]] = {}  # guild -> (until when, narrow by its lexeme)

    async def _narrowed(self, guild_id: int) -> bool:
        """Whether a search names the guild's lexeme in its tsquery. For one guild among many it lets GIN
        keep to that guild's claims; for a guild holding at least half of them (a server's own bot) its
        posting list is nearly the whole index, intersecting it cost more than the words (a third of
        Check claims' counts), and `t.guild_id = $1` keeps the query to the guild alone. As SQLite's
        Scope (bot/store/sqlite/reads.py): either way the same claims."""
        now = time.monotonic()
        kept = self._narrowing.get(guild_id)
        if kept is not None and kept[0] > now:
            return kept[1]
        row = await self._db.fetchrow(
            "SELECT (SELECT coalesce(sum(count), 0) FROM verdict_counts WHERE guild_id = $1) AS mine, "
            "(SELECT coalesce(sum(count), 0) FROM verdict_counts) AS every",
            guild_id,
        )
        narrowed = row is None or int(row["mine"]) * 2 < int(row["every"])
        if len(self._narrowing) > 10_000:
            self._narrowing.clear()
        self._narrowing[guild_id] = (now + SCOPE_KEPT_S, narrowed)
        return narrowed

    # ----------------------------------------------------------------------------- guilds

    async def guild_ids(self) -> list[int]:
        return [row["id"] for row in await self._db.fetch("SELECT id FROM guilds ORDER BY id")]

    async def guild_settings(self, guild_id: int) -> GuildSettings | None:
        if not bindable(guild_id):
            return None
        row = await self._db.fetchrow(
            "SELECT moderator_role_id, announce_channel_id, desk_name, desk_url FROM guilds WHERE id = $1", guild_id
        )
        if row is None:
            return None
        return GuildSettings(
            guild_id,
            row["moderator_role_id"],
            row["announce_channel_id"],
            desk_name=row["desk_name"],
            desk_url=row["desk_url"],
        )

    # ----------------------------------------------------------------------------- claims

    async def claim(self, guild_id: int, number: int) -> Claim | None:
        if not bindable(guild_id, number):
            return None
        row = await self._db.fetchrow(
            f"SELECT {rows.CLAIM_COLUMNS} FROM {rows.CLAIM_FROM} WHERE c.guild_id = $1 AND c.number = $2",
            guild_id,
            number,
        )
        return rows.claim(row) if row is not None else None

    async def claim_summary(self, guild_id: int, number: int, *, asker: int | None = None) -> ClaimSummary | None:
        if not bindable(guild_id, number):
            return None
        asker = asker if asker is not None and bindable(asker) else None
        owed = ASKER_OWED.format(member="$3") if asker is not None else "NULL::boolean AS asker_owed"
        args = (guild_id, number, asker) if asker is not None else (guild_id, number)
        row = await self._db.fetchrow(
            f"SELECT {rows.SUMMARY_COLUMNS}, {RELATED_REVISIONS}, {STANDING_COLUMNS}, {owed} "
            f"FROM {rows.SUMMARY_FROM} WHERE c.guild_id = $1 AND c.number = $2",
            *args,
        )
        if row is None:
            return None
        return replace(
            rows.summary(row),
            related_revisions=int(row["related_revisions"]),
            asked=int(row["asked"]),
            verdict_as_of=row["as_of"],
            asker_owed=row["asker_owed"],
        )

    async def card(self, guild_id: int, number: int) -> ClaimCard | None:
        if not bindable(guild_id, number):
            return None
        # One statement: the claim, its latest change and its relations from one snapshot.
        row = await self._db.fetchrow(
            f"""
            SELECT {rows.CLAIM_COLUMNS},
                   (SELECT {rows.HISTORY_RECORD} FROM history h
                     WHERE h.claim_id = c.id ORDER BY h.id DESC LIMIT 1) AS latest,
                   ARRAY(SELECT {rows.RELATION_RECORD} FROM ({rows.RELATION_ROWS.format(claim="c.id")}) x
                          ORDER BY {rows.RELATION_ORDER}) AS relations
              FROM {rows.CLAIM_FROM}
             WHERE c.guild_id = $1 AND c.number = $2
            """,
            guild_id,
            number,
        )
        if row is None:
            return None
        latest = rows.change_record(row["latest"]) if row["latest"] is not None else None
        return ClaimCard(rows.claim(row), latest, tuple(map(rows.relation_record, row["relations"])))

    async def latest_change(self, claim_id: int, field: str | None = None) -> Change | None:
        if not bindable(claim_id) or not storable(field):
            return None
        if field is None:
            row = await self._db.fetchrow(
                f"SELECT {rows.HISTORY_COLUMNS} FROM {rows.HISTORY_FROM} WHERE h.claim_id = $1 "
                "ORDER BY h.id DESC LIMIT 1",
                claim_id,
            )
        else:
            row = await self._db.fetchrow(
                f"SELECT {rows.HISTORY_COLUMNS} FROM {rows.HISTORY_FROM} WHERE h.claim_id = $1 AND h.field = $2 "
                "ORDER BY h.id DESC LIMIT 1",
                claim_id,
                field,
            )
        return rows.change(row) if row is not None else None

    async def relations(self, claim_id: int) -> list[Relation]:
        if not bindable(claim_id):
            return []
        found = await self._db.fetch(
            f"SELECT * FROM ({rows.RELATION_ROWS.format(claim='$1')}) x ORDER BY {rows.RELATION_ORDER}", claim_id
        )
        return [rows.relation(row) for row in found]

    async def has_relation(self, source_id: int, kind: RelationKind, target_id: int) -> bool:
        if not bindable(source_id, target_id) or not storable(kind):
            return False
        found = await self._db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM relations WHERE source_id = $1 AND kind = $2 AND target_id = $3)",
            source_id,
            str(kind),
            target_id,
        )
        return bool(found)

    async def history(self, claim_id: int, *, offset: int, limit: int) -> tuple[list[Change], int]:
        if not bindable(claim_id):
            return [], 0
        row = await self._db.fetchrow(
            f"""
            SELECT (SELECT count(*) FROM history WHERE claim_id = $1) AS total,
                   ARRAY(SELECT {rows.HISTORY_RECORD} FROM {rows.HISTORY_FROM}
                          WHERE h.claim_id = $1 ORDER BY h.id DESC OFFSET $2 LIMIT $3) AS page
            """,
            claim_id,
            bounded(offset),
            bounded(limit),
        )
        assert row is not None
        return [rows.change_record(values) for values in row["page"]], row["total"]

    async def verdict_counts(self, guild_id: int) -> dict[Verdict, int]:
        if not bindable(guild_id):
            return {}
        found = await self._db.fetch(
            "SELECT verdict, count FROM verdict_counts WHERE guild_id = $1 AND count > 0", guild_id
        )
        return {Verdict(row["verdict"]): row["count"] for row in found}

    async def latest_verdict_changes(self, guild_id: int, limit: int) -> list[tuple[ClaimSummary, Change]]:
        if not bindable(guild_id):
            return []
        # Each claim's latest verdict change only, newest first: a claim flipped twenty times must not
        # crowd the others off the board. Walks history_guild_verdicts backwards, stops at `limit`.
        found = await self._db.fetch(
            f"""
            SELECT {rows.HISTORY_COLUMNS}, {rows.SUMMARY_COLUMNS}
              FROM history h JOIN claims c ON c.id = h.claim_id JOIN speakers s ON s.id = c.speaker_id
             WHERE h.guild_id = $1 AND h.field = 'verdict'
               AND NOT EXISTS (SELECT 1 FROM history later
                                WHERE later.claim_id = h.claim_id AND later.field = 'verdict' AND later.id > h.id)
             ORDER BY h.id DESC LIMIT $2
            """,
            guild_id,
            bounded(limit),
        )
        return [(rows.summary(row), rows.change(row)) for row in found]

    async def recent_claims(self, guild_id: int, limit: int) -> list[ClaimSummary]:
        if not bindable(guild_id):
            return []
        found = await self._db.fetch(
            f"SELECT {rows.SUMMARY_COLUMNS} FROM {rows.SUMMARY_FROM} WHERE c.guild_id = $1 "
            "ORDER BY c.updated_at DESC, c.id DESC LIMIT $2",
            guild_id,
            bounded(limit),
        )
        return [rows.summary(row) for row in found]

    # ----------------------------------------------------------------------------- the search index

    async def claims_with_prefixes(
        self, guild_id: int, groups: Sequence[Sequence[str]], filters: Filters, limit: int
    ) -> list[int]:
        if not bindable(guild_id, filters.speaker_id, filters.story_id):
            return []
        query = search.prefix_query(guild_id, groups, narrowed=await self._narrowed(guild_id))
        return await search.claims_matching(self._db, guild_id, query, filters, bounded(limit))

    async def claims_with_terms(self, guild_id: int, terms: Sequence[str], filters: Filters, limit: int) -> list[int]:
        if not bindable(guild_id, filters.speaker_id, filters.story_id):
            return []
        query = search.any_term_query(guild_id, terms, narrowed=await self._narrowed(guild_id))
        return await search.claims_matching(self._db, guild_id, query, filters, bounded(limit))

    async def claims_with_each(self, guild_id: int, groups: Sequence[Sequence[str]], limit: int) -> list[list[int]]:
        if not bindable(guild_id):
            return [[] for _g in groups]
        narrowed = await self._narrowed(guild_id)
        queries = [search.any_term_query(guild_id, group, narrowed=narrowed) if group else None for group in groups]
        return await search.claims_with_each(self._db, guild_id, queries, bounded(limit))

    async def document_counts(self, guild_id: int, groups: Sequence[Sequence[str]], cap: int) -> tuple[int, list[int]]:
        if not bindable(guild_id):
            return 0, [0] * len(groups)
        narrowed = await self._narrowed(guild_id)
        queries = [search.any_term_query(guild_id, group, narrowed=narrowed) if group else None for group in groups]
        return await search.document_counts(self._db, guild_id, queries, bounded(cap))

    async def indexed(self, guild_id: int, claim_ids: Sequence[int]) -> list[IndexedClaim]:
        wanted = [claim_id for claim_id in claim_ids if bindable(claim_id)]
        if not bindable(guild_id) or not wanted:
            return []
        return await search.indexed(self._db, guild_id, wanted)

    async def summaries(self, guild_id: int, claim_ids: Sequence[int]) -> list[ClaimSummary]:
        wanted = [claim_id for claim_id in claim_ids if bindable(claim_id)]
        if not bindable(guild_id) or not wanted:
            return []
        found = await self._db.fetch(
            f"SELECT c.id, {rows.SUMMARY_COLUMNS} FROM {rows.SUMMARY_FROM} "
            "WHERE c.guild_id = $1 AND c.id = ANY($2::bigint[])",
            guild_id,
            wanted,
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
        found = await self._db.fetch(
            "SELECT entity, name, note, actor_id, actor_name, added_at, removed_note, removed_actor_id, "
            f"removed_actor_name, removed_at FROM aliases WHERE guild_id = $1 {condition} ORDER BY id",
            guild_id,
        )
        return [alias_of(r) for r in found]

    # ----------------------------------------------------------------------------- speakers

    async def speaker_id_by_name(self, guild_id: int, norm: str) -> int | None:
        if not bindable(guild_id) or not storable(norm):
            return None
        return await self._db.fetchval(
            "SELECT speaker_id FROM speaker_names WHERE guild_id = $1 AND norm = $2", guild_id, norm
        )

    async def speaker(self, guild_id: int, speaker_id: int) -> Speaker | None:
        if not bindable(guild_id, speaker_id):
            return None
        row = await self._db.fetchrow(
            """
            SELECT s.id, s.name, s.claim_count, s.short_name,
                   ARRAY(SELECT n.name FROM speaker_names n
                          WHERE n.speaker_id = s.id AND n.name <> s.name ORDER BY n.name) AS variants
              FROM speakers s WHERE s.id = $2 AND s.guild_id = $1
            """,
            guild_id,
            speaker_id,
        )
        return rows.speaker(row, row["variants"]) if row is not None else None

    async def speakers_matching(self, guild_id: int, norm_prefix: str, limit: int) -> list[Speaker]:
        if not bindable(guild_id) or not storable(norm_prefix):
            return []
        if not norm_prefix:
            found = await self._db.fetch(
                "SELECT id, name, claim_count, short_name FROM speakers WHERE guild_id = $1 "
                "ORDER BY claim_count DESC, name, id LIMIT $2",
                guild_id,
                bounded(limit),
            )
        else:
            pattern = norm_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            found = await self._db.fetch(
                """
                SELECT s.id, s.name, s.claim_count, s.short_name FROM speakers s
                 WHERE s.id IN (SELECT speaker_id FROM speaker_names
                                 WHERE guild_id = $1 AND (norm LIKE $2 ESCAPE '\\' OR norm LIKE $3 ESCAPE '\\'))
                 ORDER BY s.claim_count DESC, s.name, s.id LIMIT $4
                """,
                guild_id,
                pattern + "%",
                "% " + pattern + "%",
                bounded(limit),
            )
        return [rows.speaker(row) for row in found]

    async def speaker_claims(self, guild_id: int, speaker_id: int, *, offset: int, limit: int) -> list[ClaimSummary]:
        if not bindable(guild_id, speaker_id):
            return []
        found = await self._db.fetch(
            f"SELECT {rows.SUMMARY_COLUMNS} FROM {rows.SUMMARY_FROM} WHERE c.guild_id = $1 AND c.speaker_id = $2 "
            "ORDER BY c.number OFFSET $3 LIMIT $4",
            guild_id,
            speaker_id,
            bounded(offset),
            bounded(limit),
        )
        return [rows.summary(row) for row in found]

    # ----------------------------------------------------------------------------- seeds

    async def seeded_claims(self, guild_id: int, story_slug: str) -> dict[str, SeededClaim]:
        if not bindable(guild_id) or not storable(story_slug):
            return {}
        found = await self._db.fetch(
            """
            SELECT c.id, c.number, c.seed_key, c.seed_fingerprint, c.moderated, c.revision
              FROM claims c JOIN stories st ON st.id = c.story_id
             WHERE st.guild_id = $1 AND st.slug = $2 AND c.guild_id = $1 AND c.seed_key IS NOT NULL
            """,
            guild_id,
            story_slug,
        )
        return {
            row["seed_key"]: SeededClaim(
                row["id"], row["number"], row["seed_fingerprint"], row["moderated"], row["revision"]
            )
            for row in found
        }


def alias_of(r: Mapping[str, Any]) -> Alias:
    """An aliases row (entity, name, note, actor_id, actor_name, added_at and the removal's columns)."""
    removal = (
        AliasRemoval(r["removed_note"], Actor(r["removed_actor_id"], r["removed_actor_name"]), r["removed_at"])
        if r["removed_at"] is not None
        else None
    )
    return Alias(r["entity"], r["name"], r["note"], Actor(r["actor_id"], r["actor_name"]), r["added_at"], removal)
