"""`python -m bot copy-db --to postgresql://…`: a SQLite desk moved to PostgreSQL answers exactly as before.

The source is a real SQLite file, the target a real PostgreSQL database (tests/pg.py); without a
server these tests are left out in one line, like the rest of the PostgreSQL tier.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from bench import generate
from bot.desk import ClaimEdit, ClaimNotFound, Desk
from bot.domain.claims import Actor, Evidence, NewClaim, Page, RelationKind, SearchHit
from bot.domain.intake import NewSubmission, RejectReason
from bot.domain.states import Verdict
from bot.seedfile import STORIES_DIR, load_story
from bot.settings import Settings
from bot.store.copying import CHECKED, CopyReport, Digest, TargetNotEmpty, copy_database
from bot.store.postgres import PostgresStore
from bot.store.postgres.dump import table_rows
from bot.store.postgres.load import occupied
from bot.store.sqlite.connection import ProcessLock
from tests.desks import opened_desk

ROOT = Path(__file__).resolve().parents[1]
GUILD = 811111111111111111
OTHER_GUILD = 822222222222222222
ALICE = Actor(1001, "alice")
BOB = Actor(1002, "bob")
SHIPPED_STORY = STORIES_DIR / "north-korea-troops-2024-10-17.toml"
QUERIES = ["troops", "north korea", "zelensky", "Zelenskiy", "kremlin denies", "kallas", "artillery shells", "kursk"]


def settings_for(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def postgres_desk(url: str) -> Desk:
    return Desk(PostgresStore.from_url(url, pool_min=1, pool_max=2, statement_timeout_ms=30_000))


async def seeded_desk(desk: Desk) -> None:
    """Two guilds seeded with the shipped story, then a moderator's day in the first one."""
    async with desk:
        await desk.ensure_guild(GUILD)
        await desk.ensure_guild(OTHER_GUILD)
        await desk.update_guild_settings(GUILD, moderator_role_id=5551, announce_channel_id=5552)
        await desk.set_verdict(
            GUILD, 1, Verdict.CONFIRMED, note="Seen in satellite imagery", source_url="https://example.org/imagery",
            actor=ALICE,
        )  # fmt: skip
        await desk.set_verdict(GUILD, 2, Verdict.INVESTIGATING, note="Only one source", source_url=None, actor=BOB)
        await desk.edit_claim(
            GUILD, 3, ClaimEdit(statement="North Korean troops were seen training in Kursk.", role="analyst"),
            note="Closer to the quote", actor=ALICE,
        )  # fmt: skip
        new = await desk.add_claim(
            GUILD,
            NewClaim(
                statement="Kursk is where the North Korean soldiers will fight first.",
                verbatim=True,
                speaker="Kaja Kallas",
                speaker_variants=("Kallas",),
                role="EU foreign policy chief",
                evidence=(Evidence("https://example.org/kallas", "The press conference"),),
            ),
            note="Said at the summit",
            actor=BOB,
            source_url="https://example.org/summit",
        )
        await desk.link_claims(GUILD, new.number, RelationKind.SUPPORTS, 1, note="Same deployment", actor=ALICE)
        await desk.add_evidence(GUILD, new.number, "https://example.org/video", note="The video", actor=ALICE)
        await desk.set_verdict(GUILD, 1, Verdict.MISLEADING, note="Numbers overstated", source_url=None, actor=BOB)
        # Issue 11: requests, submissions, a decision, a review, an interval, a queue channel, a notice.
        await desk.request_check(GUILD, ALICE, NewSubmission("Are NK soldiers fighting in Ukraine?", message_id=7))
        asked = await desk.request_check(
            GUILD, BOB, NewSubmission("The ferry carries 40 cars", message_id=8, message_url="https://x.example/8")
        )
        await desk.submit(
            GUILD, ALICE, NewSubmission("The bridge cost 40 million", "The mayor", link="https://x.example")
        )
        assert asked.submission is not None
        await desk.reject_submission(GUILD, asked.submission.number, RejectReason.SPAM, note="ads", actor=ALICE)
        await desk.mark_reviewed(GUILD, 2, note="Still one source", actor=BOB)
        await desk.update_intake_settings(GUILD, queue_channel_id=5553, review_days={Verdict.FALSE: 30})


async def seeded_sqlite(path: Path) -> None:
    await seeded_desk(opened_desk(path, [load_story(SHIPPED_STORY)]))


async def answers(desk: Desk) -> list[object]:
    """What members and moderators would be shown, for every claim of every guild."""
    found: list[object] = []
    async with desk:
        for guild_id in await desk.known_guilds():
            found.append(await desk.guild_settings(guild_id))
            found.append(await desk.board(guild_id, recent=10))
            found.append(await desk.queue(guild_id, limit=25))
            found.append(await desk.intake_settings(guild_id))
            found.append(await desk.most_requested(guild_id))
            found.append([await desk.submission_decisions(guild_id, n) for n in range(1, 4)])
            found.append(await desk.owes_notices(guild_id, BOB.id))
            number = 1
            while True:
                try:
                    card = await desk.claim_card(guild_id, number)
                except ClaimNotFound:
                    break
                found.append(card)
                found.append(await desk.standing(guild_id, number))
                found.append(await desk.history(guild_id, number, limit=100))
                number += 1
            assert number > 16, "every seeded claim was read"
            for query in QUERIES:
                for verdict in (None, Verdict.UNVERIFIED):
                    found.append(await desk.search(guild_id, query, verdict=verdict))
            for speaker in await desk.suggest_speakers(guild_id, ""):
                found.append(speaker)
                found.append(await desk.speaker_claims(guild_id, speaker.id))
    return found


async def target_digests(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and checksum, read from PostgreSQL behind the desk's back."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            found = {}
            for table in CHECKED:
                digest = Digest(table)
                async for rows in table_rows(conn, table, 1000):
                    digest.add(rows)
                found[table.name] = (digest.rows, digest.hexdigest())
            return found
    finally:
        await conn.close()


def assert_copied(report: CopyReport) -> None:
    assert report.committed, report
    assert [check.table for check in report.checks] == [table.name for table in CHECKED]
    for check in report.checks:
        assert check.same, check


# --------------------------------------------------------------------------------- the seeded desk


async def test_a_seeded_and_moderated_sqlite_desk_answers_the_same_on_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)

    report = await copy_database(settings_for(sqlite_url(source)), postgres_url)

    assert_copied(report)
    counts = {check.table: check.target_rows for check in report.checks}
    assert counts["guilds"] == 2
    assert counts["claims"] == 2 * 16 + 1
    assert counts["relations"] == 2 * 13 + 1
    on_postgres = await answers(postgres_desk(postgres_url))
    assert on_postgres == await answers(opened_desk(source))
    searches = [a for a in on_postgres if isinstance(a, Page) and a.items and isinstance(a.items[0], SearchHit)]
    assert len(searches) >= len(QUERIES) * 2  # the index was built: the searches find claims in both guilds


async def test_the_copied_desk_takes_new_claims_and_changes_after_the_copied_ids(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)
    await copy_database(settings_for(sqlite_url(source)), postgres_url)

    async with postgres_desk(postgres_url) as desk:
        before = await desk.claim(GUILD, 17)
        added = await desk.add_claim(
            GUILD, NewClaim(statement="A claim made on PostgreSQL.", verbatim=False, speaker="Kallas"),
            note="New", actor=ALICE,
        )  # fmt: skip
        _claim, change = await desk.set_verdict(GUILD, 17, Verdict.FALSE, note="Checked", source_url=None, actor=BOB)
        await desk.link_claims(GUILD, added.number, RelationKind.SAME_AS, 17, note="", actor=BOB)
        found = await desk.search(GUILD, "postgresql")
        other_guild = await desk.add_claim(
            OTHER_GUILD, NewClaim(statement="Another guild's new claim.", verbatim=False, speaker="Kallas"),
            note="New", actor=ALICE,
        )  # fmt: skip

    assert added.number == 18
    assert added.id > before.id
    assert added.speaker.id == before.speaker.id  # found by its copied variant
    assert change.id > max(c.id for c in (await answers_history(source)))
    assert [hit.summary.number for hit in found.items] == [18]
    assert other_guild.number == 17


async def answers_history(path: Path) -> list:
    async with opened_desk(path) as desk:
        changes = []
        for number in range(1, 18):
            changes.extend((await desk.history(GUILD, number, limit=100)).items)
        return changes


async def test_a_database_without_the_schema_is_migrated_first(tmp_path: Path, empty_postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)

    report = await copy_database(settings_for(sqlite_url(source)), empty_postgres_url)

    assert_copied(report)
    assert await answers(postgres_desk(empty_postgres_url)) == await answers(opened_desk(source))


async def test_postgres_to_postgres_copies_the_same_rows(postgres_url: str, fresh_postgres_url: str) -> None:
    await seeded_desk(Desk(PostgresStore.from_url(postgres_url, pool_min=1, pool_max=2, statement_timeout_ms=30_000),
                           [load_story(SHIPPED_STORY)]))  # fmt: skip

    report = await copy_database(settings_for(postgres_url), fresh_postgres_url)

    assert_copied(report)
    assert await target_digests(fresh_postgres_url) == await target_digests(postgres_url)
    assert await answers(postgres_desk(fresh_postgres_url)) == await answers(postgres_desk(postgres_url))


# --------------------------------------------------------------------------------- refusals


async def test_a_target_that_holds_rows_is_refused_and_left_as_it_was(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)
    async with postgres_desk(postgres_url) as desk:
        await desk.ensure_guild(999)
        await desk.add_claim(999, NewClaim(statement="Already here.", verbatim=False, speaker="Someone"),
                             note="", actor=ALICE)  # fmt: skip
    before = await target_digests(postgres_url)

    with pytest.raises(TargetNotEmpty, match="is not empty") as refused:
        await copy_database(settings_for(sqlite_url(source)), postgres_url)

    assert "\n" not in str(refused.value)
    assert "guilds" in str(refused.value)
    assert await target_digests(postgres_url) == before


async def test_a_copy_that_reads_back_different_is_rolled_back(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)
    # A speaker's count that disagrees with its claims: the target's triggers count the claims.
    with sqlite3.connect(source) as db:
        db.execute("UPDATE speakers SET claim_count = claim_count + 5 WHERE id = 1")

    report = await copy_database(settings_for(sqlite_url(source)), postgres_url)

    assert not report.committed
    assert report.differing == ("speakers",)
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await occupied(conn) == []
    finally:
        await conn.close()


# --------------------------------------------------------------------------------- the command line


def run_copy_db(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "copy-db", *args],
        cwd=tmp_path,  # no .env here: only the environment counts
        env={**env, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_the_command_prints_every_tables_counts_and_checksums(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)
    expected = await _sqlite_digests(source)

    done = run_copy_db(tmp_path, sqlite_url(source), "--to", postgres_url)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Copied ")
    assert str(source) in lines[0]
    assert lines[1].split() == ["table", "source", "rows", "target", "rows", "source", "sha256", "target", "sha256"]
    by_table = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert list(by_table) == [table.name for table in CHECKED]
    for name, (rows, digest) in expected.items():
        assert by_table[name] == [f"{rows:,}", f"{rows:,}", digest[:16], digest[:16], "same"], name
    assert await target_digests(postgres_url) == expected

    again = run_copy_db(tmp_path, sqlite_url(source), "--to", postgres_url)

    assert again.returncode == 1
    assert again.stderr.strip().count("\n") == 0, again.stderr
    assert again.stderr.startswith("claimbot: ")
    assert "is not empty" in again.stderr
    assert again.stdout == ""


async def _sqlite_digests(path: Path) -> dict[str, tuple[int, str]]:
    from bot.store.sqlite.dump import open_source

    found = {}
    async with open_source(path) as source:
        for table in CHECKED:
            digest = Digest(table)
            async for rows in source.rows(table, 1000):
                digest.add(rows)
            found[table.name] = (digest.rows, digest.hexdigest())
    return found


async def test_the_command_fails_in_one_line_when_the_copy_differs(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)
    with sqlite3.connect(source) as db:
        db.execute("UPDATE speakers SET claim_count = 0 WHERE id = 2")

    done = run_copy_db(tmp_path, sqlite_url(source), "--to", postgres_url)

    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert done.stderr.startswith("claimbot: the copy differs from its source in speakers; nothing was written")
    assert "DIFFERS" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_command_wants_a_postgres_target(tmp_path: Path) -> None:
    done = run_copy_db(tmp_path, sqlite_url(tmp_path / "claims.db"), "--to", f"sqlite:///{tmp_path / 'other.db'}")

    assert done.returncode == 2
    assert done.stderr.strip() == (
        "claimbot: copy-db copies into PostgreSQL: --to must be postgresql://user@host:5432/database"
    )


async def test_the_command_refuses_a_sqlite_file_a_bot_still_runs_on(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "claims.db"
    await seeded_sqlite(source)
    lock = ProcessLock(source)
    lock.acquire()
    try:
        done = run_copy_db(tmp_path, sqlite_url(source), "--to", postgres_url)
    finally:
        lock.release()

    assert done.returncode == 2
    assert done.stderr.strip().startswith("claimbot: another claimbot process is already using")
    assert await target_digests(postgres_url) == {table.name: (0, Digest(table).hexdigest()) for table in CHECKED}


def test_the_command_refuses_a_missing_source_file(tmp_path: Path) -> None:
    done = run_copy_db(tmp_path, sqlite_url(tmp_path / "nowhere.db"), "--to", "postgresql://nobody@127.0.0.1:1/none")

    assert done.returncode == 1
    assert done.stderr.strip().startswith("claimbot: no database at ")
    assert not (tmp_path / "nowhere.db").exists()


# --------------------------------------------------------------------------------- a big desk


@pytest.mark.slow
async def test_a_hundred_thousand_claims_round_trip_with_equal_checksums(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    shape = generate.Shape(1, 100_000)
    source = tmp_path / "bench.db"
    started = time.perf_counter()
    generate.build(source, shape)
    built = time.perf_counter() - started

    report = await copy_database(settings_for(sqlite_url(source)), fresh_postgres_url)

    assert_copied(report)
    rows = {check.table: check.target_rows for check in report.checks}
    assert rows["claims"] == 100_000
    guild = shape.guild_ids()[0]
    found = []
    for desk in (opened_desk(source), postgres_desk(fresh_postgres_url)):
        async with desk:
            found.append(
                [
                    await desk.board(guild),
                    await desk.claim_card(guild, 1),
                    await desk.claim_card(guild, 100_000),
                    await desk.history(guild, 54_321),
                    *[await desk.search(guild, query) for query in ("troops", "border attack", "minister")],
                ]
            )
    assert found[0] == found[1]
    print(f"\n100,000 claims: built in {built:.1f} s, copied and checked in {report.seconds:.1f} s")
