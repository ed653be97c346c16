"""Following and corrections on SQLite: follows, the outbox and its leases, remembered posts, the marks.

One process writes a SQLite file, so the outbox's compare-and-set on the lease is what keeps two senders
of that process (or a sender and a restarted one) from taking one row; it is the same statement as
PostgreSQL's, less SKIP LOCKED, which SQLite's single writer makes needless.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import aiosqlite

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
from bot.store.base import ID_MAX, ShownClaim, posted_values
from bot.store.sqlite.rows import stamp

OUTBOX_COLUMNS = "id, guild_id, kind, recipient, payload, created_at, due_at, attempts"
# A posted_messages row from a JSON array of base.posted_values.
POSTED_VALUES = ", ".join(f"json_extract(value, '$[{n}]')" for n in range(10))
POSTED_COLUMNS = """
    p.id, p.guild_id, p.claim_id, c.number, p.channel_id, p.message_id, p.kind, p.shown_verdict,
    p.shown_attribution, p.shown_revision, p.content, p.posted_at
"""


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _ok(*ids: int) -> bool:
    return all(-ID_MAX <= i <= ID_MAX for i in ids)


def shard_filter(shards: Shards | None) -> tuple[str, tuple[object, ...]]:
    """`AND` the guild's shard is one of these (Discord's shard_of, bot/shards.py); nothing for None."""
    if shards is None:
        return "", ()
    marks = ", ".join("?" for _ in shards.ids) or "NULL"
    return f" AND ((guild_id >> 22) % ?) IN ({marks})", (shards.count, *shards.ids)


def outbox_item(row: aiosqlite.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=OutboxKind(row["kind"]),
        recipient=row["recipient"],
        payload=json.loads(row["payload"]),
        created_at=_time(row["created_at"]),
        due_at=_time(row["due_at"]),
        attempts=row["attempts"],
    )


def posted(row: aiosqlite.Row) -> PostedMessage:
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
        posted_at=_time(row[11]),
    )


class FollowReads:
    """Reads over `self.db`, mixed into SqliteReads."""

    @property
    def db(self) -> aiosqlite.Connection:
        raise NotImplementedError

    async def _rows(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, tuple(params)))

    async def follows(self, guild_id: int, user_id: int, *, offset: int, limit: int) -> tuple[list[Followed], int]:
        if not _ok(guild_id, user_id):
            return [], 0
        found = await self._rows(
            """
            SELECT f.kind, f.target_id, f.created_at, c.number,
                   CASE f.kind WHEN 'claim' THEN c.statement WHEN 'speaker' THEN s.name ELSE st.title END
              FROM follows f
              LEFT JOIN claims c ON f.kind = 'claim' AND c.id = f.target_id AND c.guild_id = f.guild_id
              LEFT JOIN speakers s ON f.kind = 'speaker' AND s.id = f.target_id AND s.guild_id = f.guild_id
              LEFT JOIN stories st ON f.kind = 'story' AND st.id = f.target_id AND st.guild_id = f.guild_id
             WHERE f.guild_id = ? AND f.user_id = ?
             ORDER BY f.created_at DESC, f.kind, f.target_id LIMIT ? OFFSET ?
            """,
            (guild_id, user_id, max(0, min(limit, ID_MAX)), max(0, min(offset, ID_MAX))),
        )
        (total,) = (
            await self._rows("SELECT count(*) FROM follows WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        )[0]
        items = [
            Followed(FollowKind(r[0]), r[1], r[4] or "", r[3] if r[0] == "claim" else None, _time(r[2])) for r in found
        ]
        return items, int(total)

    async def followers(self, guild_id: int, claim_id: int, speaker_ids: Sequence[int]) -> list[int]:
        speakers = [s for s in speaker_ids if _ok(s)]
        marks = ", ".join("?" for _ in speakers) or "NULL"
        found = await self._rows(
            f"""
            SELECT user_id FROM follows WHERE guild_id = ? AND kind = 'claim' AND target_id = ?
            UNION
            SELECT user_id FROM follows WHERE guild_id = ? AND kind = 'story'
               AND target_id = (SELECT story_id FROM claims WHERE id = ? AND guild_id = ?)
            UNION
            SELECT user_id FROM follows WHERE guild_id = ? AND kind = 'speaker' AND target_id IN ({marks})
            ORDER BY 1
            """,
            (guild_id, claim_id, guild_id, claim_id, guild_id, guild_id, *speakers),
        )
        return [int(r[0]) for r in found]

    async def is_following(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool:
        if not _ok(guild_id, user_id, target_id):
            return False
        found = await self._rows(
            "SELECT 1 FROM follows WHERE guild_id = ? AND user_id = ? AND kind = ? AND target_id = ?",
            (guild_id, user_id, kind.value, target_id),
        )
        return bool(found)

    async def posted_messages(self, guild_id: int, claim_id: int) -> list[PostedMessage]:
        if not _ok(guild_id, claim_id):
            return []
        found = await self._rows(
            f"SELECT {POSTED_COLUMNS} FROM posted_messages p JOIN claims c ON c.id = p.claim_id "
            "WHERE p.guild_id = ? AND p.claim_id = ? ORDER BY p.id",
            (guild_id, claim_id),
        )
        return [posted(r) for r in found]

    async def posted_message(self, guild_id: int, posted_id: int) -> PostedMessage | None:
        if not _ok(guild_id, posted_id):
            return None
        found = await self._rows(
            f"SELECT {POSTED_COLUMNS} FROM posted_messages p JOIN claims c ON c.id = p.claim_id "
            "WHERE p.guild_id = ? AND p.id = ?",
            (guild_id, posted_id),
        )
        return posted(found[0]) if found else None

    async def outbox_next_due(self, shards: Shards | None) -> datetime | None:
        where, params = shard_filter(shards)
        found = await self._rows(f"SELECT min(due_at) FROM outbox WHERE done_at IS NULL{where}", params)
        value = found[0][0] if found else None
        return None if value is None else _time(value)

    async def outbox_pending(self, guild_id: int | None = None) -> int:
        if guild_id is None:
            found = await self._rows("SELECT count(*) FROM outbox WHERE done_at IS NULL")
        else:
            found = await self._rows("SELECT count(*) FROM outbox WHERE done_at IS NULL AND guild_id = ?", (guild_id,))
        return int(found[0][0])

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        if not _ok(guild_id, user_id):
            return False
        found = await self._rows("SELECT 1 FROM dm_closed WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        return bool(found)

    async def edit_problems(self, guild_id: int) -> list[EditProblem]:
        if not _ok(guild_id):
            return []
        found = await self._rows(
            "SELECT channel_id, code, at FROM edit_problems WHERE guild_id = ? ORDER BY at, channel_id", (guild_id,)
        )
        return [EditProblem(int(r[0]), int(r[1]), _time(r[2])) for r in found]


class FollowTx(FollowReads):
    """Writes, on the transaction's connection."""

    async def add_follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int, at: datetime) -> bool:
        cursor = await self.db.execute(
            "INSERT INTO follows (guild_id, user_id, kind, target_id, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (guild_id, user_id, kind.value, target_id, stamp(at)),
        )
        return cursor.rowcount == 1

    async def remove_follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool:
        if not _ok(guild_id, user_id, target_id):
            return False
        cursor = await self.db.execute(
            "DELETE FROM follows WHERE guild_id = ? AND user_id = ? AND kind = ? AND target_id = ?",
            (guild_id, user_id, kind.value, target_id),
        )
        return cursor.rowcount == 1

    async def enqueue(self, items: Sequence[NewOutboxItem]) -> int:
        await self.db.executemany(
            "INSERT INTO outbox (guild_id, kind, recipient, payload, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i.guild_id, i.kind.value, i.recipient, json.dumps(i.payload), stamp(i.at), stamp(i.due_at))
                for i in items
            ],
        )
        return len(items)

    async def remember_messages(self, rows: Sequence[NewPostedMessage], keep: int) -> list[int]:
        if not rows:
            return []
        # One statement text whatever the number of rows (the rows are one JSON parameter): a text of
        # its own for every batch size would each stay in the connection's statement cache, compiled.
        found = await self._rows(
            "INSERT INTO posted_messages (guild_id, claim_id, channel_id, message_id, kind, shown_verdict, "
            f"shown_attribution, shown_revision, content, posted_at) SELECT {POSTED_VALUES} FROM json_each(?) "
            "ORDER BY key ON CONFLICT (message_id) DO NOTHING RETURNING id, message_id",
            (json.dumps([posted_values(r) for r in rows], default=stamp),),  # times as stamp() writes them
        )
        new = {int(r[1]): int(r[0]) for r in found}
        await self.db.execute(
            "DELETE FROM posted_messages WHERE id IN (SELECT id FROM (SELECT p.id, row_number() OVER "
            "(PARTITION BY p.claim_id ORDER BY p.id DESC) AS n FROM json_each(?) k "
            "JOIN posted_messages p ON p.claim_id = k.value) WHERE n > ?)",
            (json.dumps(sorted({r.claim_id for r in rows})), keep),
        )
        return [new.pop(r.message_id, 0) for r in rows]  # a message twice in `rows`: its first is the new row

    async def forget_message(self, guild_id: int, posted_id: int) -> None:
        await self.db.execute("DELETE FROM posted_messages WHERE guild_id = ? AND id = ?", (guild_id, posted_id))

    async def claim_outbox(
        self, owner: str, now: datetime, until: datetime, limit: int, shards: Shards | None
    ) -> list[OutboxItem]:
        where, params = shard_filter(shards)
        free = "done_at IS NULL AND (leased_until IS NULL OR leased_until <= ?)"
        found = await self._rows(
            f"UPDATE outbox SET lease_owner = ?, leased_until = ?, attempts = attempts + 1 "
            f"WHERE id IN (SELECT id FROM outbox WHERE {free} AND due_at <= ?{where} ORDER BY due_at, id LIMIT ?) "
            f"AND {free} RETURNING {OUTBOX_COLUMNS}",
            (owner, stamp(until), stamp(now), stamp(now), *params, limit, stamp(now)),
        )
        return sorted((outbox_item(r) for r in found), key=lambda i: (i.due_at, i.id))

    async def claim_outbox_group(
        self, owner: str, now: datetime, until: datetime, guild_id: int, kind: OutboxKind, recipient: int
    ) -> list[OutboxItem]:
        found = await self._rows(
            "UPDATE outbox SET lease_owner = ?, leased_until = ?, attempts = attempts + 1 "
            "WHERE guild_id = ? AND kind = ? AND recipient = ? AND done_at IS NULL "
            f"AND (leased_until IS NULL OR leased_until <= ?) RETURNING {OUTBOX_COLUMNS}",
            (owner, stamp(until), guild_id, kind.value, recipient, stamp(now)),
        )
        return sorted((outbox_item(r) for r in found), key=lambda i: (i.due_at, i.id))

    async def finish_outbox(self, ids: Sequence[int], owner: str, at: datetime, outcome: str) -> int:
        done = 0
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            cursor = await self.db.execute(
                f"UPDATE outbox SET done_at = ?, outcome = ?, leased_until = NULL "
                f"WHERE id IN ({marks}) AND lease_owner = ? AND done_at IS NULL",
                (stamp(at), outcome[:200], *chunk, owner),
            )
            done += cursor.rowcount
        return done

    async def retry_outbox(self, ids: Sequence[int], owner: str, due_at: datetime) -> int:
        done = 0
        for chunk in _chunks(ids):
            marks = ", ".join("?" for _ in chunk)
            cursor = await self.db.execute(
                f"UPDATE outbox SET due_at = ?, lease_owner = NULL, leased_until = NULL "
                f"WHERE id IN ({marks}) AND lease_owner = ? AND done_at IS NULL",
                (stamp(due_at), *chunk, owner),
            )
            done += cursor.rowcount
        return done

    async def release_outbox_leases(self, shards: Shards | None) -> int:
        where, params = shard_filter(shards)
        cursor = await self.db.execute(
            f"UPDATE outbox SET lease_owner = NULL, leased_until = NULL "
            f"WHERE done_at IS NULL AND leased_until IS NOT NULL{where}",
            params,
        )
        return cursor.rowcount

    async def mark_dm_closed(self, guild_id: int, user_id: int, at: datetime) -> bool:
        cursor = await self.db.execute(
            "INSERT INTO dm_closed (guild_id, user_id, marked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, user_id, stamp(at)),
        )
        return cursor.rowcount == 1

    async def clear_dm_closed(self, guild_id: int, user_id: int) -> bool:
        cursor = await self.db.execute("DELETE FROM dm_closed WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        return cursor.rowcount == 1

    async def lock_shown_claims(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], ShownClaim]:
        # Read only: the IMMEDIATE transaction is the only writer.
        wanted = [[guild_id, number] for guild_id, number in keys if _ok(guild_id, number)]
        if not wanted:
            return {}
        found = await self._rows(
            "SELECT c.guild_id, c.number, c.id, c.revision, c.attribution FROM json_each(?) k "
            "JOIN claims c ON c.guild_id = json_extract(k.value, '$[0]') AND c.number = json_extract(k.value, '$[1]')",
            (json.dumps(wanted),),
        )
        return {(int(r[0]), int(r[1])): ShownClaim(int(r[2]), int(r[3]), str(r[4])) for r in found}

    async def prune_outbox(self, before: datetime) -> int:
        cursor = await self.db.execute("DELETE FROM outbox WHERE done_at < ?", (stamp(before),))
        return cursor.rowcount

    async def set_edit_problem(self, guild_id: int, channel_id: int, code: int, at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO edit_problems (guild_id, channel_id, code, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, channel_id) DO UPDATE SET code = excluded.code",
            (guild_id, channel_id, code, stamp(at)),
        )

    async def clear_edit_problem(self, guild_id: int, channel_id: int) -> None:
        await self.db.execute("DELETE FROM edit_problems WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id))


def _chunks(ids: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    return [ids[n : n + size] for n in range(0, len(ids), size)]
