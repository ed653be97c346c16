"""Following and corrections on PostgreSQL: follows, the outbox and its leases, remembered posts, the marks.

Several shard processes share one database, so the outbox is taken with a lease in one statement:
`UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) AND <lease still free> RETURNING`. A row locked by
another sender's statement is skipped, and one that another sender leased and committed meanwhile fails
the re-checked lease condition (READ COMMITTED re-evaluates the WHERE on the newest row version), so each
row goes to one sender.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from bot.domain.follows import (
    EditProblem,
    Followed,
    FollowKind,
    NewOutboxItem,
    NewPostedMessage,
    OutboxItem,
    OutboxKind,
    PostedKind,
    PostedMessage,
    Shards,
)
from bot.store.base import ShownClaim, bindable, bounded, posted_values
from bot.store.postgres.pool import Queries

OUTBOX_COLUMNS = "id, guild_id, kind, recipient, payload, created_at, due_at, attempts"
POSTED_COLUMNS = """
    p.id, p.guild_id, p.claim_id, c.number, p.channel_id, p.message_id, p.kind, p.shown_verdict,
    p.shown_attribution, p.shown_revision, p.content, p.posted_at
"""


def shard_filter(shards: Shards | None, first: int) -> tuple[str, tuple[object, ...]]:
    """`AND` the guild's shard is one of these, with parameters numbered from `first`."""
    if shards is None:
        return "", ()
    return f" AND ((guild_id >> 22) % ${first}) = ANY(${first + 1}::bigint[])", (shards.count, list(shards.ids))


def outbox_item(row: asyncpg.Record) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=OutboxKind(row["kind"]),
        recipient=row["recipient"],
        payload=json.loads(row["payload"]),
        created_at=row["created_at"],
        due_at=row["due_at"],
        attempts=row["attempts"],
    )


def posted(row: asyncpg.Record) -> PostedMessage:
    return PostedMessage(
        id=row[0],
        guild_id=row[1],
        claim_id=row[2],
        claim_number=row[3],
        channel_id=row[4],
        message_id=row[5],
        kind=PostedKind(row[6]),
        shown_verdict=row[7],
        shown_attribution=row[8],
        shown_revision=row[9],
        content=row[10],
        posted_at=row[11],
    )


class PgFollowReads:
    """Reads, mixed into PgReads (the pool or a transaction's connection)."""

    _db: Queries

    async def follows(self, guild_id: int, user_id: int, *, offset: int, limit: int) -> tuple[list[Followed], int]:
        if not bindable(guild_id, user_id):
            return [], 0
        found = await self._db.fetch(
            """
            SELECT f.kind, f.target_id, f.created_at, c.number,
                   CASE f.kind WHEN 'claim' THEN c.statement WHEN 'speaker' THEN s.name ELSE st.title END AS name,
                   count(*) OVER () AS total
              FROM follows f
              LEFT JOIN claims c ON f.kind = 'claim' AND c.id = f.target_id AND c.guild_id = f.guild_id
              LEFT JOIN speakers s ON f.kind = 'speaker' AND s.id = f.target_id AND s.guild_id = f.guild_id
              LEFT JOIN stories st ON f.kind = 'story' AND st.id = f.target_id AND st.guild_id = f.guild_id
             WHERE f.guild_id = $1 AND f.user_id = $2
             ORDER BY f.created_at DESC, f.kind, f.target_id LIMIT $3 OFFSET $4
            """,
            guild_id,
            user_id,
            bounded(limit),
            bounded(offset),
        )
        if found:
            total = int(found[0]["total"])
        else:
            total = int(
                await self._db.fetchval(
                    "SELECT count(*) FROM follows WHERE guild_id = $1 AND user_id = $2", guild_id, user_id
                )
            )
        items = [
            Followed(
                FollowKind(r["kind"]),
                r["target_id"],
                r["name"] or "",
                r["number"] if r["kind"] == "claim" else None,
                r["created_at"],
            )
            for r in found
        ]
        return items, total

    async def followers(self, guild_id: int, claim_id: int, speaker_ids: Sequence[int]) -> list[int]:
        speakers = [s for s in speaker_ids if bindable(s)]
        found = await self._db.fetch(
            """
            SELECT user_id FROM follows WHERE guild_id = $1 AND kind = 'claim' AND target_id = $2
            UNION
            SELECT user_id FROM follows WHERE guild_id = $1 AND kind = 'story'
               AND target_id = (SELECT story_id FROM claims WHERE id = $2 AND guild_id = $1)
            UNION
            SELECT user_id FROM follows WHERE guild_id = $1 AND kind = 'speaker' AND target_id = ANY($3::bigint[])
            ORDER BY 1
            """,
            guild_id,
            claim_id,
            speakers,
        )
        return [int(r[0]) for r in found]

    async def is_following(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool:
        if not bindable(guild_id, user_id, target_id):
            return False
        found = await self._db.fetchval(
            "SELECT 1 FROM follows WHERE guild_id = $1 AND user_id = $2 AND kind = $3 AND target_id = $4",
            guild_id,
            user_id,
            kind.value,
            target_id,
        )
        return found is not None

    async def posted_messages(self, guild_id: int, claim_id: int) -> list[PostedMessage]:
        if not bindable(guild_id, claim_id):
            return []
        found = await self._db.fetch(
            f"SELECT {POSTED_COLUMNS} FROM posted_messages p JOIN claims c ON c.id = p.claim_id "
            "WHERE p.guild_id = $1 AND p.claim_id = $2 ORDER BY p.id",
            guild_id,
            claim_id,
        )
        return [posted(r) for r in found]

    async def posted_message(self, guild_id: int, posted_id: int) -> PostedMessage | None:
        if not bindable(guild_id, posted_id):
            return None
        row = await self._db.fetchrow(
            f"SELECT {POSTED_COLUMNS} FROM posted_messages p JOIN claims c ON c.id = p.claim_id "
            "WHERE p.guild_id = $1 AND p.id = $2",
            guild_id,
            posted_id,
        )
        return None if row is None else posted(row)

    async def outbox_next_due(self, shards: Shards | None) -> datetime | None:
        where, params = shard_filter(shards, 1)
        value: datetime | None = await self._db.fetchval(
            f"SELECT min(due_at) FROM outbox WHERE done_at IS NULL{where}", *params
        )
        return value

    async def outbox_pending(self, guild_id: int | None = None) -> int:
        if guild_id is None:
            return int(await self._db.fetchval("SELECT count(*) FROM outbox WHERE done_at IS NULL"))
        return int(
            await self._db.fetchval("SELECT count(*) FROM outbox WHERE done_at IS NULL AND guild_id = $1", guild_id)
        )

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        if not bindable(guild_id, user_id):
            return False
        found = await self._db.fetchval(
            "SELECT 1 FROM dm_closed WHERE guild_id = $1 AND user_id = $2", guild_id, user_id
        )
        return found is not None

    async def edit_problems(self, guild_id: int) -> list[EditProblem]:
        if not bindable(guild_id):
            return []
        found = await self._db.fetch(
            "SELECT channel_id, code, at FROM edit_problems WHERE guild_id = $1 ORDER BY at, channel_id", guild_id
        )
        return [EditProblem(int(r[0]), int(r[1]), r[2]) for r in found]


class PgFollowTx(PgFollowReads):
    """Writes, on the transaction's connection."""

    _conn: Any

    async def add_follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int, at: datetime) -> bool:
        found = await self._conn.fetch(
            "INSERT INTO follows (guild_id, user_id, kind, target_id, created_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT DO NOTHING RETURNING 1",
            guild_id,
            user_id,
            kind.value,
            target_id,
            at,
        )
        return bool(found)

    async def remove_follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool:
        if not bindable(guild_id, user_id, target_id):
            return False
        found = await self._conn.fetch(
            "DELETE FROM follows WHERE guild_id = $1 AND user_id = $2 AND kind = $3 AND target_id = $4 RETURNING 1",
            guild_id,
            user_id,
            kind.value,
            target_id,
        )
        return bool(found)

    async def enqueue(self, items: Sequence[NewOutboxItem]) -> int:
        if not items:
            return 0
        await self._conn.execute(
            "INSERT INTO outbox (guild_id, kind, recipient, payload, created_at, due_at) "
            "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], "
            "$6::timestamptz[])",
            [i.guild_id for i in items],
            [i.kind.value for i in items],
            [i.recipient for i in items],
            [json.dumps(i.payload) for i in items],
            [i.at for i in items],
            [i.due_at for i in items],
        )
        return len(items)

    async def remember_messages(self, rows: Sequence[NewPostedMessage], keep: int) -> list[int]:
        if not rows:
            return []
        # One row an element of every array, inserted in the arrays' order (ORDER BY ord).
        found = await self._conn.fetch(
            "INSERT INTO posted_messages (guild_id, claim_id, channel_id, message_id, kind, shown_verdict, "
            "shown_attribution, shown_revision, content, posted_at) "
            "SELECT guild_id, claim_id, channel_id, message_id, kind, shown_verdict, shown_attribution, "
            "shown_revision, content, posted_at FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], "
            "$5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::timestamptz[]) WITH ORDINALITY "
            "AS r (guild_id, claim_id, channel_id, message_id, kind, shown_verdict, shown_attribution, "
            "shown_revision, content, posted_at, ord) ORDER BY ord "
            "ON CONFLICT (message_id) DO NOTHING RETURNING id, message_id",
            *(list(column) for column in zip(*(posted_values(r) for r in rows), strict=True)),
        )
        await self._conn.execute(
            "DELETE FROM posted_messages WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
            "(PARTITION BY claim_id ORDER BY id DESC) AS n FROM posted_messages WHERE claim_id = ANY($1::bigint[])) "
            "AS ranked WHERE n > $2)",
            sorted({r.claim_id for r in rows}),
            keep,
        )
        new = {int(r["message_id"]): int(r["id"]) for r in found}
        return [new.pop(r.message_id, 0) for r in rows]  # a message twice in `rows`: its first is the new row

    async def forget_message(self, guild_id: int, posted_id: int) -> None:
        await self._conn.execute("DELETE FROM posted_messages WHERE guild_id = $1 AND id = $2", guild_id, posted_id)

    async def claim_outbox(
        self, owner: str, now: datetime, until: datetime, limit: int, shards: Shards | None
    ) -> list[OutboxItem]:
        where, params = shard_filter(shards, 5)
        free = "done_at IS NULL AND (leased_until IS NULL OR leased_until <= $3)"
        found = await self._conn.fetch(
            f"UPDATE outbox SET lease_owner = $1, leased_until = $2, attempts = attempts + 1 "
            f"WHERE id IN (SELECT id FROM outbox WHERE {free} AND due_at <= $3{where} "
            f"ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) "
            f"AND {free} RETURNING {OUTBOX_COLUMNS}",
            owner,
            until,
            now,
            limit,
            *params,
        )
        return sorted((outbox_item(r) for r in found), key=lambda i: (i.due_at, i.id))

    async def claim_outbox_group(
        self, owner: str, now: datetime, until: datetime, guild_id: int, kind: OutboxKind, recipient: int
    ) -> list[OutboxItem]:
        free = "done_at IS NULL AND (leased_until IS NULL OR leased_until <= $3)"
        found = await self._conn.fetch(
            f"UPDATE outbox SET lease_owner = $1, leased_until = $2, attempts = attempts + 1 "
            f"WHERE id IN (SELECT id FROM outbox WHERE guild_id = $4 AND kind = $5 AND recipient = $6 AND {free} "
            f"FOR UPDATE SKIP LOCKED) AND {free} RETURNING {OUTBOX_COLUMNS}",
            owner,
            until,
            now,
            guild_id,
            kind.value,
            recipient,
        )
        return sorted((outbox_item(r) for r in found), key=lambda i: (i.due_at, i.id))

    async def finish_outbox(self, ids: Sequence[int], owner: str, at: datetime, outcome: str) -> int:
        found = await self._conn.fetch(
            "UPDATE outbox SET done_at = $1, outcome = $2, leased_until = NULL "
            "WHERE id = ANY($3::bigint[]) AND lease_owner = $4 AND done_at IS NULL RETURNING 1",
            at,
            outcome[:200],
            list(ids),
            owner,
        )
        return len(found)

    async def retry_outbox(self, ids: Sequence[int], owner: str, due_at: datetime) -> int:
        found = await self._conn.fetch(
            "UPDATE outbox SET due_at = $1, lease_owner = NULL, leased_until = NULL "
            "WHERE id = ANY($2::bigint[]) AND lease_owner = $3 AND done_at IS NULL RETURNING 1",
            due_at,
            list(ids),
            owner,
        )
        return len(found)

    async def release_outbox_leases(self, shards: Shards | None) -> int:
        where, params = shard_filter(shards, 1)
        found = await self._conn.fetch(
            f"UPDATE outbox SET lease_owner = NULL, leased_until = NULL "
            f"WHERE done_at IS NULL AND leased_until IS NOT NULL{where} RETURNING 1",
            *params,
        )
        return len(found)

    async def mark_dm_closed(self, guild_id: int, user_id: int, at: datetime) -> bool:
        status = await self._conn.execute(
            "INSERT INTO dm_closed (guild_id, user_id, marked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            guild_id,
            user_id,
            at,
        )
        return bool(status == "INSERT 0 1")

    async def clear_dm_closed(self, guild_id: int, user_id: int) -> bool:
        found = await self._conn.fetch(
            "DELETE FROM dm_closed WHERE guild_id = $1 AND user_id = $2 RETURNING 1", guild_id, user_id
        )
        return bool(found)

    async def lock_shown_claims(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], ShownClaim]:
        wanted = [(guild_id, number) for guild_id, number in keys if bindable(guild_id, number)]
        if not wanted:
            return {}
        # Locked in the order of their ids (a Sort under LockRows locks as sorted), so two writes of posts
        # never wait on each other in a circle; FOR UPDATE reads each row as the change it waited for left it.
        found = await self._conn.fetch(
            "SELECT c.guild_id, c.number, c.id, c.revision, c.attribution FROM claims c "
            "JOIN unnest($1::bigint[], $2::bigint[]) AS k (guild_id, number) "
            "ON c.guild_id = k.guild_id AND c.number = k.number ORDER BY c.id FOR UPDATE OF c",
            [g for g, _n in wanted],
            [n for _g, n in wanted],
        )
        return {(int(r[0]), int(r[1])): ShownClaim(int(r[2]), int(r[3]), str(r[4])) for r in found}

    async def prune_outbox(self, before: datetime) -> int:
        found = await self._conn.fetch("DELETE FROM outbox WHERE done_at < $1 RETURNING 1", before)
        return len(found)

    async def set_edit_problem(self, guild_id: int, channel_id: int, code: int, at: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO edit_problems (guild_id, channel_id, code, at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (guild_id, channel_id) DO UPDATE SET code = excluded.code",
            guild_id,
            channel_id,
            code,
            at,
        )

    async def clear_edit_problem(self, guild_id: int, channel_id: int) -> None:
        await self._conn.execute(
            "DELETE FROM edit_problems WHERE guild_id = $1 AND channel_id = $2", guild_id, channel_id
        )
