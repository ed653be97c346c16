"""Small bots defined for the local Discord's tests: plain discord.py, nothing from claimbot."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands


def make_bot(*, allowed_mentions: discord.AllowedMentions | None = None) -> commands.Bot:
    """A bot with a handful of commands that exercise each kind of answer."""
    bot = commands.Bot(
        command_prefix="!",
        intents=discord.Intents.default(),
        guild_ready_timeout=0.05,
        allowed_mentions=allowed_mentions if allowed_mentions is not None else discord.AllowedMentions.none(),
    )
    bot.seen_errors = []  # type: ignore[attr-defined]

    @bot.tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        bot.seen_errors.append(error)  # type: ignore[attr-defined]

    @bot.tree.command(description="Answer with pong")
    @app_commands.describe(who="Someone to greet", role="A role to name")
    async def ping(
        interaction: discord.Interaction, who: discord.Member | None = None, role: discord.Role | None = None
    ) -> None:
        text = "pong"
        if who is not None:
            text += f" {who.display_name}"
        if role is not None:
            text += f" {role.name}"
        await interaction.response.send_message(text, ephemeral=True)

    @bot.tree.command(description="Think, then answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("done thinking")
        await interaction.followup.send("and one more")

    @bot.tree.command(description="Answer too late")
    async def late(interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await interaction.response.send_message("sorry, late")

    @bot.tree.command(description="Send an oversized embed")
    async def huge(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Claims")
        for i in range(4):
            embed.add_field(name=f"claim {i}", value="x" * (1300 if i == 3 else 10))
        await interaction.response.send_message(embed=embed)

    @bot.tree.command(description="Post in the channel")
    async def shout(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message("posting", ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        try:
            await interaction.channel.send(text)
        except discord.HTTPException as exc:
            await interaction.followup.send(f"failed: {exc.code}", ephemeral=True)

    mod = app_commands.Group(name="mod", description="Moderator tools")

    @mod.command(name="status", description="Show a story's status")
    @app_commands.describe(story="The story")
    async def status(interaction: discord.Interaction, story: str) -> None:
        await interaction.response.send_message(f"status of {story}", view=Voting(), ephemeral=False)

    @status.autocomplete("story")
    async def story_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        stories = [f"{current}-{i}" for i in range(30)]
        return [app_commands.Choice(name=s, value=s) for s in stories[:25]]

    bot.tree.add_command(mod)

    @bot.tree.context_menu(name="Check claims")
    async def check_claims(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"checked {len(message.content)} characters", ephemeral=True)

    return bot


class Voting(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Agree", custom_id="vote:agree", style=discord.ButtonStyle.success)
    async def agree(self, interaction: discord.Interaction, button: discord.ui.Button[Voting]) -> None:
        await interaction.response.edit_message(content="agreed", view=None)

    @discord.ui.button(label="Explain", custom_id="vote:explain")
    async def explain(self, interaction: discord.Interaction, button: discord.ui.Button[Voting]) -> None:
        await interaction.response.send_modal(Reason())

    @discord.ui.select(custom_id="vote:pick", options=[discord.SelectOption(label=x, value=x) for x in ("a", "b")])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Voting]) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class Reason(discord.ui.Modal, title="Why?"):
    reason: discord.ui.TextInput[Reason] = discord.ui.TextInput(label="Reason", custom_id="reason", max_length=200)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"because {self.reason.value}", ephemeral=True)


async def sync_to(bot: commands.Bot, guild_id: int) -> list[app_commands.AppCommand]:
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)


#: Discord's window for IDENTIFYs of one rate-limit bucket (developers/events/gateway.mdx, "Max Concurrency").
IDENTIFY_WINDOW = 5.0


class ShardedBot(commands.AutoShardedBot):
    """An AutoShardedBot whose ``/where`` answers with its label, the guild's shard and its own user name.

    discord.py 2.7's default ``before_identify_hook`` sleeps 5 s before every IDENTIFY but a process's
    first, whatever ``session_start_limit.max_concurrency`` allows. This one follows the docs instead: an
    IDENTIFY waits only if its bucket (``shard_id % max_concurrency``) identified less than 5 s ago, so the
    local Discord's max_concurrency of 16 starts a few shards at once.
    """

    def __init__(self, label: str, **options: Any) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.label = label
        self.received: list[int] = []  # the guild of every /where this process was sent
        self.refused: list[int] = []  # the error code of every answer Discord refused
        self.shards_ready: list[int] = []
        self._max_concurrency: int | None = None
        self._identified_at: dict[int, float] = {}
        self.tree.add_command(where)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if self._max_concurrency is None:
            self._max_concurrency = (await self.fetch_session_start_limits()).max_concurrency
        loop = asyncio.get_running_loop()
        bucket = (shard_id or 0) % self._max_concurrency
        last = self._identified_at.get(bucket)
        if last is not None and loop.time() - last < IDENTIFY_WINDOW:
            await asyncio.sleep(IDENTIFY_WINDOW - (loop.time() - last))
        self._identified_at[bucket] = loop.time()

    async def on_shard_ready(self, shard_id: int) -> None:
        self.shards_ready.append(shard_id)


@app_commands.command(description="Say which process and shard answered")
async def where(interaction: discord.Interaction) -> None:
    bot = interaction.client
    assert isinstance(bot, ShardedBot)
    assert interaction.guild is not None
    assert bot.user is not None
    bot.received.append(interaction.guild.id)
    try:
        await interaction.response.send_message(f"{bot.label} shard {interaction.guild.shard_id} as {bot.user.name}")
    except discord.HTTPException as exc:
        bot.refused.append(exc.code)
