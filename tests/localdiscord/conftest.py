"""Fixtures for the local Discord's own tests: the server fixture and a way to start small bots on it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import discord
import pytest

from localdiscord.client import restore_discord_py, start_client
from localdiscord.driver import Driver
from localdiscord.pytest_plugin import local_discord, local_discord_options

__all__ = ["local_discord", "local_discord_options"]

StartBot = Callable[[discord.Client], Awaitable[discord.Client]]


@pytest.fixture
async def start_bot(local_discord: Driver) -> AsyncIterator[StartBot]:
    """Log a client in against the local Discord, connect it and wait until it is ready."""
    running: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(client: discord.Client) -> discord.Client:
        server = local_discord.server
        task = await start_client(client, server.token, server.api_base)
        running.append((client, task))
        await asyncio.wait_for(client.wait_until_ready(), timeout=5)
        return client

    yield start
    for client, task in running:
        await client.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    restore_discord_py()


async def eventually(predicate: Callable[[], object], within: float = 2.0) -> None:
    """Poll ``predicate`` until it holds; for state on the bot's side, which the fake cannot see."""
    steps = max(1, int(within / 0.01))
    for _ in range(steps):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"condition still false after {within}s")
