"""Answering within Discord's 3 seconds when the bot is behind.

Discord drops an interaction that has no first answer 3 s after it sent the event (the member sees
"The application did not respond"). A reader's command (/search, Check claims, /who-said, /status)
normally answers in a few milliseconds; but when the event loop is behind (a burst of interactions,
the gateway read late), the time before the handler runs and the time its reads wait for the loop both
count. So a handler that reads first answers through `InTime`: if its answer is not ready `DEFER_AT_S`
after the interaction was created (by the id's timestamp, which is Discord's clock), Discord is told
"thinking…" at once and the answer follows as the follow-up that replaces it. In time, it is one answer
as before, and costs one timer.
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Any

import discord

log = logging.getLogger(__name__)

# Past this age an interaction still unanswered is deferred: what is left of the 3 s is for the deferral
# itself to reach Discord through a loop that is behind.
DEFER_AT_S = 1.5


def age_s(interaction: discord.Interaction[Any]) -> float:
    """Seconds since Discord created the interaction (its id's timestamp)."""
    return (discord.utils.utcnow() - interaction.created_at).total_seconds()


class InTime:
    """`async with InTime(interaction, ephemeral=…) as answer:` … `await answer.send(embed=…)`.

    The timer starts on entering; `send` answers directly, or as the follow-up when the deferral has
    been sent (or is on its way: it is awaited first, so the two never race). On leaving, a deferral in
    flight is awaited, so an error handler after it sees the interaction acknowledged and answers with
    a follow-up too."""

    def __init__(self, interaction: discord.Interaction[Any], *, ephemeral: bool, defer_at: float = DEFER_AT_S) -> None:
        self._interaction = interaction
        self._ephemeral = ephemeral
        self._defer_at = defer_at
        self._timer: asyncio.TimerHandle | None = None
        self._deferring: asyncio.Task[None] | None = None

    async def __aenter__(self) -> InTime:
        left = self._defer_at - age_s(self._interaction)
        if left <= 0:
            await self._defer()
        else:
            self._timer = asyncio.get_running_loop().call_later(left, self._start_deferring)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            await self._settle()
        except Exception:
            if kind is None:
                raise
            # The handler's own error is the one to answer; the deferral's (an expired token) adds nothing.
            log.debug("deferral failed after an error", exc_info=True)

    async def send(self, **kwargs: Any) -> None:
        """What `InteractionResponse.send_message` takes, sent as the answer or as its follow-up."""
        await self._settle()
        if self._interaction.response.is_done():
            await self._interaction.followup.send(ephemeral=self._ephemeral, **kwargs)
        else:
            await self._interaction.response.send_message(ephemeral=self._ephemeral, **kwargs)

    def _start_deferring(self) -> None:
        self._timer = None
        if not self._interaction.response.is_done():
            self._deferring = asyncio.ensure_future(self._defer())

    async def _defer(self) -> None:
        await self._interaction.response.defer(ephemeral=self._ephemeral, thinking=True)

    async def _settle(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._deferring is not None:
            deferring, self._deferring = self._deferring, None
            await deferring
