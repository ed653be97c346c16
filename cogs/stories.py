"""/story: the stories this server tracks, each with its claims per verdict and its last change (issue 11)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.stories import story_list

if TYPE_CHECKING:
    from bot.bot import ClaimBot


class Stories(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk

    @app_commands.command(name="story", description="The stories this server tracks, with their claims by verdict")
    @app_commands.guild_only()
    async def story(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.send_message(embed=story_list(await self.desk.stories(interaction.guild_id)))


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Stories(bot))
