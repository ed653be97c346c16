from __future__ import annotations

from bot.domain.states import Verdict
from bot.render.choices import claim_choice, short_name, speaker_choice, speaker_id_from_value, speaker_value
from tests.render.helpers import NASTY, assert_valid_choice, speaker, summary


def test_claim_choice_reads_number_surname_quote_and_verdict() -> None:
    choice = claim_choice(summary(7, "We know about 10,000 soldiers."))

    assert choice.name == '#7 · Zelensky: "We know about 10,000 soldiers." · disputed'
    assert choice.value == "7"


def test_paraphrase_choice_has_no_quotation_marks() -> None:
    choice = claim_choice(summary(3, "Troops are in Kursk", verbatim=False, verdict=Verdict.CONFIRMED))

    assert choice.name == "#3 · Zelensky: Troops are in Kursk · confirmed"


def test_long_statement_is_cut_inside_its_quotes_within_100_characters() -> None:
    choice = claim_choice(summary(12345, "word " * 400, verdict=Verdict.INVESTIGATING))

    assert_valid_choice(choice)
    assert '…" · investigating' in choice.name


def test_twenty_five_plus_autocomplete_choices_all_fit() -> None:
    choices = [
        claim_choice(summary(n, NASTY * 3, speaker_name="X" * 200 + " " + "Y" * 200, verdict=verdict))
        for n in range(1, 31)
        for verdict in Verdict
    ]
    for choice in choices:
        assert_valid_choice(choice)
        assert choice.name.endswith(choice.name.rsplit(" · ", 1)[1])


def test_short_name_uses_a_persons_surname_and_a_bodys_full_name() -> None:
    assert short_name("Volodymyr Zelensky") == "Zelensky"
    assert short_name("Martin Luther King Jr.") == "King"
    assert short_name("NATO") == "NATO"
    assert short_name("Ministry of Defence") == "Ministry of Defence"
    assert short_name("US State Department") == "US State Department"


def test_a_speakers_own_short_name_wins_over_the_last_word() -> None:
    from dataclasses import replace

    kim = replace(
        summary(9, "Mutual assistance if attacked.", verbatim=False, speaker_name="Kim Jong Un"), speaker_short="Kim"
    )
    assert short_name("Kim Jong Un") == "Un"  # what the default would say
    assert short_name("Kim Jong Un", "Kim") == "Kim"
    assert claim_choice(kim).name.startswith("#9 · Kim: ")
    assert short_name("Kim Jong Un", "@everyone") == "@\u200beveryone"


def test_speaker_choice_shows_the_claim_count() -> None:
    assert speaker_choice(speaker(claims=4)).name == "Volodymyr Zelensky (4 claims)"
    assert speaker_choice(speaker(claims=1)).name == "Volodymyr Zelensky (1 claim)"
    assert speaker_choice(speaker()).value == "Volodymyr Zelensky"


def test_speaker_with_a_name_over_100_characters_goes_by_id() -> None:
    long = speaker("A" * 150, speaker_id=42, claims=2)
    choice = speaker_choice(long)

    assert_valid_choice(choice)
    assert choice.value == "id:42"
    assert choice.name.endswith("… (2 claims)")
    assert speaker_id_from_value(choice.value) == 42


def test_a_name_that_reads_like_the_id_form_goes_by_id_too() -> None:
    assert speaker_value(speaker("id:7", speaker_id=3)) == "id:3"


def test_speaker_value_parser_treats_names_as_names() -> None:
    assert speaker_id_from_value("Volodymyr Zelensky") is None
    assert speaker_id_from_value("id:x") is None
    assert speaker_id_from_value(" id:5 ") == 5


def test_speaker_choice_with_nasty_name_is_valid() -> None:
    assert_valid_choice(speaker_choice(speaker(NASTY, claims=1000)))
