"""A desk over a real SQLite file, as `python -m bot` makes one, for tests that need one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.desk import Desk
from bot.seedfile import SeedStory
from bot.store.sqlite import SqliteStore


def opened_desk(path: Path, seeds: Iterable[SeedStory] = (), *, single_instance: bool = False) -> Desk:
    """Not opened yet: `async with opened_desk(path) as desk`, or `await desk.open()`."""
    return Desk(SqliteStore(path, single_instance=single_instance), seeds)
