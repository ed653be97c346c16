"""Telling a member once, the next time they use a command, that their DMs refused the bot.

The sender marks them in the database (Discord 50007) and here in memory; a command from them in this
process tells them after its own answer, and the database's compare-and-set (`told_at`) makes that once
across processes and restarts. Members marked before a restart are loaded when the sender starts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import discord

from bot.desk.outbox import Outbox
from bot.render.follows import DMS_CLOSED

log = logging.getLogger(__name__)

ANSWERED = (discord.InteractionResponseType.channel_message, discord.InteractionResponseType.deferred_channel_message)


class ClosedDms:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.pending: set[tuple[int, int]] = set()

    def add(self, guild_id: int, user_id: int) -> None:
        self.pending.add((guild_id, user_id))

    async def tell(self, interaction: discord.Interaction) -> None:
        """After a command answered: a private note, once, if this member's DMs are marked closed."""
        key = (interaction.guild_id or 0, interaction.user.id)
        if key not in self.pending or interaction.response.type not in ANSWERED:
            return
        self.pending.discard(key)
        try:
            if not await self.outbox.tell_once(key[0], key[1], datetime.now(UTC)):
                return
            await interaction.followup.send(DMS_CLOSED, ephemeral=True)
        except Exception as exc:  # a notice must never break the command it follows
            log.warning("Could not tell %s of their closed DMs: %s", key, exc)
