"""/status: the board of the server's claims by verdict, or one claim's timeline of changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.in_time import InTime
from bot.commands.stories import StoryClaimOption, StoryOption
from bot.render.lists import board, timeline, timeline_pager
from bot.render.stories import story_board

if TYPE_CHECKING:
    from bot.bot import ClaimBot

TIMELINE_PAGE = 8  # the same page size as the card's History button, so paging lines up


class Board(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk

    @app_commands.command(name="status", description="The board of claims by verdict, or one claim's timeline")
    @app_commands.describe(
        claim="A claim to show the timeline of (leave empty for the board)",
        story="The board of this story only (leave empty for every story)",
    )
    @app_commands.guild_only()
    async def status(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: StoryClaimOption | None = None,
        story: StoryOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        async with InTime(interaction, ephemeral=False) as answer:
            if claim is None and story is not None:
                result = await self.desk.story_board(interaction.guild_id, story)
                await answer.send(embed=story_board(result, story))
            elif claim is None:
                overview = await self.desk.board(interaction.guild_id)
                wanted = await self.desk.most_requested(interaction.guild_id)
                await answer.send(embed=board(overview, wanted))
            else:
                full = await self.desk.claim(interaction.guild_id, claim.number)
                page = await self.desk.claim_history(full, limit=TIMELINE_PAGE)
                await answer.send(embed=timeline(full, page), view=timeline_pager(full.number, page))


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Board(bot))
