"""Members ask the desk to check something: Apps → "Request a check" on a message, and /submit.

Both are matched against the server's claims first (Check claims' matching): a request about a
tracked claim is counted on it and the member sees its card privately; anything else becomes a
submission in the moderators' queue. The member's "is it #7?" answer to /submit is a pair of
persistent buttons, so it still works after a restart.

Also here: the notices hook. A member owed a word (a decision on their submission) gets it as a
private follow-up to their next command's answer in that server.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.messages import TEXT_MAX, message_text
from bot.commands.options import asker_owed, desk_of
from bot.commands.replies import Guarded
from bot.commands.tree import answer_error, log_outcome
from bot.desk.intake import RequestOutcome, checked_form
from bot.domain.claims import Actor
from bot.domain.intake import NewSubmission, Submission, SubmissionStatus
from bot.domain.rules import RuleBroken
from bot.render import custom_ids
from bot.render.cards import claim_card
from bot.render.queue import (
    already_rejected,
    counted_on_claim,
    counted_on_submission,
    is_it_prompt,
    notices_text,
    queue_post,
)

if TYPE_CHECKING:
    from bot.bot import ClaimBot

log = logging.getLogger(__name__)

FORM_PREFIX = "claimbot:submitform:"
FORM_LIFETIME = 900.0
FORM_EXPIRED = "This form was opened before claimbot restarted, so it can no longer be sent. Run /submit again."
# Interaction responses that leave a message a follow-up can join (a modal or an autocomplete does not).
ANSWERED = (discord.InteractionResponseType.channel_message, discord.InteractionResponseType.deferred_channel_message)


def actor_of(interaction: discord.Interaction) -> Actor:
    return Actor(interaction.user.id, interaction.user.display_name[:100])


async def post_to_queue_channel(bot: ClaimBot, guild: discord.Guild | None, submission: Submission) -> None:
    """A new submission, posted where the moderators asked (/mod config queue_channel:). Best effort: a
    channel gone or closed to the bot is logged, never the member's problem."""
    if guild is None:
        return
    settings = await bot.desk.intake_settings(guild.id)
    channel = guild.get_channel(settings.queue_channel_id or 0)
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        return
    embed, view = queue_post(submission)
    try:
        await channel.send(embed=embed, view=view)
    except discord.HTTPException as exc:
        log.warning("Posting %s to the queue channel %s failed: %s", submission.ref, channel.id, exc)


async def show_outcome(interaction: discord.Interaction[ClaimBot], outcome: RequestOutcome) -> None:
    """The member's private answer: the claim's card, or where their request went."""
    assert interaction.guild_id is not None
    desk = desk_of(interaction)
    if outcome.claim is not None:
        number = outcome.claim.number
        card = await desk.claim_card(interaction.guild_id, number)
        standing = await desk.standing(interaction.guild_id, number)
        await interaction.followup.send(
            counted_on_claim(number, outcome.counted), embed=claim_card(card, standing), ephemeral=True
        )
        return
    assert outcome.submission is not None
    if outcome.rejected:
        await interaction.followup.send(already_rejected(outcome.submission), ephemeral=True)
        return
    await interaction.followup.send(counted_on_submission(outcome.submission, outcome.counted), ephemeral=True)
    if outcome.counted and outcome.submission.requests == 1:
        await post_to_queue_channel(interaction.client, interaction.guild, outcome.submission)


class SubmitModal(discord.ui.Modal):
    """/submit's four fields. Lives in memory; a form sent after a restart is answered, not dropped."""

    def __init__(self, cog: Intake) -> None:
        super().__init__(
            title="Submit a claim to check", timeout=FORM_LIFETIME, custom_id=FORM_PREFIX + secrets.token_hex(8)
        )
        self.cog = cog
        self.statement: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
            label="What was claimed", style=discord.TextStyle.paragraph, max_length=TEXT_MAX
        )
        self.speaker: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
            label="Who said it", max_length=200, required=False
        )
        self.where_when: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
            label="Where and when", placeholder="On TV, 2024-10-17", max_length=200, required=False
        )
        self.link: discord.ui.TextInput[SubmitModal] = discord.ui.TextInput(
            label="A link (http or https)", max_length=512, required=False
        )
        for item in (self.statement, self.speaker, self.where_when, self.link):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.cog.dispatched_forms.add(interaction.id)
        assert interaction.guild_id is not None
        new = checked_form(self.statement.value, self.speaker.value, self.where_when.value, self.link.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        desk = self.cog.desk
        submission = await desk.submit(interaction.guild_id, actor_of(interaction), new)
        self.stop()
        if submission.status is SubmissionStatus.DRAFT and submission.suggested is not None:
            summary = await desk.resolve_claim(interaction.guild_id, f"#{submission.suggested}")
            assert summary is not None  # claims are never deleted
            text, view = is_it_prompt(submission, summary)
            await interaction.followup.send(text, view=view, ephemeral=True)
        else:
            await interaction.followup.send(counted_on_submission(submission, True), ephemeral=True)
            await post_to_queue_channel(self.cog.bot, interaction.guild, submission)
        log_outcome(interaction, "ok")

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await answer_error(interaction, error)


class SameClaimButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.SUBMIT_SAME
):
    """ "Yes, it is #7": the member's request is counted on that claim."""

    def __init__(self, number: int, claim: int) -> None:
        super().__init__(discord.ui.Button(label="Yes", custom_id=custom_ids.submit_same(number, claim)))
        self.number, self.claim = number, claim

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["number"]), int(match["claim"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await desk_of(interaction).confirm_match(
            interaction.guild_id, self.number, self.claim, actor_of(interaction)
        )
        await show_outcome(interaction, outcome)


class NewClaimButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=custom_ids.SUBMIT_NEW
):
    """ "No, it is new": the submission goes to the moderators' queue."""

    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="No, it is new", custom_id=custom_ids.submit_new(number)))
        self.number = number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["number"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        submission = await desk_of(interaction).confirm_new(interaction.guild_id, self.number, actor_of(interaction))
        await interaction.followup.send(counted_on_submission(submission, True), ephemeral=True)
        await post_to_queue_channel(interaction.client, interaction.guild, submission)


class Intake(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk
        self.dispatched_forms: set[int] = set()  # submissions discord.py handed to a live form
        # Context menus cannot live inside a Cog class in discord.py; the cog owns it all the same.
        self.menu = app_commands.ContextMenu(name="Request a check", callback=self.request_check)
        self.menu.guild_only = True
        app_commands.checks.cooldown(3, 10.0, key=lambda i: (i.guild_id, i.user.id))(self.menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.bot.add_dynamic_items(SameClaimButton, NewClaimButton)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        self.bot.remove_dynamic_items(SameClaimButton, NewClaimButton)

    async def request_check(self, interaction: discord.Interaction[ClaimBot], message: discord.Message) -> None:
        assert interaction.guild_id is not None
        text = message_text(message)
        if not text.strip():
            raise RuleBroken("That message has no text to check. Describe it with /submit instead.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # The message's text, a link to it and its time; its author by name only, never a mention.
        new = NewSubmission(
            statement=text,
            message_id=message.id,
            message_url=message.jump_url,
            message_at=message.created_at,
            author_name=message.author.display_name,
        )
        outcome = await self.desk.request_check(interaction.guild_id, actor_of(interaction), new)
        await show_outcome(interaction, outcome)

    @app_commands.command(name="submit", description="Send the moderators a claim to check (opens a form)")
    @app_commands.guild_only()
    async def submit(self, interaction: discord.Interaction[ClaimBot]) -> None:
        await interaction.response.send_modal(SubmitModal(self))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A /submit form this process never opened (the bot restarted meanwhile) gets an answer."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        if interaction.id in self.dispatched_forms:
            self.dispatched_forms.discard(interaction.id)
            return
        data: Mapping[str, object] = interaction.data or {}
        if str(data.get("custom_id", "")).startswith(FORM_PREFIX):
            await answer_error(interaction, RuleBroken(FORM_EXPIRED))

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: object) -> None:
        """The notices hook: what the member is owed joins their command's answer, privately."""
        await deliver_notices(self.bot, interaction)


async def deliver_notices(bot: ClaimBot, interaction: discord.Interaction) -> None:
    """Read first (a cheap indexed read, no write for the usual member owed nothing; none at all when
    the command's claim option read it already), then take the notices in one statement so two
    commands at once never both show one; given back if unsent."""
    if interaction.guild_id is None or interaction.response.type not in ANSWERED:
        return
    read = asker_owed(interaction)
    if read is False:
        return
    desk = bot.desk
    try:
        if read is None and not await desk.owes_notices(interaction.guild_id, interaction.user.id):
            return
        owed = await desk.take_notices(interaction.guild_id, interaction.user.id)
    except Exception:
        log.exception("Reading the notices owed to %s failed", interaction.user.id)
        return
    if not owed:
        return
    try:
        await interaction.followup.send(notices_text(owed), ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("Could not deliver %d notices: %s", len(owed), exc)
        await desk.give_back_notices(owed)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Intake(bot))
