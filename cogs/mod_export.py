"""/mod export: the server's claims, or one story's, as files attached to a private reply.

A plain mixin that `Moderation` inherits (discord.py's CogMeta collects app commands along the MRO),
so the rights check is Moderation's interaction_check, run before anything is read. The files are
written to spooled temporary files as the desk reads the claims a page at a time; an export past what
Discord lets the bot attach here is stopped and the moderator pointed to `python -m bot export`.
"""

from __future__ import annotations

import logging
import tempfile
from contextlib import ExitStack
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

import discord
from discord import app_commands

from bot.commands.stories import StoryOption
from bot.commands.tree import log_outcome
from bot.desk.exports import ExportFile, ExportFormat, ExportTooLarge
from bot.domain.rules import RuleBroken
from bot.render.exports import FORMAT_LABELS, export_summary, export_too_large

if TYPE_CHECKING:
    from bot.bot import ClaimBot
    from bot.desk import Desk

log = logging.getLogger(__name__)

REQUEST_LIMIT = 25 * 2**20  # all files of one message together (Create Message, "Limitations")
SPOOLED_IN_MEMORY = 2**20  # a larger export goes to a temporary file on disk as it is written
FORMAT_CHOICES = [app_commands.Choice(name=label, value=value) for value, label in FORMAT_LABELS.items()]


if TYPE_CHECKING:
    # For the type checker, app commands are defined on a Cog or a Group; at run time this is a plain
    # mixin (a Cog of its own would be a second cog), and Moderation is the Cog.
    from discord.ext.commands import Cog as _CommandHost
else:
    _CommandHost = object


class ExportCommands(_CommandHost):
    """`/mod export format: [story:]` for moderators."""

    desk: Desk

    @app_commands.command(name="export", description="Export the claims: ClaimReview JSON-LD, CSV or story files")
    @app_commands.describe(
        format="ClaimReview JSON-LD (for fact-check tools), CSV (a spreadsheet) or story files (/mod import)",
        story="Only this story; the whole server when left out",
    )
    @app_commands.choices(format=FORMAT_CHOICES)
    async def export(
        self,
        interaction: discord.Interaction[ClaimBot],
        format: str,
        story: StoryOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # rights: Moderation.interaction_check, before this runs
        try:
            chosen = ExportFormat(format)
        except ValueError:
            raise RuleBroken("Pick a format from the choices: claimreview, csv or story.") from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        limit = min(interaction.filesize_limit, REQUEST_LIMIT)
        guild_name = interaction.guild.name if interaction.guild else ""
        with ExitStack() as stack:
            spooled: list[tuple[ExportFile, IO[bytes]]] = []

            def open_file(file: ExportFile) -> BinaryIO:
                stream = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=SPOOLED_IN_MEMORY))
                spooled.append((file, stream))
                return cast(BinaryIO, stream)

            try:
                result = await self.desk.export(
                    interaction.guild_id,
                    chosen,
                    open_file,
                    story_slug=story.story.slug if story else None,
                    author_name=guild_name,
                    max_bytes=limit,
                )
            except ExportTooLarge:
                text = export_too_large(limit, interaction.guild_id, chosen.value, story.story.slug if story else None)
                await interaction.followup.send(text, ephemeral=True)
                log_outcome(interaction, "too large")
                return
            for _file, stream in spooled:
                stream.seek(0)
            files = [discord.File(cast(Any, stream), filename=file.name) for file, stream in spooled]
            text = export_summary([(f.name, f.size) for f in result.files], result.notes)
            await interaction.followup.send(text, files=files, ephemeral=True)
        log_outcome(interaction, "ok")
