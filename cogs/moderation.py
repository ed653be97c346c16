"""/mod: moderators change verdicts and attribution, add, edit and link claims, and set the server up.

Every subcommand checks rights itself: default_member_permissions is only a hint to Discord's client
and does not apply to subcommands at all.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.checks import Refused, can_manage_server, check_errors_answered, is_moderator
from bot.commands.options import ClaimOption, may_suggest
from bot.commands.stories import StoryOption
from bot.commands.tree import answer_error, log_outcome
from bot.desk import ClaimEdit
from bot.domain.claims import Actor, Change, Claim, GuildSettings, NewClaim, RelationKind
from bot.domain.follows import PostedKind
from bot.domain.rules import (
    RuleBroken,
    check_note,
    check_short,
    check_source,
    check_statement,
    parse_verdict,
)
from bot.domain.states import Attribution, Verdict
from bot.domain.stories import StoryRecord
from bot.domain.when import parse_when
from bot.render.choices import name_choices
from bot.render.messages import alias_added, alias_removed, aliases_summary, settings_summary, verdict_announcement
from bot.render.queue import intake_settings_lines
from bot.render.stories import added_to_story
from cogs.mod_export import ExportCommands
from cogs.mod_queue import INTAKE_RESETS, ModQueue, check_intake_options
from cogs.mod_stories import StoryModeration

if TYPE_CHECKING:
    from bot.bot import ClaimBot

log = logging.getLogger(__name__)

VERDICT_CHOICES = [app_commands.Choice(name=v.look.label, value=v.value) for v in Verdict]
ATTRIBUTION_CHOICES = [app_commands.Choice(name=a.look.label, value=a.value) for a in Attribution]
RELATION_CHOICES = [app_commands.Choice(name=k.phrase(outgoing=True), value=k.value) for k in RelationKind]
KIND_CHOICES = [
    app_commands.Choice(name="verbatim quote", value="quote"),
    app_commands.Choice(name="paraphrase", value="paraphrase"),
]
NOT_A_MODERATOR = (
    "Only moderators can do that: Administrator, Manage Server or Manage Messages, "
    "or the moderator role set with /mod config."
)


def saved_note(text: str) -> str:
    return f"✅ {text}"


def actor_of(interaction: discord.Interaction) -> Actor:
    return Actor(interaction.user.id, interaction.user.display_name[:100])


ChoiceEnum = TypeVar("ChoiceEnum", Attribution, RelationKind)


def parse_choice(value: str, enum: type[ChoiceEnum], what: str) -> ChoiceEnum:
    try:
        return enum(value)
    except ValueError:
        raise RuleBroken(f"Unknown {what} {value[:40]!r}; pick one of the choices.") from None


FORM_PREFIX = "claimbot:form:"
FORM_LIFETIME = 900.0
FORM_EXPIRED = "This form was opened before claimbot restarted, so it can no longer be saved. Open it again."
FORM_USED = "This form was already submitted; its change is saved once. Open a new form for another change."


class ClaimModal(discord.ui.Modal):
    """The claim's text fields. Used to add a claim, and prefilled to edit one.

    Forms live in memory only; their custom_id is namespaced so a form submitted after a restart can
    be recognised and answered (see `Moderation.on_interaction`) instead of failing silently.
    """

    def __init__(self, title: str, claim: Claim | None = None) -> None:
        super().__init__(title=title, timeout=FORM_LIFETIME, custom_id=FORM_PREFIX + secrets.token_hex(8))
        self.statement: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            label="Statement",
            style=discord.TextStyle.paragraph,
            max_length=4000,
            default=claim.statement if claim else None,
        )
        self.speaker: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            label="Speaker (a person or a body)", max_length=200, default=claim.speaker.name if claim else None
        )
        self.role: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            label="Role or affiliation", max_length=200, required=False, default=claim.role if claim else None
        )
        # A label may hold 45 characters; the accepted forms go in the placeholder, which holds 100.
        self.when: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            label="When it was said",
            placeholder="2024-10-17, week of 2024-10-14, 2024-10",
            max_length=40,
            required=False,
            default=claim.said_when if claim else None,
        )
        for item in (self.statement, self.speaker, self.role, self.when):
            self.add_item(item)

    def fields(self) -> dict[str, str]:
        when = self.when.value.strip()
        return {
            "statement": check_statement(self.statement.value),
            "speaker": check_short("speaker", self.speaker.value, required=True),
            "role": check_short("role", self.role.value),
            "said_when": parse_when(when).text if when else "",
        }

    cog: Moderation

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """A form is saved once. The first lines run before anything awaits (discord.py starts this task
        before the on_interaction listener's), so of two submissions at once only one gets past."""
        self.cog.dispatched_forms.add(interaction.id)
        if not self.cog.take_form(self.custom_id):
            raise RuleBroken(FORM_USED)
        try:
            await self.save(interaction)
        except BaseException:
            self.cog.release_form(self.custom_id)  # refused or failed: nothing saved, the form may be sent again
            raise

    async def save(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    # discord.py's Modal.on_error has no `item` argument, unlike BaseView.on_error; mypy holds it to both.
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await answer_error(interaction, error)


class AddClaimModal(ClaimModal):
    def __init__(self, cog: Moderation, *, verbatim: bool, story: StoryRecord | None = None) -> None:
        super().__init__("Add a claim")
        self.cog, self.verbatim, self.story = cog, verbatim, story
        self.source: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            label="Source (a link)", max_length=512, required=False
        )
        self.add_item(self.source)

    async def save(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.cog.require_moderator(interaction)
        try:
            fields = self.fields()
        except ValueError as exc:  # parse_when's message lists the accepted forms
            raise RuleBroken(str(exc)) from None
        source = check_source(self.source.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        new = NewClaim(
            statement=fields["statement"],
            verbatim=self.verbatim,
            speaker=fields["speaker"],
            role=fields["role"],
            said_when=fields["said_when"],
            evidence=(),
            story=self.story.story if self.story else None,  # None: the server's most recent story
        )
        # The claim and its source are saved together: "nothing was changed" is then always true.
        claim = await self.cog.desk.add_claim(
            interaction.guild_id, new, note="Added by a moderator.", actor=actor_of(interaction), source_url=source
        )
        await interaction.followup.send(saved_note(added_to_story(claim)), ephemeral=True)
        log_outcome(interaction, "ok")


class EditClaimModal(ClaimModal):
    def __init__(self, cog: Moderation, claim: Claim, *, note: str, verbatim: bool | None) -> None:
        super().__init__(f"Edit claim #{claim.number}", claim)
        self.cog, self.claim, self.note, self.verbatim = cog, claim, note, verbatim

    async def save(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await self.cog.require_moderator(interaction)
        try:
            fields = self.fields()
        except ValueError as exc:
            raise RuleBroken(str(exc)) from None
        edit = ClaimEdit(verbatim=self.verbatim, **fields)
        await interaction.response.defer(ephemeral=True, thinking=True)
        # The revision read when the form opened: a change made meanwhile is refused, not overwritten.
        claim, changes = await self.cog.desk.edit_claim(
            interaction.guild_id,
            self.claim.number,
            edit,
            note=self.note,
            actor=actor_of(interaction),
            expected_revision=self.claim.revision,
        )
        names = ", ".join(change.field.replace("_", " ") for change in changes)
        await interaction.followup.send(saved_note(f"#{claim.number}: changed {names}."), ephemeral=True)
        log_outcome(interaction, "ok")


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Moderation(
    StoryModeration,  # /mod story new, /mod story edit (issue 11): cogs/mod_stories.py
    ExportCommands,  # /mod export (issue 12)
    ModQueue,  # /mod queue, merge, reviewed (issue 11)
    commands.GroupCog,
    group_name="mod",
    group_description="Moderators: verdicts, claims, settings",
):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.desk = bot.desk
        self.taken_forms: dict[str, float] = {}  # custom_id -> when a submission of it began saving
        self.dispatched_forms: set[int] = set()  # submissions discord.py handed to a live form
        super().__init__()

    async def cog_load(self) -> None:
        # Each mixin's persistent buttons, registered here: a cog_load of their own would hide each other's.
        self.add_import_items()
        self.add_queue_items()

    async def cog_unload(self) -> None:
        self.remove_import_items()
        self.remove_queue_items()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Rights first, before any option is resolved: a reader's /mod call reads nothing else.
        (Autocomplete runs no checks; it only suggests, and every value is resolved again here.)
        /mod config has a right of its own, Manage Server, and checks it itself."""
        command = interaction.command
        if command is None or command.name != "config":
            with check_errors_answered():
                await self.require_moderator(interaction)
        return True

    def take_form(self, custom_id: str) -> bool:
        """True for the one submission of a form that may save it."""
        now = time.monotonic()
        self.taken_forms = {key: at for key, at in self.taken_forms.items() if at > now - 2 * FORM_LIFETIME}
        if custom_id in self.taken_forms:
            return False
        self.taken_forms[custom_id] = now
        return True

    def release_form(self, custom_id: str) -> None:
        self.taken_forms.pop(custom_id, None)

    async def open_form(self, interaction: discord.Interaction, form: ClaimModal) -> None:
        await interaction.response.send_modal(form)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A form submission discord.py handed to no live form gets an answer, not silence: a form this
        process never opened (the bot restarted meanwhile), or one already saved (and so closed)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        if interaction.id in self.dispatched_forms:
            self.dispatched_forms.discard(interaction.id)  # the form's on_submit answers it
            return
        data: Mapping[str, object] = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        if custom_id.startswith(FORM_PREFIX):
            await answer_error(interaction, RuleBroken(FORM_USED if custom_id in self.taken_forms else FORM_EXPIRED))

    async def require_moderator(self, interaction: discord.Interaction) -> GuildSettings:
        assert interaction.guild_id is not None
        settings = await self.desk.guild_settings(interaction.guild_id)
        if not is_moderator(interaction, settings):
            raise Refused(NOT_A_MODERATOR)
        return settings

    async def announce(
        self, interaction: discord.Interaction, settings: GuildSettings, text: str, posted: list[discord.Message]
    ) -> str | None:
        """Post to the announce channel if one is set; say why not when the bot may not post there."""
        channel_id = settings.announce_channel_id
        if channel_id is None or channel_id == interaction.channel_id or interaction.guild is None:
            return None
        channel = interaction.guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return "The announce channel no longer exists; set another with /mod config."
        try:
            posted.append(await channel.send(text))
        except discord.Forbidden:
            return f"I may not post in {channel.mention}; give me Send Messages there or change /mod config."
        except discord.HTTPException as exc:
            log.warning("Announcement to %s failed: %s", channel_id, exc)
            return f"Posting to {channel.mention} failed; the change itself is saved."
        return None

    async def publish(
        self, interaction: discord.Interaction, settings: GuildSettings, claim: Claim, change: Change
    ) -> None:
        """The moderator hears it privately; the channel and the announce channel see the change."""
        text = verdict_announcement(claim, change)
        posted: list[discord.Message] = []
        problem = await self.announce(interaction, settings, text, posted)
        private = saved_note(f"#{claim.number} is now {claim.verdict.look.label.lower()}.")
        if problem:
            private += f"\n{problem}"
        await interaction.followup.send(private, ephemeral=True)
        posted.append(await interaction.followup.send(text, wait=True))
        self.remember_announcements(claim, posted, text)

    def remember_announcements(self, claim: Claim, posted: list[discord.Message], text: str) -> None:
        """Issue 12: the announcements are corrected in place when the claim changes again."""
        for message in posted:
            self.desk.remember_post(
                claim.guild_id,
                claim.number,
                channel_id=message.channel.id,
                message_id=message.id,
                kind=PostedKind.ANNOUNCEMENT,
                shown_verdict=claim.verdict.value,
                shown_revision=claim.revision,
                content=text,
            )

    @app_commands.command(name="status", description="Change a claim's verdict, with a note and a source")
    @app_commands.describe(
        claim="The claim: its number (#7) or words from it",
        verdict="The new verdict",
        note="Why it changes (shown to everyone, kept in the history)",
        source="A link that supports the change (http or https)",
    )
    @app_commands.choices(verdict=VERDICT_CHOICES)
    async def status(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption,
        verdict: str,
        note: app_commands.Range[str, 1, 1000],
        source: app_commands.Range[str, 1, 512] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        settings = await self.desk.guild_settings(interaction.guild_id)  # rights: interaction_check
        target = parse_verdict(verdict)
        checked_note, checked_source = check_note(note), check_source(source)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated, change = await self.desk.set_verdict(
            interaction.guild_id,
            claim.number,
            target,
            note=checked_note,
            source_url=checked_source,
            actor=actor_of(interaction),
            # As the claim option read it: a change made meanwhile is refused, not overwritten.
            expected_revision=claim.revision,
        )
        await self.publish(interaction, settings, updated, change)

    @app_commands.command(name="attribution", description="Set whether and how the speaker said it")
    @app_commands.describe(claim="The claim", status="How it is attributed", note="Why", source="A supporting link")
    @app_commands.choices(status=ATTRIBUTION_CHOICES)
    async def attribution(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption,
        status: str,
        note: app_commands.Range[str, 1, 1000],
        source: app_commands.Range[str, 1, 512] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = parse_choice(status, Attribution, "attribution")
        checked_note, checked_source = check_note(note), check_source(source)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated, _change = await self.desk.set_attribution(
            interaction.guild_id,
            claim.number,
            target,
            note=checked_note,
            source_url=checked_source,
            actor=actor_of(interaction),
            # As the claim option read it: a change made meanwhile is refused, not overwritten.
            expected_revision=claim.revision,
        )
        label = updated.attribution.look.label.lower()
        await interaction.followup.send(saved_note(f"#{updated.number} is now: {label}."), ephemeral=True)

    @app_commands.command(name="add", description="Add a claim (opens a form)")
    @app_commands.describe(
        kind="Is the statement the speaker's exact words, or a paraphrase?",
        story="The story it belongs to (default: the server's most recent story)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def add(
        self, interaction: discord.Interaction[ClaimBot], kind: str, story: StoryOption | None = None
    ) -> None:
        if kind not in ("quote", "paraphrase"):
            raise RuleBroken("Choose whether the statement is a verbatim quote or a paraphrase.")
        await self.open_form(interaction, AddClaimModal(self, verbatim=kind == "quote", story=story))

    @app_commands.command(name="edit", description="Edit a claim's statement, speaker, role or date (opens a form)")
    @app_commands.describe(claim="The claim", note="Why it changes (kept in the history)", kind="Quote or paraphrase")
    @app_commands.choices(kind=KIND_CHOICES)
    async def edit(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption,
        note: app_commands.Range[str, 1, 1000],
        kind: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        checked_note = check_note(note)
        if kind is not None and kind not in ("quote", "paraphrase"):
            raise RuleBroken("Choose whether the statement is a verbatim quote or a paraphrase.")
        current = await self.desk.claim(interaction.guild_id, claim.number)
        verbatim = None if kind is None else kind == "quote"
        await self.open_form(interaction, EditClaimModal(self, current, note=checked_note, verbatim=verbatim))

    @app_commands.command(name="link", description="Record how two claims relate (contradicts, supports, ...)")
    @app_commands.describe(claim="The first claim", relation="How it relates", other="The second claim", note="Why")
    @app_commands.choices(relation=RELATION_CHOICES)
    async def link(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption,
        relation: str,
        other: ClaimOption,
        note: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        kind = parse_choice(relation, RelationKind, "relation")
        checked_note = check_note(note) if note else ""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.desk.link_claims(
            interaction.guild_id,
            claim.number,
            kind,
            other.number,
            note=checked_note,
            actor=actor_of(interaction),
        )
        phrase = kind.phrase(outgoing=True)
        await interaction.followup.send(saved_note(f"#{claim.number} {phrase} #{other.number}."), ephemeral=True)

    @app_commands.command(name="evidence", description="Add an evidence link to a claim")
    @app_commands.describe(claim="The claim", url="The link (http or https)", note="What it shows")
    async def evidence(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: ClaimOption,
        url: app_commands.Range[str, 1, 512],
        note: app_commands.Range[str, 1, 1000],
    ) -> None:
        assert interaction.guild_id is not None
        link = check_source(url)
        if link is None:
            raise RuleBroken("The evidence needs a link starting with http:// or https://.")
        checked_note = check_note(note)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated = await self.desk.add_evidence(
            interaction.guild_id, claim.number, link, note=checked_note, actor=actor_of(interaction)
        )
        count = len(updated.evidence)
        links = "link" if count == 1 else "links"
        await interaction.followup.send(
            saved_note(f"#{updated.number} now lists {count} evidence {links}."), ephemeral=True
        )

    @app_commands.command(
        name="alias", description="Add another name for a place, body or person (DPRK for North Korea)"
    )
    @app_commands.describe(
        entity="What it is another name of, as the claims name it: North Korea",
        name="The other name members write: DPRK",
        note="Why (kept with the name, shown by /mod aliases)",
    )
    async def alias(
        self,
        interaction: discord.Interaction[ClaimBot],
        entity: app_commands.Range[str, 1, 100],
        name: app_commands.Range[str, 1, 100],
        note: app_commands.Range[str, 1, 1000],
    ) -> None:
        assert interaction.guild_id is not None
        checked_note = check_note(note)
        await interaction.response.defer(ephemeral=True, thinking=True)
        added = await self.desk.add_alias(
            interaction.guild_id, entity, name, note=checked_note, actor=actor_of(interaction)
        )
        await interaction.followup.send(saved_note(alias_added(added)), ephemeral=True)

    @app_commands.command(
        name="unalias", description="Remove another name of a place, body or person (the record of it stays)"
    )
    @app_commands.describe(
        entity="What it is another name of: North Korea",
        name="The other name to remove: NK",
        note="Why (kept with the name, shown by /mod aliases entity:)",
    )
    async def unalias(
        self,
        interaction: discord.Interaction[ClaimBot],
        entity: app_commands.Range[str, 1, 100],
        name: app_commands.Range[str, 1, 100],
        note: app_commands.Range[str, 1, 1000],
    ) -> None:
        assert interaction.guild_id is not None
        checked_note = check_note(note)
        await interaction.response.defer(ephemeral=True, thinking=True)
        removed = await self.desk.remove_alias(
            interaction.guild_id, entity, name, note=checked_note, actor=actor_of(interaction)
        )
        await interaction.followup.send(saved_note(alias_removed(removed)), ephemeral=True)

    @unalias.autocomplete("entity")
    async def unalias_entity(
        self, interaction: discord.Interaction[ClaimBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        return name_choices(await self.desk.suggest_alias_entities(interaction.guild_id, typed[:100]))

    @unalias.autocomplete("name")
    async def unalias_name(
        self, interaction: discord.Interaction[ClaimBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        if not may_suggest(interaction):
            return []
        assert interaction.guild_id is not None
        chosen = getattr(interaction.namespace, "entity", None)
        entity = chosen[:100] if isinstance(chosen, str) else None
        return name_choices(await self.desk.suggest_alias_names(interaction.guild_id, typed[:100], entity=entity))

    @app_commands.command(name="aliases", description="The other names this server knows, and who added them")
    @app_commands.describe(entity="Show one entity's names with who added (or removed) each, when and why")
    async def aliases(
        self, interaction: discord.Interaction[ClaimBot], entity: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        assert interaction.guild_id is not None
        known = await self.desk.alias_history(interaction.guild_id)
        await interaction.response.send_message(aliases_summary(known, entity), ephemeral=True)

    @app_commands.command(name="config", description="Set the moderator role and announce channel (Manage Server)")
    @app_commands.describe(
        moderator_role="Members with this role may change verdicts",
        announce_channel="Where verdict changes are also posted",
        reset="Clear a setting",
        desk_name="Exports: who publishes the desk's ClaimReviews (a name)",
        desk_url="Exports: the desk's public page (http or https); ClaimReviews link to it",
        queue_channel="Where each new submission is posted, with its Accept / Merge / Reject buttons",
        review_verdict="A verdict whose review interval to set (with review_days)",
        review_days="Days before a claim with that verdict is due for review again (0: never)",
    )
    @app_commands.choices(
        reset=[
            app_commands.Choice(name="moderator role", value="moderator_role"),
            app_commands.Choice(name="announce channel", value="announce_channel"),
            # Exports (issue 12)
            app_commands.Choice(name="desk name", value="desk_name"),
            app_commands.Choice(name="desk url", value="desk_url"),
            # Intake (issue 11)
            app_commands.Choice(name="queue channel", value="queue_channel"),
            app_commands.Choice(name="review intervals (back to the defaults)", value="review_intervals"),
        ],
        review_verdict=VERDICT_CHOICES,
    )
    async def config(
        self,
        interaction: discord.Interaction[ClaimBot],
        moderator_role: discord.Role | None = None,
        announce_channel: discord.TextChannel | None = None,
        reset: str | None = None,
        # Exports (issue 12): who the ClaimReviews are published under.
        desk_name: app_commands.Range[str, 1, 100] | None = None,
        desk_url: app_commands.Range[str, 1, 512] | None = None,
        # Intake (issue 11)
        queue_channel: discord.TextChannel | None = None,
        review_verdict: str | None = None,
        review_days: app_commands.Range[int, 0, 3650] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        assert interaction.guild is not None
        if not can_manage_server(interaction):
            raise Refused("Only members with Manage Server (or Administrator) can change claimbot's settings.")
        if moderator_role is not None and moderator_role.guild.id != interaction.guild_id:
            raise RuleBroken("That role is not in this server.")
        changes: dict[str, Any] = {}
        if moderator_role is not None:
            changes["moderator_role_id"] = moderator_role.id
        if announce_channel is not None:
            changes["announce_channel_id"] = announce_channel.id
        if reset == "moderator_role":
            changes["moderator_role_id"] = None
        elif reset == "announce_channel":
            changes["announce_channel_id"] = None
        # Exports (issue 12): the desk checks them (http or https, lengths) before anything is saved.
        elif reset in ("desk_name", "desk_url"):
            changes[reset] = ""
        elif reset is not None and reset not in INTAKE_RESETS:
            raise RuleBroken("Pick a setting to reset from the choices.")
        if desk_name is not None and reset != "desk_name":
            changes["desk_name"] = desk_name
        if desk_url is not None and reset != "desk_url":
            changes["desk_url"] = desk_url
        # Intake (issue 11): checked before anything is saved, applied after the settings above.
        intake_changes = check_intake_options(interaction, queue_channel, review_verdict, review_days, reset)
        settings = (
            await self.desk.update_guild_settings(interaction.guild_id, **changes)
            if changes
            else await self.desk.guild_settings(interaction.guild_id)
        )
        channel = interaction.guild.get_channel(settings.announce_channel_id or 0)
        warnings = []
        if settings.announce_channel_id and not isinstance(channel, discord.TextChannel):
            warnings.append("The announce channel no longer exists; choose another.")
        elif isinstance(channel, discord.TextChannel):
            perms = channel.permissions_for(interaction.guild.me)
            if not (perms.view_channel and perms.send_messages):
                # No mention here: settings_summary escapes warnings, and the line above names the channel.
                warnings.append("I may not post in the announce channel: give me View Channel and Send Messages there.")
        intake = await self.apply_intake_options(interaction, intake_changes)
        problems = await self.desk.outbox.problems(interaction.guild_id)  # issue 12: corrections refused
        summary = settings_summary(
            settings, warnings=warnings, more=intake_settings_lines(intake), edit_problems=problems
        )
        await interaction.response.send_message(summary, ephemeral=True)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Moderation(bot))
