"""Stories (issue 11): the /story list, story choices, a story's board, and the story a list is kept to.

Titles and publishers come from moderators and story files: escaped where markdown renders, cleaned
where Discord shows text literally (choice names, embed authors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.domain.claims import Board, Claim, Page, SearchHit, Speaker, Story
from bot.domain.states import Verdict
from bot.domain.stories import SeedPlan, StoryOverview, StoryRecord
from bot.render import custom_ids, limits
from bot.render.lines import timestamp, within
from bot.render.lists import LIST_COLOUR, board, pager
from bot.render.text import clean, clip, fit, fit_plain, link, safe_url
from bot.render.views import StatelessView

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
    embed.set_footer(text="Newest first")
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


# /mod import

LISTED_PER_KIND = 8
KEY_LINE_MAX = 115  # 8 of them and the count of the rest stay within a field's 1,024 characters


def _keyed_lines(keys: Sequence[str], statements: dict[str, str]) -> list[str]:
    """`• <key in code> — statement…`, the first few, each within KEY_LINE_MAX so that all of them and the
    count of the rest fit one field; a key is letters, digits and hyphens (the format says so)."""
    lines = []
    for key in keys[:LISTED_PER_KIND]:
        room = KEY_LINE_MAX - len(key) - 7
        statement = fit(statements.get(key, ""), room, inline=True) if room > 10 else ""
        lines.append(f"• `{key}`" + (f" — {statement}" if statement else ""))
    if len(keys) > LISTED_PER_KIND:
        lines.append(f"… and {len(keys) - LISTED_PER_KIND:,} more")
    return lines


def import_preview(filename: str, story: Story, statements: dict[str, str], plan: SeedPlan) -> discord.Embed:
    """What Confirm would do: the story, then what would be added, updated and left alone (and why);
    `statements` are the file's, by claim key."""
    embed = discord.Embed(title="Import preview", colour=LIST_COLOUR)
    if plan.story_is_new:
        about = "a **new story** for this server"
    elif plan.story_kept:
        about = "a story this server has; its title, publisher, URL and date stay as a moderator edited them"
    else:
        about = "a story this server has; its title, publisher, URL and date follow the file"
    head = [
        f"**{fit(story.title, TITLE_MAX, inline=True)}** · {fit(story.publisher, PUBLISHER_MAX, inline=True)} · "
        f"{story.published.isoformat()} (`story: {story.slug}`)",
        f"From {fit(filename, 100, inline=True)}: {about}.",
    ]
    embed.description = "\n".join(head)
    sections = (
        (f"To add: {len(plan.added):,}", plan.added),
        (f"To update (no moderator has touched them): {len(plan.updated):,}", plan.updated),
        (f"Left alone, because a moderator changed them: {len(plan.kept):,}", plan.kept),
    )
    for name, keys in sections:
        if keys:
            value = within(_keyed_lines(keys, statements), limits.EMBED_FIELD_VALUE)
            embed.add_field(name=name, value=value, inline=False)
    if plan.unchanged:
        embed.add_field(name="Already as the file says", value=f"{plan.unchanged:,} claims", inline=False)
    embed.set_footer(text="Confirm applies exactly this, in one go; nothing changes until then. Open for 15 minutes.")
    return embed


def import_buttons(token: str) -> discord.ui.View:
    view = StatelessView()
    confirm, cancel = custom_ids.import_confirm(token), custom_ids.import_cancel(token)
    view.add_item(discord.ui.Button(label="Confirm", style=discord.ButtonStyle.success, custom_id=confirm))
    view.add_item(discord.ui.Button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id=cancel))
    return view


def nothing_to_import(filename: str, story: Story, plan: SeedPlan) -> str:
    kept = f" or left alone because a moderator changed it ({len(plan.kept):,})" if plan.kept else ""
    return (
        f"Nothing to import from {fit(filename, 100, inline=True)}: every claim of "
        f"**{fit(story.title, TITLE_MAX, inline=True)}** is already as the file says{kept}."
    )


def import_done(story: Story, added: int, updated: int, kept: int) -> str:
    title = fit(story.title, TITLE_MAX, inline=True)
    return (
        f"✅ Imported **{title}** (`story: {story.slug}`): {added:,} added, {updated:,} updated, "
        f"{kept:,} left alone because a moderator changed them."
    )
