"""Exports (issue 12): the desk's name and link travel with `python -m bot copy-db`."""

from __future__ import annotations

from pathlib import Path

from bot.seedfile import load_stories
from bot.store.copying import copy_database
from tests.desks import opened_desk
from tests.test_copy_db import postgres_desk, settings_for, sqlite_url

GUILD = 811111111111111111


async def test_desk_name_and_url_are_copied(tmp_path: Path, fresh_postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    async with opened_desk(source, load_stories()) as desk:
        await desk.ensure_guild(GUILD)
        await desk.update_guild_settings(GUILD, desk_name="Open Facts", desk_url="https://facts.example/desk")
    report = await copy_database(settings_for(sqlite_url(source)), fresh_postgres_url)
    assert report.committed
    async with postgres_desk(fresh_postgres_url) as target:
        settings = await target.guild_settings(GUILD)
    assert (settings.desk_name, settings.desk_url) == ("Open Facts", "https://facts.example/desk")
