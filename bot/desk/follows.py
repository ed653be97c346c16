"""Following: what a member may follow, and the follow another part makes on a member's behalf.

A follow names a claim, a speaker or a story of one guild by its row id, read from that guild first, so a
follow can never reach another guild's rows. Following twice is one follow; unfollowing what one does not
follow says so and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from bot.desk.errors import ClaimNotFound
from bot.domain.follows import FollowKind
from bot.domain.rules import RuleBroken
from bot.store.base import Tx

FOLLOWS_MAX = 200  # per member and guild: /following stays readable, a fan-out stays bounded per member


async def follow(tx: Tx, guild_id: int, user_id: int, kind: FollowKind, target_id: int, at: datetime) -> bool:
    """True if new. Refused past FOLLOWS_MAX."""
    if await tx.is_following(guild_id, user_id, kind, target_id):
        return False
    _, total = await tx.follows(guild_id, user_id, offset=0, limit=0)
    if total >= FOLLOWS_MAX:
        raise RuleBroken(f"You follow {FOLLOWS_MAX} things here already; /unfollow some first.")
    return await tx.add_follow(guild_id, user_id, kind, target_id, at)


async def follow_claim_for(tx: Tx, guild_id: int, user_id: int, number: int, at: datetime) -> bool:
    """For the requests part (issue 12): a member who asked for a check follows the claim, inside the
    caller's transaction. Call it unless the member opted out; True if the follow is new. A member at
    FOLLOWS_MAX is not refused the request: the follow is simply not added."""
    claim = await tx.claim(guild_id, number)
    if claim is None:
        raise ClaimNotFound(number)
    if await tx.is_following(guild_id, user_id, FollowKind.CLAIM, claim.id):
        return False
    _, total = await tx.follows(guild_id, user_id, offset=0, limit=0)
    if total >= FOLLOWS_MAX:
        return False
    return await tx.add_follow(guild_id, user_id, FollowKind.CLAIM, claim.id, at)
