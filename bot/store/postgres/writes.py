"""The writes of bot.store.base.Tx, on the one connection of a transaction.

Batches are one statement each (unnest of one array per column), so seeding a guild's sixteen claims
with their speakers, evidence, history and relations is a dozen round trips. Ids come back from the
statement that inserts them; rows inserted from `unnest(...) WITH ORDINALITY ... ORDER BY ord` get
their identity values in that order, which is how ids are matched to rows that have no other key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from bot.domain.claims import Alias, AliasRemoval, Change, Story
from bot.domain.matching import encode_profile
from bot.domain.names import normalise_name
from bot.domain.text import ClaimText
from bot.store.base import (
    CLAIM_COLUMNS,
    INDEXED_COLUMNS,
    ClaimFields,
    ClaimRow,
    EvidenceRow,
    HistoryRow,
    RelationRow,
    SpeakerNames,
    alias_time,
    bindable,
)
from bot.store.postgres import guild_copy, search
from bot.store.postgres.follows import PgFollowTx
from bot.store.postgres.intake import PgIntakeTx
from bot.store.postgres.reads import PgReads, alias_of, storable
from bot.store.postgres.stories import PgStoryTx

# pg_advisory_xact_lock(SPEAKERS_LOCK, hashint8(guild id)): one transaction at a time resolves a guild's
# speaker names, so two first mentions of "Zelensky" make one speaker, not one with names and one without.
SPEAKERS_LOCK = 0x73706B72  # b"spkr"


def _require_bindable(*values: int | None) -> None:
    if not bindable(*values):
        raise ValueError(f"an id out of BIGINT range: {values}")


@dataclass
class _NewSpeaker:
    """A speaker this call creates: its place among the new ones, its name and short name."""

    index: int
    name: str
    short: str


class _Ended:
    """What a transaction's statements run on once it is over: nothing."""

    async def _refuse(self, *args: Any) -> Any:
        raise RuntimeError("the transaction is over: use the Tx only inside `async with store.transaction()`")

    fetch = fetchrow = fetchval = execute = executemany = _refuse


class PgTx(PgFollowTx, PgReads, PgStoryTx, PgIntakeTx):
    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__(conn)
        self._conn: Any = conn

    def end(self) -> None:
        """Called by the store when the transaction commits or rolls back."""
        self._db = self._conn = _Ended()

    # ----------------------------------------------------------------------------- guilds

    async def create_guilds(self, guild_ids: Sequence[int], at: datetime) -> set[int]:
        _require_bindable(*guild_ids)
        if not guild_ids:
            return set()
        # A second caller waits for the first one's commit, then sees the conflict: each guild created once.
        found = await self._conn.fetch(
            "INSERT INTO guilds (id, created_at) SELECT g, $2 FROM unnest($1::bigint[]) AS g ORDER BY g "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            sorted(set(guild_ids)),
            at,
        )
        return {int(r[0]) for r in found}

    async def copy_seeded_guild(self, source_id: int, guild_ids: Sequence[int]) -> None:
        _require_bindable(source_id, *guild_ids)
        for guild_id in guild_ids:  # round trips on a connection, not hops between threads: one guild at a time
            await guild_copy.copy_guild(self._conn, source_id, guild_id)

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        moderator_role_id: int | None,
        announce_channel_id: int | None,
        desk_name: str | None = None,
        desk_url: str | None = None,
    ) -> None:
        _require_bindable(guild_id, moderator_role_id, announce_channel_id)
        await self._conn.execute(
            "UPDATE guilds SET moderator_role_id = $2, announce_channel_id = $3, "
            "desk_name = coalesce($4, desk_name), desk_url = coalesce($5, desk_url) WHERE id = $1",
            guild_id,
            moderator_role_id,
            announce_channel_id,
            desk_name,
            desk_url,
        )

    async def reserve_numbers(self, guild_id: int, count: int) -> int | None:
        if count < 0:
            raise ValueError(f"cannot reserve {count} numbers")
        if not bindable(guild_id, count):
            return None
        return await self._conn.fetchval(
            "UPDATE guilds SET next_claim_number = next_claim_number + $2 WHERE id = $1 "
            "RETURNING next_claim_number - $2",
            guild_id,
            count,
        )

    async def upsert_story(self, guild_id: int, story: Story) -> int:
        _require_bindable(guild_id)
        story_id = await self._conn.fetchval(
            """
            INSERT INTO stories (guild_id, slug, title, publisher, url, published) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (guild_id, slug) DO UPDATE
               SET title = CASE WHEN stories.moderated THEN stories.title ELSE excluded.title END,
                   publisher = CASE WHEN stories.moderated THEN stories.publisher ELSE excluded.publisher END,
                   url = CASE WHEN stories.moderated THEN stories.url ELSE excluded.url END,
                   published = CASE WHEN stories.moderated THEN stories.published ELSE excluded.published END
            RETURNING id
            """,
            guild_id,
            story.slug,
            story.title,
            story.publisher,
            story.url,
            story.published,
        )
        return int(story_id)

    # ----------------------------------------------------------------------------- speakers

    async def speaker_ids(self, guild_id: int, speakers: Sequence[SpeakerNames]) -> list[int]:
        _require_bindable(guild_id)
        if not speakers:
            return []
        conn = self._conn
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashint8($2))", SPEAKERS_LOCK, guild_id)
        keyed = [[(key, n) for n in (s.name, *s.variants) if (key := normalise_name(n))] for s in speakers]
        # After the lock, in a statement of its own: sees names committed by whoever held it before.
        found = await conn.fetch(
            "SELECT norm, speaker_id FROM speaker_names WHERE guild_id = $1 AND norm = ANY($2::text[])",
            guild_id,
            sorted({key for keys in keyed for key, _name in keys}),
        )
        # Worked out one speaker after the other, as if each were looked up alone: a later entry finds
        # a speaker an earlier one created or gave the name to.
        owner: dict[str, int | _NewSpeaker] = {row["norm"]: row["speaker_id"] for row in found}
        created: list[_NewSpeaker] = []
        shorts: dict[int, str] = {}
        names: list[tuple[str, int | _NewSpeaker, str]] = []
        chosen: list[int | _NewSpeaker] = []
        for entry, keys in zip(speakers, keyed, strict=True):
            ref = owner.get(normalise_name(entry.name))  # by its own name, as SQLite decides it
            if ref is None:
                ref = _NewSpeaker(len(created), entry.name, entry.short)
                created.append(ref)
            elif isinstance(ref, _NewSpeaker):
                ref.short = ref.short or entry.short
            elif entry.short:
                shorts.setdefault(ref, entry.short)
            for key, name in keys:
                if key not in owner:
                    owner[key] = ref
                    names.append((key, ref, name))
            chosen.append(ref)

        new_ids: list[int] = []
        if created:
            inserted = await conn.fetch(
                "INSERT INTO speakers (guild_id, name, short_name) "
                "SELECT $1, u.name, u.short FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(name, short, ord) "
                "ORDER BY u.ord RETURNING id",
                guild_id,
                [s.name for s in created],
                [s.short for s in created],
            )
            new_ids = sorted(row["id"] for row in inserted)

        def resolved(ref: int | _NewSpeaker) -> int:
            return new_ids[ref.index] if isinstance(ref, _NewSpeaker) else ref

        renamed = sorted({ref for _key, ref, _name in names if not isinstance(ref, _NewSpeaker)})
        if renamed:
            # Hold the speakers whose claims are re-indexed below; see bot.store.postgres.search.
            await conn.execute(
                "SELECT 1 FROM speakers WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE", renamed
            )
        if shorts:
            await conn.execute(
                "UPDATE speakers s SET short_name = u.short FROM unnest($1::bigint[], $2::text[]) AS u(id, short) "
                "WHERE s.id = u.id AND s.short_name = ''",
                list(shorts),
                list(shorts.values()),
            )
        if names:
            await conn.execute(
                "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) "
                "SELECT $1, u.norm, u.speaker_id, u.name FROM unnest($2::text[], $3::bigint[], $4::text[]) "
                "AS u(norm, speaker_id, name) ON CONFLICT (guild_id, norm) DO NOTHING",
                guild_id,
                [key for key, _ref, _name in names],
                [resolved(ref) for _key, ref, _name in names],
                [name for _key, _ref, name in names],
            )
        if renamed:
            await search.reindex_speakers(conn, renamed)
        return [resolved(ref) for ref in chosen]

    # ----------------------------------------------------------------------------- claims

    async def insert_claims(self, guild_id: int, rows: Sequence[ClaimRow]) -> list[int]:
        _require_bindable(guild_id, *(r.number for r in rows), *(r.speaker_id for r in rows))
        _require_bindable(*(r.story_id for r in rows))
        if not rows:
            return []
        conn = self._conn
        speaker_ids = sorted({r.speaker_id for r in rows})
        # Hold the speakers, then read their names: a name added meanwhile is seen, or its transaction
        # waits for ours and re-indexes these claims too.
        await conn.execute(
            "SELECT 1 FROM speakers WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE", speaker_ids
        )
        names = await search.names_of(conn, speaker_ids)
        aliases = (await search.aliases_of(conn, [guild_id]))[guild_id]
        texts = [_claim_text(r, names.get(r.speaker_id, ())) for r in rows]
        inserted = await conn.fetch(
            f"""
            WITH u AS (
                SELECT * FROM unnest($2::bigint[], $3::text[], $4::bool[], $5::bigint[], $6::text[], $7::text[],
                                     $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[],
                                     $14::text[], $15::bool[], $16::timestamptz[], $17::text[], $18::text[])
                       WITH ORDINALITY AS u(number, statement, verbatim, speaker_id, role, venue, said_when,
                                            story_id, attribution, verdict, rationale, seed_key, seed_fingerprint,
                                            moderated, at, terms, profile, ord)
            ), added AS (
                INSERT INTO claims (guild_id, number, statement, verbatim, speaker_id, role, venue, said_when,
                                    story_id, attribution, verdict, rationale, seed_key, seed_fingerprint,
                                    moderated, created_at, updated_at, profile)
                SELECT $1, u.number, u.statement, u.verbatim, u.speaker_id, u.role, u.venue, u.said_when,
                       u.story_id, u.attribution, u.verdict, u.rationale, u.seed_key, u.seed_fingerprint,
                       u.moderated, u.at, u.at, u.profile
                  FROM u ORDER BY u.ord
                RETURNING id, number
            ), indexed AS (
                INSERT INTO claim_terms (claim_id, guild_id, terms)
                SELECT added.id, $1, {search.TERMS_FROM_JSON.format("u.terms")}
                  FROM added JOIN u ON u.number = added.number
            )
            SELECT id, number FROM added
            """,
            guild_id,
            [r.number for r in rows],
            [r.claim.statement for r in rows],
            [r.claim.verbatim for r in rows],
            [r.speaker_id for r in rows],
            [r.claim.role for r in rows],
            [r.claim.venue for r in rows],
            [r.claim.said_when for r in rows],
            [r.story_id for r in rows],
            [str(r.claim.attribution) for r in rows],
            [str(r.claim.verdict) for r in rows],
            [r.claim.rationale for r in rows],
            [r.seed_key for r in rows],
            [r.seed_fingerprint for r in rows],
            [r.moderated for r in rows],
            [r.at for r in rows],
            [search.lexemes(guild_id, text, aliases) for text in texts],
            [encode_profile(text, aliases) for text in texts],
        )
        by_number = {row["number"]: row["id"] for row in inserted}
        ids = [by_number[r.number] for r in rows]
        evidence = [
            EvidenceRow(claim_id, item.url, item.note, r.at)
            for claim_id, r in zip(ids, rows, strict=True)
            for item in r.claim.evidence
        ]
        await self._insert_evidence(evidence)  # its notes are in the terms already
        return ids

    async def update_claim(
        self,
        claim_id: int,
        revision: int,
        fields: ClaimFields,
        *,
        at: datetime,
        moderated: bool,
        evidence: Sequence[EvidenceRow] = (),
    ) -> bool:
        if not bindable(claim_id, revision, fields.speaker_id):
            return False
        params: list[object] = [claim_id, revision]
        sets = []
        for column in CLAIM_COLUMNS:
            value = getattr(fields, column)
            if value is not None:
                params.append(str(value) if column in ("attribution", "verdict") else value)
                sets.append(f"{column} = ${len(params)}")
        params += [at, moderated]
        sets += [f"updated_at = ${len(params) - 1}", f"moderated = moderated OR ${len(params)}"]
        # Compare-and-set in the statement itself: under READ COMMITTED a concurrent change that
        # committed first makes `revision = $2` false when this UPDATE re-checks the row, and nothing
        # is written.
        changed = await self._conn.fetch(
            f"UPDATE claims SET {', '.join(sets)}, revision = revision + 1 WHERE id = $1 AND revision = $2 "
            "RETURNING id, guild_id, speaker_id, statement, role, venue, said_when, rationale",
            *params,
        )
        if not changed:
            return False
        await self._insert_evidence(evidence)  # before the terms: they hold its notes
        if any(getattr(fields, column) is not None for column in INDEXED_COLUMNS) or any(r.note for r in evidence):
            await search.write_terms(self._conn, changed)
        return True

    async def _insert_evidence(self, rows: Sequence[EvidenceRow]) -> None:
        if not rows:
            return
        _require_bindable(*(r.claim_id for r in rows))
        await self._conn.execute(
            "INSERT INTO evidence (claim_id, url, note, added_at) "
            "SELECT u.claim_id, u.url, u.note, u.at "
            "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) "
            "WITH ORDINALITY AS u(claim_id, url, note, at, ord) ORDER BY u.ord",
            [r.claim_id for r in rows],
            [r.url for r in rows],
            [r.note for r in rows],
            [r.at for r in rows],
        )

    async def add_aliases(self, guild_id: int, aliases: Sequence[Alias], *, keep_removed: bool = False) -> list[Alias]:
        _require_bindable(guild_id)
        wanted = [(alias, normalise_name(alias.name)) for alias in aliases]
        wanted = [(alias, norm) for alias, norm in wanted if norm]
        if not wanted:
            return []
        # The guild's row, as reserve_numbers holds it while claims are added: a claim inserted meanwhile
        # either sees these names or is re-indexed below, after its commit.
        await self._conn.execute("SELECT 1 FROM guilds WHERE id = $1 FOR UPDATE", guild_id)
        inserted = await self._conn.fetch(
            "INSERT INTO aliases (guild_id, entity, name, norm, note, actor_id, actor_name, added_at) "
            "SELECT $1, u.entity, u.name, u.norm, u.note, u.actor_id, u.actor_name, u.at "
            "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[]) "
            "WITH ORDINALITY AS u(entity, name, norm, note, actor_id, actor_name, at, ord) "
            # A story's names skip one the guild ever had: a moderator's removal outlasts the next start.
            "WHERE NOT $9 OR NOT EXISTS (SELECT 1 FROM aliases a WHERE a.guild_id = $1 AND a.norm = u.norm) "
            "ORDER BY u.ord ON CONFLICT (guild_id, norm) WHERE removed_at IS NULL DO NOTHING RETURNING norm",
            guild_id,
            [a.entity for a, _n in wanted],
            [a.name for a, _n in wanted],
            [n for _a, n in wanted],
            [a.note for a, _n in wanted],
            [a.actor.id for a, _n in wanted],
            [a.actor.name for a, _n in wanted],
            [alias_time(a) for a, _n in wanted],
            keep_removed,
        )
        new = {row["norm"] for row in inserted}
        added: list[Alias] = []
        for alias, norm in wanted:  # the first of two entries with one name is the one inserted
            if norm in new:
                new.discard(norm)
                added.append(alias)
        await search.reindex_written_with(self._conn, guild_id, [n for a in added for n in (a.name, a.entity)])
        return added

    async def remove_alias(self, guild_id: int, name: str, removal: AliasRemoval) -> Alias | None:
        norm = normalise_name(name)
        if not norm or not bindable(guild_id) or not storable(norm):
            return None
        # The guild's row, as add_aliases holds it: a claim added meanwhile sees the names either before
        # or after, and is re-indexed below in the second case.
        await self._conn.execute("SELECT 1 FROM guilds WHERE id = $1 FOR UPDATE", guild_id)
        found = await self._conn.fetchrow(
            "UPDATE aliases SET removed_at = $3, removed_note = $4, removed_actor_id = $5, removed_actor_name = $6 "
            "WHERE guild_id = $1 AND norm = $2 AND removed_at IS NULL "
            "RETURNING entity, name, note, actor_id, actor_name, added_at, removed_note, removed_actor_id, "
            "removed_actor_name, removed_at",
            guild_id,
            norm,
            removal.at,
            removal.note,
            removal.actor.id,
            removal.actor.name,
        )
        if found is None:
            return None
        removed = alias_of(found)
        # The claims written with it lose its entity's term (and with the entity's own name, if this was
        # the entity's last other name: the name alone then stands for nothing).
        await search.reindex_written_with(self._conn, guild_id, [removed.name, removed.entity])
        return removed

    async def add_relations(self, rows: Sequence[RelationRow]) -> int:
        if not rows:
            return 0
        _require_bindable(*(r.guild_id for r in rows), *(r.source_id for r in rows), *(r.target_id for r in rows))
        added = await self._conn.fetch(
            "INSERT INTO relations (guild_id, source_id, kind, target_id, note, created_at) "
            "SELECT u.guild_id, u.source_id, u.kind, u.target_id, u.note, u.at "
            "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[]) "
            "WITH ORDINALITY AS u(guild_id, source_id, kind, target_id, note, at, ord) ORDER BY u.ord "
            "ON CONFLICT (source_id, kind, target_id) DO NOTHING RETURNING id",
            [r.guild_id for r in rows],
            [r.source_id for r in rows],
            [str(r.kind) for r in rows],
            [r.target_id for r in rows],
            [r.note for r in rows],
            [r.at for r in rows],
        )
        return len(added)

    async def record(self, rows: Sequence[HistoryRow]) -> list[Change]:
        if not rows:
            return []
        _require_bindable(*(r.guild_id for r in rows), *(r.claim_id for r in rows), *(r.actor.id for r in rows))
        inserted = await self._conn.fetch(
            "INSERT INTO history (guild_id, claim_id, field, old_value, new_value, note, source_url, "
            "actor_id, actor_name, at) "
            "SELECT u.guild_id, u.claim_id, u.field, u.old_value, u.new_value, u.note, u.source_url, "
            "u.actor_id, u.actor_name, u.at "
            "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
            "$8::bigint[], $9::text[], $10::timestamptz[]) "
            "WITH ORDINALITY AS u(guild_id, claim_id, field, old_value, new_value, note, source_url, "
            "actor_id, actor_name, at, ord) ORDER BY u.ord "
            "RETURNING id, at",
            [r.guild_id for r in rows],
            [r.claim_id for r in rows],
            [r.field for r in rows],
            [r.old_value for r in rows],
            [r.new_value for r in rows],
            [r.note for r in rows],
            [r.source_url for r in rows],
            [r.actor.id for r in rows],
            [r.actor.name for r in rows],
            [r.at for r in rows],
        )
        stored = sorted((row["id"], row["at"]) for row in inserted)
        return [
            Change(change_id, r.claim_number, r.field, r.old_value, r.new_value, r.note, r.source_url, r.actor, at)
            for (change_id, at), r in zip(stored, rows, strict=True)
        ]


def _claim_text(row: ClaimRow, names: Sequence[str]) -> ClaimText:
    claim = row.claim
    return ClaimText(
        statement=claim.statement,
        speaker_names=tuple(sorted(names)),
        role=claim.role,
        venue=claim.venue,
        said_when=claim.said_when,
        rationale=claim.rationale,
        notes=tuple(e.note for e in claim.evidence if e.note),
    )
