"""The rules of requests and submissions, and of the moderators' decisions on them (issue 11).

Each function runs inside the one transaction the desk opened for the member's action. A member's
request is counted once per claim and once per submission, and only a request that counts is
charged to the member's hourly limit (checked and charged by one statement in that transaction, so
several bot processes on one database hold the same limit). A decision is a compare-and-set on the
submission's status and revision: of two moderators deciding at once, one wins and the other is told
who decided.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.desk import changes, follows, notices, stories
from bot.desk.errors import ClaimNotFound, Refusal
from bot.domain.claims import Actor, Claim, ClaimSummary, NewClaim, RelationKind
from bot.domain.intake import NewSubmission, RejectReason, Submission, SubmissionStatus
from bot.domain.rules import RuleBroken, as_text, check_note, check_short, check_source, check_statement
from bot.store.base import Tx

REQUESTS_PER_HOUR = 10
WINDOW_S = 3_600
WHERE_WHEN_MAX = 200
QUOTED = 80  # how much of a submission a notice quotes

DECIDED_WORDS = {
    SubmissionStatus.ACCEPTED: "accepted",
    SubmissionStatus.MERGED: "merged",
    SubmissionStatus.REJECTED: "rejected",
    SubmissionStatus.MATCHED: "matched to a claim",
    SubmissionStatus.OPEN: "sent to the queue",
    SubmissionStatus.DRAFT: "left as a draft",
}


class RequestLimit(Refusal):
    def __init__(self, until: datetime, now: datetime) -> None:
        minutes = max(1, round((until - now).total_seconds() / 60))
        super().__init__(
            f"You have asked for {REQUESTS_PER_HOUR} checks within an hour, the most a member may; "
            f"try again in {minutes} min. Nothing was saved."
        )
        self.until = until


class SubmissionNotFound(Refusal):
    def __init__(self, number: int) -> None:
        super().__init__(f"There is no submission S{number} in this server.")
        self.number = number


class SubmissionDecided(Refusal):
    """Another moderator (or the member) decided it first: refuse rather than decide it twice."""

    def __init__(self, submission: Submission, by: Actor | None, at: datetime | None) -> None:
        word = DECIDED_WORDS[submission.status]
        who = f" by {by.name}" if by is not None else ""
        super().__init__(f"{submission.ref} was already {word}{who}; nothing was changed.")
        self.submission, self.by, self.at = submission, by, at


@dataclass(frozen=True, slots=True)
class RequestOutcome:
    """What a member's request came to: counted on a tracked claim, or on a submission in the queue."""

    counted: bool  # False: the member had asked about it already
    claim: Claim | None = None
    submission: Submission | None = None
    rejected: bool = False  # the message's submission was already rejected: nothing was counted


def clean_submission(new: NewSubmission) -> NewSubmission:
    """Text stays text: NUL and lone surrogates dropped, lengths held to what a claim may hold."""
    statement = as_text(new.statement).strip()[:4_000]
    if not statement:
        raise RuleBroken("There is nothing to check: the message has no text. Use /submit to describe it.")
    link = check_source(new.link) or ""
    return replace(
        new,
        statement=statement,
        speaker=check_short("who said it", new.speaker),
        where_when=check_short("where and when", new.where_when),
        link=link,
        message_url=as_text(new.message_url)[:512],
        author_name=as_text(new.author_name)[:100],
    )


def checked_form(statement: str, speaker: str, where_when: str, link: str) -> NewSubmission:
    return NewSubmission(
        statement=check_statement(statement),
        speaker=check_short("who said it", speaker),
        where_when=check_short("where and when", where_when),
        link=check_source(link) or "",
    )


async def _charge(tx: Tx, guild_id: int, member: Actor, at: datetime) -> None:
    if not await tx.take_quota(guild_id, member.id, at=at, window_s=WINDOW_S, limit=REQUESTS_PER_HOUR):
        started = await tx.quota_window(guild_id, member.id) or at
        raise RequestLimit(started + timedelta(seconds=WINDOW_S), at)


async def _submission(tx: Tx, guild_id: int, number: int) -> Submission:
    found = await tx.submission(guild_id, number)
    if found is None:
        raise SubmissionNotFound(number)
    return found


async def count_on_claim(tx: Tx, guild_id: int, member: Actor, number: int, at: datetime) -> RequestOutcome:
    claim = await tx.claim(guild_id, number)
    if claim is None:
        raise ClaimNotFound(number)
    counted = await tx.add_claim_request(guild_id, claim.id, member.id, at)
    if counted:
        await _charge(tx, guild_id, member, at)
        await follows.follow_claim_for(tx, guild_id, member.id, claim.number, at)
    return RequestOutcome(counted, claim=claim)


async def _requests_to_claim(tx: Tx, guild_id: int, submission: Submission, claim: Claim, at: datetime) -> int:
    """The submission's requests counted on the claim it became or joined, and their members follow it
    (as a member whose request is counted on a claim directly does); how many were new there."""
    members = await tx.copy_requests(guild_id, submission.id, claim.id)
    for member_id in members:
        await follows.follow_claim_for(tx, guild_id, member_id, claim.number, at)
    return len(members)


async def request_check(
    tx: Tx, guild_id: int, member: Actor, new: NewSubmission, matches: list[ClaimSummary], at: datetime
) -> RequestOutcome:
    """Request a check on a message: counted on the claim it is about, or on its submission."""
    if matches:
        return await count_on_claim(tx, guild_id, member, matches[0].number, at)
    new = clean_submission(new)
    existing = await tx.submission_by_message(guild_id, new.message_id) if new.message_id is not None else None
    if existing is None:
        number = await tx.reserve_submission_number(guild_id)
        submission_id = await tx.insert_submission(
            guild_id, number, new, submitter=member, status=SubmissionStatus.OPEN, suggested_id=None, at=at
        )
        if submission_id is None:  # another member's request on this message was saved first
            assert new.message_id is not None
            existing = await tx.submission_by_message(guild_id, new.message_id)
        else:
            await tx.add_submission_request(guild_id, submission_id, member.id, at)
            await _charge(tx, guild_id, member, at)
            return RequestOutcome(True, submission=await _submission(tx, guild_id, number))
    assert existing is not None
    if existing.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.MERGED) and existing.claim_number:
        return await count_on_claim(tx, guild_id, member, existing.claim_number, at)
    if existing.status is SubmissionStatus.REJECTED:
        return RequestOutcome(False, submission=existing, rejected=True)
    counted = await tx.add_submission_request(guild_id, existing.id, member.id, at)
    if counted:
        await _charge(tx, guild_id, member, at)
    return RequestOutcome(counted, submission=await _submission(tx, guild_id, existing.number))


async def submit(
    tx: Tx, guild_id: int, member: Actor, new: NewSubmission, matches: list[ClaimSummary], at: datetime
) -> Submission:
    """The /submit form: a draft when it looks like a tracked claim (the member is asked), else open."""
    new = clean_submission(new)
    suggested = await tx.claim(guild_id, matches[0].number) if matches else None
    number = await tx.reserve_submission_number(guild_id)
    status = SubmissionStatus.DRAFT if suggested is not None else SubmissionStatus.OPEN
    submission_id = await tx.insert_submission(
        guild_id,
        number,
        replace(new, message_id=None),
        submitter=member,
        status=status,
        suggested_id=suggested.id if suggested else None,
        at=at,
    )
    assert submission_id is not None  # only messages are unique
    await tx.add_submission_request(guild_id, submission_id, member.id, at)
    await _charge(tx, guild_id, member, at)
    return await _submission(tx, guild_id, number)


async def _own_draft(tx: Tx, guild_id: int, number: int, member: Actor) -> Submission:
    submission = await _submission(tx, guild_id, number)
    if submission.submitter.id != member.id:
        raise RuleBroken("Only the member who sent this submission can answer that.")
    if submission.status is not SubmissionStatus.DRAFT:
        raise await decided(tx, submission)
    return submission


async def confirm_match(
    tx: Tx, guild_id: int, number: int, claim_number: int, member: Actor, at: datetime
) -> RequestOutcome:
    """ "Yes, it is #7": the member's request goes to the claim, and the draft is closed."""
    submission = await _own_draft(tx, guild_id, number, member)
    claim = await tx.claim(guild_id, claim_number)
    if claim is None:
        raise ClaimNotFound(claim_number)
    await _decide(tx, submission, SubmissionStatus.MATCHED, claim_id=claim.id, at=at)
    await tx.record_decision(
        guild_id, submission.id, SubmissionStatus.MATCHED, claim_id=claim.id, reason="", note="", actor=member, at=at
    )
    counted = await tx.add_claim_request(guild_id, claim.id, member.id, at, submission_id=submission.id)
    if counted:
        await follows.follow_claim_for(tx, guild_id, member.id, claim.number, at)
    return RequestOutcome(counted, claim=claim)


async def confirm_new(tx: Tx, guild_id: int, number: int, member: Actor, at: datetime) -> Submission:
    """ "No, it is new": the draft goes to the moderators' queue."""
    submission = await _own_draft(tx, guild_id, number, member)
    await _decide(tx, submission, SubmissionStatus.OPEN, claim_id=None, at=at)
    await tx.record_decision(
        guild_id, submission.id, SubmissionStatus.OPEN, claim_id=None, reason="", note="", actor=member, at=at
    )
    return await _submission(tx, guild_id, number)


async def decided(tx: Tx, submission: Submission) -> SubmissionDecided:
    """Who decided it, as the moderator who came second is told."""
    current = await _submission(tx, submission.guild_id, submission.number)
    history = await tx.submission_decisions(submission.guild_id, submission.number)
    last = history[-1] if history else None
    return SubmissionDecided(current, last.actor if last else None, last.at if last else None)


async def _decide(
    tx: Tx, submission: Submission, status: SubmissionStatus, *, claim_id: int | None, at: datetime
) -> None:
    """Compare-and-set against the status and revision the decision was prepared with."""
    if not await tx.decide_submission(
        submission.id,
        expected=submission.status,
        revision=submission.revision,
        status=status,
        claim_id=claim_id,
        at=at,
    ):
        raise await decided(tx, submission)


async def _open(tx: Tx, guild_id: int, number: int, expected_revision: int | None) -> Submission:
    submission = await _submission(tx, guild_id, number)
    if submission.status is not SubmissionStatus.OPEN:
        raise await decided(tx, submission)
    if expected_revision is not None and submission.revision != expected_revision:
        raise await decided(tx, submission)
    return submission


def _quote(submission: Submission) -> str:
    text = " ".join(submission.statement.split())
    return text if len(text) <= QUOTED else text[: QUOTED - 1].rstrip() + "…"


async def _tell_submitter(tx: Tx, submission: Submission, text: str, at: datetime) -> int:
    return await notices.owe(tx, submission.guild_id, submission.submitter.id, text, at)


@dataclass(frozen=True, slots=True)
class Decided:
    submission: Submission  # as it is now
    claim: Claim | None  # the claim it became or was merged into
    notice_id: int  # the word owed to the submitter
    notice: str  # and what it says
    moved: int = 0  # requests newly counted on the claim
    wording_differs: bool = False  # merged into a claim worded otherwise: a same_as link is worth a look


async def accept(
    tx: Tx,
    guild_id: int,
    number: int,
    new: NewClaim,
    *,
    source_url: str | None,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
) -> Decided:
    """A new claim from the submission; its requests are counted on the claim."""
    submission = await _open(tx, guild_id, number, expected_revision)
    note = f"Added from submission {submission.ref}."
    new = await stories.filed(tx, guild_id, new)
    claim = await changes.add_claim(tx, guild_id, new, note=note, actor=actor, at=at, source_url=source_url)
    await _decide(tx, submission, SubmissionStatus.ACCEPTED, claim_id=claim.id, at=at)
    await tx.record_decision(
        guild_id, submission.id, SubmissionStatus.ACCEPTED, claim_id=claim.id, reason="", note=note, actor=actor, at=at
    )
    moved = await _requests_to_claim(tx, guild_id, submission, claim, at)
    text = f"Your submission {submission.ref} (“{_quote(submission)}”) was accepted: it is now claim #{claim.number}."
    notice_id = await _tell_submitter(tx, submission, text, at)
    return Decided(await _submission(tx, guild_id, number), claim, notice_id, text, moved)


def _words(text: str) -> list[str]:
    return "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()


async def merge(
    tx: Tx,
    guild_id: int,
    number: int,
    claim_number: int,
    *,
    note: str,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
) -> Decided:
    """The submission is about a tracked claim: its requests move there."""
    submission = await _open(tx, guild_id, number, expected_revision)
    claim = await tx.claim(guild_id, claim_number)
    if claim is None:
        raise ClaimNotFound(claim_number)
    note = as_text(note).strip()[:1_000]
    await _decide(tx, submission, SubmissionStatus.MERGED, claim_id=claim.id, at=at)
    await tx.record_decision(
        guild_id, submission.id, SubmissionStatus.MERGED, claim_id=claim.id, reason="", note=note, actor=actor, at=at
    )
    moved = await _requests_to_claim(tx, guild_id, submission, claim, at)
    text = (
        f"Your submission {submission.ref} (“{_quote(submission)}”) is about claim #{claim.number}, "
        "which the desk already tracks: your request is counted there."
    )
    notice_id = await _tell_submitter(tx, submission, text, at)
    differs = _words(submission.statement) != _words(claim.statement)
    return Decided(await _submission(tx, guild_id, number), claim, notice_id, text, moved, differs)


async def reject(
    tx: Tx,
    guild_id: int,
    number: int,
    reason: RejectReason,
    *,
    note: str,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
) -> Decided:
    submission = await _open(tx, guild_id, number, expected_revision)
    note = check_note(note) if note.strip() else ""
    if reason is RejectReason.OTHER and not note:
        raise RuleBroken("Say in the note why it is rejected when the reason is “Other”.")
    await _decide(tx, submission, SubmissionStatus.REJECTED, claim_id=None, at=at)
    await tx.record_decision(
        guild_id,
        submission.id,
        SubmissionStatus.REJECTED,
        claim_id=None,
        reason=reason.value,
        note=note,
        actor=actor,
        at=at,
    )
    why = reason.label.lower() + (f" — {note}" if note else "")
    text = f"Your submission {submission.ref} (“{_quote(submission)}”) was not taken up: {why}."
    notice_id = await _tell_submitter(tx, submission, text, at)
    return Decided(await _submission(tx, guild_id, number), None, notice_id, text)


SAME_AS_REASON = "same_as"  # a merged submission's wording kept as a claim of its own, linked same_as


async def keep_wording(
    tx: Tx,
    guild_id: int,
    number: int,
    new: NewClaim,
    *,
    source_url: str | None,
    actor: Actor,
    at: datetime,
    expected_revision: int | None,
) -> tuple[Claim, Claim]:
    """The proposal a merge makes when the wording differs, taken up: the submission's words become a
    claim of their own, linked `same_as` to the claim it was merged into (whose requests stay there).
    Once per submission; (the new claim, the claim it is the same as)."""
    submission = await _submission(tx, guild_id, number)
    if submission.status is not SubmissionStatus.MERGED or submission.claim_number is None:
        raise RuleBroken(f"{submission.ref} is not merged into a claim, so there is no wording to keep beside one.")
    if expected_revision is not None and submission.revision != expected_revision:
        raise await decided(tx, submission)
    kept = [d for d in await tx.submission_decisions(guild_id, number) if d.reason == SAME_AS_REASON]
    if kept:
        raise RuleBroken(f"{submission.ref}'s wording is already kept as claim #{kept[-1].claim_number}.")
    target = await tx.claim(guild_id, submission.claim_number)
    assert target is not None  # claims are never deleted
    note = f"{submission.ref}'s wording, the same claim as #{target.number}."
    # In the story of the claim it is the same as, unless the moderator chose one.
    new = new if new.story is not None or target.story is None else replace(new, story=target.story)
    new = await stories.filed(tx, guild_id, new)
    claim = await changes.add_claim(tx, guild_id, new, note=note, actor=actor, at=at, source_url=source_url)
    await changes.link_claims(
        tx, guild_id, claim.number, RelationKind.SAME_AS, target.number, note=note, actor=actor, at=at
    )
    # The revision moves, so a second form opened on the same merge is refused, not saved twice.
    await _decide(tx, submission, SubmissionStatus.MERGED, claim_id=None, at=at)
    await tx.record_decision(
        guild_id,
        submission.id,
        SubmissionStatus.MERGED,
        claim_id=claim.id,
        reason=SAME_AS_REASON,
        note=note,
        actor=actor,
        at=at,
    )
    return claim, target
