"""/claim: a claim's card, with buttons for its history, its speaker's other claims and related claims.

The buttons are DynamicItems: their custom_ids carry the claim number, so they keep working after a
restart, and each press is resolved inside the guild it was pressed in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.options import desk_of
from bot.commands.replies import Guarded, show_page
from bot.commands.stories import StoryClaimOption, StoryOption
from bot.domain.follows import PostedKind
from bot.render import custom_ids
from bot.render.card_cache import CardCache, RenderedCard
from bot.render.cards import claim_buttons, claim_card
from bot.render.lists import related, speaker_page, speaker_pager, timeline, timeline_pager

if TYPE_CHECKING:
    from bot.bot import ClaimBot

HISTORY_PAGE = 8
SPEAKER_PAGE = 10


class _ClaimAction(Guarded):
    """A card button: the claim number is all it carries."""

    number: int

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["number"]))  # type: ignore[call-arg]  # every subclass's __init__ takes the number


class HistoryButton(
    _ClaimAction, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.CLAIM_HISTORY
):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="History", custom_id=custom_ids.claim_history(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        claim = await desk.claim(interaction.guild_id, self.number)
        page = await desk.claim_history(claim, limit=HISTORY_PAGE)
        await interaction.response.send_message(
            embed=timeline(claim, page), view=timeline_pager(claim.number, page), ephemeral=True
        )


class SpeakerButton(
    _ClaimAction, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.CLAIM_SPEAKER
):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="More from this speaker", custom_id=custom_ids.claim_speaker(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        claim = await desk.claim(interaction.guild_id, self.number)
        speaker = await desk.speaker_by_id(interaction.guild_id, claim.speaker.id)
        page = await desk.speaker_claims(interaction.guild_id, speaker.id, limit=SPEAKER_PAGE)
        await interaction.response.send_message(
            embed=speaker_page(speaker, page), view=speaker_pager(speaker, page), ephemeral=True
        )


class RelatedButton(
    _ClaimAction, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.CLAIM_RELATED
):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="Related claims", custom_id=custom_ids.claim_related(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        claim = await desk.claim(interaction.guild_id, self.number)
        relations = await desk.relations(interaction.guild_id, self.number)
        await interaction.response.send_message(embed=related(claim, relations), ephemeral=True)


class HistoryPager(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.HISTORY_PAGE
):
    def __init__(self, number: int, offset: int) -> None:
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_ids.history_page(number, offset)))
        self.number, self.offset = number, offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HistoryPager:
        return cls(int(match["number"]), int(match["offset"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        claim = await desk.claim(interaction.guild_id, self.number)
        page = await desk.claim_history(claim, offset=self.offset, limit=HISTORY_PAGE)
        await show_page(interaction, embed=timeline(claim, page), view=timeline_pager(claim.number, page))


class Claims(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk
        self.cards = CardCache()  # per process, safe to lose: see bot/render/card_cache.py

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(HistoryButton, SpeakerButton, RelatedButton, HistoryPager)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(HistoryButton, SpeakerButton, RelatedButton, HistoryPager)

    @app_commands.command(name="claim", description="Show a claim: who said it, when, and how well it stands up")
    @app_commands.describe(
        claim="Its number (#7), or words from the statement or the speaker's name",
        story="Look for the words in this story only",
    )
    @app_commands.guild_only()
    async def claim(
        self, interaction: discord.Interaction[ClaimBot], claim: StoryClaimOption, story: StoryOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        # `story` narrowed what `claim` suggested and resolved (bot/commands/stories.py); the card is the claim's.
        standing = await self.desk.standing(interaction.guild_id, claim.number, looked_up=claim)
        rendered = self.cards.get(interaction.guild_id, claim.number, claim.card_stamp)
        if rendered is None or rendered.standing != standing:
            card = await self.desk.claim_card(interaction.guild_id, claim.number)
            stamp = claim.card_stamp
            rendered = RenderedCard(
                stamp or (0, 0), claim_card(card, standing), claim_buttons(card.claim.number), standing
            )
            # Kept under the stamp read with the option: the card read since may only be newer, and a
            # newer stamp never matches an older one.
            if stamp is not None:
                self.cards.put(interaction.guild_id, claim.number, rendered)
        response = await interaction.response.send_message(embed=rendered.embed, view=rendered.view)
        # Issue 12: remembered (in memory until the next write), so a later change corrects it in place.
        posted = response.resource
        if isinstance(posted, discord.InteractionMessage) and claim.revision is not None:
            self.desk.remember_post(
                interaction.guild_id,
                claim.number,
                channel_id=posted.channel.id,
                message_id=posted.id,
                kind=PostedKind.CARD,
                shown_verdict=claim.verdict.value,
                shown_revision=claim.revision,
            )


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Claims(bot))
