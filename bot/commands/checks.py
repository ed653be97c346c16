"""Who may do what. Discord's default_member_permissions is only a hint to its client; this is the check."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.domain.claims import GuildSettings


class Refused(app_commands.CheckFailure):
    """A check said no; str(exc) is the sentence the member sees."""


def is_moderator(interaction: discord.Interaction, settings: GuildSettings) -> bool:
    """Administrator, Manage Server or Manage Messages (in this channel), or the configured role."""
    perms = interaction.permissions
    if perms.administrator or perms.manage_guild or perms.manage_messages:
        return True
    role_id = settings.moderator_role_id
    member = interaction.user
    return role_id is not None and isinstance(member, discord.Member) and member.get_role(role_id) is not None


def can_manage_server(interaction: discord.Interaction) -> bool:
    perms = interaction.permissions
    return perms.administrator or perms.manage_guild
