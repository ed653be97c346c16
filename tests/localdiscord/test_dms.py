"""DM channels: the bot opens one with a member, what it sends there is recorded, closed DMs answer 50007."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from localdiscord.driver import Driver
from tests.localdiscord.bots import ShardedBot, make_bot
from tests.localdiscord.conftest import StartBot, eventually


@pytest.fixture
async def http(local_discord: Driver) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {local_discord.server.token}"}
    async with aiohttp.ClientSession(local_discord.server.base_url, headers=headers) as session:
        yield session


async def test_what_the_bot_sends_by_dm_is_what_the_member_received(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bob = local_discord.create_member(guild, "bob")
    bot = await start_bot(make_bot())

    user = await bot.fetch_user(alice.id)  # how a bot finds someone it only knows by id
    sent = await user.send("#7 is now confirmed")
    again = await (await bot.create_dm(discord.Object(id=alice.id))).send("and #8 is disputed")

    assert isinstance(sent.channel, discord.DMChannel)
    assert sent.channel.id == again.channel.id  # one DM channel per user
    assert [m.content for m in local_discord.dms(alice)] == ["#7 is now confirmed", "and #8 is disputed"]
    assert local_discord.dms(bob) == []
    channel = local_discord.dm_channel(alice)
    assert channel is not None
    assert channel.type == 1
    assert "guild_id" not in local_discord.dms(alice)[0].payload
    assert local_discord.dms(alice)[0].visible_to == alice.id


async def test_create_dm_returns_the_existing_channel_and_refuses_unknown_users(
    local_discord: Driver, http: aiohttp.ClientSession
) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")

    async with http.post("/api/v10/users/@me/channels", json={"recipient_id": str(alice.id)}) as first:
        opened = await first.json()
    async with http.post("/api/v10/users/@me/channels", json={"recipient_id": str(alice.id)}) as second:
        reopened = await second.json()
    async with http.post("/api/v10/users/@me/channels", json={"recipient_id": "12345"}) as unknown:
        refused = (unknown.status, await unknown.json())

    assert first.status == 200
    assert opened["type"] == 1
    assert opened["recipients"][0]["id"] == str(alice.id)
    assert reopened["id"] == opened["id"]
    assert refused == (400, {"code": 50033, "message": "Invalid Recipient(s)"})


async def test_closed_dms_answer_50007_and_the_attempt_is_recorded(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = await start_bot(make_bot())
    local_discord.close_dms(alice)

    user = await bot.fetch_user(alice.id)
    with pytest.raises(discord.Forbidden) as refused:
        await user.send("#7 is now confirmed")

    assert refused.value.code == 50007
    assert refused.value.text == "Cannot send messages to this user"
    assert local_discord.dms(alice) == []
    assert [body["content"] for body in local_discord.refused_dms(alice)] == ["#7 is now confirmed"]

    local_discord.open_dms(alice)
    await user.send("#7 is now confirmed")
    assert [m.content for m in local_discord.dms(alice)] == ["#7 is now confirmed"]


async def test_a_user_who_shares_no_server_with_the_bot_cannot_be_dmed(
    local_discord: Driver, start_bot: StartBot
) -> None:
    local_discord.create_guild("News")
    stranger = local_discord.create_user("stranger")
    bot = await start_bot(make_bot())

    with pytest.raises(discord.Forbidden) as refused:
        await (await bot.fetch_user(stranger.id)).send("hello")

    assert refused.value.code == 50007
    with pytest.raises(discord.NotFound) as unknown:
        await bot.fetch_user(1)
    assert unknown.value.code == 10013


async def test_the_bot_edits_and_deletes_its_dm(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = await start_bot(make_bot())

    sent = await (await bot.fetch_user(alice.id)).send("#7: disputed")
    await sent.edit(content="#7: confirmed")
    (received,) = local_discord.dms(alice)
    assert received.content == "#7: confirmed"
    assert received.edits[0]["content"] == "#7: confirmed"

    await sent.delete()
    assert local_discord.dms(alice) == []
    with pytest.raises(discord.NotFound) as gone:
        await sent.edit(content="#7: false")
    assert gone.value.code == 10008


async def test_dm_events_reach_shard_zero_only(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("Away", shard=(1, 2))
    alice = local_discord.create_member(guild, "alice")
    zero = await start_bot(ShardedBot("zero", shard_count=2, shard_ids=[0]))
    one = await start_bot(ShardedBot("one", shard_count=2, shard_ids=[1]))
    heard: dict[str, list[str]] = {"zero": [], "one": []}
    for bot in (zero, one):
        assert isinstance(bot, ShardedBot)

        async def on_message(message: discord.Message, label: str = bot.label) -> None:
            if message.guild is None:
                heard[label].append(message.content)

        bot.add_listener(on_message)

    local_discord.post_dm(alice, "is #7 true?")  # the member writes to the bot
    sent = await (await one.fetch_user(alice.id)).send("it is confirmed")  # sent by the guild's shard
    await eventually(lambda: len(heard["zero"]) == 2)
    await asyncio.sleep(0.05)

    assert heard == {"zero": ["is #7 true?", "it is confirmed"], "one": []}
    assert sent.channel.id == local_discord.dm_channel(alice).id  # type: ignore[union-attr]
