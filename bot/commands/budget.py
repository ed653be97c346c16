"""A per-member budget for autocomplete: a burst for fast typing, then a steady rate.

Autocomplete runs a query on every keystroke and has no cooldown of its own in Discord; a script can
send hundreds a second. Past the budget a member gets no suggestions (an empty list, answered at
once) until the budget refills; every other member is unaffected.
"""

from __future__ import annotations

import time

BURST = 20  # suggestions a member may ask for at once: fast typing of a long name
RATE = 10.0  # and then per second, sustained
MEMBERS_KEPT = 10_000  # past this many, members whose budget is full again are forgotten


class AutocompleteBudget:
    def __init__(self, burst: int = BURST, rate: float = RATE) -> None:
        self.burst, self.rate = burst, rate
        self._members: dict[tuple[int | None, int], tuple[float, float]] = {}
        self.refused = 0

    def allow(self, guild_id: int | None, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        key = (guild_id, user_id)
        tokens, last = self._members.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1:
            self._members[key] = (tokens, now)
            self.refused += 1
            return False
        self._members[key] = (tokens - 1, now)
        if len(self._members) > MEMBERS_KEPT:
            self._forget_full(now)
        return True

    def _forget_full(self, now: float) -> None:
        full = [k for k, (tokens, last) in self._members.items() if tokens + (now - last) * self.rate >= self.burst]
        for key in full:
            del self._members[key]
