"""Which shards a process owns, and when it may IDENTIFY one.

Discord puts a guild on shard `(guild_id >> 22) % shard_count`, sends events without a guild to
shard 0, and lets `max_concurrency` shards IDENTIFY per 5 seconds: shards whose
`shard_id % max_concurrency` is the same share a bucket (discord-api-docs, "Gateway", "Sharding" and
"Max Concurrency"). discord.py's default hook sleeps 5 s before every IDENTIFY but the first,
whatever the bucket; `IdentifyPacer` waits only where Discord requires it.
"""

from __future__ import annotations

import asyncio
import time

IDENTIFY_INTERVAL = 5.0


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> list[int]:
    """ "0-3" is [0, 1, 2, 3], "4,5" is [4, 5], "0-1,6" is [0, 1, 6]. ValueError says what is wrong."""
    ids: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ValueError(f"{part!r} is not a shard number or range; write e.g. 0-3 or 4,5")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError(f"{part!r} runs backwards")
        ids.extend(range(first, last + 1))
    if not ids:
        raise ValueError("names no shard; write e.g. 0-3 or 4,5")
    if len(set(ids)) != len(ids):
        raise ValueError("names a shard twice")
    return sorted(ids)


class IdentifyPacer:
    """At most one IDENTIFY per bucket per 5 seconds, as Discord allows."""

    def __init__(self, max_concurrency: int = 1) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self._last: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def wait(self, shard_id: int | None) -> None:
        bucket = (shard_id or 0) % self.max_concurrency
        async with self._lock:
            last = self._last.get(bucket)
            if last is not None:
                delay = last + IDENTIFY_INTERVAL - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            self._last[bucket] = time.monotonic()
