"""/search: ranked full-text search over statements, speakers and roles, with filters and pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.cooldowns import member_cooldown
from bot.commands.in_time import InTime
from bot.commands.options import SpeakerOption, desk_of
from bot.commands.replies import Guarded, show_page
from bot.commands.stories import StoryOption
from bot.domain.claims import Speaker
from bot.domain.rules import RuleBroken, parse_verdict
from bot.domain.states import Verdict
from bot.render import custom_ids
from bot.render.lists import search_page, search_pager, search_query
from bot.render.stories import kept_to, story_search_pager
from bot.render.text import clean

if TYPE_CHECKING:
    from bot.bot import ClaimBot

PAGE_SIZE = 5
QUERY_MAX = 200
VERDICT_CHOICES = [app_commands.Choice(name=v.look.label, value=v.value) for v in Verdict]


class SearchPager(Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.SEARCH_PAGE):
    def __init__(self, offset: int, verdict: Verdict | None, speaker_id: int | None) -> None:
        custom_id = custom_ids.search_page(offset, verdict, speaker_id)
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_id))
        self.offset, self.verdict, self.speaker_id = offset, verdict, speaker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SearchPager:
        return cls(*custom_ids.search_filters(match))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        message = interaction.message
        query = search_query(message.embeds[0]) if message and message.embeds else None
        if not query:
            raise RuleBroken("This search can no longer be paged; run /search again.")
        desk = desk_of(interaction)
        speaker = await desk.speaker_by_id(interaction.guild_id, self.speaker_id) if self.speaker_id else None
        page = await desk.search(
            interaction.guild_id,
            query,
            verdict=self.verdict,
            speaker_id=self.speaker_id,
            offset=self.offset,
            limit=PAGE_SIZE,
        )
        embed = search_page(query, page, self.verdict, speaker)
        await show_page(interaction, embed=embed, view=search_pager(page, self.verdict, speaker))


class StorySearchPager(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.STORY_SEARCH_PAGE
):
    """The pager of a search kept to one story: the story's id, resolved in the guild pressed in."""

    def __init__(self, story_id: int, offset: int, verdict: Verdict | None, speaker_id: int | None) -> None:
        custom_id = custom_ids.story_search_page(story_id, offset, verdict, speaker_id)
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_id))
        self.story_id, self.offset, self.verdict, self.speaker_id = story_id, offset, verdict, speaker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StorySearchPager:
        return cls(int(match["story_id"]), *custom_ids.search_filters(match))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        message = interaction.message
        query = search_query(message.embeds[0]) if message and message.embeds else None
        if not query:
            raise RuleBroken("This search can no longer be paged; run /search again.")
        desk = desk_of(interaction)
        story = await desk.story_by_id(interaction.guild_id, self.story_id)
        speaker = await desk.speaker_by_id(interaction.guild_id, self.speaker_id) if self.speaker_id else None
        page = await desk.search(
            interaction.guild_id,
            query,
            verdict=self.verdict,
            speaker_id=self.speaker_id,
            story_id=story.id,
            offset=self.offset,
            limit=PAGE_SIZE,
        )
        embed = kept_to(search_page(query, page, self.verdict, speaker), story)
        await show_page(interaction, embed=embed, view=story_search_pager(page, story, self.verdict, speaker))


class Search(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SearchPager, StorySearchPager)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(SearchPager, StorySearchPager)

    @app_commands.command(name="search", description="Search the claims: statements, speakers and roles")
    @app_commands.describe(
        query="Words to look for",
        status="Only claims with this verdict",
        speaker="Only claims by this speaker",
        story="Only claims in this story",
    )
    @app_commands.choices(status=VERDICT_CHOICES)
    @app_commands.guild_only()
    @member_cooldown(5, 10.0)
    async def search(
        self,
        interaction: discord.Interaction[ClaimBot],
        query: app_commands.Range[str, 1, QUERY_MAX],
        status: str | None = None,
        speaker: SpeakerOption | None = None,
        story: StoryOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        verdict = parse_verdict(status) if status else None
        chosen: Speaker | None = speaker
        # The cleaned query is the one the embed's footer keeps for the pager: pages 1 and 2 search the same text.
        query = clean(query[:QUERY_MAX], inline=True)
        async with InTime(interaction, ephemeral=False) as answer:
            page = await self.desk.search(
                interaction.guild_id,
                query,
                verdict=verdict,
                speaker_id=chosen.id if chosen else None,
                story_id=story.id if story else None,
                limit=PAGE_SIZE,
            )
            embed = kept_to(search_page(query, page, verdict, chosen), story)
            view = story_search_pager(page, story, verdict, chosen) if story else search_pager(page, verdict, chosen)
            await answer.send(embed=embed, view=view)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Search(bot))
