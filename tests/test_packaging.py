"""What `pip install .` (not editable) really installs: the seed stories travel with the bot.

The project is copied first, so the build's leftovers (build/, *.egg-info) never land in the checkout,
and installed with the dev environment's setuptools (--no-build-isolation), so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PIP_INSTALL = [sys.executable, "-m", "pip", "install", "--verbose", "--no-deps", "--no-build-isolation", "--no-index"]
# At the top: dot folders (.git, .venv, .env, caches), local databases, build leftovers, what no build needs.
NOT_COPIED = {"build", "dist", "data", "tests", "bench"}


def not_copied(folder: str, names: list[str]) -> set[str]:
    skipped = {name for name in names if name == "__pycache__"}
    if Path(folder) == REPO:
        skipped |= {name for name in names if name.startswith(".") or name.endswith(".egg-info") or name in NOT_COPIED}
    return skipped


@dataclass(frozen=True)
class Installed:
    target: Path
    output: str  # pip's and the build backend's output (verbose)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel-install")
    source, target = root / "source", root / "site-packages"
    shutil.copytree(REPO, source, ignore=not_copied)
    done = subprocess.run(
        [*PIP_INSTALL, "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Installed(target, done.stdout + done.stderr)


def run_installed(installed: Installed, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -c code` from `cwd` with the installed copy first on the path, ahead of the editable checkout."""
    env = {**os.environ, "PYTHONPATH": str(installed.target)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_an_installed_bot_finds_its_shipped_story_from_another_folder(installed: Installed, tmp_path: Path) -> None:
    code = "import bot.seedfile as s; print(s.__file__); print(len(s.load_stories()))"
    done = run_installed(installed, code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    module, count = done.stdout.split()
    assert Path(module).is_relative_to(installed.target), "imported the checkout, not the installed copy"
    assert count == "1"


def test_an_install_without_its_stories_says_so_in_one_line(installed: Installed, tmp_path: Path) -> None:
    for story in (installed.target / "bot" / "stories").glob("*.toml"):
        story.rename(tmp_path / story.name)
    try:
        done = run_installed(installed, "from bot.__main__ import main; raise SystemExit(main(['seed']))", tmp_path)
    finally:
        for story in tmp_path.glob("*.toml"):
            story.rename(installed.target / "bot" / "stories" / story.name)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no seed stories" in lines[0]
    assert "reinstall claimbot" in lines[0]


def test_building_the_wheel_warns_of_nothing_deprecated(installed: Installed) -> None:
    assert "SetuptoolsDeprecationWarning" not in installed.output
