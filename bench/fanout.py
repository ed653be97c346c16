"""`python -m bench.fanout`: one claim with 1,000 followers changes; how long until every follower has
their DM, and how fast /claim answers meanwhile (BENCHMARKS.md, "Following: the 1,000-follower fan-out").

The bot runs as its own process (`python -m bot`, SQLite) against the local Discord in this process.
1,000 members /follow claim #1 through the bot; then /claim is sent at a steady rate, first alone (the
baseline), then while a moderator's /mod status fans out to the 1,000 followers. Delivery is timed from
the change's commit to the last DM's `done_at`, read from the bot's outbox. Run twice: with the default
pacing (OUTBOX_DELIVERIES_PER_SECOND=20, within Discord's 50 requests a second) and with pacing lifted
(the sender as fast as the bot and the local Discord go). FOLLOW_BATCH_SECONDS=0 so the batching window
does not hide the sender's own time (with the default 60 s, every DM waits that minute first).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import harness
from localdiscord import permissions as perms
from localdiscord.driver import Driver
from localdiscord.server import LocalDiscord

CLAIM_RATE = 20.0  # /claim per second while measuring
BASELINE_S = 10.0


async def until(dispatch: harness.Dispatch, stop: asyncio.Event) -> harness.Run:
    """/claim at CLAIM_RATE until `stop`; then every answer is waited for."""
    loop = asyncio.get_running_loop()
    results = []
    start = loop.time()
    i = 0
    while not stop.is_set():
        delay = start + i / CLAIM_RATE - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        results.append(await dispatch(i))
        i += 1
    elapsed = loop.time() - start
    await asyncio.gather(*(r.wait_answered(within=10) for r in results), return_exceptions=True)
    latencies = [r.latency * 1000 for r in results if harness.failure(r) is None and r.latency is not None]
    failures: dict[str, int] = {}
    for r in results:
        reason = harness.failure(r)
        if reason:
            failures[reason] = failures.get(reason, 0) + 1
    return harness.Run(len(results), elapsed, latencies, failures)


def outbox_times(db: Path) -> tuple[int, int, str | None]:
    with sqlite3.connect(db) as conn:
        sent, pending, last = conn.execute(
            "SELECT sum(outcome = 'sent'), sum(done_at IS NULL), max(done_at) FROM outbox WHERE kind = 'dm'"
        ).fetchone()
    return int(sent or 0), int(pending or 0), last


async def one_run(followers: int, per_second: float, scratch: Path) -> dict[str, Any]:
    server = LocalDiscord(token=harness.TOKEN)
    d = Driver(server)
    await server.start()
    db = scratch / f"fanout-{int(per_second)}.db"
    bot = harness.claimbot(server, harness.sqlite_url(db), scratch / f"fanout-{int(per_second)}.log")
    bot.extra_env.update(FOLLOW_BATCH_SECONDS="0", OUTBOX_DELIVERIES_PER_SECOND=str(per_second))
    try:
        guild = d.create_guild("Fan-out", bot_permissions=harness.BOT_PERMISSIONS)
        mods = d.create_role(guild, "Mods", permissions=perms.MANAGE_MESSAGES)
        moderator = d.create_member(guild, "mod", roles=[mods])
        readers = [d.create_member(guild, f"reader{n}") for n in range(20)]
        members = [d.create_member(guild, f"follower{n}") for n in range(followers)]
        await harness.sync_commands(server, scratch)
        await bot.start()
        await bot.wait_ready()
        started = time.perf_counter()
        for start in range(0, followers, 50):  # 50 at a time, as members would, not all in one burst
            batch = [d.slash(guild, m, "follow", {"claim": "1"}) for m in members[start : start + 50]]
            for result in await asyncio.gather(*batch):
                await result.wait_answered(within=10)
        follow_s = time.perf_counter() - started
        await bot.wait_idle()

        def claim(i: int):  # type: ignore[no-untyped-def]
            return d.slash(guild, readers[i % len(readers)], "claim", {"claim": str(2 + i % 10)})

        baseline = await harness.open_loop(claim, CLAIM_RATE, BASELINE_S)
        stop = asyncio.Event()
        load = asyncio.create_task(until(claim, stop))
        change_at = time.time()
        status = await d.slash(
            guild, moderator, "mod", {"claim": "1", "verdict": "confirmed", "note": "Seen"}, subcommand="status"
        )
        await status.wait_answered(within=10)
        deadline = time.perf_counter() + 600
        while time.perf_counter() < deadline:
            sent, pending, last = outbox_times(db)
            if sent >= followers and not pending:
                break
            await asyncio.sleep(0.25)
        stop.set()
        during = await load
        sent, pending, last = outbox_times(db)
        got = sum(1 for m in members if len(d.dms(m)) == 1)
        return {
            "followers": followers,
            "pacing_per_s": per_second,
            "follow_s": round(follow_s, 1),
            "dms_sent": sent,
            "dms_pending": pending,
            "members_with_exactly_one_dm": got,
            "deliver_s": round(datetime.fromisoformat(last).timestamp() - change_at, 2) if last else None,
            "claim_alone": baseline.summary(),
            "claim_during_fanout": during.summary(),
        }
    finally:
        await bot.stop()
        await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout")
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--pacing", type=float, nargs="*", default=[20.0, 1000.0])
    opts = parser.parse_args(sys.argv[1:] if argv is None else argv)
    scratch = Path(tempfile.mkdtemp(prefix="claimbot-fanout-"))
    results = [asyncio.run(one_run(opts.followers, pace, scratch)) for pace in opts.pacing]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
