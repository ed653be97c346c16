"""SIGKILL at random moments while moderators change followed claims: no notification is lost.

Every change a moderator was told was saved reaches every follower of its claim by DM, after however
many kills and restarts; and a delivery is repeated at most once per kill (the one in flight: the
sender marks each delivery done right after Discord took it, and makes one at a time). README,
"Following and corrections", states the guarantee this checks. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import sqlite3
from collections import Counter

import asyncpg
import pytest

from localdiscord.world import Member
from tests.bot.conftest import Newsroom
from tests.reliability.conftest import BotProcess

CLAIMS = (1, 2, 3)
VERDICTS = ("unverified", "investigating", "disputed", "confirmed", "false", "misleading")
FOLLOWERS = 15
NOTE = re.compile(r"n\d+x\d+z")


def outbox_env(proc: BotProcess) -> None:
    proc.extra_env.update(
        FOLLOW_BATCH_SECONDS="0",  # every DM due at once: a kill finds deliveries in flight
        OUTBOX_LEASE_SECONDS="1",
        OUTBOX_POLL_SECONDS="0.1",
        OUTBOX_DELIVERIES_PER_SECOND="300",
    )


async def pending(proc: BotProcess) -> int:
    url = proc.extra_env.get("DATABASE_URL")
    if url:
        conn = await asyncpg.connect(url)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE done_at IS NULL"))
        finally:
            await conn.close()
    with sqlite3.connect(proc.database) as db:
        return int(db.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0])


async def changes(room: Newsroom, rng: random.Random, tag: int, acknowledged: dict[str, int]) -> None:
    """Verdict changes on the followed claims until cancelled; records the ones the moderator saw saved."""
    k = 0
    while True:
        k += 1
        note, number = f"n{tag}x{k}z", rng.choice(CLAIMS)
        options = {"claim": str(number), "verdict": rng.choice(VERDICTS), "note": note}
        result = await room.driver.slash(room.guild, room.moderator, "mod", options, subcommand="status")
        try:
            await result.wait_until(lambda r: (r.answered and not r.thinking) or r.late, within=2)
        except TimeoutError:
            return
        if any("✅" in m.text and "is now" in m.text for m in result.messages if m.ephemeral):
            acknowledged[note] = number


async def kill_rounds(room: Newsroom, proc: BotProcess, rounds: int, seed: int) -> tuple[int, int]:
    outbox_env(proc)
    d = room.driver
    rng = random.Random(seed)
    followers: list[Member] = [d.create_member(room.guild, f"follower-{n}") for n in range(FOLLOWERS)]
    await proc.start()
    for member in followers:
        for number in CLAIMS:
            result = await d.slash(room.guild, member, "follow", {"claim": str(number)})
            await result
            assert result.text.startswith("✅ You now follow")
    acknowledged: dict[str, int] = {}
    for round_ in range(rounds):
        if round_:
            await proc.start()
        stream = asyncio.create_task(changes(room, rng, round_, acknowledged))
        await asyncio.sleep(rng.uniform(0.2, 1.2))
        await proc.kill()
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream
    await proc.start()  # the last start: delivery resumes, and finishes
    for _ in range(1800):  # up to 3 min: a slow-tier run leaves some 30,000 DMs owed
        if await pending(proc) == 0:
            break
        await asyncio.sleep(0.1)
    assert await pending(proc) == 0, "the outbox never emptied"
    await proc.terminate()
    d.take_late_interactions()
    lost: list[tuple[str, str]] = []
    repeated = 0
    for member in followers:
        seen: Counter[str] = Counter()
        for dm in d.dms(member):
            notes = set(NOTE.findall(dm.content))
            if notes & set(seen):
                repeated += 1  # a delivery made again after a kill
            seen.update(notes)
        lost += [(str(member.user.id), note) for note in acknowledged if note not in seen]
    assert not lost, f"acknowledged changes never reached their followers: {lost[:10]}"
    assert repeated <= rounds, f"{repeated} deliveries repeated over {rounds} kills"
    print(
        f"outbox crash safety: {rounds} kills, {len(acknowledged)} changes to {FOLLOWERS} followers, "
        f"none lost, {repeated} deliveries repeated"
    )
    return len(acknowledged), repeated


async def test_kills_during_fan_out_lose_no_notification(newsroom: Newsroom, bot_process: BotProcess) -> None:
    acknowledged, _repeated = await kill_rounds(newsroom, bot_process, rounds=3, seed=12)
    assert acknowledged > 0, "no change was acknowledged: the test proved nothing"


@pytest.mark.slow
async def test_twenty_kills_during_fan_out_lose_no_notification(newsroom: Newsroom, bot_process: BotProcess) -> None:
    acknowledged, _repeated = await kill_rounds(newsroom, bot_process, rounds=20, seed=2612)
    assert acknowledged > 20


@pytest.fixture
def pg_bot_process(bot_process: BotProcess, postgres_url: str) -> BotProcess:
    bot_process.extra_env["DATABASE_URL"] = postgres_url
    return bot_process


@pytest.mark.postgres
async def test_kills_during_fan_out_lose_no_notification_on_postgres(
    newsroom: Newsroom, pg_bot_process: BotProcess
) -> None:
    acknowledged, _repeated = await kill_rounds(newsroom, pg_bot_process, rounds=3, seed=13)
    assert acknowledged > 0, "no change was acknowledged: the test proved nothing"


@pytest.mark.slow
@pytest.mark.postgres
async def test_ten_kills_during_fan_out_lose_no_notification_on_postgres(
    newsroom: Newsroom, pg_bot_process: BotProcess
) -> None:
    acknowledged, _repeated = await kill_rounds(newsroom, pg_bot_process, rounds=10, seed=2613)
    assert acknowledged > 10
