"""The bot process's garbage collector: what it made to start is taken out of the collector's full passes.

Every interaction leaves cyclic garbage (discord.py's and aiohttp's objects point at each other), so the
collector runs often, and its full pass walks every object the process holds: the modules, discord.py's
cache of every guild, the desk's caches. Measured under the benchmark's load at 100,000 claims (BENCHMARKS.md),
a full pass took 65-90 ms and came every few seconds: at 200 interactions/s each one held up a dozen
answers, and it was the p99 of /claim any, /search and /mod status (50-145 ms). What exists once the
bot is ready lives as long as the process, so it is collected once and frozen (`gc.freeze`): the full
passes then walk only what was made since (12-35 ms), and those p99s fell to 4.5-19 ms.

Only once: a later `on_ready` (a new session after a reconnect) would freeze what serving had made,
which then could never be collected.
"""

from __future__ import annotations

import gc
import logging

from discord.ext import commands

log = logging.getLogger(__name__)


def freeze_when_ready(bot: commands.Bot | commands.AutoShardedBot) -> None:
    """Freeze the process's heap the first time `bot` is ready (every shard connected, guilds loaded)."""

    async def freeze() -> None:
        bot.remove_listener(freeze, "on_ready")
        gc.collect()  # what start-up left as garbage is freed, not frozen
        gc.freeze()
        log.info("Start-up heap frozen: %d objects left out of the collector's full passes", gc.get_freeze_count())

    bot.add_listener(freeze, "on_ready")
