"""Rows to domain objects. The SELECT lists here and the mappers below change together."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import aiosqlite

from bot.domain.claims import Actor, Change, Claim, ClaimSummary, Evidence, Relation, RelationKind, Speaker, Story
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


# A claim's evidence, latest change and relations as JSON subqueries of one statement (card, claim).
# Each carries what orders it; the mappers below sort in Python, since SQLite 3.40's json_group_array
# promises no order.
EVIDENCE_JSON = """
    (SELECT json_group_array(json_array(e.id, e.url, e.note)) FROM evidence e WHERE e.claim_id = c.id)
    AS evidence_json
"""
LATEST_JSON = """
    (SELECT json_object('id', h.id, 'claim_number', c.number, 'field', h.field, 'old_value', h.old_value,
                        'new_value', h.new_value, 'note', h.note, 'source_url', h.source_url,
                        'actor_id', h.actor_id, 'actor_name', h.actor_name, 'at', h.at)
       FROM history h WHERE h.claim_id = c.id ORDER BY h.id DESC LIMIT 1) AS latest_json
"""
_RELATED = """
    json_array(r.id, r.kind, {outgoing}, r.note, o.number, o.statement, o.verbatim, os.name, o.verdict,
               os.short_name, o.revision) AS x
      FROM relations r JOIN claims o ON o.id = r.{other} JOIN speakers os ON os.id = o.speaker_id
     WHERE r.{this} = c.id
"""
RELATIONS_JSON = f"""
    (SELECT json_group_array(json(x)) FROM (
        SELECT {_RELATED.format(outgoing=1, other="target_id", this="source_id")}
        UNION ALL
        SELECT {_RELATED.format(outgoing=0, other="source_id", this="target_id")}
    )) AS relations_json
"""


def evidence(found: str) -> tuple[Evidence, ...]:
    return tuple(Evidence(url, note) for _id, url, note in sorted(json.loads(found)))


def relations(found: str) -> tuple[Relation, ...]:
    """Ordered as the store's `relations`: by the other claim's number, outgoing first, then as recorded."""
    items = sorted(json.loads(found), key=lambda r: (r[4], -r[2], r[0]))
    return tuple(
        Relation(
            RelationKind(kind),
            bool(outgoing),
            ClaimSummary(number, statement, bool(verbatim), speaker, Verdict(verdict), short, revision),
            note,
        )
        for _id, kind, outgoing, note, number, statement, verbatim, speaker, verdict, short, revision in items
    )


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


def change(row: aiosqlite.Row | dict[str, Any]) -> Change:
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
