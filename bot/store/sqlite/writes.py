"""Every write of the SQLite store, inside the one IMMEDIATE transaction the store's writer holds.

The search index is kept in step here (the analyser runs in Python, so no trigger can); the counts
and the append-only history are kept by the schema's triggers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import aiosqlite

from bot.domain.claims import Actor, Alias, AliasRemoval, Change, Story
from bot.domain.names import normalise_name
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
from bot.store.sqlite import guild_copy, index
from bot.store.sqlite.follows import FollowTx
from bot.store.sqlite.intake import SqliteIntakeTx
from bot.store.sqlite.reads import SqliteReads
from bot.store.sqlite.rows import stamp
from bot.store.sqlite.stories import SqliteStoryTx

MAX_VARIABLES = 30_000  # below SQLite's default SQLITE_MAX_VARIABLE_NUMBER (32,766)
ALIAS_BATCH = MAX_VARIABLES // 8  # eight values a row


class SqliteTx(FollowTx, SqliteReads, SqliteStoryTx, SqliteIntakeTx):
    def __init__(self, db: aiosqlite.Connection) -> None:
        super().__init__()
        self._db = db
        # Whether this unit of work wrote rows of the search index: the store then counts it towards
        # merging the index's b-trees (SqliteStore.transaction, index.tidy).
        self.wrote_index = False

    @property
    def db(self) -> aiosqlite.Connection:
        return self._db

    async def create_guilds(self, guild_ids: Sequence[int], at: datetime) -> set[int]:
        if not guild_ids:
            return set()
        found = await self._all(
            "INSERT INTO guilds (id, created_at) SELECT value, ? FROM json_each(?) ORDER BY value "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            (stamp(at), json.dumps(sorted(set(guild_ids)))),
        )
        return {int(r[0]) for r in found}

    async def copy_seeded_guild(self, source_id: int, guild_ids: Sequence[int]) -> None:
        self.wrote_index = True
        await guild_copy.copy_guild(self.db, source_id, guild_ids)

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        moderator_role_id: int | None,
        announce_channel_id: int | None,
        desk_name: str | None = None,
        desk_url: str | None = None,
    ) -> None:
        await self.db.execute(
            "UPDATE guilds SET moderator_role_id = ?, announce_channel_id = ?, "
            "desk_name = coalesce(?, desk_name), desk_url = coalesce(?, desk_url) WHERE id = ?",
            (moderator_role_id, announce_channel_id, desk_name, desk_url, guild_id),
        )

    async def reserve_numbers(self, guild_id: int, count: int) -> int | None:
        row = await self._one(
            "UPDATE guilds SET next_claim_number = next_claim_number + ? WHERE id = ? RETURNING next_claim_number - ?",
            (count, guild_id, count),
        )
        return None if row is None else int(row[0])

    async def upsert_story(self, guild_id: int, story: Story) -> int:
        row = await self._one(
            "INSERT INTO stories (guild_id, slug, title, publisher, url, published) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, slug) DO UPDATE SET "
            "title = CASE WHEN stories.moderated THEN stories.title ELSE excluded.title END, "
            "publisher = CASE WHEN stories.moderated THEN stories.publisher ELSE excluded.publisher END, "
            "url = CASE WHEN stories.moderated THEN stories.url ELSE excluded.url END, "
            "published = CASE WHEN stories.moderated THEN stories.published ELSE excluded.published END "
            "RETURNING id",
            (guild_id, story.slug, story.title, story.publisher, story.url, story.published.isoformat()),
        )
        assert row is not None
        return int(row[0])

    async def speaker_ids(self, guild_id: int, speakers: Sequence[SpeakerNames]) -> list[int]:
        """As if each were looked up in turn: a name already known (or named earlier in `speakers`) is
        that speaker; otherwise a new one. A handful of statements, however many speakers."""
        keys = {normalise_name(n) for s in speakers for n in (s.name, *s.variants)} - {""}
        owner: dict[str, int | str] = {}  # norm -> speaker id, or the name of a speaker still to insert
        if keys:
            placeholders = ",".join("?" * len(keys))
            known = await self._all(
                f"SELECT norm, speaker_id FROM speaker_names WHERE guild_id = ? AND norm IN ({placeholders})",
                (guild_id, *keys),
            )
            owner.update({r[0]: int(r[1]) for r in known})
        new_people: dict[str, str] = {}  # name -> short name, in order
        new_names: list[tuple[str, int | str, str]] = []
        shorts: list[tuple[str, int]] = []
        chosen: list[int | str] = []
        for speaker in speakers:
            person = owner.get(normalise_name(speaker.name))
            if person is None:
                person = speaker.name
                new_people[person] = speaker.short
            elif isinstance(person, int) and speaker.short:
                shorts.append((speaker.short, person))
            for spelling in (speaker.name, *speaker.variants):
                key = normalise_name(spelling)
                if key and key not in owner:
                    owner[key] = person
                    new_names.append((key, person, spelling))
            chosen.append(person)
        ids: dict[str, int] = {}
        if new_people:
            # One statement for every new speaker; RETURNING promises no order, so map by name (unique
            # among them: two names with one key are one speaker).
            found = await self._all(
                "INSERT INTO speakers (guild_id, name, short_name) VALUES "
                + ", ".join(["(?, ?, ?)"] * len(new_people))
                + " RETURNING id, name",
                [value for name, short in new_people.items() for value in (guild_id, name, short)],
            )
            ids = {str(r[1]): int(r[0]) for r in found}

        def resolved(person: int | str) -> int:
            return person if isinstance(person, int) else ids[person]

        if shorts:
            await self.db.executemany("UPDATE speakers SET short_name = ? WHERE id = ? AND short_name = ''", shorts)
        if new_names:
            await self.db.executemany(
                "INSERT INTO speaker_names (guild_id, norm, speaker_id, name) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, norm) DO NOTHING",
                [(guild_id, key, resolved(person), spelling) for key, person, spelling in new_names],
            )
            # A known speaker with a new name is found by it in the claims it already has.
            renamed = sorted({p for _k, p, _s in new_names if isinstance(p, int)})
            if renamed:
                await self._reindex(f"c.speaker_id IN ({','.join('?' * len(renamed))})", renamed)
        return [resolved(person) for person in chosen]

    async def insert_claims(self, guild_id: int, rows: Sequence[ClaimRow]) -> list[int]:
        columns = (
            "guild_id", "number", "statement", "verbatim", "speaker_id", "role", "venue", "said_when",
            "story_id", "attribution", "verdict", "rationale", "seed_key", "seed_fingerprint", "moderated",
            "created_at", "updated_at",
        )  # fmt: skip
        values = [
            (
                guild_id, row.number, row.claim.statement, int(row.claim.verbatim), row.speaker_id, row.claim.role,
                row.claim.venue, row.claim.said_when, row.story_id, row.claim.attribution.value,
                row.claim.verdict.value, row.claim.rationale, row.seed_key, row.seed_fingerprint, int(row.moderated),
                stamp(row.at), stamp(row.at),
            )
            for row in rows
        ]  # fmt: skip
        ids: dict[int, int] = {}
        per_statement = max(1, MAX_VARIABLES // len(columns))
        row_sql = f"({', '.join('?' * len(columns))})"
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            # RETURNING promises no order: map by number, unique in the guild.
            found = await self._all(
                f"INSERT INTO claims ({', '.join(columns)}) VALUES {', '.join([row_sql] * len(chunk))} "
                "RETURNING id, number",
                [value for row in chunk for value in row],
            )
            ids.update({int(r[1]): int(r[0]) for r in found})
        claim_ids = [ids[row.number] for row in rows]
        # Indexed below, evidence notes and all.
        await self._insert_evidence(
            [EvidenceRow(ids[row.number], e.url, e.note, row.at) for row in rows for e in row.claim.evidence]
        )
        if claim_ids:
            await self._reindex(f"c.id IN ({','.join('?' * len(claim_ids))})", claim_ids, new=True)
        return claim_ids

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
        changed = {name: getattr(fields, name) for name in CLAIM_COLUMNS if getattr(fields, name) is not None}
        if "verbatim" in changed:
            changed["verbatim"] = int(changed["verbatim"])
        sets = "".join(f"{name} = ?, " for name in changed)
        cursor = await self.db.execute(
            f"UPDATE claims SET {sets}revision = revision + 1, updated_at = ?, moderated = moderated OR ? "
            "WHERE id = ? AND revision = ?",
            (*changed.values(), stamp(at), int(moderated), claim_id, revision),
        )
        if cursor.rowcount != 1:
            return False
        await self._insert_evidence(evidence)
        if INDEXED_COLUMNS & changed.keys() or any(row.note for row in evidence):
            await self._reindex("c.id = ?", (claim_id,))
        return True

    async def _reindex(self, where: str, params: Sequence[object], *, new: bool = False) -> int:
        self.wrote_index = True
        return await index.reindex(self.db, where, params, new=new)

    async def _insert_evidence(self, rows: Sequence[EvidenceRow]) -> None:
        if rows:
            await self.db.executemany(
                "INSERT INTO evidence (claim_id, url, note, added_at) VALUES (?, ?, ?, ?)",
                [(r.claim_id, r.url, r.note, stamp(r.at)) for r in rows],
            )

    async def add_aliases(self, guild_id: int, aliases: Sequence[Alias], *, keep_removed: bool = False) -> list[Alias]:
        wanted = [(alias, normalise_name(alias.name), alias_time(alias)) for alias in aliases]
        wanted = [(alias, norm, at) for alias, norm, at in wanted if norm]
        new: set[str] = set()
        # A story's names skip one the guild ever had: a moderator's removal outlasts the next start.
        never_had = (
            " AND NOT EXISTS (SELECT 1 FROM aliases a WHERE a.guild_id = v.column1 AND a.norm = v.column4)"
            if keep_removed
            else ""
        )
        # One statement for many names (a seed story brings ~50 into every new guild): each statement is
        # a trip to aiosqlite's thread.
        for start in range(0, len(wanted), ALIAS_BATCH):
            batch = wanted[start : start + ALIAS_BATCH]
            inserted = await self.db.execute_fetchall(
                "INSERT INTO aliases (guild_id, entity, name, norm, note, actor_id, actor_name, added_at) "
                f"SELECT * FROM (VALUES {', '.join(['(?, ?, ?, ?, ?, ?, ?, ?)'] * len(batch))}) AS v "
                f"WHERE true{never_had} "
                "ON CONFLICT (guild_id, norm) WHERE removed_at IS NULL DO NOTHING RETURNING norm",
                [
                    value
                    for alias, norm, at in batch
                    for value in (
                        guild_id,
                        alias.entity,
                        alias.name,
                        norm,
                        alias.note,
                        alias.actor.id,
                        alias.actor.name,
                        stamp(at),
                    )
                ],
            )
            new.update(row[0] for row in inserted)
        added: list[Alias] = []
        for alias, norm, at in wanted:  # the first of two entries with one name is the one inserted
            if norm in new:
                new.discard(norm)
                added.append(replace(alias, at=at))
        # The claims written with a new name (or with a new entity's own name) get its entity's term.
        await self._reindex_written_with(guild_id, [name for a in added for name in (a.name, a.entity)])
        return added

    async def remove_alias(self, guild_id: int, name: str, removal: AliasRemoval) -> Alias | None:
        norm = normalise_name(name)
        if not norm or not bindable(guild_id):
            return None
        found = await self.db.execute_fetchall(
            "UPDATE aliases SET removed_at = ?, removed_note = ?, removed_actor_id = ?, removed_actor_name = ? "
            "WHERE guild_id = ? AND norm = ? AND removed_at IS NULL "
            "RETURNING entity, name, note, actor_id, actor_name, added_at",
            (stamp(removal.at), removal.note, removal.actor.id, removal.actor.name, guild_id, norm),
        )
        if not found:
            return None
        r = next(iter(found))
        removed = Alias(r[0], r[1], r[2], Actor(r[3], r[4]), datetime.fromisoformat(r[5]), removal)
        # The claims written with it lose its entity's term (and with the entity's own name, if this was
        # the entity's last other name: the name alone then stands for nothing).
        await self._reindex_written_with(guild_id, [removed.name, removed.entity])
        return removed

    async def _reindex_written_with(self, guild_id: int, names: Sequence[str]) -> None:
        """A guild without claims yet (a new guild being seeded) has none to look for: the MATCH would
        still walk the index's segments for every name, and building it costs ~0.8 ms for a story's ~50."""
        if not await self._one("SELECT 1 FROM claims WHERE guild_id = ? LIMIT 1", (guild_id,)):
            return
        written = index.written_with(guild_id, names)
        if written is not None:
            await self._reindex("c.id IN (SELECT rowid FROM claim_fts WHERE claim_fts MATCH ?)", (written,))

    async def add_relations(self, rows: Sequence[RelationRow]) -> int:
        if not rows:
            return 0
        before = self.db.total_changes
        await self.db.executemany(
            "INSERT INTO relations (guild_id, source_id, kind, target_id, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(r.guild_id, r.source_id, r.kind.value, r.target_id, r.note, stamp(r.at)) for r in rows],
        )
        return self.db.total_changes - before

    async def record(self, rows: Sequence[HistoryRow]) -> list[Change]:
        if not rows:
            return []
        values = [
            (
                r.guild_id, r.claim_id, r.field, r.old_value, r.new_value, r.note, r.source_url, r.actor.id,
                r.actor.name, stamp(r.at),
            )
            for r in rows
        ]  # fmt: skip
        await self.db.executemany(
            "INSERT INTO history (guild_id, claim_id, field, old_value, new_value, note, source_url, actor_id, "
            "actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        # Consecutive ids: this transaction holds the write lock, and a new row's id is one more than the
        # largest (history has no AUTOINCREMENT and rows are never deleted).
        last = await self._one("SELECT last_insert_rowid()")
        assert last is not None
        first = int(last[0]) - len(rows) + 1
        return [
            Change(first + n, r.claim_number, r.field, r.old_value, r.new_value, r.note, r.source_url, r.actor, r.at)
            for n, r in enumerate(rows)
        ]
