"""`python -m bench.pg_reads`: what a card read and a search read cost on PostgreSQL, one after another.

The shipped story in one guild of a database of its own; 3,000 of each read through the store as the
bot opens it (`PostgresStore`), after 100 to warm the statement caches. Run at two commits to compare
(BENCHMARKS.md, "PostgreSQL: custom plans for the search statements only"). The server is
BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import asyncpg

from bench.pgserver import CONNECT_TIMEOUT, server_url, unreachable, with_database
from bot.desk import Desk
from bot.seedfile import STORIES_DIR, load_story
from bot.store.base import Filters
from bot.store.postgres import PostgresStore

GUILD = 900000000000000001
READS = 3000


async def timed(read: Callable[[int], Awaitable[object]]) -> tuple[float, float]:
    for i in range(100):
        await read(i)
    took = []
    for i in range(READS):
        started = time.perf_counter()
        await read(i)
        took.append((time.perf_counter() - started) * 1e6)
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.99)]


async def main() -> None:
    server = server_url()
    problem = await unreachable(server)
    if problem:
        raise SystemExit(f"bench.pg_reads: {problem}")
    database = "claimbot_bench_pg_reads"
    admin = await asyncpg.connect(server, timeout=CONNECT_TIMEOUT)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
        seeds = [load_story(path) for path in sorted(STORIES_DIR.glob("*.toml"))]
        async with Desk(PostgresStore(with_database(server, database), min_size=2, max_size=2), seeds) as desk:
            await desk.ensure_guild(GUILD)
            store = desk.store

            async def card(i: int) -> object:
                return await store.card(GUILD, i % 16 + 1)

            async def search(i: int) -> object:
                return await store.claims_with_prefixes(GUILD, [["troop"], ["kor"]], Filters(), 20)

            for name, read in (("card", card), ("search", search)):
                p50, p99 = await timed(read)
                print(f"{name:7} {READS} reads  p50 {p50:6.0f} µs  p99 {p99:6.0f} µs")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
