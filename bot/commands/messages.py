"""What a member's message says, for the commands that read one (Check claims, Submit for review)."""

from __future__ import annotations

import discord

from bot.domain.text import cut_at_word

TEXT_MAX = 4_000  # a message's content is at most 4,000 characters even with Nitro; embeds add theirs


def message_text(message: discord.Message) -> str:
    """Its content and its embeds' descriptions, at most TEXT_MAX characters, cut between words."""
    parts = [message.content, *(embed.description or "" for embed in message.embeds)]
    return cut_at_word(" ".join(filter(None, parts)), TEXT_MAX)
