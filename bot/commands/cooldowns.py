"""Per-member cooldowns on the dear commands (/search, "Check claims"), at a cost that does not grow
with the number of members.

discord.py's `app_commands.checks.cooldown` drops stale buckets by looking at every member's bucket on
every invocation: with a few thousand members active in the window, that scan was a tenth of a /search
(BENCHMARKS.md). Here buckets are kept in the order they were last used, so the stale ones are at the
front and each invocation drops only those. The buckets are discord.py's own `Cooldown`, and a refusal
is its `CommandOnCooldown`, answered as before ("Slow down a little…", bot/commands/tree.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands
from discord.app_commands import Cooldown

T = TypeVar("T")
Key = tuple[int | None, int]  # (guild, member)


class MemberCooldowns:
    """`rate` invocations per `per` seconds for each member of each guild."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: OrderedDict[Key, tuple[Cooldown, float]] = OrderedDict()  # least recently used first

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, key: Key, now: float) -> tuple[Cooldown, float | None]:
        """Count one invocation at `now` (seconds); the bucket, and how long to wait if it was one too many."""
        while self._buckets:
            oldest, (_bucket, last) = next(iter(self._buckets.items()))
            if now <= last + self.per:
                break
            del self._buckets[oldest]  # idle for a whole window: full again, so nothing to remember
        found = self._buckets.pop(key, None)
        bucket = found[0] if found is not None else Cooldown(self.rate, self.per)
        self._buckets[key] = (bucket, now)
        return bucket, bucket.update_rate_limit(now)

    def check(self, interaction: discord.Interaction) -> bool:
        bucket, retry_after = self.hit((interaction.guild_id, interaction.user.id), interaction.created_at.timestamp())
        if retry_after is not None:
            raise app_commands.CommandOnCooldown(bucket, retry_after)
        return True


def member_cooldown(rate: int, per: float) -> Callable[[T], T]:
    """As `app_commands.checks.cooldown(rate, per, key=(guild, member))`, for a command or context menu."""
    return app_commands.check(MemberCooldowns(rate, per).check)
