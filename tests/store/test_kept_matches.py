"""Check claims keeps what a message was found to be about (bot/desk/kept_matches.py), on both stores:
the verdicts shown are always current, and a claim added, reworded or aliased in this process matches
(or stops matching) at once."""

from __future__ import annotations

from bot.desk import Desk
from bot.desk.changes import ClaimEdit
from bot.desk.kept_matches import KeptMatches
from bot.domain.claims import Claim
from bot.domain.states import Verdict
from tests.store.conftest import ALICE, GUILD_A, GUILD_B, new_claim

MESSAGE = "Is it true the Zorblat drone factory in Quixelburg was hit last night?"
FACTORY_HIT = "The Zorblat drone factory in Quixelburg was hit"


async def add(desk: Desk, statement: str) -> Claim:
    return await desk.add_claim(GUILD_A, new_claim(statement), note="", actor=ALICE)


async def numbers(desk: Desk, guild_id: int, message: str = MESSAGE) -> list[int]:
    return [c.number for c in await desk.match_text(guild_id, message)]


async def test_a_message_checked_again_shows_the_verdict_as_it_is_now(desk: Desk) -> None:
    claim = await add(desk, FACTORY_HIT)
    (first,) = await desk.match_text(GUILD_A, MESSAGE)
    assert (first.number, first.verdict) == (claim.number, Verdict.UNVERIFIED)
    await desk.set_verdict(GUILD_A, claim.number, Verdict.FALSE, note="No damage", source_url=None, actor=ALICE)
    (again,) = await desk.match_text(GUILD_A, MESSAGE)
    assert (again.number, again.verdict) == (claim.number, Verdict.FALSE)


async def test_a_claim_added_after_a_message_matched_nothing_matches_it_at_once(desk: Desk) -> None:
    assert await numbers(desk, GUILD_A) == []
    claim = await add(desk, FACTORY_HIT)
    assert await numbers(desk, GUILD_A) == [claim.number]


async def test_a_claim_reworded_away_from_a_message_stops_matching_it_at_once(desk: Desk) -> None:
    claim = await add(desk, FACTORY_HIT)
    assert await numbers(desk, GUILD_A) == [claim.number]
    reworded = ClaimEdit(statement="The mayor opened a new bridge over the river")
    await desk.edit_claim(GUILD_A, claim.number, reworded, note="Wrong claim", actor=ALICE)
    assert await numbers(desk, GUILD_A) == []


async def test_an_alias_added_makes_a_message_that_names_it_match_at_once(desk: Desk) -> None:
    claim = await add(desk, "Quixelburg was evacuated")
    other_name = "Qburg evacuated?"
    assert await numbers(desk, GUILD_A, other_name) == []
    await desk.add_alias(GUILD_A, "Quixelburg", "Qburg", note="", actor=ALICE)
    assert await numbers(desk, GUILD_A, other_name) == [claim.number]


async def test_what_one_guild_matched_is_not_shown_in_another(desk: Desk) -> None:
    claim = await add(desk, FACTORY_HIT)
    await desk.ensure_guild(GUILD_B)
    assert await numbers(desk, GUILD_A) == [claim.number]
    assert await numbers(desk, GUILD_B) == []


def test_a_match_made_while_its_guild_was_written_is_not_kept() -> None:
    kept = KeptMatches()
    before = kept.generation(GUILD_A)
    kept.changed(GUILD_A)  # a write began (or ended) after the match read the generation
    kept.put(GUILD_A, MESSAGE, 5, before, (1,), now=0.0)
    assert kept.get(GUILD_A, MESSAGE, 5, now=0.0) is None
    kept.put(GUILD_A, MESSAGE, 5, kept.generation(GUILD_A), (1,), now=0.0)
    assert kept.get(GUILD_A, MESSAGE, 5, now=0.0) == (1,)
    kept.changed(GUILD_B)  # another guild's write leaves it
    assert kept.get(GUILD_A, MESSAGE, 5, now=0.0) == (1,)


def test_a_kept_match_lasts_its_time_and_is_keyed_by_guild_message_and_limit() -> None:
    kept = KeptMatches(kept_s=30.0)
    kept.put(GUILD_A, MESSAGE, 5, 0, (1, 2), now=100.0)
    assert kept.get(GUILD_A, MESSAGE, 5, now=129.0) == (1, 2)
    assert kept.get(GUILD_A, MESSAGE, 1, now=129.0) is None
    assert kept.get(GUILD_B, MESSAGE, 5, now=129.0) is None
    assert kept.get(GUILD_A, MESSAGE + " ", 5, now=129.0) is None
    assert kept.get(GUILD_A, MESSAGE, 5, now=130.0) is None  # another process's change is seen by then


def test_the_kept_matches_are_bounded_the_least_recently_used_forgotten_first() -> None:
    kept = KeptMatches(size=2)
    for message in ("one", "two"):
        kept.put(GUILD_A, message, 5, 0, (1,), now=0.0)
    assert kept.get(GUILD_A, "one", 5, now=0.0) == (1,)  # "two" is now the least recently used
    kept.put(GUILD_A, "three", 5, 0, (3,), now=0.0)
    assert kept.get(GUILD_A, "two", 5, now=0.0) is None
    assert kept.get(GUILD_A, "one", 5, now=0.0) == (1,)
    assert kept.get(GUILD_A, "three", 5, now=0.0) == (3,)
