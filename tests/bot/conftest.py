"""Bot-level fixtures: the real ClaimBot, over real HTTP and websockets, against the local Discord.

`newsroom` is a server as a fact-checking community would have it: a reader, a moderator (Manage
Messages), an admin, a member with only the configured moderator role, and an announce channel; plus
a second server with its own moderator, to prove nothing crosses between them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.bot import ClaimBot
from bot.desk import Desk
from bot.seedfile import load_stories
from bot.settings import Settings
from bot.store import open_store
from localdiscord import permissions as perms
from localdiscord.client import restore_discord_py
from localdiscord.driver import Driver
from localdiscord.pytest_plugin import local_discord, local_discord_options  # noqa: F401
from localdiscord.world import Channel, Guild, Member, Role


@dataclass
class Newsroom:
    driver: Driver
    guild: Guild
    general: Channel
    announce: Channel
    reader: Member
    moderator: Member
    admin: Member
    checker_role: Role
    checker: Member
    other_guild: Guild
    other_moderator: Member


@pytest.fixture
def newsroom(local_discord: Driver) -> Iterator[Newsroom]:  # noqa: F811
    """The server, and at the end no driver warnings: a warning means the test itself sent something a
    Discord client could not (an option the command lacks, a value outside its choices)."""
    d = local_discord
    guild = d.create_guild("Newsroom", bot_permissions=perms.VIEW_CHANNEL | perms.SEND_MESSAGES | perms.EMBED_LINKS)
    general = d.default_channel(guild)
    announce = d.create_text_channel(guild, "fact-checks")
    mods = d.create_role(guild, "Mods", permissions=perms.MANAGE_MESSAGES)
    admins = d.create_role(guild, "Admins", permissions=perms.ADMINISTRATOR)
    checker_role = d.create_role(guild, "Fact-checkers")
    other = d.create_guild("Elsewhere")
    other_mods = d.create_role(other, "Mods", permissions=perms.MANAGE_MESSAGES)
    yield Newsroom(
        driver=d,
        guild=guild,
        general=general,
        announce=announce,
        reader=d.create_member(guild, "reader"),
        moderator=d.create_member(guild, "mod", roles=[mods]),
        admin=d.create_member(guild, "admin", roles=[admins]),
        checker_role=checker_role,
        checker=d.create_member(guild, "checker", roles=[checker_role]),
        other_guild=other,
        other_moderator=d.create_member(other, "other-mod", roles=[other_mods]),
    )
    if d.warnings:
        pytest.fail("the test drove the local Discord wrongly:\n  " + "\n  ".join(d.warnings), pytrace=False)


def bot_settings(driver: Driver, database: Path | str) -> Settings:
    """The bot's settings against the local Discord: a SQLite file's path, or a PostgreSQL URL."""
    server = driver.server
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=server.token,
        discord_api_base=server.api_base,
        database_url=database if isinstance(database, str) else f"sqlite:///{database}",
    )


# Modules whose tests also run on PostgreSQL say so with
#     pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)
BOTH_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def bot_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def bot_database(request: pytest.FixtureRequest, bot_backend: str, tmp_path: Path) -> Path | str:
    """Where the bot keeps its claims: a SQLite file, or a fresh PostgreSQL database (tests/pg.py)."""
    if bot_backend == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return tmp_path / "claims.db"


async def start_bot(settings: Settings) -> tuple[ClaimBot, Desk, asyncio.Task[None]]:
    """The bot as `python -m bot` wires it: the configured store, the desk over it, the client."""
    desk = Desk(open_store(settings, single_instance=True), load_stories())
    await desk.open()
    # discord.py waits up to 2 s for guilds to stream in before on_ready; the local Discord sends them at once.
    bot = ClaimBot(settings=settings, desk=desk, guild_ready_timeout=0.05)
    await bot.login(settings.require_token())
    task = asyncio.create_task(bot.connect())
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    await bot.tree.sync()
    return bot, desk, task


async def stop_bot(bot: ClaimBot, desk: Desk, task: asyncio.Task[None]) -> None:
    await bot.close()
    await asyncio.wait_for(task, 10)
    await desk.close()


@pytest.fixture
async def claimbot(newsroom: Newsroom, bot_database: Path | str) -> AsyncIterator[ClaimBot]:
    bot, desk, task = await start_bot(bot_settings(newsroom.driver, bot_database))
    try:
        yield bot
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


@pytest.fixture
async def desk(claimbot: ClaimBot, newsroom: Newsroom) -> Desk:
    """The running bot's desk, both servers already seeded (the bot seeds a server on its first
    interaction; tests that set data up directly need the seed claims there first)."""
    for guild in (newsroom.guild, newsroom.other_guild):
        await claimbot.desk.ensure_guild(guild.id)
    return claimbot.desk
