"""`python -m bench.memory`: the bot's memory while it serves cards, to show that it stays flat (issue 13:
RSS after 100,000 cards within 5 % of RSS after 10,000; BENCHMARKS.md, "Memory over time").

One bot process (`python -m bot`, SQLite) on the benchmark's store of 100,000 claims in one guild, against
the local Discord in this process. `/claim` for a claim drawn uniformly from all of them (so nearly every
card is a miss of the bot's card cache, rendered and then kept or dropped), `--concurrency` in flight,
until `--cards` answers showing the right card have come back; the bot's resident set (VmRSS) and its
peak (VmHWM) are read from /proc at each checkpoint. A bounded cache fills within the first thousands of
cards; what grows after that is a leak (discord.py's view store kept every card's buttons, before bot/render/views.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import generate, harness
from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from localdiscord.server import LocalDiscord

CHECKPOINTS = (1_000, 10_000, 25_000, 50_000, 75_000, 100_000)


def shows_card(result: InteractionResult, number: int) -> bool:
    """The answer is the asked claim's card: an embed titled with its number."""
    embeds = (result.callback_data or {}).get("embeds") or []
    return bool(embeds) and f"#{number}" in str(embeds[0].get("title", "")) + str(embeds[0].get("author", ""))


async def serve(cards: int, claims: int, concurrency: int, scratch: Path) -> dict[str, Any]:
    source = generate.cached_database(generate.Shape(1, claims))
    db = generate.working_copy(source, scratch / "memory.db")
    guild_id = generate.Shape(1, claims).guild_ids()[0]
    server = LocalDiscord(token=harness.TOKEN)
    driver = Driver(server)
    await server.start()
    bot = harness.claimbot(server, harness.sqlite_url(db), scratch / "memory.log")
    try:
        place = harness.add_guild(driver, guild_id, "Memory", members=64)
        await harness.sync_commands(server, scratch)
        await bot.start()
        await bot.wait_ready()
        rng = random.Random(1)
        served = wrong = 0
        marks = iter(sorted({*(c for c in CHECKPOINTS if c < cards), cards}))
        mark: int | None = next(marks)
        rows: list[dict[str, Any]] = []
        started = time.perf_counter()
        harness.settle_heap()

        async def member(k: int) -> None:
            nonlocal served, wrong, mark
            turn = k
            while served < cards:
                number = rng.randint(1, claims)
                who = place.members[turn % len(place.members)]
                turn += concurrency
                result = await driver.slash(place.guild, who, "claim", {"claim": str(number)})
                try:
                    await result.wait_answered(within=10)
                except TimeoutError:
                    wrong += 1
                    continue
                if harness.failure(result) is not None or not shows_card(result, number):
                    wrong += 1
                    continue
                served += 1
                if mark is not None and served >= mark:
                    rows.append(
                        {
                            "cards": mark,
                            "seconds": round(time.perf_counter() - started, 1),
                            "rss_mib": round(bot.status_kib("VmRSS") / 1024, 1),
                            "peak_mib": round(bot.status_kib("VmHWM") / 1024, 1),
                        }
                    )
                    print(
                        f"  {mark:>7,} cards: RSS {rows[-1]['rss_mib']} MiB, peak {rows[-1]['peak_mib']} MiB",
                        flush=True,
                    )
                    mark = next(marks, None)

        await asyncio.gather(*(member(k) for k in range(concurrency)))
        by_cards = {row["cards"]: row for row in rows}
        growth = None
        if 10_000 in by_cards and cards in by_cards:
            growth = round(by_cards[cards]["rss_mib"] / by_cards[10_000]["rss_mib"] - 1, 4)
        result = {
            "claims": claims,
            "cards": cards,
            "wrong_or_late": wrong,
            "checkpoints": rows,
            "growth_after_10k": growth,
        }
    finally:
        await bot.stop()
        await server.stop()
    # Every card is a public post to correct when its claim changes; a clean stop writes those still in
    # memory. Fewer rows than cards is posts lost (or a claim's older posts past POSTS_KEPT, which a
    # uniform draw over this many claims leaves to chance).
    with sqlite3.connect(db) as conn:
        result["posts_remembered"] = conn.execute("SELECT count(*) FROM posted_messages").fetchone()[0]
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--cards", type=int, default=100_000, help="cards to serve")
    parser.add_argument("--claims", type=int, default=100_000, help="claims in the guild")
    parser.add_argument("--concurrency", type=int, default=32)
    opts = parser.parse_args(sys.argv[1:] if argv is None else argv)
    scratch = Path(tempfile.mkdtemp(prefix="claimbot-memory-"))
    result = asyncio.run(serve(opts.cards, opts.claims, opts.concurrency, scratch))
    print(json.dumps(result, indent=2))
    if result["growth_after_10k"] is not None:
        growth = result["growth_after_10k"]
        print(f"RSS after {opts.cards:,} cards: {growth:+.1%} against RSS after 10,000 (target: within 5 %)")
    remembered, counted = result["posts_remembered"], result["cards"]
    print(f"Posts remembered for correction: {remembered:,} ({counted:,} cards counted, and those in flight)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
