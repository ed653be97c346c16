"""What a moderator reads with an export: which files, and what they leave out (member text escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render import limits
from bot.render.text import fit

FORMAT_LABELS = {
    "claimreview": "ClaimReview (JSON-LD)",
    "csv": "CSV (claims, and their history)",
    "story": "Story file (what /mod import reads)",
}


def cli_command(guild_id: int, fmt: str, story: str | None) -> str:
    story_part = f" --story {story}" if story else ""
    return f"python -m bot export --guild {guild_id} --format {fmt}{story_part} PATH"


def export_summary(files: Sequence[tuple[str, int]], notes: Sequence[str]) -> str:
    """The files attached, then one line per note."""
    names = ", ".join(f"`{fit(name, 100, inline=True)}` ({size / 1024:,.0f} KiB)" for name, size in files)
    lines = [f"📦 Export: {names}"]
    lines += [f"- {fit(note, 300, inline=True)}" for note in notes]
    text = "\n".join(lines)
    return text if len(text) <= limits.CONTENT else fit(text, limits.CONTENT)


def export_too_large(limit: int, guild_id: int, fmt: str, story: str | None) -> str:
    return (
        f"The export is larger than {limit / 2**20:,.0f} MiB, more than Discord lets me attach here. "
        f"On the bot's machine, run `{cli_command(guild_id, fmt, story)}`: it writes files of any size."
    )
