"""A real SQLite file in tmp_path, migrated and seeded with the shipped story, for every desk test."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.claims import Actor, NewClaim
from bot.seedfile import STORIES_DIR, SeedStory, load_story
from bot.store import Store
from tests.desks import store_at
from tests.pg import fetch_now

# Realistic Discord snowflakes; one is not a prefix of the other's FTS guild token.
GUILD_A = 811111111111111111
GUILD_B = 822222222222222222
ALICE = Actor(1001, "alice")
BOB = Actor(1002, "bob")
SHIPPED_STORY = STORIES_DIR / "north-korea-troops-2024-10-17.toml"
SEEDED_CLAIMS = 16
SEEDED_RELATIONS = 13


@pytest.fixture
def seed() -> SeedStory:
    return load_story(SHIPPED_STORY)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Every desk test runs on both stores (PostgreSQL's only where a server answers: tests/pg.py)."""
    return str(request.param)


@pytest.fixture
def store_location(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """The SQLite file's path, or the URL of a fresh, migrated PostgreSQL database."""
    if backend == "sqlite":
        return str(tmp_path / "claims.db")
    return str(request.getfixturevalue("postgres_url"))


def make_store(backend: str, location: str) -> Store:
    return store_at(Path(location) if backend == "sqlite" else location)


Database = Path | str  # a SQLite file, or a PostgreSQL URL


@pytest.fixture
def db_path(backend: str, store_location: str) -> Database:
    """The database behind the desk, for tests that read it behind the desk's back as an auditor would
    (`query`, `scalar`) or open a second desk on it (`opened_desk`), on either backend."""
    return Path(store_location) if backend == "sqlite" else store_location


@pytest.fixture
def sqlite_only(backend: str) -> None:
    """For the few audits written in SQLite's own terms; PostgreSQL's are in tests/store_postgres."""
    if backend != "sqlite":
        pytest.skip("audits SQLite itself; PostgreSQL's own audits are in tests/store_postgres")


@pytest.fixture
async def desk(backend: str, store_location: str, seed: SeedStory) -> AsyncIterator[Desk]:
    """Guild A already seeded with the shipped story; guild B is not created yet."""
    async with Desk(make_store(backend, store_location), [seed]) as opened:
        await opened.ensure_guild(GUILD_A)
        yield opened


def query(path: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    """Read the database behind the store's back, the way an auditor would (`?` placeholders)."""
    if isinstance(path, str):
        numbered = iter(range(1, len(params) + 1))
        return fetch_now(path, re.sub(r"\?", lambda _m: f"${next(numbered)}", sql), *params)
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def scalar(path: Database, sql: str, params: tuple[object, ...] = ()) -> object:
    return query(path, sql, params)[0][0]


def number_of(path: Database, guild_id: int, seed_key: str) -> int:
    """The claim number a seeded claim got in a guild."""
    return int(
        scalar(path, "SELECT number FROM claims WHERE guild_id = ? AND seed_key = ?", (guild_id, seed_key))  # type: ignore[arg-type]
    )


def new_claim(statement: str, speaker: str = "Ada Quillfeather", **fields: object) -> NewClaim:
    return NewClaim(statement=statement, verbatim=False, speaker=speaker, **fields)  # type: ignore[arg-type]


def rewrite_claim(text: str, key: str, old: str, new: str) -> str:
    """Replace `old` with `new` inside one [[claims]] block of a seed file's text, and only there."""
    start = text.index(f'key = "{key}"')
    end = text.find("[[", start)
    end = len(text) if end == -1 else end
    block = text[start:end]
    assert old in block, f"{old!r} is not in the block of {key}"
    return text[:start] + block.replace(old, new, 1) + text[end:]


def write_seed(directory: Path, text: str, name: str = "story.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
