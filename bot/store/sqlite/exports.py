"""Exports (issue 12): a guild's claims a page at a time, with what an export writes of each."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.claims import Change, RelationKind, Story
from bot.domain.exports import ExportClaim, ExportRelation
from bot.store.base import bindable
from bot.store.sqlite import rows

if TYPE_CHECKING:
    import aiosqlite


class SqliteExportReads:
    """Mixed into SqliteReads, whose `_all` and `snapshot` it uses."""

    if TYPE_CHECKING:

        async def _all(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]: ...
        def snapshot(self) -> AbstractAsyncContextManager[None]: ...

    async def export_stories(self, guild_id: int) -> list[Story]:
        if not bindable(guild_id):
            return []
        found = await self._all(
            "SELECT slug, title, publisher, url, published FROM stories WHERE guild_id = ? ORDER BY slug",
            (guild_id,),
        )
        return [Story(r[0], r[1], r[2], r[3], date.fromisoformat(r[4])) for r in found]

    async def export_unfiled_count(self, guild_id: int) -> int:
        if not bindable(guild_id):
            return 0
        found = await self._all("SELECT count(*) FROM claims WHERE guild_id = ? AND story_id IS NULL", (guild_id,))
        return int(found[0][0])

    async def export_claims(
        self, guild_id: int, *, story_slug: str | None, after_number: int, limit: int
    ) -> list[ExportClaim]:
        if not bindable(guild_id, after_number, limit):
            return []
        story_filter = ""
        params: list[object] = [guild_id, after_number]
        if story_slug is not None:
            story_filter = "AND c.story_id = (SELECT id FROM stories WHERE guild_id = ? AND slug = ?)"
            params += [guild_id, story_slug]
        async with self.snapshot():
            claims = await self._all(
                f"SELECT {rows.CLAIM_COLUMNS}, {rows.EVIDENCE_JSON}, c.seed_key FROM {rows.CLAIM_FROM} "
                f"WHERE c.guild_id = ? AND c.number > ? {story_filter} ORDER BY c.number LIMIT ?",
                (*params, max(0, limit)),
            )
            if not claims:
                return []
            ids = tuple(r["id"] for r in claims)
            marks = ",".join("?" * len(ids))
            speakers = tuple({r["speaker_id"] for r in claims})
            names = await self._all(
                f"SELECT speaker_id, name FROM speaker_names WHERE speaker_id IN ({','.join('?' * len(speakers))}) "
                "ORDER BY name",
                speakers,
            )
            relations = await self._all(
                "SELECT r.source_id, r.kind, o.number, ost.slug, r.note FROM relations r "
                "JOIN claims o ON o.id = r.target_id LEFT JOIN stories ost ON ost.id = o.story_id "
                f"WHERE r.source_id IN ({marks}) ORDER BY o.number, r.id",
                ids,
            )
            history = await self._all(
                f"SELECT h.claim_id, {rows.HISTORY_COLUMNS} FROM history h JOIN claims c ON c.id = h.claim_id "
                f"WHERE h.claim_id IN ({marks}) ORDER BY h.id",
                ids,
            )
        names_of: dict[int, list[str]] = {}
        for r in names:
            names_of.setdefault(r[0], []).append(r[1])
        relations_of: dict[int, list[ExportRelation]] = {}
        for r in relations:
            relations_of.setdefault(r[0], []).append(ExportRelation(RelationKind(r[1]), r[2], r[3], r[4]))
        history_of: dict[int, list[Change]] = {}
        for r in history:
            history_of.setdefault(r["claim_id"], []).append(rows.change(r))
        out = []
        for r in claims:
            claim = rows.claim(r, rows.evidence(r["evidence_json"]))
            out.append(
                ExportClaim(
                    claim,
                    tuple(n for n in names_of.get(claim.speaker.id, ()) if n != claim.speaker.name),
                    r["seed_key"],
                    tuple(relations_of.get(claim.id, ())),
                    tuple(history_of.get(claim.id, ())),
                )
            )
        return out
