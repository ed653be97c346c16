"""Autocomplete choices: a label a member can recognise at a glance and a value the cog can trust.

Choice names are shown literally (no markdown), so text is cleaned but not escaped. Values are what
the client submits back; the cog validates them again, since a member may type anything instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from discord import app_commands

from bot.domain.claims import ClaimSummary, Speaker
from bot.render import limits
from bot.render.text import clean, fit_plain

SHORT_NAME_MAX = 30
_SPEAKER_ID_VALUE = re.compile(r"id:([0-9]{1,20})")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# Names of bodies read wrong when cut to their last word ("Ministry of Defence" is not "Defence").
_BODY_WORDS = {
    "agency",
    "army",
    "command",
    "committee",
    "council",
    "department",
    "forces",
    "government",
    "ministry",
    "office",
    "party",
    "press",
    "service",
    "staff",
    "union",
}


@lru_cache(maxsize=4_096)  # a guild has far fewer speakers than claims: each is named again and again
def short_name(name: str, short: str = "") -> str:
    """How a list refers to a speaker after the first mention: the speaker's own short name if it has
    one ("Kim" for Kim Jong Un), else a person's last name or a body's whole name."""
    if short.strip():
        return fit_plain(clean(short, inline=True), SHORT_NAME_MAX)
    words = clean(name, inline=True).split(" ")
    if len(words) == 1 or _looks_like_a_body(words):
        return fit_plain(" ".join(words), SHORT_NAME_MAX)
    while len(words) > 1 and words[-1].lower().rstrip(",") in _SUFFIXES:
        words.pop()
    return fit_plain(words[-1].rstrip(","), SHORT_NAME_MAX)


def _looks_like_a_body(words: list[str]) -> bool:
    return any(
        word[:1].islower() or word.lower() in _BODY_WORDS or (len(word) > 1 and word.isupper()) for word in words
    )


# Autocomplete lists mostly the same claims keystroke after keystroke ("tro", "troo", "troop"). Keyed by
# the whole summary, so a changed verdict or statement is a new key, never a stale label. ~0.9 KB a label
# with its key: a keystroke lists 25, so 512 hold a member's typing many times over.
@lru_cache(maxsize=512)
def claim_label(summary: ClaimSummary, limit: int = limits.CHOICE_NAME) -> str:
    """`#7 · Zelensky: "We know about 10,000 soldiers…" · disputed`: quotes only for verbatim words."""
    head = f"#{summary.number} · {short_name(summary.speaker_name, summary.speaker_short)}: "
    tail = f" · {summary.verdict.look.label.lower()}"
    quote = '"' if summary.verbatim else ""
    room = limit - len(head) - len(tail) - 2 * len(quote)
    return f"{head}{quote}{fit_plain(summary.statement, room)}{quote}{tail}"


def claim_choice(summary: ClaimSummary) -> app_commands.Choice[str]:
    return app_commands.Choice(name=claim_label(summary), value=str(summary.number))


def speaker_choice(speaker: Speaker) -> app_commands.Choice[str]:
    """`Volodymyr Zelensky (4 claims)`; the value is the canonical name, or `id:<id>` when it cannot be."""
    count = f" ({speaker.claim_count} claim{'' if speaker.claim_count == 1 else 's'})"
    name = f"{fit_plain(speaker.name, limits.CHOICE_NAME - len(count))}{count}"
    return app_commands.Choice(name=name, value=speaker_value(speaker))


def speaker_value(speaker: Speaker) -> str:
    """The canonical name round-trips exactly; a name too long for a value, or one that reads like
    the id form itself, goes by id instead so it is never cut and then looked up wrong."""
    if len(speaker.name) <= limits.CHOICE_VALUE and _SPEAKER_ID_VALUE.fullmatch(speaker.name) is None:
        return speaker.name
    return f"id:{speaker.id}"


def speaker_id_from_value(value: str) -> int | None:
    """The speaker id in an `id:<id>` choice value; None means the value is a name (or typed text)."""
    match = _SPEAKER_ID_VALUE.fullmatch(value.strip())
    return int(match.group(1)) if match else None


def name_choices(names: Sequence[str]) -> list[app_commands.Choice[str]]:
    """Names as written, each its own value (an entity or another name, for /mod unalias: at most 100
    characters, as /mod alias and the story files bound them)."""
    return [
        app_commands.Choice(name=fit_plain(n, limits.CHOICE_NAME), value=n[: limits.CHOICE_VALUE])
        for n in names[: limits.CHOICES]
    ]
