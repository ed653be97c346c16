from __future__ import annotations

import json
import zlib

import aiohttp
import discord
import pytest

from localdiscord.driver import Driver
from localdiscord.gateway import GUILD_MEMBERS, GUILDS
from tests.localdiscord.bots import make_bot, sync_to
from tests.localdiscord.conftest import StartBot


async def test_dropped_connection_resumes_and_the_bot_keeps_answering(
    local_discord: Driver, start_bot: StartBot
) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = await start_bot(make_bot())
    await sync_to(bot, guild.id)
    resumed: list[bool] = []

    async def on_resumed() -> None:
        resumed.append(True)

    bot.add_listener(on_resumed)

    before = await local_discord.drop_connection()
    # Dispatched while the bot is away: it must be replayed on RESUME.
    missed = await local_discord.slash(guild, alice, "ping")
    await local_discord.wait_resumed(before)
    await missed
    after = await local_discord.slash(guild, alice, "ping")
    await after

    assert missed.text == after.text == "pong"
    assert local_discord.server.gateway.identify_count == 1
    assert resumed == [True]


async def test_reconnect_request_also_resumes(local_discord: Driver, start_bot: StartBot) -> None:
    local_discord.create_guild("News")
    await start_bot(make_bot())
    before = local_discord.server.gateway.resume_count

    local_discord.server.gateway.request_reconnect()
    await local_discord.wait_resumed(before)

    assert local_discord.server.gateway.identify_count == 1


async def test_unknown_route_is_reported(local_discord: Driver, start_bot: StartBot) -> None:
    local_discord.create_guild("News")
    bot = await start_bot(make_bot())

    with pytest.raises(discord.NotFound) as caught:
        await bot.http.request(discord.http.Route("GET", "/users/{user_id}/profile", user_id=1))

    assert caught.value.text == "404: Not Found"
    assert caught.value.code == 0
    (route,) = local_discord.take_unknown_routes()
    assert (route.method, route.path) == ("GET", "/api/v10/users/1/profile")


async def _receive(ws: aiohttp.ClientWebSocketResponse, inflate: zlib._Decompress | None = None) -> dict:  # type: ignore[type-arg]
    message = await ws.receive(timeout=2)
    if message.type is aiohttp.WSMsgType.BINARY:
        assert inflate is not None
        assert message.data.endswith(b"\x00\x00\xff\xff")
        return json.loads(inflate.decompress(message.data))
    assert message.type is aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def test_identify_with_a_wrong_token_closes_4004(local_discord: Driver) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{local_discord.server.gateway_url}?v=10&encoding=json") as ws,
    ):
        hello = await _receive(ws)
        assert hello["op"] == 10
        assert hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 1, "properties": {}}})
        closing = await ws.receive(timeout=2)
        assert closing.type is aiohttp.WSMsgType.CLOSE
        assert closing.data == 4004


async def test_zlib_stream_handshake_heartbeat_and_sequence(local_discord: Driver) -> None:
    guild = local_discord.create_guild("News")
    local_discord.create_member(guild, "alice")
    url = f"{local_discord.server.gateway_url}?v=10&encoding=json&compress=zlib-stream"
    inflate = zlib.decompressobj()
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        assert (await _receive(ws, inflate))["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        assert (await _receive(ws, inflate))["op"] == 11
        token = local_discord.server.token
        await ws.send_json({"op": 2, "d": {"token": token, "intents": GUILDS | GUILD_MEMBERS, "properties": {}}})
        ready = await _receive(ws, inflate)
        create = await _receive(ws, inflate)

    assert (ready["t"], ready["s"], create["t"], create["s"]) == ("READY", 1, "GUILD_CREATE", 2)
    assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
    assert ready["d"]["application"]["id"] == str(local_discord.server.application_id)
    assert ready["d"]["resume_gateway_url"] == local_discord.server.gateway_url
    assert {m["user"]["username"] for m in create["d"]["members"]} == {"owner", "claimbot", "alice"}


async def test_guild_create_without_members_intent_holds_only_the_bot(local_discord: Driver) -> None:
    local_discord.create_guild("News")
    async with aiohttp.ClientSession() as session, session.ws_connect(local_discord.server.gateway_url) as ws:
        await _receive(ws)
        await ws.send_json({"op": 2, "d": {"token": local_discord.server.token, "intents": GUILDS, "properties": {}}})
        await _receive(ws)
        create = await _receive(ws)

    assert [m["user"]["id"] for m in create["d"]["members"]] == [str(local_discord.bot_user.id)]
