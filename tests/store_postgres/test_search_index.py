"""The tsvector index holds exactly the analyser's terms, and its queries find what a hand count finds."""

from __future__ import annotations

import asyncpg
import pytest

from bot.domain import text
from bot.domain.matching import decode_profile, encode_profile
from bot.domain.states import Verdict
from bot.domain.text import ClaimText, index_terms, prefix_groups
from bot.store.base import ClaimFields, Filters, SpeakerNames
from bot.store.postgres import PostgresStore
from bot.store.postgres.search import guild_lexeme
from tests.store_postgres.conftest import AT, GUILD_A, GUILD_B, add_claim

STATEMENTS = [
    # (statement, speaker, role)
    ("North Korea sent 10,000 troops to Russia", "Volodymyr Zelensky", "President of Ukraine"),
    ("Troops from Korea were seen in Kursk", "Kyrylo Budanov", "Head of intelligence"),
    ("The Kremlin called the report a fake", "Dmitry Peskov", "Kremlin spokesman"),
    ("Pyongyang's soldiers are training in the east", "Kim Yong Hyun", "Defence minister"),
    ("Zelensky's claim about troop numbers is unverified", "Mark Rutte", "NATO Secretary General"),
    ("Café owners near the base reported convoys", "Ada Quillfeather", ""),
]


@pytest.fixture
async def claims(store: PostgresStore) -> list[int]:
    """The claims' ids in STATEMENTS' order, in guild A; guild B holds the first three again."""
    async with store.transaction() as tx:
        await tx.create_guilds([GUILD_A], AT)
        await tx.create_guilds([GUILD_B], AT)
    ids = [(await add_claim(store, GUILD_A, s, speaker, role=role))[0] for s, speaker, role in STATEMENTS]
    for s, speaker, role in STATEMENTS[:3]:
        await add_claim(store, GUILD_B, s, speaker, role=role)
    return ids


def _by_hand(ids: list[int], wanted: list[int]) -> list[int]:
    """Claims (indexes into STATEMENTS) as the store returns them: highest id first."""
    return sorted((ids[n] for n in wanted), reverse=True)


async def test_a_claims_lexemes_are_exactly_the_analysers_terms_and_the_marked_ones(
    store: PostgresStore, raw: asyncpg.Connection, claims: list[int]
) -> None:
    for claim_id, (statement, speaker, role) in zip(claims, STATEMENTS, strict=True):
        stored = await raw.fetchval("SELECT tsvector_to_array(terms) FROM claim_terms WHERE claim_id = $1", claim_id)
        terms = index_terms(ClaimText(statement, (speaker,), role))
        assert sorted(t for t in stored if not t.startswith(("@", "^"))) == sorted(terms)
        assert guild_lexeme(GUILD_A) in stored
        assert {t for t in stored if t.startswith("^")} == {
            "^" + t[:n] for t in terms for n in (1, 2, 3) if len(t) >= n
        }


def _with_prefix(prefix: str) -> list[int]:
    """STATEMENTS' claims with a term beginning with `prefix`, worked out from the analyser alone."""
    return [
        n for n, (statement, speaker, role) in enumerate(STATEMENTS)
        if any(term.startswith(prefix) for term in index_terms(ClaimText(statement, (speaker,), role)))
    ]  # fmt: skip


@pytest.mark.parametrize("prefix", ["t", "tr", "tro", "troo", "k", "ko", "kre", "z", "1", "10", "000", "e", "é", "x"])
async def test_short_and_long_prefixes_find_exactly_the_claims_with_a_term_beginning_so(
    store: PostgresStore, claims: list[int], prefix: str
) -> None:
    expected = _with_prefix(prefix)
    assert await store.claims_with_prefixes(GUILD_A, [[prefix]], Filters(), 50) == _by_hand(claims, expected)
    both = [n for n in expected if n in _with_prefix("re")]
    assert await store.claims_with_prefixes(GUILD_A, [[prefix], ["re"]], Filters(), 50) == _by_hand(claims, both)
    either = sorted(set(expected) | set(_with_prefix("caf")))
    assert await store.claims_with_prefixes(GUILD_A, [[prefix, "caf"]], Filters(), 50) == _by_hand(claims, either)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("troo", [0, 1, 3, 4]),  # troops, troops, soldiers (the thesaurus adds "troop"), troop
        ("troops", [0, 1, 3, 4]),  # its stem, "troop", begins them all
        ("korea", [0, 1]),
        ("troo korea", [0, 1]),
        ("kreml", [2]),  # the statement and the role
        ("zel", [0, 4]),  # a speaker's name, a statement's word
        ("10", [0]),  # "10,000" is one term, 10000
        ("000", []),
        ("pyongyang", [3]),  # an apostrophe splits: pyongyang, s
        ("cafe", [5]),  # accents folded
        ("CAFÉ", [5]),
        ("nato secretary", [4]),
        ("head intel", [1]),
        ("troops kremlin", []),
        ("nothing", []),
    ],
)
async def test_prefix_queries_find_the_claims_counted_by_hand(
    store: PostgresStore, claims: list[int], typed: str, expected: list[int]
) -> None:
    found = await store.claims_with_prefixes(GUILD_A, prefix_groups(typed), Filters(), 50)
    assert found == _by_hand(claims, expected)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (["troops"], [0, 1]),
        (["troop"], [0, 1, 3, 4]),  # the stem, which "troops" and "soldiers" have too
        (["troo"], []),  # exact: not a prefix
        (["troops", "kremlin"], [0, 1, 2]),
        (["fake", "cafe", "nato"], [2, 4, 5]),
        (["zelensky"], [0, 4]),
        (["nothing", "else"], []),
    ],
)
async def test_any_term_queries_find_the_claims_counted_by_hand(
    store: PostgresStore, claims: list[int], terms: list[str], expected: list[int]
) -> None:
    assert await store.claims_with_terms(GUILD_A, terms, Filters(), 50) == _by_hand(claims, expected)


async def test_limits_and_filters_narrow_a_match(store: PostgresStore, claims: list[int]) -> None:
    assert await store.claims_with_prefixes(GUILD_A, [["troo"]], Filters(), 2) == _by_hand(claims, [3, 4])
    async with store.transaction() as tx:
        assert await tx.update_claim(claims[1], 1, ClaimFields(verdict=Verdict.CONFIRMED), at=AT, moderated=True)
    confirmed = Filters(verdict=Verdict.CONFIRMED)
    assert await store.claims_with_prefixes(GUILD_A, [["troo"]], confirmed, 50) == [claims[1]]
    assert await store.claims_with_terms(GUILD_A, ["troops", "kremlin"], confirmed, 50) == [claims[1]]
    rutte = await store.speaker_id_by_name(GUILD_A, "mark rutte")
    assert await store.claims_with_prefixes(GUILD_A, [["troo"]], Filters(speaker_id=rutte), 50) == [claims[4]]
    both = Filters(verdict=Verdict.CONFIRMED, speaker_id=rutte)
    assert await store.claims_with_prefixes(GUILD_A, [["troo"]], both, 50) == []
    assert await store.claims_with_prefixes(GUILD_A, [["troo"]], Filters(), 0) == []
    assert await store.claims_with_prefixes(GUILD_A, [["troo"]], Filters(), -1) == []


async def test_a_match_stays_in_its_guild(store: PostgresStore, claims: list[int]) -> None:
    b_ids = await store.claims_with_prefixes(GUILD_B, [["troo"]], Filters(), 50)
    assert len(b_ids) == 2
    assert not set(b_ids) & set(claims)
    # A claim whose text holds the other guild's number, or its lexeme, is still only its own guild's.
    forged, _n = await add_claim(store, GUILD_A, f"troops g{GUILD_B} {guild_lexeme(GUILD_B)}")
    assert forged not in await store.claims_with_prefixes(GUILD_B, [["troo"]], Filters(), 50)
    assert forged in await store.claims_with_prefixes(GUILD_A, [[f"g{GUILD_B}"]], Filters(), 50)
    assert await store.claims_with_prefixes(GUILD_A, [[f"g{GUILD_B}"[:3]]], Filters(), 50) == [forged]
    # No typed prefix reaches the guild's own lexeme.
    for prefix in ("@", "@g", guild_lexeme(GUILD_A), f"g{GUILD_A}"[:4], f"g{GUILD_A}", "^", "^t", "^tro", "^troo"):
        assert await store.claims_with_prefixes(GUILD_A, [[prefix]], Filters(), 50) == [], prefix
    assert await store.claims_with_terms(GUILD_A, [guild_lexeme(GUILD_A)], Filters(), 50) == []
    assert await store.claims_with_terms(GUILD_A, ["^t", "^tro"], Filters(), 50) == []
    indexed = await store.indexed(GUILD_B, claims)
    assert indexed == []


async def test_indexed_gives_the_profile_ranking_needs_for_the_guilds_claims_only(
    store: PostgresStore, claims: list[int]
) -> None:
    async with store.transaction() as tx:
        await tx.speaker_ids(GUILD_A, [SpeakerNames("Volodymyr Zelensky", ("Zelenskyy", "Зеленський"))])
    found = await store.indexed(GUILD_A, [claims[0], claims[2], 10**30])
    assert [c.id for c in found] == [claims[2], claims[0]]
    zelensky = found[1]
    [shown] = await store.summaries(GUILD_A, [zelensky.id])
    assert (shown.number, shown.statement) == (zelensky.number, STATEMENTS[0][0])
    # The profile of the claim as it is now: the name added after it was written is in it.
    statement, _speaker, role = STATEMENTS[0]
    now = ClaimText(statement, ("Volodymyr Zelensky", "Zelenskyy", "Зеленський"), role)
    assert zelensky.profile == encode_profile(now, text.aliases(()))
    assert decode_profile(zelensky.profile).exact("zelenskyy") == (1.0, 1.0, True)  # a name of the speaker


async def test_a_new_name_of_a_speaker_finds_its_older_claims(store: PostgresStore, claims: list[int]) -> None:
    assert await store.claims_with_terms(GUILD_A, ["zelenskyy"], Filters(), 50) == []
    async with store.transaction() as tx:
        await tx.speaker_ids(GUILD_A, [SpeakerNames("Volodymyr Zelensky", ("Zelenskyy",))])
        # The transaction sees its own re-indexing.
        assert await tx.claims_with_terms(GUILD_A, ["zelenskyy"], Filters(), 50) == [claims[0]]
    assert await store.claims_with_terms(GUILD_A, ["zelenskyy"], Filters(), 50) == [claims[0]]
    assert await store.claims_with_terms(GUILD_B, ["zelenskyy"], Filters(), 50) == []


async def test_a_changed_statement_role_or_speaker_is_found_by_its_new_words_only(
    store: PostgresStore, claims: list[int]
) -> None:
    async with store.transaction() as tx:
        (vole,) = await tx.speaker_ids(GUILD_A, [SpeakerNames("Bertram Vole")])
        fields = ClaimFields(statement="Ships left the harbour", role="Harbourmaster", speaker_id=vole)
        assert await tx.update_claim(claims[0], 1, fields, at=AT, moderated=True)
        assert await tx.update_claim(claims[1], 1, ClaimFields(rationale="no text change"), at=AT, moderated=True)
    assert claims[0] not in await store.claims_with_terms(GUILD_A, ["troops", "zelensky", "ukraine"], Filters(), 50)
    for word in ("ships", "harbourmaster", "vole"):
        assert await store.claims_with_terms(GUILD_A, [word], Filters(), 50) == [claims[0]]
    assert claims[1] in await store.claims_with_terms(GUILD_A, ["troops"], Filters(), 50)


HOSTILE = [
    "'",
    "''",
    "\\",
    "\\'",
    "a'b",
    "it's",
    "&",
    "|",
    "!",
    "(",
    ")",
    ":",
    "*",
    ":*",
    "a & b",
    "troops | kremlin",
    "!troops",
    "(troops",
    "troops:*",
    "troops:A",
    "<->",
    "' | '",
    "'; DROP TABLE claims; --",
    "$1",
    "%",
    "_",
    "\x00",
    "troops\x00",
    "\ud800",
    "\u200b",
    "\u202e",
    "x" * 2047,
    "x" * 2048,
    "é" * 1500,
    "troops" * 1000,
    " ",
    "",
    "@",
    "@g",
]


async def test_hostile_strings_as_terms_give_no_database_error(store: PostgresStore, claims: list[int]) -> None:
    for hostile in HOSTILE:
        for filters in (Filters(), Filters(verdict=Verdict.UNVERIFIED)):
            for prefixes in ([[hostile]], [[hostile], ["troo"]], [["troo"], [hostile]], [["troo", hostile]]):
                found = await store.claims_with_prefixes(GUILD_A, prefixes, filters, 50)
                assert set(found) <= set(claims), hostile
            for terms in ([hostile], [hostile, "troops"]):
                found = await store.claims_with_terms(GUILD_A, terms, filters, 50)
                assert set(found) <= set(claims), hostile
        # Alongside a real term a hostile one adds nothing it does not name itself.
        found = await store.claims_with_terms(GUILD_A, [hostile, "troops"], Filters(), 50)
        assert found == _by_hand(claims, [0, 1]), hostile
        async with store.transaction() as tx:  # and inside a transaction, which an error would abort
            assert set(await tx.claims_with_prefixes(GUILD_A, [[hostile]], Filters(), 50)) <= set(claims)
            assert set(await tx.claims_with_terms(GUILD_A, [hostile], Filters(), 50)) <= set(claims)


async def test_many_terms_at_once(store: PostgresStore, claims: list[int]) -> None:
    terms = [f"w{n}" for n in range(5_000)] + ["kremlin"]
    assert await store.claims_with_terms(GUILD_A, terms, Filters(), 50) == [claims[2]]
    assert await store.claims_with_prefixes(GUILD_A, [[t] for t in terms], Filters(), 50) == []
    assert await store.claims_with_prefixes(GUILD_A, [terms], Filters(), 50) == [claims[2]]


async def test_a_claim_with_hostile_text_is_indexed_by_its_words(store: PostgresStore, claims: list[int]) -> None:
    statement = "It's 'quoted' \\ back\\slash & | ! ( ) : * <-> " + "long" * 30 + " " + "z" * 5000
    claim_id, _n = await add_claim(store, GUILD_A, statement)
    words = [["quoted"], ["back"], ["slash"]]  # "it" and "s" are stop words: no terms
    assert await store.claims_with_prefixes(GUILD_A, words, Filters(), 50) == [claim_id]
    assert await store.claims_with_prefixes(GUILD_A, [["longlong"], ["zzz"]], Filters(), 50) == [claim_id]
