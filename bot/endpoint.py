"""Where discord.py sends its REST calls and which gateway it opens.

discord.py keeps its REST base in `Route.BASE` and its gateway in `DiscordWebSocket.DEFAULT_GATEWAY`;
a plain Client never asks Discord which gateway to use. We set both from DISCORD_API_BASE, asking
`GET {base}/gateway/bot` for the gateway, so a REST proxy or the local Discord gets the whole bot.
These are the library's own class attributes (its `_set_api_version` sets the first the same way).
"""

from __future__ import annotations

import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)


def use_api_base(api_base: str) -> None:
    Route.BASE = api_base.rstrip("/")


async def use_gateway_from_api(client: discord.Client) -> tuple[int, str, int]:
    """Ask the configured REST base for the gateway address and connect there from now on. Returns the
    recommended shard count, the address, and how many shards may IDENTIFY at once."""
    shards, url, limits = await client.http.get_bot_gateway()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.info("Gateway: %s (%d shards recommended)", url, shards)
    return shards, url, int(limits.get("max_concurrency", 1) or 1)
