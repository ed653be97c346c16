"""The bot as operators run it: start, SIGTERM, a second process, secrets in the output."""

from __future__ import annotations

import asyncio
import sys

from tests.bot.conftest import Newsroom
from tests.reliability.conftest import ROOT, BotProcess


async def test_sigterm_exits_zero_within_ten_seconds_with_the_database_closed(
    newsroom: Newsroom, bot_process: BotProcess
) -> None:
    await bot_process.start()
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})
    await result
    assert "Zelensky" in result.text

    code = await bot_process.terminate(within=10)

    assert code == 0
    assert "checkpointed and closed" in bot_process.output()
    wal = bot_process.database.with_name(bot_process.database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


async def test_a_second_bot_process_on_the_same_database_is_refused(
    newsroom: Newsroom, bot_process: BotProcess
) -> None:
    await bot_process.start()
    second = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=bot_process.env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(second.communicate(), 20)

    assert second.returncode == 2
    assert "another claimbot process is already using" in err.decode()
    # The first one keeps answering.
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await result
    assert "10,000 soldiers" in result.text


async def test_the_token_never_appears_in_what_the_bot_writes(newsroom: Newsroom, bot_process: BotProcess) -> None:
    await bot_process.start()
    d = newsroom.driver
    for name, options in (("claim", {"claim": "troops"}), ("claim", {"claim": "no such thing at all"})):
        await (await d.slash(newsroom.guild, newsroom.reader, name, options))
    await bot_process.terminate()

    token = d.server.token
    assert token not in bot_process.output()
    for message in d.world.messages.values():
        assert token not in str(message.payload)


async def test_the_start_up_heap_is_frozen_once_and_a_new_session_freezes_nothing_more(
    newsroom: Newsroom, bot_process: BotProcess
) -> None:
    """What start-up made is kept out of the collector's full passes (bot/heap.py); a second on_ready,
    after Discord ended the session and the bot identified again, must not freeze what serving made."""
    frozen = "Start-up heap frozen"
    await bot_process.start()
    d = newsroom.driver
    await bot_process.wait_logged(frozen)  # on_ready follows the guilds' arrival, after the identify
    result = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})
    await result
    assert "Zelensky" in result.text

    gateway = d.server.gateway
    identified = gateway.identify_count
    gateway.sessions.clear()  # Discord forgot the session: the RESUME is refused, the bot identifies again
    await d.drop_connection()
    await gateway.wait_for(lambda: gateway.identify_count > identified and bool(gateway.live_sessions), 15.0)
    again = await d.slash(newsroom.guild, newsroom.reader, "status", {})
    await again
    assert "Claims board" in again.text
    await bot_process.wait_logged("Ready as", times=2)  # on_ready again, once the new session's guilds arrived
    await bot_process.terminate()

    assert bot_process.output().count(frozen) == 1
