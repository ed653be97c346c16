"""The Bot subclass: given its settings and desk, it loads the cogs and talks to Discord."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import discord
from discord.ext import commands

from bot.commands.budget import AutocompleteBudget
from bot.commands.tree import ClaimTree, answer_error, log_outcome
from bot.delivery import Sender
from bot.desk import Desk
from bot.domain.follows import Shards
from bot.endpoint import use_api_base, use_gateway_from_api
from bot.settings import Settings
from bot.shards import IdentifyPacer, shard_of

log = logging.getLogger(__name__)

# discord.py names the tasks it runs interactions in; these prefixes are the ones that answer members.
INTERACTION_TASKS = (
    "CommandTree-invoker",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
    "discord-ui-view-dispatch-",
)

EXTENSIONS = (
    "cogs.claims",
    "cogs.speakers",
    "cogs.board",
    "cogs.search",
    "cogs.check",
    "cogs.moderation",
    "cogs.stories",
    "cogs.help",
    "cogs.intake",
    "cogs.follow",
)


class ClaimBot(commands.AutoShardedBot):
    """One process: the shards in SHARD_IDS of SHARD_COUNT (all of them by default). Discord sends a
    server's interactions to the process that owns its shard, so per-server state in memory (cooldowns,
    the autocomplete budget, open forms) is only ever needed by this process; see the README."""

    def __init__(
        self,
        *,
        settings: Settings,
        desk: Desk,
        sync_dev_guild: bool = True,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        # Interactions carry the member, so the bot needs no privileged intents and no member chunking;
        # guilds alone gives it channels and roles (for the moderator role and the announce channel).
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=ClaimTree,
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            guild_ready_timeout=guild_ready_timeout,
            shard_count=settings.shard_count,
            shard_ids=settings.shard_id_list,  # type: ignore[arg-type]  # None, every shard, is discord.py's default
        )
        self.settings = settings
        self.desk = desk
        self.sync_dev_guild = sync_dev_guild
        self.draining = False
        self.autocomplete_budget = AutocompleteBudget()
        self.identify_pacer = IdentifyPacer()
        self.recommended_shards = 1
        # Following and corrections (issue 12): the outbox's sender starts in setup_hook, stops in close.
        desk.outbox.window = timedelta(seconds=settings.follow_batch_seconds)
        self.sender: Sender | None = None

    async def login(self, token: str) -> None:
        use_api_base(self.settings.discord_api_base)
        await super().login(token)
        self.recommended_shards, _url, self.identify_pacer.max_concurrency = await use_gateway_from_api(self)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.identify_pacer.wait(shard_id)

    def owns_guild(self, guild_id: int) -> bool:
        """Whether Discord sends this guild's events to this process."""
        count = self.shard_count or self.recommended_shards
        return self.shard_ids is None or shard_of(guild_id, count) in self.shard_ids

    def outbox_shards(self) -> Shards | None:
        """This process's share of the outbox: the rows of its shards' guilds (None: every shard)."""
        if self.shard_ids is None:
            return None
        return Shards(self.shard_count or self.recommended_shards, tuple(self.shard_ids))

    async def setup_hook(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)
        settings = self.settings
        self.sender = Sender(
            self,
            self.desk.outbox,
            shards=self.outbox_shards(),
            lease=settings.outbox_lease_seconds,
            poll=settings.outbox_poll_seconds,
            per_second=settings.outbox_deliveries_per_second,
        )
        self.sender.start()
        guild_id = self.settings.dev_guild_id
        # Only the process that owns the development guild's shard syncs it: one sync, not one per process.
        if guild_id and self.sync_dev_guild and self.owns_guild(guild_id):
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to the development guild %s", len(synced), guild_id)

    async def drain(self, grace: float) -> int:
        """Refuse new interactions and let the ones under way finish; returns how many were waited for."""
        self.draining = True
        current = asyncio.current_task()
        running = [
            task
            for task in asyncio.all_tasks()
            if task is not current and task.get_name().startswith(INTERACTION_TASKS)
        ]
        if running:
            log.info("Waiting for %d interactions to finish", len(running))
            _done, pending = await asyncio.wait(running, timeout=grace)
            if pending:
                log.warning("%d interactions did not finish within %.0f s", len(pending), grace)
        return len(running)

    async def on_ready(self) -> None:
        # May fire again after a reconnect: only report here.
        log.info(
            "Ready as %s in %d guilds (shards %s of %s)",
            self.user,
            len(self.guilds),
            ",".join(map(str, self.shard_ids or range(self.shard_count or 1))),
            self.shard_count,
        )

    async def close(self) -> None:
        """The sender first: its delivery in flight finishes while the HTTP session is still open."""
        if self.sender is not None:
            await self.sender.stop()
        await super().close()

    async def on_app_command_completion(self, interaction: discord.Interaction, command: object) -> None:
        log_outcome(interaction, "ok")

    async def on_error(self, event: str, /, *args: object, **kwargs: object) -> None:
        log.exception("Unhandled error in event %s", event)

    async def answer_component_error(self, interaction: discord.Interaction, error: Exception) -> None:
        """Buttons and modals are outside the tree: route their errors through the same handler."""
        await answer_error(interaction, error)
