"""One-line pieces the card, the lists and the announcements share, so a claim reads the same everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.domain.claims import Change, Claim, ClaimSummary, Page
from bot.domain.states import Attribution, Look, Verdict
from bot.render.choices import short_name
from bot.render.text import ELLIPSIS, clip, fit, safe_url

NAME_MAX = 100  # a name inside a line; the card shows names in full elsewhere

_FIELD_LABELS = {
    "verdict": "Verdict",
    "attribution": "Attribution",
    "statement": "Statement",
    "verbatim": "Quote or paraphrase",
    "speaker": "Speaker",
    "role": "Role",
    "venue": "Where",
    "said_when": "When",
    "relation": "Link",
    "evidence": "Evidence",
    "review": "Reviewed",
}


def badge(look: Look) -> str:
    return f"{look.emoji} {look.label}"


def as_utc(moment: datetime) -> datetime:
    """The store writes UTC; a naive value is UTC that lost its zone, not the host's local time."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def timestamp(moment: datetime, style: str = "R") -> str:
    """A Discord timestamp: each reader sees it in their own time zone and language."""
    return f"<t:{int(as_utc(moment).timestamp())}:{style}>"


def field_label(field: str) -> str:
    return _FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def change_value(field: str, value: str | None, limit: int) -> str:
    """A history value as a reader knows it: verdicts and attributions by their badge, not their key."""
    if value is None or not value.strip():
        return "—"
    states: dict[str, type[Verdict] | type[Attribution]] = {
        "verdict": Verdict,
        "review": Verdict,  # a review re-affirms a verdict (issue 11)
        "attribution": Attribution,
    }
    state = states.get(field)
    if state is not None and value in {member.value for member in state}:
        return badge(state(value).look)
    return fit(value, limit, inline=True)


def transition(change: Change, limit: int = 400) -> str:
    """`**Verdict**: ⚪ Unverified → 🟢 Confirmed`, or `**Link**: contradicts #6` for a first value."""
    label = f"**{field_label(change.field)}**: "
    room = max(limit - len(label) - 3, 2)
    if change.old_value is None:
        return label + change_value(change.field, change.new_value, room)
    old = change_value(change.field, change.old_value, room // 2)
    new = change_value(change.field, change.new_value, room - len(old))
    return f"{label}{old} → {new}"


def change_block(change: Change, limit: int, *, style: str = "R") -> str:
    """What changed, who did it and when, why, and the source, dropping the least needed first.

    The head (what, who, when) always shows; the source link shows whole or not at all; the note
    takes what room is left, since a cut link is a broken link but a cut note still reads.
    """
    who = fit(change.actor.name, NAME_MAX, inline=True) or "someone"
    head = f"{transition(change, min(400, limit // 2))} · by **{who}** {timestamp(change.at, style)}"
    head = head if len(head) <= limit else clip(transition(change, limit), limit)
    source = safe_url(change.source_url)
    source_line = f"\nSource: {source}" if source else ""
    if len(head) + len(source_line) > limit:
        source_line = ""
    note_room = limit - len(head) - len(source_line) - 1
    note = fit(change.note, note_room, inline=True) if change.note.strip() and note_room > 2 * len(ELLIPSIS) else ""
    return head + (f"\n{note}" if note else "") + source_line


def summary_of(claim: Claim) -> ClaimSummary:
    """The claim as a list line sees it, short name included, so its header reads as the lists do."""
    return ClaimSummary(
        claim.number,
        claim.statement,
        claim.verbatim,
        claim.speaker.name,
        claim.verdict,
        speaker_short=claim.speaker.short_name,
    )


def claim_line(summary: ClaimSummary, limit: int, *, tail: str | None = None) -> str:
    """`**#7** Zelensky: “We know about…” · 🟠 Disputed`; quotation marks only for verbatim words.

    `tail` replaces the verdict badge, for lines that say something else about the claim.
    """
    head = (
        f"**#{summary.number}** {fit(short_name(summary.speaker_name, summary.speaker_short), NAME_MAX, inline=True)}: "
    )
    tail = f" · {badge(summary.verdict.look)}" if tail is None else tail
    open_quote, close_quote = ("“", "”") if summary.verbatim else ("", "")
    room = limit - len(head) - len(tail) - len(open_quote) - len(close_quote)
    statement = fit(summary.statement, room, inline=True) if room > 2 * len(ELLIPSIS) else ELLIPSIS
    return f"{head}{open_quote}{statement}{close_quote}{tail}"


def within(lines: Sequence[str], limit: int, *, hidden: int = 0, separator: str = "\n") -> str:
    """As many whole lines as fit in `limit`, then "+N more" for the rest, so no line is half shown.

    `hidden` counts items the caller did not even render (beyond a fixed cap shown).
    """
    shown: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1 + hidden
        reserve = len(f"{separator}+{rest + 1} more") if rest else 0
        cost = len(line) + (len(separator) if shown else 0)
        if used + cost + reserve > limit:
            break
        shown.append(line)
        used += cost
    more = len(lines) - len(shown) + hidden
    if more:
        shown.append(f"+{more} more")
    return separator.join(shown)[:limit]


def position(page: Page[Any], noun: str) -> str:
    """`Showing 11–20 of 40 claims`: where this page sits in the whole ("of 100+" where counting stopped)."""
    total = f"{page.total}+" if page.more else str(page.total)
    if not page.items:
        return f"No {noun}" if page.total == 0 else f"No more {noun} (there are {total})"
    first = page.offset + 1
    last = page.offset + len(page.items)
    return f"Showing {first}–{last} of {total} {noun}"


def share_of(budget: int, count: int, cap: int) -> int:
    """Room for each of `count` list lines so that a full page fits `budget` without dropping any."""
    return max(min(cap, budget // max(count, 1) - 2), 0)
