"""/who-said: a speaker's claims with their verdicts, found by any spelling of the name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.in_time import InTime
from bot.commands.options import SpeakerOption, desk_of
from bot.commands.replies import Guarded, show_page
from bot.commands.stories import StoryOption
from bot.render import custom_ids
from bot.render.lists import speaker_page, speaker_pager
from bot.render.stories import kept_to, story_speaker_pager

if TYPE_CHECKING:
    from bot.bot import ClaimBot

PAGE_SIZE = 10


class SpeakerPager(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.SPEAKER_PAGE
):
    def __init__(self, speaker_id: int, offset: int) -> None:
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_ids.speaker_page(speaker_id, offset)))
        self.speaker_id, self.offset = speaker_id, offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SpeakerPager:
        return cls(int(match["speaker_id"]), int(match["offset"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        # speaker_by_id is scoped to this guild: an id copied from another server finds nothing.
        speaker = await desk.speaker_by_id(interaction.guild_id, self.speaker_id)
        page = await desk.speaker_claims(interaction.guild_id, speaker.id, offset=self.offset, limit=PAGE_SIZE)
        await show_page(interaction, embed=speaker_page(speaker, page), view=speaker_pager(speaker, page))


class StorySpeakerPager(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.STORY_SPEAKER_PAGE
):
    """A speaker's claims in one story: both ids resolved in the guild pressed in."""

    def __init__(self, story_id: int, speaker_id: int, offset: int) -> None:
        custom_id = custom_ids.story_speaker_page(story_id, speaker_id, offset)
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_id))
        self.story_id, self.speaker_id, self.offset = story_id, speaker_id, offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StorySpeakerPager:
        return cls(int(match["story_id"]), int(match["speaker_id"]), int(match["offset"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        story = await desk.story_by_id(interaction.guild_id, self.story_id)
        speaker = await desk.speaker_by_id(interaction.guild_id, self.speaker_id)
        page = await desk.speaker_claims(
            interaction.guild_id, speaker.id, offset=self.offset, limit=PAGE_SIZE, story_id=story.id
        )
        embed = kept_to(speaker_page(speaker, page), story)
        await show_page(interaction, embed=embed, view=story_speaker_pager(page, story, speaker))


class Speakers(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SpeakerPager, StorySpeakerPager)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(SpeakerPager, StorySpeakerPager)

    @app_commands.command(name="who-said", description="A speaker's claims and how each stands up")
    @app_commands.describe(
        speaker="A person or a body; any spelling of the name works", story="Only their claims in this story"
    )
    @app_commands.guild_only()
    async def who_said(
        self, interaction: discord.Interaction[ClaimBot], speaker: SpeakerOption, story: StoryOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        async with InTime(interaction, ephemeral=False) as answer:
            if story is None:
                page = await self.desk.speaker_claims(interaction.guild_id, speaker.id, limit=PAGE_SIZE)
                await answer.send(embed=speaker_page(speaker, page), view=speaker_pager(speaker, page))
                return
            page = await self.desk.speaker_claims(interaction.guild_id, speaker.id, limit=PAGE_SIZE, story_id=story.id)
            await answer.send(
                embed=kept_to(speaker_page(speaker, page), story), view=story_speaker_pager(page, story, speaker)
            )


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Speakers(bot))
