"""The benchmark's machinery: the local Discord world, bot processes, and open- and closed-loop load.

The local Discord and the load generator run in this process's event loop; each bot runs as its own
`python` process, so the two never share an event loop (on a 2-core machine, each gets a core).
Latency is the local Discord's own record: from dispatching INTERACTION_CREATE to the bot's first
callback arriving over HTTP.
"""

from __future__ import annotations

import asyncio
import compileall
import ctypes
import functools
import gc
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import answers
from bench.answers import Check
from localdiscord import permissions as perms
from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from localdiscord.server import LocalDiscord
from localdiscord.world import Channel, Guild, Member, Role

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.bench.local-benchmark-token"
BOT_PERMISSIONS = perms.VIEW_CHANNEL | perms.SEND_MESSAGES | perms.EMBED_LINKS

Dispatch = Callable[[int], Awaitable[InteractionResult]]


# ------------------------------------------------------------------------------------------- the world


@dataclass
class Place:
    """One guild as the load generator uses it: where to act, and who acts (a pool of moderators, so
    per-member cooldowns never throttle the load)."""

    guild: Guild
    channel: Channel
    members: list[Member]


def add_guild(driver: Driver, guild_id: int, name: str, members: int) -> Place:
    """Driver.create_guild with a chosen id, so the guild matches a database built in advance."""
    world = driver.world
    owner = driver.create_user(f"owner-{guild_id % 100_000}")
    guild = Guild(id=guild_id, name=name, owner_id=owner.id)
    guild.roles[guild.id] = Role(id=guild.id, guild_id=guild.id, name="@everyone", permissions=perms.DEFAULT_EVERYONE)
    bot_role = Role(
        id=world.ids.next(), guild_id=guild.id, name=driver.bot_user.username, permissions=BOT_PERMISSIONS, position=1
    )
    guild.roles[bot_role.id] = bot_role
    guild.members[owner.id] = Member(user=owner, guild_id=guild.id)
    guild.members[driver.bot_user.id] = Member(user=driver.bot_user, guild_id=guild.id, role_ids=[bot_role.id])
    world.guilds[guild.id] = guild
    channel = Channel(id=world.ids.next(), guild_id=guild.id, name="general", position=0)
    guild.channels[channel.id] = channel
    world.channels[channel.id] = channel
    mods = driver.create_role(guild, "Mods", permissions=perms.MANAGE_MESSAGES)
    pool = [driver.create_member(guild, f"member{i}", roles=[mods]) for i in range(members)]
    return Place(guild, channel, pool)


# ------------------------------------------------------------------------------------------- processes

# Our own packages, which an installed bot has compiled (pip compiles a wheel's modules as it installs
# them; a checkout writes __pycache__ on its first run). discord.py's are compiled in the venv already.
COMPILED_PACKAGES = ("bot", "cogs", "bench", "localdiscord")


@functools.cache
def compile_packages() -> None:
    """Our modules compiled into their __pycache__ folders (ignored by git), before any bot starts.

    Where PYTHONDONTWRITEBYTECODE is set, as on the machines this project runs on, Python never keeps
    what it compiles, and every start of claimbot compiled its ~200 modules again (0.25 s of `compile`
    in a profile of its imports) where the bare bot, all of it discord.py, compiled nothing. Compiled
    once here, both start as an installed bot does: the variable stops writing, not reading."""
    for package in COMPILED_PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


@dataclass
class BotProcess:
    """A bot as its own process, configured by its environment only, running `shards` gateway sessions."""

    name: str
    argv: list[str]
    server: LocalDiscord
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    shards: int = 1
    process: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    identified_at: float | None = None
    ready_at: float | None = None
    sessions: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
        env.update(
            DISCORD_TOKEN=self.server.token,
            DISCORD_API_BASE=self.server.api_base,
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO"),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    async def start(self, within: float = 60.0) -> None:
        """Start the process and wait until every one of its shards has identified to the gateway."""
        gateway = self.server.gateway
        before = set(gateway.sessions)
        compile_packages()  # once, and not in the time measured
        loop = asyncio.get_running_loop()
        self.started_at = loop.time()
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=ROOT,
            env=self.env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._reader = asyncio.create_task(self._read_output())
        deadline = self.started_at + within

        def mine() -> list[str]:
            return [sid for sid, session in gateway.sessions.items() if sid not in before and session.connection]

        while len(mine()) < self.shards:
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            if loop.time() > deadline:
                raise RuntimeError(f"{self.name} did not connect within {within} s:\n{self.output()[-3000:]}")
            await asyncio.sleep(0.002)
        self.identified_at = loop.time()
        self.sessions = mine()

    async def _read_output(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        loop = asyncio.get_running_loop()
        with self.log_path.open("ab") as log:
            async for line in self.process.stdout:
                if self.ready_at is None and b"Ready as" in line:
                    self.ready_at = loop.time()
                log.write(line)

    async def wait_ready(self, within: float = 30.0) -> None:
        """Until discord.py's on_ready was logged (it comes guild_ready_timeout after the last guild)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if self.ready_at is not None:
                return
            await asyncio.sleep(0.01)

    async def wait_idle(self, busy: float = 0.05, window: float = 0.1, within: float = 60.0) -> None:
        """Until the bot used less than `busy` of a core over `window` seconds: the backlog is done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            before = self.cpu_seconds()
            await asyncio.sleep(window)
            if self.cpu_seconds() - before < busy * window:
                return

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def status_kib(self, key: str = "VmHWM") -> int:
        """From /proc/<pid>/status: VmHWM is the peak resident set size so far, VmRSS the current one."""
        with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise LookupError(key)

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid) or 0.0

    async def stop(self, within: float = 15.0) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            await self._reader
        gateway = self.server.gateway
        for _ in range(200):
            if not any(gateway.sessions[sid].connection for sid in self.sessions if sid in gateway.sessions):
                break
            await asyncio.sleep(0.01)
        # discord.py closed with 1000, which ends the session on Discord; the local Discord keeps it for a
        # RESUME and would go on queueing every later event for it, a cost that grew with each bot run.
        for sid in self.sessions:
            gateway.sessions.pop(sid, None)
        return self.process.returncode

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """At once, if it still runs (a run that failed half-way)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the bot's process, before it starts: the kernel kills it if the benchmark process dies first
    (killed, or a pipe closed under it), so no bot outlives its run holding a database. Linux only."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def claimbot(
    server: LocalDiscord,
    database_url: str,
    log_path: Path,
    *,
    name: str = "claimbot",
    shard_count: int | None = None,
    shard_ids: list[int] | None = None,
) -> BotProcess:
    """`python -m bot` on that database; with `shard_count`, the shards in `shard_ids` (all by default)."""
    env = {"DATABASE_URL": database_url}
    shards = 1
    if shard_count is not None:
        env["SHARD_COUNT"] = str(shard_count)
        shards = shard_count
        if shard_ids is not None:
            env["SHARD_IDS"] = ",".join(map(str, shard_ids))
            shards = len(shard_ids)
    return BotProcess(name, [sys.executable, "-m", "bot"], server, log_path, env, shards)


@dataclass
class BotGroup:
    """Several bot processes measured as one bot: CPU time summed, idle when all of them are."""

    name: str
    members: list[BotProcess]

    async def start(self) -> None:
        # One after the other, so each process's gateway sessions are told apart.
        for member in self.members:
            await member.start()

    async def wait_idle(self) -> None:
        for member in self.members:
            await member.wait_idle()

    def cpu_seconds(self) -> float:
        return sum(member.cpu_seconds() for member in self.members)

    def status_kib(self, key: str = "VmHWM") -> int:
        """The largest member's (each process pays for its own interpreter, so the sum says little)."""
        return max(member.status_kib(key) for member in self.members)

    async def stop(self) -> int | None:
        codes = await asyncio.gather(*(member.stop() for member in self.members))
        return max((code for code in codes if code is not None), default=None, key=abs)


def baseline(server: LocalDiscord, log_path: Path) -> BotProcess:
    return BotProcess("baseline", [sys.executable, "-m", "bench.baseline_bot"], server, log_path)


async def sync_commands(server: LocalDiscord, scratch: Path) -> None:
    """`python -m bot sync`: the bot's commands, registered globally in the local Discord."""
    env = BotProcess("sync", [], server, scratch / "sync.log").env()
    env["DATABASE_URL"] = f"sqlite:///{scratch / 'sync.db'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sync",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"python -m bot sync failed:\n{out.decode(errors='replace')}")


# ------------------------------------------------------------------------------------------- CPU time


def process_cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far, from /proc/<pid>/stat; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProcessesCpu:
    """CPU time of a changing set of processes (a database server's backends), as one growing number.

    Each call finds the processes and remembers each one's latest time; one that appeared since the
    last call started after it, so all of its time counts as new, and one that exited keeps what it had.
    """

    def __init__(self, find: Callable[[], list[int]]) -> None:
        self.find = find
        self.seen: dict[int, float] = {}

    def __call__(self) -> float:
        for pid in self.find():
            seconds = process_cpu_seconds(pid)
            if seconds is not None:
                self.seen[pid] = seconds
        return sum(self.seen.values())


class GcClock:
    """Seconds this process has spent in the garbage collector, as one growing number (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._began = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began

    def __call__(self) -> float:
        return self.seconds


def lean_gc() -> None:
    """For the benchmark process: collect the youngest generation every 20,000 allocations instead of
    700. Each interaction allocates a few hundred objects (payloads, the result, the answer) and the run
    keeps most of them, so at 700 a collection ran every few interactions and walked survivors again
    and again: ~0.13 ms of the ~1.1 ms per bare-bot /claim, ~0.04 ms after (GcClock)."""
    gc.set_threshold(20_000, 50, 1000)


def settle_heap() -> None:
    """Before a measurement: collect, then freeze what is left. The local Discord keeps every interaction
    it has seen (hundreds of thousands by the end of a run); frozen, they are no longer walked by each
    full collection, which otherwise cost the benchmark process more CPU the longer the run went on."""
    gc.collect()
    gc.freeze()


# ------------------------------------------------------------------------------------------- load


def failure(result: InteractionResult, check: Check | None = None) -> str | None:
    """Why an interaction does not count as answered properly, or None. With `check` (bench/answers.py),
    an answer must also show what was asked; one that does not is "wrong content", unless it is one of
    the answers with a name of their own (the bot's error message, a cooldown)."""
    if result.late:
        return "late"
    if not result.answered:
        return "unanswered"
    if result.errors:
        return f"error {result.errors[0]}"
    if check is not None:
        if check(result):
            return None
        if answers.body(result) is None:
            return "no follow-up"
    # Only answers already found wrong, or unchecked ones, pay for turning the whole answer into text.
    data = str(answers.body(result))
    if "Something went wrong" in data:
        return "bot error"
    if "Slow down" in data:
        return "cooldown"
    return "wrong content" if check is not None else None


HARNESS_LIMIT = 0.8  # of a core: from this share on, the benchmark process may be what limits a run


@dataclass
class Run:
    """What one load run measured."""

    sent: int
    elapsed: float
    latencies_ms: list[float]
    failures: dict[str, int]
    bot_cpu_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)  # by whom: "bot", "postgres", "bench"

    @property
    def answered(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.answered / self.elapsed if self.elapsed else 0.0

    @property
    def harness_share(self) -> float | None:
        """The benchmark process's CPU over the run, as a share of one core: it is one Python thread,
        so near 1.0 it, not the bot, sets the pace."""
        if "bench" not in self.cpu_s or not self.elapsed:
            return None
        return self.cpu_s["bench"] / self.elapsed

    @property
    def harness_ms(self) -> float | None:
        """The benchmark process's CPU per interaction sent (answered or not: each costs it the same)."""
        if "bench" not in self.cpu_s or not self.sent:
            return None
        return self.cpu_s["bench"] * 1000 / self.sent

    @property
    def harness_limited(self) -> bool:
        share = self.harness_share
        return share is not None and share >= HARNESS_LIMIT

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def summary(self) -> dict[str, object]:
        share, per = self.harness_share, self.harness_ms
        return {
            "sent": self.sent,
            "answered": self.answered,
            "failures": dict(self.failures),
            "elapsed_s": round(self.elapsed, 3),
            "throughput_per_s": round(self.throughput, 1),
            "p50_ms": round(self.pct(50), 2),
            "p95_ms": round(self.pct(95), 2),
            "p99_ms": round(self.pct(99), 2),
            "max_ms": round(max(self.latencies_ms), 2) if self.latencies_ms else None,
            "bot_cpu_s": round(self.bot_cpu_s, 2),
            "cpu_s": {who: round(seconds, 3) for who, seconds in self.cpu_s.items()},
            "harness_cpu_ms": round(per, 3) if per is not None else None,
            "harness_core_share": round(share, 3) if share is not None else None,
            "harness_limited": self.harness_limited,
        }


def _collect(results: list[InteractionResult], elapsed: float, check: Check | None) -> Run:
    latencies: list[float] = []
    failures: dict[str, int] = {}
    for result in results:
        reason = failure(result, check)
        if reason is None and result.latency is not None:
            latencies.append(result.latency * 1000)
        else:
            key = reason or "no latency"
            failures[key] = failures.get(key, 0) + 1
    return Run(len(results), elapsed, latencies, failures)


async def open_loop(
    dispatch: Dispatch, rate: float, duration: float, *, check: Check | None = None, settle: float = 10.0
) -> Run:
    """Dispatch on a fixed schedule (`rate` per second) whatever the answers; then wait for them."""
    loop = asyncio.get_running_loop()
    count = max(1, int(rate * duration))
    results: list[InteractionResult] = []
    start = loop.time()
    for i in range(count):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        results.append(await dispatch(i))
    await _settle(results, settle)
    return _collect(results, loop.time() - start, check)


async def closed_loop(
    dispatch: Dispatch, concurrency: int, duration: float, *, check: Check | None = None, settle: float = 10.0
) -> Run:
    """`concurrency` members each dispatch, wait for the whole answer (a deferred one's follow-up too),
    and dispatch again, for `duration`."""
    loop = asyncio.get_running_loop()
    results: list[InteractionResult] = []
    counter = iter(range(10**9))
    start = loop.time()
    end = start + duration

    async def member() -> None:
        while loop.time() < end:
            result = await dispatch(next(counter))
            results.append(result)
            try:
                await result.wait_until(answers.done, within=settle)
            except TimeoutError:
                return

    await asyncio.gather(*(member() for _ in range(concurrency)))
    elapsed = loop.time() - start
    return _collect(results, elapsed, check)


async def _settle(results: list[InteractionResult], within: float) -> None:
    waits = [r.wait_until(answers.done, within=within) for r in results if not answers.done(r)]
    await asyncio.gather(*waits, return_exceptions=True)


def wall() -> float:
    return time.perf_counter()
