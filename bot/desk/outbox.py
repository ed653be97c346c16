"""What a change must cause, written into the outbox in the change's own transaction; and the outbox's
bookkeeping for the sender (bot/delivery), which delivers it.

A change of verdict or attribution, or an edit of the statement, is a DM to each member following the
claim, its speaker (the old and the new one) or its story, the moderator who made it aside. A DM row is
due `window` after the change: the sender takes every pending DM of that member in that guild together,
so several changes within the window are one message, and none waits longer than the window.

Any change the card shows is an edit of each public message remembered for the claim (POSTS_KEPT per
claim), due at once. The sender re-renders from the claim as it is when it delivers, so a repeated or late
edit never shows an older state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.desk import notices
from bot.domain.claims import Change, Claim
from bot.domain.follows import (
    EditProblem,
    NewOutboxItem,
    NewPostedMessage,
    OutboxItem,
    OutboxKind,
    PostedKind,
    PostedMessage,
    Shards,
)
from bot.store.base import Store, Tx

DM_WINDOW = timedelta(seconds=60)
POSTS_KEPT = 25  # remembered public messages per claim; older ones are no longer corrected
POSTS_FLUSH_S = 10.0  # how long a remembered post may wait in memory for a change's transaction
POSTS_FLUSH_AT = 1_000  # ...or until this many wait, whatever their age (a busy server's posts stay few)
POSTS_PENDING_MAX = 10_000  # kept while the store refuses writes; beyond, the oldest are no longer corrected
DONE_KEPT = timedelta(days=7)  # delivered rows stay this long (for a look at what was sent), then go
# Owed to a member whose DMs refused the bot (a notice: plain text, escaped where it is shown).
DMS_CLOSED = (
    "I tried to DM you about something you follow here, but your DMs are closed to me. "
    "Allow direct messages from this server's members to hear of changes; /following lists what you follow."
)
NOTIFIED_FIELDS = frozenset({"verdict", "attribution", "statement"})
SHOWN_FIELDS = frozenset({"verdict", "attribution", "statement", "verbatim", "speaker", "role", "venue", "said_when"})


def dm_payload(claim: Claim, change: Change) -> dict[str, Any]:
    """What the DM says of one change: kept in the row, since the history may move on before it is sent."""
    return {
        "number": claim.number,
        "statement": claim.statement[:300],
        "field": change.field,
        "old": change.old_value,
        "new": change.new_value,
        "note": change.note[:1000],
        "source": change.source_url,
        "actor": change.actor.name,
        "at": change.at.isoformat(),
    }


async def enqueue_change(
    tx: Tx,
    claim: Claim,
    changes: Sequence[Change],
    *,
    at: datetime,
    window: timedelta = DM_WINDOW,
    speaker_ids: Sequence[int] = (),
) -> int:
    """Inside the change's transaction: the DMs and the edits it causes. How many rows."""
    items: list[NewOutboxItem] = []
    notified = [c for c in changes if c.field in NOTIFIED_FIELDS]
    if notified:
        actors = {c.actor.id for c in notified}
        speakers = sorted({claim.speaker.id, *speaker_ids})
        for user_id in await tx.followers(claim.guild_id, claim.id, speakers):
            if user_id in actors:
                continue  # the moderator who made the change knows of it
            items += [
                NewOutboxItem(claim.guild_id, OutboxKind.DM, user_id, dm_payload(claim, c), at, at + window)
                for c in notified
            ]
    if any(c.field in SHOWN_FIELDS for c in changes):
        items += [
            NewOutboxItem(claim.guild_id, OutboxKind.EDIT, posted.id, {"number": claim.number}, at, at)
            for posted in await tx.posted_messages(claim.guild_id, claim.id)
        ]
    return await tx.enqueue(items) if items else 0


@dataclass(frozen=True, slots=True)
class PendingPost:
    guild_id: int
    number: int
    channel_id: int
    message_id: int
    kind: PostedKind
    shown_verdict: str
    shown_revision: int
    content: str
    at: datetime


async def write_posts(tx: Tx, posts: Sequence[PendingPost]) -> None:
    """Remember public messages that show claims, a few statements for any number of them. A change saved
    between a post's rendering and now makes it stale already: its edit is enqueued here, so no change
    slips between posting and remembering. A post of a claim no longer there is dropped."""
    if not posts:
        return
    # Locked as they are read: a change of one of these claims in another transaction either committed
    # before (its revision is read here, and the edit enqueued below) or waits for this one (and then
    # finds the post). Without it, each could miss the other under READ COMMITTED.
    shown = await tx.lock_shown_claims(sorted({(p.guild_id, p.number) for p in posts}))
    kept = [(p, shown[(p.guild_id, p.number)]) for p in posts if (p.guild_id, p.number) in shown]
    rows = [
        NewPostedMessage(
            p.guild_id,
            claim.claim_id,
            p.channel_id,
            p.message_id,
            p.kind,
            p.shown_verdict,
            claim.attribution,
            p.shown_revision,
            p.content[:2000],
            p.at,
        )
        for p, claim in kept
    ]
    posted = await tx.remember_messages(rows, POSTS_KEPT)
    stale = [
        NewOutboxItem(p.guild_id, OutboxKind.EDIT, posted_id, {"number": p.number}, p.at, p.at)
        for (p, claim), posted_id in zip(kept, posted, strict=True)
        if posted_id and claim.revision != p.shown_revision
    ]
    if stale:
        await tx.enqueue(stale)


class Outbox:
    """The outbox as the sender uses it: take rows with a lease, finish them, mark what Discord refused."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.window = DM_WINDOW
        self.ready = asyncio.Event()  # set when this process enqueued something; the sender also polls

    def wake(self) -> None:
        self.ready.set()

    async def take(
        self, owner: str, *, now: datetime, lease: timedelta, limit: int, shards: Shards | None
    ) -> list[OutboxItem]:
        """Due rows, each with the rest of its batch: a DM row brings every pending DM of its member."""
        async with self.store.transaction() as tx:
            taken = await tx.claim_outbox(owner, now, now + lease, limit, shards)
            extra: list[OutboxItem] = []
            for key in sorted({(i.guild_id, i.recipient) for i in taken if i.kind is OutboxKind.DM}):
                extra += await tx.claim_outbox_group(owner, now, now + lease, key[0], OutboxKind.DM, key[1])
            for key in sorted({(i.guild_id, i.recipient) for i in taken if i.kind is OutboxKind.EDIT}):
                extra += await tx.claim_outbox_group(owner, now, now + lease, key[0], OutboxKind.EDIT, key[1])
        return sorted([*taken, *extra], key=lambda i: (i.due_at, i.id))

    async def next_due(self, shards: Shards | None) -> datetime | None:
        return await self.store.outbox_next_due(shards)

    async def finish(self, ids: Sequence[int], owner: str, at: datetime, outcome: str) -> int:
        async with self.store.transaction() as tx:
            return await tx.finish_outbox(ids, owner, at, outcome)

    async def retry(self, ids: Sequence[int], owner: str, due_at: datetime) -> int:
        async with self.store.transaction() as tx:
            return await tx.retry_outbox(ids, owner, due_at)

    async def prune(self, at: datetime) -> int:
        async with self.store.transaction() as tx:
            return await tx.prune_outbox(at - DONE_KEPT)

    async def release(self, shards: Shards | None) -> int:
        async with self.store.transaction() as tx:
            return await tx.release_outbox_leases(shards)

    async def dm_refused(self, guild_id: int, user_id: int, ids: Sequence[int], owner: str, at: datetime) -> None:
        """Discord 50007: mark the member, and finish their DMs; later DMs are skipped while the mark stays.
        A member newly marked is owed a notice (bot.desk.notices), told with their next command, once."""
        async with self.store.transaction() as tx:
            if await tx.mark_dm_closed(guild_id, user_id, at):
                await notices.owe(tx, guild_id, user_id, DMS_CLOSED, at)
            await tx.finish_outbox(ids, owner, at, "dm_closed")

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        return await self.store.dm_closed(guild_id, user_id)

    async def posted(self, guild_id: int, posted_id: int) -> PostedMessage | None:
        return await self.store.posted_message(guild_id, posted_id)

    async def edited(self, item_ids: Sequence[int], owner: str, guild_id: int, channel_id: int, at: datetime) -> None:
        async with self.store.transaction() as tx:
            await tx.clear_edit_problem(guild_id, channel_id)
            await tx.finish_outbox(item_ids, owner, at, "edited")

    async def edit_gone(self, item_ids: Sequence[int], owner: str, guild_id: int, posted_id: int, at: datetime) -> None:
        """404 (10008 Unknown Message, 10003 Unknown Channel): the message is forgotten."""
        async with self.store.transaction() as tx:
            await tx.forget_message(guild_id, posted_id)
            await tx.finish_outbox(item_ids, owner, at, "message_gone")

    async def edit_refused(
        self, item_ids: Sequence[int], owner: str, guild_id: int, channel_id: int, code: int, at: datetime
    ) -> None:
        """403 (50013 Missing Permissions, 50001 Missing Access): recorded for /mod config."""
        async with self.store.transaction() as tx:
            await tx.set_edit_problem(guild_id, channel_id, code, at)
            await tx.finish_outbox(item_ids, owner, at, f"refused:{code}")

    async def problems(self, guild_id: int) -> list[EditProblem]:
        return await self.store.edit_problems(guild_id)
