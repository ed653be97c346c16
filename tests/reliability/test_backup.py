"""`python -m bot backup PATH` while the bot process runs and moderators keep changing verdicts, then a
restore the way the README says: stop the bot, put the copy in place (without the old -wal and -shm),
start it again."""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.bot.conftest import Newsroom
from tests.reliability.conftest import ROOT, BotProcess
from tests.reliability.figures import record_figure
from tests.reliability.test_crash_safety import CLAIMS, VERDICTS, check_database


async def keep_changing(newsroom: Newsroom, acknowledged: list[str]) -> None:
    """One moderator changing verdicts one after another until cancelled; notes of the saved ones."""
    rng = random.Random(5)
    for k in range(10_000):
        note = f"backup-{k}"
        options = {"claim": str(rng.choice(CLAIMS)), "verdict": rng.choice(VERDICTS), "note": note}
        result = await newsroom.driver.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand="status")
        await result.wait_until(lambda r: bool(r.messages) and not r.thinking, within=5)
        if result.messages[0].text.startswith("✅"):
            acknowledged.append(note)


def dump(database: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        claims = db.execute("SELECT * FROM claims ORDER BY id").fetchall()
        history = db.execute("SELECT * FROM history ORDER BY id").fetchall()
    return claims, history


def restore(backup: Path, database: Path) -> None:
    """With the bot stopped: the old file and its WAL out of the way, the copy in its place. A stale
    -wal next to the copied file would be replayed into it, so it goes too."""
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, database)


async def test_backup_while_the_bot_writes_is_consistent_and_restores_completely(
    newsroom: Newsroom, bot_process: BotProcess, tmp_path: Path
) -> None:
    d = newsroom.driver
    await bot_process.start()
    acknowledged: list[str] = []
    stream = asyncio.create_task(keep_changing(newsroom, acknowledged))
    await asyncio.sleep(0.5)
    before_backup = list(acknowledged)
    backup = tmp_path / "backups" / "claims-backup.db"

    chore = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(backup),
        cwd=ROOT,
        env=bot_process.env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(chore.communicate(), 30)
    during = len(acknowledged) - len(before_backup)
    await asyncio.sleep(0.3)
    stream.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stream

    assert chore.returncode == 0, output.decode()
    assert f"Backed up {bot_process.database} to {backup}." in output.decode()
    assert before_backup, "no change was saved before the backup: the test proved nothing"
    assert during > 0, "no change was saved while the backup ran"
    # Consistent: integrity ok, every claim's verdict is its last history row, and every change the
    # moderators were told was saved before the backup began is in it.
    await check_database(backup, before_backup)
    saved = dump(backup)

    await bot_process.terminate()
    restore(backup, bot_process.database)
    await bot_process.start()
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await card
    assert "Claim #2" in card.text
    await bot_process.terminate()

    assert dump(bot_process.database) == saved
    await check_database(bot_process.database, before_backup)
    claims, history = saved
    record_figure("backup taken during writes and restored: claims", len(claims))
    record_figure("backup taken during writes and restored: history rows", len(history))
    record_figure("changes saved while the backup ran", during)


async def test_backup_refuses_to_overwrite_an_existing_file(bot_process: BotProcess, tmp_path: Path) -> None:
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"keep me")
    chore = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(existing),
        cwd=ROOT,
        env=bot_process.env(),
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(chore.communicate(), 30)
    assert chore.returncode == 2
    assert "exists already" in err.decode()
    assert existing.read_bytes() == b"keep me"
