"""Following and the outbox on both stores: what a change enqueues (in its own transaction), the lease
that gives each outbox row to one sender, batching a member's DMs, remembered posts and the marks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.desk import ClaimEdit, Desk, NothingToChange, VerdictConflict
from bot.desk.follows import follow_claim_for
from bot.desk.outbox import DMS_CLOSED, POSTS_KEPT, PendingPost, write_posts
from bot.domain.claims import Actor
from bot.domain.follows import FollowKind, OutboxKind, PostedKind, Shards
from bot.domain.rules import RuleBroken
from bot.domain.states import Attribution, Verdict
from bot.shards import shard_of
from tests.desks import opened_desk
from tests.store.conftest import ALICE, BOB, GUILD_A, GUILD_B, Database, query

READER = 5001
OTHER_READER = 5002
LEASE = timedelta(seconds=30)


def later(seconds: float = 3600) -> datetime:
    """A moment past every batching window: every row is due."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def remember(desk: Desk, guild_id: int, number: int, **post: object) -> int:
    """Remember a post and write it at once (the bot writes it with the next change, or within 10 s)."""
    desk.remember_post(guild_id, number, **post)  # type: ignore[arg-type]
    assert await desk.flush_posts(older_than=0) == 1
    claim = await desk.claim(guild_id, number)
    (found,) = [p for p in await desk.store.posted_messages(guild_id, claim.id) if p.message_id == post["message_id"]]
    return found.id


async def claim_id(desk: Desk, number: int, guild_id: int = GUILD_A) -> int:
    return (await desk.claim(guild_id, number)).id


async def test_following_is_listed_newest_first_paged_and_kept_to_its_guild(desk: Desk) -> None:
    first = await claim_id(desk, 1)
    speaker = (await desk.claim(GUILD_A, 2)).speaker
    story = await desk.find_story(GUILD_A, "north-korea")
    assert await desk.follow(GUILD_A, READER, FollowKind.CLAIM, first)
    assert not await desk.follow(GUILD_A, READER, FollowKind.CLAIM, first)  # twice is one follow
    await desk.follow(GUILD_A, READER, FollowKind.SPEAKER, speaker.id)
    await desk.follow(GUILD_A, READER, FollowKind.STORY, story.id)
    page = await desk.following(GUILD_A, READER, limit=2)
    assert page.total == 3
    assert [f.kind for f in page.items] == [FollowKind.STORY, FollowKind.SPEAKER]
    assert page.items[1].name == speaker.name
    rest = await desk.following(GUILD_A, READER, offset=2, limit=2)
    assert [(f.kind, f.number) for f in rest.items] == [(FollowKind.CLAIM, 1)]
    await desk.ensure_guild(GUILD_B)
    assert (await desk.following(GUILD_B, READER)).total == 0
    with pytest.raises(RuleBroken):
        await desk.following(GUILD_A, READER, offset=10)


async def test_unfollowing_what_is_not_followed_changes_nothing(desk: Desk) -> None:
    first = await claim_id(desk, 1)
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, first)
    await desk.unfollow(GUILD_A, READER, FollowKind.CLAIM, first, "#1")
    with pytest.raises(NothingToChange, match="do not follow #1"):
        await desk.unfollow(GUILD_A, READER, FollowKind.CLAIM, first, "#1")
    assert (await desk.following(GUILD_A, READER)).total == 0


async def test_a_verdict_change_enqueues_one_dm_per_follower_and_none_for_its_moderator(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 3)
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, claim.id)
    await desk.follow(GUILD_A, OTHER_READER, FollowKind.SPEAKER, claim.speaker.id)
    await desk.follow(GUILD_A, ALICE.id, FollowKind.CLAIM, claim.id)  # the moderator follows it too
    before = datetime.now(UTC)
    await desk.set_verdict(GUILD_A, 3, Verdict.FALSE, note="Debunked <@1>", source_url="https://e.org/x", actor=ALICE)
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)
    dms = {(i.recipient, i.payload["old"], i.payload["new"]) for i in taken if i.kind is OutboxKind.DM}
    assert dms == {(READER, claim.verdict.value, "false"), (OTHER_READER, claim.verdict.value, "false")}
    item = next(i for i in taken if i.recipient == READER)
    assert item.payload["note"] == "Debunked <@1>"
    assert item.payload["actor"] == "alice"
    assert item.payload["source"] == "https://e.org/x"
    assert item.payload["number"] == 3
    # Due one window after the change, not before: the batch of changes that follow it.
    assert item.due_at >= before + desk.outbox.window - timedelta(seconds=1)


async def test_a_story_follower_hears_of_an_attribution_change(desk: Desk) -> None:
    story = await desk.find_story(GUILD_A, "north-korea")
    await desk.follow(GUILD_A, READER, FollowKind.STORY, story.id)
    await desk.set_attribution(GUILD_A, 4, Attribution.RETRACTED, note="Withdrawn", source_url=None, actor=ALICE)
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)
    assert [(i.recipient, i.payload["field"], i.payload["new"]) for i in taken] == [
        (READER, "attribution", "retracted")
    ]


async def test_a_refused_change_enqueues_nothing(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 3)
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, claim.id)
    with pytest.raises(VerdictConflict):
        await desk.set_verdict(
            GUILD_A, 3, Verdict.FALSE, note="x", source_url=None, actor=ALICE, expected_revision=claim.revision - 1
        )
    assert await desk.store.outbox_pending() == 0


async def test_an_edit_of_the_statement_notifies_and_corrects_remembered_posts(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 5)
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, claim.id)
    posted = await remember(
        desk,
        GUILD_A,
        5,
        channel_id=77,
        message_id=9001,
        kind=PostedKind.CARD,
        shown_verdict=claim.verdict.value,
        shown_revision=claim.revision,
    )
    assert await desk.store.outbox_pending() == 0  # remembered as it was shown: nothing stale yet
    await desk.edit_claim(GUILD_A, 5, ClaimEdit(role="Someone else"), note="typo", actor=ALICE)
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)
    assert [(i.kind, i.recipient) for i in taken] == [(OutboxKind.EDIT, posted)]  # a role edit DMs nobody
    await desk.edit_claim(GUILD_A, 5, ClaimEdit(statement="Reworded."), note="clearer", actor=ALICE)
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)
    assert sorted(i.kind for i in taken) == [OutboxKind.DM, OutboxKind.EDIT]


async def test_a_post_remembered_after_a_change_it_missed_is_corrected(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 6)
    await desk.set_verdict(GUILD_A, 6, Verdict.FALSE, note="x", source_url=None, actor=ALICE)
    posted = await remember(
        desk,
        GUILD_A,
        6,
        channel_id=77,
        message_id=9002,
        kind=PostedKind.CARD,
        shown_verdict=claim.verdict.value,
        shown_revision=claim.revision,
    )
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)
    assert [(i.kind, i.recipient) for i in taken] == [(OutboxKind.EDIT, posted)]


async def test_only_the_latest_posts_of_a_claim_are_remembered(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 7)
    for n in range(POSTS_KEPT + 3):
        await remember(
            desk,
            GUILD_A,
            7,
            channel_id=77,
            message_id=10_000 + n,
            kind=PostedKind.CARD,
            shown_verdict=claim.verdict.value,
            shown_revision=claim.revision,
        )
    kept = await desk.store.posted_messages(GUILD_A, claim.id)
    assert [p.message_id for p in kept] == [10_000 + n for n in range(3, POSTS_KEPT + 3)]
    assert await desk.store.posted_messages(GUILD_B, claim.id) == []  # another guild's id names nothing


async def test_many_posts_remembered_at_once_are_each_kept_or_corrected_as_one_at_a_time(
    desk: Desk, db_path: Database
) -> None:
    """What the sender writes after a busy spell, in one write: every claim keeps its latest posts, a
    post that shows an older revision gets its edit, a message twice is remembered once, and a post of a
    claim that is not there (or of another guild's number) is dropped."""
    seven, eight = await desk.claim(GUILD_A, 7), await desk.claim(GUILD_A, 8)
    await desk.set_verdict(GUILD_A, 8, Verdict.FALSE, note="x", source_url=None, actor=ALICE)
    await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)  # the change's own rows
    now = datetime.now(UTC)

    def post(number: int, message_id: int, revision: int) -> PendingPost:
        return PendingPost(GUILD_A, number, 77, message_id, PostedKind.CARD, "unverified", revision, "", now)

    posts = [post(7, 20_000 + n, seven.revision) for n in range(POSTS_KEPT + 5)]
    posts += [post(8, 30_000, eight.revision), post(8, 30_000, eight.revision), post(9_999, 40_000, 1)]
    posts.append(PendingPost(GUILD_B, 7, 77, 50_000, PostedKind.CARD, "unverified", 1, "", now))
    async with desk.store.transaction() as tx:
        await write_posts(tx, posts)
    kept = await desk.store.posted_messages(GUILD_A, seven.id)
    assert [p.message_id for p in kept] == [20_000 + n for n in range(5, POSTS_KEPT + 5)]
    (stale,) = await desk.store.posted_messages(GUILD_A, eight.id)
    assert stale.message_id == 30_000
    assert stale.shown_attribution == eight.attribution.value
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=100, shards=None)
    assert [(i.kind, i.recipient) for i in taken] == [(OutboxKind.EDIT, stale.id)]  # 7 shows its revision
    assert query(db_path, "SELECT count(*) FROM posted_messages WHERE message_id IN (40000, 50000)") == [(0,)]


async def test_a_members_pending_dms_are_taken_together_as_one_batch(desk: Desk) -> None:
    for number in (1, 2):
        await desk.follow(GUILD_A, READER, FollowKind.CLAIM, await claim_id(desk, number))
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    await desk.set_verdict(GUILD_A, 2, Verdict.FALSE, note="b", source_url=None, actor=BOB)
    first_due = min(i.due_at for i in await desk.outbox.take("peek", now=later(), lease=LEASE, limit=1, shards=None))
    await desk.outbox.release(None)
    # When the first is due, the second (due a moment later) comes with it.
    taken = await desk.outbox.take("t", now=first_due, lease=LEASE, limit=10, shards=None)
    assert sorted(i.payload["number"] for i in taken) == [1, 2]
    assert await desk.outbox.take("u", now=first_due + LEASE / 2, lease=LEASE, limit=10, shards=None) == []


async def test_nothing_is_taken_before_it_is_due_and_a_lease_runs_out(desk: Desk) -> None:
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, await claim_id(desk, 1))
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    assert await desk.outbox.take("t", now=datetime.now(UTC), lease=LEASE, limit=10, shards=None) == []
    start = later()
    (item,) = await desk.outbox.take("t", now=start, lease=LEASE, limit=10, shards=None)
    assert item.attempts == 1
    assert await desk.outbox.take("u", now=start + LEASE / 2, lease=LEASE, limit=10, shards=None) == []
    (again,) = await desk.outbox.take("u", now=start + LEASE * 2, lease=LEASE, limit=10, shards=None)
    assert again.id == item.id
    assert again.attempts == 2
    # The first sender's lease is gone: it can no longer finish the row; the second can.
    assert await desk.outbox.finish([item.id], "t", start, "sent") == 0
    assert await desk.outbox.finish([item.id], "u", start, "sent") == 1
    assert await desk.store.outbox_pending() == 0


async def test_a_retried_row_waits_for_its_backoff(desk: Desk) -> None:
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, await claim_id(desk, 1))
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    start = later()
    (item,) = await desk.outbox.take("t", now=start, lease=LEASE, limit=10, shards=None)
    assert await desk.outbox.retry([item.id], "t", start + timedelta(seconds=10)) == 1
    assert await desk.outbox.take("t", now=start + timedelta(seconds=5), lease=LEASE, limit=10, shards=None) == []
    assert len(await desk.outbox.take("t", now=start + timedelta(seconds=11), lease=LEASE, limit=10, shards=None)) == 1


async def test_a_process_takes_only_its_own_shards_rows(desk: Desk) -> None:
    await desk.ensure_guild(GUILD_B)
    for guild in (GUILD_A, GUILD_B):
        await desk.follow(guild, READER, FollowKind.CLAIM, await claim_id(desk, 1, guild))
        await desk.set_verdict(guild, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    count = 2
    assert shard_of(GUILD_A, count) != shard_of(GUILD_B, count)
    mine = Shards(count, (shard_of(GUILD_A, count),))
    taken = await desk.outbox.take("a", now=later(), lease=LEASE, limit=10, shards=mine)
    assert {i.guild_id for i in taken} == {GUILD_A}
    assert await desk.outbox.next_due(Shards(count, (shard_of(GUILD_B, count),))) is not None


async def test_closed_dms_are_marked_and_told_once(desk: Desk) -> None:
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, await claim_id(desk, 1))
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    (item,) = await desk.outbox.take("t", now=later(), lease=LEASE, limit=10, shards=None)
    await desk.outbox.dm_refused(GUILD_A, READER, [item.id], "t", later())
    assert await desk.outbox.dm_closed(GUILD_A, READER)
    assert not await desk.outbox.dm_closed(GUILD_B, READER)
    # A second refusal while marked owes nothing more: the member is told once, with their next command.
    await desk.set_verdict(GUILD_A, 1, Verdict.CONFIRMED, note="b", source_url=None, actor=ALICE)
    (again,) = await desk.outbox.take("t", now=later() + LEASE, lease=LEASE, limit=10, shards=None)
    await desk.outbox.dm_refused(GUILD_A, READER, [again.id], "t", later())
    assert await desk.take_notices(GUILD_B, READER) == []
    taken = await asyncio.gather(*(desk.take_notices(GUILD_A, READER) for _ in range(4)))
    assert sorted(len(notices) for notices in taken) == [0, 0, 0, 1]
    (told,) = [notice for notices in taken for notice in notices]
    assert told.text == DMS_CLOSED
    # Following again is an explicit act: the mark goes, the next DM is tried.
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, await claim_id(desk, 2))
    assert not await desk.outbox.dm_closed(GUILD_A, READER)


async def test_edit_problems_are_recorded_per_channel_until_an_edit_succeeds(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 1)
    posted = await remember(
        desk,
        GUILD_A,
        1,
        channel_id=77,
        message_id=9003,
        kind=PostedKind.CARD,
        shown_verdict=claim.verdict.value,
        shown_revision=claim.revision,
    )
    assert posted is not None
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    (item,) = await desk.outbox.take("t", now=later(), lease=LEASE, limit=10, shards=None)
    await desk.outbox.edit_refused([item.id], "t", GUILD_A, 77, 50013, later())
    assert [(p.channel_id, p.code) for p in await desk.outbox.problems(GUILD_A)] == [(77, 50013)]
    assert await desk.outbox.problems(GUILD_B) == []
    await desk.set_verdict(GUILD_A, 1, Verdict.CONFIRMED, note="b", source_url=None, actor=ALICE)
    (item,) = await desk.outbox.take("t", now=later(), lease=LEASE, limit=10, shards=None)
    await desk.outbox.edited([item.id], "t", GUILD_A, 77, later())
    assert await desk.outbox.problems(GUILD_A) == []
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="c", source_url=None, actor=ALICE)
    (item,) = await desk.outbox.take("t", now=later(), lease=LEASE, limit=10, shards=None)
    await desk.outbox.edit_gone([item.id], "t", GUILD_A, posted, later())
    assert await desk.store.posted_messages(GUILD_A, claim.id) == []


async def test_a_request_can_follow_its_claim_inside_its_own_transaction(desk: Desk) -> None:
    at = datetime.now(UTC)
    async with desk.store.transaction() as tx:
        assert await follow_claim_for(tx, GUILD_A, READER, 3, at)
        assert not await follow_claim_for(tx, GUILD_A, READER, 3, at)
    assert [f.number for f in (await desk.following(GUILD_A, READER)).items] == [3]

    async def refused_request() -> None:
        async with desk.store.transaction() as tx:
            await follow_claim_for(tx, GUILD_A, OTHER_READER, 3, at)
            raise RuntimeError

    with pytest.raises(RuntimeError):  # rolled back with the caller's transaction
        await refused_request()
    assert (await desk.following(GUILD_A, OTHER_READER)).total == 0


async def test_two_senders_never_take_one_row(db_path: Database, desk: Desk) -> None:
    """Race: four senders, each with its own store (its own connections: other processes, as far as the
    database can tell), take the same 300 due rows at once, in small bites. Each row goes to exactly one;
    without the lease's compare-and-set (SKIP LOCKED and the re-checked lease) rows go to two."""
    claim = await desk.claim(GUILD_A, 1)
    for user in range(300):
        await desk.follow(GUILD_A, 10_000 + user, FollowKind.CLAIM, claim.id)
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    senders = [opened_desk(db_path) for _ in range(4)]
    for sender in senders:
        await sender.open()
    now = later()
    taken: dict[str, list[int]] = {}
    start = asyncio.Event()

    async def run(name: str, sender: Desk) -> None:
        await start.wait()
        mine = taken.setdefault(name, [])
        while True:
            async with sender.store.transaction() as tx:
                got = await tx.claim_outbox(name, now, now + LEASE, 7, None)
            if not got:
                return
            mine += [i.id for i in got]
            await asyncio.sleep(0.002)  # as a sender delivers: the others get their turn

    try:
        tasks = [asyncio.create_task(run(f"s{n}", s)) for n, s in enumerate(senders)]
        start.set()
        await asyncio.gather(*tasks)
    finally:
        for sender in senders:
            await sender.close()
    every = [i for ids in taken.values() for i in ids]
    assert len(every) == 300
    assert len(set(every)) == 300, "a row was taken by two senders"
    assert sum(1 for ids in taken.values() if ids) >= 2  # they really raced
    owners = query(db_path, "SELECT count(DISTINCT lease_owner) FROM outbox WHERE kind = 'dm'")
    assert owners[0][0] >= 2


async def test_a_follow_is_never_of_another_guilds_claim(desk: Desk) -> None:
    await desk.ensure_guild(GUILD_B)
    b_claim = await desk.claim(GUILD_B, 1)
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, b_claim.id)  # a forged id, as a cog never passes
    await desk.set_verdict(GUILD_B, 1, Verdict.FALSE, note="a", source_url=None, actor=Actor(1, "b-mod"))
    assert await desk.store.outbox_pending(GUILD_B) == 0
    (listed,) = (await desk.following(GUILD_A, READER)).items
    assert listed.name == ""
    assert listed.number is None


async def test_a_post_remembered_just_before_a_change_is_written_and_corrected_by_it(desk: Desk) -> None:
    claim = await desk.claim(GUILD_A, 8)
    post = {"channel_id": 77, "message_id": 9100, "kind": PostedKind.CARD, "shown_verdict": claim.verdict.value}
    desk.remember_post(GUILD_A, 8, shown_revision=claim.revision, **post)  # type: ignore[arg-type]
    assert await desk.flush_posts() == 0  # not old enough to need a write of its own
    with pytest.raises(NothingToChange):  # a refused change keeps it for the next
        await desk.set_verdict(GUILD_A, 8, claim.verdict, note="same", source_url=None, actor=ALICE)
    assert await desk.store.posted_messages(GUILD_A, claim.id) == []
    await desk.set_verdict(GUILD_A, 8, Verdict.FALSE, note="x", source_url=None, actor=ALICE)
    (posted,) = await desk.store.posted_messages(GUILD_A, claim.id)
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=10, shards=None)
    assert [(i.kind, i.recipient) for i in taken] == [(OutboxKind.EDIT, posted.id)]


async def test_delivered_rows_are_pruned_after_a_week_and_pending_ones_never(desk: Desk) -> None:
    await desk.follow(GUILD_A, READER, FollowKind.CLAIM, await claim_id(desk, 1))
    await desk.follow(GUILD_A, OTHER_READER, FollowKind.CLAIM, await claim_id(desk, 1))
    await desk.set_verdict(GUILD_A, 1, Verdict.FALSE, note="a", source_url=None, actor=ALICE)
    start = later()
    first, _second = await desk.outbox.take("t", now=start, lease=LEASE, limit=10, shards=None)
    await desk.outbox.finish([first.id], "t", start, "sent")
    assert await desk.outbox.prune(start + timedelta(days=6)) == 0
    assert await desk.outbox.prune(start + timedelta(days=8)) == 1
    assert await desk.store.outbox_pending() == 1


async def test_a_post_written_while_its_claim_changes_is_still_corrected(desk: Desk) -> None:
    """Race: the sender writes a remembered post while a moderator's change of that claim is under way.
    Whichever commits first, the post gets its correction; without the claim's row lock (PostgreSQL)
    each transaction misses the other's write and the card stays stale."""
    claim = await desk.claim(GUILD_A, 9)
    posted = asyncio.Event()

    async def flush() -> None:
        async with desk.store.transaction() as tx:
            shown = (claim.verdict.value, claim.revision, "", datetime.now(UTC))
            await write_posts(tx, [PendingPost(GUILD_A, 9, 77, 9200, PostedKind.CARD, *shown)])
            posted.set()
            await asyncio.sleep(0.3)  # the change runs meanwhile

    async def change() -> None:
        await posted.wait()
        await desk.set_verdict(GUILD_A, 9, Verdict.FALSE, note="x", source_url=None, actor=ALICE)

    await asyncio.gather(flush(), change())
    (kept,) = await desk.store.posted_messages(GUILD_A, claim.id)
    taken = await desk.outbox.take("t", now=later(), lease=LEASE, limit=10, shards=None)
    assert [(i.kind, i.recipient) for i in taken] == [(OutboxKind.EDIT, kept.id)]
