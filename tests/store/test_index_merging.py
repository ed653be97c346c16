"""SQLite's search index is merged back into one b-tree while it is small, as verdict changes add b-trees
to it (bot/store/sqlite/store.py's TIDY_EVERY, index.tidy): otherwise every word of every search is
looked up in each of them, and a small desk's searches grow dearer with every change it makes."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.desk import Desk
from bot.domain.states import Verdict
from bot.store.sqlite.store import TIDY_EVERY
from tests.store.conftest import ALICE, GUILD_A, SEEDED_CLAIMS


def is_one_btree(path: Path) -> bool:
    """Whether FTS5's own 'optimize' would leave the index as it is: on a copy, so the store's file is
    only read."""
    source, copy = sqlite3.connect(path), sqlite3.connect(":memory:")
    try:
        source.backup(copy)
        rows = "SELECT id, block FROM claim_fts_data ORDER BY id"
        before = copy.execute(rows).fetchall()
        copy.execute("INSERT INTO claim_fts (claim_fts) VALUES ('optimize')")
        return copy.execute(rows).fetchall() == before
    finally:
        source.close()
        copy.close()


async def test_verdict_changes_leave_a_small_index_merged_again(desk: Desk, db_path: Path, sqlite_only: None) -> None:
    # Forty servers' copies of the story: an index FTS5 would not merge whole again on its own in a few dozen changes.
    await asyncio.gather(*(desk.ensure_guild(GUILD_A + n) for n in range(1, 40)))
    merged_after: list[bool] = []
    for i in range(TIDY_EVERY + 1):
        number = 1 + i % SEEDED_CLAIMS
        current = (await desk.claim(GUILD_A, number)).verdict
        verdict = Verdict.INVESTIGATING if current is not Verdict.INVESTIGATING else Verdict.DISPUTED
        # A note with a word of its own: each change rewrites the claim's index row, in a transaction of its own.
        await desk.set_verdict(GUILD_A, number, verdict, note=f"Checked again, round{i}.", source_url=None, actor=ALICE)
        merged_after.append(is_one_btree(db_path))
    # The changes do split the index (so the check can tell), and within TIDY_EVERY of them it is one again.
    assert not all(merged_after)
    assert any(merged_after)
    # Merged, it finds what the changes wrote.
    last = TIDY_EVERY
    page = await desk.search(GUILD_A, f"round{last}")
    assert [hit.summary.number for hit in page.items] == [1 + last % SEEDED_CLAIMS]
