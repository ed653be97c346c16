"""Tests about the commands and settings themselves: described, unique, documented, accepted by Discord."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from discord import AppCommandType, app_commands
from discord.ext import commands

from bot.bot import EXTENSIONS, ClaimBot
from bot.seedfile import load_stories
from bot.settings import Settings
from tests.bot.conftest import Newsroom
from tests.desks import opened_desk

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = "…"  # what discord.py sends when a command or option has no description


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[ClaimBot]:
    """The bot with every extension loaded and nothing connected: the command tree as it would sync."""
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'claims.db'}")  # type: ignore[call-arg]
    desk = opened_desk(settings.database_path, load_stories(), single_instance=True)
    async with ClaimBot(settings=settings, desk=desk) as claimbot:
        for name in EXTENSIONS:
            await claimbot.load_extension(name)
        yield claimbot


def walk(commands: list[app_commands.Command | app_commands.Group | app_commands.ContextMenu]) -> Iterator[object]:
    for command in commands:
        yield command
        if isinstance(command, app_commands.Group):
            yield from walk(command.commands)  # type: ignore[arg-type]


def kind(command: object) -> int:
    """Context menus say their type; slash commands and groups are chat input (1)."""
    return getattr(command, "type", AppCommandType.chat_input).value


def chat_commands(bot: ClaimBot) -> list[app_commands.Command | app_commands.Group]:
    return [c for c in walk(bot.tree.get_commands()) if isinstance(c, app_commands.Command | app_commands.Group)]


def test_every_extension_adds_commands(bot: ClaimBot) -> None:
    names = {c.qualified_name for c in chat_commands(bot)}
    assert {"claim", "who-said", "status", "search", "mod", "mod status", "mod config"} <= names
    menus = [c for c in bot.tree.get_commands() if isinstance(c, app_commands.ContextMenu)]
    assert [menu.name for menu in menus] == ["Check claims", "Request a check"]


def test_every_command_and_option_has_a_description(bot: ClaimBot) -> None:
    missing = []
    for command in chat_commands(bot):
        if not command.description or command.description == PLACEHOLDER:
            missing.append(f"/{command.qualified_name}")
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                if not parameter.description or parameter.description == PLACEHOLDER:
                    missing.append(f"/{command.qualified_name} {parameter.name}:")
    assert missing == []


def test_no_two_commands_share_a_name(bot: ClaimBot) -> None:
    top = Counter((command.name, kind(command)) for command in bot.tree.get_commands())
    assert [key for key, count in top.items() if count > 1] == []
    for group in walk(bot.tree.get_commands()):
        if isinstance(group, app_commands.Group):
            inner = Counter(command.name for command in group.commands)
            assert [name for name, count in inner.items() if count > 1] == [], group.qualified_name


def test_every_moderator_command_checks_rights_in_the_bot() -> None:
    """default_permissions is a hint Discord ignores on subcommands: the cog checks every /mod call itself,
    before any option is resolved, and /mod config checks Manage Server on its own."""
    from cogs.moderation import Moderation

    assert Moderation.interaction_check is not commands.Cog.interaction_check
    source = (ROOT / "cogs" / "moderation.py").read_text(encoding="utf-8")
    check = source[source.index("    async def interaction_check") :].split("\n    def ", 1)[0]
    assert "await self.require_moderator(interaction)" in check
    bodies = re.split(r"\n    @app_commands\.command\(", source)[1:]
    assert len(bodies) == 10
    config = next(body for body in bodies if body.startswith('name="config"'))
    assert "can_manage_server(interaction)" in config


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.MULTILINE))
    settings = {name.upper() for name in Settings.model_fields}
    assert settings - documented == set()
    assert documented - settings == set(), "documented settings the bot does not read"


async def test_every_command_is_registered_with_discord_without_violations(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    assert d.violations == []
    registered = {(command["name"], command.get("type", 1)) for command in d.commands()}
    expected = {(command.name, kind(command)) for command in claimbot.tree.get_commands()}
    assert registered == expected
    mod = next(command for command in d.commands() if command["name"] == "mod")
    subcommands = {option["name"] for option in mod["options"]}
    mine = {"status", "attribution", "add", "edit", "link", "evidence", "alias", "unalias", "aliases", "config"}
    # Issue 11's (stories; the queue, merge and reviewed of cogs/mod_queue.py's mixin) and issue 12's.
    assert subcommands == mine | {"story", "import"} | {"queue", "merge", "reviewed"} | {"export"}
    for command in d.commands():
        if command.get("type", 1) == 1:
            assert command["description"] not in ("", PLACEHOLDER), command["name"]
