"""The stories' reads and writes on SQLite (issue 11), mixed into SqliteReads and SqliteTx."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

import aiosqlite

from bot.domain.claims import Change, ClaimSummary, Story
from bot.domain.states import Verdict
from bot.domain.stories import StoryOverview, StoryRecord
from bot.store.base import bindable
from bot.store.sqlite import rows

STORY_COLUMNS = "st.id, st.slug, st.title, st.publisher, st.url, st.published, st.moderated"


def story_record(row: aiosqlite.Row) -> StoryRecord:
    story = Story(row["slug"], row["title"], row["publisher"], row["url"], date.fromisoformat(row["published"]))
    return StoryRecord(int(row["id"]), story, bool(row["moderated"]))


class SqliteStoryReads:
    if TYPE_CHECKING:

        async def _all(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]: ...
        async def _one(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None: ...

    async def stories(self, guild_id: int, limit: int) -> list[StoryOverview]:
        if not bindable(guild_id, limit):
            return []
        found = await self._all(
            f"""
            SELECT {STORY_COLUMNS}, c.verdict, count(c.id) AS claims, max(c.updated_at) AS last_change
              FROM (SELECT * FROM stories WHERE guild_id = ? ORDER BY published DESC, id DESC LIMIT ?) st
              LEFT JOIN claims c ON c.story_id = st.id AND c.guild_id = st.guild_id
             GROUP BY st.id, c.verdict
            """,
            (guild_id, max(0, limit)),
        )
        by_id: dict[int, tuple[StoryRecord, dict[Verdict, int], list[datetime]]] = {}
        for row in found:
            _record, counts, last = by_id.setdefault(int(row["id"]), (story_record(row), {}, []))
            if row["verdict"] is not None:
                counts[Verdict(row["verdict"])] = int(row["claims"])
                last.append(datetime.fromisoformat(row["last_change"]))
        ordered = sorted(by_id.values(), key=lambda item: (item[0].story.published, item[0].id), reverse=True)
        return [StoryOverview(record, counts, max(last, default=None)) for record, counts, last in ordered]

    async def story(self, guild_id: int, slug: str) -> StoryRecord | None:
        if not bindable(guild_id):
            return None
        row = await self._one(
            f"SELECT {STORY_COLUMNS} FROM stories st WHERE st.guild_id = ? AND st.slug = ?", (guild_id, slug)
        )
        return None if row is None else story_record(row)

    async def story_by_id(self, guild_id: int, story_id: int) -> StoryRecord | None:
        if not bindable(guild_id, story_id):
            return None
        row = await self._one(
            f"SELECT {STORY_COLUMNS} FROM stories st WHERE st.guild_id = ? AND st.id = ?", (guild_id, story_id)
        )
        return None if row is None else story_record(row)

    async def story_records(self, guild_id: int, limit: int) -> list[StoryRecord]:
        if not bindable(guild_id, limit):
            return []
        found = await self._all(
            f"SELECT {STORY_COLUMNS} FROM stories st WHERE st.guild_id = ? ORDER BY st.published DESC, st.id DESC "
            "LIMIT ?",
            (guild_id, max(0, limit)),
        )
        return [story_record(row) for row in found]

    async def story_verdict_counts(self, guild_id: int, story_id: int) -> dict[Verdict, int]:
        if not bindable(guild_id, story_id):
            return {}
        found = await self._all(
            "SELECT verdict, count(*) FROM claims WHERE story_id = ? AND guild_id = ? GROUP BY verdict",
            (story_id, guild_id),
        )
        return {Verdict(r[0]): int(r[1]) for r in found if r[1]}

    async def story_verdict_changes(
        self, guild_id: int, story_id: int, limit: int
    ) -> list[tuple[ClaimSummary, Change]]:
        if not bindable(guild_id, story_id, limit):
            return []
        found = await self._all(
            f"SELECT {rows.HISTORY_COLUMNS}, {rows.SUMMARY_COLUMNS} FROM history h "
            "JOIN claims c ON c.id = h.claim_id JOIN speakers s ON s.id = c.speaker_id "
            "WHERE h.guild_id = ? AND c.story_id = ? AND h.field = 'verdict' AND NOT EXISTS (SELECT 1 FROM history "
            "later WHERE later.claim_id = h.claim_id AND later.id > h.id AND later.field = 'verdict') "
            "ORDER BY h.id DESC LIMIT ?",
            (guild_id, story_id, max(0, limit)),
        )
        return [(rows.summary(r), rows.change(r)) for r in found]

    async def story_speaker_claims(
        self, guild_id: int, speaker_id: int, story_id: int, *, offset: int, limit: int
    ) -> tuple[list[ClaimSummary], int]:
        if not bindable(guild_id, speaker_id, story_id, offset, limit):
            return [], 0
        # The total with the page, in one statement (an empty page past the end says 0: the desk calls it stale).
        found = await self._all(
            f"SELECT {rows.SUMMARY_COLUMNS}, count(*) OVER () AS total FROM claims c "
            "JOIN speakers s ON s.id = c.speaker_id WHERE c.guild_id = ? AND c.speaker_id = ? AND c.story_id = ? "
            "ORDER BY c.number LIMIT ? OFFSET ?",
            (guild_id, speaker_id, story_id, max(0, limit), max(0, offset)),
        )
        return [rows.summary(r) for r in found], int(found[0]["total"]) if found else 0


class SqliteStoryTx(SqliteStoryReads):
    if TYPE_CHECKING:

        @property
        def db(self) -> aiosqlite.Connection: ...

    async def create_story(self, guild_id: int, story: Story) -> int | None:
        row = await self._one(
            "INSERT INTO stories (guild_id, slug, title, publisher, url, published) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, slug) DO NOTHING RETURNING id",
            (guild_id, story.slug, story.title, story.publisher, story.url, story.published.isoformat()),
        )
        return None if row is None else int(row[0])

    async def edit_story(self, guild_id: int, story_id: int, story: Story) -> bool:
        if not bindable(guild_id, story_id):
            return False
        cursor = await self.db.execute(
            "UPDATE stories SET title = ?, publisher = ?, url = ?, published = ?, moderated = 1 "
            "WHERE id = ? AND guild_id = ?",
            (story.title, story.publisher, story.url, story.published.isoformat(), story_id, guild_id),
        )
        return cursor.rowcount == 1
