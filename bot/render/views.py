"""The one kind of view the bot sends: buttons that carry persistent custom_ids and nothing else."""

from __future__ import annotations

import discord


class StatelessView(discord.ui.View):
    """Buttons sent for their custom_ids alone; the DynamicItems each cog registers answer them.

    A DynamicItem matches its custom_id on any message, the ones sent before a restart included, so
    this object never dispatches an interaction. But discord.py keeps every view it sends that is not
    finished (its ViewStore, with the message's id), and a view without a timeout never finishes: each
    card would stay in memory for the life of the process. Finished from the start, it is sent and
    forgotten on every path that sends or edits a message (each checks `is_finished()` before storing),
    and `Client.add_view` refuses it.
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_finished(self) -> bool:
        return True
