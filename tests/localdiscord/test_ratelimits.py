"""Rate limits: route headers on every answer, 429s a test asks for, and discord.py waiting them out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from localdiscord.driver import Driver
from tests.localdiscord.bots import make_bot, sync_to
from tests.localdiscord.conftest import StartBot, eventually

MESSAGES = "/channels/{channel_id}/messages"


@pytest.fixture
async def http(local_discord: Driver) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {local_discord.server.token}"}
    async with aiohttp.ClientSession(local_discord.server.base_url, headers=headers) as session:
        yield session


async def post(http: aiohttp.ClientSession, channel_id: int, text: str) -> aiohttp.ClientResponse:
    body = {"content": text, "allowed_mentions": {"parse": []}}
    async with http.post(f"/api/v10/channels/{channel_id}/messages", json=body) as response:
        await response.read()
        return response


async def connected_channel(driver: Driver, start_bot: StartBot) -> discord.TextChannel:
    guild = driver.create_guild("News")
    bot = await start_bot(make_bot())
    seen = bot.get_channel(driver.default_channel(guild).id)
    assert isinstance(seen, discord.TextChannel)
    return seen


async def test_answers_carry_route_headers_with_one_bucket_per_route(
    local_discord: Driver, http: aiohttp.ClientSession
) -> None:
    guild = local_discord.create_guild("News")
    first = local_discord.default_channel(guild)
    second = local_discord.create_text_channel(guild, "desk")

    a = await post(http, first.id, "one")
    b = await post(http, first.id, "two")
    c = await post(http, second.id, "three")

    for response in (a, b, c):
        assert response.status == 200
        assert response.headers["Via"] == "1.1 google"
        for header in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket"):
            assert f"X-RateLimit-{header}" in response.headers
        assert "X-RateLimit-Global" not in response.headers
    # Same route, same bucket; each top-level resource (the channel) counts on its own.
    assert a.headers["X-RateLimit-Bucket"] == b.headers["X-RateLimit-Bucket"] == c.headers["X-RateLimit-Bucket"]
    assert int(b.headers["X-RateLimit-Remaining"]) == int(a.headers["X-RateLimit-Remaining"]) - 1
    assert c.headers["X-RateLimit-Remaining"] == a.headers["X-RateLimit-Remaining"]
    async with http.get(f"/api/v10/channels/{first.id}") as other:
        assert other.headers["X-RateLimit-Bucket"] != a.headers["X-RateLimit-Bucket"]


async def test_a_forced_429_has_discords_body_and_headers(local_discord: Driver, http: aiohttp.ClientSession) -> None:
    guild = local_discord.create_guild("News")
    channel = local_discord.default_channel(guild)
    rule = local_discord.rate_limit("POST", MESSAGES, times=1, retry_after=1.5)
    local_discord.rate_limit("GET", "/channels/*", global_=True, retry_after=0.25)

    async with http.post(
        f"/api/v10/channels/{channel.id}/messages", json={"content": "hi", "allowed_mentions": {"parse": []}}
    ) as limited:
        body = await limited.json()
    async with http.get(f"/api/v10/channels/{channel.id}") as global_limit:
        global_body = await global_limit.json()

    assert limited.status == 429
    assert limited.headers["Content-Type"] == "application/json"
    assert body == {"message": "You are being rate limited.", "retry_after": 1.5, "global": False}
    assert limited.headers["Retry-After"] == "2"
    assert limited.headers["X-RateLimit-Scope"] == "user"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert float(limited.headers["X-RateLimit-Reset-After"]) == 1.5
    assert "X-RateLimit-Bucket" in limited.headers
    assert limited.headers["Via"] == "1.1 google"  # without it discord.py takes a 429 for a Cloudflare ban
    assert global_limit.status == 429
    assert global_body == {"message": "You are being rate limited.", "retry_after": 0.25, "global": True}
    assert global_limit.headers["X-RateLimit-Global"] == "true"
    assert global_limit.headers["X-RateLimit-Scope"] == "global"
    assert rule.remaining == 0
    assert [str(hit) for hit in local_discord.rate_limited] == [
        f"429 (user, retry after 1.5s) for POST /channels/{channel.id}/messages",
        f"429 (global global, retry after 0.25s) for GET /channels/{channel.id}",
    ]
    assert local_discord.messages(channel) == []
    assert (await post(http, channel.id, "again")).status == 200  # the rule is used up


async def test_discord_py_waits_out_a_per_route_429_and_retries(local_discord: Driver, start_bot: StartBot) -> None:
    seen = await connected_channel(local_discord, start_bot)
    rule = local_discord.rate_limit("POST", MESSAGES, times=2, retry_after=0.2)

    started = time.monotonic()
    sent = await seen.send("#7 is confirmed")
    elapsed = time.monotonic() - started

    assert elapsed >= 0.4
    assert len(rule.hits) == 2
    assert rule.hits[1].at - rule.hits[0].at >= 0.2
    assert [m.id for m in local_discord.messages(local_discord.world.channels[seen.id])] == [sent.id]


async def test_a_global_429_holds_every_request_of_the_client(local_discord: Driver, start_bot: StartBot) -> None:
    seen = await connected_channel(local_discord, start_bot)
    earlier = await seen.send("#6 is disputed")
    rule = local_discord.rate_limit("POST", MESSAGES, times=1, retry_after=0.3, global_=True)

    sending = asyncio.create_task(seen.send("#7 is confirmed"))
    await eventually(lambda: rule.hits, within=1)
    await asyncio.sleep(0.05)  # the client has read the 429 by now
    # A request to another route, started while the global limit holds, waits for it as well.
    await seen.fetch_message(earlier.id)
    fetched_at = time.monotonic()
    await sending

    assert fetched_at - rule.hits[0].at >= 0.3
    assert len(local_discord.messages(local_discord.world.channels[seen.id])) == 2


async def test_discord_py_gives_up_after_five_429s(local_discord: Driver, start_bot: StartBot) -> None:
    seen = await connected_channel(local_discord, start_bot)
    local_discord.rate_limit("POST", MESSAGES, times=5, retry_after=0.01)

    with pytest.raises(discord.HTTPException) as refused:
        await seen.send("#7 is confirmed")

    assert refused.value.status == 429
    assert len(local_discord.rate_limited) == 5


async def test_a_narrow_window_is_respected_by_discord_py_without_a_429(
    local_discord: Driver, start_bot: StartBot, http: aiohttp.ClientSession
) -> None:
    seen = await connected_channel(local_discord, start_bot)
    local_discord.server.rate_limits.limit_route("POST", MESSAGES, limit=2, per=0.3)

    started = time.monotonic()
    await asyncio.gather(*(seen.send(f"claim {n}") for n in range(5)))
    elapsed = time.monotonic() - started

    assert local_discord.rate_limited == []  # discord.py read the headers and waited before each window
    assert elapsed >= 0.6  # 2 + 2 + 1 over three windows
    # A client that ignores the headers is refused past the window, as by Discord.
    answers = [await post(http, seen.id, f"flood {n}") for n in range(3)]
    assert 429 in [a.status for a in answers]
    assert local_discord.rate_limited[0].scope == "user"


async def test_interaction_followups_wait_out_a_429_too(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = await start_bot(make_bot())
    await sync_to(bot, guild.id)
    rule = local_discord.rate_limit("POST", "/webhooks/{app_id}/{token}", times=1, retry_after=0.2)
    # Interaction endpoints are not bound to the global limit: a global rule leaves the callback alone.
    local_discord.rate_limit("POST", "/interactions/*", global_=True, retry_after=5)

    result = await local_discord.slash(guild, alice, "slow")
    await result.wait_until(lambda r: len(r.followup_bodies) == 2)
    await result

    assert [m.content for m in result.messages] == ["done thinking", "and one more"]
    assert len(rule.hits) == 1
    assert len(local_discord.rate_limited) == 1
