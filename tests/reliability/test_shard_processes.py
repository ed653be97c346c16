"""Two bot processes, shards 0 and 1 of 2, on one PostgreSQL database, as a large deployment runs them.

Both start at the same moment on an empty database: the migrations are applied once, every server is
served by the process that owns its shard and answered exactly once, each server is seeded once, and
what a moderator changed through one process is what a `python -m bot` chore sees.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.shards import shard_of
from localdiscord import permissions as perms
from localdiscord.driver import Driver
from localdiscord.world import Guild
from tests.reliability.conftest import ROOT, BotProcess

GUILDS_PER_SHARD = 3
MIGRATIONS = len(list((ROOT / "bot" / "store" / "postgres" / "migrations").glob("V*.sql")))


@pytest.fixture
def local_discord_options() -> dict[str, object]:
    return {"token": "MTIzNDU2Nzg5MDEyMzQ1Njc4.GsEcRt.k9f2-QpZx_local-secret-7Yw3Lm", "shard_count": 2}


def shard_process(driver: Driver, url: str, shard: int, tmp_path: Path) -> BotProcess:
    proc = BotProcess(driver, tmp_path / "unused.db", 0, tmp_path / f"shard{shard}.log")
    proc.extra_env = {"DATABASE_URL": url, "SHARD_COUNT": "2", "SHARD_IDS": str(shard)}
    return proc


async def both_ready(driver: Driver, procs: list[BotProcess], within: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        for proc in procs:
            if proc.process is not None and proc.process.returncode is not None:
                raise AssertionError(f"a bot exited with {proc.process.returncode}:\n{proc.output()[-3000:]}")
        shards = sorted(s.shard.id for s in driver.server.gateway.live_sessions)
        if shards == [0, 1] and all("Ready as" in p.output() for p in procs):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(
        "the two shard processes did not both get ready:\n" + "\n".join(p.output()[-2000:] for p in procs)
    )


async def sync_globally(driver: Driver, url: str, tmp_path: Path) -> None:
    """`python -m bot sync`, once, as an operator does: the commands reach every server."""
    env = shard_process(driver, url, 0, tmp_path).env()
    done = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sync", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await done.communicate()
    assert done.returncode == 0, out.decode()


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_shard_processes_on_one_database_answer_each_server_once_from_the_right_process(
    local_discord: Driver, empty_postgres_url: str, tmp_path: Path
) -> None:
    d = local_discord
    guilds: dict[int, list[Guild]] = {
        shard: [d.create_guild(f"S{shard}-{n}", shard=(shard, 2), bot_permissions=perms.SEND_MESSAGES) for n in
                range(GUILDS_PER_SHARD)]
        for shard in (0, 1)
    }  # fmt: skip
    mods = {g.id: d.create_role(g, "Mods", permissions=perms.MANAGE_MESSAGES) for gs in guilds.values() for g in gs}
    readers = {g.id: d.create_member(g, "reader") for gs in guilds.values() for g in gs}
    moderators = {g.id: d.create_member(g, "mod", roles=[mods[g.id]]) for gs in guilds.values() for g in gs}

    procs = [shard_process(d, empty_postgres_url, shard, tmp_path) for shard in (0, 1)]
    dev_guild = guilds[0][0]  # both are told it; only the process that owns its shard may sync it
    for proc in procs:
        proc.extra_env["DEV_GUILD_ID"] = str(dev_guild.id)
    try:
        # The same moment, an empty database: both race to migrate.
        await asyncio.gather(*(p.start("run", wait=False) for p in procs))
        await both_ready(d, procs)
        assert f"commands to the development guild {dev_guild.id}" in procs[0].output()
        assert "development guild" not in procs[1].output()
        await sync_globally(d, empty_postgres_url, tmp_path)

        everywhere = [g for gs in guilds.values() for g in gs]
        results = await asyncio.gather(*(d.slash(g, readers[g.id], "claim", {"claim": "1"}) for g in everywhere))
        await asyncio.gather(*(r.finished(within=10, idle=0.2) for r in results))
        for guild, result in zip(everywhere, results, strict=True):
            assert result.errors == [], f"answered twice in {guild.name}: {result.errors}"
            assert result.callback_type is not None, result
            assert result.messages[0].embeds[0]["title"].startswith("Claim #1"), result.messages[0].embeds
        # Each process answered its own shard's servers and no others.
        for shard, proc in enumerate(procs):
            answered = {int(g) for g in re.findall(r"guild=(\d+) user=\d+ command=claim outcome=ok", proc.output())}
            assert answered == {g.id for g in guilds[shard]}, (shard, answered)
            assert all(shard_of(g, 2) == shard for g in answered)

        # A moderator's change through shard 1's process …
        guild = guilds[1][0]
        changed = await d.slash(
            guild, moderators[guild.id], "mod", {"claim": "2", "verdict": "confirmed", "note": "Seen in imagery"},
            subcommand="status",
        )  # fmt: skip
        await changed.finished(within=10, idle=0.2)
        assert changed.messages[0].text == "✅ #2 is now confirmed.", changed.messages

        # … is what a chore sees, and it leaves it alone.
        seed = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "seed", cwd=ROOT, env=procs[0].env(), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await seed.communicate()
        assert seed.returncode == 0, out.decode()
        assert f"{len(everywhere)} guilds, 0 claims added, 0 updated" in out.decode(), out.decode()
    finally:
        for proc in procs:
            if proc.process is not None and proc.process.returncode is None:
                await proc.terminate()

    conn = await asyncpg.connect(empty_postgres_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM schema_version") == MIGRATIONS
        per_guild = await conn.fetch("SELECT guild_id, count(*) AS n FROM claims GROUP BY guild_id")
        assert {r["guild_id"]: r["n"] for r in per_guild} == {g.id: 16 for g in everywhere}  # seeded once each
        seeded_rows = await conn.fetchval("SELECT count(*) FROM history WHERE actor_id = 0")
        assert seeded_rows == 16 * len(everywhere)
        verdict = await conn.fetchval("SELECT verdict FROM claims WHERE guild_id = $1 AND number = 2", guild.id)
        assert verdict == "confirmed"
    finally:
        await conn.close()
