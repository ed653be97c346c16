"""SQL both backends write the same way for the moderators' queue: a submission's columns, with its
request count and the numbers of the claims it was matched to or became (bot.domain.intake.Submission),
and the one mapping of such a row to a Submission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.domain.claims import Actor
from bot.domain.intake import Submission, SubmissionStatus

SUBMISSION_COLUMNS = """
    s.id, s.guild_id, s.number, s.status, s.revision, s.statement, s.speaker, s.where_when, s.link,
    s.message_url, s.message_at, s.author_name, s.submitter_id, s.submitter_name, s.created_at,
    (SELECT count(*) FROM submission_requests r WHERE r.submission_id = s.id) AS requests,
    (SELECT number FROM claims c WHERE c.id = s.suggested_id) AS suggested,
    (SELECT number FROM claims c WHERE c.id = s.claim_id) AS claim_number
"""


def submission(row: Any, when: Callable[[Any], datetime]) -> Submission:
    """A row of SUBMISSION_COLUMNS (an aiosqlite.Row or an asyncpg.Record: both index by column name);
    `when` reads a stored time as the backend keeps it (SQLite's ISO text, PostgreSQL's timestamptz)."""
    return Submission(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        status=SubmissionStatus(row["status"]),
        revision=row["revision"],
        statement=row["statement"],
        speaker=row["speaker"],
        where_when=row["where_when"],
        link=row["link"],
        message_url=row["message_url"],
        message_at=None if row["message_at"] is None else when(row["message_at"]),
        author_name=row["author_name"],
        submitter=Actor(row["submitter_id"], row["submitter_name"]),
        created_at=when(row["created_at"]),
        requests=row["requests"],
        suggested=row["suggested"],
        claim_number=row["claim_number"],
    )
