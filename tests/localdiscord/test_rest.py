"""The REST routes spoken directly over HTTP, for the rules discord.py would stop before sending."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from localdiscord.driver import Driver


@pytest.fixture
async def http(local_discord: Driver) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {local_discord.server.token}"}
    async with aiohttp.ClientSession(local_discord.server.base_url, headers=headers) as session:
        yield session


async def call(http: aiohttp.ClientSession, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with http.request(method, f"/api/v10{path}", json=body) as response:
        if response.status == 204:
            return 204, None
        assert response.headers["Content-Type"] == "application/json"
        return response.status, await response.json()


async def test_wrong_token_gets_discords_401(local_discord: Driver) -> None:
    headers = {"Authorization": "Bot nope"}
    async with (
        aiohttp.ClientSession(local_discord.server.base_url) as anonymous,
        anonymous.get("/api/v10/users/@me", headers=headers) as response,
    ):
        assert response.status == 401
        assert await response.json() == {"message": "401: Unauthorized", "code": 0}


async def test_gateway_bot_points_at_the_local_gateway(local_discord: Driver, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, "GET", "/gateway/bot")
    assert status == 200
    assert body["url"] == local_discord.server.gateway_url
    assert body["shards"] == 1
    # Enough buckets that a bot honouring it may start 16 shards at once (the fake never refuses an IDENTIFY).
    assert body["session_start_limit"]["max_concurrency"] == 16


async def test_unknown_channel_and_message_codes(local_discord: Driver, http: aiohttp.ClientSession) -> None:
    guild = local_discord.create_guild()
    channel = local_discord.default_channel(guild)

    assert await call(http, "GET", "/channels/1/messages/2") == (404, {"code": 10003, "message": "Unknown Channel"})
    assert (await call(http, "GET", f"/channels/{channel.id}/messages/2"))[1]["code"] == 10008
    status, posted = await call(
        http, "POST", f"/channels/{channel.id}/messages", {"content": "hi", "allowed_mentions": {"parse": []}}
    )
    assert status == 200
    assert (await call(http, "GET", f"/channels/{channel.id}/messages/{posted['id']}"))[1]["content"] == "hi"
    status, edited = await call(http, "PATCH", f"/channels/{channel.id}/messages/{posted['id']}", {"content": "hello"})
    assert edited["content"] == "hello"
    assert edited["edited_timestamp"]
    assert [m.content for m in local_discord.messages(channel)] == ["hello"]


async def test_guild_member_role_and_channel_routes(local_discord: Driver, http: aiohttp.ClientSession) -> None:
    guild = local_discord.create_guild("News")
    mods = local_discord.create_role(guild, "Mods", permissions=1 << 13)
    alice = local_discord.create_member(guild, "alice", roles=[mods])

    assert (await call(http, "GET", f"/guilds/{guild.id}"))[1]["name"] == "News"
    assert (await call(http, "GET", f"/guilds/{guild.id}/members/{alice.id}"))[1]["roles"] == [str(mods.id)]
    assert "Mods" in [r["name"] for r in (await call(http, "GET", f"/guilds/{guild.id}/roles"))[1]]
    assert [c["name"] for c in (await call(http, "GET", f"/guilds/{guild.id}/channels"))[1]] == ["general"]
    assert (await call(http, "GET", f"/guilds/{guild.id}/members/1"))[1]["code"] == 10007


async def test_second_callback_is_already_acknowledged(local_discord: Driver, http: aiohttp.ClientSession) -> None:
    guild = local_discord.create_guild()
    alice = local_discord.create_member(guild, "alice")
    result = await local_discord.slash(guild, alice, "ping")
    path = f"/interactions/{result.id}/{result.token}/callback?with_response=true"
    answer = {"type": 4, "data": {"content": "pong", "flags": 64}}

    status, first = await call(http, "POST", path, answer)
    again = await call(http, "POST", path, answer)

    assert status == 200
    assert first["resource"]["message"]["content"] == "pong"
    assert first["interaction"]["response_message_ephemeral"] is True
    assert again == (400, {"code": 40060, "message": "Interaction has already been acknowledged."})
    assert local_discord.take_late_interactions() == []
    assert any("never synced" in w for w in local_discord.warnings)


async def test_followup_before_acknowledging_is_an_unknown_webhook(
    local_discord: Driver, http: aiohttp.ClientSession
) -> None:
    guild = local_discord.create_guild()
    result = await local_discord.slash(guild, local_discord.create_member(guild, "alice"), "ping")
    app = local_discord.server.application_id

    status, body = await call(http, "POST", f"/webhooks/{app}/{result.token}", {"content": "early"})

    assert (status, body["code"]) == (404, 10015)
    await call(http, "POST", f"/interactions/{result.id}/{result.token}/callback", {"type": 5})
    status, body = await call(http, "POST", f"/webhooks/{app}/{result.token}", {"content": "now"})
    assert status == 200
    assert body["id"] == str(result.original_id)


async def test_command_registration_rules(local_discord: Driver, http: aiohttp.ClientSession) -> None:
    guild = local_discord.create_guild()
    app = local_discord.server.application_id
    commands = [
        {"name": "Claim", "description": "ok", "type": 1},
        {"name": "claim2", "description": "", "type": 1},
        {
            "name": "claim3",
            "description": "ok",
            "options": [
                {"name": "later", "description": "d", "type": 3},
                {"name": "first", "description": "d", "type": 3, "required": True},
                {
                    "name": "many",
                    "description": "d",
                    "type": 3,
                    "choices": [{"name": str(i), "value": str(i)} for i in range(26)],
                },
            ],
        },
        {"name": "Check claims", "description": "not allowed", "type": 3},
    ]

    status, body = await call(http, "PUT", f"/applications/{app}/guilds/{guild.id}/commands", commands)

    assert status == 400
    assert body["code"] == 50035
    paths = [v.path for v in local_discord.take_violations()]
    assert paths == ["0.name", "1.description", "2.options[1].required", "2.options[2].choices", "3.description"]
    assert local_discord.commands(guild) == []


async def test_bulk_overwrite_keeps_ids_of_existing_commands(
    local_discord: Driver, http: aiohttp.ClientSession
) -> None:
    app = local_discord.server.application_id
    first = (await call(http, "PUT", f"/applications/{app}/commands", [{"name": "claim", "description": "Claim"}]))[1]
    second = (
        await call(
            http,
            "PUT",
            f"/applications/{app}/commands",
            [
                {"name": "claim", "description": "Claim it"},
                {"name": "Check claims", "type": 3},
            ],
        )
    )[1]

    assert second[0]["id"] == first[0]["id"]
    assert second[0]["description"] == "Claim it"
    assert second[1]["type"] == 3
    assert second[1]["description"] == ""
