"""`python -m bench.pool_reset`: what a one-statement read costs on PostgreSQL with asyncpg's own reset of
a released connection, and with the store's (bot.store.postgres.pool.keep_session), side by side.

Reads run one after another (the latency a member waits for, not throughput) through the store's read
path (`PgReads` over `PoolQueries`, the pool made by `create_pool`) on a database of its own with the
shipped story seeded in one guild. Rounds alternate between the two resets so that a busy machine
weighs on both alike. The server is BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import asyncpg

from bench.pgserver import CONNECT_TIMEOUT, server_url, unreachable, with_database
from bot.desk import Desk
from bot.seedfile import STORIES_DIR, load_story
from bot.store.postgres import PostgresStore
from bot.store.postgres.pool import PoolQueries, create_pool
from bot.store.postgres.reads import PgReads

GUILD = 900000000000000001


async def reads_per_second(url: str, *, asyncpg_reset: bool, reads: int) -> list[float]:
    """Microseconds per read, one value per read."""
    pool = await create_pool(
        url,
        min_size=2,
        max_size=2,
        connect_timeout=CONNECT_TIMEOUT,
        statement_timeout_ms=5000,
        idle_in_transaction_timeout_ms=5000,
        asyncpg_reset=asyncpg_reset,
    )
    try:
        store = PgReads(PoolQueries(pool, 5.0))
        for number in range(1, 50):  # warm the connections' statement caches
            await store.claim_summary(GUILD, number % 16 + 1)
        took = []
        for i in range(reads):
            started = time.perf_counter()
            await store.claim_summary(GUILD, i % 16 + 1)
            took.append((time.perf_counter() - started) * 1e6)
        return took
    finally:
        await pool.close()


async def main(rounds: int, reads: int) -> None:
    server = server_url()
    problem = await unreachable(server)
    if problem:
        raise SystemExit(f"bench.pool_reset: {problem}")
    database = "claimbot_bench_pool_reset"
    admin = await asyncpg.connect(server, timeout=CONNECT_TIMEOUT)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
        url = with_database(server, database)
        seeds = [load_story(path) for path in sorted(STORIES_DIR.glob("*.toml"))]
        async with Desk(PostgresStore(url, min_size=1, max_size=1), seeds) as desk:
            await desk.ensure_guild(GUILD)
        results: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(rounds):
            for asyncpg_reset in (True, False):
                results[asyncpg_reset] += await reads_per_second(url, asyncpg_reset=asyncpg_reset, reads=reads)
        for asyncpg_reset, label in ((True, "asyncpg's reset"), (False, "keep_session")):
            took = sorted(results[asyncpg_reset])
            p50 = statistics.median(took)
            p99 = took[int(len(took) * 0.99)]
            print(f"{label:16} {len(took):6} reads  p50 {p50:6.0f} µs  p99 {p99:6.0f} µs")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--reads", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.reads))
