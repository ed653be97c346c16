"""Both stores find the same claims in the same order: the analyser runs in Python, the ranking too."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import matching as matching_set
from bot.desk import Desk
from bot.domain.claims import Actor, NewClaim
from bot.seedfile import load_stories
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore

GUILD = 833333333333333333
OTHER = 844444444444444445
QUERIES = [
    "troops", "north korea", "korea", "zelensky", "Zelenskiy", "kremlin denies", "10,000", "1.28 million",
    "artillery shells", "rutte", "nato", "fake", "victory plan", "ZELÉNSKY", "\"' OR 1=1 --", "troo",
    "seoul", "brussels", "kim", "frozen conflict", "drones", "d", "🧨", "",
]  # fmt: skip
MESSAGES = [
    "Did North Korea really send soldiers to fight for Russia?",
    "the Kremlin denied receiving North Korean missiles",
    "Zelensky rules out giving up territory or freezing the war",
    "lovely weather today",
]


async def answers(desk: Desk) -> list[object]:
    await desk.ensure_guild(GUILD)
    actor = Actor(1, "setup")
    for i in range(30):  # more than a page, some sharing words with the story
        new = NewClaim(statement=f"Drones number {i} seen near Kursk with North Korean troops", verbatim=False,
                       speaker=f"Watcher {i % 4}")  # fmt: skip
        await desk.add_claim(GUILD, new, note="setup", actor=actor)
    found: list[object] = []
    for query in QUERIES:
        found.append([s.number for s in await desk.suggest_claims(GUILD, query)])
        resolved = await desk.resolve_claim(GUILD, query)
        found.append(resolved.number if resolved else None)
        if query.strip("\"' -🧨"):
            for offset in (0, 5):
                page = await desk.search(GUILD, query, offset=offset)
                found.append((page.total, [(h.summary.number, h.snippet) for h in page.items]))
    for message in MESSAGES:
        found.append([s.number for s in await desk.match_text(GUILD, message)])
    # The labelled set of bench/matching: every message's claims and every query's first page, in order.
    labelled = matching_set.load()
    for item in labelled.messages:
        found.append([s.number for s in await desk.match_text(GUILD, item.text)])
    for query in labelled.queries:
        page = await desk.search(GUILD, query.text)
        found.append((page.total, [(h.summary.number, h.snippet) for h in page.items]))
    found.append([s.name for s in await desk.suggest_speakers(GUILD, "w")])
    return found


async def crowd(desk: Desk) -> None:
    """Another guild with more claims than GUILD will have: GUILD is then one among many, which the
    stores search otherwise (by its token or lexeme inside the index) than a guild holding most claims."""
    await desk.ensure_guild(OTHER)
    for i in range(40):
        new = NewClaim(statement=f"Drones number {i} seen near Kursk", verbatim=False, speaker="Watcher 0")
        await desk.add_claim(OTHER, new, note="setup", actor=Actor(1, "setup"))


@pytest.mark.parametrize("crowded", [False, True], ids=["alone", "among-a-larger-guild"])
async def test_sqlite_and_postgres_give_the_same_ranked_answers(
    tmp_path: Path, postgres_url: str, crowded: bool
) -> None:
    """And the same whether the guild holds most of the claims or few of them."""
    async with Desk(SqliteStore(tmp_path / "alone.db"), load_stories()) as desk:
        alone = await answers(desk)
    async with Desk(SqliteStore(tmp_path / "claims.db"), load_stories()) as desk:
        if crowded:
            await crowd(desk)
        on_sqlite = await answers(desk)
    store = PostgresStore.from_url(postgres_url, pool_min=1, pool_max=2, statement_timeout_ms=10_000)
    async with Desk(store, load_stories()) as desk:
        if crowded:
            await crowd(desk)
        on_postgres = await answers(desk)
    assert on_sqlite == alone
    assert len(on_sqlite) > 60 + 128
    for n, (a, b) in enumerate(zip(on_sqlite, on_postgres, strict=True)):
        assert a == b, f"answer {n} differs"
