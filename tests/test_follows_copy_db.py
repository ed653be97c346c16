"""Following and corrections (issue 12): follows, the outbox, remembered posts and the sender's marks travel
with `python -m bot copy-db`, so a desk moved to PostgreSQL keeps its members' follows and delivers what
was still undelivered, a row left under lease by the stopped bot included."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.desk import Desk
from bot.domain.follows import FollowKind, OutboxItem, PostedKind
from bot.domain.states import Verdict
from bot.seedfile import load_story
from bot.store.copying import FOLLOW_TABLES, copy_database
from tests.desks import opened_desk
from tests.test_copy_db import ALICE, BOB, GUILD, SHIPPED_STORY, assert_copied, postgres_desk, settings_for, sqlite_url

READER = 5001
OTHER_READER = 5002
CLOSED = 5009
LEASE = timedelta(seconds=30)
# Past every batching window, as the sender's clock would be: every row is due.
THEN = datetime.now(UTC) + timedelta(hours=1)


def undelivered(path: Path) -> list[tuple[int, str | None]]:
    """(id, lease owner) of the source's rows not done, read behind the desk's back."""
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, lease_owner FROM outbox WHERE done_at IS NULL ORDER BY id").fetchall()


def sent(items: list[OutboxItem]) -> list[tuple[int, str, int, dict[str, object]]]:
    return sorted((i.id, i.kind.value, i.recipient, i.payload) for i in items)


async def followed_desk(desk: Desk) -> None:
    """Follows of each kind, a remembered card, a delivered DM, an edit the stopped bot held under lease,
    DMs not taken yet, a member whose DMs are closed and a channel that refused an edit."""
    async with desk:
        await desk.ensure_guild(GUILD)
        first, second = await desk.claim(GUILD, 1), await desk.claim(GUILD, 2)
        story = await desk.find_story(GUILD, "north-korea")
        await desk.follow(GUILD, READER, FollowKind.CLAIM, first.id)
        await desk.follow(GUILD, READER, FollowKind.STORY, story.id)
        await desk.follow(GUILD, OTHER_READER, FollowKind.SPEAKER, second.speaker.id)
        desk.remember_post(
            GUILD, 3, channel_id=77, message_id=9901, kind=PostedKind.CARD, shown_verdict="unverified",
            shown_revision=(await desk.claim(GUILD, 3)).revision,
        )  # fmt: skip
        assert await desk.flush_posts(older_than=0) == 1
        await desk.set_verdict(GUILD, 3, Verdict.FALSE, note="Debunked", source_url=None, actor=ALICE)
        taken = await desk.outbox.take("old-bot", now=THEN, lease=LEASE, limit=100, shards=None)
        dms = [i.id for i in taken if i.kind.value == "dm"]
        assert dms, "the change enqueued a DM"
        assert len(taken) > len(dms), "and the card's edit"
        assert await desk.outbox.finish(dms, "old-bot", THEN, "sent") == len(dms)
        # The edit stays under lease: the bot was stopped before it finished it.
        await desk.set_verdict(GUILD, 1, Verdict.CONFIRMED, note="Seen", source_url=None, actor=BOB)
        async with desk.store.transaction() as tx:
            await tx.mark_dm_closed(GUILD, CLOSED, THEN)
            await tx.set_edit_problem(GUILD, 78, 50013, THEN)


async def test_follows_the_outbox_and_the_marks_are_copied_and_the_undelivered_rows_go_out(
    tmp_path: Path, empty_postgres_url: str
) -> None:
    source = tmp_path / "claims.db"
    await followed_desk(opened_desk(source, [load_story(SHIPPED_STORY)]))
    pending = undelivered(source)
    assert {owner for _id, owner in pending} == {"old-bot", None}  # one row held under lease, others not taken

    report = await copy_database(settings_for(sqlite_url(source)), empty_postgres_url)

    assert_copied(report)
    counts = {check.table: check.target_rows for check in report.checks}
    assert {table.name for table in FOLLOW_TABLES} <= counts.keys()
    assert counts["follows"] == 3
    assert counts["posted_messages"] == counts["dm_closed"] == counts["edit_problems"] == 1
    assert counts["outbox"] > len(pending)  # the delivered DM travelled too
    async with opened_desk(source) as sqlite_desk:
        expected = [await sqlite_desk.following(GUILD, member) for member in (READER, OTHER_READER)]
        card = (await sqlite_desk.store.posted_messages(GUILD, (await sqlite_desk.claim(GUILD, 3)).id))[0]
        problems = await sqlite_desk.outbox.problems(GUILD)
        # On the source the edit is still held until the old lease runs out.
        held = await sqlite_desk.outbox.take("peek", now=THEN, lease=LEASE, limit=100, shards=None)
    async with postgres_desk(empty_postgres_url) as desk:
        assert [await desk.following(GUILD, member) for member in (READER, OTHER_READER)] == expected
        assert await desk.store.is_following(GUILD, OTHER_READER, FollowKind.SPEAKER, expected[1].items[0].target_id)
        assert await desk.store.outbox_pending() == len(pending)
        # The new bot's first take, at the moment the old bot's lease still ran: every undelivered row,
        # the edit the stopped bot held included (its lease was released by the copy).
        taken = await desk.outbox.take("new-bot", now=THEN, lease=LEASE, limit=100, shards=None)
        assert sorted(i.id for i in taken) == [row_id for row_id, _owner in pending]
        assert len(taken) > len(held)
        (edit,) = [i for i in taken if i.kind.value == "edit"]
        assert await desk.outbox.posted(GUILD, edit.recipient) == card
        assert await desk.outbox.dm_closed(GUILD, CLOSED)
        assert not await desk.outbox.dm_closed(GUILD, READER)
        assert await desk.outbox.problems(GUILD) == problems
        assert await desk.outbox.finish([i.id for i in taken], "new-bot", THEN, "sent") == len(taken)
        # New rows continue past the copied ids.
        await desk.set_verdict(GUILD, 2, Verdict.FALSE, note="Checked", source_url=None, actor=ALICE)
        fresh = await desk.outbox.take("new-bot", now=THEN, lease=LEASE, limit=100, shards=None)
        assert OTHER_READER in {i.recipient for i in fresh}
        assert min(i.id for i in fresh) > max(row_id for row_id, _owner in pending)
        desk.remember_post(
            GUILD, 2, channel_id=77, message_id=9902, kind=PostedKind.CARD, shown_verdict="false", shown_revision=1
        )
        assert await desk.flush_posts(older_than=0) == 1
        (posted,) = await desk.store.posted_messages(GUILD, (await desk.claim(GUILD, 2)).id)
        assert posted.id > card.id
