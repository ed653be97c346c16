"""`python -m bench.memory` still works: a small run serves every card it asked for (each answer checked
to be the asked claim's card), reads the bot's memory at each checkpoint, and remembers every card posted.
No size is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_run_serves_the_cards_asked_for_and_reads_the_bots_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", "--cards", "1000", "--claims", "300", "--concurrency", "8"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result, _end = json.JSONDecoder().raw_decode(done.stdout[done.stdout.index("{") :])
    assert result["wrong_or_late"] == 0
    assert [row["cards"] for row in result["checkpoints"]] == [1000]
    assert all(row["rss_mib"] > 0 and row["peak_mib"] >= row["rss_mib"] for row in result["checkpoints"])
    # Every card served is a post remembered for correction (3 or 4 a claim, well under POSTS_KEPT).
    assert result["posts_remembered"] >= result["cards"]
