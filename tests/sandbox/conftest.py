"""A sandbox per test: the real bot on a local Discord, typed at through the same class the prompt uses."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from rich.console import Console

from bot.settings import Settings
from sandbox.runtime import Runtime, running
from sandbox.session import Sandbox


@dataclass
class Screen:
    """Type lines into the sandbox and read what appeared since the last time."""

    sandbox: Sandbox
    runtime: Runtime
    file: io.StringIO
    read_up_to: int = 0

    async def type(self, *lines: str) -> str:
        for line in lines:
            self.file.write(self.sandbox.prompt + line + "\n")
            await self.sandbox.handle(line)
        output = self.file.getvalue()[self.read_up_to :]
        self.read_up_to += len(output)
        return output

    @property
    def everything(self) -> str:
        return self.file.getvalue()


@pytest.fixture
async def screen() -> AsyncIterator[Screen]:
    async with running(Settings(_env_file=None, log_level="INFO")) as runtime:  # type: ignore[call-arg]
        file = io.StringIO()
        console = Console(file=file, width=120, color_system=None, force_terminal=False)
        sandbox = Sandbox(runtime.driver, runtime.newsroom, console, log_path=runtime.log_path)
        yield Screen(sandbox, runtime, file)
        # The sandbox must drive the bot the way Discord does: nothing the local Discord would reject.
        assert runtime.driver.server.problems() == []
        assert runtime.driver.warnings == []
