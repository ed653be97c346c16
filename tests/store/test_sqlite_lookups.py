"""SQLite's lookups by key on the event loop's thread (bot/store/sqlite/store.py): they see every
committed change at once, and a snapshot's state inside a snapshot."""

from __future__ import annotations

from pathlib import Path

from bot.desk import Desk
from bot.domain.states import Verdict
from bot.seedfile import SeedStory
from bot.store.sqlite import SqliteStore
from tests.store.conftest import ALICE, GUILD_A


async def _seeded(path: Path, seed: SeedStory) -> Desk:
    desk = Desk(SqliteStore(path), [seed])
    await desk.open()
    await desk.ensure_guild(GUILD_A)
    return desk


async def test_a_card_read_right_after_a_change_shows_the_change(tmp_path: Path, seed: SeedStory) -> None:
    desk = await _seeded(tmp_path / "claims.db", seed)
    try:
        await desk.claim_card(GUILD_A, 1)  # read once, so nothing below is a first read
        await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="n", source_url=None, actor=ALICE)
        assert (await desk.claim_card(GUILD_A, 1)).claim.verdict is Verdict.FALSE
        summary = await desk.store.claim_summary(GUILD_A, 1)
        assert summary is not None
        assert summary.verdict is Verdict.FALSE
    finally:
        await desk.close()


async def test_inside_a_snapshot_a_lookup_sees_the_snapshot_not_a_later_change(tmp_path: Path, seed: SeedStory) -> None:
    desk = await _seeded(tmp_path / "claims.db", seed)
    store = desk.store
    assert isinstance(store, SqliteStore)
    try:
        before = await store.claim_summary(GUILD_A, 1)
        assert before is not None
        async with store.snapshot():
            await store.verdict_counts(GUILD_A)  # the snapshot's state is fixed by its first read
            await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="n", source_url=None, actor=ALICE)
            inside = await store.claim_summary(GUILD_A, 1)
        after = await store.claim_summary(GUILD_A, 1)
        assert inside is not None
        assert inside.verdict is before.verdict
        assert after is not None
        assert after.verdict is Verdict.FALSE
    finally:
        await desk.close()
