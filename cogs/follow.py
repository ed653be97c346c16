"""/follow, /unfollow, /following: a member follows a claim, a speaker or a story, and is DMed its changes.

Every reply is private. What is followed is read from the guild the command came from, so a member can
only ever follow that guild's claims, speakers and stories.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.options import ClaimOption, SpeakerOption, desk_of
from bot.commands.replies import Guarded, show_page
from bot.commands.stories import StoryOption
from bot.domain.claims import ClaimSummary, Speaker
from bot.domain.follows import FollowKind
from bot.domain.rules import RuleBroken
from bot.domain.stories import StoryRecord
from bot.render import custom_ids
from bot.render.follows import followed, following_page, following_pager, unfollowed, what

if TYPE_CHECKING:
    from bot.bot import ClaimBot

PAGE_SIZE = 10
ONE_THING = "Choose one thing: a claim, a speaker or a story."


class FollowingPager(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.FOLLOWING_PAGE
):
    def __init__(self, offset: int) -> None:
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_ids.following_page(offset)))
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FollowingPager:
        return cls(int(match["offset"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        # Whoever presses sees their own follows: the id holds an offset only.
        page = await desk_of(interaction).following(
            interaction.guild_id, interaction.user.id, offset=self.offset, limit=PAGE_SIZE
        )
        await show_page(interaction, embed=following_page(page), view=following_pager(page))


class Follow(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FollowingPager)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(FollowingPager)

    async def target(
        self, guild_id: int, claim: ClaimSummary | None, speaker: Speaker | None, story: StoryRecord | None
    ) -> tuple[FollowKind, int, str, int | None]:
        """(kind, row id, name, number) of the one thing named, read from this guild."""
        if sum(x is not None for x in (claim, speaker, story)) != 1:
            raise RuleBroken(ONE_THING)
        if claim is not None:
            found = await self.desk.claim(guild_id, claim.number)
            return FollowKind.CLAIM, found.id, found.statement, found.number
        if speaker is not None:
            return FollowKind.SPEAKER, speaker.id, speaker.name, None
        assert story is not None  # read from this guild by the story option (bot/commands/stories.py)
        return FollowKind.STORY, story.id, story.story.title, None

    @app_commands.command(name="follow", description="Get a DM when a claim, a speaker's claims or a story change")
    @app_commands.describe(
        claim="A claim: its number (#7) or words from it",
        speaker="A person or a body: every claim of theirs",
        story="A report: every claim taken from it",
    )
    @app_commands.guild_only()
    async def follow(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption | None = None,
        speaker: SpeakerOption | None = None,
        story: StoryOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        kind, target_id, name, number = await self.target(interaction.guild_id, claim, speaker, story)
        new = await self.desk.follow(interaction.guild_id, interaction.user.id, kind, target_id)
        await interaction.response.send_message(followed(kind, name, number, new=new), ephemeral=True)

    @app_commands.command(name="unfollow", description="Stop the DMs about a claim, a speaker or a story")
    @app_commands.describe(claim="A claim you follow", speaker="A speaker you follow", story="A story you follow")
    @app_commands.guild_only()
    async def unfollow(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption | None = None,
        speaker: SpeakerOption | None = None,
        story: StoryOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        kind, target_id, name, number = await self.target(interaction.guild_id, claim, speaker, story)
        await self.desk.unfollow(interaction.guild_id, interaction.user.id, kind, target_id, what(kind, name, number))
        await interaction.response.send_message(unfollowed(kind, name, number), ephemeral=True)

    @app_commands.command(name="following", description="What you follow in this server")
    @app_commands.guild_only()
    async def following(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        page = await self.desk.following(interaction.guild_id, interaction.user.id, limit=PAGE_SIZE)
        await interaction.response.send_message(embed=following_page(page), view=following_pager(page), ephemeral=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Follow(bot))
