"""`python -m bench`: claimbot against a bare discord.py bot, through the local Discord, on SQLite and PostgreSQL.

    python -m bench                                  # the full run (~8 min): see BENCHMARKS.md
    python -m bench --sizes 1000,100000,1000000      # and a million on SQLite (the first build takes ~2 min)
    python -m bench --no-postgres                    # SQLite only
    python -m bench --quick                          # a few seconds per step, to try the harness

Without a PostgreSQL server (BENCH_POSTGRES_URL, else TEST_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/test) the PostgreSQL runs are skipped with one line.
Results: a table on stdout and the full numbers as JSON under bench/results/. See BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import answers, generate, harness, pgserver, report
from bench.answers import Check
from bench.harness import BotGroup, BotProcess, Dispatch, Place, Run
from bench.workload import COMMANDS, Samples, Workload, sample, spread, spread_checks
from bot.settings import Settings
from bot.store.copying import copy_database
from bot.store.postgres.store import redacted
from localdiscord import shard_of
from localdiscord.driver import Driver
from localdiscord.server import LocalDiscord

log = logging.getLogger("bench")
RESULTS = Path(__file__).resolve().parent / "results"
MAIN_GUILD = generate.GUILD_BASE + 1
SHARDS = 2  # the sharded runs: shards 0 and 1 of 2

Bot = BotProcess | BotGroup


@dataclass
class Options:
    sizes: list[int]
    guilds: int
    claims_per_guild: int
    rate: float
    duration: float
    throughput_duration: float
    concurrency: int
    members: int
    seed: int
    commands: list[str]
    out: Path | None
    postgres: str | None  # the server's URL; None: no PostgreSQL runs
    postgres_sizes: list[int]
    shard_claims: int
    shard_commands: list[str]
    profile: Path | None = None
    warmup: float = 0.5  # seconds of each command, at the offered rate, before anything is measured
    ready_within: float = 30.0  # how long a start-up run waits for discord.py's on_ready

    @classmethod
    def parse(cls, argv: Sequence[str]) -> Options:
        p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
        p.add_argument("--sizes", default="1000,100000", help="claims in one guild, comma-separated (SQLite)")
        p.add_argument("--postgres-sizes", help="of those, the sizes also run on PostgreSQL (default: the largest)")
        p.add_argument("--postgres", default=pgserver.server_url(), help="the PostgreSQL server to create databases on")
        p.add_argument("--no-postgres", action="store_true", help="SQLite only")
        p.add_argument(
            "--shard-claims", type=int, default=50_000, help="claims in each guild of the sharded runs (0 skips them)"
        )
        p.add_argument(
            "--shard-commands", default="/claim,/claim any,/mod status", help="what the sharded runs measure"
        )
        p.add_argument("--guilds", type=int, default=1000, help="guilds for the start-up run (0 skips it)")
        p.add_argument("--claims-per-guild", type=int, default=100, help="claims in each of those guilds")
        p.add_argument("--rate", type=float, default=200.0, help="offered load for latency, interactions/s")
        p.add_argument("--duration", type=float, default=5.0, help="seconds of offered load per command")
        p.add_argument("--throughput-duration", type=float, default=3.0, help="seconds of closed loop per command")
        p.add_argument("--concurrency", type=int, default=32, help="interactions in flight in the closed loop")
        p.add_argument("--members", type=int, default=2000, help="members taking turns (cooldowns are per member)")
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--commands", default=",".join(COMMANDS), help="which commands to measure")
        p.add_argument("--quick", action="store_true", help="tiny sizes and durations: check the harness works")
        p.add_argument("--profile", type=Path, help="run claimbot under pyinstrument, sessions saved in this folder")
        p.add_argument("--out", type=Path, help="write the JSON results here (default: bench/results/<time>.json)")
        a = p.parse_args(argv)
        if a.quick:
            a.sizes, a.guilds, a.claims_per_guild, a.shard_claims, a.shard_commands = "300", 20, 20, 100, "/claim"
            a.rate, a.duration, a.throughput_duration, a.concurrency, a.members = 50.0, 0.2, 0.2, 4, 300
        sizes = [int(s) for s in str(a.sizes).split(",") if s]
        postgres_sizes = [int(s) for s in a.postgres_sizes.split(",") if s] if a.postgres_sizes else sizes[-1:]
        if not set(postgres_sizes) <= set(sizes):
            p.error("--postgres-sizes must be among --sizes (the PostgreSQL runs reuse the SQLite runs' samples)")
        return cls(
            sizes=sizes,
            guilds=a.guilds,
            claims_per_guild=a.claims_per_guild,
            rate=a.rate,
            duration=a.duration,
            throughput_duration=a.throughput_duration,
            concurrency=a.concurrency,
            members=a.members,
            seed=a.seed,
            commands=[c for c in a.commands.split(",") if c],
            out=a.out,
            postgres=None if a.no_postgres else a.postgres,
            postgres_sizes=postgres_sizes,
            shard_claims=a.shard_claims,
            shard_commands=[c for c in a.shard_commands.split(",") if c] if a.shard_claims > 0 else [],
            profile=a.profile,
            warmup=0.0 if a.quick else 0.5,
            ready_within=0.0 if a.quick else 30.0,
        )


def machine() -> dict[str, object]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import asyncpg
    import discord

    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "discord.py": discord.__version__,
        "asyncpg": asyncpg.__version__,
        "platform": platform.platform(),
        # Other work on the machine while the run went on: the 1, 5 and 15-minute load averages.
        "loadavg_start": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# ------------------------------------------------------------------------------------------- measuring

Meters = dict[str, Callable[[], float]]


async def metered(meters: Meters, work: Awaitable[Run]) -> Run:
    """`work`, with each meter's CPU seconds over it in `run.cpu_s`."""
    before = {who: meter() for who, meter in meters.items()}
    run = await work
    run.cpu_s = {who: meter() - before[who] for who, meter in meters.items()}
    run.bot_cpu_s = run.cpu_s.get("bot", 0.0)
    return run


async def measure_commands(
    bot: Bot,
    dispatchers: dict[str, Dispatch],
    opts: Options,
    commands: Sequence[str],
    meters: Meters,
    checks: dict[str, Check],
) -> dict[str, dict[str, object]]:
    wanted = [c for c in COMMANDS if c in commands]
    # Warm up: the first queries read pages from disk and fill the database's and Python's caches.
    for name in wanted if opts.warmup else ():
        await harness.open_loop(dispatchers[name], opts.rate, opts.warmup)
    found: dict[str, dict[str, object]] = {}
    for name in wanted:
        # A command that fell behind leaves the bot busy; the next one must start on an idle bot.
        await bot.wait_idle()
        harness.settle_heap()
        check = checks[name]
        latency = await metered(meters, harness.open_loop(dispatchers[name], opts.rate, opts.duration, check=check))
        await bot.wait_idle()
        harness.settle_heap()
        saturated = await metered(
            meters, harness.closed_loop(dispatchers[name], opts.concurrency, opts.throughput_duration, check=check)
        )
        # The resident set after each command, and the peak so far: which command raised the peak.
        rss = {"rss_kib": bot.status_kib("VmRSS"), "peak_rss_kib": bot.status_kib()}
        found[name] = {"latency": latency.summary(), "throughput": saturated.summary(), **rss}
        line = _line(latency, saturated)
        print(f"  {bot.name:16} {name:17} {line}   RSS {rss['rss_kib'] / 1024:.1f} MiB", flush=True)
    return found


def _line(latency: Run, saturated: Run) -> str:
    failed: dict[str, int] = {}
    for run in (latency, saturated):
        for reason, count in run.failures.items():
            failed[reason] = failed.get(reason, 0) + count
    line = (
        f"p50 {latency.pct(50):6.1f}  p95 {latency.pct(95):6.1f}  p99 {latency.pct(99):6.1f} ms   "
        f"{saturated.throughput:7.1f}/s"
    )
    if saturated.harness_share is not None and saturated.harness_ms is not None:
        line += f"   harness {saturated.harness_ms:.2f} ms, {saturated.harness_share:4.0%} of a core"
        if saturated.harness_limited:
            line += " (the harness may be the limit)"
    if failed:
        line += "   FAILED " + ", ".join(f"{count} {reason}" for reason, count in sorted(failed.items()))
    return line


async def startup(
    proc: BotProcess, driver: Driver, places: list[Place], check: Check, ready_within: float = 30.0
) -> dict[str, object]:
    """From process start: identified, first answer, an answer in every guild (one /status per guild,
    dispatched as soon as the bot is connected), and discord.py's on_ready."""
    await proc.start()
    assert proc.identified_at is not None
    results = [await driver.slash(p.guild, p.members[0], "status", {}, deadline=60.0) for p in places]
    await harness._settle(results, 60.0)
    await proc.wait_ready(within=ready_within)
    t0 = proc.started_at
    reasons = [harness.failure(r, check) for r in results]
    done = [
        r.dispatched_at + r.latency - t0 for r, why in zip(results, reasons, strict=True) if why is None and r.latency
    ]
    failures = [why for why in reasons if why is not None]
    return {
        "guilds": len(places),
        "identified_s": round(proc.identified_at - t0, 3),
        "first_answer_s": round(min(done), 3) if done else None,
        "all_answered_s": round(max(done), 3) if done else None,
        "on_ready_s": round(proc.ready_at - t0, 3) if proc.ready_at else None,
        "failures": len(failures),
    }


# ------------------------------------------------------------------------------------------- the run


@dataclass
class Bench:
    """One run: the stores, the local Discord and its guilds, and what each bot measured."""

    opts: Options
    server: LocalDiscord
    driver: Driver
    scratch: Path
    results: dict[str, Any]
    places: dict[int, Place] = field(default_factory=dict)
    databases: pgserver.Databases | None = None
    postgres_templates: dict[str, str] = field(default_factory=dict)  # shape key -> loaded database URL
    samples: dict[tuple[str, int], Samples] = field(default_factory=dict)  # by shape key and guild
    spawned: list[BotProcess] = field(default_factory=list)
    gc_clock: harness.GcClock = field(default_factory=harness.GcClock)

    def kill_leftovers(self) -> None:
        """Bots still running when the run ends early (an error half-way) go with it."""
        for proc in self.spawned:
            proc.kill()

    def stores(self) -> list[generate.Shape]:
        """The SQLite stores this run needs (built once, then cached); the PostgreSQL ones are copies."""
        shapes = list(self.shapes.values())
        if self.many:
            shapes.append(self.many)
        if self.opts.postgres is not None and self.opts.shard_commands:
            shapes.append(self.sharded)
        return shapes

    async def take_samples(self) -> None:
        """What members ask for in each measured guild, read from the SQLite files (the PostgreSQL copies
        hold the same rows), so both backends get the same interactions in the same order."""
        shapes = list(self.shapes.values()) if self.opts.commands else []
        if self.databases is not None and self.opts.shard_commands:
            shapes.append(self.sharded)
        for shape in shapes:
            copy = generate.working_copy(generate.cached_database(shape), self.scratch / "sample.db")
            for gid in shape.guild_ids():
                self.samples[shape.key, gid] = await sample(harness.sqlite_url(copy), gid, self.opts.seed)

    @property
    def shapes(self) -> dict[int, generate.Shape]:
        return {size: generate.Shape(1, size, self.opts.seed) for size in self.opts.sizes}

    @property
    def many(self) -> generate.Shape | None:
        opts = self.opts
        return generate.Shape(opts.guilds, opts.claims_per_guild, opts.seed) if opts.guilds else None

    @property
    def sharded(self) -> generate.Shape:
        return generate.Shape(SHARDS, self.opts.shard_claims, self.opts.seed)

    def meters(self, bot: Bot, database_url: str | None = None) -> Meters:
        found: Meters = {"bot": bot.cpu_seconds, "bench": time.process_time, "bench_gc": self.gc_clock}
        if database_url is not None and self.databases is not None:
            name = pgserver.database_of(database_url)
            found["postgres"] = harness.ProcessesCpu(lambda: pgserver.local_backends(name))
        return found

    def claimbot(
        self, database_url: str, label: str, *, shard_count: int | None = None, shard_ids: list[int] | None = None
    ) -> BotProcess:
        log_path = self.scratch / f"{label}.log"
        proc = harness.claimbot(
            self.server, database_url, log_path, name=label, shard_count=shard_count, shard_ids=shard_ids
        )
        if self.opts.profile is not None:
            self.opts.profile.mkdir(parents=True, exist_ok=True)
            session = self.opts.profile.resolve() / f"{label}.pyisession"
            proc.argv = [sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session), "-m", "bot"]
        self.spawned.append(proc)
        return proc

    # ----------------------------------------------------------------------------- the world

    def add_places(self) -> None:
        """Every guild any run uses, each created once (the sharded store's second guild is also one of
        the start-up guilds), with a pool of members where commands are measured."""
        opts = self.opts
        wanted: dict[int, int] = {MAIN_GUILD: opts.members}
        if self.many:
            for gid in self.many.guild_ids():
                wanted.setdefault(gid, 1)
        if self.databases is not None and opts.shard_commands:
            for gid in self.sharded.guild_ids():
                wanted[gid] = opts.members
        for i, (gid, members) in enumerate(sorted(wanted.items())):
            self.places[gid] = harness.add_guild(
                self.driver, gid, "Main" if gid == MAIN_GUILD else f"Guild {i}", members
            )

    # ----------------------------------------------------------------------------- PostgreSQL stores

    async def load_postgres(self) -> None:
        """Each PostgreSQL store this run needs: the SQLite file copied by `python -m bot copy-db`'s own
        code (ids kept, every table read back and compared before it commits), then vacuumed and
        analysed. The bots run on copies of these."""
        assert self.databases is not None
        timings: dict[str, float] = {}
        shapes = [self.shapes[size] for size in self.opts.postgres_sizes if self.opts.commands]
        if self.opts.shard_commands:
            shapes.append(self.sharded)
        for shape in shapes:
            started = time.perf_counter()
            source = generate.working_copy(generate.cached_database(shape), self.scratch / "copy-source.db")
            url = await self.databases.create()
            copied = await copy_database(Settings(_env_file=None, database_url=harness.sqlite_url(source)), url)
            if not copied.committed:
                raise RuntimeError(f"copy-db of {shape.key}: {', '.join(copied.differing)} read back different")
            await self.databases.vacuum_analyze(url)
            self.postgres_templates[shape.key] = url
            timings[shape.key] = round(time.perf_counter() - started, 1)
            print(f"PostgreSQL store {shape.key}: copied and analysed in {timings[shape.key]} s", flush=True)
        self.postgres_info()["load_s"] = timings

    def postgres_info(self) -> dict[str, Any]:
        info: dict[str, Any] = self.results["postgres"]
        return info

    # ----------------------------------------------------------------------------- the runs

    async def baseline(self) -> None:
        opts = self.opts
        base = harness.baseline(self.server, self.scratch / "baseline.log")
        self.spawned.append(base)
        found: dict[str, object] = {}
        startup_places = self.startup_places()
        if startup_places:
            found["startup"] = await startup(base, self.driver, startup_places, answers.bare_ok, opts.ready_within)
            print(f"  baseline  start-up {found['startup']}", flush=True)
        else:
            await base.start()
        if opts.sizes and opts.commands:
            # The same load as claimbot gets (the bare bot ignores what is asked).
            samples = self.samples[self.shapes[opts.sizes[0]].key, MAIN_GUILD]
            dispatchers = self.workload(MAIN_GUILD, samples).dispatchers()
            found["commands"] = await measure_commands(
                base, dispatchers, opts, opts.commands, self.meters(base), answers.bare_checks(COMMANDS)
            )
        if self.databases is not None and opts.shard_commands:
            # The sharded runs' load: the two guilds in turn (the bare bot has one unsharded session).
            found["sharded"] = await measure_commands(
                base,
                self.sharded_dispatchers(),
                opts,
                opts.shard_commands,
                self.meters(base),
                answers.bare_checks(COMMANDS),
            )
        found["peak_rss_kib"] = base.status_kib()
        await base.stop()
        self.results["baseline"] = found

    def workload(self, guild_id: int, samples: Samples) -> Workload:
        return Workload(self.driver, self.places[guild_id], samples, self.opts.seed)

    def sharded_workloads(self) -> list[Workload]:
        key = self.sharded.key
        return [self.workload(gid, self.samples[key, gid]) for gid in self.sharded.guild_ids()]

    def sharded_dispatchers(self) -> dict[str, Dispatch]:
        return spread(self.sharded_workloads())

    async def sqlite_sizes(self) -> None:
        opts = self.opts
        for size, shape in self.shapes.items():
            database = generate.working_copy(generate.cached_database(shape), self.scratch / f"claims-{size}.db")
            proc = self.claimbot(harness.sqlite_url(database), f"sqlite-{size}")
            await proc.start()
            workload = self.workload(MAIN_GUILD, self.samples[shape.key, MAIN_GUILD])
            found: dict[str, Any] = {"claims": size, "backend": "sqlite"}
            found["commands"] = await measure_commands(
                proc, workload.dispatchers(), opts, opts.commands, self.meters(proc), workload.checks()
            )
            found["peak_rss_kib"] = proc.status_kib()
            found["exit"] = await proc.stop()
            self.results[f"claimbot_{size}"] = found
            print(f"  SQLite, {size} claims: peak RSS {found['peak_rss_kib'] / 1024:.1f} MiB", flush=True)

    async def postgres_sizes(self) -> None:
        assert self.databases is not None
        opts = self.opts
        for size in opts.postgres_sizes:
            url = await self.databases.create(self.postgres_templates[self.shapes[size].key])
            proc = self.claimbot(url, f"postgres-{size}")
            await proc.start()
            # The SQLite run's samples: the same claims, words and names, asked in the same order.
            samples = self.samples[self.shapes[size].key, MAIN_GUILD]
            workload = self.workload(MAIN_GUILD, samples)
            found: dict[str, Any] = {"claims": size, "backend": "postgres"}
            found["commands"] = await measure_commands(
                proc, workload.dispatchers(), opts, opts.commands, self.meters(proc, url), workload.checks()
            )
            found["peak_rss_kib"] = proc.status_kib()
            found["exit"] = await proc.stop()
            await self.databases.drop(url)
            self.results[f"postgres_{size}"] = found
            print(f"  PostgreSQL, {size} claims: peak RSS {found['peak_rss_kib'] / 1024:.1f} MiB", flush=True)

    async def shards(self) -> None:
        """Two guilds, one on each shard of two, on PostgreSQL: one process owning both shards, then a
        process per shard on one database."""
        assert self.databases is not None
        opts = self.opts
        template = self.postgres_templates[self.sharded.key]
        found: dict[str, object] = {
            "guilds": self.sharded.guild_ids(),
            "shard_of_guild": [shard_of(gid, SHARDS) for gid in self.sharded.guild_ids()],
            "claims_per_guild": opts.shard_claims,
        }
        layouts: list[tuple[str, Callable[[str], Bot]]] = [
            ("one_process", lambda url: self.claimbot(url, "pg-1proc-2shards", shard_count=SHARDS)),
            (
                "two_processes",
                lambda url: BotGroup(
                    "pg-2procs",
                    [self.claimbot(url, f"pg-shard{k}", shard_count=SHARDS, shard_ids=[k]) for k in range(SHARDS)],
                ),
            ),
        ]
        for key, make in layouts:
            url = await self.databases.create(template)
            bot = make(url)
            await bot.start()
            workloads = self.sharded_workloads()
            measured = await measure_commands(
                bot, spread(workloads), opts, opts.shard_commands, self.meters(bot, url), spread_checks(workloads)
            )
            run: dict[str, object] = {
                "processes": len(bot.members) if isinstance(bot, BotGroup) else 1,
                "commands": measured,
                "peak_rss_kib": bot.status_kib(),
            }
            run["exit"] = await bot.stop()
            await self.databases.drop(url)
            found[key] = run
        self.results["shards"] = found

    def startup_places(self) -> list[Place]:
        return [self.places[gid] for gid in self.many.guild_ids()] if self.many else []

    async def startups(self) -> None:
        opts, many = self.opts, self.many
        if many is None:
            return
        for label, source in (
            ("fresh", None),
            (f"{opts.guilds}x{opts.claims_per_guild}", generate.cached_database(many)),
        ):
            database = self.scratch / f"startup-{label}.db"
            if source is None:
                generate.remove_database(database)
            else:
                generate.working_copy(source, database)
            proc = self.claimbot(harness.sqlite_url(database), f"startup-{label}")
            found = await startup(proc, self.driver, self.startup_places(), answers.board, opts.ready_within)
            found["peak_rss_kib"] = proc.status_kib()
            await proc.stop()
            self.results[f"startup_{label}"] = found
            print(f"  claimbot  start-up ({label} database) {found}", flush=True)


async def run(opts: Options) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "options": {k: str(v) for k, v in vars(opts).items()}}
    scratch = Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    server = LocalDiscord(token=harness.TOKEN)
    bench = Bench(opts, server, Driver(server), scratch, results)
    built: dict[str, float] = {}
    for shape in bench.stores():
        started = time.perf_counter()
        generate.cached_database(shape)
        built[shape.key] = round(time.perf_counter() - started, 1)
    results["databases_s"] = built

    skipped = "--no-postgres" if opts.postgres is None else await pgserver.unreachable(opts.postgres)
    results["postgres"] = {"url": redacted(opts.postgres or ""), "skipped": skipped}
    if skipped:
        print(f"PostgreSQL columns skipped: {skipped}", flush=True)

    async with AsyncExitStack() as stack:
        if not skipped:
            assert opts.postgres is not None
            bench.databases = await stack.enter_async_context(pgserver.Databases(opts.postgres))
            bench.postgres_info()["server"] = await pgserver.settings(opts.postgres)
            started = time.perf_counter()
            await bench.load_postgres()
            results["phases_s_load_postgres"] = round(time.perf_counter() - started, 1)
        await bench.take_samples()
        # The bots' copies of the stores go at the end (the logs stay): a run leaves no 150 MB files in /tmp.
        stack.callback(_remove_databases, scratch)
        await server.start()
        stack.push_async_callback(server.stop)
        stack.callback(bench.kill_leftovers)
        bench.add_places()
        await harness.sync_commands(server, scratch)
        print(f"local Discord at {server.api_base}, {len(bench.places)} guilds; logs in {scratch}", flush=True)

        phases: dict[str, float] = {}
        results["phases_s"] = phases

        async def phase(name: str, work: Awaitable[None]) -> None:
            started = time.perf_counter()
            await work
            phases[name] = round(time.perf_counter() - started, 1)

        await phase("baseline", bench.baseline())
        if opts.commands:
            await phase("sqlite", bench.sqlite_sizes())
            if bench.databases is not None:
                await phase("postgres", bench.postgres_sizes())
        if bench.databases is not None and opts.shard_commands:
            await phase("shards", bench.shards())
        await phase("startups", bench.startups())
        results["problems"] = server.problems()[:20]
        results["logs"] = str(scratch)
        results["machine"]["loadavg_end"] = _loadavg()
    return results


def _remove_databases(scratch: Path) -> None:
    for path in scratch.glob("*.db"):
        generate.remove_database(path)


def main(argv: Sequence[str] | None = None) -> int:
    opts = Options.parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("bench").setLevel(logging.INFO)
    harness.lean_gc()
    started = time.perf_counter()
    results = asyncio.run(run(opts))
    results["total_s"] = round(time.perf_counter() - started, 1)
    out = opts.out or RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(report.summarise(results, opts.rate))
    print(f"\nFull results: {out} ({results['total_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
