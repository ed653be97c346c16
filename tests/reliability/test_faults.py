"""Faults under the bot: a database locked by another process, a full disk, a read-only database file,
a dropped gateway connection. Each time the member is told clearly, the log gets one line, nothing
half-done is saved, and once the fault is gone the bot works again by itself.

The disk and read-only faults need `mount` (a tmpfs, a read-only bind mount): they are skipped, with
the reason, where the test process may not mount.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.bot import ClaimBot
from bot.desk import Desk
from bot.store.sqlite.maintenance import integrity_check
from localdiscord.client import restore_discord_py
from localdiscord.interactions import InteractionResult
from tests.bot.conftest import Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import claim_state, public
from tests.desks import opened_desk
from tests.reliability.conftest import ROOT
from tests.reliability.figures import record_figure

COULD_NOT_SAVE = "Could not save, nothing was changed. Please try again in a moment."
SAVED = "✅ #2 is now {verdict}."

# Another process takes the write lock and keeps it: what a stuck backup script or sqlite3 shell does.
HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def problems_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING and not r.name.startswith("discord")]


def assert_one_line_logged(caplog: pytest.LogCaptureFixture, reason: str) -> None:
    """One record, no traceback, saying why the database refused."""
    records = problems_logged(caplog)
    assert [r.getMessage() for r in records] == [f"Write refused by the database: {reason}"]
    assert records[0].exc_info is None


async def change_verdict(newsroom: Newsroom, verdict: str, note: str = "checked") -> InteractionResult:
    options = {"claim": "2", "verdict": verdict, "note": note}
    result = await newsroom.driver.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand="status")
    await result.finished(within=10, idle=0.05)
    assert result.answered
    assert not result.late
    return result


async def assert_refused_cleanly(newsroom: Newsroom, desk: Desk, verdict: str, note: str = "n") -> None:
    before = await claim_state(desk, newsroom.guild.id, 2)
    announced = len(public(newsroom.driver.messages(newsroom.general)))
    refused = await change_verdict(newsroom, verdict, note)
    assert refused.ephemeral
    assert refused.text == COULD_NOT_SAVE
    assert await claim_state(desk, newsroom.guild.id, 2) == before
    assert len(public(newsroom.driver.messages(newsroom.general))) == announced


async def assert_reads_work(newsroom: Newsroom) -> None:
    card = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await card
    assert not card.ephemeral
    assert "Claim #2" in card.text


def integrity(database: Path) -> str:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


# ----------------------------------------------------------------------------- (a) locked


@pytest.mark.slow
async def test_database_locked_longer_than_the_busy_timeout_is_refused_clearly_then_works_again(
    newsroom: Newsroom, desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    database = desk.store.path  # type: ignore[attr-defined]  # SQLite's file: this fault is SQLite's own
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_LOCK, str(database), "6.5", stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    assert (await holder.stdout.readline()).strip() == b"locked"

    await assert_reads_work(newsroom)  # readers never wait for the writer (WAL)
    await assert_refused_cleanly(newsroom, desk, "false")
    assert_one_line_logged(caplog, "database is locked")

    assert await holder.wait() == 0
    assert (await change_verdict(newsroom, "false")).messages[0].text == SAVED.format(verdict="false")
    record_figure("faults injected: database locked for 6.5 s (refused, then recovered)", 1)


# ----------------------------------------------------------------------------- mounts


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"this test needs `mount {' '.join(args)}`, which failed here: {done.stderr.strip()}")


def umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        umount(path)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` read-only for every process, root included: a read-only bind mount over it."""
    mount("--bind", str(path), str(path))
    try:
        mount("-o", "remount,ro,bind", str(path))
        yield path
    finally:
        umount(path)


@contextlib.asynccontextmanager
async def bot_on(newsroom: Newsroom, database: Path) -> AsyncIterator[ClaimBot]:
    bot, desk, task = await start_bot(bot_settings(newsroom.driver, database))
    try:
        for guild in (newsroom.guild, newsroom.other_guild):
            await desk.ensure_guild(guild.id)
        yield bot
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def seeded_database(newsroom: Newsroom, path: Path) -> Path:
    from bot.seedfile import load_stories

    async with opened_desk(path, load_stories()) as desk:
        for guild in (newsroom.guild, newsroom.other_guild):
            await desk.ensure_guild(guild.id)
    return path


# ----------------------------------------------------------------------------- (b) disk full


def fill(directory: Path) -> Path:
    """Write a filler file until the file system says it is full."""
    filler = directory / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb") as out:
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError:
            pass
    with contextlib.suppress(OSError), filler.open("ab") as out:  # fill the last partial chunk too
        while True:
            out.write(b"\0" * 512)
            out.flush()
    return filler


async def test_full_disk_is_refused_clearly_and_recovers_when_space_is_freed(
    newsroom: Newsroom, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with tmpfs(tmp_path / "disk", "3m") as disk:
        database = disk / "claims.db"
        async with bot_on(newsroom, database) as bot:
            desk = bot.desk
            assert await integrity_check(desk.store) == "ok"  # type: ignore[arg-type]
            filler = fill(disk)
            # The WAL may still have room from earlier writes: change until the disk is what refuses.
            verdicts = ["false", "confirmed"]
            refused_after = None
            for k in range(40):
                before = await claim_state(desk, newsroom.guild.id, 2)
                result = await change_verdict(newsroom, verdicts[k % 2], note=f"{k} " + "n" * 990)
                if result.text == COULD_NOT_SAVE:
                    assert await claim_state(desk, newsroom.guild.id, 2) == before
                    refused_after = k
                    break
                assert result.messages[0].text == SAVED.format(verdict=verdicts[k % 2]), result.text
            assert refused_after is not None, "the full disk never refused a write"
            assert_one_line_logged(caplog, "database or disk is full")
            await assert_reads_work(newsroom)
            await assert_refused_cleanly(newsroom, desk, verdicts[refused_after % 2])

            filler.unlink()
            verdict = verdicts[refused_after % 2]
            assert (await change_verdict(newsroom, verdict)).messages[0].text == SAVED.format(verdict=verdict)
            assert await integrity_check(desk.store) == "ok"  # type: ignore[arg-type]
        assert integrity(database) == "ok"
    record_figure("faults injected: disk full (refused, then recovered)", 1)


# ----------------------------------------------------------------------------- (c) read-only


async def test_read_only_database_file_serves_readers_refuses_changes_and_recovers_when_writable(
    newsroom: Newsroom, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The file is read-only from start-up (a read-only bind mount over it stops root too): members
    still read, moderators are told the change could not be saved, and once the file is writable
    again the next change reopens the writing connection and is saved."""
    database = await seeded_database(newsroom, tmp_path / "claims.db")
    with read_only(database):
        with pytest.raises(OSError, match="Read-only file system"):
            database.open("r+b").close()
        async with bot_on(newsroom, database) as bot:
            await assert_reads_work(newsroom)
            await assert_refused_cleanly(newsroom, bot.desk, "false")
            assert_one_line_logged(caplog, "attempt to write a readonly database")
            # A server seen for the first time cannot be saved either: its member is told so, not ignored.
            latecomer = newsroom.driver.create_guild("Latecomer")
            first = await newsroom.driver.slash(latecomer, newsroom.driver.create_member(latecomer, "new"), "status")
            await first.finished(within=10, idle=0.05)
            assert first.ephemeral
            assert first.text == COULD_NOT_SAVE
            umount(database)  # writable again, while the bot runs
            assert (await change_verdict(newsroom, "false")).messages[0].text == SAVED.format(verdict="false")
            assert (await bot.desk.claim(newsroom.guild.id, 2)).verdict.value == "false"
    assert integrity(database) == "ok"
    record_figure("faults injected: read-only database file (refused, then recovered)", 1)


async def test_read_only_folder_stops_start_up_with_one_line(newsroom: Newsroom, tmp_path: Path) -> None:
    """Where not even the lock file can be written, the bot does not start: one line, exit 1."""
    folder = tmp_path / "data"
    folder.mkdir()
    await seeded_database(newsroom, folder / "claims.db")
    server = newsroom.driver.server
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env |= {
        "DISCORD_TOKEN": server.token,
        "DISCORD_API_BASE": server.api_base,
        "DATABASE_URL": f"sqlite:///{folder / 'claims.db'}",
    }
    with read_only(folder):
        for args in (("run",), ("backup", str(tmp_path / "copy.db"))):
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *args, cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
            )
            _out, err = await asyncio.wait_for(process.communicate(), 20)
            lines = err.decode().strip().splitlines()
            assert process.returncode == 1, lines
            assert len(lines) == 1, lines
            assert lines[0].startswith("claimbot: "), lines
    record_figure("faults injected: read-only folder at start-up (one line, exit 1)", 2)


# ----------------------------------------------------------------------------- (d) gateway


async def test_dropped_gateway_connection_resumes_and_answers_what_came_meanwhile_once(
    newsroom: Newsroom, claimbot: ClaimBot
) -> None:
    d = newsroom.driver
    drops = 3
    for k in range(drops):
        before = await d.drop_connection()
        # Sent while the bot is away: Discord replays it on RESUME, and it must be answered once.
        meanwhile = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": str(k + 1)})
        await d.wait_resumed(before)
        await meanwhile.finished(within=5)
        assert meanwhile.answered
        assert not meanwhile.late
        assert meanwhile.errors == []  # a second answer would have been refused with 40060
        assert len(meanwhile.messages) == 1
        assert f"Claim #{k + 1}" in meanwhile.text
        after = await d.slash(newsroom.guild, newsroom.reader, "status", {})
        await after
        assert "Claims board" in after.text
    record_figure("faults injected: gateway connection dropped (resumed each time)", drops)
