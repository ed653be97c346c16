"""Requests, submissions and decisions (issue 11), on both stores: counted once, limited per member in
the transaction, decided once, and kept to their own server."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from bot.desk import Desk
from bot.desk.changes import history_row
from bot.desk.intake import REQUESTS_PER_HOUR, RequestLimit, SubmissionDecided, SubmissionNotFound
from bot.desk.stories import StoryFields
from bot.domain.claims import Actor, NewClaim
from bot.domain.follows import FollowKind
from bot.domain.intake import NewSubmission, RejectReason, SubmissionStatus
from bot.domain.rules import RuleBroken
from bot.domain.states import Verdict
from tests.store.conftest import ALICE, BOB, GUILD_A, GUILD_B, Database, number_of, query, scalar

MATCHING = "Are NK soldiers fighting in Ukraine?"
UNRELATED = "The mayor says the new bridge cost 40 million"
MOD = Actor(3003, "mod")
OTHER_MOD = Actor(3004, "other mod")


def message(text: str, message_id: int, author: str = "poster") -> NewSubmission:
    return NewSubmission(
        statement=text,
        message_id=message_id,
        message_url=f"https://discord.com/channels/{GUILD_A}/1/{message_id}",
        message_at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        author_name=author,
    )


def member(n: int) -> Actor:
    return Actor(5000 + n, f"member{n}")


async def test_a_request_about_a_tracked_claim_is_counted_on_it_once_per_member(desk: Desk, db_path: Database) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    first = await desk.request_check(GUILD_A, ALICE, message(MATCHING, 1))
    again = await desk.request_check(GUILD_A, ALICE, message(MATCHING, 2))
    other = await desk.request_check(GUILD_A, BOB, message(MATCHING, 1))

    assert first.claim is not None
    assert first.claim.number == number
    assert first.counted
    assert not again.counted  # one request per member per claim
    assert other.counted
    assert (await desk.standing(GUILD_A, number)).requests == 2
    assert scalar(db_path, "SELECT count(*) FROM submissions") == 0


async def test_a_message_about_nothing_tracked_becomes_one_submission_with_its_text_link_and_time(
    desk: Desk, db_path: Database
) -> None:
    first = await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 77, author="<@123> @everyone"))
    second = await desk.request_check(GUILD_A, BOB, message(UNRELATED, 77))
    repeat = await desk.request_check(GUILD_A, BOB, message(UNRELATED, 77))

    assert first.submission is not None
    assert first.counted
    sub = first.submission
    assert (sub.number, sub.status, sub.statement) == (1, SubmissionStatus.OPEN, UNRELATED)
    assert sub.message_url.endswith("/77")
    assert sub.message_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert sub.author_name == "<@123> @everyone"  # kept as text; the renderer escapes it
    assert second.submission is not None
    assert second.submission.number == 1
    assert second.counted
    assert second.submission.requests == 2
    assert not repeat.counted
    page = (await desk.queue(GUILD_A)).submissions
    assert [(s.number, s.requests) for s in page.items] == [(1, 2)]


async def test_the_per_member_limit_is_kept_in_the_transaction_and_refuses_without_saving(
    desk: Desk, db_path: Database
) -> None:
    for n in range(REQUESTS_PER_HOUR):
        await desk.request_check(GUILD_A, ALICE, message(f"{UNRELATED} number {n}", 100 + n))
    before = scalar(db_path, "SELECT count(*) FROM submissions")
    with pytest.raises(RequestLimit, match="try again in"):
        await desk.request_check(GUILD_A, ALICE, message(f"{UNRELATED} again", 999))
    with pytest.raises(RequestLimit):
        await desk.submit(GUILD_A, ALICE, NewSubmission("The bridge is 2 km long"))
    assert scalar(db_path, "SELECT count(*) FROM submissions") == before
    # another member, and the same member in another server, are not held back
    assert (await desk.request_check(GUILD_A, BOB, message(f"{UNRELATED} again", 999))).counted
    await desk.ensure_guild(GUILD_B)
    assert (await desk.request_check(GUILD_B, ALICE, message(UNRELATED, 1000))).counted


async def test_a_request_already_counted_costs_nothing_from_the_limit(desk: Desk) -> None:
    for _ in range(REQUESTS_PER_HOUR + 5):
        await desk.request_check(GUILD_A, ALICE, message(MATCHING, 1))
    assert (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 2))).counted


async def test_the_limit_window_starts_again_after_an_hour(desk: Desk) -> None:
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    async with desk.store.transaction() as tx:
        taken = [await tx.take_quota(GUILD_A, 1, at=at, window_s=3600, limit=2) for _ in range(3)]
        later = await tx.take_quota(GUILD_A, 1, at=at + timedelta(minutes=59), window_s=3600, limit=2)
        next_hour = await tx.take_quota(GUILD_A, 1, at=at + timedelta(minutes=61), window_s=3600, limit=2)
        window = await tx.quota_window(GUILD_A, 1)
    assert taken == [True, True, False]
    assert not later
    assert next_hour
    assert window == at + timedelta(minutes=61)


async def test_many_requests_at_once_from_one_member_get_exactly_the_limit(desk: Desk, db_path: Database) -> None:
    """Each in its own transaction at once (several processes would do the same): the statement that
    charges the limit is the guard, not a count read before it."""
    outcomes = await asyncio.gather(
        *(desk.request_check(GUILD_A, ALICE, message(f"{UNRELATED} take {n}", 200 + n)) for n in range(15)),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, RequestLimit)]
    assert len(refused) == 5, outcomes
    assert scalar(db_path, "SELECT count(*) FROM submissions") == REQUESTS_PER_HOUR


async def test_submit_asks_when_it_looks_like_a_tracked_claim_and_yes_counts_it_there(
    desk: Desk, db_path: Database
) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    draft = await desk.submit(GUILD_A, ALICE, NewSubmission(MATCHING, "Ukrainian officials", "TV, Monday"))
    assert draft.status is SubmissionStatus.DRAFT
    assert draft.suggested == number
    assert (await desk.queue(GUILD_A)).submissions.total == 0  # a draft is not in the queue
    with pytest.raises(RuleBroken, match="Only the member"):
        await desk.confirm_match(GUILD_A, draft.number, number, BOB)
    outcome = await desk.confirm_match(GUILD_A, draft.number, number, ALICE)
    assert outcome.counted
    assert outcome.claim is not None
    assert outcome.claim.number == number
    assert (await desk.standing(GUILD_A, number)).requests == 1
    with pytest.raises(SubmissionDecided, match="already matched to a claim by alice"):
        await desk.confirm_new(GUILD_A, draft.number, ALICE)


async def test_submit_no_it_is_new_sends_it_to_the_queue(desk: Desk) -> None:
    draft = await desk.submit(GUILD_A, ALICE, NewSubmission(MATCHING, link="https://example.org/a"))
    opened = await desk.confirm_new(GUILD_A, draft.number, ALICE)
    assert opened.status is SubmissionStatus.OPEN
    assert opened.link == "https://example.org/a"
    assert [s.number for s in (await desk.queue(GUILD_A)).submissions.items] == [draft.number]


async def test_submit_refuses_a_link_that_is_not_a_web_link(desk: Desk, db_path: Database) -> None:
    with pytest.raises(RuleBroken, match="web link"):
        await desk.submit(GUILD_A, ALICE, NewSubmission(UNRELATED, link="javascript:alert(1)"))
    assert scalar(db_path, "SELECT count(*) FROM submissions") == 0


def _new_claim(statement: str) -> NewClaim:
    return NewClaim(statement=statement, verbatim=False, speaker="The mayor")


async def test_accepting_makes_a_claim_that_keeps_the_submissions_requests(desk: Desk, db_path: Database) -> None:
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 5))).submission
    assert sub is not None
    await desk.request_check(GUILD_A, BOB, message(UNRELATED, 5))
    decided = await desk.accept_submission(
        GUILD_A, sub.number, _new_claim(UNRELATED), source_url="https://example.org/bridge", actor=MOD
    )
    assert decided.claim is not None
    assert decided.moved == 2
    assert decided.submission.status is SubmissionStatus.ACCEPTED
    assert decided.submission.claim_number == decided.claim.number
    assert (await desk.standing(GUILD_A, decided.claim.number)).requests == 2
    (row,) = await desk.submission_decisions(GUILD_A, sub.number)
    assert (row.decision, row.actor, row.claim_number) == (SubmissionStatus.ACCEPTED, MOD, decided.claim.number)
    # a later request on the same message counts on the new claim
    late = await desk.request_check(GUILD_A, member(1), message(UNRELATED, 5))
    assert late.claim is not None
    assert late.claim.number == decided.claim.number
    assert (await desk.standing(GUILD_A, decided.claim.number)).requests == 3
    # the submitter is owed a word, in this server only
    assert await desk.take_notices(GUILD_B, ALICE.id) == []
    (notice,) = await desk.take_notices(GUILD_A, ALICE.id)
    assert f"is now claim #{decided.claim.number}" in notice.text
    assert await desk.take_notices(GUILD_A, ALICE.id) == []  # taken once


async def test_a_claim_looked_up_by_number_says_whether_the_asker_is_owed_notices(desk: Desk) -> None:
    async def owed(guild_id: int, asker: int) -> bool | None:
        found = await desk.resolve_claim(guild_id, "#1", asker=asker)
        assert found is not None
        return found.asker_owed

    await desk.ensure_guild(GUILD_B)
    elsewhere = (await desk.request_check(GUILD_B, BOB, message(UNRELATED, 7))).submission
    assert elsewhere is not None
    await desk.accept_submission(GUILD_B, elsewhere.number, _new_claim(UNRELATED), source_url=None, actor=MOD)
    assert await owed(GUILD_A, ALICE.id) is False
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 6))).submission
    assert sub is not None
    await desk.accept_submission(GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD)
    assert await owed(GUILD_A, ALICE.id) is True
    assert await owed(GUILD_A, BOB.id) is False  # owed in another server only
    assert await owed(GUILD_B, BOB.id) is True
    assert await owed(GUILD_B, ALICE.id) is False  # another server's claim #1 knows nothing of hers
    found = await desk.resolve_claim(GUILD_A, "#1")
    assert found is not None
    assert found.asker_owed is None  # not asked: not read
    assert len(await desk.take_notices(GUILD_A, ALICE.id)) == 1
    assert await owed(GUILD_A, ALICE.id) is False  # delivered: owed nothing now


async def followed_claims(desk: Desk, member_id: int) -> list[int | None]:
    page = await desk.following(GUILD_A, member_id, limit=25)
    return [f.number for f in page.items if f.kind is FollowKind.CLAIM]


async def test_members_who_asked_follow_the_claim_their_request_is_counted_on(desk: Desk) -> None:
    tracked = await desk.request_check(GUILD_A, ALICE, message(MATCHING, 40))
    assert tracked.claim is not None
    assert await followed_claims(desk, ALICE.id) == [tracked.claim.number]
    await desk.unfollow(GUILD_A, ALICE.id, FollowKind.CLAIM, tracked.claim.id, f"#{tracked.claim.number}")
    again = await desk.request_check(GUILD_A, ALICE, message(MATCHING, 41))
    assert not again.counted
    assert await followed_claims(desk, ALICE.id) == []  # asking again does not undo an unfollow
    # A submission's members follow the claim it becomes, once it is accepted.
    sub = (await desk.request_check(GUILD_A, BOB, message(UNRELATED, 42))).submission
    assert sub is not None
    await desk.request_check(GUILD_A, member(3), message(UNRELATED, 42))
    assert await followed_claims(desk, BOB.id) == []
    decided = await desk.accept_submission(GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD)
    assert decided.claim is not None
    assert await followed_claims(desk, BOB.id) == [decided.claim.number]
    assert await followed_claims(desk, member(3).id) == [decided.claim.number]
    assert await followed_claims(desk, MOD.id) == []


async def test_an_accepted_claim_is_filed_under_the_servers_most_recent_story(desk: Desk) -> None:
    newest = await desk.new_story(
        GUILD_A, StoryFields(title="Tunnel under the border", publisher="Desk", url="", published=date(2030, 1, 2))
    )
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 6))).submission
    assert sub is not None
    decided = await desk.accept_submission(GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD)
    assert decided.claim is not None
    assert decided.claim.story == newest.story


async def test_merging_moves_the_requests_once_per_member_and_says_when_the_wording_differs(
    desk: Desk, db_path: Database
) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    await desk.request_check(GUILD_A, ALICE, message(MATCHING, 1))  # alice already asked about the claim
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 6))).submission
    assert sub is not None
    await desk.request_check(GUILD_A, BOB, message(UNRELATED, 6))
    decided = await desk.merge_submission(GUILD_A, sub.number, number, note="same story", actor=MOD)
    assert decided.moved == 1
    assert decided.wording_differs
    assert (await desk.standing(GUILD_A, number)).requests == 2
    assert decided.submission.status is SubmissionStatus.MERGED
    with pytest.raises(SubmissionDecided, match="already merged by mod"):
        await desk.reject_submission(GUILD_A, sub.number, RejectReason.SPAM, note="", actor=OTHER_MOD)


async def test_rejecting_records_the_reason_and_note_and_other_needs_a_note(desk: Desk) -> None:
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 8))).submission
    assert sub is not None
    with pytest.raises(RuleBroken, match="Other"):
        await desk.reject_submission(GUILD_A, sub.number, RejectReason.OTHER, note=" ", actor=MOD)
    decided = await desk.reject_submission(GUILD_A, sub.number, RejectReason.NOT_A_CLAIM, note="an opinion", actor=MOD)
    assert decided.submission.status is SubmissionStatus.REJECTED
    (row,) = await desk.submission_decisions(GUILD_A, sub.number)
    assert (row.reason, row.note, row.actor) == ("not_a_claim", "an opinion", MOD)
    # the same message asked about again is not counted again, nor sent back to the queue
    again = await desk.request_check(GUILD_A, BOB, message(UNRELATED, 8))
    assert again.rejected
    assert not again.counted
    assert (await desk.queue(GUILD_A)).submissions.total == 0


async def test_a_decision_prepared_against_an_older_revision_is_refused(desk: Desk) -> None:
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 9))).submission
    assert sub is not None
    with pytest.raises(SubmissionDecided):
        await desk.reject_submission(
            GUILD_A, sub.number, RejectReason.SPAM, note="", actor=MOD, expected_revision=sub.revision + 1
        )


@contextlib.asynccontextmanager
async def submissions_held(database: Database) -> AsyncIterator[None]:
    """Another session holds back every write to the submissions while reads go on, so two deciders
    both read it open before either writes (SQLite: a writer's lock; PostgreSQL: a lock that conflicts
    with UPDATE, not with SELECT)."""
    if isinstance(database, str):
        conn = await asyncpg.connect(database)
        try:
            async with conn.transaction():
                await conn.execute("LOCK TABLE submissions IN EXCLUSIVE MODE")
                yield
        finally:
            await conn.close()
        return
    db = sqlite3.connect(database, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()


async def test_two_moderators_deciding_one_submission_at_once_one_wins_the_other_hears_who(
    desk: Desk, db_path: Database
) -> None:
    """On PostgreSQL both transactions read the submission open (READ COMMITTED) and then both update:
    only the compare-and-set in the UPDATE stops the second."""
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 10))).submission
    assert sub is not None
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    async with submissions_held(db_path):
        racing = [
            asyncio.create_task(desk.reject_submission(GUILD_A, sub.number, RejectReason.SPAM, note="", actor=MOD)),
            asyncio.create_task(desk.merge_submission(GUILD_A, sub.number, number, note="", actor=OTHER_MOD)),
        ]
        await asyncio.sleep(0.5)  # both have read it open and wait to write
    outcomes = await asyncio.gather(*racing, return_exceptions=True)
    losers = [o for o in outcomes if isinstance(o, SubmissionDecided)]
    assert len(losers) == 1, outcomes
    winner = MOD if isinstance(outcomes[1], SubmissionDecided) else OTHER_MOD
    assert f"by {winner.name}; nothing was changed" in str(losers[0])
    assert len(await desk.submission_decisions(GUILD_A, sub.number)) == 1
    assert scalar(db_path, "SELECT count(*) FROM notices") == 1


async def test_nothing_of_one_servers_queue_reaches_another(desk: Desk, db_path: Database) -> None:
    await desk.ensure_guild(GUILD_B)
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 11))).submission
    assert sub is not None
    assert (await desk.queue(GUILD_B)).submissions.total == 0
    with pytest.raises(SubmissionNotFound):
        await desk.submission(GUILD_B, sub.number)
    for decide in (
        desk.reject_submission(GUILD_B, sub.number, RejectReason.SPAM, note="", actor=MOD),
        desk.merge_submission(GUILD_B, sub.number, 1, note="", actor=MOD),
        desk.accept_submission(GUILD_B, sub.number, _new_claim("x y z"), source_url=None, actor=MOD),
    ):
        with pytest.raises(SubmissionNotFound):
            await decide
    assert (await desk.submission(GUILD_A, sub.number)).status is SubmissionStatus.OPEN
    # each server numbers its own submissions from 1
    other = (await desk.request_check(GUILD_B, BOB, message(UNRELATED, 12))).submission
    assert other is not None
    assert other.number == 1
    assert await desk.most_requested(GUILD_B) == []


async def test_reviewing_reaffirms_the_verdict_and_moves_as_of(desk: Desk, db_path: Database) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    before = await desk.claim(GUILD_A, number)
    old = await desk.standing(GUILD_A, number)
    _claim, change = await desk.mark_reviewed(GUILD_A, number, note="Still no new evidence", actor=MOD)
    after = await desk.claim(GUILD_A, number)
    assert (change.field, change.old_value, change.new_value) == ("review", before.verdict, before.verdict)
    assert after.verdict == before.verdict
    assert after.revision == before.revision
    standing = await desk.standing(GUILD_A, number)
    assert old.as_of is not None
    assert standing.as_of == change.at > old.as_of


async def test_claims_past_their_verdicts_interval_are_due_and_conclusions_never_unless_set(
    desk: Desk, db_path: Database
) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    claim = await desk.claim(GUILD_A, number)
    settings = await desk.intake_settings(GUILD_A)
    assert settings.review_days(Verdict.INVESTIGATING) == 3
    assert settings.review_days(Verdict.CONFIRMED) is None
    # Every claim last reviewed 30 days ago (history is append-only: a review row dated then).
    month_ago = datetime.now(UTC) - timedelta(days=30)
    async with desk.store.transaction() as tx:
        await tx.record(
            [
                history_row(c, "review", c.verdict, c.verdict, note="old", actor=MOD, at=month_ago)
                for c in [await tx.claim(GUILD_A, n) for n in range(1, 17)]
                if c is not None
            ]
        )
    due = (await desk.queue(GUILD_A)).due
    verdicts = {d.summary.number: d.summary.verdict for d in due}
    assert verdicts
    assert all(v in (Verdict.UNVERIFIED, Verdict.INVESTIGATING, Verdict.DISPUTED) for v in verdicts.values())
    assert (await desk.standing(GUILD_A, number)).due is (claim.verdict in verdicts.values())
    confirmed = [
        n for n in range(1, 17) if (await desk.claim(GUILD_A, n)).verdict in (Verdict.CONFIRMED, Verdict.FALSE)
    ]
    assert not set(confirmed) & verdicts.keys()
    # an interval for a conclusion makes it due too; 0 turns one off
    await desk.update_intake_settings(
        GUILD_A, review_days={Verdict.CONFIRMED: 10, Verdict.FALSE: 10, Verdict.UNVERIFIED: 0}
    )
    due = {d.summary.number: d.summary.verdict for d in (await desk.queue(GUILD_A)).due}
    assert set(confirmed) <= due.keys()
    assert Verdict.UNVERIFIED not in due.values()
    await desk.mark_reviewed(GUILD_A, next(iter(due)), note="looked again", actor=MOD)
    assert next(iter(due)) not in {d.summary.number for d in (await desk.queue(GUILD_A)).due}


async def test_review_intervals_refuse_nonsense_and_reset_to_the_default(desk: Desk) -> None:
    with pytest.raises(RuleBroken, match="number of days"):
        await desk.update_intake_settings(GUILD_A, review_days={Verdict.DISPUTED: -3})
    changed = await desk.update_intake_settings(GUILD_A, review_days={Verdict.DISPUTED: 2})
    assert changed.review_days(Verdict.DISPUTED) == 2
    reset = await desk.update_intake_settings(GUILD_A, reset_review=[Verdict.DISPUTED])
    assert reset.review_days(Verdict.DISPUTED) == 7


async def test_the_board_lists_the_most_requested_open_claims(desk: Desk, db_path: Database) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    for n in range(3):
        await desk.request_check(GUILD_A, member(n), message(MATCHING, 1))
    ranked = await desk.most_requested(GUILD_A)
    claim = await desk.claim(GUILD_A, number)
    if claim.verdict in (Verdict.UNVERIFIED, Verdict.INVESTIGATING):
        assert [(s.number, asked) for s, asked in ranked] == [(number, 3)]
    else:
        assert ranked == []


async def test_decision_history_is_append_only(desk: Desk, db_path: Database) -> None:
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 13))).submission
    assert sub is not None
    await desk.reject_submission(GUILD_A, sub.number, RejectReason.SPAM, note="", actor=MOD)
    with pytest.raises((sqlite3.DatabaseError, asyncpg.PostgresError, Exception)):
        query(db_path, "DELETE FROM submission_decisions")
    assert scalar(db_path, "SELECT count(*) FROM submission_decisions") == 1


async def test_a_merged_submissions_wording_can_be_kept_as_a_claim_linked_same_as_once(
    desk: Desk, db_path: Database
) -> None:
    number = number_of(db_path, GUILD_A, "ukraine-officials-nk-fighting")
    sub = (await desk.request_check(GUILD_A, ALICE, message(UNRELATED, 21))).submission
    assert sub is not None
    with pytest.raises(RuleBroken, match="not merged"):
        await desk.keep_wording(GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD)
    await desk.merge_submission(GUILD_A, sub.number, number, note="", actor=MOD)
    merged = await desk.submission(GUILD_A, sub.number)
    claim, same = await desk.keep_wording(
        GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD, expected_revision=merged.revision
    )
    assert same.number == number
    relations = await desk.relations(GUILD_A, claim.number)
    assert [(r.kind.value, r.other.number) for r in relations] == [("same_as", number)]
    assert (await desk.standing(GUILD_A, number)).requests == 1  # the requests stay where they were merged
    assert (await desk.standing(GUILD_A, claim.number)).requests == 0
    assert (await desk.submission(GUILD_A, sub.number)).claim_number == number
    with pytest.raises(SubmissionDecided):  # a second form opened on the same merge
        await desk.keep_wording(
            GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD, expected_revision=merged.revision
        )
    with pytest.raises(RuleBroken, match="already kept as claim"):
        await desk.keep_wording(GUILD_A, sub.number, _new_claim(UNRELATED), source_url=None, actor=MOD)
