"""Finding the claim a member means, on both stores: the examples of issue 10 each find their claim,
other names find what the names a claim uses find, and messages about other things find nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.claims import MATCH_END, MATCH_START, Alias
from bot.store.base import Filters
from tests.store.conftest import ALICE, GUILD_A, Database, new_claim, number_of, query


async def _numbers(db: Database, *keys: str) -> set[int]:
    return {number_of(db, GUILD_A, key) for key in keys}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("denied", ["pyongyang-denies-arms", "moscow-denies-arms"]),
        ("deny", ["pyongyang-denies-arms", "moscow-denies-arms"]),
        ("June", ["putin-mutual-assistance", "kim-mutual-assistance"]),
        ("treaty", ["putin-mutual-assistance", "kim-mutual-assistance"]),
        ("10k", ["zelensky-preparing-10000-troops", "zelensky-we-know-10000"]),
        ("Brussels", ["zelensky-preparing-10000-troops", "zelensky-we-know-10000", "rutte-no-evidence"]),
        ("evaluating", ["campbell-personnel-being-evaluated"]),
        ("2024-06", ["putin-mutual-assistance", "kim-mutual-assistance"]),
        ("frozen", ["zelensky-no-concessions"]),
    ],
)
async def test_search_finds_a_claim_by_any_form_of_its_words_and_by_what_the_desk_wrote(
    desk: Desk, db_path: Database, query: str, keys: list[str]
) -> None:
    page = await desk.search(GUILD_A, query)
    assert await _numbers(db_path, *keys) <= {hit.summary.number for hit in page.items}


async def test_check_claims_on_north_korean_soldiers_fighting_lists_the_fighting_claim_not_a_denial_first(
    desk: Desk, db_path: Database
) -> None:
    found = [
        c.number for c in await desk.match_text(GUILD_A, "Did North Korea really send soldiers to fight for Russia?")
    ]
    assert number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting") in found
    denials = await _numbers(db_path, "pyongyang-denies-arms", "moscow-denies-arms")
    assert found[0] not in denials


async def test_check_claims_on_an_accusation_lists_the_accusation_first_and_the_denial_after_it(
    desk: Desk, db_path: Database
) -> None:
    found = [c.number for c in await desk.match_text(GUILD_A, "North Korea has sent artillery shells to Russia")]
    accusation = number_of(db_path, GUILD_A, "washington-seoul-arms-accusation")
    denial = number_of(db_path, GUILD_A, "pyongyang-denies-arms")
    assert found[0] == accusation
    assert denial in found[1:]  # the denial is still listed: a member asking should see it too


async def test_check_claims_on_a_denial_lists_the_denial_first_and_the_accusation_after_it(
    desk: Desk, db_path: Database
) -> None:
    found = [c.number for c in await desk.match_text(GUILD_A, "Pyongyang says it never sent shells")]
    denial = number_of(db_path, GUILD_A, "pyongyang-denies-arms")
    accusation = number_of(db_path, GUILD_A, "washington-seoul-arms-accusation")
    assert found[0] == denial
    assert accusation in found[1:]


async def test_polarity_orders_check_claims_but_does_not_choose_which_claims_are_listed(desk: Desk) -> None:
    asserted = await desk.match_text(GUILD_A, "North Korea has sent artillery shells to Russia")
    denied = await desk.match_text(GUILD_A, "North Korea has not sent artillery shells to Russia")
    assert {c.number for c in asserted} == {c.number for c in denied}
    assert asserted[0].number != denied[0].number


async def test_a_search_that_denies_lists_the_denial_first(desk: Desk, db_path: Database) -> None:
    denial = number_of(db_path, GUILD_A, "pyongyang-denies-arms")
    page = await desk.search(GUILD_A, "never sent shells")
    assert page.items[0].summary.number == denial
    plain = await desk.search(GUILD_A, "sent shells")  # asserts nothing: ranked by its words alone
    assert {h.summary.number for h in plain.items} == {h.summary.number for h in page.items}


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("the Kremlin denied receiving North Korean missiles", "moscow-denies-arms"),
        ("DPRK denied supplying artillery shells to Moscow", "pyongyang-denies-arms"),
        ("Zelensky rules out giving up territory or freezing the war", "zelensky-no-concessions"),
        ("Are NK soldiers fighting in Ukraine?", "ukraine-officials-nk-fighting"),
        ("seoul's white paper: north korea has 1.28m active troops", "white-paper-1-28-million"),
    ],
)
async def test_check_claims_puts_the_claim_meant_first(desk: Desk, db_path: Database, message: str, key: str) -> None:
    found = await desk.match_text(GUILD_A, message)
    assert found
    assert found[0].number == number_of(db_path, GUILD_A, key)


@pytest.mark.parametrize(
    "message",
    [
        "lovely weather today",
        "Ukraine is a big country",
        "pray for ukraine",
        "North Korea tested a new ICBM last month",
        "China denies supplying weapons to Russia",
        "thanks for the fact-check!",
        "Zelensky met Biden at the White House in September",
    ],
)
async def test_check_claims_says_no_tracked_claim_for_messages_about_other_things(desk: Desk, message: str) -> None:
    assert await desk.match_text(GUILD_A, message) == []


@pytest.mark.parametrize(
    ("other", "usual"),
    [("DPRK", "North Korea"), ("NK", "North Korea"), ("Pyongyang", "North Korea"), ("Moscow", "Russia"),
     ("Seoul", "South Korea")],
)  # fmt: skip
async def test_another_name_finds_at_least_what_the_name_the_claims_use_finds(
    desk: Desk, other: str, usual: str
) -> None:
    by_other = {hit.summary.number for hit in (await desk.search(GUILD_A, other, limit=25)).items}
    by_usual = {hit.summary.number for hit in (await desk.search(GUILD_A, usual, limit=25)).items}
    assert by_usual <= by_other


async def test_the_snippet_bolds_the_words_the_analyser_matched(desk: Desk) -> None:
    await desk.add_claim(GUILD_A, new_claim("Moscow denies sending frozen funds to Pyongyang."), note="n", actor=ALICE)
    page = await desk.search(GUILD_A, "deny freeze dprk")
    (hit,) = page.items[:1]
    assert f"{MATCH_START}denies{MATCH_END}" in hit.snippet
    assert f"{MATCH_START}frozen{MATCH_END}" in hit.snippet
    assert f"{MATCH_START}Pyongyang{MATCH_END}" in hit.snippet


async def test_an_alias_added_later_finds_the_claims_already_written_with_it(desk: Desk) -> None:
    added = await desk.add_claim(
        GUILD_A, new_claim("The Hermit Kingdom shipped shells by rail."), note="n", actor=ALICE
    )
    assert added.id not in await desk.store.claims_with_terms(GUILD_A, ["northkorea"], Filters(), 100)
    at = datetime(2024, 10, 18, tzinfo=UTC)
    async with desk.store.transaction() as tx:
        new = await tx.add_aliases(GUILD_A, [Alias("North Korea", "Hermit Kingdom", "a nickname", ALICE, at)])
        again = await tx.add_aliases(GUILD_A, [Alias("South Korea", "hermit  KINGDOM", "taken", ALICE, at)])
    assert [a.name for a in new] == ["Hermit Kingdom"]
    assert again == []  # a name stands for one entity
    assert added.id in await desk.store.claims_with_terms(GUILD_A, ["northkorea"], Filters(), 100)
    found = await desk.match_text(GUILD_A, "did pyongyang ship shells by rail?")
    assert found[0].number == added.number
    aliases = await desk.store.aliases(GUILD_A)
    assert aliases[-1] == Alias("North Korea", "Hermit Kingdom", "a nickname", ALICE, at)
    assert ("North Korea", "DPRK") in {(a.entity, a.name) for a in aliases}  # from the seed story


@pytest.mark.usefixtures("sqlite_only")  # PostgreSQL: tests/store_postgres/test_schema_guards.py
async def test_aliases_cannot_be_changed_or_deleted_even_directly_only_removed_once(desk: Desk, db_path: Path) -> None:
    await desk.remove_alias(GUILD_A, "North Korea", "NK", note="ambiguous here", actor=ALICE)
    before = query(db_path, "SELECT * FROM aliases ORDER BY id")
    assert before  # the seed story's
    conn = sqlite3.connect(db_path)
    try:
        for sql in (
            "UPDATE aliases SET entity = 'Russia'",
            "UPDATE aliases SET removed_at = NULL, removed_note = NULL, removed_actor_id = NULL, "
            "removed_actor_name = NULL WHERE removed_at IS NOT NULL",  # a removal is not undone
            "UPDATE aliases SET removed_note = 'forged' WHERE removed_at IS NOT NULL",
            "UPDATE aliases SET name = 'Hermit Kingdom', removed_at = '2026-01-01', removed_note = 'x', "
            "removed_actor_id = 1, removed_actor_name = 'x' WHERE removed_at IS NULL",  # nothing else changes
            "DELETE FROM aliases",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    assert query(db_path, "SELECT * FROM aliases ORDER BY id") == before
