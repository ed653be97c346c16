"""Following and corrections as members see them: /following, the DM of what changed, the "Updated" line.

Everything here goes to a DM or a public message the bot edits: member text is escaped as on the cards
(`fit`), sources are wrapped in <> so nothing unfurls, and the client allows no mentions anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import discord

from bot.domain.claims import Claim, Page
from bot.domain.follows import Followed, FollowKind, PostedMessage
from bot.domain.states import Attribution, Verdict
from bot.render import custom_ids, limits
from bot.render.lines import badge, change_value, field_label, position
from bot.render.lists import LIST_COLOUR, pager
from bot.render.text import clip, fit, safe_url

NAME_MAX = 120
NOTE_MAX = 300
STATEMENT_MAX = 160
DM_CHANGES_SHOWN = 10


def what(kind: FollowKind, name: str, number: int | None) -> str:
    """`#3 “statement…”`, `speaker **Name**`, `story **Title**`: one thing followed, escaped."""
    if kind is FollowKind.CLAIM:
        shown = fit(name, STATEMENT_MAX, inline=True) if name else "(not in this server)"
        return f"**#{number}** {shown}" if number is not None else shown
    label = "speaker" if kind is FollowKind.SPEAKER else "story"
    return f"{label} **{fit(name, NAME_MAX, inline=True) or '(not in this server)'}**"


def followed(kind: FollowKind, name: str, number: int | None, *, new: bool) -> str:
    thing = what(kind, name, number)
    if not new:
        return f"You already follow {thing}."
    stop = "" if thing.endswith((".", "!", "?", "…")) else "."
    return f"✅ You now follow {thing}{stop} I'll DM you when its verdict, attribution or statement changes."


def unfollowed(kind: FollowKind, name: str, number: int | None) -> str:
    return f"✅ You no longer follow {what(kind, name, number)}."


def following_page(page: Page[Followed]) -> discord.Embed:
    embed = discord.Embed(title="What you follow here", colour=LIST_COLOUR)
    embed.set_footer(text=position(page, "follows"))
    if not page.items:
        embed.description = (
            "You follow nothing here yet. Use /follow with a claim, a speaker or a story."
            if page.total == 0
            else "No more follows on this page; open /following again."
        )
        return embed
    lines = [f"• {what(f.kind, f.name, f.number)}" for f in page.items]
    embed.description = clip("\n".join(lines), limits.EMBED_DESCRIPTION)
    return embed


def following_pager(page: Page[Followed]) -> discord.ui.View:
    return pager(page, custom_ids.following_page)


def _change_line(change: Mapping[str, Any]) -> str:
    """`**#3** verdict: 🟡 Disputed → 🟢 Confirmed — note — <source> — by mod`."""
    field = str(change.get("field", ""))
    head = f"**#{change.get('number')}** {field_label(field).lower()}: "
    if field == "statement":
        head += f"now “{fit(str(change.get('new') or ''), STATEMENT_MAX, inline=True)}”"
    else:
        old = change_value(field, change.get("old"), 60)
        new = change_value(field, change.get("new"), 60)
        head += f"{old} → {new}"
    note = fit(str(change.get("note") or ""), NOTE_MAX, inline=True)
    source = safe_url(change.get("source"))
    actor = fit(str(change.get("actor") or ""), NAME_MAX, inline=True) or "a moderator"
    parts = [head, *([note] if note else []), *([f"<{source}>"] if source else []), f"by {actor}"]
    return " — ".join(parts)


def change_digest(guild_name: str, changes: Sequence[Mapping[str, Any]]) -> str:
    """One DM for every change a member follows that came within the batching window, oldest first."""
    server = fit(guild_name, NAME_MAX, inline=True) or "a server"
    count = len(changes)
    title = f"**What you follow in {server} changed**" if count > 1 else f"**Something you follow in {server} changed**"
    lines = [title]
    statements: dict[int, str] = {}
    for change in changes[:DM_CHANGES_SHOWN]:
        lines.append(_change_line(change))
        number = int(change.get("number") or 0)
        statements.setdefault(number, str(change.get("statement") or ""))
    if count > DM_CHANGES_SHOWN:
        lines.append(f"…and {count - DM_CHANGES_SHOWN} more changes: see /claim for each.")
    for number, statement in list(statements.items())[:3]:
        if statement and not any(c.get("field") == "statement" and c.get("number") == number for c in changes):
            lines.append(f"> #{number} {fit(statement, STATEMENT_MAX, inline=True)}")
    lines.append("-# You follow this with /follow; /unfollow to stop.")
    text = "\n".join(lines)
    return text if len(text) <= limits.CONTENT else clip(text, limits.CONTENT)


def digests(guild_name: str, changes: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """The changes as few DMs as fit (each within Discord's 2,000 characters and DM_CHANGES_SHOWN changes),
    oldest first: (text, how many of the changes it holds). Nothing is left out of a long batch."""
    out: list[tuple[str, int]] = []
    start = 0
    while start < len(changes):
        size = min(DM_CHANGES_SHOWN, len(changes) - start)
        while size > 1 and len(change_digest(guild_name, changes[start : start + size])) >= limits.CONTENT:
            size -= 1
        out.append((change_digest(guild_name, changes[start : start + size]), size))
        start += size
    return out


def updated_line(posted: PostedMessage, claim: Claim, when: datetime) -> str | None:
    """`Updated 3 Dec: was 🟡 Disputed, now 🟢 Confirmed`, against what the message showed when posted;
    None while the claim is as it was."""
    if claim.revision == posted.shown_revision:
        return None
    day = f"{when.day} {when.strftime('%b')}"
    shown = {v.value: v for v in Verdict}.get(posted.shown_verdict)
    if shown is not None and shown is not claim.verdict:
        return f"Updated {day}: was {badge(shown.look)}, now {badge(claim.verdict.look)}"
    attribution = {a.value: a for a in Attribution}.get(posted.shown_attribution)
    if attribution is not None and attribution is not claim.attribution:
        return f"Updated {day}: attribution was {badge(attribution.look)}, now {badge(claim.attribution.look)}"
    return f"Updated {day}: the claim was edited since this was posted"


def updated_announcement(content: str, line: str) -> str:
    """An announcement as posted, with the correction under it (replacing an earlier one)."""
    original = content.split("\n-# Updated ", 1)[0]
    tail = f"\n-# {line}"
    return clip(original, limits.CONTENT - len(tail)) + tail
