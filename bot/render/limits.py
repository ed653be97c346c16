"""Discord's hard limits, in one place, so every renderer clips against the same numbers.

Discord refuses a whole message when any one of these is exceeded, so a renderer that overshoots by
a single character turns a long claim into an error instead of a slightly shorter card.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

CONTENT = 2000

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000  # across every embed of one message
EMBEDS_PER_MESSAGE = 10

VIEW_ROWS = 5
BUTTONS_PER_ROW = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
SELECT_OPTIONS = 25

CHOICE_NAME = 100
CHOICE_VALUE = 100
CHOICES = 25


def embed_size(*embeds: discord.Embed) -> int:
    """The count Discord holds against EMBED_TOTAL: title, description, fields, footer and author."""
    return sum(len(embed) for embed in embeds)


def share(needs: Sequence[int], weights: Sequence[int], budget: int) -> list[int]:
    """Split a character budget between parts that each want `needs[i]`, weighted by importance.

    A part that needs little gets all of it; the rest is shared so that no part is starved for the
    sake of one long neighbour (a 6,000-character statement must not squeeze the verdict out).
    """
    if sum(needs) <= budget:
        return list(needs)
    low, high = 0, max(needs)
    while low < high:
        step = (low + high + 1) // 2
        if sum(min(need, weight * step) for need, weight in zip(needs, weights, strict=True)) <= budget:
            low = step
        else:
            high = step - 1
    return [min(need, weight * low) for need, weight in zip(needs, weights, strict=True)]
