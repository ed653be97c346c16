from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.claims import MATCH_END, MATCH_START
from bot.render.text import ELLIPSIS, _escaped, clip, escape, fit, highlight, link, plain, safe_url
from tests.render.helpers import NASTY, assert_safe_text


def test_escaped_nasty_text_has_no_pings_controls_or_live_markdown() -> None:
    text = escape(NASTY)

    assert_safe_text(text)
    assert "\\*\\*bold\\*\\*" in text
    assert "\\|\\|spoiler\\|\\|" in text
    assert "\\[click\\]" in text


def test_escape_keeps_the_words_a_reader_should_see() -> None:
    text = escape("Troops near <@123456789012345678>: @everyone knows")

    visible = text.replace("\u200b", "")
    assert visible == "Troops near <@123456789012345678>: @everyone knows"


@pytest.mark.parametrize("line", ["# heading", "> quote", ">>> quote", "-# small", "- item", "1. item"])
def test_block_markdown_at_line_start_is_escaped(line: str) -> None:
    assert escape(f"first\n{line}").split("\n")[1].startswith(("\\", "1\\."))


def test_links_stay_clickable_when_escaped() -> None:
    text = escape("see https://example.com/a_b_c?x=1 and _this_")

    assert "https://example.com/a_b_c?x=1" in text
    assert "\\_this\\_" in text


def test_bidi_override_and_zero_width_characters_are_removed() -> None:
    assert escape("a\u202eb\u2066c\u200bd\ufeffe") == "abcde"


def test_control_characters_are_stripped_but_newlines_kept() -> None:
    assert escape("a\x00b\x07c\nd\x1b") == "abc\nd"


def test_zalgo_marks_are_limited() -> None:
    text = escape("Z" + "\u0301" * 50 + "algo")

    assert len(text) <= len("Zalgo") + 3


def test_inline_escape_folds_newlines_and_blank_runs() -> None:
    assert escape("one\n\n\n\ntwo", inline=True) == "one two"
    assert escape("one\n\n\n\ntwo") == "one\n\ntwo"


def test_plain_text_is_not_backslash_escaped_but_mentions_are_broken() -> None:
    text = plain("**Rutte** @here")

    assert text.startswith("**Rutte**")
    assert_safe_text(text.replace("**", ""))


def test_clip_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    assert clip("the quick brown fox jumps", 16) == "the quick brown…"


def test_clip_never_leaves_a_dangling_backslash() -> None:
    escaped = escape("a" * 9 + "*" * 20)  # a…a\*\*\* - any cut may fall between "\" and "*"
    for limit in range(5, len(escaped)):
        clipped = clip(escaped, limit)
        assert len(clipped) <= limit
        body = clipped.removesuffix(ELLIPSIS)
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0, clipped


def test_clip_leaves_short_text_alone() -> None:
    assert clip("short", 5) == "short"


@pytest.mark.parametrize("limit", [0, 1, 2, 10, 100])
def test_fit_never_exceeds_its_limit_after_escaping(limit: int) -> None:
    assert len(fit("*" * 500, limit)) <= limit
    assert len(fit(NASTY * 10, limit)) <= limit


def test_highlight_bolds_matches_and_escapes_the_rest() -> None:
    snippet = f"the **real** {MATCH_START}army{MATCH_END} said {MATCH_START}10,000{MATCH_END}"

    assert highlight(snippet) == "the \\*\\*real\\*\\* **army** said **10,000**"


def test_highlight_markdown_inside_a_match_cannot_break_the_bold() -> None:
    text = highlight(f"{MATCH_START}**@everyone**{MATCH_END}")

    assert text.startswith("**\\*\\*")
    assert text.endswith("\\*\\***")
    assert_safe_text(text)


def test_highlight_with_a_limit_keeps_bold_markers_paired() -> None:
    snippet = " ".join(f"{MATCH_START}word{index}{MATCH_END} filler" for index in range(100))
    for limit in (5, 11, 17, 40, 99):
        text = highlight(snippet, limit)
        assert len(text) <= limit
        assert_safe_text(text)


def test_highlight_tolerates_unbalanced_markers() -> None:
    assert highlight(f"a {MATCH_END}b {MATCH_START}c") == "a b **c**"


def test_safe_url_refuses_other_schemes_and_encodes_link_breakers() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://example.com") is None
    assert safe_url("https://example.com/a(b)") == "https://example.com/a%28b%29"


def test_link_masks_a_safe_url_and_falls_back_to_the_label() -> None:
    assert link("the *report*", "https://example.com", 50) == "[the \\*report\\*](https://example.com)"
    assert link("the report", "javascript:x", 50) == "the report"


_TRICKY = st.sampled_from(
    [
        "*",
        "_",
        "~",
        "|",
        "`",
        "\\",
        "<@",
        "<#",
        "@everyone",
        "@here",
        "[",
        "]",
        "(",
        ")",
        "#",
        ">",
        "-",
        "1.",
        "\n",
        " ",
        "\u202e",
        "\u200b",
        "\x00",
        "\u0301",
        "https://e.com/a_b",
        MATCH_START,
        MATCH_END,
        "a",
        "word",
    ]
)
_TEXT = st.lists(_TRICKY | st.text(max_size=5), max_size=60).map("".join)


@given(text=_TEXT, limit=st.integers(min_value=0, max_value=300))
def test_any_member_text_fits_its_limit_and_stays_safe(text: str, limit: int) -> None:
    for inline in (False, True):
        fitted = fit(text, limit, inline=inline)
        assert len(fitted) <= limit
        assert_safe_text(fitted)


@given(snippet=_TEXT, limit=st.integers(min_value=0, max_value=300))
def test_any_snippet_highlights_within_its_limit_with_paired_bold(snippet: str, limit: int) -> None:
    text = highlight(snippet, limit)

    assert len(text) <= limit
    assert_safe_text(text)


def test_unicode_line_separators_are_new_lines_for_escaping() -> None:
    assert escape("a\u2028# b\r\n> c") == "a\n\\# b\n\\> c"


# Plain words and everything escaping acts on, so the fast path for plain text meets every edge of it.
_ESCAPE_ALPHABET = st.sampled_from(
    [*"aZ09 ,.;:!?'\"%$&()=/#+>-éÿ…“’—", *"\n\t\r*_~|`[]\\<@\u0301\u202e\x07\x85\u2028×", "http://x.y", "1. "]
)


@given(st.lists(_ESCAPE_ALPHABET, max_size=24).map("".join), st.booleans())
def test_escape_gives_plain_text_what_the_full_escaping_gives_it(text: str, inline: bool) -> None:
    assert escape(text, inline=inline) == _escaped(text, inline=inline)
