"""/help (ephemeral): the commands a member may use, read from the bot's own registered command tree, so
a command another part adds is listed without editing this; what verdicts and attributions mean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.help import CommandHelp, help_embed

if TYPE_CHECKING:
    from bot.bot import ClaimBot

MODERATOR_GROUP = "mod"


def member_commands(tree: app_commands.CommandTree[ClaimBot]) -> list[CommandHelp]:
    """Every slash command but the moderators' group, in name order, then the message menus."""
    slash: list[CommandHelp] = []
    menus: list[CommandHelp] = []
    for command in tree.get_commands():
        if isinstance(command, app_commands.ContextMenu):
            if command.type is discord.AppCommandType.message:
                menus.append(CommandHelp(command.name, "", menu=True))
        elif isinstance(command, app_commands.Command):
            options = tuple((p.display_name, p.required) for p in command.parameters)
            slash.append(CommandHelp(command.name, command.description, options))
        elif isinstance(command, app_commands.Group) and command.name != MODERATOR_GROUP:
            for sub in command.walk_commands():
                if isinstance(sub, app_commands.Command):
                    options = tuple((p.display_name, p.required) for p in sub.parameters)
                    slash.append(CommandHelp(sub.qualified_name, sub.description, options))
    return sorted(slash, key=lambda c: c.name) + sorted(menus, key=lambda c: c.name)


class Help(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What claimbot's commands do, and what each verdict means")
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.send_message(embed=help_embed(member_commands(self.bot.tree)), ephemeral=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Help(bot))
