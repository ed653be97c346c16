"""`python -m bench`: claimbot against a bare discord.py bot, through the local Discord.

    python -m bench                                  # 1,000 and 100,000 claims, 1,000 guilds (~5 min)
    python -m bench --sizes 1000,100000,1000000      # and a million (the first build takes ~2 min)
    python -m bench --quick                          # a few seconds per step, to try the harness

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import generate, harness
from bench.harness import BotProcess, Place, Run
from bench.workload import COMMANDS, Workload, sample
from localdiscord.driver import Driver
from localdiscord.server import LocalDiscord

log = logging.getLogger("bench")
RESULTS = Path(__file__).resolve().parent / "results"
MAIN_GUILD = generate.GUILD_BASE + 1


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
    ready_within: float = 30.0  # how long a start-up run waits for discord.py's on_ready

    @classmethod
    def parse(cls, argv: Sequence[str]) -> Options:
        p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
        p.add_argument("--sizes", default="1000,100000", help="claims in one guild, comma-separated")
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
        p.add_argument("--out", type=Path, help="write the JSON results here (default: bench/results/<time>.json)")
        a = p.parse_args(argv)
        if a.quick:
            a.sizes, a.guilds, a.claims_per_guild = "300", 20, 20
            a.rate, a.duration, a.throughput_duration, a.concurrency, a.members = 50.0, 0.3, 0.3, 4, 300
        return cls(
            sizes=[int(s) for s in str(a.sizes).split(",") if s],
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
    import discord

    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "discord.py": discord.__version__,
        "platform": platform.platform(),
    }


async def measure_commands(proc: BotProcess, workload: Workload, opts: Options) -> dict[str, dict[str, object]]:
    dispatchers = workload.dispatchers()
    wanted = [c for c in COMMANDS if c in opts.commands]
    # Warm up: the first queries read pages from disk and fill SQLite's and Python's caches.
    for name in wanted:
        await harness.open_loop(dispatchers[name], opts.rate, min(opts.duration, 0.5))
    found: dict[str, dict[str, object]] = {}
    for name in wanted:
        # A command that fell behind leaves the bot busy; the next one must start on an idle bot.
        await proc.wait_idle()
        cpu = proc.cpu_seconds()
        latency = await harness.open_loop(dispatchers[name], opts.rate, opts.duration)
        latency.bot_cpu_s = proc.cpu_seconds() - cpu
        await proc.wait_idle()
        cpu = proc.cpu_seconds()
        saturated = await harness.closed_loop(dispatchers[name], opts.concurrency, opts.throughput_duration)
        saturated.bot_cpu_s = proc.cpu_seconds() - cpu
        found[name] = {"latency": latency.summary(), "throughput": saturated.summary()}
        print(f"  {proc.name:9} {name:17} {_line(latency, saturated)}", flush=True)
    return found


def _line(latency: Run, saturated: Run) -> str:
    fails = sum(latency.failures.values()) + sum(saturated.failures.values())
    return (
        f"p50 {latency.pct(50):6.1f}  p95 {latency.pct(95):6.1f}  p99 {latency.pct(99):6.1f} ms   "
        f"{saturated.throughput:7.1f}/s" + (f"   FAILED {fails}" if fails else "")
    )


async def startup(
    proc: BotProcess, driver: Driver, places: list[Place], ready_within: float = 30.0
) -> dict[str, object]:
    """From process start: identified, first answer, an answer in every guild (one /status per guild,
    dispatched as soon as the bot is connected), and discord.py's on_ready."""
    await proc.start()
    assert proc.identified_at is not None
    results = [await driver.slash(p.guild, p.members[0], "status", {}, deadline=60.0) for p in places]
    await harness._settle(results, 60.0)
    await proc.wait_ready(within=ready_within)
    t0 = proc.started_at
    done = [r.dispatched_at + r.latency - t0 for r in results if harness.failure(r) is None and r.latency]
    failures = [harness.failure(r) for r in results if harness.failure(r) is not None]
    return {
        "guilds": len(places),
        "identified_s": round(proc.identified_at - t0, 3),
        "first_answer_s": round(min(done), 3) if done else None,
        "all_answered_s": round(max(done), 3) if done else None,
        "on_ready_s": round(proc.ready_at - t0, 3) if proc.ready_at else None,
        "failures": len(failures),
    }


async def run(opts: Options) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "options": {k: str(v) for k, v in vars(opts).items()}}
    shapes = {size: generate.Shape(1, size, opts.seed) for size in opts.sizes}
    many = generate.Shape(opts.guilds, opts.claims_per_guild, opts.seed) if opts.guilds else None
    built: dict[str, float] = {}
    for shape in [*shapes.values(), *([many] if many else [])]:
        started = time.perf_counter()
        generate.cached_database(shape)
        built[shape.key] = round(time.perf_counter() - started, 1)
    results["databases_s"] = built

    scratch = Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    server = LocalDiscord(token=harness.TOKEN)
    await server.start()
    driver = Driver(server)
    try:
        guild_ids = many.guild_ids() if many else [MAIN_GUILD]
        places = [
            harness.add_guild(driver, gid, f"Guild {i}", opts.members if gid == MAIN_GUILD else 1)
            for i, gid in enumerate(guild_ids)
        ]
        if MAIN_GUILD not in guild_ids:
            places.insert(0, harness.add_guild(driver, MAIN_GUILD, "Main", opts.members))
        main_place = next(p for p in places if p.guild.id == MAIN_GUILD)
        startup_places = [p for p in places if p.guild.id in set(guild_ids)] if many else []
        await harness.sync_commands(server, scratch)
        print(f"local Discord at {server.api_base}, {len(places)} guilds; logs in {scratch}", flush=True)

        base = harness.baseline(server, scratch / "baseline.log")
        report: dict[str, Any] = {}
        if startup_places:
            report["startup"] = await startup(base, driver, startup_places, opts.ready_within)
            print(f"  baseline  start-up {report['startup']}", flush=True)
        else:
            await base.start()
        if opts.sizes and opts.commands:
            # The same load as claimbot gets (the bare bot ignores what is asked).
            first_db = generate.working_copy(generate.cached_database(shapes[opts.sizes[0]]), scratch / "sample.db")
            samples = await sample(harness.sqlite_url(first_db), MAIN_GUILD, opts.seed)
            workload = Workload(driver, main_place, samples, opts.seed)
            report["commands"] = await measure_commands(base, workload, opts)
        report["peak_rss_kib"] = base.status_kib()
        await base.stop()
        results["baseline"] = report

        for size, shape in shapes.items() if opts.commands else ():
            database = generate.working_copy(generate.cached_database(shape), scratch / f"claims-{size}.db")
            samples = await sample(harness.sqlite_url(database), MAIN_GUILD, opts.seed)
            proc = harness.claimbot(server, harness.sqlite_url(database), scratch / f"claimbot-{size}.log")
            await proc.start()
            report = {"claims": size}
            report["commands"] = await measure_commands(proc, Workload(driver, main_place, samples, opts.seed), opts)
            report["peak_rss_kib"] = proc.status_kib()
            report["exit"] = await proc.stop()
            results[f"claimbot_{size}"] = report
            print(f"  claimbot {size} claims: peak RSS {report['peak_rss_kib'] / 1024:.1f} MiB", flush=True)

        if startup_places and many:
            for label, source in (
                ("fresh", None),
                (f"{opts.guilds}x{opts.claims_per_guild}", generate.cached_database(many)),
            ):
                database = scratch / f"startup-{label}.db"
                if source is None:
                    generate.remove_database(database)
                else:
                    generate.working_copy(source, database)
                proc = harness.claimbot(server, harness.sqlite_url(database), scratch / f"startup-{label}.log")
                found = await startup(proc, driver, startup_places, opts.ready_within)
                found["peak_rss_kib"] = proc.status_kib()
                await proc.stop()
                results[f"startup_{label}"] = found
                print(f"  claimbot  start-up ({label} database) {found}", flush=True)
        results["problems"] = server.problems()[:20]
        results["logs"] = str(scratch)
    finally:
        await server.stop()
    return results


def summarise(results: dict[str, Any], opts: Options) -> str:
    """The headline table: each command's latency at the offered load and throughput against the baseline."""
    base = results["baseline"].get("commands", {})
    lines = []
    for key, report in results.items():
        if not key.startswith("claimbot_"):
            continue
        lines.append(f"\n{report['claims']:,} claims in one guild, {opts.rate:g} interactions/s offered:")
        lines.append("| command | p50 ms | p95 ms | p99 ms | throughput /s | × baseline | failures |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, found in report["commands"].items():
            lat, tp = found["latency"], found["throughput"]
            ratio = tp["throughput_per_s"] / max(base[name]["throughput"]["throughput_per_s"], 1e-9)
            fails = sum(lat["failures"].values()) + sum(tp["failures"].values())
            lines.append(
                f"| {name} | {lat['p50_ms']} | {lat['p95_ms']} | {lat['p99_ms']} | {tp['throughput_per_s']} "
                f"| {ratio:.2f} | {fails} |"
            )
        rss, base_rss = report["peak_rss_kib"], results["baseline"]["peak_rss_kib"]
        lines.append(f"\nPeak RSS {rss / 1024:.1f} MiB, baseline {base_rss / 1024:.1f} MiB ({rss / base_rss:.2f}×)")
    for key in ("startup_fresh", *(k for k in results if k.startswith("startup_") and k != "startup_fresh")):
        if key in results:
            lines.append(f"{key}: {results[key]}")
    if "startup" in results["baseline"]:
        lines.append(f"baseline startup: {results['baseline']['startup']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    opts = Options.parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("bench").setLevel(logging.INFO)
    logging.getLogger("bench.generate").setLevel(logging.INFO)
    started = time.perf_counter()
    results = asyncio.run(run(opts))
    results["total_s"] = round(time.perf_counter() - started, 1)
    out = opts.out or RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(summarise(results, opts))
    print(f"\nFull results: {out} ({results['total_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
