"""An interaction answered after Discord's 3 s (an overloaded moment): the member cannot be reached
with its token any more, so the bot notes it in one line and moves on. Under overload every late answer
ends here; a traceback per answer and a second, doomed "Something went wrong" request each made the
next answers later still (measured in `python -m bench` at 100,000 claims: a third of the bot's time)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.bot.conftest import BOTH_BACKENDS, Newsroom

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)


async def logged(caplog: pytest.LogCaptureFixture, text: str, within: float = 5.0) -> list[logging.LogRecord]:
    for _ in range(int(within / 0.01)):
        found = [r for r in caplog.records if r.name == "claimbot.interactions" and text in r.getMessage()]
        if found:
            return found
        await asyncio.sleep(0.01)
    return []


@pytest.mark.parametrize(
    ("command", "options"), [("claim", {"claim": "2"}), ("search", {"query": "troops"}), ("status", {})]
)
async def test_an_answer_too_late_is_one_line_without_a_traceback_or_another_request(
    newsroom: Newsroom, claimbot, caplog: pytest.LogCaptureFixture, command: str, options: dict[str, str]
) -> None:
    caplog.set_level(logging.INFO, logger="claimbot.interactions")
    d = newsroom.driver
    late = await d.slash(newsroom.guild, newsroom.reader, command, options, deadline=0.0)
    assert await logged(caplog, "outcome=expired"), "the late answer was not logged as expired"
    await asyncio.sleep(0.2)  # what a second request would take to arrive
    assert not late.answered
    assert [e.get("code") for e in late.errors] == [10062]  # the late answer itself, and nothing after it
    assert [r.interaction_id for r in d.take_late_interactions()] == [late.id]  # on purpose
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # The next member, in time, is answered as ever.
    on_time = await d.slash(newsroom.guild, newsroom.reader, command, options)
    await on_time
    assert on_time.answered
    assert not on_time.errors
