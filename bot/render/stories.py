"""Stories (issue 11): the /story list, story choices, a story's board, and the story a list is kept to.

Titles and publishers come from moderators and story files: escaped where markdown renders, cleaned
where Discord shows text literally (choice names, embed authors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.domain.claims import Board, Claim, Page, SearchHit, Speaker
from bot.domain.states import Verdict
from bot.domain.stories import StoryOverview, StoryRecord
from bot.render import custom_ids, limits
from bot.render.lines import timestamp, within
from bot.render.lists import LIST_COLOUR, board, pager
from bot.render.text import clean, clip, fit, fit_plain, link, safe_url

TITLE_MAX = 200
PUBLISHER_MAX = 80


def story_label(record: StoryRecord, limit: int = limits.CHOICE_NAME) -> str:
    """`North Korea to Send 10,000 Troops… · TIME / Bloomberg · 2024-10-17`: plain text, for choices."""
    story = record.story
    tail = f" · {fit_plain(clean(story.publisher, inline=True), PUBLISHER_MAX // 2)} · {story.published.isoformat()}"
    title = fit_plain(clean(story.title, inline=True), max(1, limit - len(tail))) or story.slug
    return clip(f"{title}{tail}", limit)


def story_choice(record: StoryRecord) -> app_commands.Choice[str]:
    """The value is the slug, which the option's transform looks up again in the member's own server."""
    return app_commands.Choice(name=story_label(record), value=record.slug[: limits.CHOICE_VALUE])


def _counts(overview: StoryOverview) -> str:
    shown = [f"{v.look.emoji} {overview.counts[v]}" for v in Verdict if overview.counts.get(v)]
    noun = "claim" if overview.total == 1 else "claims"
    return " · ".join([f"**{overview.total} {noun}**", *shown])


def _story_block(overview: StoryOverview) -> str:
    """Three lines, each bounded: the title (linked when it has a URL), publisher and date; the counts
    and the last change; the value to give `story:`."""
    story = overview.record.story
    title = link(story.title.strip() or story.slug, story.url, TITLE_MAX)
    if not safe_url(story.url):
        title = f"**{title}**"
    head = f"{title} · {fit(story.publisher, PUBLISHER_MAX, inline=True)} · {story.published.isoformat()}"
    last = f" · last change {timestamp(overview.last_change)}" if overview.last_change else ""
    # A slug is letters, digits and hyphens (the seed format and slug_for make sure), safe in code.
    return "\n".join([head, f"{_counts(overview)}{last}", f"`story: {overview.record.slug}`"])


def story_list(overviews: Sequence[StoryOverview]) -> discord.Embed:
    """Every story the server tracks, newest first, with its claims per verdict and its last change;
    as many as fit, then "+N more"."""
    embed = discord.Embed(title="Stories", colour=LIST_COLOUR)
    if not overviews:
        embed.description = "This server tracks no story yet. Moderators add one with /mod story new or /mod import."
        return embed
    header = "Use `story:` on /claim, /search, /who-said and /status to keep to one of them."
    blocks = [_story_block(overview) for overview in overviews]
    room = limits.EMBED_DESCRIPTION - len(header) - 2
    embed.description = f"{header}\n\n{within(blocks, room, separator=chr(10) * 2)}"
    noun = "story" if len(overviews) == 1 else "stories"
    embed.set_footer(text=f"{len(overviews)} {noun}, newest first")
    return embed


def kept_to(embed: discord.Embed, record: StoryRecord | None) -> discord.Embed:
    """Mark a list as kept to one story: its title in the embed's author line (plain text there)."""
    if record is not None:
        title = fit_plain(clean(record.story.title, inline=True), limits.EMBED_AUTHOR - 20) or record.slug
        embed.set_author(name=f"Story: {title}")
    return embed


def story_board(result: Board, record: StoryRecord) -> discord.Embed:
    embed = board(result)
    embed.title = "Claims board"
    return kept_to(embed, record)


def story_search_pager(
    page: Page[SearchHit], record: StoryRecord, verdict: Verdict | None, speaker: Speaker | None
) -> discord.ui.View:
    speaker_id = speaker.id if speaker is not None else None
    return pager(page, lambda offset: custom_ids.story_search_page(record.id, offset, verdict, speaker_id))


def story_speaker_pager(page: Page[Any], record: StoryRecord, speaker: Speaker) -> discord.ui.View:
    return pager(page, lambda offset: custom_ids.story_speaker_page(record.id, speaker.id, offset))


def story_saved(record: StoryRecord, *, new: bool) -> str:
    """The moderator's private confirmation of /mod story new or edit."""
    story = record.story
    title = fit(story.title, TITLE_MAX, inline=True)
    url = safe_url(story.url)
    where = f" <{url}>" if url else " (no URL yet: set one with /mod story edit)"
    verb = "Added the story" if new else "Saved the story"
    publisher = fit(story.publisher, PUBLISHER_MAX, inline=True)
    return f"✅ {verb} **{title}** · {publisher} · {story.published}{where}\n`story: {record.slug}`"


def added_to_story(claim: Claim) -> str:
    """/mod add's confirmation, with the story the claim went to (chosen, or the most recent)."""
    if claim.story is None:
        return f"Added claim #{claim.number}."
    return f"Added claim #{claim.number} to the story **{fit(claim.story.title, TITLE_MAX, inline=True)}**."
