from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain.names import normalise_name
from bot.domain.rules import (
    NOTE_MAX,
    STATEMENT_MAX,
    RuleBroken,
    check_note,
    check_short,
    check_source,
    check_statement,
    parse_claim_number,
    parse_verdict,
)
from bot.domain.states import Verdict


@pytest.mark.parametrize(("text", "number"), [("7", 7), ("#7", 7), (" # 7 ", 7), ("#02", 2), ("0", 0)])
def test_claim_numbers_with_or_without_hash(text: str, number: int) -> None:
    assert parse_claim_number(text) == number


@pytest.mark.parametrize("text", ["", "#", "troops", "7a", "-7", "1234567890", "٣", "²", "#7 troops"])
def test_anything_else_is_not_a_claim_number(text: str) -> None:
    assert parse_claim_number(text) is None


@pytest.mark.parametrize(("text", "verdict"), [("false", Verdict.FALSE), (" Confirmed ", Verdict.CONFIRMED)])
def test_verdicts_by_name(text: str, verdict: Verdict) -> None:
    assert parse_verdict(text) is verdict


def test_an_unknown_verdict_lists_the_choices() -> None:
    with pytest.raises(RuleBroken, match="misleading"):
        parse_verdict("fake news")


def test_a_note_is_required_and_bounded() -> None:
    assert check_note("  because NATO said so ") == "because NATO said so"
    with pytest.raises(RuleBroken, match="required"):
        check_note("   ")
    with pytest.raises(RuleBroken, match="1,000"):
        check_note("x" * (NOTE_MAX + 1))


@pytest.mark.parametrize("url", ["https://example.org/a", "HTTP://example.org", " https://x.y/z "])
def test_web_links_are_sources(url: str) -> None:
    assert check_source(url) == url.strip()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "example.org", "https://", "https://a b.org", "ftp://x.org"])
def test_other_sources_are_refused(url: str) -> None:
    with pytest.raises(RuleBroken):
        check_source(url)


def test_no_source_is_none() -> None:
    assert check_source("  ") is None
    assert check_source(None) is None


def test_statements_are_trimmed_and_bounded() -> None:
    assert check_statement("  said it \n") == "said it"
    with pytest.raises(RuleBroken):
        check_statement(" ")
    with pytest.raises(RuleBroken, match="4,000"):
        check_statement("x" * (STATEMENT_MAX + 1))


def test_short_fields_collapse_whitespace() -> None:
    assert check_short("venue", "  Brussels,\n  press   room ") == "Brussels, press room"
    with pytest.raises(RuleBroken, match="venue"):
        check_short("venue", "", required=True)


@pytest.mark.parametrize("check", [check_note, check_statement, lambda t: check_short("role", t)])
def test_nul_and_lone_surrogates_are_dropped_from_what_a_member_types(check: Callable[[str], str]) -> None:
    # PostgreSQL cannot store NUL and neither database a lone surrogate; a reader would see nothing.
    assert check("Seen\x00 in \ud800imagery") == "Seen in imagery"


def test_a_name_of_nul_and_surrogates_only_normalises_to_nothing() -> None:
    assert normalise_name("\x00\ud800") == ""
