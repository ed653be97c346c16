"""Seed stories into a server: the first time whole, later only what changed and no moderator touched.

One path for both: a new server is a server where every seeded claim is missing. The rule that makes
`python -m bot seed` safe to repeat is here: a claim a moderator has changed is never overwritten by
its seed file again; an untouched one follows the file, every change recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.desk.changes import ClaimEdit, add_claims, apply_edit, history_row
from bot.domain.claims import SEED_ACTOR, Alias, Claim
from bot.seedfile import SeedClaim, SeedStory
from bot.store.base import ClaimFields, HistoryRow, RelationRow, SeededClaim, SpeakerNames, Tx

RESEED_NOTE = "The seed file changed."


@dataclass(frozen=True, slots=True)
class SeedReport:
    guilds: int
    added: int
    updated: int
    kept: int  # changed in the seed file but left alone because a moderator has touched them

    def __add__(self, other: SeedReport) -> SeedReport:
        return SeedReport(
            self.guilds + other.guilds, self.added + other.added, self.updated + other.updated, self.kept + other.kept
        )


NOTHING = SeedReport(0, 0, 0, 0)


async def seed_guild(tx: Tx, guild_id: int, seed: SeedStory, at: datetime) -> SeedReport:
    """Bring one story in one guild in line with its seed file."""
    await tx.upsert_story(guild_id, seed.story)
    # Before the claims, so they are indexed with them; in a guild seeded before, claims already there
    # that are written with a new name are re-indexed by the store.
    note = f"From the seed story {seed.story.slug}."
    await tx.add_aliases(guild_id, [Alias(entity, name, note, SEED_ACTOR, at) for entity, name in seed.aliases])
    known = await tx.seeded_claims(guild_id, seed.story.slug)
    missing = [item for item in seed.claims if item.key not in known]
    added = await add_claims(
        tx,
        guild_id,
        [item.claim for item in missing],
        notes=[item.history_note for item in missing],
        actor=SEED_ACTOR,
        at=at,
        seed_keys=[item.key for item in missing],
        fingerprints=[item.fingerprint for item in missing],
    )
    ids = {key: row.id for key, row in known.items()}
    ids.update({item.key: claim_id for item, (claim_id, _number) in zip(missing, added, strict=True)})
    updated = kept = 0
    for item in seed.claims:
        row = known.get(item.key)
        if row is None or row.fingerprint == item.fingerprint:
            continue
        if row.moderated:
            kept += 1
            continue
        await _follow_seed(tx, guild_id, row, item, at)
        updated += 1
    await tx.add_relations(
        [RelationRow(guild_id, ids[r.source], r.kind, ids[r.target], r.note, at) for r in seed.relations]
    )
    return SeedReport(1, len(missing), updated, kept)


async def _follow_seed(tx: Tx, guild_id: int, row: SeededClaim, item: SeedClaim, at: datetime) -> None:
    """An untouched seeded claim takes its changed seed file's text, attribution and verdict."""
    claim = await tx.claim(guild_id, row.number)
    assert claim is not None
    new = item.claim
    await tx.speaker_ids(guild_id, [SpeakerNames(new.speaker, new.speaker_variants, new.speaker_short)])
    edit = ClaimEdit(new.statement, new.verbatim, new.speaker, new.role, new.venue, new.said_when)
    also = ClaimFields(
        attribution=new.attribution.value if new.attribution != claim.attribution else None,
        verdict=new.verdict.value if new.verdict != claim.verdict else None,
        rationale=new.rationale if new.rationale != claim.rationale else None,
        seed_fingerprint=item.fingerprint,
    )
    await apply_edit(tx, claim, edit, note=RESEED_NOTE, actor=SEED_ACTOR, at=at, moderated=False, also=also)
    await tx.record(_state_changes(claim, item, at))


def _state_changes(claim: Claim, item: SeedClaim, at: datetime) -> list[HistoryRow]:
    new = item.claim
    return [
        history_row(claim, field, old, value, note=RESEED_NOTE, actor=SEED_ACTOR, at=at)
        for field, old, value in (
            ("attribution", claim.attribution, new.attribution),
            ("verdict", claim.verdict, new.verdict),
        )
        if old != value
    ]
