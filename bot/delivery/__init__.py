"""Delivering the outbox: the DMs and edits that changes enqueued (bot/desk/outbox.py), through discord.py."""

from bot.delivery.sender import Sender

__all__ = ["Sender"]
