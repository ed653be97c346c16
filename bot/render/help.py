"""/help: the commands a member may use (read from the registered command tree), what each verdict and
attribution means, and how to ask the desk for a check. Discord-free text, tested without Discord."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.domain.states import Attribution, Verdict
from bot.render import limits
from bot.render.lines import within
from bot.render.lists import LIST_COLOUR
from bot.render.text import fit

# Context menus have no description in Discord; these are ours, by the menu's name.
MENU_HELP = {
    "Check claims": "the tracked claims a message is about, with their verdicts",
    "Request a check": "ask the desk to check what a message claims",
}
DESCRIPTION_MAX = 160


@dataclass(frozen=True, slots=True)
class CommandHelp:
    """One command as a member uses it: `/search query: [status:] [speaker:] [story:]`."""

    name: str
    description: str
    options: tuple[tuple[str, bool], ...] = ()  # (name, required)
    menu: bool = False  # a message context menu (Apps → name), not a slash command

    @property
    def usage(self) -> str:
        if self.menu:
            return f"Apps → **{self.name}** on a message"
        parts = [f"{name}:" if required else f"[{name}:]" for name, required in self.options]
        return " ".join([f"**/{self.name}**", *parts])


def _line(command: CommandHelp) -> str:
    what = command.description or MENU_HELP.get(command.name, "")
    return f"• {command.usage}" + (f" — {fit(what, DESCRIPTION_MAX, inline=True)}" if what else "")


def asking_the_desk(commands: Sequence[CommandHelp]) -> str:
    """How a member asks for a check, by the commands this bot has."""
    names = {c.name for c in commands}
    ways = []
    if "Request a check" in names:
        ways.append("open a message's Apps menu and choose **Request a check**")
    if "submit" in names:
        ways.append("use **/submit** with what was claimed and a link to where it was said")
    if not ways:
        return "Ask one of this server's moderators; they add claims with /mod add."
    return "To ask the desk to check something, " + ", or ".join(ways) + ". A moderator will look at it."


def help_embed(commands: Sequence[CommandHelp]) -> discord.Embed:
    embed = discord.Embed(title="claimbot: what you can ask it", colour=LIST_COLOUR)
    intro = (
        "claimbot tracks what was claimed in the news stories this server follows — who said it, where and "
        "when — and how well each claim stands up. Claims are named by number (`#7`) or by words from them."
    )
    lines = [_line(command) for command in commands]
    embed.description = f"{intro}\n\n{within(lines, limits.EMBED_DESCRIPTION - len(intro) - 2)}"
    verdicts = [f"{v.look.emoji} **{v.look.label}** — {v.look.meaning}" for v in Verdict]
    embed.add_field(name="Verdicts: is it true?", value=within(verdicts, limits.EMBED_FIELD_VALUE), inline=False)
    attributions = [f"{a.look.emoji} **{a.look.label}** — {a.look.meaning}" for a in Attribution]
    embed.add_field(
        name="Attribution: did they say it? (apart from whether it is true)",
        value=within(attributions, limits.EMBED_FIELD_VALUE),
        inline=False,
    )
    embed.add_field(name="Asking the desk", value=fit(asking_the_desk(commands), 1000), inline=False)
    embed.set_footer(text="Moderators change verdicts and add claims with /mod; only they see its answers.")
    return embed
