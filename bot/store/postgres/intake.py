"""Intake on PostgreSQL (issue 11): requests, submissions, decisions, review intervals and notices.

Mixed into PgReads and PgTx. The same statements as SQLite's (bot/store/sqlite/intake.py) in
PostgreSQL's terms; the guards are compare-and-set in the statement, so they hold at READ COMMITTED:
a second UPDATE of the same row waits for the first to commit and then re-checks its WHERE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from bot.domain.claims import Actor, ClaimSummary
from bot.domain.intake import (
    Decision,
    DueClaim,
    IntakeSettings,
    NewSubmission,
    Notice,
    Submission,
    SubmissionStatus,
)
from bot.domain.states import Verdict
from bot.store import intake_sql
from bot.store.base import bindable
from bot.store.card_sql import STANDING_COLUMNS
from bot.store.intake_sql import SUBMISSION_COLUMNS
from bot.store.postgres.pool import Queries
from bot.store.postgres.rows import SUMMARY_COLUMNS, summary

NOTICE_COLUMNS = "id, guild_id, member_id, text, created_at"


def _submission(row: asyncpg.Record) -> Submission:
    return intake_sql.submission(row, _as_stored)


def _as_stored(value: datetime) -> datetime:
    """asyncpg gives timestamptz as an aware datetime already."""
    return value


def _notice(row: asyncpg.Record) -> Notice:
    return Notice(row["id"], row["guild_id"], row["member_id"], row["text"], row["created_at"])


class PgIntakeReads:
    _db: Queries

    async def intake_settings(self, guild_id: int) -> IntakeSettings:
        if not bindable(guild_id):
            return IntakeSettings(guild_id)
        channel = await self._db.fetchval("SELECT queue_channel_id FROM intake_guilds WHERE guild_id = $1", guild_id)
        found = await self._db.fetch("SELECT verdict, days FROM review_intervals WHERE guild_id = $1", guild_id)
        return IntakeSettings(guild_id, channel, {Verdict(r["verdict"]): r["days"] for r in found})

    async def submission(self, guild_id: int, number: int) -> Submission | None:
        if not bindable(guild_id, number):
            return None
        row = await self._db.fetchrow(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.guild_id = $1 AND s.number = $2", guild_id, number
        )
        return None if row is None else _submission(row)

    async def submission_by_message(self, guild_id: int, message_id: int) -> Submission | None:
        if not bindable(guild_id, message_id):
            return None
        row = await self._db.fetchrow(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.guild_id = $1 AND s.message_id = $2",
            guild_id,
            message_id,
        )
        return None if row is None else _submission(row)

    async def open_submissions(self, guild_id: int, *, offset: int, limit: int) -> tuple[list[Submission], int]:
        if not bindable(guild_id, offset, limit):
            return [], 0
        total = await self._db.fetchval(
            "SELECT count(*) FROM submissions WHERE guild_id = $1 AND status = 'open'", guild_id
        )
        found = await self._db.fetch(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.guild_id = $1 AND s.status = 'open' "
            "ORDER BY requests DESC, s.id LIMIT $2 OFFSET $3",
            guild_id,
            max(0, limit),
            max(0, offset),
        )
        return [_submission(r) for r in found], int(total or 0)

    async def submission_decisions(self, guild_id: int, number: int) -> list[Decision]:
        if not bindable(guild_id, number):
            return []
        found = await self._db.fetch(
            "SELECT s.number, d.decision, c.number AS claim_number, d.reason, d.note, d.actor_id, d.actor_name, d.at "
            "FROM submission_decisions d JOIN submissions s ON s.id = d.submission_id "
            "LEFT JOIN claims c ON c.id = d.claim_id WHERE s.guild_id = $1 AND s.number = $2 ORDER BY d.id",
            guild_id,
            number,
        )
        return [
            Decision(
                r["number"],
                SubmissionStatus(r["decision"]),
                r["claim_number"],
                r["reason"],
                r["note"],
                Actor(r["actor_id"], r["actor_name"]),
                r["at"],
            )
            for r in found
        ]

    async def claim_request_count(self, claim_id: int) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM claim_requests WHERE claim_id = $1", claim_id) or 0)

    async def most_requested(
        self, guild_id: int, verdicts: Sequence[Verdict], limit: int
    ) -> list[tuple[ClaimSummary, int]]:
        if not verdicts or not bindable(guild_id, limit):
            return []
        found = await self._db.fetch(
            f"SELECT {SUMMARY_COLUMNS}, q.asked FROM (SELECT claim_id, count(*) AS asked FROM claim_requests "
            "WHERE guild_id = $1 GROUP BY claim_id) q JOIN claims c ON c.id = q.claim_id "
            "JOIN speakers s ON s.id = c.speaker_id WHERE c.verdict = ANY($2::text[]) "
            "ORDER BY q.asked DESC, c.number LIMIT $3",
            guild_id,
            [v.value for v in verdicts],
            max(0, limit),
        )
        return [(summary(r), int(r["asked"])) for r in found]

    async def last_review(self, claim_id: int) -> datetime | None:
        found: datetime | None = await self._db.fetchval(
            "SELECT at FROM history WHERE claim_id = $1 AND field IN ('verdict', 'review') ORDER BY id DESC LIMIT 1",
            claim_id,
        )
        return found

    async def claims_due(self, guild_id: int, cutoffs: Mapping[Verdict, datetime], limit: int) -> list[DueClaim]:
        if not cutoffs or not bindable(guild_id, limit):
            return []
        found = await self._db.fetch(
            f"""
            SELECT * FROM (
                SELECT {SUMMARY_COLUMNS},
                       (SELECT h.at FROM history h WHERE h.claim_id = c.id AND h.field IN ('verdict', 'review')
                         ORDER BY h.id DESC LIMIT 1) AS as_of,
                       k.cutoff
                  FROM claims c JOIN speakers s ON s.id = c.speaker_id
                  JOIN unnest($2::text[], $3::timestamptz[]) AS k (verdict, cutoff) ON k.verdict = c.verdict
                 WHERE c.guild_id = $1
            ) due WHERE as_of < cutoff ORDER BY as_of, number LIMIT $4
            """,
            guild_id,
            [v.value for v in cutoffs],
            list(cutoffs.values()),
            max(0, limit),
        )
        return [DueClaim(summary(r), r["as_of"]) for r in found]

    async def owes_notices(self, guild_id: int, member_id: int) -> bool:
        if not bindable(guild_id, member_id):
            return False
        return bool(
            await self._db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM notices WHERE guild_id = $1 AND member_id = $2 AND delivered_at IS NULL)",
                guild_id,
                member_id,
            )
        )

    async def claim_standing(self, guild_id: int, number: int) -> tuple[Verdict, int, datetime | None] | None:
        if not bindable(guild_id, number):
            return None
        row = await self._db.fetchrow(
            f"SELECT c.verdict, {STANDING_COLUMNS} FROM claims c WHERE c.guild_id = $1 AND c.number = $2",
            guild_id,
            number,
        )
        if row is None:
            return None
        return Verdict(row["verdict"]), int(row["asked"]), row["as_of"]


class PgIntakeTx:
    _conn: Any

    async def set_queue_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._conn.execute(
            "INSERT INTO intake_guilds (guild_id, queue_channel_id) VALUES ($1, $2) "
            "ON CONFLICT (guild_id) DO UPDATE SET queue_channel_id = excluded.queue_channel_id",
            guild_id,
            channel_id,
        )

    async def set_review_interval(self, guild_id: int, verdict: Verdict, days: int | None, *, default: bool) -> None:
        if default:
            await self._conn.execute(
                "DELETE FROM review_intervals WHERE guild_id = $1 AND verdict = $2", guild_id, verdict.value
            )
            return
        await self._conn.execute(
            "INSERT INTO review_intervals (guild_id, verdict, days) VALUES ($1, $2, $3) "
            "ON CONFLICT (guild_id, verdict) DO UPDATE SET days = excluded.days",
            guild_id,
            verdict.value,
            days,
        )

    async def take_quota(self, guild_id: int, member_id: int, *, at: datetime, window_s: int, limit: int) -> bool:
        # ON CONFLICT DO UPDATE locks the member's row; a concurrent caller waits, then sees this one's count.
        used = await self._conn.fetchval(
            "INSERT INTO intake_quota AS q (guild_id, member_id, window_start, used) VALUES ($1, $2, $3, 1) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET "
            "  used = CASE WHEN q.window_start <= $4 THEN 1 ELSE q.used + 1 END, "
            "  window_start = CASE WHEN q.window_start <= $4 THEN excluded.window_start ELSE q.window_start END "
            "WHERE q.window_start <= $4 OR q.used < $5 "
            "RETURNING used",
            guild_id,
            member_id,
            at,
            at - timedelta(seconds=window_s),
            limit,
        )
        return used is not None

    async def quota_window(self, guild_id: int, member_id: int) -> datetime | None:
        found: datetime | None = await self._conn.fetchval(
            "SELECT window_start FROM intake_quota WHERE guild_id = $1 AND member_id = $2", guild_id, member_id
        )
        return found

    async def reserve_submission_number(self, guild_id: int) -> int:
        return int(
            await self._conn.fetchval(
                "INSERT INTO intake_guilds AS g (guild_id, next_submission_number) VALUES ($1, 2) "
                "ON CONFLICT (guild_id) DO UPDATE SET next_submission_number = g.next_submission_number + 1 "
                "RETURNING next_submission_number - 1",
                guild_id,
            )
        )

    async def insert_submission(
        self,
        guild_id: int,
        number: int,
        new: NewSubmission,
        *,
        submitter: Actor,
        status: SubmissionStatus,
        suggested_id: int | None,
        at: datetime,
    ) -> int | None:
        found: int | None = await self._conn.fetchval(
            "INSERT INTO submissions (guild_id, number, status, statement, speaker, where_when, link, message_id, "
            "message_url, message_at, author_name, submitter_id, submitter_name, suggested_id, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) "
            "ON CONFLICT (guild_id, message_id) DO NOTHING RETURNING id",
            guild_id, number, status.value, new.statement, new.speaker, new.where_when, new.link, new.message_id,
            new.message_url, new.message_at, new.author_name, submitter.id, submitter.name, suggested_id, at,
        )  # fmt: skip
        return found

    async def add_submission_request(self, guild_id: int, submission_id: int, member_id: int, at: datetime) -> bool:
        added = await self._conn.fetchval(
            "INSERT INTO submission_requests (guild_id, submission_id, member_id, at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (submission_id, member_id) DO NOTHING RETURNING true",
            guild_id,
            submission_id,
            member_id,
            at,
        )
        return bool(added)

    async def add_claim_request(
        self, guild_id: int, claim_id: int, member_id: int, at: datetime, *, submission_id: int | None = None
    ) -> bool:
        added = await self._conn.fetchval(
            "INSERT INTO claim_requests (guild_id, claim_id, member_id, submission_id, at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (claim_id, member_id) DO NOTHING RETURNING true",
            guild_id,
            claim_id,
            member_id,
            submission_id,
            at,
        )
        return bool(added)

    async def copy_requests(self, guild_id: int, submission_id: int, claim_id: int) -> list[int]:
        found = await self._conn.fetch(
            "INSERT INTO claim_requests (guild_id, claim_id, member_id, submission_id, at) "
            "SELECT guild_id, $1, member_id, submission_id, at FROM submission_requests "
            "WHERE guild_id = $2 AND submission_id = $3 ORDER BY id "
            "ON CONFLICT (claim_id, member_id) DO NOTHING RETURNING id, member_id",
            claim_id,
            guild_id,
            submission_id,
        )
        return [row["member_id"] for row in sorted(found, key=lambda row: row["id"])]

    async def decide_submission(
        self,
        submission_id: int,
        *,
        expected: SubmissionStatus,
        revision: int,
        status: SubmissionStatus,
        claim_id: int | None,
        at: datetime,
    ) -> bool:
        done = await self._conn.fetchval(
            "UPDATE submissions SET status = $1, claim_id = coalesce($2, claim_id), revision = revision + 1, "
            "updated_at = $3 WHERE id = $4 AND status = $5 AND revision = $6 RETURNING true",
            status.value,
            claim_id,
            at,
            submission_id,
            expected.value,
            revision,
        )
        return bool(done)

    async def record_decision(
        self,
        guild_id: int,
        submission_id: int,
        decision: SubmissionStatus,
        *,
        claim_id: int | None,
        reason: str,
        note: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO submission_decisions (guild_id, submission_id, decision, claim_id, reason, note, actor_id, "
            "actor_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            guild_id,
            submission_id,
            decision.value,
            claim_id,
            reason,
            note,
            actor.id,
            actor.name,
            at,
        )

    async def add_notice(self, guild_id: int, member_id: int, text: str, at: datetime) -> int:
        return int(
            await self._conn.fetchval(
                "INSERT INTO notices (guild_id, member_id, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                guild_id,
                member_id,
                text,
                at,
            )
        )

    async def take_notices(self, guild_id: int, member_id: int, at: datetime) -> list[Notice]:
        if not bindable(guild_id, member_id):
            return []
        found = await self._conn.fetch(
            "UPDATE notices SET delivered_at = $3, delivered_via = 'command' "
            f"WHERE guild_id = $1 AND member_id = $2 AND delivered_at IS NULL RETURNING {NOTICE_COLUMNS}",
            guild_id,
            member_id,
            at,
        )
        return sorted((_notice(r) for r in found), key=lambda n: n.id)

    async def give_back_notices(self, notice_ids: Sequence[int]) -> None:
        if notice_ids:
            await self._conn.execute(
                "UPDATE notices SET delivered_at = NULL, delivered_via = NULL WHERE id = ANY($1::bigint[])",
                list(notice_ids),
            )

    async def notice_sent_by_dm(self, notice_id: int, at: datetime) -> bool:
        done = await self._conn.fetchval(
            "UPDATE notices SET delivered_at = $2, delivered_via = 'dm' WHERE id = $1 AND delivered_at IS NULL "
            "RETURNING true",
            notice_id,
            at,
        )
        return bool(done)

    async def notice_dm_failed(self, notice_id: int, failure: str) -> None:
        await self._conn.execute("UPDATE notices SET dm_failure = $2 WHERE id = $1", notice_id, failure[:500])
