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


# interaction.extras key: whether the member is owed notices, as read with the claims their options name
# (ClaimSummary.asker_owed). The notices hook (cogs/intake.py) then needs no read of its own.
ASKER_OWED = "claimbot.asker_owed"


def looked_up(interaction: discord.Interaction[ClaimBot], found: ClaimSummary) -> ClaimSummary:
    """Keeps what the lookup said of the notices owed; one option saying "owed" is enough."""
    if found.asker_owed is not None:
        interaction.extras[ASKER_OWED] = interaction.extras.get(ASKER_OWED, False) or found.asker_owed
    return found


def asker_owed(interaction: discord.Interaction) -> bool | None:
    """True or False when an option's lookup read it; None when nothing did (then the hook reads it)."""
    owed = interaction.extras.get(ASKER_OWED)
    return owed if isinstance(owed, bool) else None


def forget_asker_owed(interaction: discord.Interaction) -> None:
    """For commands that may owe the asker a notice themselves (a moderator deciding their own
    submission): what the lookup read is then out of date."""
    interaction.extras.pop(ASKER_OWED, None)


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
        found = await desk_of(interaction).resolve_claim(interaction.guild_id, value[:200], asker=interaction.user.id)
        if found is None:
            # A number gets "there is no claim #N in this server", words get "no claim matches".
            number = parse_claim_number(value)
            raise ClaimNotFound(number if number is not None else value[:80])
        return looked_up(interaction, found)


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
