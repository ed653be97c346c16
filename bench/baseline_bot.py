"""The baseline: a bare discord.py bot that answers every interaction with a fixed message.

It connects the way claimbot does (DISCORD_TOKEN and DISCORD_API_BASE from the environment, the gateway
asked of that API base, uvloop when installed) and does nothing else: no command tree, no store, no
logging per interaction.
Whatever claimbot costs beyond this is claimbot's own.

    python -m bench.baseline_bot
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import discord

from bot.endpoint import use_api_base, use_gateway_from_api

log = logging.getLogger("baseline")


class BareBot(discord.Client):
    async def login(self, token: str) -> None:
        use_api_base(os.environ["DISCORD_API_BASE"])
        await super().login(token)
        await use_gateway_from_api(self)

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await interaction.response.send_message("ok")


async def main() -> None:
    intents = discord.Intents.none()
    intents.guilds = True
    client = BareBot(
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        chunk_guilds_at_startup=False,
        member_cache_flags=discord.MemberCacheFlags.none(),
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    async with client:
        runner = asyncio.create_task(client.start(os.environ["DISCORD_TOKEN"]))
        stopper = asyncio.create_task(stopping.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            await client.close()
        await runner


def use_uvloop() -> None:
    """The event loop claimbot runs on (bot/__main__.py's use_uvloop, not imported: that module brings
    the settings and the store with it). On asyncio's own loop the bare bot answered ~30 % fewer
    interactions per second, which made every ratio against it flatter claimbot."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


if __name__ == "__main__":
    discord.utils.setup_logging(level=logging.INFO, root=True)
    use_uvloop()
    asyncio.run(main())
