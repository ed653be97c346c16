"""What a message was found to be about, remembered: the same message is checked again and again in a
server (a viral post, a forwarded screenshot's text), and matching it is most of Check claims' cost
(its words counted, candidates read, ranked).

Only the matched claims' ids are kept, never their summaries: the verdicts an answer shows are read
with every answer, so a kept match can never show a stale verdict. What can go stale is which claims
match, when claims are added or reworded, so a guild's matches are forgotten whenever this process
writes there anything but a member's request, submission or follow (`changed`, once the write ends:
a match begun before then carries the older generation and is not kept), and a change made by
another process (`python -m bot seed`, an import on another shard's process) is seen within
MATCHES_KEPT_S, as the desk's kept aliases are.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

MATCHES_KEPT_S = 30.0
MATCHES_KEPT = 2_048  # (guild, message, limit) entries, least recently used forgotten first


def _digest(text: str) -> bytes:
    """A message's key: 16 bytes however long the message, so the bound above bounds memory too."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class KeptMatches:
    """One per desk (per process)."""

    def __init__(self, *, kept_s: float = MATCHES_KEPT_S, size: int = MATCHES_KEPT) -> None:
        self._kept_s = kept_s
        self._size = size
        # (guild, digest, limit) -> (until when, the guild's generation when matched, the ids found)
        self._kept: OrderedDict[tuple[int, bytes, int], tuple[float, int, tuple[int, ...]]] = OrderedDict()
        self._generations: dict[int, int] = {}  # guild -> how many times this process has written there

    def generation(self, guild_id: int) -> int:
        return self._generations.get(guild_id, 0)

    def changed(self, guild_id: int) -> None:
        self._generations[guild_id] = self.generation(guild_id) + 1

    def get(self, guild_id: int, text: str, limit: int, now: float) -> tuple[int, ...] | None:
        key = (guild_id, _digest(text), limit)
        kept = self._kept.get(key)
        if kept is None:
            return None
        until, generation, ids = kept
        if until <= now or generation != self.generation(guild_id):
            del self._kept[key]
            return None
        self._kept.move_to_end(key)
        return ids

    def put(self, guild_id: int, text: str, limit: int, generation: int, ids: tuple[int, ...], now: float) -> None:
        """`generation`: the guild's, read before matching began (a write since makes the entry void)."""
        key = (guild_id, _digest(text), limit)
        self._kept[key] = (now + self._kept_s, generation, ids)
        self._kept.move_to_end(key)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
