"""The two assignments that point an unmodified discord.py at a local Discord.

discord.py builds every REST URL from ``discord.http.Route.BASE`` at request time (webhooks and
interaction callbacks included), and connects the gateway to ``DiscordWebSocket.DEFAULT_GATEWAY``.
Both are class attributes, so :func:`restore_discord_py` puts the originals back for other tests.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import yarl

_ORIGINAL_BASE = discord.http.Route.BASE
_ORIGINAL_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def point_discord_py_at(api_base: str) -> None:
    """Send every discord.py REST call to ``api_base`` (e.g. ``http://127.0.0.1:PORT/api/v10``)."""
    discord.http.Route.BASE = api_base


async def use_gateway_from(client: discord.Client) -> str:
    """Ask the (already pointed) API for ``/gateway/bot`` and make ``client`` connect there.

    Call it after ``client.login(token)`` and before ``client.connect()``.
    """
    _shards, url, _limits = await client.http.get_bot_gateway()
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    return url


def restore_discord_py() -> None:
    discord.http.Route.BASE = _ORIGINAL_BASE
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _ORIGINAL_GATEWAY


async def start_client(client: discord.Client, token: str, api_base: str, **connect: Any) -> asyncio.Task[None]:
    """Log in, point the gateway and start ``client.connect()`` as a task; the caller awaits readiness."""
    point_discord_py_at(api_base)
    await client.login(token)
    await use_gateway_from(client)
    return asyncio.create_task(client.connect(**connect), name="local-discord-client")
