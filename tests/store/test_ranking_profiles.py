"""Ranking reads each claim's profile from the index instead of its text, so the stored profile must be
the one the claim's text gives now, after every kind of write that changes what the claim is found by:
an edit, evidence with a note, another name for its speaker, a new alias of the guild, a verdict's
rationale. A stale profile would rank a claim by words it no longer has (or miss words it has)."""

from __future__ import annotations

from bot.desk import Desk
from bot.desk.changes import ClaimEdit
from bot.desk.finding import guild_aliases
from bot.domain.claims import Claim, NewClaim
from bot.domain.matching import decode_profile, encode_profile
from bot.domain.states import Verdict
from bot.domain.text import ClaimText
from bot.store.base import SpeakerNames
from tests.store.conftest import ALICE, GUILD_A, GUILD_B, SEEDED_CLAIMS


async def current_text(desk: Desk, claim: Claim) -> ClaimText:
    """What the claim is found by, from what the desk shows of it (names sorted, as both stores sort them)."""
    speaker = await desk.speaker_by_id(claim.guild_id, claim.speaker.id)
    names = tuple(sorted((speaker.name, *speaker.variants)))
    notes = tuple(e.note for e in claim.evidence if e.note)
    return ClaimText(claim.statement, names, claim.role, claim.venue, claim.said_when, claim.rationale, notes)


async def stale_profiles(desk: Desk, guild_id: int, count: int) -> list[int]:
    """The numbers of the guild's claims whose stored profile is not what their text gives now."""
    aliases = await guild_aliases(desk.store, guild_id)
    claims = [await desk.claim(guild_id, number) for number in range(1, count + 1)]
    stored = {c.number: c.profile for c in await desk.store.indexed(guild_id, [c.id for c in claims])}
    return [c.number for c in claims if stored.get(c.number) != encode_profile(await current_text(desk, c), aliases)]


async def test_seeded_claims_have_the_profiles_their_text_gives(desk: Desk) -> None:
    assert await stale_profiles(desk, GUILD_A, SEEDED_CLAIMS) == []


async def test_every_write_that_changes_what_a_claim_is_found_by_rewrites_its_profile(desk: Desk) -> None:
    new = NewClaim("Quillfeather convoys crossed the river at dawn", False, "Ada Quillfeather", role="observer")
    added = await desk.add_claim(GUILD_A, new, note="added", actor=ALICE)
    count = added.number
    assert await stale_profiles(desk, GUILD_A, count) == []

    await desk.edit_claim(
        GUILD_A, added.number, ClaimEdit(statement="Convoys crossed the bridge", venue="Kursk"), note="n", actor=ALICE
    )
    await desk.add_evidence(GUILD_A, 2, "https://example.org/a", note="satellite imagery of barracks", actor=ALICE)
    await desk.set_verdict(
        GUILD_A, 3, Verdict.DISPUTED, note="contradicted by the ministry", actor=ALICE, source_url=None
    )
    async with desk.store.transaction() as tx:
        await tx.speaker_ids(GUILD_A, [SpeakerNames("Ada Quillfeather", ("Ada Q. Feather",))])
    await desk.add_alias(GUILD_A, "Kursk Oblast", "Kursk", note="the region", actor=ALICE)
    assert await stale_profiles(desk, GUILD_A, count) == []
    assert await claims_with(desk, GUILD_A, "kurskoblast", count)  # the alias reached the claims it names

    edited = decode_profile((await desk.store.indexed(GUILD_A, [added.id]))[0].profile)
    assert edited.exact("bridg") is not None  # the edit's words, not the old ones
    assert edited.exact("river") is None
    assert edited.exact("feather") == (1.0, 1.0, True)  # the speaker's new name, as the speaker's


async def claims_with(desk: Desk, guild_id: int, term: str, count: int) -> list[int]:
    """The numbers of the guild's claims whose stored profile holds `term` exactly."""
    ids = [(await desk.claim(guild_id, number)).id for number in range(1, count + 1)]
    found = await desk.store.indexed(guild_id, ids)
    return sorted(c.number for c in found if decode_profile(c.profile).exact(term) is not None)


async def test_another_guilds_alias_leaves_this_guilds_profiles_alone(desk: Desk) -> None:
    await desk.ensure_guild(GUILD_B)
    await desk.add_alias(GUILD_A, "Belgium", "Brussels", note="where NATO sits", actor=ALICE)
    assert await claims_with(desk, GUILD_A, "belgium", SEEDED_CLAIMS)
    assert await claims_with(desk, GUILD_B, "belgium", SEEDED_CLAIMS) == []
    assert await stale_profiles(desk, GUILD_B, SEEDED_CLAIMS) == []


async def test_summaries_are_the_guilds_claims_in_the_order_asked(desk: Desk) -> None:
    """What a search shows of the claims it ranked: their summaries in the ranking's order, never a
    claim of another guild, and nothing for an id no claim has."""
    await desk.ensure_guild(GUILD_B)
    mine = [(await desk.claim(GUILD_A, number)).id for number in (3, 1, 2)]
    theirs = (await desk.claim(GUILD_B, 1)).id
    found = await desk.store.summaries(GUILD_A, [mine[0], theirs, mine[1], 10**30, mine[2]])
    assert [s.number for s in found] == [3, 1, 2]
    third = await desk.claim(GUILD_A, 3)
    assert (found[0].statement, found[0].verdict, found[0].speaker_name) == (
        third.statement,
        third.verdict,
        third.speaker.name,
    )
    assert await desk.store.summaries(GUILD_B, mine) == []
    assert await desk.store.summaries(GUILD_A, []) == []
