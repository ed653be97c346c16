"""pytest fixture ``local_discord``: a fresh local Discord per test that fails the test it caught.

Use it from a conftest with ``from localdiscord.pytest_plugin import local_discord, local_discord_options``
(or register the module as a plugin). At teardown the fixture fails the test, naming the field, route or
interaction, if the bot broke a limit, called a route the fake does not know, or answered an
interaction late (or never). Tests that provoke one of these on purpose take it off the record with
``driver.take_violations()``, ``driver.take_unknown_routes()`` or ``driver.take_late_interactions()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from localdiscord.driver import Driver
from localdiscord.server import LocalDiscord


@pytest.fixture
def local_discord_options() -> dict[str, Any]:
    """Keyword arguments for :class:`LocalDiscord`; override it to set a token, deadline, ..."""
    return {}


@pytest.fixture
async def local_discord(local_discord_options: dict[str, Any]) -> AsyncIterator[Driver]:
    server = LocalDiscord(**local_discord_options)
    await server.start()
    try:
        yield Driver(server)
        problems = server.problems()
    finally:
        await server.stop()
    fail_on(problems)


def fail_on(problems: list[str]) -> None:
    """Fail the current test with one line per problem, each naming the field, route or interaction."""
    if problems:
        pytest.fail("the local Discord caught:\n  " + "\n  ".join(problems), pytrace=False)
