"""Plain message text the bot posts: verdict announcements and the settings summary.

Errors are not here: each cog words its own, next to the check that raises them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.claims import Actor, Alias, Change, Claim, GuildSettings
from bot.domain.follows import EditProblem
from bot.domain.names import normalise_name
from bot.domain.states import Verdict
from bot.render import limits
from bot.render.lines import NAME_MAX, change_value, claim_line, field_label, summary_of
from bot.render.text import fit, safe_url

STATEMENT_LINE_MAX = 400
WARNINGS_SHOWN = 5  # five 300-character warnings and the settings stay far below 2,000 characters


def verdict_announcement(claim: Claim, change: Change) -> str:
    """`**#7 is now Confirmed** 🟢 — note — <source> — by Name`, then the claim itself for context.

    Posted in a channel, so the source is wrapped in <> to keep Discord from unfurling a preview,
    and everything a member wrote is escaped: the client sends with no mentions allowed, and the
    text must not look like a ping either.
    """
    if change.field == "verdict" and change.new_value in {verdict.value for verdict in Verdict}:
        look = Verdict(change.new_value).look
        head = f"**#{claim.number} is now {look.label}** {look.emoji}"
    else:
        value = change_value(change.field, change.new_value, 200)
        head = f"**#{claim.number}: {field_label(change.field).lower()} is now** {value}"
    actor = fit(change.actor.name, NAME_MAX, inline=True) or "someone"
    source = safe_url(change.source_url)
    tail = (f" — <{source}>" if source else "") + f" — by {actor}"
    context = "\n> " + claim_line(summary_of(claim), STATEMENT_LINE_MAX)
    note_room = limits.CONTENT - len(head) - len(tail) - len(context) - len(" — ")
    note = fit(change.note, note_room, inline=True)
    return f"{head}{f' — {note}' if note else ''}{tail}{context}"


def settings_summary(
    settings: GuildSettings,
    *,
    warnings: Sequence[str] = (),
    more: Sequence[str] = (),
    edit_problems: Sequence[EditProblem] = (),
) -> str:
    """What this server has set, as mentions the client shows by name (nothing pings: no mentions
    are allowed). `warnings` are the cog's own findings, such as a channel the bot cannot post in;
    `more`, other parts' settings lines (the queue channel and review intervals, bot/render/queue.py)."""
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "not set"
    channel = (
        f"<#{settings.announce_channel_id}>"
        if settings.announce_channel_id
        else "off (verdict changes are not announced)"
    )
    lines = ["**claimbot settings**", f"Moderator role: {role}", f"Announcements: {channel}"]
    # Exports (issue 12): who the ClaimReviews are published under, once set (/mod export says when not).
    if settings.desk_name:
        lines.append(f"Desk name (exports): {fit(settings.desk_name, 100, inline=True)}")
    link = safe_url(settings.desk_url)
    if link:
        lines.append(f"Desk URL (exports): <{link}>")
    lines += more
    lines += [f"⚠️ {fit(warning, 300, inline=True)}" for warning in warnings[:WARNINGS_SHOWN]]
    # Following and corrections (issue 12): where the bot's earlier posts could not be corrected.
    for problem in edit_problems[:WARNINGS_SHOWN]:
        lines.append(
            f"⚠️ I could not update my earlier posts in <#{problem.channel_id}> (Discord error {problem.code}, "
            f"since {problem.at.day} {problem.at.strftime('%b')}): give me View Channel and Read Message History there."
        )
    return "\n".join(lines)


def alias_added(alias: Alias) -> str:
    return (
        f"“{fit(alias.name, NAME_MAX, inline=True)}” now finds what is said of "
        f"{fit(alias.entity, NAME_MAX, inline=True)}, in claims already written with it too."
    )


def alias_removed(removed: Sequence[Alias]) -> str:
    """The name asked for first; the others search read as the same words went with it."""
    first, *same = removed
    also = ", ".join(f"“{fit(a.name, NAME_MAX, inline=True)}”" for a in same)
    with_it = f" (and {also}, which search reads as the same words)" if same else ""
    return (
        f"“{fit(first.name, NAME_MAX, inline=True)}”{with_it} no longer finds what is said of "
        f"{fit(first.entity, NAME_MAX, inline=True)}; /mod aliases entity: keeps the record of it."
    )


def aliases_summary(aliases: Sequence[Alias], entity: str | None = None) -> str:
    """The server's other names in use: one line per entity; with `entity`, each name it has had with
    who added it, when and why, and who removed it (the rows are never deleted, so `aliases`, the
    server's alias history, is the whole story)."""
    if entity is not None:
        wanted = normalise_name(entity)
        mine = [a for a in aliases if normalise_name(a.entity) == wanted or normalise_name(a.name) == wanted]
        if not mine:
            return f"No other names for {fit(entity, NAME_MAX, inline=True)} yet: add one with /mod alias."
        owner = mine[0].entity
        mine = [a for a in aliases if a.entity == owner]
        lines = [f"**Other names of {fit(owner, NAME_MAX, inline=True)}**"]
        for alias in mine:
            name = fit(alias.name, NAME_MAX, inline=True)
            record = _by("added", alias.actor, alias.at, alias.note)
            if alias.removal is not None:  # struck through: the name no longer finds anything
                gone = alias.removal
                name, record = f"~~{name}~~", f"{record}; {_by('removed', gone.actor, gone.at, gone.note)}"
            lines.append(f"• {name} ({record})")
        return _lines_within(lines, limits.CONTENT)
    in_use = [a for a in aliases if a.removal is None]
    if not in_use:
        return "This server has no other names for places, bodies or people yet: add one with /mod alias."
    by_entity: dict[str, list[str]] = {}
    for alias in in_use:
        by_entity.setdefault(alias.entity, []).append(alias.name)
    lines = ["**Other names** (/mod aliases entity: shows who added each, when and why)"]
    lines += [
        f"**{fit(name, NAME_MAX, inline=True)}**: {fit(', '.join(names), 400, inline=True)}"
        for name, names in by_entity.items()
    ]
    return _lines_within(lines, limits.CONTENT)


def _by(done: str, actor: Actor, at: datetime | None, note: str) -> str:
    """What was done, by whom, when and why: "added by alice, 2026-12-01: the AP's spelling"."""
    when = f", {at:%Y-%m-%d}" if at else ""
    who = fit(actor.name, NAME_MAX, inline=True) or "someone"
    why = f": {fit(note, 200, inline=True)}" if note else ""
    return f"{done} by {who}{when}{why}"


def _lines_within(lines: Sequence[str], limit: int) -> str:
    """As many whole lines as fit, and how many did not."""
    kept: list[str] = []
    size = 0
    for n, line in enumerate(lines):
        more = f"… and {len(lines) - n} more"
        if size + len(line) + 1 + len(more) > limit:
            kept.append(more)
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)
