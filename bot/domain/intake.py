"""What members ask the desk to check, and what the moderators decide about it (issue 11).

A *request* is one member asking about one thing: a tracked claim (counted on the claim) or a
*submission* (something no tracked claim covers, waiting in the moderators' queue). A submission is
decided once: accepted as a new claim, merged into an existing one, or rejected with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.claims import Actor, ClaimSummary
from bot.domain.states import Verdict


class SubmissionStatus(StrEnum):
    DRAFT = "draft"  # a /submit form waiting for the member's "is it #7?" answer; not in the queue
    OPEN = "open"  # in the queue
    MATCHED = "matched"  # the member said it is a tracked claim: their request went there
    ACCEPTED = "accepted"  # became a new claim
    MERGED = "merged"  # its requests went to an existing claim
    REJECTED = "rejected"


class RejectReason(StrEnum):
    NOT_A_CLAIM = "not_a_claim"
    NOT_CHECKABLE = "not_checkable"
    OUT_OF_SCOPE = "out_of_scope"
    DUPLICATE = "duplicate"
    SPAM = "spam"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    RejectReason.NOT_A_CLAIM: "Not a factual claim",
    RejectReason.NOT_CHECKABLE: "Cannot be checked",
    RejectReason.OUT_OF_SCOPE: "Outside this server's stories",
    RejectReason.DUPLICATE: "Already covered",
    RejectReason.SPAM: "Spam or abuse",
    RejectReason.OTHER: "Other (see the note)",
}


@dataclass(frozen=True, slots=True)
class NewSubmission:
    """What a member sent: a message's text, link and time, or the /submit form's four fields."""

    statement: str
    speaker: str = ""
    where_when: str = ""
    link: str = ""
    message_id: int | None = None
    message_url: str = ""
    message_at: datetime | None = None
    author_name: str = ""


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    guild_id: int
    number: int
    status: SubmissionStatus
    revision: int
    statement: str
    speaker: str
    where_when: str
    link: str
    message_url: str
    message_at: datetime | None
    author_name: str
    submitter: Actor
    created_at: datetime
    requests: int = 0
    suggested: int | None = None  # the number of the claim the matcher thought it was
    claim_number: int | None = None  # the claim it became or was merged into

    @property
    def ref(self) -> str:
        return f"S{self.number}"


@dataclass(frozen=True, slots=True)
class Decision:
    """One row of a submission's history: who decided what, when and why."""

    submission_number: int
    decision: SubmissionStatus
    claim_number: int | None
    reason: str
    note: str
    actor: Actor
    at: datetime


# How long a verdict stands before the desk should look at it again, in days; None is never.
DEFAULT_REVIEW_DAYS: dict[Verdict, int | None] = {
    Verdict.UNVERIFIED: 14,
    Verdict.INVESTIGATING: 3,
    Verdict.DISPUTED: 7,
    Verdict.CONFIRMED: None,
    Verdict.FALSE: None,
    Verdict.MISLEADING: None,
}


@dataclass(frozen=True, slots=True)
class IntakeSettings:
    guild_id: int
    queue_channel_id: int | None = None
    # Only the verdicts the server changed; `review_days` fills in the defaults.
    review_overrides: dict[Verdict, int | None] = field(default_factory=dict)

    def review_days(self, verdict: Verdict) -> int | None:
        if verdict in self.review_overrides:
            return self.review_overrides[verdict]
        return DEFAULT_REVIEW_DAYS[verdict]


@dataclass(frozen=True, slots=True)
class Standing:
    """What the card says of a claim's demand and freshness."""

    requests: int
    as_of: datetime | None  # its last verdict change or review
    due: bool  # past its verdict's review interval


@dataclass(frozen=True, slots=True)
class DueClaim:
    summary: ClaimSummary
    as_of: datetime


@dataclass(frozen=True, slots=True)
class Notice:
    """A word owed to a member in one server (a decision on their submission)."""

    id: int
    guild_id: int
    member_id: int
    text: str
    created_at: datetime
