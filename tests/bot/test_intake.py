"""Members asking for checks (issue 11): Apps → Request a check on a message, and /submit with its
"is it #7?" question, through the real bot and the local Discord, as a reader would use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk import Desk
from bot.desk.intake import REQUESTS_PER_HOUR
from bot.domain.claims import Actor
from bot.domain.intake import SubmissionStatus
from bot.domain.states import Verdict
from localdiscord.client import restore_discord_py
from tests.bot.conftest import BOTH_BACKENDS, Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import filled, public

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

MATCHING = "Are NK soldiers fighting in Ukraine?"
UNRELATED = "The mayor says the new bridge cost 40 million"


def texts(result) -> str:  # type: ignore[no-untyped-def]
    """Everything the member reads: message text and embed descriptions and fields."""
    parts = []
    for message in result.messages:
        parts.append(message.content or "")
        for embed in message.embeds:
            parts.append(str(embed.get("title") or ""))
            parts.append(str(embed.get("description") or ""))
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def button_ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["custom_id"] for m in result.messages for row in m.components for c in row["components"]]


async def request(newsroom: Newsroom, member, message):  # type: ignore[no-untyped-def]
    result = await newsroom.driver.message_command(newsroom.guild, member, "Request a check", message)
    await result.finished()
    return result


async def test_request_a_check_on_a_tracked_claim_shows_its_card_privately_and_counts_the_request(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    posted = d.post_message(newsroom.general, newsroom.admin, MATCHING)
    first = await request(newsroom, newsroom.reader, posted)
    again = await request(newsroom, newsroom.reader, posted)

    assert first.ephemeral
    shown = texts(first)
    assert "Your request is counted on claim #" in shown
    assert "👥 1 member asked for a check" in shown
    assert "verdict as of <t:" in shown
    assert "You had already asked about claim #" in texts(again)
    assert "👥 1 member asked" in texts(again)
    assert public(d.messages(newsroom.general)) == [posted]  # nothing said in the channel


async def test_a_claims_card_shows_each_new_request_though_the_claim_itself_did_not_change(
    newsroom: Newsroom, desk: Desk
) -> None:
    """/claim reads the standing with the claim's option, and the card kept under the claim's stamp is
    drawn again when the standing differs: a request, which changes no revision, shows at once."""
    d = newsroom.driver
    posted = d.post_message(newsroom.general, newsroom.admin, MATCHING)
    asked = await request(newsroom, newsroom.reader, posted)
    number = int(texts(asked).split("claim #", 1)[1].split(",", 1)[0].split(" ", 1)[0])
    before = await d.slash(newsroom.guild, newsroom.checker, "claim", {"claim": str(number)})
    await before.finished()
    assert "👥 1 member asked for a check" in texts(before)
    await request(newsroom, newsroom.checker, posted)
    after = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": str(number)})
    await after.finished()
    assert "👥 2 members asked for a check" in texts(after)
    assert (await desk.standing(newsroom.guild.id, number)).requests == 2


async def test_request_a_check_on_anything_else_goes_to_the_queue_without_pinging_its_author(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    posted = d.post_message(newsroom.general, newsroom.admin, f"<@{newsroom.moderator.id}> @everyone {UNRELATED}")
    result = await request(newsroom, newsroom.reader, posted)
    other = await request(newsroom, newsroom.checker, posted)

    assert result.ephemeral
    assert "Sent to the moderators as submission S1 (1 member asked)" in texts(result)
    assert "Sent to the moderators as submission S1 (2 members asked)" in texts(other)
    submission = await desk.submission(newsroom.guild.id, 1)
    assert submission.statement.endswith(UNRELATED)
    assert submission.message_url.endswith(f"/{posted.id}")
    assert submission.author_name == "admin"
    assert submission.requests == 2


async def test_request_a_check_on_a_message_without_text_says_so(newsroom: Newsroom, desk: Desk) -> None:
    posted = newsroom.driver.post_message(newsroom.general, newsroom.admin, "")
    result = await request(newsroom, newsroom.reader, posted)
    assert result.ephemeral
    assert "no text to check" in result.text


async def test_submit_opens_a_form_and_a_new_claim_goes_to_the_queue(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.reader, "submit")
    await opened
    sent = await d.submit_modal(
        opened,
        filled(
            opened,
            {
                "What was claimed": UNRELATED,
                "Who said it": "The mayor",
                "Where and when": "City hall, Monday",
                "A link (http or https)": "https://example.org/bridge",
            },
        ),
    )
    await sent.finished()
    assert sent.ephemeral
    assert "Sent to the moderators as submission S1" in sent.text
    submission = await desk.submission(newsroom.guild.id, 1)
    assert (submission.speaker, submission.where_when, submission.link) == (
        "The mayor",
        "City hall, Monday",
        "https://example.org/bridge",
    )
    assert submission.status is SubmissionStatus.OPEN


async def test_submit_asks_is_it_this_claim_and_yes_counts_the_request_there(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.reader, "submit")
    await opened
    sent = await d.submit_modal(opened, filled(opened, {"What was claimed": MATCHING}))
    await sent.finished()
    assert "This looks like claim **#" in sent.text
    assert "— is it?" in sent.text
    same = next(i for i in button_ids(sent) if i.startswith("claimbot:submit:same:"))
    claim_number = int(same.rsplit(":", 1)[1])

    # (only the submitter may answer: the prompt is private, and the desk checks who answers too)
    yes = await d.press(sent.messages[-1], same, newsroom.reader)
    await yes.finished()
    assert f"Your request is counted on claim #{claim_number}" in texts(yes)
    assert (await desk.standing(newsroom.guild.id, claim_number)).requests == 1
    again = await d.press(sent.messages[-1], same, newsroom.reader)
    await again.finished()
    assert "already matched to a claim by reader" in again.text


async def test_submit_no_it_is_new_sends_it_to_the_queue(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.reader, "submit")
    await opened
    sent = await d.submit_modal(opened, filled(opened, {"What was claimed": MATCHING}))
    await sent.finished()
    new = next(i for i in button_ids(sent) if i.startswith("claimbot:submit:new:"))
    pressed = await d.press(sent.messages[-1], new, newsroom.reader)
    await pressed.finished()
    assert "Sent to the moderators as submission S1" in pressed.text
    assert (await desk.submission(newsroom.guild.id, 1)).status is SubmissionStatus.OPEN


async def test_submit_refuses_a_link_that_is_not_a_web_link_and_saves_nothing(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.reader, "submit")
    await opened
    sent = await d.submit_modal(
        opened, filled(opened, {"What was claimed": UNRELATED, "A link (http or https)": "javascript:alert(1)"})
    )
    await sent.finished()
    assert sent.ephemeral
    assert "web link" in sent.text
    assert (await desk.queue(newsroom.guild.id)).submissions.total == 0


async def submit_form(newsroom: Newsroom, member, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    opened = await newsroom.driver.slash(newsroom.guild, member, "submit")
    await opened
    sent = await newsroom.driver.submit_modal(opened, filled(opened, fields))
    await sent.finished()
    return sent


async def test_the_hourly_limit_refuses_the_eleventh_request_saves_nothing_and_holds_back_no_one_else(
    newsroom: Newsroom, desk: Desk
) -> None:
    for n in range(REQUESTS_PER_HOUR):
        sent = await submit_form(newsroom, newsroom.reader, {"What was claimed": f"{UNRELATED}, claim {n}"})
        assert "Sent to the moderators" in sent.text
    refused = await submit_form(newsroom, newsroom.reader, {"What was claimed": f"{UNRELATED}, one more"})
    assert refused.ephemeral
    assert "the most a member may; try again in 60 min. Nothing was saved." in refused.text
    posted = newsroom.driver.post_message(newsroom.general, newsroom.admin, "The tunnel will open in May")
    menu = await request(newsroom, newsroom.reader, posted)
    assert "try again in" in menu.text  # one limit for both ways of asking
    assert (await desk.queue(newsroom.guild.id, limit=25)).submissions.total == REQUESTS_PER_HOUR
    other = await request(newsroom, newsroom.checker, posted)
    assert "Sent to the moderators" in other.text


async def test_a_submit_form_sent_after_a_restart_is_answered(newsroom: Newsroom, bot_database: Path | str) -> None:
    d = newsroom.driver
    settings = bot_settings(d, bot_database)
    bot, desk, task = await start_bot(settings)
    try:
        opened = await d.slash(newsroom.guild, newsroom.reader, "submit")
        await opened
    finally:
        await stop_bot(bot, desk, task)
    bot, desk, task = await start_bot(settings)
    try:
        sent = await d.submit_modal(opened, filled(opened, {"What was claimed": UNRELATED}))
        await sent.finished()
        assert "opened before claimbot restarted" in sent.text
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def test_the_board_lists_the_most_requested_claims_still_open(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    posted = d.post_message(newsroom.general, newsroom.admin, MATCHING)
    asked = await request(newsroom, newsroom.reader, posted)
    number = int(texts(asked).split("claim #", 1)[1].split(",", 1)[0].split(" ", 1)[0])
    await request(newsroom, newsroom.checker, posted)
    claim = await desk.claim(newsroom.guild.id, number)
    if claim.verdict is not Verdict.INVESTIGATING:
        await desk.set_verdict(
            newsroom.guild.id, number, Verdict.INVESTIGATING, note="on it", source_url=None, actor=Actor(1, "setup")
        )
    shown = await d.slash(newsroom.guild, newsroom.reader, "status")
    await shown.finished()
    assert "Most requested, still open" in texts(shown)
    assert f"**#{number}**" in texts(shown).split("Most requested, still open", 1)[1]
    assert "👥 2 asked" in texts(shown)
    # a conclusion leaves the list: the desk has done its work there
    await desk.set_verdict(
        newsroom.guild.id, number, Verdict.CONFIRMED, note="done", source_url=None, actor=Actor(1, "setup")
    )
    shown = await d.slash(newsroom.guild, newsroom.reader, "status")
    await shown.finished()
    assert "Most requested, still open" not in texts(shown)
    # and the other server's board never shows this one's requests
    elsewhere = await d.slash(newsroom.other_guild, newsroom.other_moderator, "status")
    await elsewhere.finished()
    assert "Most requested" not in texts(elsewhere)
