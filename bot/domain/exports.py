"""A claim as an export writes it: the claim as it stands, with what the card does not carry.

The store reads these a page at a time (`Reads.export_claims`); the renderers in `bot.exports` turn
them into files without knowing where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.claims import Change, Claim, RelationKind


@dataclass(frozen=True, slots=True)
class ExportRelation:
    """A relation recorded from this claim to another (each relation is listed once, at its source)."""

    kind: RelationKind
    target_number: int
    target_story: str | None  # the other claim's story slug, None when it has none
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExportClaim:
    claim: Claim  # with its evidence and story
    speaker_names: tuple[str, ...] = ()  # the speaker's other spellings, sorted
    seed_key: str | None = None  # the key of the story file it came from, if it came from one
    relations: tuple[ExportRelation, ...] = ()  # outgoing, by target number
    history: tuple[Change, ...] = ()  # oldest first

    @property
    def verdict_change(self) -> Change | None:
        """The history row that set the current verdict (the latest verdict row)."""
        for change in reversed(self.history):
            if change.field == "verdict":
                return change
        return None


@dataclass(frozen=True, slots=True)
class DeskProfile:
    """Who publishes the desk's reviews: `/mod config desk_name: desk_url:`. Empty when not set."""

    name: str = ""
    url: str = ""
