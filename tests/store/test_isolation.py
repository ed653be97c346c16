"""One guild's claims, speakers, history and relations are out of every other guild's reach.

Claim numbers restart at 1 in every guild, so these tests use claim #17 and its new speaker, which
exist only in guild A (both guilds hold the 16 seeded claims).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.desk import ClaimEdit, ClaimNotFound, Desk, SpeakerNotFound
from bot.domain.claims import Claim, RelationKind
from bot.domain.states import Attribution, Verdict
from tests.store.conftest import ALICE, BOB, GUILD_A, GUILD_B, SEEDED_CLAIMS, new_claim, scalar

ONLY_IN_A = SEEDED_CLAIMS + 1
UNIQUE_WORD = "quokkagate"


@dataclass(frozen=True)
class TwoGuilds:
    desk: Desk
    a_claim: Claim


@pytest.fixture
async def guilds(desk: Desk) -> TwoGuilds:
    await desk.ensure_guild(GUILD_B)
    added = await desk.add_claim(
        GUILD_A,
        new_claim(f"The {UNIQUE_WORD} memo was leaked by a ministry aide.", speaker="Ada Quillfeather"),
        note="Reported on the desk.",
        actor=ALICE,
    )
    await desk.link_claims(GUILD_A, ONLY_IN_A, RelationKind.SUPPORTS, 1, note="same story", actor=ALICE)
    return TwoGuilds(desk, added)


def test_the_claim_only_guild_a_has_is_numbered_after_the_seed(guilds: TwoGuilds) -> None:
    assert guilds.a_claim.number == ONLY_IN_A
    assert guilds.a_claim.guild_id == GUILD_A


async def test_guild_b_cannot_read_guild_a_claim_by_number(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    with pytest.raises(ClaimNotFound):
        await desk.claim(GUILD_B, ONLY_IN_A)
    with pytest.raises(ClaimNotFound):
        await desk.claim_card(GUILD_B, ONLY_IN_A)
    with pytest.raises(ClaimNotFound):
        await desk.history(GUILD_B, ONLY_IN_A)
    with pytest.raises(ClaimNotFound):
        await desk.relations(GUILD_B, ONLY_IN_A)
    assert await desk.resolve_claim(GUILD_B, f"#{ONLY_IN_A}") is None


async def test_guild_b_cannot_change_guild_a_claim_by_number(guilds: TwoGuilds, db_path: Path) -> None:
    desk = guilds.desk
    history_rows = scalar(db_path, "SELECT count(*) FROM history")
    with pytest.raises(ClaimNotFound):
        await desk.set_verdict(GUILD_B, ONLY_IN_A, Verdict.FALSE, note="n", source_url=None, actor=BOB)
    with pytest.raises(ClaimNotFound):
        await desk.set_attribution(GUILD_B, ONLY_IN_A, Attribution.RETRACTED, note="n", source_url=None, actor=BOB)
    with pytest.raises(ClaimNotFound):
        await desk.edit_claim(GUILD_B, ONLY_IN_A, ClaimEdit(statement="Hijacked."), note="n", actor=BOB)
    with pytest.raises(ClaimNotFound):
        await desk.add_evidence(GUILD_B, ONLY_IN_A, "https://example.org/x", note="n", actor=BOB)

    assert await desk.claim(GUILD_A, ONLY_IN_A) == guilds.a_claim
    assert scalar(db_path, "SELECT count(*) FROM history") == history_rows


async def test_same_number_in_each_guild_is_a_different_claim(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    await desk.set_verdict(GUILD_B, 1, Verdict.FALSE, note="B decided", source_url=None, actor=BOB)
    a_one, b_one = await desk.claim(GUILD_A, 1), await desk.claim(GUILD_B, 1)
    assert a_one.id != b_one.id
    assert (a_one.verdict, b_one.verdict) == (Verdict.DISPUTED, Verdict.FALSE)
    assert BOB not in [c.actor for c in (await desk.history(GUILD_A, 1)).items]


async def test_guild_b_cannot_reach_guild_a_speaker_by_id(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    speaker_id = guilds.a_claim.speaker.id
    assert (await desk.speaker_by_id(GUILD_A, speaker_id)).name == "Ada Quillfeather"
    with pytest.raises(SpeakerNotFound):
        await desk.speaker_by_id(GUILD_B, speaker_id)
    with pytest.raises(SpeakerNotFound):
        await desk.speaker_claims(GUILD_B, speaker_id)
    with pytest.raises(SpeakerNotFound):
        await desk.find_speaker(GUILD_B, "Ada Quillfeather")
    assert await desk.suggest_speakers(GUILD_B, "Ada") == []


async def test_seeded_speaker_ids_are_per_guild(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    a_zelensky = await desk.find_speaker(GUILD_A, "Zelensky")
    b_zelensky = await desk.find_speaker(GUILD_B, "Zelensky")
    assert a_zelensky.id != b_zelensky.id
    with pytest.raises(SpeakerNotFound):
        await desk.speaker_claims(GUILD_B, a_zelensky.id)
    page = await desk.search(GUILD_B, "North Korea", speaker_id=a_zelensky.id)
    assert page.total == 0
    assert page.items == ()


async def test_guild_b_search_and_autocomplete_never_return_guild_a_claims(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    assert [s.number for s in await desk.suggest_claims(GUILD_A, UNIQUE_WORD)] == [ONLY_IN_A]
    assert (await desk.search(GUILD_A, UNIQUE_WORD)).total == 1

    assert await desk.suggest_claims(GUILD_B, UNIQUE_WORD) == []
    assert await desk.suggest_claims(GUILD_B, f"#{ONLY_IN_A}") == []
    assert (await desk.search(GUILD_B, UNIQUE_WORD)).total == 0
    assert (await desk.search(GUILD_B, f"{UNIQUE_WORD} memo leaked")).total == 0
    assert await desk.match_text(GUILD_B, f"Did you see the {UNIQUE_WORD} memo leak?") == []
    recent_b = await desk.suggest_claims(GUILD_B, "")
    assert UNIQUE_WORD not in " ".join(s.statement for s in recent_b)


async def test_a_guild_holding_most_claims_never_finds_another_guilds(desk: Desk) -> None:
    """A guild with most of the store's claims is searched through the index alone (SQLite), and one
    with all of them without looking up any match's guild: a claim another guild adds afterwards, while
    that is remembered, is still not found (nor counted) there."""
    assert (await desk.search(GUILD_A, UNIQUE_WORD)).total == 0  # guild A holds every claim
    assert await desk.match_text(GUILD_A, f"the {UNIQUE_WORD} memo and the {UNIQUE_WORD} aide") == []
    await desk.ensure_guild(GUILD_B)
    await desk.add_claim(
        GUILD_B, new_claim(f"The {UNIQUE_WORD} memo was leaked by an aide."), note="Reported.", actor=BOB
    )
    for n in range(3):  # guild A now holds most of the claims, not all
        await desk.add_claim(GUILD_A, new_claim(f"The wombatine aide number {n} spoke."), note="Reported.", actor=ALICE)

    assert (await desk.search(GUILD_A, UNIQUE_WORD)).total == 0
    assert (await desk.search(GUILD_A, f"{UNIQUE_WORD} memo leaked")).items == ()
    assert await desk.suggest_claims(GUILD_A, UNIQUE_WORD) == []
    assert await desk.match_text(GUILD_A, f"Did you see the {UNIQUE_WORD} memo leak?") == []
    # Its own claims are found as before, and counted without the other guild's.
    page = await desk.search(GUILD_A, "wombatine")
    assert page.total == 3
    assert {hit.summary.number for hit in page.items} == {SEEDED_CLAIMS + n for n in (1, 2, 3)}
    assert [c.number for c in await desk.match_text(GUILD_B, f"the {UNIQUE_WORD} memo leak")] == [SEEDED_CLAIMS + 1]


async def test_claims_cannot_be_linked_across_guilds(guilds: TwoGuilds, db_path: Path) -> None:
    desk = guilds.desk
    relations_before = scalar(db_path, "SELECT count(*) FROM relations")
    with pytest.raises(ClaimNotFound):
        await desk.link_claims(GUILD_B, 1, RelationKind.CONTRADICTS, ONLY_IN_A, note="n", actor=BOB)
    with pytest.raises(ClaimNotFound):
        await desk.link_claims(GUILD_B, ONLY_IN_A, RelationKind.CONTRADICTS, 1, note="n", actor=BOB)
    assert scalar(db_path, "SELECT count(*) FROM relations") == relations_before
    crossing = scalar(
        db_path,
        "SELECT count(*) FROM relations r JOIN claims s ON s.id = r.source_id JOIN claims t ON t.id = r.target_id "
        "WHERE s.guild_id <> t.guild_id OR s.guild_id <> r.guild_id",
    )
    assert crossing == 0


async def test_guild_b_relations_and_history_show_nothing_of_guild_a(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    a_relations = await desk.relations(GUILD_A, 1)
    assert ONLY_IN_A in [r.other.number for r in a_relations]
    b_relations = await desk.relations(GUILD_B, 1)
    assert ONLY_IN_A not in [r.other.number for r in b_relations]
    assert len(b_relations) == len(a_relations) - 1
    b_history = await desk.history(GUILD_B, 1, limit=50)
    assert ALICE not in [change.actor for change in b_history.items]


async def test_guild_b_board_counts_only_its_own_claims(guilds: TwoGuilds) -> None:
    desk = guilds.desk
    board_a, board_b = await desk.board(GUILD_A), await desk.board(GUILD_B)
    assert board_a.total == SEEDED_CLAIMS + 1
    assert board_b.total == SEEDED_CLAIMS
    assert ONLY_IN_A not in [summary.number for summary, _ in board_b.recent]
