"""Faults of a PostgreSQL server, as a member meets them: the server drops every connection (a restart),
and a statement runs past the timeout (a table locked by someone's migration or a stuck session).

Each time the member hears "Could not save, nothing was changed" (or, when the claim option's own read
is what the server did not answer, "The database did not answer in time; nothing was changed"),
nothing is saved, nothing announced, reads keep working, and the bot recovers by itself: the next
change is saved.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.bot import ClaimBot
from localdiscord.client import restore_discord_py
from tests.bot.conftest import Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import claim_state, public
from tests.reliability.figures import record_figure
from tests.reliability.test_faults import COULD_NOT_SAVE, SAVED, assert_reads_work, change_verdict

pytestmark = pytest.mark.postgres

STATEMENT_TIMEOUT_MS = 800  # the member still gets an answer well inside Discord's deadline
DID_NOT_ANSWER = "The database did not answer in time; nothing was changed. Please try again in a moment."


@contextlib.asynccontextmanager
async def bot_on_postgres(newsroom: Newsroom, url: str) -> AsyncIterator[ClaimBot]:
    settings = bot_settings(newsroom.driver, url).model_copy(
        update={"database_statement_timeout_ms": STATEMENT_TIMEOUT_MS}
    )
    bot, desk, task = await start_bot(settings)
    try:
        for guild in (newsroom.guild, newsroom.other_guild):
            await desk.ensure_guild(guild.id)
        yield bot
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def test_a_server_that_drops_every_connection_is_refused_clearly_and_the_bot_recovers(
    newsroom: Newsroom, postgres_url: str
) -> None:
    async with bot_on_postgres(newsroom, postgres_url) as bot:
        assert (await change_verdict(newsroom, "false")).messages[0].text == SAVED.format(verdict="false")
        database = urlsplit(postgres_url).path.lstrip("/")
        admin = await asyncpg.connect(postgres_url)
        try:
            # What a restart does to every client: each of the bot's connections is cut.
            cut = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                database,
            )
        finally:
            await admin.close()
        assert cut >= 1
        wanted = ("confirmed", "misleading", "confirmed")
        outcomes = [(await change_verdict(newsroom, verdict)).messages[0].text for verdict in wanted]
        # At most the first member meets the cut (in its read or its write); then the bot is itself again.
        assert outcomes[0] in (SAVED.format(verdict="confirmed"), COULD_NOT_SAVE, DID_NOT_ANSWER), outcomes
        assert outcomes[1:] == [SAVED.format(verdict=v) for v in wanted[1:]], outcomes
        await assert_reads_work(newsroom)
        assert (await bot.desk.claim(newsroom.guild.id, 2)).verdict.value == "confirmed"
    record_figure("faults injected: PostgreSQL dropped every connection (recovered)", 1)


async def test_a_statement_past_the_timeout_is_refused_clearly_and_nothing_is_saved(
    newsroom: Newsroom, postgres_url: str
) -> None:
    async with bot_on_postgres(newsroom, postgres_url) as bot:
        before = await claim_state(bot.desk, newsroom.guild.id, 2)
        announced = len(public(newsroom.driver.messages(newsroom.general)))
        locker = await asyncpg.connect(postgres_url)
        try:
            transaction = locker.transaction()
            await transaction.start()
            await locker.execute("LOCK TABLE claims IN ACCESS EXCLUSIVE MODE")
            # The claim option's read waits for the lock until the statement timeout cancels it.
            refused = await change_verdict(newsroom, "false")
            await transaction.rollback()
        finally:
            await locker.close()
        assert refused.ephemeral
        assert refused.text == DID_NOT_ANSWER, refused.text
        assert await claim_state(bot.desk, newsroom.guild.id, 2) == before
        assert len(public(newsroom.driver.messages(newsroom.general))) == announced
        assert (await change_verdict(newsroom, "false")).messages[0].text == SAVED.format(verdict="false")
    record_figure("faults injected: PostgreSQL statement timeout (refused, then recovered)", 1)
