"""Claim and speaker options: autocomplete from the desk, and the typed value checked again on submit.

Autocomplete runs no parent checks and a member may submit text it never offered, so `transform`
resolves whatever arrives, inside the interaction's own guild only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.desk.errors import ClaimNotFound, SpeakerNotFound
from bot.domain.claims import ClaimSummary, Speaker
from bot.domain.rules import parse_claim_number
from bot.render.choices import claim_choice, speaker_choice, speaker_id_from_value

if TYPE_CHECKING:
    from bot.bot import ClaimBot
    from bot.desk import Desk


def desk_of(interaction: discord.Interaction[ClaimBot]) -> Desk:
    return interaction.client.desk


def may_suggest(interaction: discord.Interaction[ClaimBot]) -> bool:
    """In a server, and within the member's autocomplete budget (see bot/commands/budget.py)."""
    if interaction.guild_id is None:
        return False
    return interaction.client.autocomplete_budget.allow(interaction.guild_id, interaction.user.id)


class ClaimTransformer(app_commands.Transformer["ClaimBot"]):
    async def autocomplete(  # type: ignore[override]  # a string option: str in, string choices out
        self, interaction: discord.Interaction[ClaimBot], value: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        found = await desk_of(interaction).suggest_claims(interaction.guild_id, value[:200])
        return [claim_choice(summary) for summary in found]

    async def transform(self, interaction: discord.Interaction[ClaimBot], value: str) -> ClaimSummary:
        assert interaction.guild_id is not None  # the tree refuses interactions outside servers
        found = await desk_of(interaction).resolve_claim(interaction.guild_id, value[:200])
        if found is None:
            # A number gets "there is no claim #N in this server", words get "no claim matches".
            number = parse_claim_number(value)
            raise ClaimNotFound(number if number is not None else value[:80])
        return found


class SpeakerTransformer(app_commands.Transformer["ClaimBot"]):
    async def autocomplete(  # type: ignore[override]  # a string option: str in, string choices out
        self, interaction: discord.Interaction[ClaimBot], value: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        found = await desk_of(interaction).suggest_speakers(interaction.guild_id, value[:200])
        return [speaker_choice(speaker) for speaker in found]

    async def transform(self, interaction: discord.Interaction[ClaimBot], value: str) -> Speaker:
        assert interaction.guild_id is not None
        desk = desk_of(interaction)
        speaker_id = speaker_id_from_value(value)
        if speaker_id is not None:
            try:
                return await desk.speaker_by_id(interaction.guild_id, speaker_id)
            except SpeakerNotFound:
                raise SpeakerNotFound(value[:80]) from None
        return await desk.find_speaker(interaction.guild_id, value[:200])


ClaimOption = app_commands.Transform[ClaimSummary, ClaimTransformer]
SpeakerOption = app_commands.Transform[Speaker, SpeakerTransformer]
