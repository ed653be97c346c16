"""Snowflake ids and timestamps in Discord's format.

Ids are real snowflakes (milliseconds since the Discord epoch in the top bits) so that anything the
client derives from them, such as ``created_at``, looks plausible.
"""

from __future__ import annotations

import datetime
import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Hands out strictly increasing snowflakes, even for many ids within one millisecond."""

    def __init__(self, worker: int = 1) -> None:
        self._worker = worker & 0x1F
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | (self._worker << 17) | (next(self._counter) & 0xFFF)
        # Never go backwards, even when the counter wraps within one millisecond.
        self._last = max(candidate, self._last + 1)
        return self._last

    def next_on_shard(self, shard_id: int, num_shards: int) -> int:
        """The next id whose ``(id >> 22) % num_shards == shard_id``: a guild id that lands on that shard.

        The shard depends only on the timestamp bits, so the id is stamped up to ``num_shards - 1``
        milliseconds ahead of now; later ids keep increasing from it.
        """
        if not 0 <= shard_id < num_shards:
            raise ValueError(f"shard {shard_id} is not one of {num_shards}")
        base = self.next()
        ms = base >> 22
        ahead = (shard_id - ms) % num_shards
        if ahead:
            base = ((ms + ahead) << 22) | (base & ((1 << 22) - 1))
        self._last = base
        return base


def iso_now() -> str:
    """The current time as Discord writes it: ISO 8601 with an explicit UTC offset."""
    return datetime.datetime.now(datetime.UTC).isoformat()
