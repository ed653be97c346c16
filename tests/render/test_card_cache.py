"""The card cache: a card is served again only under the stamp it was rendered for, and the cache stays
bounded."""

from __future__ import annotations

import discord

from bot.render.card_cache import CardCache, RenderedCard


def card(stamp: tuple[int, int]) -> RenderedCard:
    return RenderedCard(stamp, discord.Embed(title=f"card {stamp}"), discord.ui.View())


def test_a_card_is_served_only_for_the_stamp_it_was_rendered_for() -> None:
    cache = CardCache()
    cache.put(1, 7, card((3, 10)))
    assert cache.get(1, 7, (3, 10)) is not None
    assert cache.get(1, 7, (4, 10)) is None  # the claim changed
    assert cache.get(1, 7, (3, 11)) is None  # a related claim changed, or a relation was added
    assert cache.get(2, 7, (3, 10)) is None  # another server's #7
    assert cache.get(1, 7, None) is None  # read without a stamp: never from the cache


def test_the_cache_keeps_at_most_its_size_dropping_the_least_recently_shown() -> None:
    cache = CardCache(size=3)
    for number in range(1, 4):
        cache.put(1, number, card((1, 0)))
    assert cache.get(1, 1, (1, 0)) is not None  # #1 shown again: #2 is now the oldest
    cache.put(1, 4, card((1, 0)))
    assert len(cache) == 3
    assert cache.get(1, 2, (1, 0)) is None
    assert cache.get(1, 1, (1, 0)) is not None
