"""ClaimReview JSON-LD (https://schema.org/ClaimReview) for the claims the desk has a conclusion on.

The file is a JSON array of ClaimReview objects, each with its own "@context", so that each can be
published (or pasted into a page's <script type="application/ld+json">) on its own. The mapping is
the README's "Exports" table; tests/exports/test_claimreview.py checks every rule of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.domain.exports import DeskProfile, ExportClaim
from bot.domain.states import Attribution, Verdict
from bot.domain.when import parse_when

CONTEXT = "https://schema.org"
CLAIM_REVIEWED_MAX = 74  # "under 75 characters" (what fact-check tools show of it)
BEST_RATING, WORST_RATING = 5, 1


@dataclass(frozen=True, slots=True)
class Rating:
    name: str  # reviewRating.alternateName
    value: int | None  # reviewRating.ratingValue; None when the scale does not apply (disputed)


# Only claims with a conclusion are reviewed; the rest are counted in a note.
RATINGS: dict[Verdict, Rating] = {
    Verdict.CONFIRMED: Rating("True", 5),
    Verdict.MISLEADING: Rating("Misleading", 2),
    Verdict.FALSE: Rating("False", 1),
    Verdict.DISPUTED: Rating("Disputed", None),
}
# Who said it is not given as the claim's author when the desk does not know it was them.
AUTHOR_UNKNOWN = frozenset({Attribution.ANONYMOUS_SOURCES, Attribution.DISPUTED_QUOTE})


def short_claim(statement: str) -> str:
    """The statement in under 75 characters: cut at a word, with an ellipsis, when it is longer."""
    text = " ".join(statement.split())
    if len(text) <= CLAIM_REVIEWED_MAX:
        return text
    cut = text[: CLAIM_REVIEWED_MAX - 1]
    if " " in cut[CLAIM_REVIEWED_MAX // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def exact_day(said_when: str) -> str | None:
    """The ISO day a claim was said on, only when the desk knows the exact day."""
    if not said_when:
        return None
    try:
        when = parse_when(said_when)
    except ValueError:
        return None
    return None if when.approximate else when.sorts_on.isoformat()


def review_url(desk: DeskProfile, number: int) -> str:
    return f"{desk.url.split('#', 1)[0]}#claim-{number}"


def claim_review(item: ExportClaim, desk: DeskProfile, author_name: str) -> dict[str, Any] | None:
    """One ClaimReview, or None for a claim without a conclusion (unverified, investigating)."""
    claim = item.claim
    rating = RATINGS.get(claim.verdict)
    if rating is None:
        return None
    reviewed: dict[str, Any] = {"@type": "Claim"}
    if claim.attribution not in AUTHOR_UNKNOWN:
        speaker: dict[str, Any] = {"@type": "Person", "name": claim.speaker.name}
        if claim.role:
            speaker["jobTitle"] = claim.role
        reviewed["author"] = speaker
    said = exact_day(claim.said_when)
    if said:
        reviewed["datePublished"] = said
    story = claim.story
    if story is not None and story.url:
        reviewed["appearance"] = [
            {
                "@type": "CreativeWork",
                "url": story.url,
                "headline": story.title,
                "datePublished": story.published.isoformat(),
                "publisher": {"@type": "Organization", "name": story.publisher},
            }
        ]
    review_rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating.name}
    if rating.value is not None:
        review_rating["ratingValue"] = rating.value
    review_rating |= {"bestRating": BEST_RATING, "worstRating": WORST_RATING}
    author: dict[str, Any] = {"@type": "Organization", "name": desk.name or author_name}
    if desk.url:
        author["url"] = desk.url
    change = item.verdict_change
    published = (change.at if change else claim.updated_at).date().isoformat()
    review: dict[str, Any] = {"@context": CONTEXT, "@type": "ClaimReview"}
    if desk.url:
        review["url"] = review_url(desk, claim.number)
    review |= {
        "claimReviewed": short_claim(claim.statement),
        "itemReviewed": reviewed,
        "reviewRating": review_rating,
        "author": author,
        "datePublished": published,
    }
    if claim.rationale:
        review["reviewBody"] = claim.rationale
    return review


class ClaimReviewWriter:
    """Writes the array a page at a time: start(), then add() for each page, then finish()."""

    def __init__(self, desk: DeskProfile, author_name: str) -> None:
        self.desk = desk
        self.author_name = author_name
        self.written = 0
        self.left_out: dict[Verdict, int] = {}

    def start(self) -> str:
        return "["

    def add(self, claims: Iterable[ExportClaim]) -> str:
        parts = []
        for item in claims:
            review = claim_review(item, self.desk, self.author_name)
            if review is None:
                self.left_out[item.claim.verdict] = self.left_out.get(item.claim.verdict, 0) + 1
                continue
            # "<\/" is JSON for "</": the review can be pasted into a page's <script> and member text
            # cannot close it.
            body = json.dumps(review, ensure_ascii=False, indent=2).replace("</", "<\\/")
            parts.append(("\n" if self.written == 0 else ",\n") + body)
            self.written += 1
        return "".join(parts)

    def finish(self) -> str:
        return "\n]\n" if self.written else "]\n"

    def notes(self) -> list[str]:
        """What the file leaves out, and what the desk should set for it to be complete."""
        notes = [f"{self.written:,} ClaimReview{'s' if self.written != 1 else ''} (claims with a conclusion)."]
        unverified = self.left_out.get(Verdict.UNVERIFIED, 0)
        investigating = self.left_out.get(Verdict.INVESTIGATING, 0)
        if unverified or investigating:
            notes.append(
                f"Left out {unverified + investigating:,} claims without a conclusion yet: "
                f"{unverified:,} unverified, {investigating:,} under investigation."
            )
        if not self.desk.url:
            notes.append(
                "desk_url is not set, so the reviews have no url and their author no link "
                "(fact-check tools need both): set it with /mod config desk_url:."
            )
        if not self.desk.name:
            notes.append(
                f"desk_name is not set, so the reviews' author is {self.author_name!r}: "
                "set it with /mod config desk_name:."
            )
        return notes


def render(claims: Iterable[ExportClaim], desk: DeskProfile, author_name: str) -> tuple[str, list[str]]:
    """The whole file at once, and its notes (for tests and small exports)."""
    writer = ClaimReviewWriter(desk, author_name)
    text = writer.start() + writer.add(claims) + writer.finish()
    return text, writer.notes()
