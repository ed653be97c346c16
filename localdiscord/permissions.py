"""Permission bits and Discord's algorithm for a member's permissions in a channel.

The algorithm follows developers/topics/permissions.mdx ("Permission Overwrites"): base permissions from
@everyone and the member's roles, the owner and ADMINISTRATOR get everything, then the channel's
@everyone overwrite, the role overwrites together, and finally the member's own overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

#: Every bit Discord defines today (up to USE_EXTERNAL_APPS, 1 << 50) and a little headroom.
ALL = (1 << 52) - 1

#: What a fresh guild's @everyone role gets in the Discord client's default template, roughly.
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 is a role, 1 a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, object]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def base_permissions(*, everyone: int, role_permissions: Iterable[int], is_owner: bool) -> int:
    """Guild-wide permissions of a member."""
    if is_owner:
        return ALL
    value = everyone
    for perms in role_permissions:
        value |= perms
    if value & ADMINISTRATOR:
        return ALL
    return value


def channel_permissions(
    base: int,
    *,
    guild_id: int,
    member_id: int,
    member_role_ids: Iterable[int],
    overwrites: Iterable[Overwrite],
) -> int:
    """Apply a channel's overwrites to ``base`` in Discord's order."""
    if base & ADMINISTRATOR or base == ALL:
        return ALL
    by_id = {(o.type, o.id): o for o in overwrites}
    value = base
    everyone = by_id.get((0, guild_id))
    if everyone is not None:
        value = (value & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member_role_ids:
        role_overwrite = by_id.get((0, role_id))
        if role_overwrite is not None:
            allow |= role_overwrite.allow
            deny |= role_overwrite.deny
    value = (value & ~deny) | allow
    own = by_id.get((1, member_id))
    if own is not None:
        value = (value & ~own.deny) | own.allow
    return value
