"""Seed stories into a server: the first time whole, later only what changed and no moderator touched.

One path for both: a new server is a server where every seeded claim is missing. The rule that makes
`python -m bot seed` safe to repeat is here: a claim a moderator has changed is never overwritten by
its seed file again; an untouched one follows the file, every change recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.desk.changes import ClaimEdit, add_claims, apply_edit, history_row
from bot.desk.errors import Refusal
from bot.domain.claims import SEED_ACTOR, Actor, Alias, Claim
from bot.domain.stories import SeedPlan, StoryRecord
from bot.seedfile import SeedClaim, SeedStory
from bot.store.base import ClaimFields, HistoryRow, Reads, RelationRow, SeededClaim, SpeakerNames, Tx

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


class PlanChanged(Refusal):
    """The guild's claims (or the story) changed between a preview and its Confirm."""

    def __init__(self) -> None:
        super().__init__(
            "The claims changed since the preview (a moderator edited one, or another import ran): "
            "nothing was imported. Run /mod import again to see what it would do now."
        )


def _plan(seed: SeedStory, record: StoryRecord | None, known: dict[str, SeededClaim]) -> SeedPlan:
    added, updated, kept = [], [], []
    unchanged = 0
    for item in seed.claims:
        row = known.get(item.key)
        if row is None:
            added.append(item.key)
        elif row.fingerprint == item.fingerprint:
            unchanged += 1
        elif row.moderated:
            kept.append(item.key)
        else:
            updated.append(item.key)
    return SeedPlan(
        seed.story.slug,
        record is None,
        bool(record and record.moderated),
        tuple(added),
        tuple(updated),
        tuple(kept),
        unchanged,
    )


async def plan_seed(reads: Reads, guild_id: int, seed: SeedStory) -> SeedPlan:
    """A dry run of seed_guild's rules: what it would add, update and leave alone."""
    record = await reads.story(guild_id, seed.story.slug)
    return _plan(seed, record, await reads.seeded_claims(guild_id, seed.story.slug))


async def seed_new_guilds(tx: Tx, guild_ids: Sequence[int], seeds: Sequence[SeedStory], at: datetime) -> None:
    """Seed guilds this transaction created: the first claim by claim, the others as copies of it, which
    is the same rows (seeding a new guild is the same for every guild) for a few statements in all."""
    if not guild_ids:
        return
    first, *others = guild_ids
    for seed in seeds:
        await seed_guild(tx, first, seed, at)
    if others:
        await tx.copy_seeded_guild(first, others)


async def seed_guild(
    tx: Tx,
    guild_id: int,
    seed: SeedStory,
    at: datetime,
    *,
    actor: Actor = SEED_ACTOR,
    note: str = RESEED_NOTE,
    expected: SeedPlan | None = None,
) -> SeedReport:
    """Bring one story in one guild in line with its seed file. `actor` is who the history names (the
    seed loader, or the moderator who imported the file); the claims stay unmoderated either way, so a
    later edition of the file still updates those no moderator touched. With `expected`, refuse
    (PlanChanged, nothing written) unless the file would still do exactly that."""
    record = await tx.story(guild_id, seed.story.slug) if expected is not None else None
    # The story's row first: on PostgreSQL a second import of the same story waits here for the first to
    # commit, and then reads the claims it added (READ COMMITTED), so its plan differs and it is refused.
    await tx.upsert_story(guild_id, seed.story)
    known = await tx.seeded_claims(guild_id, seed.story.slug)
    if expected is not None and _plan(seed, record, known) != expected:
        raise PlanChanged()
    # Before the claims, so they are indexed with them; in a guild seeded before, claims already there
    # that are written with a new name are re-indexed by the store.
    alias_note = f"From the seed story {seed.story.slug}."
    # A name the guild removed (/mod unalias) stays removed: the story is the default, the guild decides.
    await tx.add_aliases(
        guild_id, [Alias(entity, name, alias_note, actor, at) for entity, name in seed.aliases], keep_removed=True
    )
    missing = [item for item in seed.claims if item.key not in known]
    added = await add_claims(
        tx,
        guild_id,
        [item.claim for item in missing],
        notes=[item.history_note for item in missing],
        actor=actor,
        at=at,
        seed_keys=[item.key for item in missing],
        fingerprints=[item.fingerprint for item in missing],
        moderated=False,
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
        await _follow_seed(tx, guild_id, row, item, at, actor=actor, note=note)
        updated += 1
    await tx.add_relations(
        [RelationRow(guild_id, ids[r.source], r.kind, ids[r.target], r.note, at) for r in seed.relations]
    )
    return SeedReport(1, len(missing), updated, kept)


async def _follow_seed(
    tx: Tx, guild_id: int, row: SeededClaim, item: SeedClaim, at: datetime, *, actor: Actor, note: str
) -> None:
    """An untouched seeded claim takes its changed seed file's text, attribution, verdict and rationale,
    with a history row for each (and one saying the file changed when nothing shown did)."""
    claim = await tx.claim(guild_id, row.number)
    assert claim is not None
    if row.revision is not None:
        # Compare-and-set against the revision read with the plan: a moderator's change since (which
        # made the claim theirs) makes this a conflict, not an overwrite.
        claim = replace(claim, revision=row.revision)
    new = item.claim
    await tx.speaker_ids(guild_id, [SpeakerNames(new.speaker, new.speaker_variants, new.speaker_short)])
    edit = ClaimEdit(new.statement, new.verbatim, new.speaker, new.role, new.venue, new.said_when)
    also = ClaimFields(
        attribution=new.attribution.value if new.attribution != claim.attribution else None,
        verdict=new.verdict.value if new.verdict != claim.verdict else None,
        rationale=new.rationale if new.rationale != claim.rationale else None,
        seed_fingerprint=item.fingerprint,
    )
    edited = await apply_edit(tx, claim, edit, note=note, actor=actor, at=at, moderated=False, also=also)
    recorded = await tx.record(_state_changes(claim, item, at, actor=actor, note=note))
    if not edited and not recorded:
        await tx.record(
            [history_row(claim, "seed_file", None, item.key, note=f"{note} {SEED_FILE_NOTE}", actor=actor, at=at)]
        )


SEED_FILE_NOTE = "What changed is not shown on the card (the story's details or a speaker's other names)."


def _state_changes(claim: Claim, item: SeedClaim, at: datetime, *, actor: Actor, note: str) -> list[HistoryRow]:
    new = item.claim
    return [
        history_row(claim, field, old, value, note=note, actor=actor, at=at)
        for field, old, value in (
            ("attribution", claim.attribution, new.attribution),
            ("verdict", claim.verdict, new.verdict),
            ("rationale", claim.rationale, new.rationale),
        )
        if old != value
    ]
