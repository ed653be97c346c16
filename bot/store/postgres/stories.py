"""The stories' reads and writes on PostgreSQL (issue 11), mixed into PgReads and PgTx."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import asyncpg

from bot.domain.claims import Change, ClaimSummary, Story
from bot.domain.states import Verdict
from bot.domain.stories import StoryOverview, StoryRecord
from bot.store.base import bindable, bounded
from bot.store.postgres import rows

if TYPE_CHECKING:
    from bot.store.postgres.pool import Queries

STORY_COLUMNS = "st.id, st.slug, st.title, st.publisher, st.url, st.published, st.moderated"


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def story_record(row: asyncpg.Record) -> StoryRecord:
    story = Story(row["slug"], row["title"], row["publisher"], row["url"], row["published"])
    return StoryRecord(int(row["id"]), story, bool(row["moderated"]))


class PgStoryReads:
    _db: Queries

    async def stories(self, guild_id: int, limit: int) -> list[StoryOverview]:
        if not bindable(guild_id):
            return []
        found = await self._db.fetch(
            f"""
            SELECT {STORY_COLUMNS}, c.verdict, count(c.id) AS claims, max(c.updated_at) AS last_change
              FROM (SELECT * FROM stories WHERE guild_id = $1 ORDER BY published DESC, id DESC LIMIT $2) st
              LEFT JOIN claims c ON c.story_id = st.id AND c.guild_id = st.guild_id
             GROUP BY st.id, st.slug, st.title, st.publisher, st.url, st.published, st.moderated, c.verdict
            """,
            guild_id,
            bounded(limit),
        )
        by_id: dict[int, tuple[StoryRecord, dict[Verdict, int], list[datetime]]] = {}
        for row in found:
            _record, counts, last = by_id.setdefault(int(row["id"]), (story_record(row), {}, []))
            if row["verdict"] is not None:
                counts[Verdict(row["verdict"])] = int(row["claims"])
                last.append(row["last_change"])
        ordered = sorted(by_id.values(), key=lambda item: (item[0].story.published, item[0].id), reverse=True)
        return [StoryOverview(record, counts, max(last, default=None)) for record, counts, last in ordered]

    async def story(self, guild_id: int, slug: str) -> StoryRecord | None:
        if not bindable(guild_id) or not _storable(slug):
            return None
        row = await self._db.fetchrow(
            f"SELECT {STORY_COLUMNS} FROM stories st WHERE st.guild_id = $1 AND st.slug = $2", guild_id, slug
        )
        return None if row is None else story_record(row)

    async def story_by_id(self, guild_id: int, story_id: int) -> StoryRecord | None:
        if not bindable(guild_id, story_id):
            return None
        row = await self._db.fetchrow(
            f"SELECT {STORY_COLUMNS} FROM stories st WHERE st.guild_id = $1 AND st.id = $2", guild_id, story_id
        )
        return None if row is None else story_record(row)

    async def story_records(self, guild_id: int, limit: int) -> list[StoryRecord]:
        if not bindable(guild_id):
            return []
        found = await self._db.fetch(
            f"SELECT {STORY_COLUMNS} FROM stories st WHERE st.guild_id = $1 ORDER BY st.published DESC, st.id DESC "
            "LIMIT $2",
            guild_id,
            bounded(limit),
        )
        return [story_record(row) for row in found]

    async def story_verdict_counts(self, guild_id: int, story_id: int) -> dict[Verdict, int]:
        if not bindable(guild_id, story_id):
            return {}
        found = await self._db.fetch(
            "SELECT verdict, count(*) AS n FROM claims WHERE story_id = $2 AND guild_id = $1 GROUP BY verdict",
            guild_id,
            story_id,
        )
        return {Verdict(row["verdict"]): int(row["n"]) for row in found if row["n"]}

    async def story_verdict_changes(
        self, guild_id: int, story_id: int, limit: int
    ) -> list[tuple[ClaimSummary, Change]]:
        if not bindable(guild_id, story_id):
            return []
        found = await self._db.fetch(
            f"""
            SELECT {rows.HISTORY_COLUMNS}, {rows.SUMMARY_COLUMNS}
              FROM history h JOIN claims c ON c.id = h.claim_id JOIN speakers s ON s.id = c.speaker_id
             WHERE h.guild_id = $1 AND c.story_id = $2 AND h.field = 'verdict'
               AND NOT EXISTS (SELECT 1 FROM history later
                                WHERE later.claim_id = h.claim_id AND later.field = 'verdict' AND later.id > h.id)
             ORDER BY h.id DESC LIMIT $3
            """,
            guild_id,
            story_id,
            bounded(limit),
        )
        return [(rows.summary(row), rows.change(row)) for row in found]

    async def story_speaker_claims(
        self, guild_id: int, speaker_id: int, story_id: int, *, offset: int, limit: int
    ) -> tuple[list[ClaimSummary], int]:
        if not bindable(guild_id, speaker_id, story_id):
            return [], 0
        # The total with the page, in one statement (an empty page past the end says 0: the desk calls it stale).
        found = await self._db.fetch(
            f"""
            SELECT {rows.SUMMARY_COLUMNS}, count(*) OVER () AS total FROM {rows.SUMMARY_FROM}
             WHERE c.guild_id = $1 AND c.speaker_id = $2 AND c.story_id = $3
             ORDER BY c.number OFFSET $4 LIMIT $5
            """,
            guild_id,
            speaker_id,
            story_id,
            bounded(offset),
            bounded(limit),
        )
        return [rows.summary(row) for row in found], int(found[0]["total"]) if found else 0


class PgStoryTx(PgStoryReads):
    _conn: Any

    async def create_story(self, guild_id: int, story: Story) -> int | None:
        story_id = await self._conn.fetchval(
            """
            INSERT INTO stories (guild_id, slug, title, publisher, url, published) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (guild_id, slug) DO NOTHING RETURNING id
            """,
            guild_id,
            story.slug,
            story.title,
            story.publisher,
            story.url,
            story.published,
        )
        return None if story_id is None else int(story_id)

    async def edit_story(self, guild_id: int, story_id: int, story: Story) -> bool:
        if not bindable(guild_id, story_id):
            return False
        status = await self._conn.execute(
            "UPDATE stories SET title = $3, publisher = $4, url = $5, published = $6, moderated = true "
            "WHERE id = $2 AND guild_id = $1",
            guild_id,
            story_id,
            story.title,
            story.publisher,
            story.url,
            story.published,
        )
        return bool(status == "UPDATE 1")
