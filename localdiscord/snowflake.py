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


def iso_now() -> str:
    """The current time as Discord writes it: ISO 8601 with an explicit UTC offset."""
    return datetime.datetime.now(datetime.UTC).isoformat()
