"""Sharding: GET /gateway/bot's count, IDENTIFY's ``shard``, and which session gets which guild's events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import discord
import pytest

from localdiscord.client import restore_discord_py, start_client
from localdiscord.driver import Driver
from localdiscord.gateway import GUILDS, Session
from localdiscord.interactions import ALREADY_ACKNOWLEDGED
from localdiscord.shards import Shard, shard_of
from localdiscord.snowflake import SnowflakeGenerator
from tests.localdiscord.bots import ShardedBot
from tests.localdiscord.conftest import StartBot, eventually


def guilds_sent(session: Session) -> set[int | None]:
    """The guild of every dispatch a session was sent after READY (None: an event without a guild)."""
    found: set[int | None] = set()
    for payload in session.backlog:
        data = payload["d"]
        if payload["t"] == "GUILD_CREATE":
            found.add(int(data["id"]))
        elif payload["t"] not in ("READY", "RESUMED"):
            found.add(int(data["guild_id"]) if data.get("guild_id") else None)
    return found


def session_on(driver: Driver, shard: Shard) -> Session:
    (session,) = [s for s in driver.server.gateway.sessions.values() if s.shard == shard]
    return session


def test_guild_ids_picked_for_a_shard_land_on_it_and_keep_increasing() -> None:
    ids = SnowflakeGenerator()
    previous = 0
    for num_shards in (1, 2, 3, 7, 16, 100):
        for shard_id in range(num_shards):
            snowflake = ids.next_on_shard(shard_id, num_shards)
            assert shard_of(snowflake, num_shards) == shard_id
            assert snowflake > previous
            previous = snowflake
    assert ids.next() > previous


async def test_gateway_bot_reports_the_configured_shard_count_and_discord_py_launches_that_many(
    local_discord: Driver, start_bot: StartBot
) -> None:
    local_discord.server.shard_count = 3
    guilds = [local_discord.create_guild(f"G{k}", shard=(k, 3)) for k in range(3)]

    bot = await start_bot(ShardedBot("auto"))  # no shard_count: discord.py asks GET /gateway/bot

    shards, _url, limits = await bot.http.get_bot_gateway()
    assert (shards, limits["max_concurrency"]) == (3, 16)
    assert bot.shard_count == 3
    assert sorted(bot.shards) == sorted(bot.shards_ready) == [0, 1, 2]
    assert {g.id: g.shard_id for g in bot.guilds} == {g.id: k for k, g in enumerate(guilds)}
    assert sorted(s.shard.as_list() for s in local_discord.server.gateway.live_sessions) == [[0, 3], [1, 3], [2, 3]]


async def test_one_process_owning_both_shards_gets_each_guild_on_its_own_shard(
    local_discord: Driver, start_bot: StartBot
) -> None:
    home = local_discord.create_guild("Home", shard=(0, 2))
    away = local_discord.create_guild("Away", shard=(1, 2))
    alice = local_discord.create_member(away, "alice")

    bot = await start_bot(ShardedBot("both", shard_count=2))
    await bot.tree.sync()
    result = await local_discord.slash(away, alice, "where")
    await result

    assert sorted(bot.shards_ready) == [0, 1]
    assert {g.id: g.shard_id for g in bot.guilds} == {home.id: 0, away.id: 1}
    assert result.text == "both shard 1 as claimbot"
    # Each connection was sent only its own guild: in READY, in GUILD_CREATE and with the interaction.
    for shard, guild in ((Shard(0, 2), home), (Shard(1, 2), away)):
        session = session_on(local_discord, shard)
        ready = session.backlog[0]
        assert ready["d"]["shard"] == shard.as_list()
        assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
        assert guilds_sent(session) == {guild.id}


async def test_two_processes_each_receive_only_the_guilds_and_events_of_their_shard(
    local_discord: Driver, start_bot: StartBot
) -> None:
    home = local_discord.create_guild("Home", shard=(0, 2))
    away = local_discord.create_guild("Away", shard=(1, 2))
    alice = local_discord.create_member(home, "alice")
    bob = local_discord.create_member(away, "bob")
    zero = await start_bot(ShardedBot("zero", shard_count=2, shard_ids=[0]))
    one = await start_bot(ShardedBot("one", shard_count=2, shard_ids=[1]))
    await zero.tree.sync()

    assert [g.id for g in zero.guilds] == [home.id]
    assert [g.id for g in one.guilds] == [away.id]

    # Later changes, too, reach only the shard of their guild.
    late = local_discord.create_guild("Late", shard=(1, 2))
    local_discord.create_text_channel(home, "news")
    local_discord.create_role(away, "Mods")
    await eventually(lambda: one.get_guild(late.id) is not None)
    await eventually(lambda: any(c.name == "news" for c in zero.get_guild(home.id).channels))  # type: ignore[union-attr]
    await eventually(lambda: any(r.name == "Mods" for r in one.get_guild(away.id).roles))  # type: ignore[union-attr]
    assert zero.get_guild(late.id) is None

    # USER_UPDATE has no guild: shard 0 alone hears of the new name. Each answer below was sent after it
    # on the same connection, so it shows whether that process had been told.
    local_discord.rename_bot("checkbot")
    in_away = await local_discord.slash(away, bob, "where")
    in_home = await local_discord.slash(home, alice, "where")
    await in_away
    await in_home

    assert in_away.text == "one shard 1 as claimbot"
    assert in_home.text == "zero shard 0 as checkbot"
    assert (zero.received, one.received) == ([home.id], [away.id])
    assert guilds_sent(session_on(local_discord, Shard(0, 2))) == {home.id, None}
    assert guilds_sent(session_on(local_discord, Shard(1, 2))) == {away.id, late.id}


async def test_two_sessions_on_one_shard_both_get_the_interaction_and_the_second_answer_is_refused(
    local_discord: Driver, start_bot: StartBot
) -> None:
    away = local_discord.create_guild("Away", shard=(1, 2))
    bob = local_discord.create_member(away, "bob")
    first = await start_bot(ShardedBot("first", shard_count=2, shard_ids=[1]))
    second = await start_bot(ShardedBot("second", shard_count=2, shard_ids=[1]))
    await first.tree.sync()

    result = await local_discord.slash(away, bob, "where")
    await result.wait_until(lambda r: bool(r.errors))

    await eventually(lambda: first.refused or second.refused)

    assert first.received == second.received == [away.id]
    assert sorted(first.refused + second.refused) == [40060]
    assert result.errors == [ALREADY_ACKNOWLEDGED]
    assert result.text in ("first shard 1 as claimbot", "second shard 1 as claimbot")


async def test_resume_keeps_each_sessions_shard(local_discord: Driver, start_bot: StartBot) -> None:
    home = local_discord.create_guild("Home", shard=(0, 2))
    away = local_discord.create_guild("Away", shard=(1, 2))
    alice = local_discord.create_member(home, "alice")
    bob = local_discord.create_member(away, "bob")
    zero = await start_bot(ShardedBot("zero", shard_count=2, shard_ids=[0]))
    one = await start_bot(ShardedBot("one", shard_count=2, shard_ids=[1]))
    await zero.tree.sync()
    gateway = local_discord.server.gateway

    before = await local_discord.drop_connection()
    missed = await local_discord.slash(away, bob, "where")  # while both are away: replayed on RESUME
    await gateway.wait_for(lambda: gateway.resume_count >= before + 2 and len(gateway.live_sessions) == 2, 10)
    after = await local_discord.slash(home, alice, "where")
    await missed
    await after

    assert (missed.text, after.text) == ("one shard 1 as claimbot", "zero shard 0 as claimbot")
    assert (zero.received, one.received) == ([home.id], [away.id])
    assert gateway.identify_count == 2


async def _identify(driver: Driver, shard: Any) -> aiohttp.WSMessage:
    """IDENTIFY over a raw websocket with ``shard``; return the first answer (a READY or a close)."""
    async with aiohttp.ClientSession() as http, http.ws_connect(driver.server.gateway_url) as ws:
        hello = await ws.receive(timeout=2)
        assert json.loads(hello.data)["op"] == 10
        identify: dict[str, Any] = {"token": driver.server.token, "intents": GUILDS, "properties": {}}
        if shard is not ...:
            identify["shard"] = shard
        await ws.send_json({"op": 2, "d": identify})
        return await ws.receive(timeout=2)


@pytest.mark.parametrize(
    "shard",
    [[1, 1], [2, 2], [-1, 2], [0, 0], [0, -1], [0], [0, 1, 2], "0,1", {"0": 1}, [0.0, 1], ["0", "1"], [False, 1]],
)
async def test_identify_with_an_invalid_shard_is_closed_4010(local_discord: Driver, shard: Any) -> None:
    local_discord.create_guild("News")

    answer = await _identify(local_discord, shard)

    assert answer.type is aiohttp.WSMsgType.CLOSE
    assert answer.data == 4010
    assert local_discord.server.gateway.identify_count == 0


@pytest.mark.parametrize(
    ("shard", "echoed", "names"),
    [
        (..., None, ["Three", "One"]),  # no shard: [0, 1], and READY says nothing of shards
        (None, None, ["Three", "One"]),
        ([0, 1], [0, 1], ["Three", "One"]),
        ([3, 4], [3, 4], ["Three"]),  # 4 shards though GET /gateway/bot recommends 1: only a recommendation
        ([0, 4], [0, 4], []),
    ],
)
async def test_ready_lists_the_guilds_of_the_identified_shard_and_echoes_it(
    local_discord: Driver, shard: Any, echoed: list[int] | None, names: list[str]
) -> None:
    guilds = [local_discord.create_guild("Three", shard=(3, 4)), local_discord.create_guild("One", shard=(1, 4))]
    ids = {str(g.id): g.name for g in guilds}

    answer = await _identify(local_discord, shard)

    ready = json.loads(answer.data)
    assert ready["t"] == "READY"
    assert ready["d"].get("shard") == echoed
    assert [ids[g["id"]] for g in ready["d"]["guilds"]] == names


async def test_a_session_with_more_guilds_than_a_shard_may_hold_is_closed_4011(local_discord: Driver) -> None:
    local_discord.server.max_guilds_per_shard = 1
    local_discord.create_guild("Home", shard=(0, 2))
    local_discord.create_guild("Away", shard=(1, 2))

    unsharded = await _identify(local_discord, ...)
    sharded = await _identify(local_discord, [1, 2])

    assert (unsharded.type, unsharded.data) == (aiohttp.WSMsgType.CLOSE, 4011)
    assert json.loads(sharded.data)["t"] == "READY"


async def test_discord_py_stops_on_an_invalid_shard(local_discord: Driver) -> None:
    local_discord.create_guild("News")
    client = discord.Client(intents=discord.Intents.default(), shard_id=2, shard_count=2)
    server = local_discord.server
    try:
        task = await start_client(client, server.token, server.api_base)
        with pytest.raises(discord.ConnectionClosed) as closed:
            await asyncio.wait_for(task, timeout=5)
    finally:
        await client.close()
        restore_discord_py()

    assert closed.value.code == 4010
    assert server.gateway.identify_count == 0
