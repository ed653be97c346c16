"""SIGKILL at random moments while moderators change verdicts: nothing acknowledged is ever lost.

After every restart: each claim's verdict equals the new value of its last history row, every change
a moderator was told was saved is in the history, and (SQLite) the integrity check passes. On SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.domain.states import Verdict
from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from tests.bot.conftest import Newsroom
from tests.reliability.conftest import BotProcess

VERDICTS = [v.value for v in Verdict]
CLAIMS = range(1, 17)


LAST_VERDICTS = """
    SELECT c.number, c.verdict,
           (SELECT h.new_value FROM history h WHERE h.claim_id = c.id AND h.field = 'verdict'
             ORDER BY h.id DESC LIMIT 1)
      FROM claims c
"""


async def check_database(database: Path | str, acknowledged: list[str]) -> None:
    if isinstance(database, str):  # a PostgreSQL URL
        conn = await asyncpg.connect(database)
        try:
            rows = [tuple(r) for r in await conn.fetch(LAST_VERDICTS)]
            notes = {r[0] for r in await conn.fetch("SELECT note FROM history")}
        finally:
            await conn.close()
    else:
        with sqlite3.connect(database) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = db.execute(LAST_VERDICTS).fetchall()
            notes = {row[0] for row in db.execute("SELECT note FROM history")}
    for number, verdict, last in rows:
        assert verdict == last, f"claim #{number} is {verdict} but its history ends at {last}"
    missing = [note for note in acknowledged if note not in notes]
    assert not missing, f"acknowledged changes lost: {missing}"


async def change_stream(
    driver: Driver,
    room: Newsroom,
    tag: str,
    rng: random.Random,
    acknowledged: list[str],
    dispatched: list[InteractionResult],
) -> None:
    """Moderator changes, a few at a time, until cancelled; records the ones the moderator saw saved."""
    k = 0
    while True:
        batch = []
        for _ in range(3):
            k += 1
            note = f"{tag}-{k}"
            options = {"claim": str(rng.choice(CLAIMS)), "verdict": rng.choice(VERDICTS), "note": note}
            result = await driver.slash(room.guild, room.moderator, "mod", options, subcommand="status")
            dispatched.append(result)
            batch.append((note, result))
        for note, result in batch:
            try:
                # Saved, refused or conflicted: any finished answer; a kill leaves it unanswered.
                await result.wait_until(lambda r: (r.answered and not r.thinking) or r.late, within=2)
            except TimeoutError:
                return
            if any("✅" in m.text and "is now" in m.text for m in result.messages if m.ephemeral):
                acknowledged.append(note)


def where(proc: BotProcess) -> Path | str:
    return proc.extra_env.get("DATABASE_URL") or proc.database


async def kill_rounds(room: Newsroom, proc: BotProcess, rounds: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    acknowledged: list[str] = []
    dispatched: list[InteractionResult] = []
    for round_ in range(rounds):
        await proc.start()
        stream = asyncio.create_task(change_stream(room.driver, room, f"r{round_}", rng, acknowledged, dispatched))
        await asyncio.sleep(rng.uniform(0.05, 0.8))
        await proc.kill()
        stream.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stream
        await check_database(where(proc), acknowledged)
    # Interactions in flight at the moment of each kill are never answered, as on Discord: once their
    # deadline has passed, take them off the record.
    if dispatched:
        last = max(dispatched, key=lambda r: r.dispatched_at + r.deadline)
        await asyncio.sleep(max(0.0, last.dispatched_at + last.deadline - asyncio.get_running_loop().time()) + 0.1)
    room.driver.take_late_interactions()
    await proc.start()
    result = await room.driver.slash(room.guild, room.reader, "status")
    await result
    assert "Claims board" in result.text
    await proc.terminate()
    await check_database(where(proc), acknowledged)
    print(f"crash safety: {rounds} kills survived, {len(acknowledged)} acknowledged changes all kept")
    return rounds, len(acknowledged)


async def test_kills_during_verdict_changes_lose_nothing_acknowledged(
    newsroom: Newsroom, bot_process: BotProcess
) -> None:
    _rounds, acknowledged = await kill_rounds(newsroom, bot_process, rounds=3, seed=7)
    assert acknowledged > 0, "no change was acknowledged: the test proved nothing"


@pytest.mark.slow
async def test_fifty_kills_during_verdict_changes_lose_nothing_acknowledged(
    newsroom: Newsroom, bot_process: BotProcess
) -> None:
    _rounds, acknowledged = await kill_rounds(newsroom, bot_process, rounds=50, seed=2024)
    assert acknowledged > 50


@pytest.fixture
def pg_bot_process(bot_process: BotProcess, postgres_url: str) -> BotProcess:
    bot_process.extra_env["DATABASE_URL"] = postgres_url
    return bot_process


@pytest.mark.postgres
async def test_kills_during_verdict_changes_lose_nothing_acknowledged_on_postgres(
    newsroom: Newsroom, pg_bot_process: BotProcess
) -> None:
    _rounds, acknowledged = await kill_rounds(newsroom, pg_bot_process, rounds=3, seed=11)
    assert acknowledged > 0, "no change was acknowledged: the test proved nothing"


@pytest.mark.slow
@pytest.mark.postgres
async def test_twenty_kills_during_verdict_changes_lose_nothing_acknowledged_on_postgres(
    newsroom: Newsroom, pg_bot_process: BotProcess
) -> None:
    _rounds, acknowledged = await kill_rounds(newsroom, pg_bot_process, rounds=20, seed=2026)
    assert acknowledged > 20
