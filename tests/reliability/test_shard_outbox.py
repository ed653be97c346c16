"""Two shard processes on one PostgreSQL database deliver the outbox: each DM and each correction once,
by the process that owns the guild of the change (README, "Following and corrections")."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from bot.shards import shard_of
from localdiscord import permissions as perms
from localdiscord.driver import Driver
from localdiscord.world import Guild, Member, Message
from tests.reliability.test_shard_processes import both_ready, local_discord_options, shard_process, sync_globally

__all__ = ["local_discord_options"]  # the fixture: two shards

READERS = 4


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_shard_processes_deliver_each_notification_once_from_the_guilds_process(
    local_discord: Driver, empty_postgres_url: str, tmp_path: Path
) -> None:
    d = local_discord
    perms_ = perms.VIEW_CHANNEL | perms.SEND_MESSAGES | perms.EMBED_LINKS
    guilds: list[Guild] = [
        d.create_guild(f"S{shard}-{n}", shard=(shard, 2), bot_permissions=perms_) for shard in (0, 1) for n in range(2)
    ]
    mods = {g.id: d.create_member(g, "mod", roles=[d.create_role(g, "Mods", permissions=perms.MANAGE_MESSAGES)])
            for g in guilds}  # fmt: skip
    readers: dict[int, list[Member]] = {g.id: [d.create_member(g, f"r{n}") for n in range(READERS)] for g in guilds}
    procs = [shard_process(d, empty_postgres_url, shard, tmp_path) for shard in (0, 1)]
    for proc in procs:
        proc.extra_env.update(FOLLOW_BATCH_SECONDS="0.2", OUTBOX_POLL_SECONDS="0.1", OUTBOX_LEASE_SECONDS="2")
    cards: list[Message] = []
    try:
        await asyncio.gather(*(p.start("run", wait=False) for p in procs))
        await both_ready(d, procs)
        await sync_globally(d, empty_postgres_url, tmp_path)
        for guild in guilds:
            for reader in readers[guild.id]:
                followed = await d.slash(guild, reader, "follow", {"claim": "1"})
                await followed.finished(within=10, idle=0.05)
                assert followed.messages[0].text.startswith("✅ You now follow"), followed.messages
            shown = await d.slash(guild, readers[guild.id][0], "claim", {"claim": "1"})
            await shown.finished(within=10, idle=0.05)
            cards.append(shown.messages[0])
        changes = [
            d.slash(g, mods[g.id], "mod", {"claim": "1", "verdict": "confirmed", "note": "Seen"}, subcommand="status")
            for g in guilds
        ]
        for change in await asyncio.gather(*changes):
            await change.finished(within=10, idle=0.1)
        conn = await asyncpg.connect(empty_postgres_url)
        try:
            for _ in range(200):
                if await conn.fetchval("SELECT count(*) FROM outbox WHERE done_at IS NULL") == 0:
                    break
                await asyncio.sleep(0.1)
            rows = await conn.fetch("SELECT guild_id, kind, lease_owner, attempts, outcome FROM outbox")
        finally:
            await conn.close()
        await asyncio.sleep(0.5)  # anything a second process wrongly sent would arrive meanwhile
    finally:
        for proc in procs:
            if proc.process is not None and proc.process.returncode is None:
                await proc.terminate()
    for guild in guilds:
        for reader in readers[guild.id]:
            assert len(d.dms(reader)) == 1, (guild.name, [m.content for m in d.dms(reader)])
    for card in cards:
        assert d.world.messages[card.id].edited
    assert {r["outcome"] for r in rows} <= {"sent", "edited"}, rows
    pids = {shard: proc.process.pid for shard, proc in enumerate(procs) if proc.process is not None}
    for row in rows:
        owner_pid = int(row["lease_owner"].split(":")[1])
        assert owner_pid == pids[shard_of(row["guild_id"], 2)], row  # the guild's own process sent it
        assert row["attempts"] == 1, row  # taken once
