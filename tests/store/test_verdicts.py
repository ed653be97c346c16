"""Verdict changes: one winner when two race, nothing written for a no-op, history append-only and true."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import pytest

from bot.desk import ClaimEdit, Desk, NothingToChange, VerdictConflict
from bot.domain.claims import Actor, Change, Claim
from bot.domain.states import Attribution, Verdict
from bot.seedfile import SeedStory, load_story
from tests.desks import opened_desk
from tests.store.conftest import (
    ALICE,
    BOB,
    GUILD_A,
    GUILD_B,
    SEEDED_CLAIMS,
    SHIPPED_STORY,
    new_claim,
    query,
    rewrite_claim,
    scalar,
    write_seed,
)


def history_count(path: Path, number: int, guild_id: int = GUILD_A) -> int:
    return scalar(  # type: ignore[return-value]
        path,
        "SELECT count(*) FROM history h JOIN claims c ON c.id = h.claim_id WHERE c.guild_id = ? AND c.number = ?",
        (guild_id, number),
    )


def split_outcomes(
    outcomes: list[tuple[Claim, Change] | BaseException],
) -> tuple[list[tuple[Claim, Change]], list[BaseException]]:
    wins = [o for o in outcomes if not isinstance(o, BaseException)]
    losses = [o for o in outcomes if isinstance(o, BaseException)]
    return wins, losses  # type: ignore[return-value]


async def test_two_concurrent_verdict_changes_one_wins_the_other_conflicts(desk: Desk, db_path: Path) -> None:
    claim = await desk.claim(GUILD_A, 2)
    rows_before = history_count(db_path, 2)

    outcomes = await asyncio.gather(
        desk.set_verdict(
            GUILD_A,
            2,
            Verdict.CONFIRMED,
            note="Seen in photos.",
            source_url=None,
            actor=ALICE,
            expected_revision=claim.revision,
        ),
        desk.set_verdict(
            GUILD_A,
            2,
            Verdict.FALSE,
            note="Denied by NATO.",
            source_url=None,
            actor=BOB,
            expected_revision=claim.revision,
        ),
        return_exceptions=True,
    )

    wins, losses = split_outcomes(outcomes)
    assert len(wins) == 1
    assert len(losses) == 1
    (winner, change), conflict = wins[0], losses[0]
    assert isinstance(conflict, VerdictConflict)
    assert conflict.by == change.actor
    assert conflict.by.name in str(conflict)
    assert conflict.current == winner.verdict
    assert winner.revision == claim.revision + 1
    assert (await desk.claim(GUILD_A, 2)).verdict == winner.verdict
    assert history_count(db_path, 2) == rows_before + 1


async def test_two_processes_racing_on_one_file_cannot_both_change_a_verdict(
    desk: Desk, db_path: Path, seed: SeedStory
) -> None:
    claim = await desk.claim(GUILD_A, 6)
    rows_before = history_count(db_path, 6)
    async with opened_desk(db_path, [seed]) as other:
        outcomes = await asyncio.gather(
            desk.set_verdict(
                GUILD_A, 6, Verdict.FALSE, note="a", source_url=None, actor=ALICE, expected_revision=claim.revision
            ),
            other.set_verdict(
                GUILD_A, 6, Verdict.CONFIRMED, note="b", source_url=None, actor=BOB, expected_revision=claim.revision
            ),
            return_exceptions=True,
        )
    wins, losses = split_outcomes(outcomes)
    assert len(wins) == 1
    assert len(losses) == 1
    assert isinstance(losses[0], VerdictConflict)
    assert losses[0].by == wins[0][1].actor
    assert history_count(db_path, 6) == rows_before + 1


async def test_a_change_prepared_against_an_old_revision_is_refused(desk: Desk, db_path: Path) -> None:
    stale = await desk.claim(GUILD_A, 3)
    await desk.set_attribution(
        GUILD_A,
        3,
        Attribution.VIA_OUTLET,
        note="Reuters",
        source_url=None,
        actor=ALICE,
        expected_revision=stale.revision,
    )
    with pytest.raises(VerdictConflict) as raised:
        await desk.set_verdict(
            GUILD_A, 3, Verdict.FALSE, note="late", source_url=None, actor=BOB, expected_revision=stale.revision
        )
    assert raised.value.by == ALICE
    assert (await desk.claim(GUILD_A, 3)).verdict == stale.verdict


async def test_setting_the_current_verdict_raises_nothing_to_change_and_writes_nothing(
    desk: Desk, db_path: Path
) -> None:
    before = await desk.claim(GUILD_A, 2)
    assert before.verdict == Verdict.DISPUTED
    rows_before = history_count(db_path, 2)

    with pytest.raises(NothingToChange):
        await desk.set_verdict(
            GUILD_A, 2, Verdict.DISPUTED, note="again", source_url="https://example.org/a", actor=ALICE
        )

    assert await desk.claim(GUILD_A, 2) == before
    assert history_count(db_path, 2) == rows_before
    assert scalar(db_path, "SELECT count(*) FROM evidence") == 0


async def test_nothing_to_change_names_who_set_the_verdict_last(desk: Desk) -> None:
    await desk.set_verdict(GUILD_A, 4, Verdict.CONFIRMED, note="State Dept. briefing.", source_url=None, actor=BOB)
    with pytest.raises(NothingToChange) as raised:
        await desk.set_verdict(GUILD_A, 4, Verdict.CONFIRMED, note="me too", source_url=None, actor=ALICE)
    assert raised.value.by == BOB


async def test_a_verdict_change_is_recorded_with_actor_note_and_source(desk: Desk) -> None:
    claim, change = await desk.set_verdict(
        GUILD_A, 7, Verdict.FALSE, note="Troops seen in Kursk.", source_url="https://example.org/kursk", actor=ALICE
    )
    assert (claim.verdict, claim.rationale) == (Verdict.FALSE, "Troops seen in Kursk.")
    assert (change.field, change.old_value, change.new_value) == ("verdict", "unverified", "false")
    assert (change.actor, change.source_url) == (ALICE, "https://example.org/kursk")
    assert [e.url for e in claim.evidence] == ["https://example.org/kursk"]
    assert (await desk.history(GUILD_A, 7)).items[0] == change


async def test_a_change_and_its_source_are_found_by_their_notes_and_a_refused_one_adds_no_source(
    desk: Desk, db_path: Path
) -> None:
    """The source's evidence is saved with the change (its terms written once): both notes find the claim."""
    stale = await desk.claim(GUILD_A, 7)
    await desk.set_verdict(
        GUILD_A, 7, Verdict.FALSE, note="Quarantined barges.", source_url="https://example.org/barges", actor=ALICE
    )
    by_note = await desk.search(GUILD_A, "quarantined barges")
    assert [hit.summary.number for hit in by_note.items][:1] == [7]
    # "source" is only in the evidence's note ("Source for false: Quarantined barges."): indexed too.
    by_source = await desk.search(GUILD_A, "source", verdict=Verdict.FALSE)
    assert 7 in [hit.summary.number for hit in by_source.items]
    evidence_before = scalar(db_path, "SELECT count(*) FROM evidence")
    with pytest.raises(VerdictConflict):
        await desk.set_verdict(
            GUILD_A,
            7,
            Verdict.CONFIRMED,
            note="Zeppelin hangar.",
            source_url="https://example.org/late",
            actor=BOB,
            expected_revision=stale.revision,
        )
    assert scalar(db_path, "SELECT count(*) FROM evidence") == evidence_before
    assert (await desk.search(GUILD_A, "zeppelin hangar")).total == 0


@pytest.mark.usefixtures("sqlite_only")  # PostgreSQL: tests/store_postgres/test_schema_guards.py
async def test_history_rows_cannot_be_updated_or_deleted_even_directly(desk: Desk, db_path: Path) -> None:
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="n", source_url=None, actor=ALICE)
    before = query(db_path, "SELECT * FROM history ORDER BY id")

    conn = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE history SET new_value = 'confirmed', actor_name = 'mallory'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM history WHERE id = (SELECT max(id) FROM history)")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM history")
        conn.commit()
    finally:
        conn.close()

    assert query(db_path, "SELECT * FROM history ORDER BY id") == before


async def make_many_changes(desk: Desk, tmp_path: Path, rounds: int = 60) -> None:
    """Verdict changes, edits, new claims and a re-seed in both guilds, in a fixed pseudo-random order."""
    rng = random.Random(20241017)
    await desk.ensure_guild(GUILD_B)
    for i in range(5):
        await desk.add_claim(
            GUILD_A, new_claim(f"Extra claim {i}", verdict=rng.choice(list(Verdict))), note="n", actor=ALICE
        )
    for _ in range(rounds):
        guild = rng.choice([GUILD_A, GUILD_A, GUILD_B])
        top = SEEDED_CLAIMS + 5 if guild == GUILD_A else SEEDED_CLAIMS
        number = rng.randint(1, top)
        claim = await desk.claim(guild, number)
        verdict = rng.choice([v for v in Verdict if v != claim.verdict])
        actor = Actor(rng.randint(1, 5), "mod")
        await desk.set_verdict(guild, number, verdict, note="n", source_url=None, actor=actor)
        if rng.random() < 0.2:
            await desk.edit_claim(guild, number, ClaimEdit(role=f"role {rng.random()}"), note="n", actor=actor)
    text = rewrite_claim(
        SHIPPED_STORY.read_text(encoding="utf-8"),
        "zelensky-no-concessions",
        'verdict = "unverified"',
        'verdict = "false"',
    )
    text = rewrite_claim(text, "kim-mutual-assistance", 'verdict = "confirmed"', 'verdict = "misleading"')
    await desk.apply_seed(load_story(write_seed(tmp_path, text)))


async def test_every_claims_verdict_equals_its_last_verdict_history_row(
    desk: Desk, db_path: Path, tmp_path: Path
) -> None:
    await make_many_changes(desk, tmp_path)
    rows = query(
        db_path,
        """
        SELECT c.guild_id, c.number, c.verdict,
               (SELECT h.new_value FROM history h WHERE h.claim_id = c.id AND h.field = 'verdict'
                 ORDER BY h.id DESC LIMIT 1)
          FROM claims c
        """,
    )
    assert len(rows) == 2 * SEEDED_CLAIMS + 5
    mismatched = [row for row in rows if row[2] != row[3]]
    assert mismatched == []


async def test_board_counts_equal_a_real_count_after_many_changes(desk: Desk, db_path: Path, tmp_path: Path) -> None:
    await make_many_changes(desk, tmp_path)
    for guild in (GUILD_A, GUILD_B):
        board = await desk.board(guild)
        real = dict(
            query(db_path, "SELECT verdict, count(*) FROM claims WHERE guild_id = ? GROUP BY verdict", (guild,))
        )
        assert {verdict.value: count for verdict, count in board.counts.items()} == real
        assert board.total == (SEEDED_CLAIMS + 5 if guild == GUILD_A else SEEDED_CLAIMS)


async def test_board_shows_the_seeded_verdicts_before_anyone_changes_them(desk: Desk) -> None:
    board = await desk.board(GUILD_A)
    assert board.counts == {Verdict.DISPUTED: 5, Verdict.UNVERIFIED: 9, Verdict.CONFIRMED: 2}
    assert len(board.recent) == 5


async def test_a_claim_changed_many_times_does_not_crowd_the_board(desk: Desk) -> None:
    for i in range(25):
        verdict = Verdict.FALSE if i % 2 == 0 else Verdict.CONFIRMED
        await desk.set_verdict(GUILD_A, 1, verdict, note=f"flip {i}", source_url=None, actor=ALICE)
    await desk.set_verdict(GUILD_A, 5, Verdict.INVESTIGATING, note="checking", source_url=None, actor=BOB)

    board = await desk.board(GUILD_A, recent=5)

    assert [summary.number for summary, _ in board.recent] == [5, 1, 16, 15, 14]
    assert board.recent[1][1].note == "flip 24"
    assert board.recent[0][1].actor == BOB
