"""Guild sharding: which gateway sessions receive which guild's events.

From developers/events/gateway.mdx, "Sharding": a session identifies with ``shard: [shard_id, num_shards]``
and receives the events of the guilds with ``(guild_id >> 22) % num_shards == shard_id``; events without a
guild (DMs, the bot's own USER_UPDATE) go to ``shard_id`` 0 only. ``num_shards`` only routes traffic: two
sessions may share a pair (both get the events) and sessions may use different ``num_shards``. A session
that sends no ``shard`` is ``[0, 1]``, which receives everything.

:meth:`Shard.receives` is the one place that decides; the gateway asks it for every dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class InvalidShard(ValueError):
    """An IDENTIFY's ``shard`` is not ``[shard_id, num_shards]`` with ``0 <= shard_id < num_shards``."""


def shard_of(guild_id: int, num_shards: int) -> int:
    """The shard of ``num_shards`` that receives ``guild_id``'s events (the docs' "Sharding Formula")."""
    return (guild_id >> 22) % num_shards


@dataclass(frozen=True)
class Shard:
    id: int = 0
    count: int = 1

    def receives(self, guild_id: int | None) -> bool:
        """Whether a session on this shard is sent an event of ``guild_id`` (None: an event without a guild)."""
        if guild_id is None:
            return self.id == 0
        return shard_of(guild_id, self.count) == self.id

    def as_list(self) -> list[int]:
        return [self.id, self.count]

    @classmethod
    def from_identify(cls, value: Any) -> Shard:
        """The shard an IDENTIFY's ``shard`` field asks for; a missing (or null) field is ``[0, 1]``."""
        if value is None:
            return cls()
        if not isinstance(value, list) or len(value) != 2:
            raise InvalidShard(f"shard must be [shard_id, num_shards], not {value!r}")
        # JSON true/false arrive as bool, which Python counts as int; Discord wants integers.
        if not all(isinstance(part, int) and not isinstance(part, bool) for part in value):
            raise InvalidShard(f"shard must hold two integers, not {value!r}")
        shard_id, num_shards = value
        if num_shards < 1 or not 0 <= shard_id < num_shards:
            raise InvalidShard(f"shard {value!r} is not 0 <= shard_id < num_shards")
        return cls(shard_id, num_shards)

    def __str__(self) -> str:
        return f"[{self.id}, {self.count}]"
