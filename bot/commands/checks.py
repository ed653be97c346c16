"""Who may do what. Discord's default_member_permissions is only a hint to its client; this is the check."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import discord
from discord import app_commands

from bot.domain.claims import GuildSettings


class Refused(app_commands.CheckFailure):
    """A check said no; str(exc) is the sentence the member sees."""


class CheckCouldNotRun(app_commands.CheckFailure):
    """A check failed to run (the database could not be read, say). discord.py routes only
    AppCommandErrors raised by checks to the tree's error handler; anything else would leave the member
    with no answer at all. `original` is what the handler explains."""

    def __init__(self, original: Exception) -> None:
        super().__init__(str(original))
        self.original = original


@contextlib.contextmanager
def check_errors_answered() -> Iterator[None]:
    """Around the work of an interaction_check: what it raises reaches the member's answer."""
    try:
        yield
    except app_commands.AppCommandError:
        raise
    except Exception as exc:
        raise CheckCouldNotRun(exc) from exc


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
