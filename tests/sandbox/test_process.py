"""`python -m bot sandbox` as a person runs it, with stdin a pipe: no prompt_toolkit, no tracebacks, no token."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KNOWN_TOKEN = "sandbox-test-token-that-must-never-show"
# Runs the same main() as `python -m bot sandbox`, with the throwaway token fixed so the test can look for it.
WITH_KNOWN_TOKEN = (
    "import sys, sandbox.runtime as runtime; "
    f"runtime.new_token = lambda: {KNOWN_TOKEN!r}; "
    "from bot.__main__ import main; sys.exit(main(['sandbox']))"
)


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """No token, no .env (the cwd is empty), a HOME and TMPDIR of its own, a terminal that cannot draw."""
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "DATABASE_", "DEV_"))}
    env.update(HOME=str(home), TMPDIR=str(temp), TERM="dumb", PYTHONPATH=str(REPO), LOG_LEVEL="INFO")
    return env


async def start(args: list[str], env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        cwd=cwd,
    )


async def test_piped_claim_then_quit_shows_the_card_and_exits_cleanly(isolated_env: dict[str, str]) -> None:
    cwd = Path(isolated_env["HOME"])
    process = await start(["-m", "bot", "sandbox"], isolated_env, cwd)
    out, _ = await asyncio.wait_for(process.communicate(b"/claim troops\npress 1\nquit\n"), 20)
    text = out.decode()
    assert process.returncode == 0, text
    assert "nothing leaves this machine" in text
    assert "reader@Newsroom> /claim troops" in text
    assert "Claim #1" in text
    assert "Zelensky" in text
    assert "Disputed" in text
    assert "History of claim #1" in text
    assert "Traceback" not in text
    left = await asyncio.to_thread(os.listdir, isolated_env["TMPDIR"])
    assert left == [], "the throwaway directory was left behind"


async def test_the_token_is_in_neither_the_output_nor_the_log(isolated_env: dict[str, str]) -> None:
    process = await start(["-c", WITH_KNOWN_TOKEN], isolated_env, Path(isolated_env["HOME"]))
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(b"/claim troops\n")
    await process.stdin.drain()
    seen = b""
    async with asyncio.timeout(20):
        while b"[1] History" not in seen:
            chunk = await process.stdout.read(4096)
            assert chunk, seen.decode()
            seen += chunk
    match = re.search(r"The bot's log: (\S+)", seen.decode())
    assert match, seen.decode()
    log = await asyncio.to_thread(Path(match.group(1)).read_text, encoding="utf-8")  # the directory goes at exit
    rest, _ = await asyncio.wait_for(process.communicate(b"quit\n"), 20)
    text = (seen + rest).decode()
    assert process.returncode == 0, text
    assert "Ready as claimbot" in log
    assert KNOWN_TOKEN not in log
    assert KNOWN_TOKEN not in text
