"""Verdict changes in one guild, in opposite directions at once, never deadlock on the verdict counts.

The count trigger once locked the old verdict's row, then the new one's: two changes false -> confirmed
and confirmed -> false each held one row and waited for the other's, and PostgreSQL aborted one of them
after deadlock_timeout ("could not save" for a member who did nothing wrong). Migration V3 locks both
rows in one order first.
"""

from __future__ import annotations

import asyncio

from bot.desk import Desk
from bot.domain.claims import Actor
from bot.domain.states import Verdict
from bot.seedfile import load_stories
from bot.store.errors import SaveFailed
from bot.store.postgres import PostgresStore

GUILD = 811111111111111111
ROUNDS = 10


async def test_opposite_verdict_changes_on_many_claims_at_once_all_save(postgres_url: str) -> None:
    store = PostgresStore.from_url(postgres_url, pool_min=8, pool_max=16, statement_timeout_ms=20_000)
    async with Desk(store, load_stories()) as desk:
        await desk.ensure_guild(GUILD)
        refused: list[SaveFailed] = []

        async def flip(number: int, verdicts: tuple[Verdict, Verdict]) -> None:
            current = (await desk.claim(GUILD, number)).verdict
            for k in range(ROUNDS):
                wanted = verdicts[k % 2]
                if wanted is current:
                    wanted = verdicts[(k + 1) % 2]
                try:
                    await desk.set_verdict(GUILD, number, wanted, note="n", source_url=None, actor=Actor(1, "mod"))
                except SaveFailed as exc:
                    refused.append(exc)
                current = wanted

        both_ways = (Verdict.FALSE, Verdict.CONFIRMED)
        await asyncio.gather(*(flip(n, both_ways if n % 2 else both_ways[::-1]) for n in range(1, 17)))
        assert refused == [], [r.reason for r in refused]
        counts = await desk.board(GUILD)
        assert counts.total == 16  # every change moved one claim from one count to another
