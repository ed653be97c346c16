"""/mod queue, /mod merge and /mod reviewed, and the queue's persistent buttons (issue 11).

`ModQueue` is a plain mixin that the `Moderation` GroupCog inherits: discord.py's CogMeta collects
app commands along the MRO, so these are `/mod` subcommands and the cog's interaction_check (rights
first) covers them. The buttons (Accept, Merge into…, Reject, the pager) are DynamicItems: they carry
only the submission number or an offset, keep working after a restart, check rights themselves and
resolve the number inside the guild they are pressed in.

Merge into #N: a button cannot autocomplete, and neither can a form's text input. So the button
opens a small form prefilled with the claim the matcher thinks it is (the moderator may type another
number or words from it, resolved like /claim's option), and `/mod merge submission: claim:` offers
both options with autocomplete for those who prefer typing.

Decisions tell the submitter: a notice for their next command's answer, and a DM now (best effort:
a refused DM is recorded on the notice, never an error, and the notice stays for the next command).
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import app_commands

from bot.commands.options import ClaimOption, desk_of, forget_asker_owed, may_suggest
from bot.commands.replies import Guarded, show_page
from bot.commands.tree import answer_error, log_outcome
from bot.desk import UNSET
from bot.desk.desk import Unset
from bot.desk.intake import Decided, SubmissionDecided
from bot.desk.review import check_days
from bot.domain.claims import Actor, NewClaim
from bot.domain.intake import IntakeSettings, RejectReason, Submission, SubmissionStatus
from bot.domain.rules import (
    RuleBroken,
    check_note,
    check_short,
    check_source,
    check_statement,
    parse_claim_number,
    parse_verdict,
)
from bot.domain.states import Verdict
from bot.domain.when import parse_when
from bot.render import custom_ids
from bot.render.queue import (
    QUEUE_PAGE,
    accepted_text,
    decided_text,
    merged_text,
    notice_dm,
    queue_page,
    reason_options,
    same_as_proposal,
)
from bot.render.text import fit_plain

if TYPE_CHECKING:
    from bot.bot import ClaimBot
    from cogs.moderation import Moderation

log = logging.getLogger(__name__)

FORM_PREFIX = "claimbot:form:"  # cogs/moderation.py answers these forms when sent after a restart
FORM_LIFETIME = 900.0
FORM_USED = "This form was already submitted; its decision is saved once."


def actor_of(interaction: discord.Interaction) -> Actor:
    return Actor(interaction.user.id, interaction.user.display_name[:100])


def moderation_of(interaction: discord.Interaction[ClaimBot]) -> Moderation:
    cog = interaction.client.get_cog("Moderation")
    assert cog is not None, "the Moderation cog is not loaded"
    return cog  # type: ignore[return-value]


async def tell_submitter(interaction: discord.Interaction[ClaimBot], decided: Decided) -> None:
    """A DM now; a closed DM (50007) or any other failure is recorded on the notice, which then waits
    for the submitter's next command in this server."""
    bot = interaction.client
    desk = bot.desk
    forget_asker_owed(interaction)  # the submitter may be the moderator: the hook must read again
    guild_name = interaction.guild.name if interaction.guild is not None else "a server"
    try:
        channel = await bot.create_dm(discord.Object(decided.submission.submitter.id))
        await channel.send(notice_dm(guild_name, decided.notice))
    except discord.HTTPException as exc:
        await desk.notice_dm_failed(decided.notice_id, f"{exc.status} {exc.code}: {exc.text}"[:500])
        return
    await desk.notice_sent_by_dm(decided.notice_id)


class QueueForm(discord.ui.Modal):
    """A decision's form. Saved once; a form sent after a restart is answered by Moderation.on_interaction."""

    def __init__(self, cog: Moderation, title: str, submission: Submission) -> None:
        super().__init__(title=title[:45], timeout=FORM_LIFETIME, custom_id=FORM_PREFIX + secrets.token_hex(8))
        self.cog, self.submission = cog, submission

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.cog.dispatched_forms.add(interaction.id)
        if not self.cog.take_form(self.custom_id):
            raise RuleBroken(FORM_USED)
        try:
            await self.cog.require_moderator(interaction)
            await self.save(interaction)  # type: ignore[arg-type]
        except BaseException:
            self.cog.release_form(self.custom_id)
            raise
        log_outcome(interaction, "ok")

    async def save(self, interaction: discord.Interaction[ClaimBot]) -> None:
        raise NotImplementedError

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await answer_error(interaction, error)


class AcceptForm(QueueForm):
    """The add-claim form, prefilled from the submission."""

    def __init__(self, cog: Moderation, submission: Submission, title: str | None = None) -> None:
        super().__init__(cog, title or f"Accept {submission.ref} as a claim", submission)
        when = ""
        with contextlib.suppress(ValueError):  # "on TV, Monday" is no date: the moderator writes one, or none
            when = parse_when(submission.where_when).text if submission.where_when else ""
        self.statement: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="Statement", style=discord.TextStyle.paragraph, max_length=4000, default=submission.statement[:4000]
        )
        self.speaker: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="Speaker (a person or a body)", max_length=200, default=submission.speaker or None
        )
        self.role: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="Role or affiliation", max_length=200, required=False
        )
        self.when: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="When it was said",
            placeholder="2024-10-17, week of 2024-10-14, 2024-10",
            max_length=40,
            required=False,
            default=when or None,
        )
        self.source: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="Source (a link)", max_length=512, required=False, default=submission.link or None
        )
        for item in (self.statement, self.speaker, self.role, self.when, self.source):
            self.add_item(item)

    def new_claim(self) -> NewClaim:
        when = self.when.value.strip()
        try:
            said_when = parse_when(when).text if when else ""
        except ValueError as exc:
            raise RuleBroken(str(exc)) from None
        return NewClaim(
            statement=check_statement(self.statement.value),
            verbatim=False,
            speaker=check_short("speaker", self.speaker.value, required=True),
            role=check_short("role", self.role.value),
            said_when=said_when,
        )

    async def save(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        new = self.new_claim()
        source = check_source(self.source.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        decided = await self.cog.desk.accept_submission(
            interaction.guild_id,
            self.submission.number,
            new,
            source_url=source,
            actor=actor_of(interaction),
            expected_revision=self.submission.revision,
        )
        assert decided.claim is not None
        await interaction.followup.send(
            accepted_text(decided.submission, decided.claim.number, decided.moved), ephemeral=True
        )
        await tell_submitter(interaction, decided)


class KeepWordingForm(AcceptForm):
    """The merge's proposal: the submission's words as a claim of their own, same as the merged-into claim."""

    def __init__(self, cog: Moderation, submission: Submission) -> None:
        super().__init__(cog, submission, f"Keep {submission.ref}'s wording as a claim")

    async def save(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        new = self.new_claim()
        source = check_source(self.source.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        claim, same = await self.cog.desk.keep_wording(
            interaction.guild_id,
            self.submission.number,
            new,
            source_url=source,
            actor=actor_of(interaction),
            expected_revision=self.submission.revision,
        )
        await interaction.followup.send(f"✅ Added claim #{claim.number}, same as #{same.number}.", ephemeral=True)


class MergeForm(QueueForm):
    def __init__(self, cog: Moderation, submission: Submission, guess: int | None) -> None:
        super().__init__(cog, f"Merge {submission.ref} into a claim", submission)
        self.claim: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="The claim: its number (#7) or words from it",
            max_length=200,
            default=f"#{guess}" if guess is not None else None,
        )
        self.note: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="Note (kept with the decision)", max_length=1000, required=False
        )
        self.add_item(self.claim)
        self.add_item(self.note)

    async def save(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        await merge(
            interaction, self.submission.number, self.claim.value, self.note.value, expected=self.submission.revision
        )


class RejectForm(QueueForm):
    def __init__(self, cog: Moderation, submission: Submission) -> None:
        super().__init__(cog, f"Reject {submission.ref}", submission)
        self.reason: discord.ui.Select[QueueForm] = discord.ui.Select(
            options=reason_options(), min_values=1, max_values=1
        )
        self.note: discord.ui.TextInput[QueueForm] = discord.ui.TextInput(
            label="Note (the member sees it)", style=discord.TextStyle.paragraph, max_length=1000, required=False
        )
        self.add_item(discord.ui.Label(text="Reason", component=self.reason))
        self.add_item(self.note)

    async def save(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        try:
            reason = RejectReason(self.reason.values[0] if self.reason.values else "")
        except ValueError:
            raise RuleBroken("Pick a reason from the list.") from None
        note = check_note(self.note.value) if self.note.value.strip() else ""
        await interaction.response.defer(ephemeral=True, thinking=True)
        decided = await self.cog.desk.reject_submission(
            interaction.guild_id,
            self.submission.number,
            reason,
            note=note,
            actor=actor_of(interaction),
            expected_revision=self.submission.revision,
        )
        await interaction.followup.send(
            decided_text(f"rejected ({reason.label.lower()})", decided.submission), ephemeral=True
        )
        await tell_submitter(interaction, decided)


async def merge(
    interaction: discord.Interaction[ClaimBot], number: int, claim_text: str, note: str, *, expected: int | None
) -> None:
    assert interaction.guild_id is not None
    desk = desk_of(interaction)
    target = await desk.resolve_claim(interaction.guild_id, claim_text[:200])
    if target is None:
        typed = parse_claim_number(claim_text)
        raise RuleBroken(
            f"There is no claim #{typed} in this server."
            if typed is not None
            else "No claim matches that; give its number."
        )
    checked = check_note(note) if note.strip() else ""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    decided = await desk.merge_submission(
        interaction.guild_id,
        number,
        target.number,
        note=checked,
        actor=actor_of(interaction),
        expected_revision=expected,
    )
    await interaction.followup.send(merged_text(decided.submission, target.number, decided.moved), ephemeral=True)
    if decided.wording_differs:
        text, view = same_as_proposal(decided.submission, target.number)
        await interaction.followup.send(text, view=view, ephemeral=True)
    await tell_submitter(interaction, decided)


# ----------------------------------------------------------------------------- the buttons


class _SubmissionAction(Guarded):
    number: int

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["number"]))  # type: ignore[call-arg]  # each subclass's __init__ takes the number

    async def open_submission(self, interaction: discord.Interaction[ClaimBot]) -> tuple[Moderation, Submission]:
        """Rights first, then the submission, in this guild only; decided ones are refused here already."""
        assert interaction.guild_id is not None
        cog = moderation_of(interaction)
        await cog.require_moderator(interaction)
        submission = await cog.desk.submission(interaction.guild_id, self.number)
        if submission.status is not SubmissionStatus.OPEN:
            decisions = await cog.desk.submission_decisions(interaction.guild_id, self.number)
            last = decisions[-1] if decisions else None
            raise SubmissionDecided(submission, last.actor if last else None, last.at if last else None)
        return cog, submission


Button = discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]]


class AcceptButton(_SubmissionAction, Button, template=custom_ids.QUEUE_ACCEPT):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="Accept", custom_id=custom_ids.queue_accept(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        cog, submission = await self.open_submission(interaction)
        await interaction.response.send_modal(AcceptForm(cog, submission))


class MergeButton(_SubmissionAction, Button, template=custom_ids.QUEUE_MERGE):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="Merge", custom_id=custom_ids.queue_merge(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        cog, submission = await self.open_submission(interaction)
        guess = submission.suggested
        if guess is None:
            # The matcher's best guess, within the 3 s a modal must open in: it answers in milliseconds.
            found = await cog.desk.match_text(submission.guild_id, submission.statement, limit=1)
            guess = found[0].number if found else None
        await interaction.response.send_modal(MergeForm(cog, submission, guess))


class RejectButton(_SubmissionAction, Button, template=custom_ids.QUEUE_REJECT):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="Reject", custom_id=custom_ids.queue_reject(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        cog, submission = await self.open_submission(interaction)
        await interaction.response.send_modal(RejectForm(cog, submission))


class SameAsButton(_SubmissionAction, Button, template=custom_ids.QUEUE_SAME_AS):
    def __init__(self, number: int) -> None:
        super().__init__(discord.ui.Button(label="Keep its wording", custom_id=custom_ids.queue_same_as(number)))
        self.number = number

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        cog = moderation_of(interaction)
        await cog.require_moderator(interaction)
        submission = await cog.desk.submission(interaction.guild_id, self.number)
        if submission.status is not SubmissionStatus.MERGED:
            raise RuleBroken(f"{submission.ref} is not merged into a claim, so there is no wording to keep beside one.")
        await interaction.response.send_modal(KeepWordingForm(cog, submission))


class QueuePager(Guarded, Button, template=custom_ids.QUEUE_PAGE):
    def __init__(self, offset: int) -> None:
        super().__init__(discord.ui.Button(label="Page", custom_id=custom_ids.queue_page(offset)))
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["offset"]))

    async def run(self, interaction: discord.Interaction[ClaimBot]) -> None:
        assert interaction.guild_id is not None
        cog = moderation_of(interaction)
        await cog.require_moderator(interaction)
        queue = await cog.desk.queue(interaction.guild_id, offset=self.offset, limit=QUEUE_PAGE)
        embeds, view = queue_page(queue.submissions, queue.due)
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            await interaction.response.edit_message(embeds=embeds, view=view)
        else:
            await show_page(interaction, embed=embeds[0], view=view)


QUEUE_ITEMS = (AcceptButton, MergeButton, RejectButton, SameAsButton, QueuePager)


class SubmissionTransformer(app_commands.Transformer["ClaimBot"]):
    """An open submission: "S3" or "3"; suggested from the queue, resolved again on submit."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[ClaimBot], value: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        queue = await desk_of(interaction).queue(interaction.guild_id, limit=25, due=0)
        typed = value.strip().lower().removeprefix("s")
        return [
            app_commands.Choice(name=fit_plain(f"{s.ref} · {s.statement}", 100), value=str(s.number))
            for s in queue.submissions.items
            if not typed or str(s.number).startswith(typed) or typed in s.statement.lower()
        ][:25]

    async def transform(self, interaction: discord.Interaction[ClaimBot], value: str) -> Submission:
        assert interaction.guild_id is not None
        number = parse_claim_number(value.strip().upper().removeprefix("S"))
        if number is None:
            raise RuleBroken("Give the submission's number (S3), or pick one of the suggestions.")
        return await desk_of(interaction).submission(interaction.guild_id, number)


SubmissionOption = app_commands.Transform[Submission, SubmissionTransformer]


INTAKE_RESETS = ("queue_channel", "review_intervals")


@dataclass(frozen=True, slots=True)
class IntakeChanges:
    queue_channel_id: int | Unset | None
    review_days: dict[Verdict, int | None]
    reset_review: tuple[Verdict, ...]


def check_intake_options(
    interaction: discord.Interaction[ClaimBot],
    queue_channel: discord.TextChannel | None,
    review_verdict: str | None,
    review_days: int | None,
    reset: str | None,
) -> IntakeChanges | None:
    """/mod config's intake options checked before anything is saved (rights: config checks them); None
    when none was given."""
    if (review_verdict is None) != (review_days is None):
        raise RuleBroken("Give review_verdict and review_days together: which verdict, and after how many days.")
    if queue_channel is not None and queue_channel.guild.id != interaction.guild_id:
        raise RuleBroken("That channel is not in this server.")
    days: dict[Verdict, int | None] = {}
    if review_verdict is not None and review_days is not None:
        days[parse_verdict(review_verdict)] = check_days(review_days)
    channel: int | Unset | None = UNSET
    if queue_channel is not None:
        channel = queue_channel.id
    if reset == "queue_channel":
        channel = None
    resets = tuple(Verdict) if reset == "review_intervals" else ()
    if not days and channel is UNSET and not resets:
        return None
    return IntakeChanges(channel, days, resets)


class ModQueue:
    """The /mod subcommands of issue 11, mixed into Moderation."""

    bot: ClaimBot

    # A plain mixin, not a Cog (Moderation is the cog): discord.py's decorators are typed for Cogs and Groups.
    @app_commands.command(  # type: ignore[type-var]
        name="queue", description="Open submissions, most requested first, and claims due for review"
    )
    @app_commands.describe(page="Which page of the queue (1 is the most requested)")
    async def queue(
        self, interaction: discord.Interaction[ClaimBot], page: app_commands.Range[int, 1, 10_000] = 1
    ) -> None:
        assert interaction.guild_id is not None
        queue = await self.bot.desk.queue(interaction.guild_id, offset=(page - 1) * QUEUE_PAGE, limit=QUEUE_PAGE)
        embeds, view = queue_page(queue.submissions, queue.due)
        await interaction.response.send_message(embeds=embeds, view=view, ephemeral=True)

    @app_commands.command(  # type: ignore[type-var]
        name="merge", description="Merge a submission into a tracked claim: its requests move there"
    )
    @app_commands.describe(
        submission="The submission (S3)", claim="The claim it is about", note="Why (kept with the decision)"
    )
    async def merge_submission(
        self,
        interaction: discord.Interaction[ClaimBot],
        submission: SubmissionOption,
        claim: ClaimOption,
        note: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        await merge(interaction, submission.number, f"#{claim.number}", note or "", expected=None)

    @app_commands.command(  # type: ignore[type-var]
        name="reviewed", description="Re-affirm a claim's verdict without changing it"
    )
    @app_commands.describe(claim="The claim", note="What was looked at (kept in the history)")
    async def reviewed(
        self, interaction: discord.Interaction[ClaimBot], claim: ClaimOption, note: app_commands.Range[str, 1, 1000]
    ) -> None:
        assert interaction.guild_id is not None
        checked = check_note(note)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated, _change = await self.bot.desk.mark_reviewed(
            interaction.guild_id, claim.number, note=checked, actor=actor_of(interaction)
        )
        label = updated.verdict.look.label.lower()
        await interaction.followup.send(f"✅ #{updated.number} reviewed: still {label}, as of now.", ephemeral=True)

    async def apply_intake_options(
        self, interaction: discord.Interaction[ClaimBot], changes: IntakeChanges | None
    ) -> IntakeSettings:
        """/mod config's intake options, once checked (check_intake_options) and the other settings saved."""
        assert interaction.guild_id is not None
        desk = self.bot.desk
        if changes is None:
            return await desk.intake_settings(interaction.guild_id)
        return await desk.update_intake_settings(
            interaction.guild_id,
            queue_channel_id=changes.queue_channel_id,
            review_days=changes.review_days,
            reset_review=changes.reset_review,
        )

    def add_queue_items(self) -> None:
        """Called by Moderation.cog_load (a mixin's own cog_load would hide the other mixins')."""
        self.bot.add_dynamic_items(*QUEUE_ITEMS)

    def remove_queue_items(self) -> None:
        self.bot.remove_dynamic_items(*QUEUE_ITEMS)
