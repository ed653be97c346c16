"""Search and autocomplete: hostile input is only ever text, results are capped, numbers come first."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.rules import RuleBroken
from tests.store.conftest import ALICE, GUILD_A, SEEDED_CLAIMS, new_claim, number_of, scalar

ZELENSKY_TROOPS = "North Korea is preparing to send 10,000 troops to help Russia's war on Ukraine."

# Strings with no word in them: search refuses them politely; autocomplete shows recent claims.
WORDLESS = [
    "",
    "   ",
    "\t\n\r ",
    "'",
    '"',
    '""',
    "*",
    "(",
    ")",
    "()",
    "^",
    ":",
    "-",
    "+",
    '"; --',
    "🔥🚀💥",
    "\u200b\u200c\u200d\ufeff",
    "\u202e\u202d\u200f",
    "\x00\x01\x07\x1b\x7f",
]

# Strings with words in them, shaped like FTS5 syntax or SQL; each is searched for as plain text.
WORDY = [
    "NEAR(",
    "NEAR(troops korea, 5)",
    "troops AND OR NOT",
    "AND OR NOT",
    "NOT",
    '"; DROP TABLE claims; --',
    "'; DELETE FROM history; --",
    "col:val",
    "statement:troops",
    "{statement speaker}: troops",
    "guild:g1",
    "^troops",
    "troops*",
    '"troops',
    "troops\"'",
    "troops) OR (1=1",
    "korea 🔥 troops",
    "\u202etroops\u202c",
    "tro\u200bops",
    "troops\x00korea",
    "% _ \\ troops",
    "Zełenśky ÜKRAINE",
    "x" * 6_000,
    "troops " * 1_000,
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


@pytest.mark.parametrize("text", WORDLESS, ids=repr)
async def test_search_refuses_text_without_words_politely(desk: Desk, text: str) -> None:
    with pytest.raises(RuleBroken, match="at least one word"):
        await desk.search(GUILD_A, text)


@pytest.mark.parametrize("text", WORDLESS, ids=repr)
async def test_autocomplete_without_words_shows_recent_claims(desk: Desk, text: str) -> None:
    found = await desk.suggest_claims(GUILD_A, text)
    assert len(found) == SEEDED_CLAIMS
    assert await desk.match_text(GUILD_A, text) == []
    # Offered while typing, but a submitted value with no number and no word names no claim.
    assert await desk.resolve_claim(GUILD_A, text) is None


@pytest.mark.parametrize("text", WORDY, ids=lambda t: repr(t[:40]))
async def test_hostile_text_is_searched_as_plain_words(desk: Desk, db_path: Path, text: str) -> None:
    page = await desk.search(GUILD_A, text)
    suggestions = await desk.suggest_claims(GUILD_A, text)
    matches = await desk.match_text(GUILD_A, text)
    speakers = await desk.suggest_speakers(GUILD_A, text)

    assert page.total >= len(page.items)
    assert len(page.items) <= 5
    assert len(suggestions) <= 25
    assert len(matches) <= 5
    assert len(speakers) <= 25
    assert scalar(db_path, "SELECT count(*) FROM claims") == SEEDED_CLAIMS
    assert scalar(db_path, "SELECT count(*) FROM history") == SEEDED_CLAIMS


@pytest.mark.parametrize("text", ['"troops', "troops*", "^troops", "statement:troops", "troops) OR (1=1"], ids=repr)
async def test_operators_around_a_word_still_find_that_word(desk: Desk, text: str) -> None:
    page = await desk.search(GUILD_A, text, limit=10)
    statements = {hit.summary.statement for hit in page.items}
    assert ZELENSKY_TROOPS in statements


async def test_sql_in_a_search_is_only_text(desk: Desk, db_path: Path) -> None:
    page = await desk.search(GUILD_A, '"; DROP TABLE claims; --')
    assert page.total == 0
    assert scalar(db_path, "SELECT count(*) FROM claims") == SEEDED_CLAIMS


async def test_search_works_on_a_database_whose_text_has_fts_syntax(desk: Desk) -> None:
    added = await desk.add_claim(GUILD_A, new_claim('He said "NEAR(x" AND (y) OR z* ^w col:val'), note="n", actor=ALICE)
    page = await desk.search(GUILD_A, "NEAR col:val")
    assert [hit.summary.number for hit in page.items] == [added.number]
    assert "\x02" in page.items[0].snippet


async def test_autocomplete_finds_troops_with_zelenskys_claim_first(desk: Desk) -> None:
    found = await desk.suggest_claims(GUILD_A, "troops")
    assert found[0].statement == ZELENSKY_TROOPS
    assert found[0].speaker_name == "Volodymyr Zelensky"
    assert found[0].number == 1


@pytest.mark.parametrize("text", ["#2", "2", " # 2 ", "#02"], ids=repr)
async def test_autocomplete_puts_the_claim_with_that_number_first(desk: Desk, text: str) -> None:
    found = await desk.suggest_claims(GUILD_A, text)
    assert found[0].number == 2
    assert found[0].statement.startswith("We know about 10,000 soldiers of North Korea")
    assert [s.number for s in found].count(2) == 1
    assert (await desk.resolve_claim(GUILD_A, text)).number == 2  # type: ignore[union-attr]


async def test_resolve_claim_of_a_number_that_does_not_exist_is_none(desk: Desk) -> None:
    assert await desk.resolve_claim(GUILD_A, "#999") is None
    assert await desk.resolve_claim(GUILD_A, "0") is None


async def test_autocomplete_never_returns_more_than_25(desk: Desk) -> None:
    for i in range(30):
        await desk.add_claim(GUILD_A, new_claim(f"Zebrafish report number {i}"), note="n", actor=ALICE)
    assert len(await desk.suggest_claims(GUILD_A, "zebrafish")) == 25
    assert len(await desk.suggest_claims(GUILD_A, "zebrafish", limit=100)) == 25
    assert len(await desk.suggest_claims(GUILD_A, "")) == 25
    assert len(await desk.suggest_speakers(GUILD_A, "", limit=100)) <= 25
    page = await desk.search(GUILD_A, "zebrafish", limit=5)
    assert (page.total, len(page.items), page.has_next) == (30, 5, True)
    last = await desk.search(GUILD_A, "zebrafish", offset=25, limit=5)
    assert (len(last.items), last.has_next) == (5, False)


async def test_search_ranks_and_filters(desk: Desk, db_path: Path) -> None:
    rutte = await desk.find_speaker(GUILD_A, "Rutte")
    page = await desk.search(GUILD_A, "North Korean soldiers", speaker_id=rutte.id)
    assert [hit.summary.speaker_name for hit in page.items] == ["Mark Rutte"]
    assert page.items[0].summary.number == number_of(db_path, GUILD_A, "rutte-no-evidence")


async def test_match_text_finds_the_claims_a_message_is_about(desk: Desk) -> None:
    found = await desk.match_text(GUILD_A, "Zelensky says 10,000 North Korean soldiers are coming to fight")
    assert found[0].number == 2
    assert await desk.match_text(GUILD_A, "the weather in Lisbon is lovely") == []


async def test_a_search_past_the_cap_lists_the_newest_and_says_there_are_more(desk: Desk) -> None:
    from bot.desk.finding import SEARCH_CAP

    for i in range(SEARCH_CAP + 20):
        await desk.add_claim(
            GUILD_A, new_claim(f"Kestrel sighting number {i} over the harbour."), note="n", actor=ALICE
        )
    newest = SEEDED_CLAIMS + SEARCH_CAP + 20
    first = await desk.search(GUILD_A, "kestrel")
    assert (first.total, first.more) == (SEARCH_CAP, True)
    assert [hit.summary.number for hit in first.items] == list(range(newest, newest - 5, -1))
    last = await desk.search(GUILD_A, "kestrel", offset=SEARCH_CAP - 5)
    assert [hit.summary.number for hit in last.items] == list(range(newest - SEARCH_CAP + 5, newest - SEARCH_CAP, -1))
    assert not last.has_next
    past = await desk.search(GUILD_A, "kestrel", offset=SEARCH_CAP)
    assert past.items == ()
    # At the cap or under it, the count is exact.
    exact = await desk.search(GUILD_A, "kestrel sighting number 7")
    assert exact.more is False
