"""/mod story new and /mod story edit (issue 11): a form for a story's title, publisher, URL and date.

A plain mixin that `Moderation` inherits: discord.py's CogMeta collects the `story` group along the
MRO, and the cog's interaction_check (rights first) runs for its subcommands as for the others'.
The forms use Moderation's once-only machinery and its custom_id prefix, so a form submitted after a
restart is answered "open it again" by Moderation.on_interaction.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.commands.stories import StoryOption
from bot.commands.tree import answer_error, log_outcome
from bot.desk.stories import check_story_fields
from bot.domain.rules import RuleBroken
from bot.domain.stories import StoryRecord
from bot.render.stories import story_saved

if TYPE_CHECKING:
    from bot.bot import ClaimBot
    from cogs.moderation import Moderation


class StoryModal(discord.ui.Modal):
    """A new story's fields, or an existing story's, prefilled (its slug never changes)."""

    def __init__(self, cog: Moderation, record: StoryRecord | None = None) -> None:
        from cogs.moderation import FORM_LIFETIME, FORM_PREFIX  # cogs.moderation imports this module

        title = "Add a story" if record is None else "Edit the story"
        super().__init__(title=title, timeout=FORM_LIFETIME, custom_id=FORM_PREFIX + secrets.token_hex(8))
        self.cog, self.record = cog, record
        story = record.story if record else None
        self.story_title: discord.ui.TextInput[StoryModal] = discord.ui.TextInput(
            label="Title (of the report)", max_length=256, default=story.title if story else None
        )
        self.publisher: discord.ui.TextInput[StoryModal] = discord.ui.TextInput(
            label="Publisher (the outlet)", max_length=200, default=story.publisher if story else None
        )
        self.url: discord.ui.TextInput[StoryModal] = discord.ui.TextInput(
            label="URL (a link to the report)",
            max_length=512,
            required=False,
            default=(story.url or None) if story else None,
        )
        self.published: discord.ui.TextInput[StoryModal] = discord.ui.TextInput(
            label="Date published",
            placeholder="2024-10-17",
            min_length=10,
            max_length=10,
            default=story.published.isoformat() if story else None,
        )
        for item in (self.story_title, self.publisher, self.url, self.published):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Saved once, as Moderation's claim forms are (see ClaimModal.on_submit)."""
        from cogs.moderation import FORM_USED

        self.cog.dispatched_forms.add(interaction.id)
        if not self.cog.take_form(self.custom_id):
            raise RuleBroken(FORM_USED)
        try:
            await self.save(interaction)
        except BaseException:
            self.cog.release_form(self.custom_id)
            raise

    async def save(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.cog.require_moderator(interaction)
        fields = check_story_fields(self.story_title.value, self.publisher.value, self.url.value, self.published.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if self.record is None:
            saved = await self.cog.desk.new_story(interaction.guild_id, fields)
        else:
            saved = await self.cog.desk.edit_story(interaction.guild_id, self.record.slug, fields)
        await interaction.followup.send(story_saved(saved, new=self.record is None), ephemeral=True)
        log_outcome(interaction, "ok")

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await answer_error(interaction, error)


class StoryModeration:
    """Mixed into Moderation: `/mod story new`, `/mod story edit`."""

    story = app_commands.Group(name="story", description="Moderators: add a story or edit one")

    # discord.py types a command's binding as a Cog or a Group; this mixin is bound to Moderation, a GroupCog.
    @story.command(name="new", description="Add a story this server tracks (opens a form: title, publisher, URL, date)")  # type: ignore[type-var]
    async def story_new(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.send_modal(StoryModal(self._moderation()))

    @story.command(name="edit", description="Edit a story's title, publisher, URL or date (opens a form)")  # type: ignore[type-var]
    @app_commands.describe(story="The story to edit")
    async def story_edit(self, interaction: discord.Interaction[ClaimBot], story: StoryOption) -> None:
        await interaction.response.send_modal(StoryModal(self._moderation(), story))

    def _moderation(self) -> Moderation:
        from cogs.moderation import Moderation

        assert isinstance(self, Moderation)
        return self
