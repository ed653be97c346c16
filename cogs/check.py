"""Apps → "Check claims": match a message against the server's claims, as a fact-check desk would."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.cooldowns import member_cooldown
from bot.commands.in_time import InTime
from bot.commands.messages import message_text
from bot.render.lists import matches

if TYPE_CHECKING:
    from bot.bot import ClaimBot

SHOWN = 5


class Check(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk
        # Context menus cannot live inside a Cog class in discord.py; the cog owns it all the same.
        self.menu = app_commands.ContextMenu(name="Check claims", callback=self.check_claims)
        self.menu.guild_only = True
        member_cooldown(3, 10.0)(self.menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def check_claims(self, interaction: discord.Interaction[ClaimBot], message: discord.Message) -> None:
        assert interaction.guild_id is not None
        text = message_text(message)
        async with InTime(interaction, ephemeral=True) as answer:
            found = await self.desk.match_text(interaction.guild_id, text, limit=SHOWN)
            await answer.send(embed=matches(text, found))


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Check(bot))
