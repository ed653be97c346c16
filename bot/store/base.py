"""The store interface: primitive reads and writes, and a unit of work. SQLite and PostgreSQL implement it.

A store decides nothing. What a change may be, what it also changes and what is refused live in
`bot.desk`; a store reads rows, writes rows and keeps its own bookkeeping in step (the search index,
the counts, the append-only history), and it does that the same way on every backend.

Every read that names a claim or a speaker takes the guild too: a claim number means nothing outside
its guild, and no method can reach another guild's rows whatever number or id it is given. Methods
that take a claim's row id (`claim_id`) are given ids the desk read from the same guild first.

`transaction()` is the unit of work: one user action is one transaction, whatever it touches. Reads
on the `Tx` see the transaction's own writes. Concurrency guards are compare-and-set in the statement
itself (`update_claim` with the revision the change was prepared against), so they hold under
PostgreSQL's READ COMMITTED as well as under SQLite's single writer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol

from bot.domain.claims import (
    Actor,
    Alias,
    AliasRemoval,
    Change,
    Claim,
    ClaimCard,
    ClaimSummary,
    GuildSettings,
    IndexedClaim,
    NewClaim,
    Relation,
    RelationKind,
    Speaker,
    Story,
)
from bot.domain.exports import ExportClaim
from bot.domain.follows import (
    EditProblem,
    Followed,
    FollowKind,
    NewOutboxItem,
    NewPostedMessage,
    OutboxItem,
    OutboxKind,
    PostedMessage,
    Shards,
)
from bot.domain.intake import Decision, DueClaim, IntakeSettings, NewSubmission, Notice, Submission, SubmissionStatus
from bot.domain.states import Verdict
from bot.domain.stories import StoryOverview, StoryRecord

# Largest row id or Discord id either backend can bind (a signed 64-bit integer). A forged custom_id or
# option value past it names nothing, and must not reach the driver as an overflow.
ID_MAX = 2**63 - 1
ID_MIN = -ID_MAX - 1


def bindable(*values: int | None) -> bool:
    """Every value fits a signed 64-bit parameter on either backend (None is a NULL, and fits): a forged
    number or id past it names nothing, and must not overflow the driver."""
    return all(value is None or ID_MIN <= value <= ID_MAX for value in values)


def bounded(value: int) -> int:
    """A LIMIT or OFFSET: never negative, never past a signed 64-bit integer."""
    return max(0, min(value, ID_MAX))


@dataclass(frozen=True, slots=True)
class SpeakerNames:
    """A speaker as a claim names it: found by any of these names, created when none is known."""

    name: str
    variants: tuple[str, ...] = ()
    short: str = ""


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One claim to insert. Its number was reserved with `Tx.reserve_numbers` in the same transaction."""

    number: int
    claim: NewClaim
    speaker_id: int
    story_id: int | None
    moderated: bool
    at: datetime
    seed_key: str | None = None
    seed_fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimFields:
    """Columns of a claim to change; None leaves a column as it is. `update_claim` bumps the revision."""

    statement: str | None = None
    verbatim: bool | None = None
    speaker_id: int | None = None
    role: str | None = None
    venue: str | None = None
    said_when: str | None = None
    attribution: str | None = None
    verdict: str | None = None
    rationale: str | None = None
    seed_fingerprint: str | None = None


# The claims columns `update_claim` may set (ClaimFields' names, which are the columns' names on every
# backend), and those the search index is made from (bot.domain.text.ClaimText's, with the evidence
# notes, which `update_claim` adds with a change).
CLAIM_COLUMNS = tuple(f.name for f in fields(ClaimFields))
INDEXED_COLUMNS = frozenset({"statement", "role", "speaker_id", "venue", "said_when", "rationale"})


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One row for the append-only history."""

    guild_id: int
    claim_id: int
    claim_number: int
    field: str
    old_value: str | None
    new_value: str
    note: str
    source_url: str | None
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    claim_id: int
    url: str
    note: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RelationRow:
    guild_id: int
    source_id: int
    kind: RelationKind
    target_id: int
    note: str
    at: datetime


def posted_values(row: NewPostedMessage) -> tuple[object, ...]:
    """A posted_messages row's values, in its columns' order (guild_id … posted_at), as both stores insert it."""
    return (
        row.guild_id, row.claim_id, row.channel_id, row.message_id, row.kind.value, row.shown_verdict,
        row.shown_attribution, row.shown_revision, row.content, row.at,
    )  # fmt: skip


def alias_time(alias: Alias) -> datetime:
    """When an alias was added: the desk dates every change, so a store never makes one up."""
    if alias.at is None:
        raise ValueError(f"alias {alias.name!r} has no time")
    return alias.at


@dataclass(frozen=True, slots=True)
class SeededClaim:
    """What seeding needs to know of a claim that came from a seed file."""

    id: int
    number: int
    fingerprint: str | None
    moderated: bool
    revision: int | None = None  # as read: seeding a claim is a compare-and-set against it


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrowing a search; None is no filter."""

    verdict: Verdict | None = None
    speaker_id: int | None = None
    story_id: int | None = None  # a story's row id, read from the same guild first (issue 11)


class Reads(Protocol):
    """Reads, on the store (each a snapshot of its own) or on a transaction (seeing its writes)."""

    # Guilds
    async def guild_ids(self) -> list[int]: ...
    async def guild_settings(self, guild_id: int) -> GuildSettings | None: ...

    # Claims
    async def claim(self, guild_id: int, number: int) -> Claim | None:
        """The whole claim, evidence included, or None when the guild has no such number."""
        ...

    async def claim_summary(self, guild_id: int, number: int, *, asker: int | None = None) -> ClaimSummary | None:
        """With its card stamp and standing; given `asker`, also whether that member is owed notices
        (`asker_owed`), so a command's lookup answers the notices hook too."""
        ...

    async def card(self, guild_id: int, number: int) -> ClaimCard | None:
        """The claim, its latest change and its relations, read together."""
        ...

    async def latest_change(self, claim_id: int, field: str | None = None) -> Change | None: ...
    async def relations(self, claim_id: int) -> list[Relation]:
        """Both directions, ordered by the other claim's number."""
        ...

    async def has_relation(self, source_id: int, kind: RelationKind, target_id: int) -> bool: ...
    async def history(self, claim_id: int, *, offset: int, limit: int) -> tuple[list[Change], int]:
        """Newest first, and how many rows the claim has in all. Offsets and limits are never negative."""
        ...

    async def verdict_counts(self, guild_id: int) -> dict[Verdict, int]:
        """Only verdicts with at least one claim."""
        ...

    async def latest_verdict_changes(self, guild_id: int, limit: int) -> list[tuple[ClaimSummary, Change]]:
        """Each claim's latest verdict change only, newest first."""
        ...

    async def recent_claims(self, guild_id: int, limit: int) -> list[ClaimSummary]:
        """Most recently changed first."""
        ...

    # The search index. Terms are what bot.domain.text makes of every field of a claim (statement, the
    # speaker's every name, role, venue, date, rationale, evidence notes) and of the entities the guild's
    # aliases find in them; the store indexes them and compares them as opaque strings, so both
    # backends match exactly the same claims.
    async def claims_with_prefixes(
        self, guild_id: int, groups: Sequence[Sequence[str]], filters: Filters, limit: int
    ) -> list[int]:
        """Ids of claims where every group has a term beginning with one of its prefixes, highest id
        first, at most `limit`."""
        ...

    async def claims_with_terms(self, guild_id: int, terms: Sequence[str], filters: Filters, limit: int) -> list[int]:
        """Ids of claims that have any of these terms exactly, highest id first, at most `limit`."""
        ...

    async def claims_with_each(self, guild_id: int, groups: Sequence[Sequence[str]], limit: int) -> list[list[int]]:
        """For each group, the ids of claims that have one of its terms exactly, highest id first, at most
        `limit` each: which of a message's words each candidate holds, before any text is read."""
        ...

    async def document_counts(self, guild_id: int, groups: Sequence[Sequence[str]], cap: int) -> tuple[int, list[int]]:
        """How many claims the guild has, and for each group how many of them have one of its terms
        exactly, counted up to `cap` (what an idf needs, at a bounded cost in a large guild)."""
        ...

    async def indexed(self, guild_id: int, claim_ids: Sequence[int]) -> list[IndexedClaim]:
        """The text ranking needs for these claims (of this guild only), highest id first."""
        ...

    async def summaries(self, guild_id: int, claim_ids: Sequence[int]) -> list[ClaimSummary]:
        """These claims' summaries (of this guild only), in the order asked: the ranked ones shown."""
        ...

    async def aliases(self, guild_id: int) -> list[Alias]:
        """The guild's other names of places, bodies and people in use, in the order they were added."""
        ...

    async def alias_history(self, guild_id: int) -> list[Alias]:
        """Every name the guild has had, the removed ones too (with their `removal`), in the order added."""
        ...

    # Speakers
    async def speaker_id_by_name(self, guild_id: int, norm: str) -> int | None:
        """The speaker one of whose names normalises to `norm` (bot.domain.names.normalise_name)."""
        ...

    async def speaker(self, guild_id: int, speaker_id: int) -> Speaker | None:
        """With its variants; None for another guild's or an unknown id."""
        ...

    async def speakers_matching(self, guild_id: int, norm_prefix: str, limit: int) -> list[Speaker]:
        """Speakers with a name, or a word of a name, starting with `norm_prefix` ('' for any); most
        claims first, then by name. Without variants."""
        ...

    async def speaker_claims(self, guild_id: int, speaker_id: int, *, offset: int, limit: int) -> list[ClaimSummary]:
        """By number."""
        ...

    # Seeds
    async def seeded_claims(self, guild_id: int, story_slug: str) -> dict[str, SeededClaim]:
        """The guild's claims from that story's seed file, by seed key."""
        ...

    # Exports (issue 12)
    async def export_stories(self, guild_id: int) -> list[Story]:
        """The guild's stories, by slug."""
        ...

    async def export_unfiled_count(self, guild_id: int) -> int:
        """How many of the guild's claims belong to no story."""
        ...

    async def export_claims(
        self, guild_id: int, *, story_slug: str | None, after_number: int, limit: int
    ) -> list[ExportClaim]:
        """The next `limit` claims after `after_number`, by number (of one story, when a slug is given),
        each with its evidence, its speaker's other names, its outgoing relations and its whole history.
        A page at a time, so that a large guild is written out as it is read."""
        ...

    # Stories (issue 11). Story ids are read from the same guild first (`story`, `story_records`);
    # every read takes the guild too, so another guild's story id reaches nothing.
    async def stories(self, guild_id: int, limit: int) -> list[StoryOverview]:
        """The guild's stories, newest published first (then newest added), with their claims per verdict
        and when one of their claims last changed; at most `limit`."""
        ...

    async def story(self, guild_id: int, slug: str) -> StoryRecord | None: ...
    async def story_by_id(self, guild_id: int, story_id: int) -> StoryRecord | None:
        """None for another guild's or an unknown id (a pager's id may be forged)."""
        ...

    async def story_records(self, guild_id: int, limit: int) -> list[StoryRecord]:
        """The guild's stories, newest published first (then newest added), at most `limit`; which of
        them a typed text names is decided by the desk, the same way on every backend."""
        ...

    async def story_verdict_counts(self, guild_id: int, story_id: int) -> dict[Verdict, int]:
        """Only verdicts with at least one of the story's claims."""
        ...

    async def story_verdict_changes(
        self, guild_id: int, story_id: int, limit: int
    ) -> list[tuple[ClaimSummary, Change]]:
        """As `latest_verdict_changes`, for the story's claims only."""
        ...

    async def story_speaker_claims(
        self, guild_id: int, speaker_id: int, story_id: int, *, offset: int, limit: int
    ) -> tuple[list[ClaimSummary], int]:
        """A speaker's claims in one story, by number, and how many there are in all."""
        ...

    # Intake (issue 11): requests, submissions, the queue, reviews, notices
    async def intake_settings(self, guild_id: int) -> IntakeSettings:
        """The queue channel and the review intervals the server changed (defaults when none)."""
        ...

    async def submission(self, guild_id: int, number: int) -> Submission | None: ...
    async def submission_by_message(self, guild_id: int, message_id: int) -> Submission | None: ...
    async def open_submissions(self, guild_id: int, *, offset: int, limit: int) -> tuple[list[Submission], int]:
        """The queue: open submissions, most requested first, then oldest first; and how many are open."""
        ...

    async def submission_decisions(self, guild_id: int, number: int) -> list[Decision]:
        """Oldest first."""
        ...

    async def claim_request_count(self, claim_id: int) -> int: ...
    async def most_requested(
        self, guild_id: int, verdicts: Sequence[Verdict], limit: int
    ) -> list[tuple[ClaimSummary, int]]:
        """Claims with at least one request and one of these verdicts, most requested first."""
        ...

    async def last_review(self, claim_id: int) -> datetime | None:
        """When its verdict was last set or re-affirmed (a history row of field verdict or review)."""
        ...

    async def claims_due(self, guild_id: int, cutoffs: Mapping[Verdict, datetime], limit: int) -> list[DueClaim]:
        """Claims whose verdict is one of `cutoffs` and was last set or reviewed before its cutoff,
        longest waiting first."""
        ...

    async def owes_notices(self, guild_id: int, member_id: int) -> bool:
        """Whether the member is owed any notice: asked after every command, and nearly always no."""
        ...

    async def claim_standing(self, guild_id: int, number: int) -> tuple[Verdict, int, datetime | None] | None:
        """The claim's verdict, how many members asked about it, and when its verdict was last set or
        reviewed: one statement, read for every card."""
        ...

    # Following and corrections (issue 12)
    async def follows(self, guild_id: int, user_id: int, *, offset: int, limit: int) -> tuple[list[Followed], int]:
        """What the member follows in this guild, newest first, and how many in all."""
        ...

    async def followers(self, guild_id: int, claim_id: int, speaker_ids: Sequence[int]) -> list[int]:
        """User ids following the claim, its story, or any of `speaker_ids`, each once, in id order."""
        ...

    async def is_following(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool: ...
    async def posted_messages(self, guild_id: int, claim_id: int) -> list[PostedMessage]:
        """The public messages remembered for a claim, oldest first."""
        ...

    async def posted_message(self, guild_id: int, posted_id: int) -> PostedMessage | None: ...
    async def outbox_next_due(self, shards: Shards | None) -> datetime | None:
        """When the earliest undelivered row of these shards' guilds may be taken (leases aside)."""
        ...

    async def outbox_pending(self, guild_id: int | None = None) -> int:
        """Rows not yet done (all guilds with None)."""
        ...

    async def dm_closed(self, guild_id: int, user_id: int) -> bool: ...
    async def edit_problems(self, guild_id: int) -> list[EditProblem]: ...


@dataclass(frozen=True, slots=True)
class ShownClaim:
    """What remembering a post of a claim needs of it: its row, and what a card of it shows now."""

    claim_id: int
    revision: int
    attribution: str


class Tx(Reads, Protocol):
    """Writes, inside one transaction. Leaving `transaction()` with an exception rolls all of it back."""

    async def create_guilds(self, guild_ids: Sequence[int], at: datetime) -> set[int]:
        """Those of `guild_ids` this call created (exactly one caller creates each, across processes too).
        One statement for all, inserting in the order of their ids: two callers with guilds in common
        never wait on each other in a circle."""
        ...

    async def copy_seeded_guild(self, source_id: int, guild_ids: Sequence[int]) -> None:
        """Write into each of `guild_ids` (just created, empty) what seeding wrote into `source_id`, seeded
        in this same transaction and so untouched: its stories, speakers and their names, claims with the
        same numbers, evidence, relations, history, aliases and index rows, under new ids. A start-up in
        many new servers then pays a few statements, not the seeding's per-claim work for each."""
        ...

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        moderator_role_id: int | None,
        announce_channel_id: int | None,
        desk_name: str | None = None,  # exports (issue 12); None leaves it as it is
        desk_url: str | None = None,
    ) -> None: ...

    async def reserve_numbers(self, guild_id: int, count: int) -> int | None:
        """The first of `count` consecutive new claim numbers, or None for an unknown guild."""
        ...

    async def upsert_story(self, guild_id: int, story: Story) -> int:
        """The story's id, created or brought in line with `story`; a story a moderator edited is left as
        it is (seed files and imports never overwrite a moderator's work)."""
        ...

    async def speaker_ids(self, guild_id: int, speakers: Sequence[SpeakerNames]) -> list[int]:
        """Each speaker's id, in order: the one its name already belongs to (or that an earlier entry
        of `speakers` created), or a new one. Variants not yet taken are added (the search index
        follows), and the short name if it had none."""
        ...

    async def insert_claims(self, guild_id: int, rows: Sequence[ClaimRow]) -> list[int]:
        """New claims' ids in the rows' order; their evidence is inserted with them."""
        ...

    async def update_claim(
        self,
        claim_id: int,
        revision: int,
        fields: ClaimFields,
        *,
        at: datetime,
        moderated: bool,
        evidence: Sequence[EvidenceRow] = (),
    ) -> bool:
        """Compare-and-set: applies `fields`, bumps the revision and `updated_at` (and sets `moderated`
        if asked) only if the claim is still at `revision`. False, and nothing written, otherwise.
        `evidence` is added with the change, so the claim's search terms are written once for both (a
        verdict's note and its source's note are both in them)."""
        ...

    async def add_aliases(self, guild_id: int, aliases: Sequence[Alias], *, keep_removed: bool = False) -> list[Alias]:
        """Those of `aliases` whose name was not in use in the guild (a name stands for one entity), or,
        `keep_removed`, that the guild never had (a story's names: a moderator's removal stands); the
        claims written with a new name are re-indexed with it."""
        ...

    async def remove_alias(self, guild_id: int, name: str, removal: AliasRemoval) -> Alias | None:
        """Take the name (any spelling of it) out of use, compare-and-set on its being in use: the alias
        removed, or None if it was not in use. The row stays, with `removal`; the claims written with the
        name or its entity's own name are re-indexed without it."""
        ...

    async def add_relations(self, rows: Sequence[RelationRow]) -> int:
        """How many were new; a relation already recorded is left as it is."""
        ...

    async def record(self, rows: Sequence[HistoryRow]) -> list[Change]:
        """Append to the history; the new rows as Changes, in order."""
        ...

    # Stories (issue 11)
    async def create_story(self, guild_id: int, story: Story) -> int | None:
        """The new story's id; None, and nothing written, when the guild has a story with that slug."""
        ...

    async def edit_story(self, guild_id: int, story_id: int, story: Story) -> bool:
        """Set title, publisher, URL and date (the slug stays) and mark the story moderated, so seed files
        and imports leave it as the moderator wrote it. False for another guild's or an unknown id."""
        ...

    # Intake (issue 11): requests, submissions, the queue, reviews, notices
    async def set_queue_channel(self, guild_id: int, channel_id: int | None) -> None: ...
    async def set_review_interval(self, guild_id: int, verdict: Verdict, days: int | None, *, default: bool) -> None:
        """`days` (None: never) for that verdict, or back to the default when `default`."""
        ...

    async def take_quota(self, guild_id: int, member_id: int, *, at: datetime, window_s: int, limit: int) -> bool:
        """Compare-and-set on the member's row: one more use if fewer than `limit` were taken in the
        window that began at most `window_s` ago (a new window otherwise). False, nothing written, when
        the member is at the limit; concurrent callers never get past it together."""
        ...

    async def quota_window(self, guild_id: int, member_id: int) -> datetime | None:
        """When the member's current window began."""
        ...

    async def reserve_submission_number(self, guild_id: int) -> int: ...
    async def insert_submission(
        self,
        guild_id: int,
        number: int,
        new: NewSubmission,
        *,
        submitter: Actor,
        status: SubmissionStatus,
        suggested_id: int | None,
        at: datetime,
    ) -> int | None:
        """The new submission's id; None when the message already has a submission in the guild."""
        ...

    async def add_submission_request(self, guild_id: int, submission_id: int, member_id: int, at: datetime) -> bool:
        """False when the member had already asked about it."""
        ...

    async def add_claim_request(
        self, guild_id: int, claim_id: int, member_id: int, at: datetime, *, submission_id: int | None = None
    ) -> bool:
        """False when the member had already asked about it."""
        ...

    async def copy_requests(self, guild_id: int, submission_id: int, claim_id: int) -> list[int]:
        """The submission's requests counted on the claim too (once per member); the members newly
        counted, in the order they asked."""
        ...

    async def decide_submission(
        self,
        submission_id: int,
        *,
        expected: SubmissionStatus,
        revision: int,
        status: SubmissionStatus,
        claim_id: int | None,
        at: datetime,
    ) -> bool:
        """Compare-and-set: only if it is still `expected` at `revision`. False, nothing written, otherwise."""
        ...

    async def record_decision(
        self,
        guild_id: int,
        submission_id: int,
        decision: SubmissionStatus,
        *,
        claim_id: int | None,
        reason: str,
        note: str,
        actor: Actor,
        at: datetime,
    ) -> None: ...

    async def add_notice(self, guild_id: int, member_id: int, text: str, at: datetime) -> int: ...
    async def take_notices(self, guild_id: int, member_id: int, at: datetime) -> list[Notice]:
        """The member's owed notices, marked delivered with a command's answer, in one statement: two
        commands at once never both show one."""
        ...

    async def give_back_notices(self, notice_ids: Sequence[int]) -> None:
        """Owed again: the answer that was to carry them could not be sent."""
        ...

    async def notice_sent_by_dm(self, notice_id: int, at: datetime) -> bool: ...
    async def notice_dm_failed(self, notice_id: int, failure: str) -> None: ...

    # Following and corrections (issue 12)
    async def add_follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int, at: datetime) -> bool:
        """True if new; following twice is one follow."""
        ...

    async def remove_follow(self, guild_id: int, user_id: int, kind: FollowKind, target_id: int) -> bool: ...
    async def enqueue(self, items: Sequence[NewOutboxItem]) -> int:
        """Append to the outbox; how many rows."""
        ...

    async def remember_messages(self, rows: Sequence[NewPostedMessage], keep: int) -> list[int]:
        """Each new row's id in order, or 0 for a message already remembered; only each claim's latest
        `keep` messages stay remembered."""
        ...

    async def forget_message(self, guild_id: int, posted_id: int) -> None: ...
    async def claim_outbox(
        self, owner: str, now: datetime, until: datetime, limit: int, shards: Shards | None
    ) -> list[OutboxItem]:
        """Lease up to `limit` due rows of these shards' guilds to `owner` until `until`: compare-and-set
        on the lease, so of two senders asking at once each row goes to one. Oldest due first."""
        ...

    async def claim_outbox_group(
        self, owner: str, now: datetime, until: datetime, guild_id: int, kind: OutboxKind, recipient: int
    ) -> list[OutboxItem]:
        """Lease every undelivered, unleased row for this recipient, due or not (a DM's batch)."""
        ...

    async def finish_outbox(self, ids: Sequence[int], owner: str, at: datetime, outcome: str) -> int:
        """Mark done the rows `owner` still holds; how many."""
        ...

    async def retry_outbox(self, ids: Sequence[int], owner: str, due_at: datetime) -> int:
        """Give the rows back, to be taken again from `due_at`."""
        ...

    async def release_outbox_leases(self, shards: Shards | None) -> int:
        """At a process's start: leases held on its own shards' rows are from its previous run."""
        ...

    async def mark_dm_closed(self, guild_id: int, user_id: int, at: datetime) -> bool:
        """True if this call marked them (they were not marked already)."""
        ...

    async def clear_dm_closed(self, guild_id: int, user_id: int) -> bool: ...

    async def lock_shown_claims(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], ShownClaim]:
        """The claims of these (guild, number) pairs, read as they are now and held until the transaction
        ends (in the order of their ids): a post remembered while its claim changes sees the change, or
        the change sees the post (PostgreSQL; SQLite's one writer does it already). Unknown pairs are
        left out."""
        ...

    async def prune_outbox(self, before: datetime) -> int:
        """Forget rows delivered (done) before `before`; how many."""
        ...

    async def set_edit_problem(self, guild_id: int, channel_id: int, code: int, at: datetime) -> None: ...
    async def clear_edit_problem(self, guild_id: int, channel_id: int) -> None: ...


class Store(Reads, Protocol):
    """A backend: reads outside any transaction, and `transaction()` for everything that writes.

    Failures the member should hear as "could not save, nothing was changed" (a locked, full,
    read-only or unreachable database, a statement timeout) leave `transaction()` as SaveFailed.
    """

    async def open(self) -> None:
        """Connect, apply migrations (once, even with several processes starting together)."""
        ...

    async def close(self) -> None: ...

    def transaction(self) -> AbstractAsyncContextManager[Tx]: ...
