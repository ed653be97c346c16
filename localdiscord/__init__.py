"""A small, faithful fake of Discord on loopback for testing an unmodified discord.py bot.

See localdiscord/README.md. The pieces: :class:`LocalDiscord` (the server), :class:`Driver` (the test's
hands), :class:`InteractionResult` (what one interaction led to) and :mod:`localdiscord.client` (the
two assignments that point discord.py at the server).
"""

from __future__ import annotations

from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from localdiscord.problems import LateInteraction, UnknownRoute, Violation
from localdiscord.ratelimits import RateLimitHit, RateLimitRule
from localdiscord.server import LocalDiscord
from localdiscord.shards import Shard, shard_of
from localdiscord.world import Channel, DMChannel, Guild, Member, Message, Role, StoredFile, User

__all__ = [
    "Channel",
    "DMChannel",
    "Driver",
    "Guild",
    "InteractionResult",
    "LateInteraction",
    "LocalDiscord",
    "Member",
    "Message",
    "RateLimitHit",
    "RateLimitRule",
    "Role",
    "Shard",
    "StoredFile",
    "UnknownRoute",
    "User",
    "Violation",
    "shard_of",
]
