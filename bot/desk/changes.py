"""The rules of every change a moderator makes, and what each change also changes.

Each function runs inside one transaction (`Tx`) the desk opened for the member's action, so a
change, its history rows and its evidence are saved together or not at all. Conflicts are decided by
the store's compare-and-set (`update_claim` against the revision the change was prepared with), so
two moderators racing for one claim get one winner on every backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.desk import finding
from bot.desk.errors import ClaimNotFound, DuplicateRelation, NothingToChange, VerdictConflict
from bot.desk.outbox import DM_WINDOW, enqueue_change
from bot.domain import text
from bot.domain.claims import (
    SEED_ACTOR,
    Actor,
    Alias,
    AliasRemoval,
    Change,
    Claim,
    ClaimSummary,
    Evidence,
    NewClaim,
    Relation,
    RelationKind,
)
from bot.domain.names import normalise_name
from bot.domain.rules import RuleBroken, check_short
from bot.domain.states import Attribution, Verdict
from bot.store.base import (
    ClaimFields,
    ClaimRow,
    EvidenceRow,
    HistoryRow,
    RelationRow,
    SpeakerNames,
    Tx,
)

EVIDENCE_NOTE_MAX = 300
SOURCE_GIVEN = "Source given when the claim was added."  # the note of a new claim's source


@dataclass(frozen=True, slots=True)
class ClaimEdit:
    """Fields a moderator may edit; None leaves a field as it is."""

    statement: str | None = None
    verbatim: bool | None = None
    speaker: str | None = None
    role: str | None = None
    venue: str | None = None
    said_when: str | None = None


def history_row(
    claim: Claim,
    field: str,
    old: str | None,
    new: str,
    *,
    note: str,
    actor: Actor,
    at: datetime,
    source_url: str | None = None,
) -> HistoryRow:
    return HistoryRow(claim.guild_id, claim.id, claim.number, field, old, new, note, source_url, actor, at)


async def claim_for_change(tx: Tx, guild_id: int, number: int, expected_revision: int | None) -> Claim:
    """The claim as it stands in this transaction, refusing a change prepared against an older revision."""
    claim = await tx.claim(guild_id, number)
    if claim is None:
        raise ClaimNotFound(number)
    if expected_revision is not None and claim.revision != expected_revision:
        raise await conflict(tx, guild_id, number)
    return claim


async def conflict(tx: Tx, guild_id: int, number: int) -> VerdictConflict:
    """Who changed the claim meanwhile, as the member is told."""
    claim = await tx.claim(guild_id, number)
    if claim is None:
        raise ClaimNotFound(number)
    last = await tx.latest_change(claim.id)
    return VerdictConflict(
        number, claim.verdict, last.actor if last else SEED_ACTOR, last.at if last else claim.updated_at
    )


async def save(
    tx: Tx,
    claim: Claim,
    fields: ClaimFields,
    at: datetime,
    *,
    moderated: bool = True,
    evidence: Sequence[EvidenceRow] = (),
) -> None:
    """Compare-and-set against the revision the change was prepared with: another change saved since
    (even one that read the same revision, under READ COMMITTED) makes this one a conflict."""
    if not await tx.update_claim(claim.id, claim.revision, fields, at=at, moderated=moderated, evidence=evidence):
        raise await conflict(tx, claim.guild_id, claim.number)


async def reread(tx: Tx, claim: Claim) -> Claim:
    updated = await tx.claim(claim.guild_id, claim.number)
    assert updated is not None  # claims are never deleted
    return updated


async def set_verdict(
    tx: Tx,
    guild_id: int,
    number: int,
    verdict: Verdict,
    *,
    note: str,
    source_url: str | None,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
    window: timedelta = DM_WINDOW,
) -> tuple[Claim, Change]:
    claim = await claim_for_change(tx, guild_id, number, expected_revision)
    if claim.verdict == verdict:
        last = await tx.latest_change(claim.id, "verdict")
        raise NothingToChange(
            f"#{number} is already {verdict.value}; nothing was changed.",
            last.actor if last else None,
            last.at if last else None,
        )
    # The note becomes the card's "why"; the source, the claim's evidence (saved with the change, so the
    # claim's search terms are written once, with both notes).
    evidence = []
    if source_url:
        evidence_note = f"Source for {verdict.look.label.lower()}: {note}"[:EVIDENCE_NOTE_MAX]
        evidence.append(EvidenceRow(claim.id, source_url, evidence_note, at))
    await save(tx, claim, ClaimFields(verdict=verdict.value, rationale=note), at, evidence=evidence)
    (change,) = await tx.record(
        [history_row(claim, "verdict", claim.verdict, verdict, note=note, actor=actor, at=at, source_url=source_url)]
    )
    updated = await reread(tx, claim)
    await enqueue_change(tx, updated, [change], at=at, window=window)  # followers and posts, same transaction
    return updated, change


async def set_attribution(
    tx: Tx,
    guild_id: int,
    number: int,
    attribution: Attribution,
    *,
    note: str,
    source_url: str | None,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
    window: timedelta = DM_WINDOW,
) -> tuple[Claim, Change]:
    claim = await claim_for_change(tx, guild_id, number, expected_revision)
    if claim.attribution == attribution:
        raise NothingToChange(f"#{number} is already marked {attribution.look.label.lower()}.")
    await save(tx, claim, ClaimFields(attribution=attribution.value), at)
    (change,) = await tx.record(
        [
            history_row(
                claim,
                "attribution",
                claim.attribution,
                attribution,
                note=note,
                actor=actor,
                at=at,
                source_url=source_url,
            )
        ]
    )
    updated = await reread(tx, claim)
    await enqueue_change(tx, updated, [change], at=at, window=window)
    return updated, change


def edited_fields(claim: Claim, edit: ClaimEdit) -> list[tuple[str, str, str]]:
    """(field, old, new) for each field the edit really changes, in the form's order."""
    current = {
        "statement": claim.statement,
        "verbatim": "quote" if claim.verbatim else "paraphrase",
        "speaker": claim.speaker.name,
        "role": claim.role,
        "venue": claim.venue,
        "said_when": claim.said_when,
    }
    wanted = {
        "statement": edit.statement,
        "verbatim": None if edit.verbatim is None else ("quote" if edit.verbatim else "paraphrase"),
        "speaker": edit.speaker,
        "role": edit.role,
        "venue": edit.venue,
        "said_when": edit.said_when,
    }
    return [(f, current[f], new) for f, new in wanted.items() if new is not None and new != current[f]]


async def apply_edit(
    tx: Tx,
    claim: Claim,
    edit: ClaimEdit,
    *,
    note: str,
    actor: Actor,
    at: datetime,
    moderated: bool,
    also: ClaimFields | None = None,
) -> list[Change]:
    """Save the edit's real changes (and `also`'s columns) in one compare-and-set, a history row each."""
    diff = edited_fields(claim, edit)
    fields = also or ClaimFields()
    for field, _old, new in diff:
        if field == "speaker":
            (speaker_id,) = await tx.speaker_ids(claim.guild_id, [SpeakerNames(new)])
            fields = replace(fields, speaker_id=speaker_id)
        elif field == "verbatim":
            fields = replace(fields, verbatim=new == "quote")
        else:
            text: dict[str, Any] = {field: new}  # statement, role or said_when: a text column of the same name
            fields = replace(fields, **text)
    if not diff and fields == ClaimFields():
        return []
    await save(tx, claim, fields, at, moderated=moderated)
    return await tx.record(
        [history_row(claim, field, old, new, note=note, actor=actor, at=at) for field, old, new in diff]
    )


async def edit_claim(
    tx: Tx,
    guild_id: int,
    number: int,
    edit: ClaimEdit,
    *,
    note: str,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
    window: timedelta = DM_WINDOW,
) -> tuple[Claim, list[Change]]:
    claim = await claim_for_change(tx, guild_id, number, expected_revision)
    changes = await apply_edit(tx, claim, edit, note=note, actor=actor, at=at, moderated=True)
    if not changes:
        raise NothingToChange(f"#{number} already says that; nothing was changed.")
    updated = await reread(tx, claim)
    # The old speaker's followers hear of a claim moved away from them too.
    await enqueue_change(tx, updated, changes, at=at, window=window, speaker_ids=[claim.speaker.id])
    return updated, changes


async def add_claims(
    tx: Tx,
    guild_id: int,
    new: list[NewClaim],
    *,
    notes: list[str],
    actor: Actor,
    at: datetime,
    seed_keys: list[str] | None = None,
    fingerprints: list[str] | None = None,
    moderated: bool | None = None,
) -> list[tuple[int, int]]:
    """New claims, numbered in order, each with its first history row; their (id, number). Several at once
    because seeding a new server adds a whole story while a member waits for the first answer."""
    if not new:
        return []
    first = await tx.reserve_numbers(guild_id, len(new))
    if first is None:
        raise ClaimNotFound("(unknown server)")
    speaker_ids = await tx.speaker_ids(
        guild_id, [SpeakerNames(c.speaker, c.speaker_variants, c.speaker_short) for c in new]
    )
    story_ids: dict[str, int] = {}
    for claim in new:
        if claim.story is not None and claim.story.slug not in story_ids:
            story_ids[claim.story.slug] = await tx.upsert_story(guild_id, claim.story)
    # Each claim its own instant, in order, as when added one by one: "most recent" stays defined.
    stamps = [at + timedelta(microseconds=n) for n in range(len(new))]
    rows = [
        ClaimRow(
            number=first + n,
            claim=claim,
            speaker_id=speaker_ids[n],
            story_id=story_ids[claim.story.slug] if claim.story else None,
            # A moderator's own claim is theirs; a story file's (seeded or imported) follows its file.
            moderated=actor != SEED_ACTOR if moderated is None else moderated,
            at=stamps[n],
            seed_key=seed_keys[n] if seed_keys else None,
            seed_fingerprint=fingerprints[n] if fingerprints else None,
        )
        for n, claim in enumerate(new)
    ]
    ids = await tx.insert_claims(guild_id, rows)
    await tx.record(
        [
            HistoryRow(guild_id, ids[n], first + n, "verdict", None, claim.verdict, notes[n], None, actor, stamps[n])
            for n, claim in enumerate(new)
        ]
    )
    return [(claim_id, first + n) for n, claim_id in enumerate(ids)]


async def add_claim(
    tx: Tx, guild_id: int, new: NewClaim, *, note: str, actor: Actor, at: datetime, source_url: str | None
) -> Claim:
    """A moderator's new claim, and the source they gave with it, in the same transaction. The source
    is the claim's evidence from its first row on, so the claim's search terms are written once."""
    if source_url:
        new = replace(new, evidence=(*new.evidence, Evidence(source_url, SOURCE_GIVEN)))
    ((_id, number),) = await add_claims(tx, guild_id, [new], notes=[note], actor=actor, at=at)
    claim = await tx.claim(guild_id, number)
    assert claim is not None
    if source_url:
        await tx.record(
            [
                history_row(
                    claim,
                    "evidence",
                    None,
                    source_url,
                    note=SOURCE_GIVEN,
                    actor=actor,
                    at=at,
                    source_url=source_url,
                )
            ]
        )
    return claim


async def link_claims(
    tx: Tx, guild_id: int, source: int, kind: RelationKind, target: int, *, note: str, actor: Actor, at: datetime
) -> Relation:
    if source == target:
        raise RuleBroken("A claim cannot be linked to itself.")
    first = await tx.claim(guild_id, source)
    second = await tx.claim(guild_id, target)
    if first is None or second is None:
        raise ClaimNotFound(source if first is None else target)
    duplicate = DuplicateRelation(f"That link is already recorded: #{source} {kind.phrase(outgoing=True)} #{target}.")
    # "Same as" reads the same both ways: #1 same as #2 is already there when #2 same as #1 is.
    if kind is RelationKind.SAME_AS and await tx.has_relation(second.id, kind, first.id):
        raise duplicate
    if not await tx.add_relations([RelationRow(guild_id, first.id, kind, second.id, note, at)]):
        raise duplicate
    await tx.record(
        [history_row(first, "relation", None, f"{kind.phrase(outgoing=True)} #{target}", note=note, actor=actor, at=at)]
    )
    summary = ClaimSummary(
        second.number,
        second.statement,
        second.verbatim,
        second.speaker.name,
        second.verdict,
        second.speaker.short_name,
        second.revision,
    )
    return Relation(kind, True, summary, note)


async def add_evidence(tx: Tx, guild_id: int, number: int, url: str, *, note: str, actor: Actor, at: datetime) -> Claim:
    claim = await claim_for_change(tx, guild_id, number, None)
    if any(item.url == url for item in claim.evidence):
        raise NothingToChange(f"#{number} already lists that link.")
    await save(tx, claim, ClaimFields(), at, evidence=[EvidenceRow(claim.id, url, note, at)])
    await tx.record([history_row(claim, "evidence", None, url, note=note, actor=actor, at=at, source_url=url)])
    return await reread(tx, claim)


async def add_alias(tx: Tx, guild_id: int, entity: str, name: str, *, note: str, actor: Actor, at: datetime) -> Alias:
    """Another name for a place, body or person. The entity may be named by one of its names already
    ("DPRK"): the name goes to the entity itself. A name stands for one entity and is never removed."""
    entity = check_short("entity", entity, required=True)
    name = check_short("name", name, required=True)
    for label, value in (("entity", entity), ("name", name)):
        if not text.name_terms(value):
            raise RuleBroken(f"The {label} needs a word in it (words like “the” or “us” alone do not count).")
    known = await tx.aliases(guild_id)
    pairs = tuple((a.entity, a.name) for a in known)
    aliases = text.aliases(pairs)
    entities = {text.entity_term(e): e for e, _n in (*text.THESAURUS, *pairs)}
    owner = aliases.by_words.get(text.name_terms(entity))
    if owner is not None and owner in entities:
        entity = entities[owner]
    term = text.entity_term(entity)
    taken = aliases.by_words.get(text.name_terms(name))
    if text.entity_term(name) == term or taken == term:
        raise NothingToChange(f"“{name}” already stands for {entity}.")
    if taken is not None or text.entity_term(name) in entities:
        other = entities.get(taken or text.entity_term(name), name)
        raise RuleBroken(f"“{name}” already stands for {other}: a name can stand for one thing only.")
    added = await tx.add_aliases(guild_id, [Alias(entity, name, note, actor, at)])
    if not added:  # another spelling of it was added meanwhile
        raise NothingToChange(f"“{name}” is already a name in this server.")
    return added[0]


async def remove_alias(
    tx: Tx, guild_id: int, entity: str, name: str, *, note: str, actor: Actor, at: datetime
) -> list[Alias]:
    """Take another name out of use; the entity may be named by any of its names ("DPRK"). Search reads
    names as the analyser does, so the entity's other names it reads as the same words ("Ukrainians" for
    "Ukrainian") go with it: otherwise the name would still find the entity. A shipped story's names may
    be removed too: the server's choice stands, and the story does not bring them back when the bot
    starts again. An entity's own name (and what reads as it) is not one of its other names: it stays.
    The names removed, the one asked for first."""
    entity = check_short("entity", entity, required=True)
    name = check_short("name", name, required=True)
    known = await tx.aliases(guild_id)
    owner = finding.alias_owner(known, entity)
    if owner is None:
        raise RuleBroken(f"This server has no other names for “{entity}”: /mod aliases lists the names it has.")
    norm = normalise_name(name)
    if norm == normalise_name(owner) or text.name_terms(name) == text.name_terms(owner):
        raise RuleBroken(f"“{name}” is {owner}’s own name to search, not another name of it: it stays.")
    mine = next((a for a in known if a.entity == owner and normalise_name(a.name) == norm), None)
    if mine is None:
        other = finding.alias_owner(known, name)
        if other is not None:
            raise RuleBroken(f"“{name}” is a name of {other}, not of {owner}.")
        raise RuleBroken(f"“{name}” is not one of {owner}’s other names: /mod aliases entity: lists them.")
    words = text.name_terms(mine.name)
    same = [a for a in known if a.entity == owner and a is not mine and text.name_terms(a.name) == words]
    removed: list[Alias] = []
    for alias in (mine, *same):
        gone = await tx.remove_alias(guild_id, alias.name, AliasRemoval(note, actor, at))
        if gone is None:  # removed meanwhile
            raise NothingToChange(f"“{alias.name}” no longer stands for {owner}.")
        removed.append(gone)
    return removed
