"""Answering button presses: errors through the same handler as commands, pages shown to the right person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.commands.tree import ShuttingDown, answer_error, log_outcome

if TYPE_CHECKING:
    from bot.bot import ClaimBot


class Guarded:
    """Mixed into every DynamicItem: the tree's error handler and log line do not see components."""

    # discord.py types Item.callback for any client (Interaction[ClientT]), so the override takes
    # Interaction[Any]; these items are only ever added to a ClaimBot, and `run` is typed for it.
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: ClaimBot = interaction.client
        try:
            if bot.draining:
                raise ShuttingDown()
            await self.run(interaction)
        except Exception as error:
            await answer_error(interaction, error)
        else:
            log_outcome(interaction, "ok")

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        raise NotImplementedError


async def show_page(interaction: discord.Interaction, *, embed: discord.Embed, view: discord.ui.View) -> None:
    """Turn the page in place for whoever asked for the list; anyone else gets their own private copy,
    so one member's paging never moves the message under another's eyes."""
    message = interaction.message
    metadata = message.interaction_metadata if message is not None else None
    asked_by = metadata.user.id if metadata is not None else None
    if message is None or message.flags.ephemeral or asked_by == interaction.user.id:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
