"""The local Discord and the real ClaimBot on an event loop of their own, in a background thread.

Hypothesis drives a plain function: it calls it once per example, shrinks a failure by calling it
again, and knows nothing of event loops. So the property tests are ordinary synchronous tests, and
each example hands its coroutine to this loop with `run()` and waits for the answer. One bot serves a
whole module (starting one takes about a second; examples take milliseconds), and every example is
checked on its own: answered in time, no limit broken, no ping, no unknown route, no warning or error
in the log, no "Something went wrong" reply, and nothing changed in the database by a refused call.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.bot import ClaimBot
from bot.desk import Desk
from localdiscord import permissions as perms
from localdiscord.client import restore_discord_py
from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from localdiscord.server import LocalDiscord
from localdiscord.world import Channel, Guild, Member
from tests.bot.conftest import bot_settings, start_bot, stop_bot

T = TypeVar("T")

UNHANDLED = "Something went wrong (ref"


class LogRecords(logging.Handler):
    """Every record at WARNING or above, from any logger, in any thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "discord.gateway" and record.levelno == logging.WARNING:
            return  # "Can't keep up, websocket is 1.2s behind": a busy test machine, not the bot's doing
        with self._lock:
            self.records.append(record)

    def since(self, mark: int) -> list[logging.LogRecord]:
        with self._lock:
            return self.records[mark:]


@dataclass(frozen=True)
class Snapshot:
    """What a refused call must leave exactly as it was."""

    counts: tuple[int, ...]
    claims: str

    @classmethod
    def of(cls, database: Path) -> Snapshot:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            counts = tuple(
                db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("claims", "history", "evidence", "relations", "speakers", "speaker_names", "aliases")
            )
            claims = db.execute(
                "SELECT group_concat(number || ':' || verdict || ':' || attribution || ':' || revision, ' ') "
                "FROM (SELECT * FROM claims ORDER BY guild_id, number)"
            ).fetchone()[0]
        return cls(counts, claims or "")


@dataclass
class ThreadedBot:
    database: Path
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    logs: LogRecords = field(default_factory=LogRecords)
    tried: int = 0
    server: LocalDiscord | None = None
    driver: Driver = field(init=False)
    bot: ClaimBot = field(init=False)
    guild: Guild = field(init=False)
    general: Channel = field(init=False)
    reader: Member = field(init=False)
    moderator: Member = field(init=False)
    other_guild: Guild = field(init=False)
    other_moderator: Member = field(init=False)
    _store: Desk | None = None
    _task: asyncio.Task[None] | None = None
    _thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------- lifecycle

    def start(self) -> ThreadedBot:
        self._thread = threading.Thread(target=self.loop.run_forever, name="bot-loop", daemon=True)
        self._thread.start()
        logging.getLogger().addHandler(self.logs)
        self.run(self._start())
        return self

    async def _start(self) -> None:
        self.server = LocalDiscord()
        await self.server.start()
        d = self.driver = Driver(self.server)
        self.guild = d.create_guild("Newsroom", bot_permissions=perms.VIEW_CHANNEL | perms.SEND_MESSAGES)
        self.general = d.default_channel(self.guild)
        mods = d.create_role(self.guild, "Mods", permissions=perms.MANAGE_MESSAGES)
        self.reader = d.create_member(self.guild, "reader")
        self.moderator = d.create_member(self.guild, "mod", roles=[mods])
        self.other_guild = d.create_guild("Elsewhere")
        other_mods = d.create_role(self.other_guild, "Mods", permissions=perms.MANAGE_MESSAGES)
        self.other_moderator = d.create_member(self.other_guild, "other-mod", roles=[other_mods])
        self.bot, self._store, self._task = await start_bot(bot_settings(d, self.database))
        for guild in (self.guild, self.other_guild):
            await self._store.ensure_guild(guild.id)

    def stop(self) -> list[str]:
        """Stop everything; returns what the local Discord caught that no example took off the record."""
        try:
            problems = self.run(self._stop())
            self.run(self._cancel_leftovers())
        finally:
            logging.getLogger().removeHandler(self.logs)
            self.loop.call_soon_threadsafe(self.loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            self.loop.close()
            restore_discord_py()
        return problems

    async def _stop(self) -> list[str]:
        assert self.server is not None
        assert self._store is not None
        assert self._task is not None
        await stop_bot(self.bot, self._store, self._task)
        problems = self.server.problems()
        await self.server.stop()
        return problems

    async def _cancel_leftovers(self) -> None:
        """Forms opened and never submitted leave discord.py's timeout tasks behind: end them quietly."""
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    # ----------------------------------------------------------------------------- one example

    def snapshot(self) -> Snapshot:
        return Snapshot.of(self.database)

    def attempt(self, act: Callable[[ThreadedBot], Awaitable[list[InteractionResult]]]) -> list[InteractionResult]:
        """Run one example's interactions and check everything every example must hold."""
        self.tried += 1
        mark = len(self.logs.records)
        results = self.run(self._settle(act))
        assert self.server is not None
        problems = self.server.problems()
        self.server.clear_problems()
        assert not problems, "the local Discord caught:\n  " + "\n  ".join(problems)
        for result in results:
            assert result.answered, f"not answered: {result!r}"
            assert not result.late, f"answered late: {result!r}"
            assert not result.errors, f"Discord refused what the bot sent: {result.errors}"
            assert UNHANDLED not in result.text, f"an unhandled error reached the member: {result.text}"
        logged = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in self.logs.since(mark)]
        assert not logged, "the bot logged:\n  " + "\n  ".join(logged)
        return results

    async def _settle(
        self, act: Callable[[ThreadedBot], Awaitable[list[InteractionResult]]]
    ) -> list[InteractionResult]:
        results = await act(self)
        for result in results:
            await result.finished(within=5, idle=0.02)
        return results

    # ----------------------------------------------------------------------------- acting

    async def slash(
        self, member: Member, name: str, options: dict[str, Any], subcommand: str | tuple[str, ...] = ()
    ) -> InteractionResult:
        guild = self.other_guild if member is self.other_moderator else self.guild
        return await self.driver.slash(guild, member, name, options, subcommand=subcommand)

    async def autocomplete(
        self, name: str, focused: str, value: str, options: dict[str, Any] | None = None, subcommand: str = ""
    ) -> InteractionResult:
        member = self.moderator if name == "mod" else self.reader
        return await self.driver.autocomplete(
            self.guild, member, name, focused, value, options, subcommand=subcommand or ()
        )
