"""The buttons: on the card, the pagers of lists, and that they still work after the bot restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.claims import Actor, NewClaim
from bot.domain.states import Verdict
from localdiscord.client import restore_discord_py
from localdiscord.world import Message
from tests.bot.conftest import BOTH_BACKENDS, Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import description, filled

# Every test here runs on SQLite and, where a server answers, on PostgreSQL.
pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

SETUP = Actor(1, "test setup")
UPDATE_MESSAGE = 7


async def post_card(newsroom: Newsroom, number: int) -> Message:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.moderator, "claim", {"claim": str(number)})
    await result
    assert result.original is not None
    return result.original


def footer(message: Message) -> str:
    return str(message.embeds[0]["footer"]["text"])


def button(message: Message, label: str) -> str:
    for row in message.components:
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise LookupError(f"no {label!r} button on {message!r}")


# The card's buttons, pressed by a reader on a card a moderator posted


async def test_history_button_shows_the_claims_timeline_privately(newsroom: Newsroom, claimbot) -> None:
    card = await post_card(newsroom, 2)
    result = await newsroom.driver.press(card, "claimbot:claim:history:2", newsroom.reader)
    await result
    assert result.ephemeral
    assert result.original.embeds[0]["title"] == "History of claim #2"
    assert "**Verdict**: 🟠 Disputed · by **claimbot seed**" in description(result.original)
    assert footer(result.original) == "Showing 1–1 of 1 changes"


async def test_speaker_button_shows_the_speakers_other_claims_privately(newsroom: Newsroom, claimbot) -> None:
    card = await post_card(newsroom, 6)
    result = await newsroom.driver.press(card, "claimbot:claim:speaker:6", newsroom.reader)
    await result
    assert result.ephemeral
    assert result.original.embeds[0]["title"] == "Claims by Mark Rutte"
    assert "**#6** Rutte: There is no evidence" in description(result.original)
    assert "Also written as NATO, Rutte" in description(result.original)


async def test_related_button_shows_what_contradicts_and_supports_the_claim(newsroom: Newsroom, claimbot) -> None:
    card = await post_card(newsroom, 2)
    result = await newsroom.driver.press(card, "claimbot:claim:related:2", newsroom.reader)
    await result
    assert result.ephemeral
    assert result.original.embeds[0]["title"] == "Claims related to #2"
    lines = description(result.original).split("\n")
    assert "contradicted by **#6** Rutte: There is no evidence that North Korean soldiers are involved" in "\n".join(
        lines
    )
    assert any(line.startswith("supported by **#3** Ukrainian officials") for line in lines)
    assert any(line.startswith("same as **#1** Zelensky") for line in lines)
    # the card itself is left as it was
    assert not card.edited


# Pagers


async def many_zelensky_claims(desk: Desk, newsroom: Newsroom) -> None:
    for index in range(12):
        new = NewClaim(statement=f"Statement number {index} about the front.", verbatim=False, speaker="Zelenskyy")
        await desk.add_claim(newsroom.guild.id, new, note="setup", actor=SETUP)


async def test_who_said_pages_in_place_for_whoever_asked(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await many_zelensky_claims(desk, newsroom)
    asked = await d.slash(newsroom.guild, newsroom.reader, "who-said", {"speaker": "Zelenskiy"})
    await asked
    page = asked.original
    assert page is not None
    assert not page.ephemeral
    assert footer(page) == "Showing 1–10 of 16 claims"
    assert page.find_component(button(page, "◀ Previous"))["disabled"] is True

    turned = await d.press(page, button(page, "Next ▶"), newsroom.reader)
    await turned
    assert turned.callback_type == UPDATE_MESSAGE
    assert turned.original.id == page.id
    assert footer(turned.original) == "Showing 11–16 of 16 claims"
    assert "**#28** Zelensky: Statement number 11 about the front." in description(turned.original)
    assert turned.original.find_component(button(turned.original, "Next ▶"))["disabled"] is True

    back = await d.press(turned.original, button(turned.original, "◀ Previous"), newsroom.reader)
    await back
    assert footer(back.original) == "Showing 1–10 of 16 claims"


async def test_someone_elses_page_turn_is_private_and_leaves_the_list_alone(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await many_zelensky_claims(desk, newsroom)
    asked = await d.slash(newsroom.guild, newsroom.reader, "who-said", {"speaker": "zelensky"})
    await asked
    page = asked.original
    assert page is not None
    before = page.snapshot()

    other = await d.press(page, button(page, "Next ▶"), newsroom.moderator)
    await other
    assert other.callback_type == 4
    assert other.ephemeral
    assert other.original.id != page.id
    assert footer(other.original) == "Showing 11–16 of 16 claims"
    assert d.world.messages[page.id].payload == before
    assert not d.world.messages[page.id].edited

    # their private copy then pages in place
    private = other.original
    again = await d.press(private, button(private, "◀ Previous"), newsroom.moderator)
    await again
    assert again.callback_type == UPDATE_MESSAGE
    assert again.original.id == private.id
    assert footer(again.original) == "Showing 1–10 of 16 claims"
    assert d.world.messages[page.id].payload == before


async def test_search_pages_keep_the_query_and_filters(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    asked = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "north korea"})
    await asked
    page = asked.original
    first = description(page)
    assert "Showing 1–5 of " in first
    total = first.split("Showing 1–5 of ")[1].split(" ")[0]
    turned = await d.press(page, "claimbot:search:page:5:any:0", newsroom.reader)
    await turned
    assert turned.callback_type == UPDATE_MESSAGE
    text = description(turned.original)
    assert "Claims matching **north korea**" in text
    assert f"Showing 6–10 of {total} claims" in text
    assert "**North** **Korea" in text  # bold on page two as on page one
    assert {line.split(" ")[0] for line in first.split("\n") if line.startswith("**#")}.isdisjoint(
        {line.split(" ")[0] for line in text.split("\n") if line.startswith("**#")}
    )


async def test_history_pages_through_a_long_timeline(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    verdicts = [Verdict.INVESTIGATING, Verdict.DISPUTED] * 5
    for index, verdict in enumerate(verdicts):
        await desk.set_verdict(
            newsroom.guild.id, 5, verdict, note=f"round {index}", source_url=None, actor=Actor(9, f"mod{index}")
        )
    asked = await d.slash(newsroom.guild, newsroom.reader, "status", {"claim": "5"})
    await asked
    page = asked.original
    assert footer(page) == "Showing 1–8 of 11 changes"
    assert "round 9" in description(page)
    turned = await d.press(page, "claimbot:history:page:5:8", newsroom.reader)
    await turned
    assert footer(turned.original) == "Showing 9–11 of 11 changes"
    text = description(turned.original)
    assert "round 1" in text
    assert "round 0" in text
    assert "by **claimbot seed**" in text


# Persistence


async def test_card_buttons_still_work_after_the_bot_restarts(newsroom: Newsroom, bot_database: Path | str) -> None:
    d = newsroom.driver
    settings = bot_settings(d, bot_database)
    bot, desk, task = await start_bot(settings)
    try:
        card = await post_card(newsroom, 2)
        searched = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "north korea"})
        await searched
    finally:
        await stop_bot(bot, desk, task)
    bot, desk, task = await start_bot(settings)
    try:
        assert bot.user is not None
        for custom_id, title in (
            ("claimbot:claim:history:2", "History of claim #2"),
            ("claimbot:claim:speaker:2", "Claims by Volodymyr Zelensky"),
            ("claimbot:claim:related:2", "Claims related to #2"),
        ):
            result = await d.press(card, custom_id, newsroom.reader)
            await result
            assert result.ephemeral, custom_id
            assert result.original.embeds[0]["title"] == title
        # the search pager reads its query back from the message, so it pages after a restart too
        turned = await d.press(searched.original, "claimbot:search:page:5:any:0", newsroom.reader)
        await turned
        assert turned.callback_type == UPDATE_MESSAGE
        assert "Claims matching **north korea**" in description(turned.original)
        assert "Showing 6–10 of " in description(turned.original)
        # and a change made through the new process shows on the old card's buttons
        change = await d.slash(
            newsroom.guild,
            newsroom.moderator,
            "mod",
            {"claim": "2", "verdict": "confirmed", "note": "after restart"},
            subcommand="status",
        )
        await change
        history = await d.press(card, "claimbot:claim:history:2", newsroom.reader)
        await history
        assert "🟠 Disputed → 🟢 Confirmed · by **mod**" in description(history.original)
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def test_a_form_opened_before_a_restart_is_answered_not_lost(
    newsroom: Newsroom, bot_database: Path | str
) -> None:
    d = newsroom.driver
    settings = bot_settings(d, bot_database)
    bot, desk, task = await start_bot(settings)
    try:
        opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "quote"}, subcommand="add")
        await opened
        assert opened.modal is not None
    finally:
        await stop_bot(bot, desk, task)
    bot, desk, task = await start_bot(settings)
    try:
        submitted = await d.submit_modal(
            opened, filled(opened, {"Statement": "Said before the restart.", "Speaker (a person or a body)": "Rutte"})
        )
        await submitted
        assert submitted.ephemeral
        assert "opened before claimbot restarted" in submitted.text
        assert await desk.resolve_claim(newsroom.guild.id, "17") is None  # nothing was added
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()
