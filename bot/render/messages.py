"""Plain message text the bot posts: verdict announcements and the settings summary.

Errors are not here: each cog words its own, next to the check that raises them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.claims import Change, Claim, GuildSettings
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


def settings_summary(settings: GuildSettings, *, warnings: Sequence[str] = ()) -> str:
    """What this server has set, as mentions the client shows by name (nothing pings: no mentions
    are allowed). `warnings` are the cog's own findings, such as a channel the bot cannot post in."""
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "not set"
    channel = (
        f"<#{settings.announce_channel_id}>"
        if settings.announce_channel_id
        else "off (verdict changes are not announced)"
    )
    lines = ["**claimbot settings**", f"Moderator role: {role}", f"Announcements: {channel}"]
    lines += [f"⚠️ {fit(warning, 300, inline=True)}" for warning in warnings[:WARNINGS_SHOWN]]
    return "\n".join(lines)
