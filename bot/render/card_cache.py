"""Rendered claim cards, kept while they are true.

A card shows the claim (its revision says when any of it changed: text, verdict, attribution,
evidence, the latest history row) and its related claims' summaries, whose revisions only ever go up
and whose sum therefore changes whenever any of them changes or a relation is added. That pair, read
from the database with the claim option itself, is the key: a change made by this process, by another
shard process or by `python -m bot seed` gives a new key, and the stale card is never served.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import discord

CardStamp = tuple[int, int]  # (the claim's revision, the sum of its related claims' revisions)


@dataclass(frozen=True, slots=True)
class RenderedCard:
    stamp: CardStamp
    embed: discord.Embed
    view: discord.ui.View
    # What the card says of demand and freshness (issue 11): it changes without the claim's revision
    # (a member asks, a day passes), so the cog compares it too before serving a kept card.
    standing: object = None


class CardCache:
    """At most `size` cards, the least recently shown dropped first."""

    def __init__(self, size: int = 500) -> None:  # ~6.6 KB a card (its embed and buttons): ~3.3 MB full
        self.size = size
        self._cards: OrderedDict[tuple[int, int], RenderedCard] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, guild_id: int, number: int, stamp: CardStamp | None) -> RenderedCard | None:
        key = (guild_id, number)
        card = self._cards.get(key)
        if card is None or stamp is None or card.stamp != stamp:
            self.misses += 1
            return None
        self._cards.move_to_end(key)
        self.hits += 1
        return card

    def put(self, guild_id: int, number: int, card: RenderedCard) -> None:
        key = (guild_id, number)
        self._cards[key] = card
        self._cards.move_to_end(key)
        while len(self._cards) > self.size:
            self._cards.popitem(last=False)

    def forget_guild(self, guild_id: int) -> None:
        """A moderator edited a story (issue 11): its title and link are on its claims' cards, and a
        story has no revision of its own in the stamp. Edits are made by the process that owns the guild,
        which is the one holding its cards."""
        for key in [key for key in self._cards if key[0] == guild_id]:
            del self._cards[key]

    def __len__(self) -> int:
        return len(self._cards)
