"""The command tree: guild-only, every interaction logged once, every error answered once.

Known errors (refusals, conflicts, a database that will not take a write) become a friendly
ephemeral reply; anything else is logged with its traceback under a short reference that the
member also sees, so a report can be matched to the log.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.commands.checks import Refused, check_errors_answered
from bot.desk.errors import NothingToChange, Refusal, VerdictConflict
from bot.domain.rules import RuleBroken
from bot.store.errors import StoreError

if TYPE_CHECKING:
    from bot.bot import ClaimBot

log = logging.getLogger("claimbot.interactions")


class ShuttingDown(app_commands.AppCommandError):
    def __str__(self) -> str:
        return "claimbot is restarting; try again in a few seconds."


def command_name(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return interaction.command.qualified_name
    data: Mapping[str, object] = interaction.data or {}
    return str(data.get("custom_id") or data.get("name") or interaction.type.name)[:100]


def elapsed_ms(interaction: discord.Interaction) -> int:
    return ms_since(interaction.id)


def ms_since(snowflake: int) -> int:
    """Since Discord made the object: its id's top bits are ms since Discord's epoch (no datetimes: this
    runs for every interaction)."""
    return int(time.time() * 1000) - ((snowflake >> 22) + discord.utils.DISCORD_EPOCH)


def log_outcome(interaction: discord.Interaction, outcome: str) -> None:
    log.info(
        "guild=%s user=%s command=%s outcome=%s ms=%d",
        interaction.guild_id,
        interaction.user.id,
        command_name(interaction),
        outcome,
        elapsed_ms(interaction),
    )


def explain(error: BaseException) -> str | None:
    """The sentence for an error we expect, or None for one we did not."""
    if isinstance(error, VerdictConflict):
        # The store's sentence already names who; add when, so the moderator knows how fresh it is.
        when = discord.utils.format_dt(error.at, "R")
        return f"{error} That change was {when}; look at the claim again before changing it."
    if isinstance(error, NothingToChange) and error.by is not None and error.at is not None:
        # Two moderators making the same change at once: the second hears who was first.
        when = discord.utils.format_dt(error.at, "R")
        return f"{error} {error.by.name} set it {when}."
    if isinstance(error, Refusal | StoreError | RuleBroken | Refused | ShuttingDown):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "claimbot works inside servers only."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


def unwrap(error: BaseException) -> BaseException:
    """discord.py wraps what a command or transformer raised; the original is what we explain."""
    while True:
        inner = getattr(error, "original", None) or (
            error.__cause__ if isinstance(error, app_commands.TransformerError) else None
        )
        if inner is None or inner is error:
            return error
        error = inner


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer once, ephemerally, whether or not the interaction was already deferred."""
    if interaction.type is discord.InteractionType.autocomplete:
        if not interaction.response.is_done():
            await interaction.response.autocomplete([])
        return
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


UNKNOWN_INTERACTION = 10062  # discord-api-docs, JSON error codes: the interaction's 3 s to answer are over


def expired(error: BaseException) -> bool:
    """Discord no longer takes an answer to this interaction: too late (an overloaded moment, a long
    pause), or already answered elsewhere. Nothing sent with its token can reach the member now."""
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


async def answer_error(interaction: discord.Interaction, error: BaseException) -> None:
    original = unwrap(error)
    if expired(original):
        # One line, no traceback and no error reply (it would be refused too): under overload every
        # late answer ends here, and formatting tracebacks and sending doomed requests would only make
        # the next answers later still.
        log_outcome(interaction, "expired")
        return
    text = explain(original)
    if text is None:
        ref = secrets.token_hex(3)
        log.error(
            "ref=%s unhandled error in %s (guild=%s user=%s)",
            ref,
            command_name(interaction),
            interaction.guild_id,
            interaction.user.id,
            exc_info=original,
        )
        text = f"Something went wrong (ref `{ref}`). Nothing was changed; the moderators can look it up."
        log_outcome(interaction, f"error:{ref}")
    else:
        log_outcome(interaction, f"refused:{type(original).__name__}")
    try:
        await reply_privately(interaction, text)
    except discord.HTTPException as exc:
        log.warning("Could not deliver the error reply: %s", exc)


class ClaimTree(app_commands.CommandTree["ClaimBot"]):
    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        bot = self.client
        if bot.draining:
            raise ShuttingDown()
        with check_errors_answered():  # a new server cannot be saved: the member still hears why
            await bot.desk.ensure_guild(interaction.guild_id)
        return True

    async def on_error(self, interaction: discord.Interaction[ClaimBot], error: app_commands.AppCommandError) -> None:
        await answer_error(interaction, error)
