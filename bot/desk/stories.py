"""Stories (issue 11): a server tracks several, every claim belongs to one, and moderators add and edit them.

What a story may say and how a member names one (its slug, or words of its title or publisher) is
decided here for every backend. A story a moderator edited is marked so that seed files and imports
leave it alone (the store's `upsert_story`), as they leave a moderated claim alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from bot.desk.errors import NothingToChange, Refusal
from bot.domain.claims import Board, Story
from bot.domain.names import normalise_name
from bot.domain.rules import RuleBroken, as_text, check_source
from bot.domain.stories import StoryOverview, StoryRecord
from bot.store.base import ID_MAX, Reads, Tx

STORIES_LISTED = 25  # /story lists this many, newest first
SUGGESTIONS = 25
STORIES_READ = 500  # matched in Python: a server follows a handful of stories, an archive a few hundred
TITLE_MAX = 256
PUBLISHER_MAX = 200
SLUG_WORDS_MAX = 60  # characters of the title in a slug; the date follows
SLUG_TRIES = 50


class StoryNotFound(Refusal):
    def __init__(self, text: str) -> None:
        shown = " ".join(as_text(text).split())[:80]
        super().__init__(f"No story matches “{shown}” in this server. /story lists them.")


@dataclass(frozen=True, slots=True)
class StoryFields:
    """What a moderator types into the story form, checked."""

    title: str
    publisher: str
    url: str
    published: date


def check_story_fields(title: str, publisher: str, url: str, published: str) -> StoryFields:
    """The form's four fields, or the one sentence that says which is wrong."""
    checked_title = " ".join(as_text(title).split())
    if not checked_title:
        raise RuleBroken("The story needs a title.")
    if len(checked_title) > TITLE_MAX:
        raise RuleBroken(f"The title is {len(checked_title):,} characters; keep it to {TITLE_MAX}.")
    checked_publisher = " ".join(as_text(publisher).split())
    if not checked_publisher:
        raise RuleBroken("The story needs a publisher (the outlet that reported it).")
    if len(checked_publisher) > PUBLISHER_MAX:
        raise RuleBroken(f"The publisher is {len(checked_publisher):,} characters; keep it to {PUBLISHER_MAX}.")
    try:
        checked_url = check_source(url) or ""
    except RuleBroken:
        raise RuleBroken("The story's URL must be a web link starting with http:// or https://.") from None
    text = as_text(published).strip()
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None
    except ValueError:
        day = None
    if day is None:
        raise RuleBroken("The date must be the day it was published, written 2024-10-17.")
    return StoryFields(checked_title, checked_publisher, checked_url, day)


def slug_for(title: str, published: date) -> str:
    """`north-korea-troops-2024-10-17`: the title's letters and digits, folded to ASCII, then the date."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:SLUG_WORDS_MAX].strip("-")
    return f"{words}-{published.isoformat()}" if words else f"story-{published.isoformat()}"


async def stories(reads: Reads, guild_id: int, limit: int = STORIES_LISTED) -> list[StoryOverview]:
    return await reads.stories(guild_id, max(1, min(limit, 100)))


def _matches(record: StoryRecord, wanted: str) -> bool:
    """The slug begins with it, or the title or publisher holds it, whatever the case and accents."""
    story = record.story
    return (
        story.slug.startswith(wanted)
        or wanted in normalise_name(story.title)
        or wanted in normalise_name(story.publisher)
    )


async def matching_stories(reads: Reads, guild_id: int, typed: str, limit: int) -> list[StoryRecord]:
    """The newest stories `typed` names (every story for nothing typed). A server has few stories, so
    they are read whole (up to STORIES_READ) and matched here, identically on every backend."""
    wanted = normalise_name(as_text(typed)[:100])
    found = await reads.story_records(guild_id, STORIES_READ)
    return [record for record in found if not wanted or _matches(record, wanted)][: max(0, limit)]


async def suggest_stories(reads: Reads, guild_id: int, typed: str, limit: int = SUGGESTIONS) -> list[StoryRecord]:
    return await matching_stories(reads, guild_id, typed, max(1, min(limit, 25)))


async def find_story(reads: Reads, guild_id: int, typed: str) -> StoryRecord:
    """What a submitted story value names: the slug autocomplete sends, else the newest story whose slug,
    title or publisher holds the words. The member may have typed anything, so it is read again here."""
    text = " ".join(as_text(typed).split())[:100]
    if not text:
        raise StoryNotFound(typed)
    record = await reads.story(guild_id, text)
    if record is None:
        found = await matching_stories(reads, guild_id, text, 1)
        record = found[0] if found else None
    if record is None:
        raise StoryNotFound(text)
    return record


async def story_by_id(reads: Reads, guild_id: int, story_id: int) -> StoryRecord:
    """The story a pager's id names, in this guild only."""
    record = await reads.story_by_id(guild_id, story_id) if 0 < story_id <= ID_MAX else None
    if record is None:
        raise StoryNotFound(f"id {story_id}")
    return record


async def latest_story(reads: Reads, guild_id: int) -> StoryRecord | None:
    """The server's most recent story (newest published, then newest added): where a claim added
    without a story goes."""
    found = await reads.story_records(guild_id, 1)
    return found[0] if found else None


async def story_board(reads: Reads, guild_id: int, record: StoryRecord, recent: int) -> Board:
    counts = await reads.story_verdict_counts(guild_id, record.id)
    latest = await reads.story_verdict_changes(guild_id, record.id, recent)
    return Board(counts, tuple(latest))


async def create_story(tx: Tx, guild_id: int, fields: StoryFields) -> StoryRecord:
    """A new story, its slug made from the title and date (a second story of that title and date gets
    `-2`, and so on): the slug is what autocomplete sends, so it never changes once made."""
    base = slug_for(fields.title, fields.published)
    for n in range(1, SLUG_TRIES + 1):
        slug = base if n == 1 else f"{base}-{n}"
        story = Story(slug, fields.title, fields.publisher, fields.url, fields.published)
        story_id = await tx.create_story(guild_id, story)
        if story_id is not None:
            return StoryRecord(story_id, story)
    raise RuleBroken(f"This server already has {SLUG_TRIES} stories of that title on that day.")


async def edit_story(tx: Tx, guild_id: int, slug: str, fields: StoryFields) -> StoryRecord:
    """A moderator's edit of a story; from then on seed files and imports leave the story as it is."""
    current = await tx.story(guild_id, slug)
    if current is None:
        raise StoryNotFound(slug)
    story = replace(
        current.story, title=fields.title, publisher=fields.publisher, url=fields.url, published=fields.published
    )
    if story == current.story:
        raise NothingToChange("The story already says that; nothing was changed.")
    if not await tx.edit_story(guild_id, current.id, story):
        raise StoryNotFound(slug)
    return StoryRecord(current.id, story, moderated=True)
