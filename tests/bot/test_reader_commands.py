"""What a reader sees, through the real client and the local Discord."""

from __future__ import annotations

from tests.bot.conftest import Newsroom


async def test_claim_autocomplete_for_troops_offers_zelenskys_claim_first(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "troops")
    await result
    names = [c["name"] for c in result.choices]
    assert names, "no suggestions"
    assert names[0].startswith("#1 · Zelensky")
    assert "troops" in names[0]
    assert all(len(n) <= 100 for n in names)


async def test_claim_card_shows_disputed_and_what_contradicts_it(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await result
    assert not result.ephemeral
    text = result.text
    assert "We know about 10,000 soldiers" in text
    assert "Disputed" in text
    assert "Rutte" in text
    assert "contradicted by" in text.lower()
