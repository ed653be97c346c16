"""Following and corrections through the real bot and the local Discord: /follow, the DM a follower gets,
the cards and announcements corrected in place, closed DMs, deleted and unreachable posts, rate limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.bot import ClaimBot
from bot.desk.outbox import DMS_CLOSED
from bot.domain.follows import PostedKind
from localdiscord import permissions as perms
from localdiscord.client import restore_discord_py
from localdiscord.world import Message
from tests.bot.conftest import BOTH_BACKENDS, Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import description, fields

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

WINDOW = 0.3  # the batching window, shortened from a minute
# For the test that three changes made one after another fall in one window: each is a command answered
# before the next is sent, which on a loaded machine (and PostgreSQL) took longer than 0.3 s in all.
WIDE_WINDOW = 3.0


@pytest.fixture
def window(request: pytest.FixtureRequest) -> float:
    return float(getattr(request, "param", WINDOW))


@pytest.fixture
async def bot(newsroom: Newsroom, bot_database: Path | str, window: float) -> AsyncIterator[ClaimBot]:
    settings = bot_settings(newsroom.driver, bot_database).model_copy(
        update={"follow_batch_seconds": window, "outbox_poll_seconds": 0.05, "outbox_deliveries_per_second": 200}
    )
    started, desk, task = await start_bot(settings)
    try:
        yield started
    finally:
        await stop_bot(started, desk, task)
        restore_discord_py()


async def eventually(predicate: Callable[[], object], within: float = 5.0) -> None:
    for _ in range(int(within / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still not so after {within:.1f} s")


async def slash(newsroom: Newsroom, member, name: str, options=None, **kwargs):  # type: ignore[no-untyped-def]
    result = await newsroom.driver.slash(newsroom.guild, member, name, options or {}, **kwargs)
    await result
    return result


async def set_verdict(newsroom: Newsroom, number: int, verdict: str, note: str = "Checked", **more: str):  # type: ignore[no-untyped-def]
    options = {"claim": f"#{number}", "verdict": verdict, "note": note, **more}
    return await slash(newsroom, newsroom.moderator, "mod", options, subcommand="status")


def current(newsroom: Newsroom, message: Message) -> Message:
    return newsroom.driver.world.messages[message.id]


async def test_a_follower_gets_a_dm_and_the_card_posted_earlier_shows_the_new_verdict(
    newsroom: Newsroom, bot: ClaimBot
) -> None:
    d = newsroom.driver
    followed = await slash(newsroom, newsroom.reader, "follow", {"claim": "#1"})
    assert followed.ephemeral
    assert followed.text.startswith("✅ You now follow **#1**")
    card = (await slash(newsroom, newsroom.reader, "claim", {"claim": "#1"})).original
    assert card is not None
    assert fields(card)["Verdict"].startswith("🟠 **Disputed**")
    await set_verdict(newsroom, 1, "confirmed", note="Satellite images @everyone", source="https://e.org/i")
    await eventually(lambda: d.dms(newsroom.reader) and current(newsroom, card).edited)
    (dm,) = d.dms(newsroom.reader)
    assert "Something you follow in Newsroom changed" in dm.content
    assert "**#1** verdict: 🟠 Disputed → 🟢 Confirmed" in dm.content
    assert "<https://e.org/i>" in dm.content
    assert "by mod" in dm.content
    assert "@everyone" not in dm.content  # escaped, so not even the look of a ping
    assert dm.payload.get("mentions", []) == []
    edited = current(newsroom, card)
    assert fields(edited)["Verdict"].startswith("🟢 **Confirmed**")
    # Drawn as /claim draws it, demand and freshness included.
    assert fields(edited).keys() == fields(card).keys()
    assert "verdict as of <t:" in fields(edited)["Asked and reviewed"]
    author = edited.embeds[0]["author"]["name"]
    assert author.startswith("Updated ")
    assert author.endswith(": was 🟠 Disputed, now 🟢 Confirmed")
    assert d.dms(newsroom.moderator) == []  # the moderator made the change; no DM about it


@pytest.mark.parametrize("window", [WIDE_WINDOW], indirect=True)
async def test_changes_within_the_window_come_as_one_dm(newsroom: Newsroom, bot: ClaimBot, window: float) -> None:
    d = newsroom.driver
    await slash(newsroom, newsroom.reader, "follow", {"claim": "#1"})
    await slash(newsroom, newsroom.reader, "follow", {"claim": "#2"})
    await set_verdict(newsroom, 1, "false")
    await set_verdict(newsroom, 2, "false")
    await slash(
        newsroom,
        newsroom.moderator,
        "mod",
        {"claim": "#1", "status": "retracted", "note": "Withdrawn"},
        subcommand="attribution",
    )
    await eventually(lambda: d.dms(newsroom.reader), within=window + 5)
    await asyncio.sleep(WINDOW)  # nothing else is on its way: the one DM holds all three changes (below)
    (dm,) = d.dms(newsroom.reader)
    assert "What you follow in Newsroom changed" in dm.content
    assert "**#1** verdict:" in dm.content
    assert "**#2** verdict:" in dm.content
    assert "**#1** attribution:" in dm.content


async def test_closed_dms_are_marked_not_tried_again_and_the_member_is_told_once(
    newsroom: Newsroom, bot: ClaimBot
) -> None:
    d = newsroom.driver
    await slash(newsroom, newsroom.reader, "follow", {"claim": "#1"})
    d.close_dms(newsroom.reader)
    await set_verdict(newsroom, 1, "false")
    await eventually(lambda: len(d.refused_dms(newsroom.reader)) == 1)
    await set_verdict(newsroom, 1, "confirmed")
    await asyncio.sleep(WINDOW * 3)
    assert len(d.refused_dms(newsroom.reader)) == 1  # marked: not retried for every change
    told = await slash(newsroom, newsroom.reader, "following")
    assert [m.text for m in told.messages[1:]] == [f"📬 {DMS_CLOSED}"]  # a notice (bot/desk/notices.py)
    assert all(m.ephemeral for m in told.messages)
    again = await slash(newsroom, newsroom.reader, "following")
    assert len(again.messages) == 1  # told once


async def test_a_deleted_card_is_forgotten_and_an_unreachable_one_is_shown_in_mod_config(
    newsroom: Newsroom, bot: ClaimBot
) -> None:
    d = newsroom.driver
    gone = (await slash(newsroom, newsroom.reader, "claim", {"claim": "#3"})).original
    hidden = (await slash(newsroom, newsroom.reader, "claim", {"claim": "#3"}, channel=newsroom.announce)).original
    assert gone is not None
    assert hidden is not None
    d.delete_message(gone)
    d.set_bot_permissions(newsroom.announce, deny=perms.VIEW_CHANNEL)
    await set_verdict(newsroom, 3, "false")
    claim = await bot.desk.claim(newsroom.guild.id, 3)

    async def settled() -> bool:
        return await bot.desk.store.outbox_pending(newsroom.guild.id) == 0

    for _ in range(100):
        if await settled():
            break
        await asyncio.sleep(0.05)
    remembered = await bot.desk.store.posted_messages(newsroom.guild.id, claim.id)
    assert {p.message_id for p in remembered if p.kind is PostedKind.CARD} == {hidden.id}  # the deleted one forgotten
    config = await slash(newsroom, newsroom.admin, "mod", {}, subcommand="config")
    assert f"⚠️ I could not update my earlier posts in <#{newsroom.announce.id}> (Discord error 50001" in config.text
    d.set_bot_permissions(newsroom.announce)  # given back: the next correction goes through, the warning goes
    await set_verdict(newsroom, 3, "confirmed")
    await eventually(lambda: current(newsroom, hidden).edited)
    for _ in range(100):
        if await settled():
            break
        await asyncio.sleep(0.05)
    config = await slash(newsroom, newsroom.admin, "mod", {}, subcommand="config")
    assert "could not update" not in config.text


async def test_announcements_are_corrected_in_place_by_a_later_change(newsroom: Newsroom, bot: ClaimBot) -> None:
    d = newsroom.driver
    await slash(newsroom, newsroom.admin, "mod", {"announce_channel": newsroom.announce}, subcommand="config")
    first = await set_verdict(newsroom, 4, "disputed", note="Doubts")
    (announced,) = d.messages(newsroom.announce)
    in_channel = first.messages[1]
    await set_verdict(newsroom, 4, "false", note="Debunked")
    await eventually(lambda: current(newsroom, announced).edited and current(newsroom, in_channel).edited)
    for message in (announced, in_channel):
        text = current(newsroom, message).content
        assert text.startswith("**#4 is now Disputed**")
        assert text.split("\n")[-1].endswith(": was 🟠 Disputed, now 🔴 False")
        assert text.split("\n")[-1].startswith("-# Updated ")


async def test_rate_limited_dms_are_delivered_once_the_limit_passes(newsroom: Newsroom, bot: ClaimBot) -> None:
    d = newsroom.driver
    await slash(newsroom, newsroom.reader, "follow", {"claim": "#5"})
    await slash(newsroom, newsroom.checker, "follow", {"claim": "#5"})
    d.rate_limit("POST", "/channels/{channel_id}/messages", times=3, retry_after=0.2)
    d.rate_limit("POST", "/users/@me/channels", times=1, retry_after=0.2, global_=True)
    await set_verdict(newsroom, 5, "confirmed")
    await eventually(lambda: d.dms(newsroom.reader) and d.dms(newsroom.checker), within=10)
    assert len(d.rate_limited) >= 2
    await asyncio.sleep(WINDOW)
    assert len(d.dms(newsroom.reader)) == 1
    assert len(d.dms(newsroom.checker)) == 1


async def test_follow_refuses_none_or_two_things_and_unfollow_what_is_not_followed(
    newsroom: Newsroom, bot: ClaimBot
) -> None:
    none = await slash(newsroom, newsroom.reader, "follow")
    assert none.ephemeral
    assert none.text == "Choose one thing: a claim, a speaker or a story."
    two = await slash(newsroom, newsroom.reader, "follow", {"claim": "#1", "speaker": "Rutte"})
    assert two.text == "Choose one thing: a claim, a speaker or a story."
    nope = await slash(newsroom, newsroom.reader, "unfollow", {"claim": "#1"})
    assert nope.text.startswith("You do not follow **#1**")
    listing = await slash(newsroom, newsroom.reader, "following")
    assert "You follow nothing here yet" in description(listing.original)


async def test_following_lists_speakers_stories_and_claims_and_pages(newsroom: Newsroom, bot: ClaimBot) -> None:
    d = newsroom.driver
    story = await d.autocomplete(newsroom.guild, newsroom.reader, "follow", "story", "north")
    await story
    (choice,) = story.choices
    await slash(newsroom, newsroom.reader, "follow", {"story": choice["value"]})
    await slash(newsroom, newsroom.reader, "follow", {"speaker": "Rutte"})
    for number in range(1, 11):
        await slash(newsroom, newsroom.reader, "follow", {"claim": f"#{number}"})
    listing = await slash(newsroom, newsroom.reader, "following")
    assert listing.ephemeral
    embed = listing.original.embeds[0]
    assert embed["footer"]["text"] == "Showing 1–10 of 12 follows"
    nxt = await d.press(listing.original, listing.original.components[0]["components"][1]["custom_id"], newsroom.reader)
    await nxt
    text = description(d.world.messages[listing.original.id])
    assert "speaker **Mark Rutte**" in text
    assert "story **" in text
    gone = await slash(newsroom, newsroom.reader, "unfollow", {"speaker": "Rutte"})
    assert gone.text == "✅ You no longer follow speaker **Mark Rutte**."
    other = await d.slash(newsroom.other_guild, newsroom.other_moderator, "following", {})
    await other
    assert "You follow nothing here yet" in description(other.original)
