"""Delivering the outbox: the DMs and edits that changes enqueued (bot/desk/outbox.py), through discord.py."""

from bot.delivery.notices import ClosedDms
from bot.delivery.sender import Sender

__all__ = ["ClosedDms", "Sender"]
