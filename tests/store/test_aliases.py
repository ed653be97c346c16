"""Removing another name (/mod unalias), on both stores: the name finds nothing any more, its record
stays with who removed it and why, a story does not bring it back, and it may be added again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.desk import Desk
from bot.domain.claims import AliasRemoval
from bot.domain.rules import RuleBroken
from bot.seedfile import SeedStory
from tests.store.conftest import ALICE, BOB, GUILD_A, GUILD_B


async def _found(desk: Desk, guild_id: int, query: str) -> set[int]:
    return {hit.summary.number for hit in (await desk.search(guild_id, query, limit=25)).items}


async def test_a_removed_name_no_longer_finds_the_claims_said_of_its_entity(desk: Desk) -> None:
    assert await _found(desk, GUILD_A, "NK")  # the story's name for North Korea
    [removed] = await desk.remove_alias(GUILD_A, "North Korea", "NK", note="reads as a username here", actor=BOB)
    assert (removed.entity, removed.name) == ("North Korea", "NK")
    assert removed.removal is not None
    assert removed.removal.actor == BOB
    assert await _found(desk, GUILD_A, "NK") == set()
    assert await _found(desk, GUILD_A, "DPRK")  # the entity's other names still find it


async def test_the_removal_is_in_the_names_history_and_out_of_the_names_in_use(desk: Desk) -> None:
    await desk.remove_alias(GUILD_A, "DPRK", "nk", note="ambiguous", actor=BOB)  # any of its names, any case
    in_use = {(a.entity, a.name) for a in await desk.aliases(GUILD_A)}
    assert ("North Korea", "NK") not in in_use
    assert ("North Korea", "DPRK") in in_use
    history = [a for a in await desk.alias_history(GUILD_A) if a.name == "NK"]
    assert len(history) == 1
    assert history[0].note.startswith("From the seed story")  # who added it stays
    assert history[0].removal is not None
    assert (history[0].removal.note, history[0].removal.actor) == ("ambiguous", BOB)


async def test_another_guild_keeps_the_name(desk: Desk) -> None:
    await desk.ensure_guild(GUILD_B)
    await desk.remove_alias(GUILD_A, "North Korea", "NK", note="not here", actor=BOB)
    assert await _found(desk, GUILD_B, "NK")
    assert ("North Korea", "NK") in {(a.entity, a.name) for a in await desk.aliases(GUILD_B)}


async def test_a_removed_story_name_stays_removed_when_the_story_is_applied_again(desk: Desk, seed: SeedStory) -> None:
    await desk.remove_alias(GUILD_A, "North Korea", "NK", note="not here", actor=BOB)
    await desk.apply_seed(seed, [GUILD_A])
    assert ("North Korea", "NK") not in {(a.entity, a.name) for a in await desk.aliases(GUILD_A)}
    assert await _found(desk, GUILD_A, "NK") == set()


async def test_a_removed_name_can_be_added_again_and_finds_again(desk: Desk) -> None:
    before = await _found(desk, GUILD_A, "NK")
    await desk.remove_alias(GUILD_A, "North Korea", "NK", note="by mistake", actor=BOB)
    again = await desk.add_alias(GUILD_A, "North Korea", "NK", note="back", actor=ALICE)
    assert again.removal is None
    assert await _found(desk, GUILD_A, "NK") == before
    assert [a.removal is None for a in await desk.alias_history(GUILD_A) if a.name == "NK"] == [False, True]


async def test_a_name_added_by_a_moderator_can_be_removed(desk: Desk) -> None:
    await desk.add_alias(GUILD_A, "Russia", "RF", note="common abbreviation", actor=ALICE)
    assert await _found(desk, GUILD_A, "RF")
    await desk.remove_alias(GUILD_A, "Russia", "RF", note="clashes with radio frequency talk", actor=BOB)
    assert await _found(desk, GUILD_A, "RF") == set()


async def test_names_search_reads_as_the_same_words_go_together(desk: Desk) -> None:
    """ "Ukrainian" and "Ukrainians" are one word to search: removing one alone would change nothing."""
    assert await _found(desk, GUILD_A, "ukrainian")
    removed = await desk.remove_alias(GUILD_A, "Ukraine", "Ukrainian", note="n", actor=BOB)
    assert [a.name for a in removed] == ["Ukrainian", "Ukrainians"]
    in_use = {a.name for a in await desk.aliases(GUILD_A) if a.entity == "Ukraine"}
    assert in_use == {"Kyiv", "Kiev"}
    again = await desk.add_alias(GUILD_A, "Ukraine", "Ukrainian", note="back", actor=ALICE)
    assert again.name == "Ukrainian"


@pytest.mark.parametrize(
    ("entity", "name", "says"),
    [
        ("Atlantis", "NK", "no other names for “Atlantis”"),
        ("North Korea", "Hermit Kingdom", "not one of North Korea’s other names"),
        ("North Korea", "Moscow", "a name of Russia, not of North Korea"),
        ("North Korea", "north korea", "North Korea’s own name"),
        ("Kim Jong Un", "Kim Jong-un", "Kim Jong Un’s own name to search"),  # the same words
    ],
)
async def test_removing_a_name_that_is_not_the_entitys_is_refused_and_changes_nothing(
    desk: Desk, entity: str, name: str, says: str
) -> None:
    before = await desk.alias_history(GUILD_A)
    with pytest.raises(RuleBroken, match=says):
        await desk.remove_alias(GUILD_A, entity, name, note="n", actor=BOB)
    assert await desk.alias_history(GUILD_A) == before


async def test_a_name_removed_twice_says_it_is_gone(desk: Desk) -> None:
    await desk.remove_alias(GUILD_A, "North Korea", "NK", note="n", actor=BOB)
    with pytest.raises(RuleBroken, match="not one of North Korea’s other names"):
        await desk.remove_alias(GUILD_A, "North Korea", "NK", note="n", actor=BOB)


async def test_the_store_removes_a_name_only_while_it_is_in_use(desk: Desk) -> None:
    """Compare-and-set: of two removals racing, the second finds nothing to remove."""
    removal = AliasRemoval("n", BOB, datetime(2026, 12, 1, tzinfo=UTC))
    async with desk.store.transaction() as tx:
        first = await tx.remove_alias(GUILD_A, "nk", removal)
        second = await tx.remove_alias(GUILD_A, "NK", removal)
    assert first is not None
    assert first.name == "NK"
    assert second is None
