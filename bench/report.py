"""The summary `python -m bench` prints: Markdown tables of one run's results, ratios against its bare bot.

Latency is the open loop's (the offered rate), throughput the closed loop's; "× bare" is the
throughput against the bare bot's for the same command and the same load in the same run. CPU is
per answered interaction in the closed loop: the bot's processes, the PostgreSQL server's processes
for the bot's database, and the benchmark process (the local Discord and the load generator; the JSON
also has `bench_gc`, its time in the garbage collector, and per run `harness_cpu_ms`, `harness_core_share`
and `harness_limited`). Failures are shown by reason: "wrong content" is an answer that did not show
what was asked (bench/answers.py).
"""

from __future__ import annotations

from typing import Any

Results = dict[str, Any]


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _latency(found: dict[str, Any]) -> str:
    lat = found["latency"]
    return f"{_ms(lat['p50_ms'])} / {_ms(lat['p95_ms'])} / {_ms(lat['p99_ms'])}"


def _throughput(found: dict[str, Any]) -> float:
    return float(found["throughput"]["throughput_per_s"])


def _ratio(found: dict[str, Any], bare: dict[str, Any] | None) -> str:
    if not bare:
        return "–"
    return f"{_throughput(found) / max(_throughput(bare), 1e-9):.2f}"


def failures(found: dict[str, Any]) -> int:
    return sum(int(n) for kind in ("latency", "throughput") for n in found[kind]["failures"].values())


def cpu_per_interaction(found: dict[str, Any]) -> str:
    """bot / postgres / bench CPU ms per answered interaction in the closed loop ("–" when not measured)."""
    tp = found["throughput"]
    answered = max(int(tp["answered"]), 1)
    cpu = tp.get("cpu_s", {})
    return " / ".join(
        f"{cpu[who] * 1000 / answered:.2f}" if who in cpu else "–" for who in ("bot", "postgres", "bench")
    )


def _failed(found: dict[str, Any]) -> str:
    """ " (3 wrong content, 1 late)": how many failed, by reason (bench/harness.py's failure)."""
    reasons: dict[str, int] = {}
    for kind in ("latency", "throughput"):
        for reason, count in found[kind]["failures"].items():
            reasons[reason] = reasons.get(reason, 0) + int(count)
    if not reasons:
        return ""
    return " (" + ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items())) + ")"


def harness_share(found: dict[str, Any]) -> float | None:
    """The benchmark process's share of a core in the closed loop (None in results from before it was kept)."""
    share = found["throughput"].get("harness_core_share")
    return None if share is None else float(share)


def harness_line(runs: list[tuple[str, dict[str, Any]]]) -> str:
    """The busiest the benchmark process was in any closed loop of these runs, and whether it may have
    been the limit (one Python thread: at >= 80 % of a core it, not the bot, may set the pace)."""
    busiest: tuple[float, str, str] | None = None
    flagged: list[str] = []
    for label, commands in runs:
        for name, found in commands.items():
            share = harness_share(found)
            if share is None:
                continue
            if busiest is None or share > busiest[0]:
                busiest = (share, label, name)
            if found["throughput"].get("harness_limited"):
                flagged.append(f"{label} {name}")
    if busiest is None:
        return ""
    share, label, name = busiest
    line = f"\nHarness (local Discord + load generator, one process): at most {share:.0%} of a core ({label} {name})"
    if flagged:
        line += "; at >= 80 %, so the harness may be the limit, in: " + ", ".join(flagged)
    return line


def backends_table(results: Results, size: int, rate: float) -> list[str]:
    """One size: SQLite and, when it ran, PostgreSQL side by side."""
    base = results["baseline"].get("commands", {})
    sqlite = results[f"claimbot_{size}"]
    postgres = results.get(f"postgres_{size}")
    lines = [f"\n{size:,} claims in one guild; latency at {rate:g} interactions/s offered, throughput closed loop:"]
    if postgres:
        lines.append(
            "| command | SQLite p50 / p95 / p99 ms | SQLite /s | × bare | PostgreSQL p50 / p95 / p99 ms "
            "| PostgreSQL /s | × bare | bare /s |"
        )
        lines.append("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |")
    else:
        lines.append("| command | p50 / p95 / p99 ms | /s | × bare | bare /s |")
        lines.append("| --- | --- | ---: | ---: | ---: |")
    for name, found in sqlite["commands"].items():
        bare = base.get(name)
        row = f"| {name} | {_latency(found)}{_failed(found)} | {_throughput(found):,.0f} | {_ratio(found, bare)} "
        if postgres and name in postgres["commands"]:
            other = postgres["commands"][name]
            row += f"| {_latency(other)}{_failed(other)} | {_throughput(other):,.0f} | {_ratio(other, bare)} "
        row += f"| {_throughput(bare):,.0f} |" if bare else "| – |"
        lines.append(row)
    rss, base_rss = sqlite["peak_rss_kib"], results["baseline"]["peak_rss_kib"]
    line = f"\nPeak RSS: SQLite {rss / 1024:.1f} MiB"
    if postgres:
        line += f", PostgreSQL {postgres['peak_rss_kib'] / 1024:.1f} MiB"
    lines.append(line + f"; bare bot {base_rss / 1024:.1f} MiB")
    runs = [("bare bot", base), ("SQLite", sqlite["commands"])]
    if postgres:
        runs.append(("PostgreSQL", postgres["commands"]))
    lines.append(harness_line(runs))
    return lines


def _served_ms(found: dict[str, Any]) -> float | None:
    """CPU ms per answered interaction of what serves it: the bot's processes and its PostgreSQL server's."""
    tp = found["throughput"]
    cpu = tp.get("cpu_s", {})
    if "bot" not in cpu:
        return None
    return float(cpu["bot"] + cpu.get("postgres", 0.0)) * 1000 / max(int(tp["answered"]), 1)


def cpu_ratio(found: dict[str, Any], bare: dict[str, Any] | None) -> str:
    """The bare bot's CPU per interaction over claimbot's (its bot and database server): the throughput
    ratio two cores would give if neither the harness nor the other process took any of them."""
    mine, theirs = _served_ms(found), _served_ms(bare) if bare else None
    return "–" if mine is None or theirs is None else f"{theirs / max(mine, 1e-9):.2f}"


def cpu_table(results: Results, size: int) -> list[str]:
    found = [("SQLite", results.get(f"claimbot_{size}")), ("PostgreSQL", results.get(f"postgres_{size}"))]
    runs: list[tuple[str, dict[str, Any]]] = [(label, run) for label, run in found if run]
    lines = [
        f"\nCPU ms per interaction at {size:,} claims (closed loop; bot / PostgreSQL server / local Discord + load), "
        "and the bare bot's CPU over claimbot's (bot and server):"
    ]
    labels = [label for label, _run in runs]
    heads = [*labels, "bare bot", *(f"{label} × bare by CPU" for label in labels)]
    lines.append("| command | " + " | ".join(heads) + " |")
    lines.append("| --- |" + " --- |" * (len(runs) + 1) + " ---: |" * len(runs))
    base = results["baseline"].get("commands", {})
    for name in runs[0][1]["commands"]:
        mine = [run["commands"][name] for _label, run in runs if name in run["commands"]]
        cells = [cpu_per_interaction(found) for found in mine]
        cells.append(cpu_per_interaction(base[name]) if name in base else "–")
        cells += [cpu_ratio(found, base.get(name)) for found in mine]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def shards_table(results: Results, rate: float) -> list[str]:
    shards = results["shards"]
    base = results["baseline"].get("sharded", {})
    lines = [
        f"\nPostgreSQL, two guilds of {shards['claims_per_guild']:,} claims, one on each shard of 2, "
        f"interactions alternating between them; latency at {rate:g}/s offered:"
    ]
    lines.append("| bot | command | p50 / p95 / p99 ms | /s | × bare | CPU ms: bot / PostgreSQL / local Discord |")
    lines.append("| --- | --- | --- | ---: | ---: | --- |")
    rows = [
        ("bare bot (1 process, unsharded)", base),
        ("claimbot, 1 process, shards 0-1", shards["one_process"]["commands"]),
        ("claimbot, 2 processes, shard 0 + shard 1", shards["two_processes"]["commands"]),
    ]
    for label, commands in rows:
        for name, found in commands.items():
            lines.append(
                f"| {label} | {name} | {_latency(found)}{_failed(found)} | {_throughput(found):,.0f} "
                f"| {_ratio(found, base.get(name))} | {cpu_per_interaction(found)} |"
            )
    lines.append(harness_line(rows))
    return lines


def summarise(results: Results, rate: float) -> str:
    lines: list[str] = []  # a skipped PostgreSQL was said when the run began, once
    sizes = [int(key.removeprefix("claimbot_")) for key in results if key.startswith("claimbot_")]
    for size in sizes:
        lines += backends_table(results, size, rate)
        lines += cpu_table(results, size)
    if "shards" in results:
        lines += shards_table(results, rate)
    for key in ("startup_fresh", *(k for k in results if k.startswith("startup_") and k != "startup_fresh")):
        if key in results:
            lines.append(f"{key}: {results[key]}")
    if "startup" in results.get("baseline", {}):
        lines.append(f"baseline startup: {results['baseline']['startup']}")
    return "\n".join(lines)
