"""The terminal around the sandbox: a prompt_toolkit prompt with completion, or plain lines from a pipe.

With a terminal on both ends the person gets history, Tab completion and Ctrl-C/Ctrl-D as in a shell.
When stdin is a pipe or a file (a script, a test) lines are read plainly and echoed after the prompt, so
the output reads as a transcript.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from rich.console import Console
from rich.text import Text

from bot.settings import Settings
from sandbox.completion import SandboxCompleter
from sandbox.runtime import SandboxError, running
from sandbox.session import Sandbox


async def run_sandbox(settings: Settings, *, stdin: TextIO | None = None, console: Console | None = None) -> None:
    """`python -m bot sandbox`: the local Discord, the bot, and a prompt, until quit or end of input."""
    stdin = stdin or sys.stdin
    console = console or Console()
    console.print(Text("Starting a local Discord and the bot…", style="dim"))
    try:
        async with running(settings) as runtime:
            sandbox = Sandbox(runtime.driver, runtime.newsroom, console, log_path=runtime.log_path)
            sandbox.banner()
            if stdin.isatty() and sys.stdout.isatty():
                await interactive(sandbox)
            else:
                await scripted(sandbox, stdin)
    except SandboxError as exc:
        console.print(Text(f"claimbot sandbox: {exc}", style="bold red"))
        raise SystemExit(1) from None
    console.print(Text("Bye. The sandbox server and its database are gone.", style="dim"))


async def interactive(sandbox: Sandbox) -> None:
    session: PromptSession[str] = PromptSession(
        completer=SandboxCompleter(sandbox),
        complete_while_typing=True,
        history=InMemoryHistory(),
    )
    while True:
        try:
            line = await session.prompt_async(sandbox.prompt)
        except KeyboardInterrupt:
            # As in a shell: Ctrl-C drops the line (or closes an open form), Ctrl-D leaves.
            sandbox.cancel_form()
            continue
        except EOFError:
            if sandbox.form is not None:
                sandbox.cancel_form()
                continue
            return
        if not await sandbox.handle(line):
            return


async def scripted(sandbox: Sandbox, stdin: TextIO) -> None:
    async for line in lines_from(stdin):
        sandbox.console.print(Text(sandbox.prompt, style="bold") + Text(line))
        if not await sandbox.handle(line):
            return


async def lines_from(stream: TextIO) -> AsyncIterator[str]:
    """Lines from a blocking stream without blocking the event loop the bot runs in.

    A daemon thread does the reading: asyncio's pipe transports refuse regular files (`< script.txt`),
    and an executor thread stuck in readline() would keep the process alive after `quit`.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for raw in stream:
            loop.call_soon_threadsafe(queue.put_nowait, raw.rstrip("\r\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line
