"""The benchmark harness still works: a tiny run of `python -m bench` gives numbers for every command.

No timing is asserted here (the machine running the tests may be busy); BENCHMARKS.md has the numbers.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from bench.workload import COMMANDS

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_measures_every_command_without_errors(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["problems"] == []
    for bot in ("baseline", *(key for key in results if key.startswith("claimbot_"))):
        report = results[bot]
        assert report["peak_rss_kib"] > 0
        assert set(report["commands"]) == set(COMMANDS), bot
        for command, found in report["commands"].items():
            for kind in ("latency", "throughput"):
                numbers = found[kind]
                assert numbers["failures"] == {}, (bot, command, kind, numbers)
                assert numbers["answered"] > 0, (bot, command, kind)
                assert all(math.isfinite(numbers[p]) for p in ("p50_ms", "p95_ms", "p99_ms")), (bot, command)
    for key in ("startup_fresh", "startup_20x20"):
        assert results[key]["failures"] == 0, results[key]
        assert results[key]["all_answered_s"] > 0
    assert results["claimbot_300"]["exit"] == 0
