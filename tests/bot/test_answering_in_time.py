"""The reader's commands answer within Discord's 3 s when the bot is behind: an event read late, or
reads that wait, get "thinking…" first and their answer as the follow-up that replaces it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.commands.in_time import DEFER_AT_S
from bot.desk import Desk
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.bot.support import description

CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5  # "thinking…"
ZELENSKY_TROOPS = "North Korea is preparing to send 10,000 **troops** to help Russia's war on Ukraine."


@pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)
async def test_a_search_read_late_says_thinking_then_shows_its_results(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "troops"}, delayed=DEFER_AT_S + 0.5)
    await result
    assert result.callback_type == DEFERRED_CHANNEL_MESSAGE
    assert not result.late
    assert not result.ephemeral
    assert len(result.messages) == 1  # the follow-up replaced "thinking…"
    assert ZELENSKY_TROOPS in description(result.messages[0])
    assert not d.take_late_interactions()


@pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)
async def test_check_claims_read_late_says_thinking_privately_then_lists_matches(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    message = d.post_message(newsroom.general, newsroom.reader, "Zelensky says Pyongyang is sending 10,000 troops!")
    result = await d.message_command(newsroom.guild, newsroom.reader, "Check claims", message, delayed=DEFER_AT_S + 0.5)
    await result
    assert result.callback_type == DEFERRED_CHANNEL_MESSAGE
    assert result.ephemeral
    lines = [line for line in description(result.messages[0]).split("\n") if line.startswith("**#")]
    assert lines[0].startswith("**#1** Zelensky: North Korea is preparing to send 10,000 troops")
    assert not d.take_late_interactions()


async def test_a_search_in_time_is_one_answer(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "search", {"query": "troops"})
    await result
    assert result.callback_type == CHANNEL_MESSAGE
    assert not result.followup_ids


@pytest.mark.parametrize("bot_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
async def test_a_search_whose_reads_wait_is_deferred_before_discords_deadline(
    newsroom: Newsroom, desk: Desk, bot_database: str
) -> None:
    """The claims table locked by maintenance (as `LOCK TABLE` or a `VACUUM FULL` would): the search's
    reads wait, the member sees "thinking…" before 3 s, and the results once the lock is gone."""
    d = newsroom.driver
    maintenance = await asyncpg.connect(bot_database)
    try:
        transaction = maintenance.transaction()
        await transaction.start()
        await maintenance.execute("LOCK TABLE claims IN ACCESS EXCLUSIVE MODE")
        result = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "troops"})
        await result.wait_answered(within=3.0)
        assert result.callback_type == DEFERRED_CHANNEL_MESSAGE
        assert result.thinking
        await asyncio.sleep(0.2)
        assert result.thinking  # nothing else yet: the reads still wait
        await transaction.rollback()
    finally:
        await maintenance.close()
    await result.finished()
    assert not result.late
    assert ZELENSKY_TROOPS in description(result.messages[0])
    assert not d.take_late_interactions()


@pytest.mark.parametrize(
    ("command", "options", "shown"),
    [
        ("who-said", {"speaker": "Zelensky"}, "Claims by Volodymyr Zelensky"),
        ("status", {}, "Claims board"),
        ("status", {"claim": "1"}, "#1"),
    ],
)
async def test_the_other_reader_commands_read_late_say_thinking_then_answer(
    newsroom: Newsroom, claimbot, command: str, options: dict[str, str], shown: str
) -> None:
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, command, options, delayed=DEFER_AT_S + 0.5)
    await result
    assert result.callback_type == DEFERRED_CHANNEL_MESSAGE
    assert not result.late
    assert not result.ephemeral
    assert len(result.messages) == 1
    assert shown in result.messages[0].embeds[0]["title"]
    assert not d.take_late_interactions()
