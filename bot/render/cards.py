"""The /claim card: one claim with everything a reader needs to judge it, and its three buttons.

A card must send whatever the claim holds. Discord refuses an embed over 6,000 characters outright,
so the long parts (statement, rationale, latest change, evidence, related claims) share what the
fixed parts leave, the statement getting the largest share.
"""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.domain.claims import Claim, ClaimCard, Evidence, Relation, Story
from bot.domain.intake import Standing
from bot.domain.states import Look
from bot.render import custom_ids, limits
from bot.render.choices import short_name
from bot.render.lines import NAME_MAX, as_utc, badge, change_block, timestamp, within
from bot.render.text import fit, link, safe_url
from bot.render.views import StatelessView

EVIDENCE_SHOWN = 10
RELATIONS_SHOWN = 10
EVIDENCE_NOTE_MAX = 300
SHORT_FIELD = 200  # role, venue, when, publisher: the store caps these at 200 anyway
STORY_TITLE_MAX = 200
PUBLISHER_MAX = 150  # with a 200-character title and the longest link, the story still fits one field
_SLACK = 10  # Discord counts code points as len() does (discord-api-docs#1315); a margin costs nothing

# A long part of the card: its field name ("" for the description), how to render it within a
# character budget (returning "" when there is nothing to show), and its weight in sharing the budget.
_Part = tuple[str, Callable[[int], str], int]


def claim_card(card: ClaimCard, standing: Standing | None = None, *, updated: str | None = None) -> discord.Embed:
    """`standing` (issue 11): how many members asked about it, and as of when its verdict stands.
    `updated`: the correction line of a card the bot edits after a change (bot/render/follows.py),
    shown above everything, so a reader of an old post sees first that it changed."""
    claim = card.claim
    verdict = claim.verdict.look
    embed = discord.Embed(title=f"Claim #{claim.number}", colour=verdict.colour, timestamp=as_utc(claim.updated_at))
    embed.set_footer(text=f"Claim #{claim.number} · revision {claim.revision} · last updated")
    if updated:
        embed.set_author(name=updated[: limits.EMBED_AUTHOR])
    said = _said_by(claim)
    fixed = _fixed_fields(claim)
    if standing is not None:
        fixed.append(("Asked and reviewed", standing_text(standing), False))
    parts = _long_parts(card)

    reserved = limits.embed_size(embed) + len(said) + 2 + sum(len(name) + len(value) for name, value, _ in fixed)
    reserved += sum(len(name) for name, _, _ in parts)
    caps = [limits.EMBED_DESCRIPTION - len(said) - 2] + [limits.EMBED_FIELD_VALUE] * (len(parts) - 1)
    statement, *values = _fit(parts, caps, limits.EMBED_TOTAL - reserved - _SLACK)

    embed.description = f"{statement}\n\n{said}"
    for name, value, inline in fixed:
        embed.add_field(name=name, value=value, inline=inline)
    for (name, _, _), value in zip(parts[1:], values, strict=True):
        if value:
            embed.add_field(name=name, value=value, inline=False)
    return embed


def _fixed_fields(claim: Claim) -> list[tuple[str, str, bool]]:
    """The short fields, each bounded on its own: the story, and the two states side by side."""
    fields = [("Story", _story(claim.story), False)] if claim.story is not None else []
    fields.append(("Attribution", _state(claim.attribution.look), True))
    fields.append(("Verdict", _state(claim.verdict.look), True))
    return fields


def _long_parts(card: ClaimCard) -> list[_Part]:
    """The parts that can run long, the statement first and weighted most."""
    claim = card.claim
    parts: list[_Part] = [
        ("", lambda room: _statement(claim, room), 4),
        ("Why this verdict", lambda room: fit(claim.rationale, room), 2),
    ]
    if card.latest_change is not None:
        change = card.latest_change
        parts.append(("Latest change", lambda room: change_block(change, room), 1))
    if claim.evidence:
        parts.append(("Evidence", lambda room: _evidence(claim.evidence, room), 1))
    if card.relations:
        parts.append(("Related claims", lambda room: _relations(card.relations, room), 1))
    return parts


def _fit(parts: list[_Part], caps: list[int], budget: int) -> list[str]:
    """Render each part in full (up to its own cap), then again within its share if all don't fit."""
    needs = [len(render(cap)) for (_, render, _), cap in zip(parts, caps, strict=True)]
    rooms = limits.share(needs, [weight for _, _, weight in parts], budget)
    return [render(room) for (_, render, _), room in zip(parts, rooms, strict=True)]


def _statement(claim: Claim, limit: int) -> str:
    """Verbatim words in quotation marks; a paraphrase says so, so nobody quotes it as said."""
    if claim.verbatim:
        return f"“{fit(claim.statement, limit - 2)}”"
    marker = " *(paraphrase)*"
    return f"{fit(claim.statement, limit - len(marker))}{marker}"


def _said_by(claim: Claim) -> str:
    """`— **Volodymyr Zelensky**, President of Ukraine` and `At a press conference · 2024-10-17`."""
    speaker = fit(claim.speaker.name, SHORT_FIELD, inline=True) or "Unknown speaker"
    role = fit(claim.role, SHORT_FIELD, inline=True)
    lines = [f"— **{speaker}**" + (f", {role}" if role else "")]
    where = [fit(text, SHORT_FIELD, inline=True) for text in (claim.venue, claim.said_when)]
    where = [text for text in where if text]
    if where:
        lines.append(" · ".join(where))
    return "\n".join(lines)


def _story(story: Story) -> str:
    """The report, linked when it has a link; a field value, so it stays within 1,024 characters."""
    title = link(story.title.strip() or "Untitled report", story.url, STORY_TITLE_MAX)
    if not safe_url(story.url):
        title = f"*{title}*"
    publisher = fit(story.publisher, PUBLISHER_MAX, inline=True)
    return " · ".join(part for part in (title, publisher, story.published.isoformat()) if part)


def standing_text(standing: Standing) -> str:
    """`👥 3 members asked · verdict as of <t:…:R> · ⏰ due for review`."""
    asked = standing.requests
    noun = "member" if asked == 1 else "members"
    parts = [f"👥 {asked} {noun} asked for a check" if asked else "👥 Nobody asked for a check yet"]
    if standing.as_of is not None:
        parts.append(f"verdict as of {timestamp(standing.as_of)}")
    if standing.due:
        parts.append("⏰ **due for review**")
    return " · ".join(parts)


def _state(look: Look) -> str:
    return f"{look.emoji} **{look.label}**\n{look.meaning}"


def _evidence(evidence: tuple[Evidence, ...], limit: int) -> str:
    """Linked notes, the first few in full; a list of thirty links is for the history, not the card."""
    shown = evidence[:EVIDENCE_SHOWN]
    each = limit // max(len(shown), 1)
    lines = []
    for item in shown:
        url = safe_url(item.url)
        # The note shrinks before a link is dropped: a short label still leads to the evidence.
        label_room = min(EVIDENCE_NOTE_MAX, max(each - len(url or "") - 8, 40))
        if url and item.note.strip():
            lines.append(f"• {link(item.note, url, label_room)}")
        elif url:
            lines.append(f"• {url}")
        elif item.note.strip():
            lines.append(f"• {fit(item.note, label_room, inline=True)}")
    return within(lines, limit, hidden=max(len(evidence) - EVIDENCE_SHOWN, 0))


def _relations(relations: tuple[Relation, ...], limit: int) -> str:
    """`contradicted by **#6** Rutte · ⚪ Unverified`: which way the link runs, and where the other stands."""
    lines = []
    for relation in relations[:RELATIONS_SHOWN]:
        other = relation.other
        name = fit(short_name(other.speaker_name, other.speaker_short), NAME_MAX, inline=True)
        line = f"• {relation.phrase} **#{other.number}** {name} · {badge(other.verdict.look)}"
        note = fit(relation.note, 150, inline=True)
        lines.append(f"{line} — {note}" if note else line)
    return within(lines, limit, hidden=max(len(relations) - RELATIONS_SHOWN, 0))


def claim_buttons(number: int) -> discord.ui.View:
    """The card's buttons; persistent ids, so they still work on a card posted before a restart.

    Stateless: cogs/claims.py's DynamicItems answer them, so discord.py keeps no copy per card.
    """
    view = StatelessView()
    buttons = (
        ("History", custom_ids.claim_history(number)),
        ("More from this speaker", custom_ids.claim_speaker(number)),
        ("Related claims", custom_ids.claim_related(number)),
    )
    for label, custom_id in buttons:
        view.add_item(discord.ui.Button(label=label, custom_id=custom_id, style=discord.ButtonStyle.secondary))
    return view
