"""The one analyser: what a word, a number, a date and a name become, for the index and for a query alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import text
from bot.domain.text import Aliases, ClaimText, content_groups, index_terms, prefix_groups, words

NORTH_KOREA = Aliases.build([("North Korea", "DPRK"), ("North Korea", "Pyongyang"), ("North Korea", "North Korean")])


@pytest.mark.parametrize(
    "written", ["10,000", "10000", "10 000", "10k", "10K", "ten thousand", "10 thousand", "10\u00a0000"]
)
def test_a_number_in_any_writing_is_one_term(written: str) -> None:
    assert words(f"{written} troops") == ["10000", "troop"]


@pytest.mark.parametrize("written", ["1.28 million", "1.28m", "1,280,000", "1280000"])
def test_millions_with_a_fraction_are_the_same_number(written: str) -> None:
    assert words(written) == ["1280000"]


def test_a_fraction_without_a_multiplier_keeps_its_decimals_apart_from_the_whole_number() -> None:
    assert words("1.28") != words("128")
    assert words("2.50") == words("2.5")


def test_an_iso_date_is_its_year_and_month() -> None:
    assert words("2024-06-19") == ["2024", "june"]
    assert words("week of 2024-10-14") == ["week", "2024", "octob"]
    assert set(words("June")) == set(words("2024-06")) - {"2024"}
    assert words("Oct") == words("October")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("deny", "denied"),
        ("denies", "denial"),
        ("evaluating", "evaluated"),
        ("freezing", "frozen"),
        ("fight", "fighting"),
        ("sent", "sending"),
        ("concessions", "concede"),
        ("defence", "defense"),
        ("Zelénskyy", "ZELENSKYY"),
        ("territory", "territorial"),
    ],
)
def test_forms_of_a_word_are_one_term(one: str, other: str) -> None:
    assert words(one) == words(other)


def test_stop_words_and_chat_filler_are_never_terms() -> None:
    assert words("is it true that the, like, legit?") == []
    assert words("did they really say so lol") == []


def test_us_in_capitals_is_the_country_and_in_lower_case_a_stop_word() -> None:
    assert words("the US says") == words("the U.S. says") == words("USA") == ["usa"]
    assert words("they fight against us") == ["fight"]


def test_an_alias_adds_its_entitys_term_in_a_claim_and_in_a_query() -> None:
    claim = ClaimText("North Korean soldiers are fighting in Ukraine.", ("Ukrainian officials",))
    assert "northkorea" in index_terms(claim, NORTH_KOREA)
    assert ("dprk", "northkorea") in content_groups("Are DPRK soldiers fighting?", NORTH_KOREA)
    # A name of several words is one group: its entity.
    assert content_groups("North Korea sent troops", NORTH_KOREA) == [("northkorea",), ("send",), ("troop",)]


def test_the_thesaurus_finds_soldiers_by_troops_for_every_guild() -> None:
    assert "troop" in index_terms(ClaimText("10,000 soldiers of North Korea"))
    assert ("soldier", "troop") in content_groups("soldiers")


def test_a_word_typed_halfway_begins_its_written_form_when_its_stem_is_shorter() -> None:
    assert prefix_groups("evaluat") == [("evaluat",)]
    assert "evaluated" in index_terms(ClaimText("Reports are still being evaluated."))
    assert prefix_groups("deny") == [("deni", "deny")]


def test_a_long_query_stays_bounded() -> None:
    typed = " ".join(f"word{n}" for n in range(100))
    assert len(prefix_groups(typed)) == text.MAX_TERMS
    assert len(content_groups(typed)) == 2 * text.MAX_TERMS
    assert all(len(t) <= text.MAX_TERM_LENGTH for g in prefix_groups("x" * 500) for t in g)


def test_a_name_claimed_by_two_entities_keeps_the_first() -> None:
    aliases = Aliases.build([("North Korea", "Pyongyang"), ("South Korea", "Pyongyang")])
    assert aliases.by_words[("pyongyang",)] == "northkorea"


@pytest.mark.parametrize(
    "written",
    [
        "North Korea has not sent artillery shells or ballistic missiles to Russia.",
        "Pyongyang says it never sent shells",
        "north korea denies sending shells",
        "DPRK denied supplying artillery shells to Moscow",
        "no shells were sent to russia",
        "north korea hasn't sent any missiles",
        "north korea hasn’t sent any missiles",  # a typographic apostrophe
        "north korea didnt send anything",
        "Moscow rejects the reports",
        'Reports of North Korean troop deployment are "one more fake".',
        "it is false that Kim sent shells",
    ],
)
def test_a_sentence_that_denies_is_negated(written: str) -> None:
    assert text.negated(written)


@pytest.mark.parametrize(
    "written",
    [
        "Kim has sent artillery shells and ballistic missiles to Russia to aid the Kremlin.",
        "North Korea has sent artillery shells to Russia",
        "is it true that north korea is sending 10k troops to ukraine?",
        "Kurt Campbell sees increased material support",
        "Ukraine won the battle",  # "won" is not "won't"
        "North Korea",  # "no" begins "North" but is not it
    ],
)
def test_a_sentence_that_asserts_is_not_negated(written: str) -> None:
    assert not text.negated(written)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_text_read_as_words_alone_is_read_as_the_full_tokenizer_reads_it(written: str) -> None:
    # tokens() takes a shorter way for text without digits or dotted letters; it must find the same.
    assert text.tokens(written) == text._all_tokens(written)


@pytest.mark.parametrize(
    "written",
    ["U.S. troops", "u.s.a. aid", "Ten thousand troops", "US and us", "DPRK's ministry", "Zelénskyy said ǅ ﬃ"],
)
def test_words_alone_and_the_full_tokenizer_agree_on_the_hard_cases(written: str) -> None:
    plain = written.replace(".", " ")
    assert text.tokens(written) == text._all_tokens(written)
    assert text.tokens(plain) == text._all_tokens(plain)


@pytest.mark.parametrize(
    ("written", "limit", "kept"),
    [
        ("drone sighting number", 18, "drone sighting "),  # "numb" would be a word no claim has
        ("drone sighting number", 15, "drone sighting "),
        ("drone sighting number", 14, "drone sighting"),
        ("drone sighting number", 40, "drone sighting number"),
        ("drone, sighting", 6, "drone,"),
        ("Zelénskyy", 4, "Zelé"),  # one word longer than the limit: kept, cut
    ],
)
def test_text_is_cut_between_words(written: str, limit: int, kept: str) -> None:
    assert text.cut_at_word(written, limit) == kept
