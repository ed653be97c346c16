"""Claims to export, built as the store gives them, and the checks every ClaimReview must pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.claims import Actor, Change, Claim, Evidence, Speaker, Story
from bot.domain.exports import DeskProfile, ExportClaim, ExportRelation
from bot.domain.states import Attribution, Verdict

NOW = datetime(2024, 10, 20, 9, 30, tzinfo=UTC)
STORY = Story(
    slug="north-korea-troops-2024-10-17",
    title="North Korea to Send 10,000 Troops to Ukraine, Zelensky Warns",
    publisher="TIME / Bloomberg",
    url="https://time.com/7095089/north-korea-troops-ukraine-zelensky/",
    published=date(2024, 10, 17),
)
MOD = Actor(111111111111111111, "Mod Mary")


def item(
    number: int = 1,
    *,
    statement: str = "We know that North Korea is sending 10,000 soldiers.",
    verdict: Verdict = Verdict.CONFIRMED,
    attribution: Attribution = Attribution.ON_RECORD,
    speaker: str = "Volodymyr Zelensky",
    names: tuple[str, ...] = ("Zelenskiy", "Zelensky"),
    role: str = "President of Ukraine",
    venue: str = "Brussels, told reporters",
    said_when: str = "2024-10-17",
    story: Story | None = STORY,
    rationale: str = "Seen in satellite imagery.",
    evidence: tuple[Evidence, ...] = (),
    relations: tuple[ExportRelation, ...] = (),
    seed_key: str | None = None,
    verdict_at: datetime | None = None,
    verbatim: bool = True,
) -> ExportClaim:
    claim = Claim(
        id=number * 10,
        guild_id=42,
        number=number,
        statement=statement,
        verbatim=verbatim,
        speaker=Speaker(number * 100, speaker, short_name=""),
        role=role,
        venue=venue,
        said_when=said_when,
        story=story,
        attribution=attribution,
        verdict=verdict,
        rationale=rationale,
        revision=2,
        created_at=NOW - timedelta(days=3),
        updated_at=NOW,
        evidence=evidence,
    )
    first = Change(
        number * 1000,
        number,
        "verdict",
        None,
        "unverified",
        "Initial verdict.",
        None,
        Actor(0, "seed"),
        NOW - timedelta(days=3),
    )
    history = (first,)
    if verdict is not Verdict.UNVERIFIED:
        history += (
            Change(
                number * 1000 + 1,
                number,
                "verdict",
                "unverified",
                verdict.value,
                rationale,
                None,
                MOD,
                verdict_at or NOW - timedelta(days=1),
            ),
        )
    return ExportClaim(claim, names, seed_key, relations, history)


def with_claim(exported: ExportClaim, **changes: Any) -> ExportClaim:
    return replace(exported, claim=replace(exported.claim, **changes))


DESK = DeskProfile("Open Facts Desk", "https://facts.example/desk")

EXPECTED_RATINGS = {
    Verdict.CONFIRMED: ("True", 5),
    Verdict.MISLEADING: ("Misleading", 2),
    Verdict.FALSE: ("False", 1),
    Verdict.DISPUTED: ("Disputed", None),
}


def check_claim_review(review: dict[str, Any], source: ExportClaim, desk: DeskProfile) -> None:
    """Every rule of the README's mapping, for one ClaimReview and the claim it was made from."""
    claim = source.claim
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert claim.verdict in EXPECTED_RATINGS, "only claims with a conclusion are reviewed"
    reviewed = review["claimReviewed"]
    assert isinstance(reviewed, str)
    assert 0 < len(reviewed) < 75
    assert reviewed.rstrip("…") in " ".join(claim.statement.split())
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    if claim.attribution in (Attribution.ANONYMOUS_SOURCES, Attribution.DISPUTED_QUOTE):
        assert "author" not in item
    else:
        author = item["author"]
        assert author["@type"] == "Person"
        assert author["name"] == claim.speaker.name
        assert author.get("jobTitle") == (claim.role or None)
    if len(claim.said_when) == 10 and claim.said_when[4] == "-":
        assert item["datePublished"] == claim.said_when
    else:
        assert "datePublished" not in item
    if claim.story is not None and claim.story.url:
        (appearance,) = item["appearance"]
        assert appearance["url"] == claim.story.url
    else:
        assert "appearance" not in item
    rating = review["reviewRating"]
    name, value = EXPECTED_RATINGS[claim.verdict]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] == name
    assert rating["bestRating"] == 5
    assert rating["worstRating"] == 1
    if value is None:
        assert "ratingValue" not in rating
    else:
        assert rating["ratingValue"] == value
        assert rating["worstRating"] <= value <= rating["bestRating"]
    author = review["author"]
    assert author["@type"] == "Organization"
    assert author["name"]
    if desk.name:
        assert author["name"] == desk.name
    if desk.url:
        assert author["url"] == desk.url
        assert review["url"].startswith(desk.url)
        assert review["url"].endswith(f"#claim-{claim.number}")
    else:
        assert "url" not in author
        assert "url" not in review
    date.fromisoformat(review["datePublished"])
