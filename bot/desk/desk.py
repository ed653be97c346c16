"""The desk: everything the cogs and the command line ask of claimbot, over any store.

Reads pass through to the store or to `finding`; every change opens one transaction and applies the
rules in `changes` inside it. Servers are created and seeded on first sight, here, once (the store's
`create_guilds` says which caller created each, across processes too).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Final

from bot.desk import changes, exports, finding, follows, intake, notices, outbox, review, seeding
from bot.desk import stories as story_rules
from bot.desk.changes import ClaimEdit
from bot.desk.errors import ClaimNotFound, NothingToChange
from bot.desk.exports import ExportFormat, ExportResult, Opener
from bot.desk.kept_matches import KeptMatches
from bot.desk.seeding import NOTHING, SeedReport
from bot.desk.stories import StoryFields
from bot.desk.word_counts import WordCounts
from bot.domain.claims import (
    Actor,
    Alias,
    Board,
    Change,
    Claim,
    ClaimCard,
    ClaimSummary,
    GuildSettings,
    NewClaim,
    Page,
    Relation,
    RelationKind,
    SearchHit,
    Speaker,
)
from bot.domain.exports import DeskProfile
from bot.domain.follows import Followed, FollowKind, PostedKind
from bot.domain.intake import (
    Decision,
    DueClaim,
    IntakeSettings,
    NewSubmission,
    Notice,
    RejectReason,
    Standing,
    Submission,
)
from bot.domain.rules import RuleBroken
from bot.domain.states import Attribution, Verdict
from bot.domain.stories import SeedPlan, StoryOverview, StoryRecord
from bot.domain.text import Aliases
from bot.seedfile import SeedStory
from bot.store.base import Filters, Store, Tx

log = logging.getLogger(__name__)

ALIASES_KEPT_S = 30.0
SEED_BATCH = 100  # new guilds seeded in one transaction, at most


class Unset(Enum):
    """The type of UNSET: a setting the caller leaves as it is (None clears it)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
STALE_PAGE = "This page is no longer there; open the list again."


@dataclass(frozen=True, slots=True)
class Queue:
    """The moderators' queue: a page of open submissions, and the claims due for review."""

    submissions: Page[Submission]
    due: tuple[DueClaim, ...]


def now() -> datetime:
    return datetime.now(UTC)


class Desk:
    def __init__(self, store: Store, seeds: Iterable[SeedStory] = ()) -> None:
        self.store = store
        self.seeds = tuple(seeds)
        self._known_guilds: set[int] = set()
        self._unseeded: dict[int, None] = {}  # first seen, waiting for a seeding transaction (in that order)
        self._seed_lock = asyncio.Lock()
        self._guild_aliases: dict[int, tuple[float, Aliases]] = {}  # guild -> (until when, its names)
        self._kept_intake: dict[int, tuple[float, IntakeSettings]] = {}  # guild -> (until when, its settings)
        self._words = WordCounts()  # the words found common in each guild, not counted again for a while
        self._matches = KeptMatches()  # what messages were found to be about, forgotten on this guild's writes
        self.outbox = outbox.Outbox(store)  # following and corrections (issue 12): the sender's side
        self._posts: list[outbox.PendingPost] = []  # public posts to remember, oldest first (remember_post)

    async def open(self) -> None:
        """Open the store (migrations applied). Guilds seen before need no write transaction on their
        first interaction after a restart."""
        await self.store.open()
        try:
            self._known_guilds.update(await self.store.guild_ids())
        except BaseException:
            await self.store.close()
            raise

    async def close(self) -> None:
        await self.store.close()

    async def __aenter__(self) -> Desk:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def _writing(self, guild_id: int, *, rewords: bool = True) -> AsyncIterator[Tx]:
        """A write transaction in one guild. Unless it cannot change what a message matches (`rewords`
        False: a member's request, submission or follow, which write no claim, name or alias), what this
        process keeps of the guild's matches is void once it ends; a match read meanwhile was begun under
        the older generation, so it is not kept as current either."""
        try:
            async with self.store.transaction() as tx:
                yield tx
        finally:
            if rewords:
                self._matches.changed(guild_id)

    # ----------------------------------------------------------------------------- guilds

    async def ensure_guild(self, guild_id: int) -> None:
        """Create the guild the first time it is seen, with the seed stories copied in.

        Guilds first seen while others are being seeded wait, then are seeded together in one transaction:
        a burst of new guilds (a start-up in many servers) costs a few commits, not one each, and all
        but the first of a batch are copies of it (`seeding.seed_new_guilds`). At most SEED_BATCH at a
        time, first seen first: the first guilds answer while the next are copied.
        """
        if guild_id in self._known_guilds:
            return
        self._unseeded[guild_id] = None
        async with self._seed_lock:
            if guild_id in self._known_guilds:
                return  # seeded in a batch before this one
            others = itertools.islice((g for g in self._unseeded if g != guild_id), SEED_BATCH - 1)
            batch = [guild_id, *others]
            at = now()
            async with self.store.transaction() as tx:
                new = await tx.create_guilds(batch, at)
                created = [new_id for new_id in batch if new_id in new]
                await seeding.seed_new_guilds(tx, created, self.seeds, at)
            for new_id in created:
                self._matches.changed(new_id)  # a message matched while it was empty matches more now
                log.info("New guild %s: seeded %d stories", new_id, len(self.seeds))
            self._known_guilds.update(batch)
            for new_id in batch:
                del self._unseeded[new_id]

    async def known_guilds(self) -> list[int]:
        return await self.store.guild_ids()

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        return await self.store.guild_settings(guild_id) or GuildSettings(guild_id)

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        moderator_role_id: int | Unset | None = UNSET,
        announce_channel_id: int | Unset | None = UNSET,
        desk_name: str | Unset = UNSET,
        desk_url: str | Unset = UNSET,
    ) -> GuildSettings:
        # Exports (issue 12): checked before anything is written.
        name = None if desk_name is UNSET else exports.check_desk_name(desk_name)
        url = None if desk_url is UNSET else exports.check_desk_url(desk_url)
        await self.ensure_guild(guild_id)
        async with self._writing(guild_id) as tx:
            current = await tx.guild_settings(guild_id) or GuildSettings(guild_id)
            role = current.moderator_role_id if moderator_role_id is UNSET else moderator_role_id
            channel = current.announce_channel_id if announce_channel_id is UNSET else announce_channel_id
            await tx.update_guild_settings(
                guild_id,
                moderator_role_id=role,
                announce_channel_id=channel,
                desk_name=name,
                desk_url=url,
            )
        return replace(
            current,
            moderator_role_id=role,
            announce_channel_id=channel,
            desk_name=current.desk_name if name is None else name,
            desk_url=current.desk_url if url is None else url,
        )

    # ----------------------------------------------------------------------------- reading claims

    async def claim(self, guild_id: int, number: int) -> Claim:
        claim = await self.store.claim(guild_id, number)
        if claim is None:
            raise ClaimNotFound(number)
        return claim

    async def claim_card(self, guild_id: int, number: int) -> ClaimCard:
        card = await self.store.card(guild_id, number)
        if card is None:
            raise ClaimNotFound(number)
        return card

    async def relations(self, guild_id: int, number: int) -> list[Relation]:
        claim = await self.claim(guild_id, number)
        return await self.store.relations(claim.id)

    async def history(self, guild_id: int, number: int, *, offset: int = 0, limit: int = 10) -> Page[Change]:
        return await self.claim_history(await self.claim(guild_id, number), offset=offset, limit=limit)

    async def claim_history(self, claim: Claim, *, offset: int = 0, limit: int = 10) -> Page[Change]:
        """`history` of a claim just read (the timeline shows it above its changes: read once)."""
        offset = max(0, offset)
        found, total = await self.store.history(claim.id, offset=offset, limit=limit)
        if offset and offset >= total:  # a page button from a longer list, or a forged one
            raise RuleBroken(STALE_PAGE)
        return Page(tuple(found), total, offset, limit)

    async def board(self, guild_id: int, recent: int = 5) -> Board:
        counts = await self.store.verdict_counts(guild_id)
        latest = await self.store.latest_verdict_changes(guild_id, recent)
        return Board(counts, tuple(latest))

    async def _aliases(self, guild_id: int) -> Aliases:
        """The guild's other names, remembered ALIASES_KEPT_S: read for every search and keystroke, and
        changed rarely (this process forgets them when it adds one; another process's addition, from
        `python -m bot seed`, is seen within that time)."""
        now = time.monotonic()
        kept = self._guild_aliases.get(guild_id)
        if kept is not None and kept[0] > now:
            return kept[1]
        found = await finding.guild_aliases(self.store, guild_id)
        if len(self._guild_aliases) > 10_000:
            self._guild_aliases.clear()
        self._guild_aliases[guild_id] = (now + ALIASES_KEPT_S, found)
        return found

    async def suggest_claims(
        self, guild_id: int, text: str, limit: int = 25, *, story_id: int | None = None
    ) -> list[ClaimSummary]:
        aliases = await self._aliases(guild_id)
        filters = Filters(story_id=story_id)
        return await finding.suggest_claims(self.store, guild_id, text, limit, aliases=aliases, filters=filters)

    async def resolve_claim(
        self, guild_id: int, text: str, *, story_id: int | None = None, asker: int | None = None
    ) -> ClaimSummary | None:
        aliases = await self._aliases(guild_id)
        filters = Filters(story_id=story_id)
        return await finding.resolve_claim(self.store, guild_id, text, aliases=aliases, filters=filters, asker=asker)

    async def search(
        self,
        guild_id: int,
        query: str,
        *,
        verdict: Verdict | None = None,
        speaker_id: int | None = None,
        story_id: int | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Page[SearchHit]:
        filters = Filters(verdict, speaker_id, story_id)
        aliases = await self._aliases(guild_id)
        return await finding.search(
            self.store, guild_id, query, filters, offset=offset, limit=limit, aliases=aliases, words=self._words
        )

    async def match_text(self, guild_id: int, text: str, limit: int = 5) -> list[ClaimSummary]:
        """The claims a message is about, matched once and kept (bot/desk/kept_matches.py); their
        summaries, with the verdicts an answer shows, read every time."""
        at = time.monotonic()
        ids = self._matches.get(guild_id, text, limit, at)
        if ids is None:
            generation = self._matches.generation(guild_id)
            aliases = await self._aliases(guild_id)
            found = await finding.match_ids(self.store, guild_id, text, limit, aliases=aliases, words=self._words)
            ids = tuple(found)
            self._matches.put(guild_id, text, limit, generation, ids, at)
        return await self.store.summaries(guild_id, ids) if ids else []

    # ----------------------------------------------------------------------------- speakers

    async def suggest_speakers(self, guild_id: int, text: str, limit: int = 25) -> list[Speaker]:
        return await finding.suggest_speakers(self.store, guild_id, text, limit)

    async def find_speaker(self, guild_id: int, name: str) -> Speaker:
        return await finding.find_speaker(self.store, guild_id, name)

    async def speaker_by_id(self, guild_id: int, speaker_id: int) -> Speaker:
        return await finding.speaker_by_id(self.store, guild_id, speaker_id)

    async def speaker_claims(
        self, guild_id: int, speaker_id: int, *, offset: int = 0, limit: int = 10, story_id: int | None = None
    ) -> Page[ClaimSummary]:
        speaker = await self.speaker_by_id(guild_id, speaker_id)
        offset = max(0, offset)
        if story_id is not None:
            items, total = await self.store.story_speaker_claims(
                guild_id, speaker.id, story_id, offset=offset, limit=limit
            )
            if offset and offset >= total:
                raise RuleBroken(STALE_PAGE)
            return Page(tuple(items), total, offset, limit)
        if offset and offset >= speaker.claim_count:
            raise RuleBroken(STALE_PAGE)
        found = await self.store.speaker_claims(guild_id, speaker.id, offset=offset, limit=limit)
        return Page(tuple(found), speaker.claim_count, offset, limit)

    # ----------------------------------------------------------------------------- changes

    async def set_verdict(
        self,
        guild_id: int,
        number: int,
        verdict: Verdict,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Change]:
        posts = self._take_posts(guild_id, number)  # written first: the change corrects them too
        try:
            async with self._writing(guild_id) as tx:
                await outbox.write_posts(tx, posts)
                result = await changes.set_verdict(
                    tx,
                    guild_id,
                    number,
                    verdict,
                    note=note,
                    source_url=source_url,
                    actor=actor,
                    at=now(),
                    expected_revision=expected_revision,
                    window=self.outbox.window,
                )
        except BaseException:
            self._put_back(posts)
            raise
        self.outbox.wake()  # committed: what it enqueued may go
        return result

    async def set_attribution(
        self,
        guild_id: int,
        number: int,
        attribution: Attribution,
        *,
        note: str,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Change]:
        posts = self._take_posts(guild_id, number)  # written first: the change corrects them too
        try:
            async with self._writing(guild_id) as tx:
                await outbox.write_posts(tx, posts)
                result = await changes.set_attribution(
                    tx,
                    guild_id,
                    number,
                    attribution,
                    note=note,
                    source_url=source_url,
                    actor=actor,
                    at=now(),
                    expected_revision=expected_revision,
                    window=self.outbox.window,
                )
        except BaseException:
            self._put_back(posts)
            raise
        self.outbox.wake()
        return result

    async def edit_claim(
        self,
        guild_id: int,
        number: int,
        edit: ClaimEdit,
        *,
        note: str,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, list[Change]]:
        posts = self._take_posts(guild_id, number)  # written first: the change corrects them too
        try:
            async with self._writing(guild_id) as tx:
                await outbox.write_posts(tx, posts)
                result = await changes.edit_claim(
                    tx,
                    guild_id,
                    number,
                    edit,
                    note=note,
                    actor=actor,
                    at=now(),
                    expected_revision=expected_revision,
                    window=self.outbox.window,
                )
        except BaseException:
            self._put_back(posts)
            raise
        self.outbox.wake()
        return result

    async def add_claim(
        self, guild_id: int, new: NewClaim, *, note: str, actor: Actor, source_url: str | None = None
    ) -> Claim:
        """Filed under the server's most recent story when it names none (stories.filed)."""
        await self.ensure_guild(guild_id)
        async with self._writing(guild_id) as tx:
            new = await story_rules.filed(tx, guild_id, new)
            return await changes.add_claim(tx, guild_id, new, note=note, actor=actor, at=now(), source_url=source_url)

    async def link_claims(
        self, guild_id: int, source: int, kind: RelationKind, target: int, *, note: str, actor: Actor
    ) -> Relation:
        async with self._writing(guild_id) as tx:
            return await changes.link_claims(tx, guild_id, source, kind, target, note=note, actor=actor, at=now())

    async def add_evidence(self, guild_id: int, number: int, url: str, *, note: str, actor: Actor) -> Claim:
        async with self._writing(guild_id) as tx:
            return await changes.add_evidence(tx, guild_id, number, url, note=note, actor=actor, at=now())

    async def add_alias(self, guild_id: int, entity: str, name: str, *, note: str, actor: Actor) -> Alias:
        """Another name for a place, body or person; the claims written with it are found by it."""
        await self.ensure_guild(guild_id)
        try:
            async with self._writing(guild_id) as tx:
                return await changes.add_alias(tx, guild_id, entity, name, note=note, actor=actor, at=now())
        finally:
            self._guild_aliases.pop(guild_id, None)

    async def remove_alias(self, guild_id: int, entity: str, name: str, *, note: str, actor: Actor) -> list[Alias]:
        """Take another name out of use (with those search reads as the same words); the claims written
        with it are no longer found by it. The names' records stay, with who removed them, when and why."""
        await self.ensure_guild(guild_id)
        try:
            async with self._writing(guild_id) as tx:
                return await changes.remove_alias(tx, guild_id, entity, name, note=note, actor=actor, at=now())
        finally:
            self._guild_aliases.pop(guild_id, None)

    async def suggest_alias_entities(self, guild_id: int, typed: str) -> list[str]:
        """Autocomplete for /mod unalias: the entities with other names in use."""
        known = await self.store.aliases(guild_id)
        return finding.names_matching(list(dict.fromkeys(a.entity for a in known)), typed)

    async def suggest_alias_names(self, guild_id: int, typed: str, *, entity: str | None = None) -> list[str]:
        """Autocomplete for /mod unalias: the other names in use of the entity chosen (named by any of its
        names), or of every entity while none is."""
        known = await self.store.aliases(guild_id)
        owner = finding.alias_owner(known, entity) if entity else None
        return finding.names_matching([a.name for a in known if owner is None or a.entity == owner], typed)

    async def aliases(self, guild_id: int) -> list[Alias]:
        """Every other name the server uses, oldest first, with who added it, when and why."""
        await self.ensure_guild(guild_id)
        return await self.store.aliases(guild_id)

    async def alias_history(self, guild_id: int) -> list[Alias]:
        """Every other name the server has had, oldest first: who added each, and who removed it."""
        await self.ensure_guild(guild_id)
        return await self.store.alias_history(guild_id)

    # ----------------------------------------------------------------------------- seeds

    async def apply_seed(self, story: SeedStory, guild_ids: list[int] | None = None) -> SeedReport:
        """Load a story into guilds (every known one by default). Safe to run again: nothing doubles."""
        targets = guild_ids if guild_ids is not None else await self.known_guilds()
        report = NOTHING
        try:
            for guild_id in targets:
                await self.ensure_guild(guild_id)
                async with self._writing(guild_id) as tx:
                    report += await seeding.seed_guild(tx, guild_id, story, now())
        finally:
            self._guild_aliases.clear()  # a story may bring other names
        return report

    # ----------------------------------------------------------------------------- exports (issue 12)

    async def export(
        self,
        guild_id: int,
        fmt: ExportFormat,
        open_file: Opener,
        *,
        story_slug: str | None = None,
        author_name: str = "",
        max_bytes: int | None = None,
    ) -> ExportResult:
        """The server's claims (or one story's) as files, written through `open_file` as they are read.
        The ClaimReviews' author is the desk set with /mod config, else `author_name`."""
        settings = await self.guild_settings(guild_id)
        return await exports.export(
            self.store,
            guild_id,
            fmt,
            open_file,
            story_slug=story_slug,
            desk=DeskProfile(settings.desk_name, settings.desk_url),
            author_name=author_name,
            max_bytes=max_bytes,
        )

    # ----------------------------------------------------------------------------- stories (issue 11)

    async def stories(self, guild_id: int) -> list[StoryOverview]:
        """The server's stories, newest first, with their claims per verdict and their last change."""
        await self.ensure_guild(guild_id)
        return await story_rules.stories(self.store, guild_id)

    async def suggest_stories(self, guild_id: int, text: str, limit: int = 25) -> list[StoryRecord]:
        return await story_rules.suggest_stories(self.store, guild_id, text, limit)

    async def find_story(self, guild_id: int, text: str) -> StoryRecord:
        return await story_rules.find_story(self.store, guild_id, text)

    async def story_by_id(self, guild_id: int, story_id: int) -> StoryRecord:
        return await story_rules.story_by_id(self.store, guild_id, story_id)

    async def story_board(self, guild_id: int, record: StoryRecord, recent: int = 5) -> Board:
        return await story_rules.story_board(self.store, guild_id, record, recent)

    async def new_story(self, guild_id: int, fields: StoryFields) -> StoryRecord:
        await self.ensure_guild(guild_id)
        async with self._writing(guild_id) as tx:
            return await story_rules.create_story(tx, guild_id, fields)

    async def edit_story(self, guild_id: int, slug: str, fields: StoryFields) -> StoryRecord:
        async with self._writing(guild_id) as tx:
            return await story_rules.edit_story(tx, guild_id, slug, fields)

    async def preview_import(self, guild_id: int, seed: SeedStory) -> SeedPlan:
        """What importing the story file would do here: a dry run of seeding's rules, nothing written."""
        await self.ensure_guild(guild_id)
        return await seeding.plan_seed(self.store, guild_id, seed)

    async def import_story(self, guild_id: int, seed: SeedStory, *, expected: SeedPlan, actor: Actor) -> SeedReport:
        """Apply a previewed story file in one transaction, a history row per claim it adds or updates;
        refused (PlanChanged, nothing written) if it would now do anything but what was previewed."""
        note = f"Imported by a moderator from a story file ({seed.story.slug})."
        try:
            async with self._writing(guild_id) as tx:
                return await seeding.seed_guild(tx, guild_id, seed, now(), actor=actor, note=note, expected=expected)
        finally:
            self._guild_aliases.pop(guild_id, None)  # the file may bring other names

    # ----------------------------------------------------------------------------- intake (issue 11)

    async def request_check(self, guild_id: int, member: Actor, new: NewSubmission) -> intake.RequestOutcome:
        """Request a check on a message: matched against the server's claims first (Check claims'
        matching), then counted on the claim, or on the message's submission in the queue."""
        await self.ensure_guild(guild_id)
        matches = await self.match_text(guild_id, new.statement, limit=1)
        async with self._writing(guild_id, rewords=False) as tx:
            return await intake.request_check(tx, guild_id, member, new, matches, now())

    async def submit(self, guild_id: int, member: Actor, new: NewSubmission) -> Submission:
        """The /submit form: a draft if it looks like a tracked claim (see `suggested`), else in the queue."""
        await self.ensure_guild(guild_id)
        words = " ".join(part for part in (new.statement, new.speaker) if part)
        matches = await self.match_text(guild_id, words, limit=1)
        async with self._writing(guild_id, rewords=False) as tx:
            return await intake.submit(tx, guild_id, member, new, matches, now())

    async def confirm_match(
        self, guild_id: int, number: int, claim_number: int, member: Actor
    ) -> intake.RequestOutcome:
        async with self._writing(guild_id, rewords=False) as tx:
            return await intake.confirm_match(tx, guild_id, number, claim_number, member, now())

    async def confirm_new(self, guild_id: int, number: int, member: Actor) -> Submission:
        async with self._writing(guild_id, rewords=False) as tx:
            return await intake.confirm_new(tx, guild_id, number, member, now())

    async def submission(self, guild_id: int, number: int) -> Submission:
        found = await self.store.submission(guild_id, number)
        if found is None:
            raise intake.SubmissionNotFound(number)
        return found

    async def submission_decisions(self, guild_id: int, number: int) -> list[Decision]:
        return await self.store.submission_decisions(guild_id, number)

    async def queue(self, guild_id: int, *, offset: int = 0, limit: int = 4, due: int = 10) -> Queue:
        """The moderators' queue: open submissions, most requested first, and the claims due for review."""
        await self.ensure_guild(guild_id)
        offset = max(0, offset)
        found, total = await self.store.open_submissions(guild_id, offset=offset, limit=limit)
        if offset and offset >= total:
            raise RuleBroken(STALE_PAGE)
        settings = await self.store.intake_settings(guild_id)
        waiting = await self.store.claims_due(guild_id, review.cutoffs(settings, now()), due)
        return Queue(Page(tuple(found), total, offset, limit), tuple(waiting))

    async def accept_submission(
        self,
        guild_id: int,
        number: int,
        new: NewClaim,
        *,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> intake.Decided:
        async with self._writing(guild_id) as tx:
            return await intake.accept(
                tx,
                guild_id,
                number,
                new,
                source_url=source_url,
                actor=actor,
                at=now(),
                expected_revision=expected_revision,
            )

    async def merge_submission(
        self,
        guild_id: int,
        number: int,
        claim_number: int,
        *,
        note: str,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> intake.Decided:
        async with self._writing(guild_id) as tx:
            return await intake.merge(
                tx,
                guild_id,
                number,
                claim_number,
                note=note,
                actor=actor,
                at=now(),
                expected_revision=expected_revision,
            )

    async def reject_submission(
        self,
        guild_id: int,
        number: int,
        reason: RejectReason,
        *,
        note: str,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> intake.Decided:
        async with self._writing(guild_id) as tx:
            return await intake.reject(
                tx, guild_id, number, reason, note=note, actor=actor, at=now(), expected_revision=expected_revision
            )

    async def keep_wording(
        self,
        guild_id: int,
        number: int,
        new: NewClaim,
        *,
        source_url: str | None,
        actor: Actor,
        expected_revision: int | None = None,
    ) -> tuple[Claim, Claim]:
        """A merged submission's own words as a claim, linked same_as to the claim it was merged into."""
        async with self._writing(guild_id) as tx:
            return await intake.keep_wording(
                tx,
                guild_id,
                number,
                new,
                source_url=source_url,
                actor=actor,
                at=now(),
                expected_revision=expected_revision,
            )

    async def intake_settings(self, guild_id: int) -> IntakeSettings:
        return await self.store.intake_settings(guild_id)

    async def update_intake_settings(
        self,
        guild_id: int,
        *,
        queue_channel_id: int | Unset | None = UNSET,
        review_days: dict[Verdict, int | None] | None = None,
        reset_review: Iterable[Verdict] = (),
    ) -> IntakeSettings:
        """The queue channel (None: off) and review intervals in days (None or 0: never)."""
        await self.ensure_guild(guild_id)
        checked = {verdict: review.check_days(days) for verdict, days in (review_days or {}).items()}
        async with self._writing(guild_id) as tx:
            if queue_channel_id is not UNSET:
                await tx.set_queue_channel(guild_id, queue_channel_id)
            for verdict, days in checked.items():
                await tx.set_review_interval(guild_id, verdict, days, default=False)
            for verdict in reset_review:
                await tx.set_review_interval(guild_id, verdict, None, default=True)
            changed = await tx.intake_settings(guild_id)
        self._kept_intake.pop(guild_id, None)
        return changed

    async def standing(self, guild_id: int, number: int, *, looked_up: ClaimSummary | None = None) -> Standing:
        """How many members asked about a claim, as of when its verdict stands, and whether it is due.
        `looked_up`: the claim as its option read it by number, with what the standing is made of (no
        statement more, and of the same state as the card's stamp)."""
        if looked_up is not None and looked_up.number == number and looked_up.asked is not None:
            verdict, requests, as_of = looked_up.verdict, looked_up.asked, looked_up.verdict_as_of
        else:
            found = await self.store.claim_standing(guild_id, number)
            if found is None:
                raise ClaimNotFound(number)
            verdict, requests, as_of = found
        settings = await self._intake_settings(guild_id)
        return Standing(requests, as_of, review.is_due(settings, verdict, as_of, now()))

    async def _intake_settings(self, guild_id: int) -> IntakeSettings:
        """Read for every card: remembered ALIASES_KEPT_S, forgotten when this process changes them."""
        at = time.monotonic()
        kept = self._kept_intake.get(guild_id)
        if kept is not None and kept[0] > at:
            return kept[1]
        found = await self.store.intake_settings(guild_id)
        if len(self._kept_intake) > 10_000:
            self._kept_intake.clear()
        self._kept_intake[guild_id] = (at + ALIASES_KEPT_S, found)
        return found

    async def most_requested(self, guild_id: int, limit: int = 5) -> list[tuple[ClaimSummary, int]]:
        """Where the desk should work next: the most-asked claims still unverified or under investigation."""
        return await self.store.most_requested(guild_id, (Verdict.UNVERIFIED, Verdict.INVESTIGATING), limit)

    async def mark_reviewed(self, guild_id: int, number: int, *, note: str, actor: Actor) -> tuple[Claim, Change]:
        async with self._writing(guild_id) as tx:
            return await review.reviewed(tx, guild_id, number, note=note, actor=actor, at=now())

    async def owes_notices(self, guild_id: int, member_id: int) -> bool:
        """A read only: most members are owed nothing, and their commands cost no write for it."""
        return await self.store.owes_notices(guild_id, member_id)

    async def take_notices(self, guild_id: int, member_id: int) -> list[Notice]:
        return await notices.take(self.store, guild_id, member_id)

    async def give_back_notices(self, owed: list[Notice]) -> None:
        await notices.give_back(self.store, owed)

    async def notice_sent_by_dm(self, notice_id: int) -> bool:
        return await notices.sent_by_dm(self.store, notice_id)

    async def notice_dm_failed(self, notice_id: int, failure: str) -> None:
        await notices.dm_failed(self.store, notice_id, failure)

    # ----------------------------------------------------------------------------- following (issue 12)

    async def follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool:
        """True if new. The target's id was read from this guild by the caller (follow_claim & co.)."""
        await self.ensure_guild(guild_id)
        async with self._writing(guild_id, rewords=False) as tx:
            new = await follows.follow(tx, guild_id, user_id, kind, target_id, now())
            # Following is an explicit act: a member marked with closed DMs is tried again.
            await tx.clear_dm_closed(guild_id, user_id)
            return new

    async def unfollow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int, what: str) -> None:
        async with self._writing(guild_id, rewords=False) as tx:
            if not await tx.remove_follow(guild_id, user_id, kind, target_id):
                raise NothingToChange(f"You do not follow {what}; nothing was changed.")

    async def following(self, guild_id: int, user_id: int, *, offset: int = 0, limit: int = 10) -> Page[Followed]:
        offset = max(0, offset)
        found, total = await self.store.follows(guild_id, user_id, offset=offset, limit=limit)
        if offset and offset >= total:
            raise RuleBroken(STALE_PAGE)
        return Page(tuple(found), total, offset, limit)

    def remember_post(
        self,
        guild_id: int,
        number: int,
        *,
        channel_id: int,
        message_id: int,
        kind: PostedKind,
        shown_verdict: str,
        shown_revision: int,
        content: str = "",
    ) -> None:
        """A public message showing the claim, to be corrected when the claim changes. Kept in memory and
        written with the next change's transaction (which needs it), or by the sender once it is
        POSTS_FLUSH_S old or POSTS_FLUSH_AT wait, or at shutdown: a /claim costs no write of its own, and
        never waits on one."""
        post = outbox.PendingPost(
            guild_id, number, channel_id, message_id, kind, shown_verdict, shown_revision, content, now()
        )
        self._posts.append(post)
        del self._posts[: -outbox.POSTS_PENDING_MAX]
        if len(self._posts) >= outbox.POSTS_FLUSH_AT:
            self.outbox.wake()  # the sender writes them now

    def _take_posts(self, guild_id: int | None = None, number: int | None = None) -> list[outbox.PendingPost]:
        """All the posts waiting, or those of one claim (what a change of it writes in its transaction)."""
        if guild_id is None:
            posts, self._posts = self._posts, []
            return posts
        posts = [p for p in self._posts if p.guild_id == guild_id and p.number == number]
        self._posts = [p for p in self._posts if not (p.guild_id == guild_id and p.number == number)]
        return posts

    def _put_back(self, posts: list[outbox.PendingPost]) -> None:
        self._posts[:0] = posts
        del self._posts[: -outbox.POSTS_PENDING_MAX]

    async def flush_posts(self, *, older_than: float = outbox.POSTS_FLUSH_S) -> int:
        """Write the remembered posts once the oldest is `older_than` seconds old or POSTS_FLUSH_AT wait;
        how many."""
        if not self._posts:
            return 0
        if len(self._posts) < outbox.POSTS_FLUSH_AT and (now() - self._posts[0].at).total_seconds() < older_than:
            return 0
        posts = self._take_posts()
        try:
            async with self.store.transaction() as tx:
                await outbox.write_posts(tx, posts)
        except BaseException:
            self._put_back(posts)
            raise
        self.outbox.wake()
        return len(posts)
