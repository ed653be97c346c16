"""Rows to domain objects. The SELECT lists here and the mappers below change together."""

from __future__ import annotations

from datetime import UTC, date, datetime

import aiosqlite

from bot.domain.claims import Actor, Change, Claim, ClaimSummary, Evidence, Speaker, Story
from bot.domain.states import Attribution, Verdict

CLAIM_COLUMNS = """
    c.id, c.guild_id, c.number, c.statement, c.verbatim, c.role, c.venue, c.said_when, c.attribution,
    c.verdict, c.rationale, c.revision, c.created_at, c.updated_at,
    s.id AS speaker_id, s.name AS speaker_name, s.claim_count AS speaker_count, s.short_name AS speaker_short,
    st.slug AS story_slug, st.title AS story_title, st.publisher AS story_publisher,
    st.url AS story_url, st.published AS story_published
"""
CLAIM_FROM = """
    claims c JOIN speakers s ON s.id = c.speaker_id LEFT JOIN stories st ON st.id = c.story_id
"""
SUMMARY_COLUMNS = (
    "c.number, c.statement, c.verbatim, s.name AS speaker_name, c.verdict, s.short_name AS speaker_short, c.revision"
)
HISTORY_COLUMNS = """
    h.id, c.number AS claim_number, h.field, h.old_value, h.new_value, h.note, h.source_url,
    h.actor_id, h.actor_name, h.at
"""


def stamp(at: datetime) -> str:
    """How SQLite keeps a time: ISO 8601 in UTC, to the microsecond, so text order is time order."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def claim(row: aiosqlite.Row, evidence: tuple[Evidence, ...] = ()) -> Claim:
    story = None
    if row["story_slug"] is not None:
        story = Story(
            slug=row["story_slug"],
            title=row["story_title"],
            publisher=row["story_publisher"],
            url=row["story_url"],
            published=date.fromisoformat(row["story_published"]),
        )
    return Claim(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        statement=row["statement"],
        verbatim=bool(row["verbatim"]),
        speaker=Speaker(
            row["speaker_id"], row["speaker_name"], claim_count=row["speaker_count"], short_name=row["speaker_short"]
        ),
        role=row["role"],
        venue=row["venue"],
        said_when=row["said_when"],
        story=story,
        attribution=Attribution(row["attribution"]),
        verdict=Verdict(row["verdict"]),
        rationale=row["rationale"],
        revision=row["revision"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        evidence=evidence,
    )


def summary(row: aiosqlite.Row) -> ClaimSummary:
    return ClaimSummary(
        number=row["number"],
        statement=row["statement"],
        verbatim=bool(row["verbatim"]),
        speaker_name=row["speaker_name"],
        verdict=Verdict(row["verdict"]),
        speaker_short=row["speaker_short"],
        revision=row["revision"],
    )


def change(row: aiosqlite.Row) -> Change:
    return Change(
        id=row["id"],
        claim_number=row["claim_number"],
        field=row["field"],
        old_value=row["old_value"],
        new_value=row["new_value"],
        note=row["note"],
        source_url=row["source_url"],
        actor=Actor(row["actor_id"], row["actor_name"]),
        at=datetime.fromisoformat(row["at"]),
    )
