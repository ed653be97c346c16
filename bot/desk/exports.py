"""Exports: the desk's claims as ClaimReview JSON-LD, CSV or story files, written as they are read.

The rules: which claims an export holds (the server's, or one story's), what is refused (an unknown
story, a story file for a server without stories, a file over the caller's size limit), and the desk's
name and link that ClaimReviews are published under (`/mod config desk_name: desk_url:`).
Nothing here knows Discord or SQL: the caller opens the files (a real file for the command line, a
spooled temporary file for an attachment), the store is read a page at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO
from urllib.parse import urlsplit

from bot.desk.errors import Refusal
from bot.domain.claims import Alias, Story
from bot.domain.exports import DeskProfile, ExportClaim
from bot.domain.rules import RuleBroken, as_text
from bot.exports import claimreview, storyfile
from bot.exports import csv as export_csv
from bot.store.base import Reads

PAGE = 500  # claims read at a time: a 100,000-claim server is never in memory at once
DESK_NAME_MAX = 100
DESK_URL_MAX = 512
NO_PROFILE = DeskProfile()
MAX_STORY_FILES = 10  # files one Discord message may carry; the command line writes any number


class ExportFormat(StrEnum):
    CLAIMREVIEW = "claimreview"
    CSV = "csv"
    STORY = "story"


class Part(StrEnum):
    """Which file of an export: the caller decides where each goes."""

    CLAIMREVIEW = "claimreview"
    CLAIMS = "claims"
    HISTORY = "history"
    STORY = "story"


@dataclass(frozen=True, slots=True)
class ExportFile:
    part: Part
    name: str  # a file name to offer: claimreview-server.json, claims-<slug>.csv, <slug>.toml
    size: int = 0  # bytes written
    slug: str | None = None  # the story of a story file


@dataclass(frozen=True, slots=True)
class ExportResult:
    files: tuple[ExportFile, ...]
    notes: tuple[str, ...] = ()
    claims: int = 0


class ExportTooLarge(Refusal):
    """The export passed the caller's size limit (Discord's attachment limit): use the command line."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"over {limit / 2**20:.0f} MiB")
        self.limit = limit


Opener = Callable[[ExportFile], BinaryIO]


class _Sink:
    """Counts what is written to one file, and stops the export once the total passes the limit."""

    def __init__(self, tally: _Tally, stream: BinaryIO) -> None:
        self.tally, self.stream, self.size = tally, stream, 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.size += len(data)
        self.tally.total += len(data)
        if self.tally.limit is not None and self.tally.total > self.tally.limit:
            raise ExportTooLarge(self.tally.limit)
        self.stream.write(data)


@dataclass(slots=True)
class _Tally:
    limit: int | None
    total: int = 0
    files: list[ExportFile] = field(default_factory=list)


def check_desk_name(value: str) -> str:
    name = " ".join(as_text(value).split())
    if len(name) > DESK_NAME_MAX:
        raise RuleBroken(f"The desk name is {len(name):,} characters; keep it to {DESK_NAME_MAX}.")
    return name


def check_desk_url(value: str) -> str:
    """The desk's public page: where its ClaimReviews' `url` fields point (each claim is `#claim-N` on it)."""
    url = as_text(value).strip()
    if not url:
        return ""
    if len(url) > DESK_URL_MAX:
        raise RuleBroken(f"The desk URL is longer than {DESK_URL_MAX} characters.")
    refused = RuleBroken("The desk URL must be a web link starting with http:// or https://, without a #part.")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise refused from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.fragment or "#" in url:
        raise refused
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise refused
    return url


async def _pages(store: Reads, guild_id: int, slug: str | None) -> AsyncIterator[list[ExportClaim]]:
    after = 0
    while True:
        page = await store.export_claims(guild_id, story_slug=slug, after_number=after, limit=PAGE)
        if not page:
            return
        yield page
        if len(page) < PAGE:
            return
        after = page[-1].claim.number


async def _story(store: Reads, guild_id: int, slug: str) -> Story:
    stories = await store.export_stories(guild_id)
    for story in stories:
        if story.slug == slug:
            return story
    known = ", ".join(s.slug for s in stories[:10]) or "none"
    raise RuleBroken(f"This server has no story {slug[:80]!r}. Its stories: {known}.")


async def export(
    store: Reads,
    guild_id: int,
    fmt: ExportFormat,
    open_file: Opener,
    *,
    story_slug: str | None = None,
    desk: DeskProfile = NO_PROFILE,
    author_name: str = "",
    max_bytes: int | None = None,
) -> ExportResult:
    """Write the export through `open_file` (called once per file, before its first byte)."""
    story = await _story(store, guild_id, story_slug) if story_slug is not None else None
    scope = story.slug if story else "server"
    tally = _Tally(max_bytes)

    def sink(file: ExportFile) -> _Sink:
        return _Sink(tally, open_file(file))

    claims = 0
    notes: list[str] = []
    if fmt is ExportFormat.CLAIMREVIEW:
        file = ExportFile(Part.CLAIMREVIEW, f"claimreview-{scope}.json")
        out = sink(file)
        writer = claimreview.ClaimReviewWriter(desk, author_name or f"claimbot desk {guild_id}")
        out.write(writer.start())
        async for page in _pages(store, guild_id, story_slug):
            claims += len(page)
            out.write(writer.add(page))
        out.write(writer.finish())
        tally.files.append(_sized(file, out))
        notes += writer.notes()
    elif fmt is ExportFormat.CSV:
        claims_file = ExportFile(Part.CLAIMS, f"claims-{scope}.csv")
        history_file = ExportFile(Part.HISTORY, f"history-{scope}.csv")
        rows, history = sink(claims_file), sink(history_file)
        rows.write(export_csv.claims_header())
        history.write(export_csv.history_header())
        async for page in _pages(store, guild_id, story_slug):
            claims += len(page)
            rows.write(export_csv.claims_rows(page))
            history.write(export_csv.history_rows(page))
        tally.files += [_sized(claims_file, rows), _sized(history_file, history)]
        notes.append(f"{claims:,} claims; every change to them is in the history file.")
    else:
        stories = [story] if story else await store.export_stories(guild_id)
        if not stories:
            raise RuleBroken("This server has no stories, and a story file is one story: export csv or claimreview.")
        if len(stories) > MAX_STORY_FILES and max_bytes is not None:
            raise RuleBroken(
                f"This server has {len(stories)} stories, more than one message can carry: "
                "export one with story:, or all from the command line."
            )
        aliases: list[Alias] = await store.aliases(guild_id)
        for each in stories:
            file = ExportFile(Part.STORY, f"{each.slug}.toml", slug=each.slug)
            out = sink(file)
            story_writer = storyfile.StoryFileWriter(each)
            out.write(story_writer.start())
            async for page in _pages(store, guild_id, each.slug):
                claims += len(page)
                out.write(story_writer.add(page))
            out.write(story_writer.finish(aliases))
            tally.files.append(_sized(file, out))
            notes += story_writer.notes()
        if story is None:
            unfiled = await store.export_unfiled_count(guild_id)
            if unfiled:
                notes.append(
                    f"{unfiled:,} claims belong to no story, and a story file is one story: "
                    "they are in the csv and claimreview exports."
                )
        notes.append("The history is not part of the story format: the csv export has it.")
    return ExportResult(tuple(tally.files), tuple(notes), claims)


def _sized(file: ExportFile, out: _Sink) -> ExportFile:
    return ExportFile(file.part, file.name, out.size, file.slug)
