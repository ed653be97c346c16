"""The sender: takes due outbox rows with a lease, delivers them one at a time, marks each done.

Delivery guarantee (README, "Following and corrections"): every row is delivered at least once; a row
is marked done in its own transaction right after Discord accepted it, and the sender delivers one
thing at a time, so a crash repeats at most the one delivery in flight. A DM batch (every pending DM
of one member in one guild) and an edit (every pending correction of one message) each count as one.

Which process sends what: each row belongs to the guild of its change, and so to the process owning
that guild's shard (`shard_of`, bot/shards.py), DMs included, though a DM has no shard of its own; a
process with every shard (SQLite, or one PostgreSQL process) sends everything.

Rate limits are discord.py's: its HTTP client waits out 429s (per-route buckets and the global limit)
and retries; a request that still fails is given back to the outbox with a backoff, never dropped.
The sender also paces itself (OUTBOX_DELIVERIES_PER_SECOND) so it never runs into the global limit,
and it yields to the event loop between deliveries, so commands stay fast while it works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.desk.outbox import Outbox
from bot.domain.follows import OutboxItem, OutboxKind, PostedKind, Shards
from bot.render.cards import claim_buttons, claim_card
from bot.render.follows import digests, updated_announcement, updated_line
from bot.store.errors import StoreError

if TYPE_CHECKING:
    from bot.bot import ClaimBot

log = logging.getLogger(__name__)

CANNOT_DM = 50007
GONE = (10003, 10008)  # Unknown Channel, Unknown Message
TAKE = 20  # rows taken per round (leased; each still delivered and finished one at a time)
BACKOFF_MAX = 300.0
STOP_GRACE = 2.0
DM_CHANNELS_KEPT = 10_000
PRUNE_EVERY_S = 3600.0  # delivered rows older than DONE_KEPT are deleted about hourly
NO_MENTIONS = discord.AllowedMentions.none()


def now() -> datetime:
    return datetime.now(UTC)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2.0 ** min(attempts, 10), BACKOFF_MAX))


def retryable(exc: BaseException) -> bool:
    """Worth another try later: a rate limit discord.py gave up waiting on, Discord's own errors, the network."""
    if isinstance(exc, discord.HTTPException):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, aiohttp.ClientError | OSError | asyncio.TimeoutError)


class Sender:
    def __init__(
        self,
        bot: ClaimBot,
        outbox: Outbox,
        *,
        shards: Shards | None,
        lease: float,
        poll: float,
        per_second: float,
    ) -> None:
        self.bot = bot
        self.outbox = outbox
        self.shards = shards
        self.lease = timedelta(seconds=lease)
        self.poll = poll
        self.interval = 1.0 / per_second
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._held: list[OutboxItem] = []  # taken and not yet delivered, given back at stop
        self._dm_channels: dict[int, int] = {}
        self._last = 0.0
        self._in_flight = False  # a delivery under way: stop() lets it finish
        self._next_prune = time.monotonic() + PRUNE_EVERY_S
        self.delivered = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="claimbot-outbox-sender")

    async def stop(self) -> None:
        """Finish the delivery in flight (within STOP_GRACE), give back what was taken and not sent."""
        self._stopping = True
        self.outbox.wake()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE if self._in_flight else 0.05)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._give_back()
        with contextlib.suppress(StoreError):
            await self.bot.desk.flush_posts(older_than=0)  # a clean stop forgets no post

    async def _give_back(self) -> None:
        held, self._held = self._held, []
        if held:
            with contextlib.suppress(StoreError):
                await self.outbox.retry([i.id for i in held], self.owner, now())

    async def _run(self) -> None:
        await self.bot.wait_until_ready()  # the guilds' names, for the DMs
        try:
            if await self.outbox.next_due(self.shards) is not None:  # read first: a quiet start writes nothing
                released = await self.outbox.release(self.shards)  # this process's previous run's leases
                if released:
                    log.info("Took back %d outbox rows leased before a restart", released)
        except StoreError as exc:  # the store logged why; the rounds try again
            log.info("Outbox start-up check failed: %s", exc)
        while not self._stopping:
            # Cleared before the work, not before the wait: what is enqueued (or remembered) meanwhile
            # brings the next round at once.
            self.outbox.ready.clear()
            try:
                await self.bot.desk.flush_posts()  # remembered posts waiting for a write (Desk.remember_post)
                if time.monotonic() >= self._next_prune:
                    self._next_prune = time.monotonic() + PRUNE_EVERY_S
                    await self.outbox.prune(now())
                worked = await self.round()
            except StoreError as exc:  # the store logged why (one line); the next round tries again
                log.info("Outbox round failed, trying again shortly: %s", exc)
                await self._give_back()
                await self._pause()
                continue
            except Exception:
                log.exception("Outbox round failed")
                await self._give_back()
                await self._pause()
                continue
            if not worked and not self._stopping:
                await self._idle()

    async def _pause(self) -> None:
        """After a failed round, a poll interval whatever is enqueued meanwhile: a store that refuses
        writes is not asked again for every card remembered."""
        if not self._stopping:
            await asyncio.sleep(self.poll)

    async def _idle(self) -> None:
        """Until something is enqueued here, or the next row falls due, or a poll interval passes (rows
        from other processes' changes, or left by a restart)."""
        wait = self.poll
        with contextlib.suppress(StoreError):
            due = await self.outbox.next_due(self.shards)
            if due is not None:
                wait = max(0.0, min(wait, (due - now()).total_seconds() + 0.01))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.outbox.ready.wait(), wait)

    async def round(self) -> bool:
        """Take due rows and deliver them, one batch at a time. False when nothing was due."""
        due = await self.outbox.next_due(self.shards)  # a read: an idle sender never writes
        if due is None or due > now():
            return False
        taken = await self.outbox.take(self.owner, now=now(), lease=self.lease, limit=TAKE, shards=self.shards)
        if not taken:
            return False
        self._held = list(taken)
        groups: dict[tuple[OutboxKind, int, int], list[OutboxItem]] = defaultdict(list)
        for item in taken:
            groups[(item.kind, item.guild_id, item.recipient)].append(item)
        for (kind, guild_id, recipient), items in groups.items():
            if self._stopping:
                break
            await self._pace()
            self._in_flight = True
            try:
                if kind is OutboxKind.DM:
                    await self.send_dm(guild_id, recipient, items)
                else:
                    await self.edit_post(guild_id, recipient, items)
            finally:
                self._in_flight = False
            done = {i.id for i in items}
            self._held = [i for i in self._held if i.id not in done]
        await self._give_back()
        return True

    async def _pace(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        await asyncio.sleep(max(wait, 0.0))  # sleep(0) at least: commands get the loop between deliveries
        self._last = time.monotonic()

    async def _failed(self, items: list[OutboxItem], exc: BaseException, what: str) -> None:
        ids = [i.id for i in items]
        attempts = max(i.attempts for i in items)
        if retryable(exc):
            log.info("%s failed (%s); again in %s", what, exc, backoff(attempts))
            await self.outbox.retry(ids, self.owner, now() + backoff(attempts))
        else:
            log.warning("%s refused: %s", what, exc)
            code = exc.code if isinstance(exc, discord.HTTPException) else 0
            await self.outbox.finish(ids, self.owner, now(), f"failed:{code}")

    # ----------------------------------------------------------------------------- DMs

    async def _dm_channel(self, user_id: int) -> int:
        channel_id = self._dm_channels.get(user_id)
        if channel_id is None:
            data = await self.bot.http.start_private_message(user_id)
            channel_id = int(data["id"])
            if len(self._dm_channels) >= DM_CHANNELS_KEPT:
                self._dm_channels.clear()
            self._dm_channels[user_id] = channel_id
        return channel_id

    async def send_dm(self, guild_id: int, user_id: int, items: list[OutboxItem]) -> None:
        ids = [i.id for i in items]
        if await self.outbox.dm_closed(guild_id, user_id):
            await self.outbox.finish(ids, self.owner, now(), "skipped:dm_closed")
            return
        guild = self.bot.get_guild(guild_id)
        start = 0
        # A long batch is a few DMs, each a delivery of its own, marked done as soon as Discord took it.
        for text, count in digests(guild.name if guild else "", [i.payload for i in items]):
            chunk, start = items[start : start + count], start + count
            if start > count:
                await self._pace()
            if not await self._send_dm(guild_id, user_id, text, chunk):
                rest = items[start:]
                if rest:  # refused or to be retried: the rest of the batch with it
                    await self._give_back_now(rest)
                return

    async def _give_back_now(self, items: list[OutboxItem]) -> None:
        await self.outbox.retry([i.id for i in items], self.owner, now() + backoff(max(i.attempts for i in items)))

    async def _send_dm(self, guild_id: int, user_id: int, text: str, items: list[OutboxItem]) -> bool:
        ids = [i.id for i in items]
        try:
            channel_id = await self._dm_channel(user_id)
            channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
            await channel.send(text, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM:
                await self.outbox.dm_refused(guild_id, user_id, ids, self.owner, now())
                return False
            await self._failed(items, exc, f"DM to {user_id}")
            return False
        except Exception as exc:
            await self._failed(items, exc, f"DM to {user_id}")
            return False
        await self.outbox.finish(ids, self.owner, now(), "sent")
        self.delivered += 1
        return True

    # ----------------------------------------------------------------------------- edits

    async def edit_post(self, guild_id: int, posted_id: int, items: list[OutboxItem]) -> None:
        ids = [i.id for i in items]
        posted = await self.outbox.posted(guild_id, posted_id)
        if posted is None:  # forgotten since: deleted, or older than the claim's latest POSTS_KEPT
            await self.outbox.finish(ids, self.owner, now(), "forgotten")
            return
        card = await self.bot.desk.claim_card(guild_id, posted.claim_number)
        standing = await self.bot.desk.standing(guild_id, posted.claim_number)  # as /claim draws it
        claim = card.claim
        line = updated_line(posted, claim, claim.updated_at)
        message = self.bot.get_partial_messageable(posted.channel_id, guild_id=guild_id).get_partial_message(
            posted.message_id
        )
        try:
            if posted.kind is PostedKind.CARD:
                await message.edit(
                    embed=claim_card(card, standing, updated=line),
                    view=claim_buttons(claim.number),
                    allowed_mentions=NO_MENTIONS,
                )
            else:
                content = updated_announcement(posted.content, line) if line else posted.content
                await message.edit(content=content, allowed_mentions=NO_MENTIONS)
        except discord.NotFound as exc:
            if exc.code in GONE or exc.code == 0:
                await self.outbox.edit_gone(ids, self.owner, guild_id, posted_id, now())
                return
            await self._failed(items, exc, f"Edit of {posted.message_id}")
            return
        except discord.Forbidden as exc:
            await self.outbox.edit_refused(ids, self.owner, guild_id, posted.channel_id, exc.code, now())
            return
        except Exception as exc:
            await self._failed(items, exc, f"Edit of {posted.message_id}")
            return
        await self.outbox.edited(ids, self.owner, guild_id, posted.channel_id, now())
        self.delivered += 1
