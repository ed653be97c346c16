"""`make test` is what CI runs (.ci/run): it must hold every check a change has to pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_checks_lint_formatting_and_types_then_runs_every_tier() -> None:
    # --no-print-directory: run from inside `make test` (as CI does), make would add "Entering directory" lines.
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"], cwd=REPO, capture_output=True, text=True, timeout=30, check=True
    )
    commands = [line.split(" -m ", 1)[-1] for line in done.stdout.splitlines() if " -m " in line]
    assert commands[-4:] == ["ruff check .", "ruff format --check .", "mypy", 'pytest -m "slow or not slow"']
