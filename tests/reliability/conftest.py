"""The bot as a real process (`python -m bot`), for restarts, kills, signals and secrets.

The local Discord runs in the test's event loop; the bot is a child process configured only by its
environment, exactly as an operator would run it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from localdiscord.driver import Driver
from localdiscord.pytest_plugin import local_discord  # noqa: F401
from tests.bot.conftest import Newsroom, bot_backend, bot_database, claimbot, desk, newsroom  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BotProcess:
    """One `python -m bot` child; its combined output is kept for the secrecy checks."""

    driver: Driver
    database: Path
    guild_id: int
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    starts: int = 0

    def env(self) -> dict[str, str]:
        server = self.driver.server
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
        env.update(
            DISCORD_TOKEN=server.token,
            DISCORD_API_BASE=server.api_base,
            DATABASE_URL=f"sqlite:///{self.database}",
            DEV_GUILD_ID=str(self.guild_id),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    async def start(self, *args: str, wait: bool = True) -> asyncio.subprocess.Process:
        before = self.driver.server.gateway.identify_count
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=ROOT, env=self.env(), stdout=log, stderr=asyncio.subprocess.STDOUT
        )
        log.close()
        self.starts += 1
        if wait:
            await self.wait_ready(before)
        return self.process

    async def wait_ready(self, before: int, within: float = 20.0) -> None:
        """Until this process has identified to the gateway (a restart waits for a new session)."""
        gateway = self.driver.server.gateway
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            if gateway.identify_count > before and gateway.live_sessions and self._synced():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not connect within {within} s:\n{self.output()[-3000:]}")

    async def wait_logged(self, text: str, times: int = 1, within: float = 10.0) -> None:
        """Until the bot's output holds `text` at least `times` times (the log is a file: polled)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if self.output().count(text) >= times:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{text!r} not logged {times} times within {within} s:\n{self.output()[-3000:]}")

    def _synced(self) -> bool:
        guild = self.driver.world.guilds[self.guild_id]
        return self.driver.server.commands.find("claim", guild_id=guild.id) is not None

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._wait_disconnected()

    async def terminate(self, within: float = 10.0) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), within)
        await self._wait_disconnected()
        return code

    async def _wait_disconnected(self) -> None:
        gateway = self.driver.server.gateway
        for _ in range(100):
            if not gateway.live_sessions:
                return
            await asyncio.sleep(0.02)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
async def bot_process(newsroom: Newsroom, tmp_path: Path) -> AsyncIterator[BotProcess]:  # noqa: F811
    proc = BotProcess(newsroom.driver, tmp_path / "claims.db", newsroom.guild.id, tmp_path / "bot.log")
    try:
        yield proc
    finally:
        if proc.process is not None and proc.process.returncode is None:
            proc.process.kill()
            await proc.process.wait()


@pytest.fixture
def local_discord_options() -> dict[str, object]:
    # A token shaped like Discord's, so a leak would be found by the secrecy checks.
    return {"token": "MTIzNDU2Nzg5MDEyMzQ1Njc4.GsEcRt.k9f2-QpZx_local-secret-7Yw3Lm"}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.reliability.figures import FIGURES

    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{value:>8,}  {name}")
