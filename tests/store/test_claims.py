"""Adding and editing claims: numbers from the database, one history row per changed field."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.desk import ClaimEdit, Desk, DuplicateRelation, NothingToChange
from bot.domain.claims import Evidence, RelationKind
from bot.domain.rules import RuleBroken
from bot.domain.states import Verdict
from tests.desks import opened_desk
from tests.store.conftest import ALICE, BOB, GUILD_A, GUILD_B, SEEDED_CLAIMS, new_claim, scalar


async def test_claims_added_at_once_get_distinct_consecutive_numbers(desk: Desk) -> None:
    added = await asyncio.gather(
        *(desk.add_claim(GUILD_A, new_claim(f"Claim {i}"), note="n", actor=ALICE) for i in range(10))
    )
    assert sorted(c.number for c in added) == list(range(SEEDED_CLAIMS + 1, SEEDED_CLAIMS + 11))


async def test_numbers_start_at_one_in_a_guild_without_seeds(db_path: Path) -> None:
    async with opened_desk(db_path) as desk:
        first = await desk.add_claim(GUILD_B, new_claim("First"), note="n", actor=ALICE)
        second = await desk.add_claim(GUILD_B, new_claim("Second"), note="n", actor=ALICE)
    assert (first.number, second.number) == (1, 2)


async def test_an_added_claim_keeps_everything_it_was_given(desk: Desk) -> None:
    claim = await desk.add_claim(
        GUILD_A,
        new_claim(
            "Troops crossed at dawn.",
            speaker="Ada Quillfeather",
            role="Defence analyst",
            venue="Seoul",
            said_when="2024-10-18",
            verdict=Verdict.INVESTIGATING,
            evidence=(Evidence("https://example.org/photo", "satellite photo"),),
        ),
        note="From the wire.",
        actor=ALICE,
    )
    again = await desk.claim(GUILD_A, claim.number)
    assert again == claim
    assert (again.role, again.venue, again.said_when, again.verdict) == (
        "Defence analyst",
        "Seoul",
        "2024-10-18",
        Verdict.INVESTIGATING,
    )
    assert again.evidence == (Evidence("https://example.org/photo", "satellite photo"),)
    (created,) = (await desk.history(GUILD_A, claim.number)).items
    assert (created.field, created.old_value, created.new_value, created.actor) == (
        "verdict",
        None,
        "investigating",
        ALICE,
    )


async def test_a_claims_source_is_its_evidence_its_history_and_in_its_search_terms(desk: Desk) -> None:
    new = new_claim("Barges left Wonsan harbour", evidence=(Evidence("https://e.org/photo", "Satellite photo"),))
    claim = await desk.add_claim(GUILD_A, new, note="From the wire.", actor=ALICE, source_url="https://e.org/wire")
    assert [(e.url, e.note) for e in claim.evidence] == [
        ("https://e.org/photo", "Satellite photo"),
        ("https://e.org/wire", "Source given when the claim was added."),
    ]
    history = [(c.field, c.new_value, c.source_url) for c in (await desk.history(GUILD_A, claim.number)).items]
    assert ("evidence", "https://e.org/wire", "https://e.org/wire") in history
    # "given" is only in the source's note (the speaker's one claim): the claim's terms were written with it.
    found = await desk.search(GUILD_A, "given", speaker_id=claim.speaker.id)
    assert [hit.summary.number for hit in found.items] == [claim.number]


async def test_an_edit_records_one_row_per_changed_field(desk: Desk, db_path: Path) -> None:
    before = await desk.claim(GUILD_A, 3)
    claim, changes = await desk.edit_claim(
        GUILD_A,
        3,
        ClaimEdit(statement="North Korean soldiers are fighting in Kursk.", venue="Kyiv", role=before.role),
        note="More precise.",
        actor=BOB,
        expected_revision=before.revision,
    )
    assert [(c.field, c.new_value) for c in changes] == [
        ("statement", "North Korean soldiers are fighting in Kursk."),
        ("venue", "Kyiv"),
    ]
    assert claim.revision == before.revision + 1
    assert [s.number for s in await desk.suggest_claims(GUILD_A, "kursk")] == [3]
    with pytest.raises(NothingToChange):
        await desk.edit_claim(GUILD_A, 3, ClaimEdit(venue="Kyiv"), note="again", actor=BOB)
    assert scalar(db_path, "SELECT count(*) FROM history WHERE actor_id = ?", (BOB.id,)) == 2


async def test_moving_a_claim_to_another_speaker_moves_its_count(desk: Desk) -> None:
    kremlin = await desk.find_speaker(GUILD_A, "Kremlin")
    claim, _ = await desk.edit_claim(GUILD_A, 3, ClaimEdit(speaker="Moscow"), note="It was Moscow.", actor=BOB)
    assert claim.speaker.id == kremlin.id
    assert (await desk.speaker_by_id(GUILD_A, kremlin.id)).claim_count == kremlin.claim_count + 1
    assert (await desk.find_speaker(GUILD_A, "Ukrainian officials")).claim_count == 0


async def test_a_relation_cannot_be_added_twice_or_to_itself(desk: Desk) -> None:
    relation = await desk.link_claims(GUILD_A, 4, RelationKind.SUPPORTS, 2, note="n", actor=ALICE)
    assert (relation.kind, relation.outgoing, relation.other.number) == (RelationKind.SUPPORTS, True, 2)
    with pytest.raises(DuplicateRelation):
        await desk.link_claims(GUILD_A, 4, RelationKind.SUPPORTS, 2, note="n", actor=ALICE)
    with pytest.raises(RuleBroken):
        await desk.link_claims(GUILD_A, 4, RelationKind.SUPPORTS, 4, note="n", actor=ALICE)
    incoming = [r for r in await desk.relations(GUILD_A, 2) if r.other.number == 4]
    assert [(r.kind, r.outgoing, r.phrase) for r in incoming] == [(RelationKind.SUPPORTS, False, "supported by")]


@pytest.mark.parametrize("offset", [1_000, 999_999_999, 2**62])
async def test_a_page_past_the_end_is_answered_as_stale_not_as_an_error(desk: Desk, offset: int) -> None:
    # A forged pager button (claimbot:history:page:1:999999999) must be answered like any stale page.
    with pytest.raises(RuleBroken, match="no longer there"):
        await desk.history(GUILD_A, 1, offset=offset, limit=8)
    speaker = (await desk.claim(GUILD_A, 1)).speaker
    with pytest.raises(RuleBroken, match="no longer there"):
        await desk.speaker_claims(GUILD_A, speaker.id, offset=offset, limit=10)
    assert (await desk.history(GUILD_A, 1, offset=0, limit=8)).total >= 1
