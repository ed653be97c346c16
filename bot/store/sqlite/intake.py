"""Intake on SQLite (issue 11): requests, submissions, decisions, review intervals and notices.

Mixed into SqliteReads and SqliteTx. Every read takes the guild; the guards (the decision, the
member's quota, a notice delivered once) are compare-and-set in the statement itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import aiosqlite

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
from bot.store.sqlite.rows import SUMMARY_COLUMNS, stamp, summary


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _submission(row: aiosqlite.Row) -> Submission:
    return intake_sql.submission(row, datetime.fromisoformat)


def _notice(row: aiosqlite.Row) -> Notice:
    return Notice(row["id"], row["guild_id"], row["member_id"], row["text"], datetime.fromisoformat(row["created_at"]))


class SqliteIntakeReads:
    @property
    def db(self) -> aiosqlite.Connection:
        raise NotImplementedError

    async def _all(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        raise NotImplementedError

    async def _one(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        raise NotImplementedError

    async def _lookup(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        raise NotImplementedError

    async def intake_settings(self, guild_id: int) -> IntakeSettings:
        if not bindable(guild_id):
            return IntakeSettings(guild_id)
        row = await self._one("SELECT queue_channel_id FROM intake_guilds WHERE guild_id = ?", (guild_id,))
        found = await self._all("SELECT verdict, days FROM review_intervals WHERE guild_id = ?", (guild_id,))
        overrides = {Verdict(r["verdict"]): r["days"] for r in found}
        return IntakeSettings(guild_id, row["queue_channel_id"] if row else None, overrides)

    async def submission(self, guild_id: int, number: int) -> Submission | None:
        if not bindable(guild_id, number):
            return None
        row = await self._one(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.guild_id = ? AND s.number = ?", (guild_id, number)
        )
        return None if row is None else _submission(row)

    async def submission_by_message(self, guild_id: int, message_id: int) -> Submission | None:
        if not bindable(guild_id, message_id):
            return None
        row = await self._one(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.guild_id = ? AND s.message_id = ?",
            (guild_id, message_id),
        )
        return None if row is None else _submission(row)

    async def open_submissions(self, guild_id: int, *, offset: int, limit: int) -> tuple[list[Submission], int]:
        if not bindable(guild_id, offset, limit):
            return [], 0
        total = await self._one("SELECT count(*) FROM submissions WHERE guild_id = ? AND status = 'open'", (guild_id,))
        found = await self._all(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s WHERE s.guild_id = ? AND s.status = 'open' "
            "ORDER BY requests DESC, s.id LIMIT ? OFFSET ?",
            (guild_id, max(0, limit), max(0, offset)),
        )
        return [_submission(r) for r in found], int(total[0]) if total else 0

    async def submission_decisions(self, guild_id: int, number: int) -> list[Decision]:
        if not bindable(guild_id, number):
            return []
        found = await self._all(
            "SELECT s.number, d.decision, c.number AS claim_number, d.reason, d.note, d.actor_id, d.actor_name, d.at "
            "FROM submission_decisions d JOIN submissions s ON s.id = d.submission_id "
            "LEFT JOIN claims c ON c.id = d.claim_id WHERE s.guild_id = ? AND s.number = ? ORDER BY d.id",
            (guild_id, number),
        )
        return [
            Decision(
                r["number"],
                SubmissionStatus(r["decision"]),
                r["claim_number"],
                r["reason"],
                r["note"],
                Actor(r["actor_id"], r["actor_name"]),
                datetime.fromisoformat(r["at"]),
            )
            for r in found
        ]

    async def claim_request_count(self, claim_id: int) -> int:
        row = await self._one("SELECT count(*) FROM claim_requests WHERE claim_id = ?", (claim_id,))
        return int(row[0]) if row else 0

    async def most_requested(
        self, guild_id: int, verdicts: Sequence[Verdict], limit: int
    ) -> list[tuple[ClaimSummary, int]]:
        if not verdicts or not bindable(guild_id, limit):
            return []
        marks = ",".join("?" * len(verdicts))
        found = await self._all(
            f"SELECT {SUMMARY_COLUMNS}, q.asked FROM (SELECT claim_id, count(*) AS asked FROM claim_requests "
            "WHERE guild_id = ? GROUP BY claim_id) q JOIN claims c ON c.id = q.claim_id "
            f"JOIN speakers s ON s.id = c.speaker_id WHERE c.verdict IN ({marks}) "
            "ORDER BY q.asked DESC, c.number LIMIT ?",
            (guild_id, *(v.value for v in verdicts), max(0, limit)),
        )
        return [(summary(r), int(r["asked"])) for r in found]

    async def last_review(self, claim_id: int) -> datetime | None:
        row = await self._one(
            "SELECT at FROM history WHERE claim_id = ? AND field IN ('verdict', 'review') ORDER BY id DESC LIMIT 1",
            (claim_id,),
        )
        return None if row is None else datetime.fromisoformat(row["at"])

    async def claims_due(self, guild_id: int, cutoffs: Mapping[Verdict, datetime], limit: int) -> list[DueClaim]:
        if not cutoffs or not bindable(guild_id, limit):
            return []
        cases = " ".join("WHEN ? THEN ?" for _ in cutoffs)
        marks = ",".join("?" * len(cutoffs))
        params: list[object] = [v for verdict, cutoff in cutoffs.items() for v in (verdict.value, stamp(cutoff))]
        params += [guild_id, *(v.value for v in cutoffs), max(0, limit)]
        found = await self._all(
            f"""
            SELECT * FROM (
                SELECT {SUMMARY_COLUMNS},
                       (SELECT h.at FROM history h WHERE h.claim_id = c.id AND h.field IN ('verdict', 'review')
                         ORDER BY h.id DESC LIMIT 1) AS as_of,
                       CASE c.verdict {cases} END AS cutoff
                  FROM claims c JOIN speakers s ON s.id = c.speaker_id
                 WHERE c.guild_id = ? AND c.verdict IN ({marks})
            ) WHERE as_of < cutoff ORDER BY as_of, number LIMIT ?
            """,
            params,
        )
        return [DueClaim(summary(r), datetime.fromisoformat(r["as_of"])) for r in found]

    async def owes_notices(self, guild_id: int, member_id: int) -> bool:
        if not bindable(guild_id, member_id):
            return False
        row = await self._lookup(
            "SELECT 1 FROM notices WHERE guild_id = ? AND member_id = ? AND delivered_at IS NULL LIMIT 1",
            (guild_id, member_id),
        )
        return row is not None

    async def claim_standing(self, guild_id: int, number: int) -> tuple[Verdict, int, datetime | None] | None:
        if not bindable(guild_id, number):
            return None
        row = await self._lookup(
            f"SELECT c.verdict, {STANDING_COLUMNS} FROM claims c WHERE c.guild_id = ? AND c.number = ?",
            (guild_id, number),
        )
        if row is None:
            return None
        return Verdict(row["verdict"]), int(row["asked"]), _time(row["as_of"])


class SqliteIntakeTx:
    @property
    def db(self) -> aiosqlite.Connection:
        raise NotImplementedError

    async def _all(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        raise NotImplementedError

    async def _one(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        raise NotImplementedError

    async def set_queue_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self.db.execute(
            "INSERT INTO intake_guilds (guild_id, queue_channel_id) VALUES (?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET queue_channel_id = excluded.queue_channel_id",
            (guild_id, channel_id),
        )

    async def set_review_interval(self, guild_id: int, verdict: Verdict, days: int | None, *, default: bool) -> None:
        if default:
            await self.db.execute(
                "DELETE FROM review_intervals WHERE guild_id = ? AND verdict = ?", (guild_id, verdict.value)
            )
            return
        await self.db.execute(
            "INSERT INTO review_intervals (guild_id, verdict, days) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, verdict) DO UPDATE SET days = excluded.days",
            (guild_id, verdict.value, days),
        )

    async def take_quota(self, guild_id: int, member_id: int, *, at: datetime, window_s: int, limit: int) -> bool:
        expired = stamp(at - timedelta(seconds=window_s))
        row = await self._one(
            "INSERT INTO intake_quota (guild_id, member_id, window_start, used) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET "
            "  used = CASE WHEN intake_quota.window_start <= ? THEN 1 ELSE intake_quota.used + 1 END, "
            "  window_start = CASE WHEN intake_quota.window_start <= ? THEN excluded.window_start "
            "                 ELSE intake_quota.window_start END "
            "WHERE intake_quota.window_start <= ? OR intake_quota.used < ? "
            "RETURNING used",
            (guild_id, member_id, stamp(at), expired, expired, expired, limit),
        )
        return row is not None

    async def quota_window(self, guild_id: int, member_id: int) -> datetime | None:
        row = await self._one(
            "SELECT window_start FROM intake_quota WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        )
        return None if row is None else datetime.fromisoformat(row[0])

    async def reserve_submission_number(self, guild_id: int) -> int:
        row = await self._one(
            "INSERT INTO intake_guilds (guild_id, next_submission_number) VALUES (?, 2) "
            "ON CONFLICT (guild_id) DO UPDATE SET next_submission_number = intake_guilds.next_submission_number + 1 "
            "RETURNING next_submission_number - 1",
            (guild_id,),
        )
        assert row is not None
        return int(row[0])

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
        row = await self._one(
            "INSERT INTO submissions (guild_id, number, status, statement, speaker, where_when, link, message_id, "
            "message_url, message_at, author_name, submitter_id, submitter_name, suggested_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, message_id) DO NOTHING RETURNING id",
            (
                guild_id, number, status.value, new.statement, new.speaker, new.where_when, new.link, new.message_id,
                new.message_url, stamp(new.message_at) if new.message_at else None, new.author_name, submitter.id,
                submitter.name, suggested_id, stamp(at), stamp(at),
            ),
        )  # fmt: skip
        return None if row is None else int(row[0])

    async def add_submission_request(self, guild_id: int, submission_id: int, member_id: int, at: datetime) -> bool:
        cursor = await self.db.execute(
            "INSERT INTO submission_requests (guild_id, submission_id, member_id, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (submission_id, member_id) DO NOTHING",
            (guild_id, submission_id, member_id, stamp(at)),
        )
        return cursor.rowcount == 1

    async def add_claim_request(
        self, guild_id: int, claim_id: int, member_id: int, at: datetime, *, submission_id: int | None = None
    ) -> bool:
        cursor = await self.db.execute(
            "INSERT INTO claim_requests (guild_id, claim_id, member_id, submission_id, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (claim_id, member_id) DO NOTHING",
            (guild_id, claim_id, member_id, submission_id, stamp(at)),
        )
        return cursor.rowcount == 1

    async def copy_requests(self, guild_id: int, submission_id: int, claim_id: int) -> list[int]:
        found = await self._all(
            "INSERT INTO claim_requests (guild_id, claim_id, member_id, submission_id, at) "
            "SELECT guild_id, ?, member_id, submission_id, at FROM submission_requests "
            "WHERE guild_id = ? AND submission_id = ? ORDER BY id "
            "ON CONFLICT (claim_id, member_id) DO NOTHING RETURNING id, member_id",
            (claim_id, guild_id, submission_id),
        )
        return [int(row["member_id"]) for row in sorted(found, key=lambda row: int(row["id"]))]

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
        cursor = await self.db.execute(
            "UPDATE submissions SET status = ?, claim_id = coalesce(?, claim_id), revision = revision + 1, "
            "updated_at = ? WHERE id = ? AND status = ? AND revision = ?",
            (status.value, claim_id, stamp(at), submission_id, expected.value, revision),
        )
        return cursor.rowcount == 1

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
        await self.db.execute(
            "INSERT INTO submission_decisions (guild_id, submission_id, decision, claim_id, reason, note, actor_id, "
            "actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, submission_id, decision.value, claim_id, reason, note, actor.id, actor.name, stamp(at)),
        )

    async def add_notice(self, guild_id: int, member_id: int, text: str, at: datetime) -> int:
        row = await self._one(
            "INSERT INTO notices (guild_id, member_id, text, created_at) VALUES (?, ?, ?, ?) RETURNING id",
            (guild_id, member_id, text, stamp(at)),
        )
        assert row is not None
        return int(row[0])

    async def take_notices(self, guild_id: int, member_id: int, at: datetime) -> list[Notice]:
        if not bindable(guild_id, member_id):
            return []
        found = await self._all(
            "UPDATE notices SET delivered_at = ?, delivered_via = 'command' "
            "WHERE guild_id = ? AND member_id = ? AND delivered_at IS NULL "
            "RETURNING id, guild_id, member_id, text, created_at",
            (stamp(at), guild_id, member_id),
        )
        return sorted((_notice(r) for r in found), key=lambda n: n.id)

    async def give_back_notices(self, notice_ids: Sequence[int]) -> None:
        if notice_ids:
            await self.db.execute(
                f"UPDATE notices SET delivered_at = NULL, delivered_via = NULL "
                f"WHERE id IN ({','.join('?' * len(notice_ids))})",
                tuple(notice_ids),
            )

    async def notice_sent_by_dm(self, notice_id: int, at: datetime) -> bool:
        cursor = await self.db.execute(
            "UPDATE notices SET delivered_at = ?, delivered_via = 'dm' WHERE id = ? AND delivered_at IS NULL",
            (stamp(at), notice_id),
        )
        return cursor.rowcount == 1

    async def notice_dm_failed(self, notice_id: int, failure: str) -> None:
        await self.db.execute("UPDATE notices SET dm_failure = ? WHERE id = ?", (failure[:500], notice_id))
