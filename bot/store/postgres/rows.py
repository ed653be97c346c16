"""Rows to domain objects. The SELECT lists here and the mappers below change together.

Nested rows (a claim's evidence, a card's relations, a page of history) come back in one statement
as arrays of anonymous records, which asyncpg gives as tuples: their column order is defined here,
next to the function that reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from bot.domain.claims import Actor, Change, Claim, ClaimSummary, Evidence, Relation, RelationKind, Speaker, Story
from bot.domain.states import Attribution, Verdict

SUMMARY_COLUMNS = (
    "c.number, c.statement, c.verbatim, s.name AS speaker_name, c.verdict, s.short_name AS speaker_short, c.revision"
)
SUMMARY_FROM = "claims c JOIN speakers s ON s.id = c.speaker_id"

CLAIM_COLUMNS = """
    c.id, c.guild_id, c.number, c.statement, c.verbatim, c.role, c.venue, c.said_when, c.attribution,
    c.verdict, c.rationale, c.revision, c.created_at, c.updated_at,
    s.id AS speaker_id, s.name AS speaker_name, s.claim_count AS speaker_count, s.short_name AS speaker_short,
    st.slug AS story_slug, st.title AS story_title, st.publisher AS story_publisher,
    st.url AS story_url, st.published AS story_published,
    ARRAY(SELECT ROW(e.url, e.note) FROM evidence e WHERE e.claim_id = c.id ORDER BY e.id) AS evidence
"""
CLAIM_FROM = "claims c JOIN speakers s ON s.id = c.speaker_id LEFT JOIN stories st ON st.id = c.story_id"

HISTORY_COLUMNS = """
    h.id, c.number AS claim_number, h.field, h.old_value, h.new_value, h.note, h.source_url,
    h.actor_id, h.actor_name, h.at
"""
HISTORY_FROM = "history h JOIN claims c ON c.id = h.claim_id"
# The same, as one record (for a page of history in an array).
HISTORY_RECORD = (
    "ROW(h.id, c.number, h.field, h.old_value, h.new_value, h.note, h.source_url, h.actor_id, h.actor_name, h.at)"
)

# Both directions of a claim's relations, as (kind, outgoing, note, relation id, *the other claim's summary);
# `{claim}` is the SQL expression of the claim's id (the aliases differ from SUMMARY_COLUMNS' so it may
# name an outer `c`). Ordered by RELATION_ORDER: the other claim's number, outgoing before incoming,
# then the order they were recorded in.
_OTHER_SUMMARY = (
    "o.number, o.statement, o.verbatim, os.name AS speaker_name, o.verdict, os.short_name AS speaker_short, o.revision"
)
RELATION_ROWS = f"""
    SELECT r.kind, true AS outgoing, r.note, r.id AS relation_id, {_OTHER_SUMMARY}
      FROM relations r JOIN claims o ON o.id = r.target_id JOIN speakers os ON os.id = o.speaker_id
     WHERE r.source_id = {{claim}}
    UNION ALL
    SELECT r.kind, false AS outgoing, r.note, r.id AS relation_id, {_OTHER_SUMMARY}
      FROM relations r JOIN claims o ON o.id = r.source_id JOIN speakers os ON os.id = o.speaker_id
     WHERE r.target_id = {{claim}}
"""
RELATION_ORDER = "number, outgoing DESC, relation_id"
RELATION_RECORD = (
    "ROW(x.kind, x.outgoing, x.note, x.number, x.statement, x.verbatim, x.speaker_name, x.verdict, "
    "x.speaker_short, x.revision)"
)


def claim(row: asyncpg.Record) -> Claim:
    story = None
    if row["story_slug"] is not None:
        story = Story(
            slug=row["story_slug"],
            title=row["story_title"],
            publisher=row["story_publisher"],
            url=row["story_url"],
            published=row["story_published"],
        )
    speaker = Speaker(
        row["speaker_id"], row["speaker_name"], claim_count=row["speaker_count"], short_name=row["speaker_short"]
    )
    return Claim(
        id=row["id"],
        guild_id=row["guild_id"],
        number=row["number"],
        statement=row["statement"],
        verbatim=row["verbatim"],
        speaker=speaker,
        role=row["role"],
        venue=row["venue"],
        said_when=row["said_when"],
        story=story,
        attribution=Attribution(row["attribution"]),
        verdict=Verdict(row["verdict"]),
        rationale=row["rationale"],
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        evidence=tuple(Evidence(url, note) for url, note in row["evidence"]),
    )


def summary(row: asyncpg.Record) -> ClaimSummary:
    return ClaimSummary(
        number=row["number"],
        statement=row["statement"],
        verbatim=row["verbatim"],
        speaker_name=row["speaker_name"],
        verdict=Verdict(row["verdict"]),
        speaker_short=row["speaker_short"],
        revision=row["revision"],
    )


def change(row: asyncpg.Record) -> Change:
    return Change(
        id=row["id"],
        claim_number=row["claim_number"],
        field=row["field"],
        old_value=row["old_value"],
        new_value=row["new_value"],
        note=row["note"],
        source_url=row["source_url"],
        actor=Actor(row["actor_id"], row["actor_name"]),
        at=row["at"],
    )


def change_record(values: tuple[Any, ...]) -> Change:
    """One HISTORY_RECORD."""
    change_id, number, field, old, new, note, source_url, actor_id, actor_name, at = values
    return Change(
        id=change_id,
        claim_number=number,
        field=field,
        old_value=old,
        new_value=new,
        note=note,
        source_url=source_url,
        actor=Actor(actor_id, actor_name),
        at=at,
    )


def relation(row: asyncpg.Record) -> Relation:
    return Relation(RelationKind(row["kind"]), row["outgoing"], summary(row), row["note"])


def relation_record(values: tuple[Any, ...]) -> Relation:
    """One RELATION_RECORD."""
    kind, outgoing, note, number, statement, verbatim, speaker_name, verdict, speaker_short, revision = values
    other = ClaimSummary(
        number=number,
        statement=statement,
        verbatim=verbatim,
        speaker_name=speaker_name,
        verdict=Verdict(verdict),
        speaker_short=speaker_short,
        revision=revision,
    )
    return Relation(RelationKind(kind), bool(outgoing), other, note)


def speaker(row: asyncpg.Record, variants: Sequence[str] = ()) -> Speaker:
    return Speaker(
        row["id"], row["name"], tuple(variants), claim_count=row["claim_count"], short_name=row["short_name"]
    )
