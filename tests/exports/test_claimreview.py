"""ClaimReview JSON-LD: every rule of the mapping, on every verdict and attribution."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.exports import DeskProfile
from bot.domain.states import Attribution, Verdict
from bot.exports import claimreview
from tests.exports.helpers import DESK, EXPECTED_RATINGS, STORY, check_claim_review, item, with_claim

LONG = (
    "North Korea has sent around 1,500 special forces troops to Russia's Far East for training and "
    "acclimatization, and will send more soon."
)


def reviews(items: list, desk: DeskProfile = DESK) -> tuple[list[dict], list[str]]:
    text, notes = claimreview.render(items, desk, "Server name")
    parsed = json.loads(text)
    assert isinstance(parsed, list)
    return parsed, notes


@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("attribution", list(Attribution))
def test_every_verdict_and_attribution_follows_the_mapping(verdict: Verdict, attribution: Attribution) -> None:
    source = item(verdict=verdict, attribution=attribution)
    found, _notes = reviews([source])
    if verdict in (Verdict.UNVERIFIED, Verdict.INVESTIGATING):
        assert found == []
        return
    (review,) = found
    check_claim_review(review, source, DESK)


def test_ratings_are_true_misleading_false_and_disputed_without_a_value() -> None:
    found, _ = reviews([item(n, verdict=v) for n, v in enumerate(EXPECTED_RATINGS, start=1)])
    got = {r["reviewRating"]["alternateName"]: r["reviewRating"].get("ratingValue") for r in found}
    assert got == {"True": 5, "Misleading": 2, "False": 1, "Disputed": None}


def test_claims_without_a_conclusion_are_left_out_and_counted() -> None:
    items = [
        item(1, verdict=Verdict.UNVERIFIED),
        item(2, verdict=Verdict.UNVERIFIED),
        item(3, verdict=Verdict.INVESTIGATING),
        item(4, verdict=Verdict.FALSE),
    ]
    found, notes = reviews(items)
    assert [r["url"] for r in found] == ["https://facts.example/desk#claim-4"]
    assert any("3 claims without a conclusion" in n and "2 unverified, 1 under investigation" in n for n in notes)


def test_a_long_statement_is_cut_under_75_characters_at_a_word() -> None:
    (review,), _ = reviews([item(statement=LONG)])
    text = review["claimReviewed"]
    assert len(text) < 75
    assert text.endswith("…")
    assert LONG.startswith(text[:-1])
    assert LONG[len(text) - 1] == " "  # cut between words


def test_a_short_statement_is_kept_whole_and_its_spaces_folded() -> None:
    (review,), _ = reviews([item(statement="  Russia   denies it.\n")])
    assert review["claimReviewed"] == "Russia denies it."


@pytest.mark.parametrize("when", ["week of 2024-10-14", "before 2024-10-17", "2024-10", ""])
def test_an_approximate_date_is_not_given_as_the_date_it_was_said(when: str) -> None:
    source = item(said_when=when)
    (review,), _ = reviews([source])
    assert "datePublished" not in review["itemReviewed"]
    check_claim_review(review, source, DESK)


def test_no_role_means_no_job_title() -> None:
    (review,), _ = reviews([item(role="")])
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Volodymyr Zelensky"}


def test_appearance_is_the_story_url_and_left_out_without_one() -> None:
    (with_url,), _ = reviews([item()])
    appearance = with_url["itemReviewed"]["appearance"][0]
    assert appearance["url"] == STORY.url
    assert appearance["headline"] == STORY.title
    (no_story, no_url), _ = reviews([item(1, story=None), item(2, story=replace(STORY, url=""))])
    assert "appearance" not in no_story["itemReviewed"]
    assert "appearance" not in no_url["itemReviewed"]


def test_review_date_is_when_the_verdict_was_reached() -> None:
    when = datetime(2024, 11, 2, 23, 59, tzinfo=UTC)
    (review,), _ = reviews([item(verdict_at=when)])
    assert review["datePublished"] == "2024-11-02"


def test_author_is_the_desk_with_its_url() -> None:
    (review,), notes = reviews([item()])
    assert review["author"] == {"@type": "Organization", "name": "Open Facts Desk", "url": "https://facts.example/desk"}
    assert review["url"] == "https://facts.example/desk#claim-1"
    assert not any("desk_url" in n or "desk_name" in n for n in notes)


def test_without_desk_url_there_are_no_url_fields_and_the_export_says_so() -> None:
    desk = DeskProfile("Open Facts Desk", "")
    source = item()
    (review,), notes = reviews([source], desk)
    check_claim_review(review, source, desk)
    assert "url" not in review
    assert "url" not in review["author"]
    assert any("desk_url is not set" in n and "/mod config desk_url:" in n for n in notes)


def test_without_desk_name_the_author_is_the_fallback_and_the_export_says_so() -> None:
    (review,), notes = reviews([item()], DeskProfile())
    assert review["author"] == {"@type": "Organization", "name": "Server name"}
    assert any("desk_name is not set" in n for n in notes)


def test_rationale_is_the_review_body() -> None:
    (review,), _ = reviews([item(rationale="Imagery shows troops at Sergeevka.")])
    assert review["reviewBody"] == "Imagery shows troops at Sergeevka."


def test_the_file_is_utf8_json_written_page_by_page() -> None:
    writer = claimreview.ClaimReviewWriter(DESK, "x")
    text = writer.start()
    text += writer.add([item(1, statement="Зеленський: «Ми знаємо»", verdict=Verdict.UNVERIFIED)])
    text += writer.add([item(2, statement="Зеленський: «Ми знаємо»")])
    text += writer.add([])
    text += writer.add([item(3, verdict=Verdict.DISPUTED)])
    text += writer.finish()
    found = json.loads(text.encode("utf-8"))
    assert [r["url"][-1] for r in found] == ["2", "3"]
    assert "«Ми знаємо»" in text  # not \u-escaped
    empty = claimreview.ClaimReviewWriter(DESK, "x")
    assert json.loads(empty.start() + empty.add([item(verdict=Verdict.UNVERIFIED)]) + empty.finish()) == []


def test_member_text_cannot_break_out_of_the_json() -> None:
    nasty = '"}], "@type": "Evil", "x": ["</script><script>alert(1)</script>\\'
    source = with_claim(item(), statement=nasty, rationale=nasty, role=nasty)
    (review,), _ = reviews([source])
    assert review["@type"] == "ClaimReview"
    assert review["reviewBody"] == nasty
    text, _ = claimreview.render([source], DESK, "x")
    assert "</script>" not in text  # safe to paste into a page's <script type="application/ld+json">
