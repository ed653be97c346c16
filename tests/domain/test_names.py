from __future__ import annotations

import pytest

from bot.domain.names import normalise_name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Volodymyr Zelensky", "volodymyr zelensky"),
        ("  ZELENSKIY\t", "zelenskiy"),
        ("José Ramos-Horta", "jose ramos-horta"),
        ("Jose\u0301 Ramos-Horta", "jose ramos-horta"),  # decomposed accent
        ("Rütte", "rutte"),
        ("Kim  Jong\nUn", "kim jong un"),
        ("Straße", "strasse"),  # casefold, not lower
        ("ﬁnn", "finn"),  # NFKD folds the ligature
        ("", ""),
    ],
)
def test_names_match_whatever_the_case_accents_and_spacing(name: str, key: str) -> None:
    assert normalise_name(name) == key


def test_lone_surrogates_are_dropped_so_the_key_can_be_stored() -> None:
    assert normalise_name("Zel\ud800ensky") == "zelensky"
    assert normalise_name("\udfff") == ""
    normalise_name("Zel\ud800ensky").encode("utf-8")
