from __future__ import annotations

import discord
import pytest

from localdiscord.client import point_discord_py_at, restore_discord_py
from localdiscord.driver import Driver
from tests.localdiscord.bots import make_bot, sync_to
from tests.localdiscord.conftest import StartBot


async def test_wrong_token_is_refused(local_discord: Driver) -> None:
    point_discord_py_at(local_discord.server.api_base)
    client = discord.Client(intents=discord.Intents.none())
    try:
        with pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
    finally:
        await client.close()
        restore_discord_py()


async def test_bot_gets_ready_with_the_guild_and_syncs_commands(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    mods = local_discord.create_role(guild, "Mods", permissions=discord.Permissions(manage_messages=True).value)
    local_discord.create_member(guild, "alice", roles=[mods])
    bot = await start_bot(make_bot())

    seen = bot.get_guild(guild.id)
    assert seen is not None
    assert seen.name == "News"
    assert [c.name for c in seen.text_channels] == ["general"]
    assert {r.name for r in seen.roles} >= {"@everyone", "Mods"}
    assert seen.me is not None
    assert seen.owner_id == guild.owner_id

    # discord.py asked for zlib-stream (or zstd-stream) and got compressed frames back.
    assert {c.encoder.kind for c in local_discord.server.gateway.connections} <= {"zlib", "zstd"}

    synced = await sync_to(bot, guild.id)
    assert {c.name for c in synced} == {"ping", "slow", "late", "huge", "shout", "mod", "Check claims"}
    assert {c["name"] for c in local_discord.commands(guild)} == {c.name for c in synced}
