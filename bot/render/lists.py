"""Lists of claims and changes: a speaker's claims, search results, a claim's history, the board,
the claims found in a message, and a claim's related claims; with pagers for the paged ones.

A page is laid out so that every item on it shows: each line gets an equal share of the
description, so a page of 40 claims shows 40 shorter lines rather than 20 and a silent cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.domain.claims import Board, Change, Claim, ClaimSummary, Page, Relation, SearchHit, Speaker
from bot.domain.states import Verdict
from bot.render import custom_ids, limits
from bot.render.choices import short_name
from bot.render.lines import (
    NAME_MAX,
    badge,
    change_block,
    change_value,
    claim_line,
    position,
    share_of,
    summary_of,
    timestamp,
    within,
)
from bot.render.text import ZWSP, clip, fit, highlight, plain
from bot.render.views import StatelessView

LIST_COLOUR = discord.Colour.blurple()
NEUTRAL_COLOUR = discord.Colour.light_grey()
LINE_MAX = 300
BLOCK_MAX = 700
HEADER_MAX = 600
NOTE_MAX = 150
NOTE_MIN = 60
SEARCH_FOOTER_PREFIX = "Search: "
_SEARCH_FOOTER = re.compile(re.escape(SEARCH_FOOTER_PREFIX.strip()) + r"\s?(?P<query>.*)", re.DOTALL)


def _listing(header: str, lines: Sequence[str], *, separator: str = "\n") -> str:
    """Header, a blank line, then the lines; whatever does not fit becomes "+N more"."""
    if not lines:
        return header
    room = limits.EMBED_DESCRIPTION - len(header) - 2
    body = within(lines, room, separator=separator)
    return f"{header}\n\n{body}" if header else body


def _room(header: str, count: int, cap: int = LINE_MAX) -> int:
    return share_of(limits.EMBED_DESCRIPTION - len(header) - 2, count, cap)


# Pagers


def pager(page: Page[Any], custom_id: Callable[[int], str]) -> discord.ui.View:
    """Previous and Next, disabled at the ends; no buttons at all when everything fits one page.

    The ids hold the offset to load, so the cog needs no memory of who looked at which page, and
    discord.py none of the view: the cogs' DynamicItems answer the buttons.
    """
    view = StatelessView()
    if page.offset == 0 and not page.has_next:
        return view
    step = max(page.limit, 1)
    back: discord.ui.Button[discord.ui.View] = discord.ui.Button(
        label="◀ Previous", custom_id=custom_id(max(page.offset - step, 0)), disabled=page.offset == 0
    )
    forward: discord.ui.Button[discord.ui.View] = discord.ui.Button(
        label="Next ▶", custom_id=custom_id(page.offset + step), disabled=not page.has_next
    )
    view.add_item(back)
    view.add_item(forward)
    return view


def speaker_pager(speaker: Speaker, page: Page[ClaimSummary]) -> discord.ui.View:
    return pager(page, lambda offset: custom_ids.speaker_page(speaker.id, offset))


def search_pager(page: Page[SearchHit], verdict: Verdict | None, speaker: Speaker | None) -> discord.ui.View:
    speaker_id = speaker.id if speaker is not None else None
    return pager(page, lambda offset: custom_ids.search_page(offset, verdict, speaker_id))


def timeline_pager(number: int, page: Page[Change]) -> discord.ui.View:
    return pager(page, lambda offset: custom_ids.history_page(number, offset))


# A speaker's claims


def speaker_page(speaker: Speaker, page: Page[ClaimSummary]) -> discord.Embed:
    title = clip(f"Claims by {fit(speaker.name, 200, inline=True)}", limits.EMBED_TITLE)
    embed = discord.Embed(title=title, colour=LIST_COLOUR)
    embed.set_footer(text=position(page, "claims"))
    header = ""
    variants = [name for name in speaker.variants if name != speaker.name]
    if variants:
        header = fit("Also written as " + ", ".join(variants), HEADER_MAX, inline=True)
    if not page.items:
        embed.description = _listing(header, []) or "No claims recorded for this speaker."
        return embed
    room = _room(header, len(page.items))
    embed.description = _listing(header, [claim_line(item, room) for item in page.items])
    return embed


# Search


def search_page(
    query: str, page: Page[SearchHit], verdict: Verdict | None = None, speaker: Speaker | None = None
) -> discord.Embed:
    """Results with the matched words in bold. The footer carries the query for the pager: see
    `search_query`, since a button's custom_id may not hold member text."""
    embed = discord.Embed(title="Search results", colour=LIST_COLOUR)
    embed.set_footer(text=clip(SEARCH_FOOTER_PREFIX + plain(query), limits.EMBED_FOOTER))
    shown_query = fit(query, 200, inline=True)
    filters = []
    if verdict is not None:
        filters.append(f"verdict {badge(verdict.look)}")
    if speaker is not None:
        filters.append(f"speaker **{fit(speaker.name, NAME_MAX, inline=True)}**")
    header_lines = [f"Claims matching **{shown_query}**" if shown_query else "All claims"]
    if filters:
        header_lines.append("Only " + " and ".join(filters))
    header_lines.append(position(page, "claims"))
    if page.more:
        header_lines.append("Add a word or a filter to narrow them.")
    header = "\n".join(header_lines)
    if not page.items:
        embed.description = f"{header}\n\nNo claim matches. Try fewer or other words, or drop a filter."
        return embed
    room = _room(header, len(page.items), cap=BLOCK_MAX)
    embed.description = _listing(header, [_hit(hit, room) for hit in page.items], separator="\n\n")
    return embed


def _hit(hit: SearchHit, limit: int) -> str:
    """The claim's line, then the matching excerpt; quotation marks only for verbatim words."""
    summary = hit.summary
    head = (
        f"**#{summary.number}** {fit(short_name(summary.speaker_name, summary.speaker_short), NAME_MAX, inline=True)}"
    )
    head += f" · {badge(summary.verdict.look)}"
    quotes = ("“", "”") if summary.verbatim else ("", "")
    room = limit - len(head) - 1 - 2 * len(quotes[0])
    if room < 8:
        return clip(head, limit)
    return f"{head}\n{quotes[0]}{highlight(hit.snippet, room)}{quotes[1]}"


def search_query(embed: discord.Embed) -> str | None:
    """The query a search embed was made for, read back by the pager's cog; None if it is not one."""
    match = _SEARCH_FOOTER.fullmatch(embed.footer.text or "")
    # Every zero-width space in it is one `plain` added to break a mention: the member's own were removed.
    return match["query"].replace(ZWSP, "").strip() if match else None


# A claim's history


def timeline(claim: Claim, page: Page[Change]) -> discord.Embed:
    embed = discord.Embed(title=f"History of claim #{claim.number}", colour=claim.verdict.look.colour)
    embed.set_footer(text=position(page, "changes"))
    header = claim_line(summary_of(claim), LINE_MAX)
    if not page.items:
        embed.description = f"{header}\n\nNo changes recorded."
        return embed
    room = _room(header, len(page.items), cap=BLOCK_MAX)
    blocks = [change_block(change, room, style="f") for change in page.items]
    embed.description = _listing(header, blocks, separator="\n\n")
    return embed


# The board


def board(board: Board, most_requested: Sequence[tuple[ClaimSummary, int]] = ()) -> discord.Embed:
    """How many claims stand where, and what moved last: the desk's overview. `most_requested` (issue
    11): the most-asked claims still unverified or under investigation, where the desk should work next."""
    embed = discord.Embed(title="Claims board", colour=LIST_COLOUR)
    counts = [f"{verdict.look.emoji} **{verdict.look.label}**: {board.counts.get(verdict, 0)}" for verdict in Verdict]
    noun = "claim" if board.total == 1 else "claims"
    embed.description = "\n".join([*counts, "", f"**{board.total} {noun}** in all"])
    if board.recent:
        room = share_of(limits.EMBED_FIELD_VALUE, len(board.recent), LINE_MAX)
        lines = [_recent(summary, change, room) for summary, change in board.recent]
        embed.add_field(name="Recently changed", value=within(lines, limits.EMBED_FIELD_VALUE), inline=False)
    if most_requested:
        room = share_of(limits.EMBED_FIELD_VALUE, len(most_requested), LINE_MAX)
        asked = [claim_line(summary, room, tail=f" · 👥 {count} asked") for summary, count in most_requested]
        embed.add_field(name="Most requested, still open", value=within(asked, limits.EMBED_FIELD_VALUE), inline=False)
    return embed


def _recent(summary: ClaimSummary, change: Change, limit: int) -> str:
    move = change_value(change.field, change.new_value, 60)
    if change.old_value is not None:
        move = f"{change_value(change.field, change.old_value, 60)} → {move}"
    return claim_line(summary, limit, tail=f" · {move} {timestamp(change.at)}")


# Claims found in a message


def matches(text: str, summaries: Sequence[ClaimSummary]) -> discord.Embed:
    """The answer to "Check claims" on a message: which tracked claims it touches, or that none do."""
    excerpt = fit(text, 300, inline=True)
    quoted = f"> {excerpt}" if excerpt else "*(the message has no text)*"
    if not summaries:
        embed = discord.Embed(title="No claim matched", colour=NEUTRAL_COLOUR)
        embed.description = f"{quoted}\n\nNothing in this message matches a claim we track."
        return embed
    noun = "claim" if len(summaries) == 1 else "claims"
    embed = discord.Embed(title=f"{len(summaries)} tracked {noun} in this message", colour=LIST_COLOUR)
    room = _room(quoted, len(summaries))
    embed.description = _listing(quoted, [claim_line(summary, room) for summary in summaries])
    return embed


# Related claims


def related(claim: Claim, relations: Sequence[Relation]) -> discord.Embed:
    """`contradicted by **#6** Rutte: “…” · ⚪ Unverified`, each with the link's note when it has one."""
    embed = discord.Embed(title=f"Claims related to #{claim.number}", colour=claim.verdict.look.colour)
    header = claim_line(summary_of(claim), LINE_MAX)
    if not relations:
        embed.description = f"{header}\n\nNo claims are linked to #{claim.number} yet."
        return embed
    room = _room(header, len(relations), cap=LINE_MAX + 150)
    embed.description = _listing(header, [_relation(relation, room) for relation in relations])
    return embed


def _relation(relation: Relation, limit: int) -> str:
    phrase = f"{relation.phrase} "
    # On a crowded page the other claim's words matter more than why the link was made.
    note_room = min(NOTE_MAX, limit // 3) if limit >= 3 * NOTE_MIN else 0
    note = fit(relation.note, note_room, inline=True) if relation.note.strip() and note_room else ""
    note_part = f" — {note}" if note else ""
    line = claim_line(relation.other, limit - len(phrase) - len(note_part))
    return f"{phrase}{line}{note_part}"
