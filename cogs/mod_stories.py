"""/mod story new, /mod story edit and /mod import (issue 11): stories by form, and from a story file.

A plain mixin that `Moderation` inherits: discord.py's CogMeta collects the `story` group along the
MRO, and the cog's interaction_check (rights first) runs for its subcommands as for the others'.
The forms use Moderation's once-only machinery and its custom_id prefix, so a form submitted after a
restart is answered "open it again" by Moderation.on_interaction.

An import is previewed first. The preview kept in memory is small (who, where, the file's URL and
sha256, and the plan): Confirm reads the file again, and applies it only if it is the same file and
the plan is still the same. At most PREVIEWS_KEPT are open per process, each for PREVIEW_LIFETIME; a
Confirm after a restart, or later, is told the preview has expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import app_commands

from bot.commands.checks import Refused
from bot.commands.replies import Guarded
from bot.commands.stories import StoryOption
from bot.commands.tree import answer_error, log_outcome
from bot.desk.importing import ImportRefused, check_size, digest, read_story_file
from bot.desk.stories import check_story_fields
from bot.domain.claims import Actor
from bot.domain.rules import RuleBroken
from bot.domain.stories import SeedPlan, StoryRecord
from bot.render import custom_ids
from bot.render.stories import import_buttons, import_done, import_preview, nothing_to_import, story_saved

if TYPE_CHECKING:
    from bot.bot import ClaimBot
    from cogs.moderation import Moderation


def forget_cards(interaction: discord.Interaction, guild_id: int) -> None:
    """The rendered cards of the guild show the story as it was: drop them (see CardCache.forget_guild)."""
    from cogs.claims import Claims

    claims = interaction.client.get_cog("Claims")  # type: ignore[attr-defined]
    if isinstance(claims, Claims):
        claims.cards.forget_guild(guild_id)


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
            forget_cards(interaction, interaction.guild_id)
        await interaction.followup.send(story_saved(saved, new=self.record is None), ephemeral=True)
        log_outcome(interaction, "ok")

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await answer_error(interaction, error)


PREVIEW_LIFETIME = 900.0
PREVIEWS_KEPT = 32
PREVIEW_EXPIRED = (
    "This import preview is no longer open (claimbot restarted, or it is over 15 minutes old, or it was already "
    "confirmed or cancelled): nothing was imported. Run /mod import again."
)
NOT_YOURS = "Only the moderator who ran this import can confirm or cancel it."


@dataclass(frozen=True, slots=True)
class Preview:
    token: str
    guild_id: int
    user_id: int
    url: str  # the attachment, read again on Confirm
    filename: str
    sha256: str
    plan: SeedPlan
    expires: float


class Previews:
    """This process's open import previews: bounded in number and age, lost (harmlessly) on a restart."""

    def __init__(self) -> None:
        self._open: dict[str, Preview] = {}

    def _prune(self, now: float) -> None:
        self._open = {token: p for token, p in self._open.items() if p.expires > now}
        while len(self._open) >= PREVIEWS_KEPT:
            self._open.pop(next(iter(self._open)))  # the oldest

    def open(self, *, guild_id: int, user_id: int, url: str, filename: str, sha256: str, plan: SeedPlan) -> Preview:
        now = time.monotonic()
        self._prune(now)
        preview = Preview(secrets.token_hex(8), guild_id, user_id, url, filename, sha256, plan, now + PREVIEW_LIFETIME)
        self._open[preview.token] = preview
        return preview

    def mine(self, token: str, interaction: discord.Interaction) -> Preview:
        """The preview, if the one who opened it presses in the server it was opened in."""
        preview = self._open.get(token)
        if preview is None or preview.expires <= time.monotonic() or preview.guild_id != interaction.guild_id:
            raise RuleBroken(PREVIEW_EXPIRED)
        if preview.user_id != interaction.user.id:
            raise Refused(NOT_YOURS)
        return preview

    def take(self, token: str) -> Preview | None:
        """Closes it: of two presses at once, one gets it (no await between `mine` and this)."""
        return self._open.pop(token, None)


def previews_of(interaction: discord.Interaction[ClaimBot]) -> tuple[Moderation, Previews]:
    from cogs.moderation import Moderation

    cog = interaction.client.get_cog("Moderation")
    if not isinstance(cog, Moderation):
        raise RuleBroken(PREVIEW_EXPIRED)
    return cog, cog.import_previews


class _ImportButton(Guarded):
    token: str

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["token"])  # type: ignore[call-arg]  # both subclasses take the token


class ImportConfirm(
    _ImportButton, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.IMPORT_CONFIRM
):
    def __init__(self, token: str) -> None:
        super().__init__(discord.ui.Button(label="Confirm", custom_id=custom_ids.import_confirm(token)))
        self.token = token

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        cog, previews = previews_of(interaction)
        previews.mine(self.token, interaction)
        await cog.require_moderator(interaction)
        preview = previews.take(self.token)
        if preview is None:
            raise RuleBroken(PREVIEW_EXPIRED)
        await interaction.response.defer()  # reading the file again and applying it may take a while
        try:
            try:
                data = await interaction.client.http.get_from_cdn(preview.url)
            except discord.HTTPException:
                raise ImportRefused("Could not read the file again from Discord; nothing was imported.") from None
            if digest(data) != preview.sha256:
                raise ImportRefused("The file changed since the preview: nothing was imported. Run /mod import again.")
            checked = await asyncio.to_thread(read_story_file, preview.filename, data)
            actor = Actor(interaction.user.id, interaction.user.display_name[:100])
            report = await cog.desk.import_story(interaction.guild_id, checked.seed, expected=preview.plan, actor=actor)
        except BaseException:
            await _close(interaction, "Not imported (see below).")
            raise
        story = checked.seed.story
        await interaction.edit_original_response(
            content=import_done(story, report.added, report.updated, report.kept), embed=None, view=None
        )


class ImportCancel(
    _ImportButton, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.IMPORT_CANCEL
):
    def __init__(self, token: str) -> None:
        super().__init__(discord.ui.Button(label="Cancel", custom_id=custom_ids.import_cancel(token)))
        self.token = token

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        _cog, previews = previews_of(interaction)
        previews.mine(self.token, interaction)
        previews.take(self.token)
        await interaction.response.edit_message(content="Import cancelled; nothing was changed.", embed=None, view=None)


async def _close(interaction: discord.Interaction, text: str) -> None:
    """The preview's buttons go once it is used, whatever happened (it cannot be confirmed twice)."""
    with contextlib.suppress(discord.HTTPException):
        await interaction.edit_original_response(content=text, embed=None, view=None)


class StoryModeration:
    """Mixed into Moderation: `/mod story new`, `/mod story edit`, `/mod import`."""

    if TYPE_CHECKING:
        bot: ClaimBot

    @property
    def import_previews(self) -> Previews:
        """Made on first use: Moderation's __init__ is not this mixin's."""
        found = self.__dict__.get("_import_previews")
        if not isinstance(found, Previews):
            found = self.__dict__["_import_previews"] = Previews()
        return found

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ImportConfirm, ImportCancel)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ImportConfirm, ImportCancel)

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

    @app_commands.command(  # type: ignore[type-var]  # bound to Moderation, as above
        name="import", description="Import a story file (TOML or JSON): a preview, then Confirm"
    )
    @app_commands.describe(file="A story file as in bot/stories (TOML or JSON), at most 1 MB and 2,000 claims")
    async def import_file(self, interaction: discord.Interaction[ClaimBot], file: discord.Attachment) -> None:
        assert interaction.guild_id is not None
        check_size(file.filename, file.size)  # before anything is downloaded
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            raise ImportRefused("Could not download the file from Discord; nothing was imported.") from None
        # Parsing and checking up to 1 MB is CPU work: off the event loop, so other members are answered.
        checked = await asyncio.to_thread(read_story_file, file.filename, data)
        cog = self._moderation()
        plan = await cog.desk.preview_import(interaction.guild_id, checked.seed)
        story = checked.seed.story
        if not plan.changes:
            await interaction.followup.send(nothing_to_import(checked.name, story, plan), ephemeral=True)
            return
        preview = self.import_previews.open(
            guild_id=interaction.guild_id,
            user_id=interaction.user.id,
            url=file.url,
            filename=file.filename,
            sha256=checked.sha256,
            plan=plan,
        )
        statements = {item.key: item.claim.statement for item in checked.seed.claims}
        await interaction.followup.send(
            embed=import_preview(checked.name, story, statements, plan),
            view=import_buttons(preview.token),
            ephemeral=True,
        )
