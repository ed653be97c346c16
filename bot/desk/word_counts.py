"""How many of a guild's claims hold each word of a message or query, for its idf, without re-counting
the common words every time.

The store counts a word's claims up to a cap (past it the word is simply common). Counting is cheap for
a rare word and dear for a common one: it walks the cap's worth of matches, in every message, and the
common words ("said", "troops", "Russia") are in nearly every message. A word that reached the cap
stays at the cap until claims holding it are removed or reworded, which is rare and changes its idf by
next to nothing (log N/200 against log N/199), so its being common is remembered for a while, per
guild; rarer words, whose counts follow every new claim, are always counted.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence

from bot.domain.text import Group
from bot.store.base import Reads

COUNT_CAP = 200  # how far the store counts a word's claims for its idf: past it a word is simply common
COMMON_KEPT_S = 600.0  # how long a word that reached the cap is taken to be there without a count
COMMON_WORDS = 4_096  # (guild, word) pairs remembered, least recently used forgotten first


class WordCounts:
    """One per desk (per process): guild and word -> until when the word is known to be common."""

    def __init__(self, *, cap: int = COUNT_CAP, kept_s: float = COMMON_KEPT_S, size: int = COMMON_WORDS) -> None:
        self.cap = cap
        self._kept_s = kept_s
        self._size = size
        self._common: OrderedDict[tuple[int, Group], float] = OrderedDict()

    async def document_counts(self, reads: Reads, guild_id: int, groups: Sequence[Group]) -> tuple[int, list[int]]:
        """As Reads.document_counts up to the cap: the guild's claims and each group's count; the groups
        known to be common are not sent to the store (an empty group costs it nothing)."""
        now = time.monotonic()
        known = [self._is_common(guild_id, group, now) for group in groups]
        asked = [() if common else group for group, common in zip(groups, known, strict=True)]
        claims, counts = await reads.document_counts(guild_id, asked, self.cap)
        for group, common, count in zip(groups, known, counts, strict=True):
            if not common and group and count >= self.cap:
                self._remember(guild_id, group, now)
        return claims, [self.cap if common else count for common, count in zip(known, counts, strict=True)]

    def _is_common(self, guild_id: int, group: Group, now: float) -> bool:
        key = (guild_id, group)
        until = self._common.get(key)
        if until is None:
            return False
        if until <= now:
            del self._common[key]
            return False
        self._common.move_to_end(key)
        return True

    def _remember(self, guild_id: int, group: Group, now: float) -> None:
        self._common[guild_id, group] = now + self._kept_s
        self._common.move_to_end((guild_id, group))
        while len(self._common) > self._size:
            self._common.popitem(last=False)
