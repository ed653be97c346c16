"""The `story:` option (issue 11): autocomplete from the server's stories, the submitted value read again.

A claim option in a command that also has `story:` suggests and resolves words within the story the
member chose (numbers name their claim whatever the story: they are the server's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.commands.options import ClaimTransformer, desk_of, looked_up, may_suggest
from bot.desk.errors import ClaimNotFound
from bot.desk.stories import StoryNotFound
from bot.domain.claims import ClaimSummary
from bot.domain.rules import parse_claim_number
from bot.domain.stories import StoryRecord
from bot.render.choices import claim_choice
from bot.render.stories import story_choice

if TYPE_CHECKING:
    from bot.bot import ClaimBot


class StoryTransformer(app_commands.Transformer["ClaimBot"]):
    async def autocomplete(  # type: ignore[override]  # a string option: str in, string choices out
        self, interaction: discord.Interaction[ClaimBot], value: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        found = await desk_of(interaction).suggest_stories(interaction.guild_id, value[:100])
        return [story_choice(record) for record in found]

    async def transform(self, interaction: discord.Interaction[ClaimBot], value: str) -> StoryRecord:
        assert interaction.guild_id is not None
        return await desk_of(interaction).find_story(interaction.guild_id, value[:100])


async def chosen_story(interaction: discord.Interaction[ClaimBot]) -> StoryRecord | None:
    """The story the member typed or picked in the same command, if it names one in this server."""
    typed = getattr(interaction.namespace, "story", None)
    if not isinstance(typed, str) or not typed.strip():
        return None
    assert interaction.guild_id is not None
    try:
        return await desk_of(interaction).find_story(interaction.guild_id, typed[:100])
    except StoryNotFound:
        return None  # the story option's own transform says so


class StoryClaimTransformer(ClaimTransformer):
    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[ClaimBot], value: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        story = await chosen_story(interaction)
        if story is None:
            found = await desk_of(interaction).suggest_claims(interaction.guild_id, value[:200])
        else:
            found = await desk_of(interaction).suggest_claims(interaction.guild_id, value[:200], story_id=story.id)
        return [claim_choice(summary) for summary in found]

    async def transform(self, interaction: discord.Interaction[ClaimBot], value: str) -> ClaimSummary:
        assert interaction.guild_id is not None
        story = await chosen_story(interaction)
        found = await desk_of(interaction).resolve_claim(
            interaction.guild_id, value[:200], story_id=story.id if story else None, asker=interaction.user.id
        )
        if found is None:
            number = parse_claim_number(value)
            raise ClaimNotFound(number if number is not None else value[:80])
        return looked_up(interaction, found)


StoryOption = app_commands.Transform[StoryRecord, StoryTransformer]
StoryClaimOption = app_commands.Transform[ClaimSummary, StoryClaimTransformer]
