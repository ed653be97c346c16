"""Exports (issue 12): a guild's claims a page at a time, with what an export writes of each.

One statement a page: the claims with their speakers' names, outgoing relations and whole history
as arrays, from one snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.claims import RelationKind, Story
from bot.domain.exports import ExportClaim, ExportRelation
from bot.store.base import bindable
from bot.store.postgres import rows

if TYPE_CHECKING:
    from bot.store.postgres.pool import Queries

_PAGE = f"""
    SELECT {rows.CLAIM_COLUMNS}, c.seed_key,
           ARRAY(SELECT n.name FROM speaker_names n WHERE n.speaker_id = c.speaker_id AND n.name <> s.name
                  ORDER BY n.name) AS other_names,
           ARRAY(SELECT ROW(r.kind, o.number, ost.slug, r.note)
                   FROM relations r JOIN claims o ON o.id = r.target_id LEFT JOIN stories ost ON ost.id = o.story_id
                  WHERE r.source_id = c.id ORDER BY o.number, r.id) AS out_relations,
           ARRAY(SELECT {rows.HISTORY_RECORD} FROM history h WHERE h.claim_id = c.id ORDER BY h.id) AS changes
      FROM {rows.CLAIM_FROM}
     WHERE c.guild_id = $1 AND c.number > $2 {{story}}
     ORDER BY c.number
     LIMIT $3
"""
_IN_STORY = "AND c.story_id = (SELECT id FROM stories WHERE guild_id = $1 AND slug = $4)"


def _storable(text: str | None) -> bool:
    """PostgreSQL's text holds it (no NUL, no lone surrogate): else the slug names no story."""
    if text is None:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


class PgExportReads:
    """Mixed into PgReads, whose `_db` it uses."""

    _db: Queries

    async def export_stories(self, guild_id: int) -> list[Story]:
        if not bindable(guild_id):
            return []
        found = await self._db.fetch(
            "SELECT slug, title, publisher, url, published FROM stories WHERE guild_id = $1 ORDER BY slug", guild_id
        )
        return [Story(r["slug"], r["title"], r["publisher"], r["url"], r["published"]) for r in found]

    async def export_unfiled_count(self, guild_id: int) -> int:
        if not bindable(guild_id):
            return 0
        return int(
            await self._db.fetchval("SELECT count(*) FROM claims WHERE guild_id = $1 AND story_id IS NULL", guild_id)
        )

    async def export_claims(
        self, guild_id: int, *, story_slug: str | None, after_number: int, limit: int
    ) -> list[ExportClaim]:
        if not bindable(guild_id, after_number) or not _storable(story_slug):
            return []
        limit = max(0, min(limit, 10_000))
        if story_slug is None:
            found = await self._db.fetch(_PAGE.format(story=""), guild_id, after_number, limit)
        else:
            found = await self._db.fetch(_PAGE.format(story=_IN_STORY), guild_id, after_number, limit, story_slug)
        return [
            ExportClaim(
                rows.claim(r),
                tuple(r["other_names"]),
                r["seed_key"],
                tuple(ExportRelation(RelationKind(kind), n, slug, note) for kind, n, slug, note in r["out_relations"]),
                tuple(rows.change_record(values) for values in r["changes"]),
            )
            for r in found
        ]
