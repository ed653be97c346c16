"""The synthetic stores: the guilds of a store of several land on different shards."""

from __future__ import annotations

from bench import generate
from localdiscord import shard_of


def test_consecutive_guilds_land_on_consecutive_shards() -> None:
    ids = generate.Shape(8, 1).guild_ids()
    assert ids[0] == generate.GUILD_BASE + 1  # the one-guild stores' guild, as before
    for count in (2, 4, 8):
        assert sorted(shard_of(gid, count) for gid in ids[:count]) == list(range(count))
