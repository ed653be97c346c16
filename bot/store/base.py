"""The store interface the cogs program against. SQLite implements it today; PostgreSQL may later.

Every method takes the guild first: a claim number means nothing outside its guild, and no method
can reach another guild's rows whatever number or id it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.domain.claims import (
    Actor,
    Board,
    Change,
    Claim,
    ClaimCard,
    ClaimSummary,
    GuildSettings,
    NewClaim,
    Page,
    Relation,
    RelationKind,
    SearchHit,
    Speaker,
)
from bot.domain.states import Attribution, Verdict
from bot.seedfile import SeedStory

UNSET = object()


@dataclass(frozen=True, slots=True)
class ClaimEdit:
    """Fields a moderator may edit; None leaves a field as it is."""

    statement: str | None = None
    verbatim: bool | None = None
    speaker: str | None = None
    role: str | None = None
    venue: str | None = None
    said_when: str | None = None


@dataclass(frozen=True, slots=True)
class SeedReport:
    guilds: int
    added: int
    updated: int
    kept: int  # changed in the seed file but left alone because a moderator has touched them


class ClaimStore(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...

    # Guilds and their settings
    async def ensure_guild(self, guild_id: int) -> None: ...
    async def known_guilds(self) -> list[int]: ...
    async def guild_settings(self, guild_id: int) -> GuildSettings: ...
    async def update_guild_settings(
        self, guild_id: int, *, moderator_role_id: object = UNSET, announce_channel_id: object = UNSET
    ) -> GuildSettings: ...

    # Reading claims
    async def claim(self, guild_id: int, number: int) -> Claim: ...
    async def claim_card(self, guild_id: int, number: int) -> ClaimCard: ...
    async def suggest_claims(self, guild_id: int, text: str, limit: int = 25) -> list[ClaimSummary]: ...
    async def resolve_claim(self, guild_id: int, text: str) -> ClaimSummary | None: ...
    async def search(
        self,
        guild_id: int,
        query: str,
        *,
        verdict: Verdict | None = None,
        speaker_id: int | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Page[SearchHit]: ...
    async def match_text(self, guild_id: int, text: str, limit: int = 5) -> list[ClaimSummary]: ...
    async def relations(self, guild_id: int, number: int) -> list[Relation]: ...
    async def history(self, guild_id: int, number: int, *, offset: int = 0, limit: int = 10) -> Page[Change]: ...
    async def board(self, guild_id: int, recent: int = 5) -> Board: ...

    # Speakers
    async def suggest_speakers(self, guild_id: int, text: str, limit: int = 25) -> list[Speaker]: ...
    async def find_speaker(self, guild_id: int, name: str) -> Speaker: ...
    async def speaker_by_id(self, guild_id: int, speaker_id: int) -> Speaker: ...
    async def speaker_claims(
        self, guild_id: int, speaker_id: int, *, offset: int = 0, limit: int = 10
    ) -> Page[ClaimSummary]: ...

    # Changes: each writes its history row in the same transaction
    async def set_verdict(
        self,
        guild_id: int,
        number: int,
        verdict: Verdict,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Change]: ...
    async def set_attribution(
        self,
        guild_id: int,
        number: int,
        attribution: Attribution,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Change]: ...
    async def edit_claim(
        self,
        guild_id: int,
        number: int,
        edit: ClaimEdit,
        *,
        note: str,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, list[Change]]: ...
    async def add_claim(self, guild_id: int, new: NewClaim, *, note: str, actor: Actor) -> Claim: ...
    async def link_claims(
        self, guild_id: int, source: int, kind: RelationKind, target: int, *, note: str, actor: Actor
    ) -> Relation: ...
    async def add_evidence(self, guild_id: int, number: int, url: str, *, note: str, actor: Actor) -> Claim: ...

    # Seeds and maintenance
    async def apply_seed(self, story: SeedStory, guild_ids: list[int] | None = None) -> SeedReport: ...
    async def backup(self, path: Path) -> None: ...
    async def integrity_check(self) -> str: ...
