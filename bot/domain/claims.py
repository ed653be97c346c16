"""What the desk tracks: claims, who made them, where they come from, and how they relate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from bot.domain.states import Attribution, Verdict

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Story:
    """The report a claim was taken from."""

    slug: str
    title: str
    publisher: str
    url: str
    published: date


@dataclass(frozen=True, slots=True)
class Evidence:
    url: str
    note: str


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person or a body ("NATO", "Kremlin"), known by one canonical name and its variants."""

    id: int
    name: str
    variants: tuple[str, ...] = ()
    claim_count: int = 0
    short_name: str = ""  # how lists name it after the first mention, when not the last name ("Kim")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a Discord member, or the seed loader."""

    id: int
    name: str


SEED_ACTOR = Actor(0, "claimbot seed")


@dataclass(frozen=True, slots=True)
class Alias:
    """Another name of a place, body or person ("DPRK" for "North Korea"): search and "Check claims"
    find what is written under either name. Who added it, when and why (and who removed it, when and
    why, if a moderator did) is its history."""

    entity: str
    name: str
    note: str = ""
    actor: Actor = SEED_ACTOR
    at: datetime | None = None
    removal: AliasRemoval | None = None  # None: the name is in use


@dataclass(frozen=True, slots=True)
class AliasRemoval:
    """Who took a name out of use (/mod unalias), when and why. The name's row stays: it is the history."""

    note: str
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    guild_id: int
    number: int
    statement: str
    verbatim: bool
    speaker: Speaker
    role: str
    venue: str
    said_when: str
    story: Story | None
    attribution: Attribution
    verdict: Verdict
    rationale: str
    revision: int
    created_at: datetime
    updated_at: datetime
    evidence: tuple[Evidence, ...] = ()

    @property
    def ref(self) -> str:
        return f"#{self.number}"


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    """Enough of a claim for a list line or an autocomplete choice, without loading the rest."""

    number: int
    statement: str
    verbatim: bool
    speaker_name: str
    verdict: Verdict
    speaker_short: str = ""  # how lists name the speaker, when the default (the last name) is wrong
    # The claim's revision when it was read, so a change can be made against it; None when unknown.
    revision: int | None = None
    # The sum of its related claims' revisions, read with it when it is looked up by number: with the
    # revision, what says whether a rendered card of it is still true (bot/render/card_cache.py).
    related_revisions: int | None = None
    # Read with it as well: what its standing is made of (Desk.standing), the members who asked and when
    # its verdict was last set or reviewed. `asked` None: not read (then `verdict_as_of` means nothing).
    asked: int | None = None
    verdict_as_of: datetime | None = None
    # Whether the member who looked it up is owed notices; None: not read.
    asker_owed: bool | None = None

    @property
    def card_stamp(self) -> tuple[int, int] | None:
        if self.revision is None or self.related_revisions is None:
            return None
        return (self.revision, self.related_revisions)


@dataclass(frozen=True, slots=True)
class IndexedClaim:
    """A claim as search ranks it: its number, and the profile of every field it is found by (statement,
    the speaker's every name, role, venue, ...) that the index stores (bot.domain.matching.encode_profile).
    No summary: of the hundred candidates a search ranks, five are shown, and only theirs are read."""

    id: int
    number: int
    profile: str


class RelationKind(StrEnum):
    CONTRADICTS = "contradicts"
    SUPPORTS = "supports"
    SUPERSEDES = "supersedes"
    SAME_AS = "same_as"

    def phrase(self, *, outgoing: bool) -> str:
        """How the relation reads from one side: "contradicts #5" or "contradicted by #5"."""
        active, passive = _RELATION_PHRASES[self]
        return active if outgoing else passive


_RELATION_PHRASES: dict[RelationKind, tuple[str, str]] = {
    RelationKind.CONTRADICTS: ("contradicts", "contradicted by"),
    RelationKind.SUPPORTS: ("supports", "supported by"),
    RelationKind.SUPERSEDES: ("supersedes", "superseded by"),
    RelationKind.SAME_AS: ("same as", "same as"),
}


@dataclass(frozen=True, slots=True)
class Relation:
    kind: RelationKind
    outgoing: bool
    other: ClaimSummary
    note: str = ""

    @property
    def phrase(self) -> str:
        return self.kind.phrase(outgoing=self.outgoing)


@dataclass(frozen=True, slots=True)
class Change:
    """One row of a claim's history: append-only, the record of who changed what and why."""

    id: int
    claim_number: int
    field: str
    old_value: str | None
    new_value: str
    note: str
    source_url: str | None
    actor: Actor
    at: datetime


@dataclass(frozen=True, slots=True)
class ClaimCard:
    """Everything the /claim card shows, fetched together so the cog makes one store call."""

    claim: Claim
    latest_change: Change | None
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True, slots=True)
class Board:
    counts: dict[Verdict, int]
    recent: tuple[tuple[ClaimSummary, Change], ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# Search snippets mark the matched words with these two characters; rendering turns them into bold
# after escaping the statement, so a statement's own markdown can never break the highlighting.
MATCH_START = "\x02"
MATCH_END = "\x03"


@dataclass(frozen=True, slots=True)
class SearchHit:
    summary: ClaimSummary
    snippet: str  # statement excerpt, matched words between MATCH_START and MATCH_END


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    offset: int
    limit: int
    more: bool = False  # `total` is where counting stopped: there are more than that

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    moderator_role_id: int | None = None
    announce_channel_id: int | None = None
    # Exports (issue 12): who publishes the desk's ClaimReviews; empty when not set.
    desk_name: str = ""
    desk_url: str = ""


@dataclass(frozen=True, slots=True)
class NewClaim:
    """A claim as a moderator or a seed file describes it, before it has a number."""

    statement: str
    verbatim: bool
    speaker: str
    role: str = ""
    venue: str = ""
    said_when: str = ""
    story: Story | None = None
    attribution: Attribution = Attribution.ON_RECORD
    verdict: Verdict = Verdict.UNVERIFIED
    rationale: str = ""
    evidence: tuple[Evidence, ...] = ()
    speaker_variants: tuple[str, ...] = field(default=())
    speaker_short: str = ""
