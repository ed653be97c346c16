"""The sandbox's server: "Newsroom" with #general and #fact-checks, and members with different rights.

The members cover the three kinds of people the bot treats differently: a reader, a moderator (Manage
Messages, so may change verdicts) and an admin (Manage Server, so may also change the bot's settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from localdiscord import permissions as perms
from localdiscord.driver import Driver
from localdiscord.world import Channel, Guild, Member, Role

GUILD_NAME = "Newsroom"
#: What the bot is given when invited (see INVITE_PERMISSIONS in bot/__main__.py).
BOT_PERMISSIONS = perms.VIEW_CHANNEL | perms.SEND_MESSAGES | perms.EMBED_LINKS
FIRST_MEMBER = "reader"

_RIGHTS = (
    (perms.ADMINISTRATOR, "Administrator"),
    (perms.MANAGE_GUILD, "Manage Server"),
    (perms.MANAGE_MESSAGES, "Manage Messages"),
)


@dataclass
class Newsroom:
    guild: Guild
    general: Channel
    fact_checks: Channel
    members: dict[str, Member]

    def channel(self, name: str) -> Channel | None:
        wanted = name.removeprefix("#").lower()
        return next((c for c in self.guild.channels.values() if c.name.lower() == wanted), None)

    def role(self, name: str) -> Role | None:
        wanted = name.removeprefix("@").lower()
        return next((r for r in self.guild.roles.values() if r.name.lower() == wanted), None)

    def member(self, name: str) -> Member | None:
        return self.members.get(name.removeprefix("@").lower())

    def channel_name(self, channel_id: int) -> str:
        channel = self.guild.channels.get(channel_id)
        return channel.name if channel else str(channel_id)

    def mention_name(self, kind: str, ident: int) -> str:
        """How Discord shows `<#id>`, `<@id>` and `<@&id>` to a member: by name."""
        if kind == "#":
            return f"#{self.channel_name(ident)}"
        if kind == "@&":
            role = self.guild.roles.get(ident)
            return f"@{role.name}" if role else f"@{ident}"
        member = self.guild.members.get(ident)
        return f"@{member.user.username}" if member else f"@{ident}"

    def rights(self, member: Member) -> str:
        """The rights that matter to the bot, as Discord names them."""
        if member.id == self.guild.owner_id:
            return "server owner (every right)"
        granted = self.guild.base_permissions(member)
        names = [name for flag, name in _RIGHTS if granted & flag]
        return ", ".join(names) or "no special rights"


def build_newsroom(driver: Driver) -> Newsroom:
    """Create the server before the bot connects, so it arrives in the bot's first GUILD_CREATE."""
    guild = driver.create_guild(GUILD_NAME, owner="owner", bot_permissions=BOT_PERMISSIONS)
    general = driver.default_channel(guild)
    fact_checks = driver.create_text_channel(guild, "fact-checks", topic="Where verdict changes are announced")
    mods = driver.create_role(guild, "Mods", permissions=perms.MANAGE_MESSAGES)
    admins = driver.create_role(guild, "Admins", permissions=perms.MANAGE_GUILD)
    members = {
        "reader": driver.create_member(guild, "reader"),
        "moderator": driver.create_member(guild, "moderator", roles=[mods]),
        "admin": driver.create_member(guild, "admin", roles=[admins]),
        "owner": guild.members[guild.owner_id],
    }
    return Newsroom(guild=guild, general=general, fact_checks=fact_checks, members=members)
