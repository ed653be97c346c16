"""The benchmark harness still works: a tiny run of `python -m bench` gives numbers for every command, on
SQLite and (when a server is there) on PostgreSQL, in one process and in one process per shard.

No timing is asserted here (the machine running the tests may be busy); BENCHMARKS.md has the numbers.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.workload import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = "postgresql://postgres@127.0.0.1:1/nothing"  # a port nothing listens on


def run_bench(out: Path, *args: str) -> tuple[dict[str, Any], str]:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text()), done.stdout


def assert_measured(bot: str, commands: dict[str, Any], expected: set[str]) -> None:
    assert set(commands) == expected, bot
    for command, found in commands.items():
        for kind in ("latency", "throughput"):
            numbers = found[kind]
            assert numbers["failures"] == {}, (bot, command, kind, numbers)
            assert numbers["answered"] > 0, (bot, command, kind)
            assert all(math.isfinite(numbers[p]) for p in ("p50_ms", "p95_ms", "p99_ms")), (bot, command)


def test_quick_benchmark_measures_every_command_without_errors(tmp_path: Path) -> None:
    results, _stdout = run_bench(tmp_path / "results.json")
    assert results["problems"] == []
    runs = [key for key in results if key.startswith(("claimbot_", "postgres_"))]
    for bot in ("baseline", *runs):
        assert results[bot]["peak_rss_kib"] > 0
        assert_measured(bot, results[bot]["commands"], set(COMMANDS))
    for key in ("startup_fresh", "startup_20x20"):
        assert results[key]["failures"] == 0, results[key]
        assert results[key]["all_answered_s"] > 0
    assert results["claimbot_300"]["exit"] == 0
    if results["postgres"]["skipped"]:
        return  # no PostgreSQL server here: test_without_postgres covers what the run does then
    assert results["postgres_300"]["exit"] == 0
    shards = results["shards"]
    assert sorted(shards["shard_of_guild"]) == [0, 1]
    assert_measured("baseline, sharded load", results["baseline"]["sharded"], {"/claim"})
    for layout, processes in (("one_process", 1), ("two_processes", 2)):
        assert shards[layout]["processes"] == processes
        assert shards[layout]["exit"] == 0, layout
        assert_measured(layout, shards[layout]["commands"], {"/claim"})


def test_without_postgres_the_run_says_so_in_one_line_and_measures_sqlite(tmp_path: Path) -> None:
    results, stdout = run_bench(
        tmp_path / "results.json", "--postgres", NOWHERE, "--commands", "/claim", "--guilds", "0"
    )
    skipped = [line for line in stdout.splitlines() if "PostgreSQL" in line and "skipped" in line]
    assert len(skipped) == 1, stdout
    assert "127.0.0.1:1" in skipped[0]
    assert not any(key.startswith("postgres_") for key in results)
    assert "shards" not in results
    assert_measured("claimbot_300", results["claimbot_300"]["commands"], {"/claim"})
