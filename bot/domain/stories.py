"""A server tracks several stories; every claim belongs to one. What a list of them shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.claims import Story
from bot.domain.states import Verdict


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as the server holds it: its row id (never shown, never taken from a member) and whether a
    moderator has edited it, in which case a seed file or an import no longer overwrites it."""

    id: int
    story: Story
    moderated: bool = False

    @property
    def slug(self) -> str:
        return self.story.slug


@dataclass(frozen=True, slots=True)
class StoryOverview:
    """A line of /story: the story, its claims per verdict, and when one of them last changed."""

    record: StoryRecord
    counts: dict[Verdict, int] = field(default_factory=dict)
    last_change: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """What bringing a story in line with its file would do in a guild, read before anything is written:
    the preview /mod import shows, and what its Confirm then requires to be still true."""

    slug: str
    story_is_new: bool
    story_kept: bool  # a moderator edited the story: its title, publisher, URL and date stay as they are
    added: tuple[str, ...]  # seed keys, in the file's order
    updated: tuple[str, ...]
    kept: tuple[str, ...]  # changed in the file, left alone because a moderator touched them
    unchanged: int

    @property
    def changes(self) -> bool:
        return bool(self.story_is_new or self.added or self.updated)
