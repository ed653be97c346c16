"""The moderators' queue (issue 11): /mod queue with its persistent Accept / Merge / Reject buttons,
/mod merge, /mod reviewed, /mod config queue_channel: and the review intervals, as a reader, a
moderator and another server's moderator use them; a restart between posting and pressing; two
moderators deciding at once; and the submitter told by DM or with their next command."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.desk import Desk
from bot.desk.changes import history_row
from bot.domain.claims import Actor
from bot.domain.intake import SubmissionStatus
from localdiscord.client import restore_discord_py
from localdiscord.interactions import InteractionResult
from localdiscord.world import Member, Message
from tests.bot.conftest import BOTH_BACKENDS, Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import all_thinking, filled, modal_inputs, public
from tests.store.conftest import query

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

MATCHING = "Are NK soldiers fighting in Ukraine?"
UNRELATED = "The mayor says the new bridge cost 40 million"


def texts(result: InteractionResult) -> str:
    parts = []
    for message in result.messages:
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
            parts.append(str((embed.get("footer") or {}).get("text") or ""))
    return "\n".join(parts)


def buttons(message: Message) -> dict[str, dict[str, Any]]:
    return {c["custom_id"]: c for row in message.components for c in row["components"]}


async def ask(newsroom: Newsroom, member: Member, text: str) -> Message:
    """A member's Request a check on a message in #general; the message."""
    posted = newsroom.driver.post_message(newsroom.general, newsroom.admin, text)
    result = await newsroom.driver.message_command(newsroom.guild, member, "Request a check", posted)
    await result.finished()
    return posted


async def open_queue(newsroom: Newsroom, member: Member | None = None) -> InteractionResult:
    result = await newsroom.driver.slash(newsroom.guild, member or newsroom.moderator, "mod", subcommand="queue")
    await result.finished()
    return result


def reject_values(opened: InteractionResult, reason: str, note: str = "") -> dict[str, Any]:
    """The Reject form's answers: the reason's select (inside a label) and the note."""
    assert opened.modal is not None
    values: dict[str, Any] = {}
    for top in opened.modal["components"]:
        if top.get("type") == 18:
            values[top["component"]["custom_id"]] = [reason]
    if note:
        values.update(filled(opened, {"Note (the member sees it)": note}))
    return values


async def press(newsroom: Newsroom, message: Message, custom_id: str, member: Member) -> InteractionResult:
    result = await newsroom.driver.press(message, custom_id, member)
    await result.finished()
    return result


async def test_the_queue_lists_open_submissions_most_requested_first_with_three_buttons_each(
    newsroom: Newsroom, desk: Desk
) -> None:
    await ask(newsroom, newsroom.reader, f"{UNRELATED} (one)")
    second = await ask(newsroom, newsroom.reader, f"<@{newsroom.admin.id}> says the tunnel is 9 km long")
    await newsroom.driver.message_command(newsroom.guild, newsroom.checker, "Request a check", second)
    await asyncio.sleep(0.3)

    queue = await open_queue(newsroom)
    assert queue.ephemeral
    shown = texts(queue)
    assert shown.index("**S2** · 2 members asked") < shown.index("**S1** · 1 member asked")
    assert f"<@{newsroom.admin.id}>" not in shown  # the message's mention shows as text, never a ping
    assert "[message](https://discord.com/channels/" in shown
    assert "posted by admin" in shown
    ids = buttons(queue.original)  # type: ignore[arg-type]
    for n in (1, 2):
        assert {f"claimbot:queue:accept:{n}", f"claimbot:queue:merge:{n}", f"claimbot:queue:reject:{n}"} <= ids.keys()


async def test_a_reader_cannot_open_the_queue_or_use_its_buttons(newsroom: Newsroom, desk: Desk) -> None:
    await ask(newsroom, newsroom.reader, UNRELATED)
    refused = await open_queue(newsroom, newsroom.reader)
    assert refused.ephemeral
    assert "Only moderators can do that" in refused.text
    # the queue channel posts the same buttons where readers can see them: pressing one is refused too
    d = newsroom.driver
    config = await d.slash(
        newsroom.guild, newsroom.admin, "mod", {"queue_channel": newsroom.announce}, subcommand="config"
    )
    await config.finished()
    await ask(newsroom, newsroom.reader, "The tunnel is 9 km long")
    await asyncio.sleep(0.3)
    (post,) = [m for m in public(d.messages(newsroom.announce))]
    assert post.embeds[0]["title"] == "New submission S2"
    for custom_id in ("claimbot:queue:accept:2", "claimbot:queue:merge:2", "claimbot:queue:reject:2"):
        pressed = await press(newsroom, post, custom_id, newsroom.reader)
        assert pressed.ephemeral
        assert "Only moderators can do that" in pressed.text
        assert pressed.modal is None
    assert (await desk.submission(newsroom.guild.id, 2)).status is SubmissionStatus.OPEN


async def test_accept_opens_the_add_claim_form_prefilled_and_the_claim_keeps_the_requests(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    posted = await ask(newsroom, newsroom.reader, UNRELATED)
    await d.message_command(newsroom.guild, newsroom.checker, "Request a check", posted)
    await asyncio.sleep(0.3)
    queue = await open_queue(newsroom)
    opened = await press(newsroom, queue.original, "claimbot:queue:accept:1", newsroom.moderator)  # type: ignore[arg-type]
    inputs = modal_inputs(opened)
    assert inputs["Statement"]["value"] == UNRELATED
    saved = await d.submit_modal(opened, filled(opened, {"Speaker (a person or a body)": "The mayor"}))
    await saved.finished()
    assert saved.ephemeral
    match = re.search(r"S1 accepted → claim #(\d+), with 2 requests counted on it\.", saved.text)
    assert match, saved.text
    number = int(match[1])
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": str(number)})
    await card.finished()
    assert "👥 2 members asked for a check" in texts(card)
    # the submitter heard by DM
    assert any(f"is now claim #{number}" in m.content for m in d.dms(newsroom.reader))


async def test_merge_prefills_the_matchers_guess_and_moves_the_requests(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await ask(newsroom, newsroom.reader, "did north korea send troops? asking for a friend")
    submission = await desk.submission(newsroom.guild.id, 1)
    queue = await open_queue(newsroom)
    opened = await press(newsroom, queue.original, "claimbot:queue:merge:1", newsroom.moderator)  # type: ignore[arg-type]
    label = "The claim: its number (#7) or words from it"
    guess = modal_inputs(opened)[label].get("value") or ""
    target = guess if guess else "#2"
    merged = await d.submit_modal(opened, filled(opened, {label: target, "Note (kept with the decision)": "same"}))
    await merged.finished()
    number = int(target.lstrip("#"))
    assert f"S1 merged into #{number}: 1 new request counted there." in merged.text
    assert "The wording differs" in merged.text  # a same_as link is proposed
    assert (await desk.standing(newsroom.guild.id, number)).requests >= 1
    assert (await desk.submission(newsroom.guild.id, 1)).status is SubmissionStatus.MERGED
    assert submission.requests == 1


async def test_mod_merge_command_autocompletes_the_queue_and_refuses_another_servers_submission(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    await ask(newsroom, newsroom.reader, UNRELATED)
    typed = await d.autocomplete(newsroom.guild, newsroom.moderator, "mod", "submission", "S", subcommand="merge")
    await typed.finished()
    assert [c["value"] for c in typed.choices] == ["1"]
    elsewhere = await d.slash(
        newsroom.other_guild,
        newsroom.other_moderator,
        "mod",
        {"submission": "1", "claim": "2"},
        subcommand="merge",
    )
    await elsewhere.finished()
    assert "There is no submission S1 in this server." in elsewhere.text
    other_queue = await d.slash(newsroom.other_guild, newsroom.other_moderator, "mod", subcommand="queue")
    await other_queue.finished()
    assert "No open submissions" in texts(other_queue)
    assert UNRELATED not in texts(other_queue)
    merged = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {"submission": "S1", "claim": "2"}, subcommand="merge"
    )
    await merged.finished()
    assert "S1 merged into #2" in merged.text


async def test_reject_takes_a_reason_from_the_list_and_a_note_and_tells_the_submitter_next_time(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    d.close_dms(newsroom.reader)
    await ask(newsroom, newsroom.reader, UNRELATED)
    queue = await open_queue(newsroom)
    opened = await press(newsroom, queue.original, "claimbot:queue:reject:1", newsroom.moderator)  # type: ignore[arg-type]
    rejected = await d.submit_modal(opened, reject_values(opened, "not_a_claim", "It is **an opinion** @everyone"))
    await rejected.finished()
    assert "S1 rejected (not a factual claim)" in rejected.text
    (decision,) = await desk.submission_decisions(newsroom.guild.id, 1)
    assert (decision.reason, decision.note, decision.actor.name) == (
        "not_a_claim",
        "It is **an opinion** @everyone",
        "mod",
    )
    assert d.refused_dms(newsroom.reader)  # the DM was tried, refused (50007), and recorded: no error
    assert d.dms(newsroom.reader) == []
    # the reader's next command carries the word, privately, once
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await card.finished(idle=0.3)
    told = [m for m in card.followups if "was not taken up" in m.content]
    assert len(told) == 1
    assert told[0].ephemeral
    assert "@\u200beveryone" in told[0].content
    assert "\\*\\*an opinion\\*\\*" in told[0].content
    later = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "3"})
    await later.finished(idle=0.3)
    assert not any("was not taken up" in m.content for m in later.followups)
    # nothing shows in the other server either
    elsewhere = await d.slash(newsroom.other_guild, newsroom.other_moderator, "claim", {"claim": "2"})
    await elsewhere.finished(idle=0.3)
    assert not elsewhere.followups


async def test_two_moderators_deciding_one_submission_at_once_one_wins_the_other_hears_who(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    await ask(newsroom, newsroom.reader, UNRELATED)
    first_queue = await open_queue(newsroom, newsroom.moderator)
    second_queue = await open_queue(newsroom, newsroom.admin)
    rejecting = await press(newsroom, first_queue.original, "claimbot:queue:reject:1", newsroom.moderator)  # type: ignore[arg-type]
    merging = await press(newsroom, second_queue.original, "claimbot:queue:merge:1", newsroom.admin)  # type: ignore[arg-type]
    label = "The claim: its number (#7) or words from it"
    results = await asyncio.gather(
        d.submit_modal(rejecting, reject_values(rejecting, "spam")),
        d.submit_modal(merging, filled(merging, {label: "#2"})),
    )
    await all_thinking(list(results))
    await asyncio.gather(*(r.finished() for r in results))
    won = [r for r in results if r.text.startswith("✅")]
    lost = [r for r in results if r not in won]
    assert len(won) == 1, [r.text for r in results]
    winner = "mod" if won[0] is results[0] else "admin"
    assert re.fullmatch(rf"S1 was already (rejected|merged) by {winner}; nothing was changed\.", lost[0].text), lost[
        0
    ].text
    assert lost[0].ephemeral
    assert len(await desk.submission_decisions(newsroom.guild.id, 1)) == 1


async def test_the_queues_buttons_still_work_after_the_bot_restarts(
    newsroom: Newsroom, bot_database: Path | str
) -> None:
    d = newsroom.driver
    settings = bot_settings(d, bot_database)
    bot, desk, task = await start_bot(settings)
    try:
        await ask(newsroom, newsroom.reader, UNRELATED)
        await ask(newsroom, newsroom.checker, "The tunnel is 9 km long")
        queue = await open_queue(newsroom)
        assert queue.original is not None
    finally:
        await stop_bot(bot, desk, task)
    bot, desk, task = await start_bot(settings)
    try:
        opened = await press(newsroom, queue.original, "claimbot:queue:reject:1", newsroom.moderator)
        rejected = await d.submit_modal(opened, reject_values(opened, "out_of_scope"))
        await rejected.finished()
        assert "S1 rejected (outside this server's stories)" in rejected.text
        opened = await press(newsroom, queue.original, "claimbot:queue:accept:2", newsroom.moderator)
        accepted = await d.submit_modal(opened, filled(opened, {"Speaker (a person or a body)": "The council"}))
        await accepted.finished()
        assert "S2 accepted → claim #" in accepted.text
        # the page was posted before the restart; its first button now refers to a decided submission
        again = await press(newsroom, queue.original, "claimbot:queue:merge:1", newsroom.moderator)
        assert "S1 was already rejected by mod; nothing was changed." in again.text
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def test_mod_reviewed_reaffirms_the_verdict_and_the_card_says_as_of(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    before = await desk.claim(newsroom.guild.id, 2)
    reviewed = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "2", "note": "Looked again: nothing new"},
        subcommand="reviewed",
    )
    await reviewed.finished()
    assert reviewed.ephemeral
    assert f"#2 reviewed: still {before.verdict.look.label.lower()}, as of now." in reviewed.text
    after = await desk.claim(newsroom.guild.id, 2)
    assert (after.verdict, after.revision) == (before.verdict, before.revision)
    history = await desk.history(newsroom.guild.id, 2)
    assert history.items[0].field == "review"
    refused = await d.slash(
        newsroom.guild, newsroom.reader, "mod", {"claim": "2", "note": "me too"}, subcommand="reviewed"
    )
    await refused.finished()
    assert "Only moderators can do that" in refused.text
    assert (await desk.history(newsroom.guild.id, 2)).total == history.total


async def test_review_intervals_in_mod_config_mark_claims_due_on_the_card_and_in_the_queue(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    claim = await desk.claim(newsroom.guild.id, 2)
    config = await d.slash(
        newsroom.guild,
        newsroom.admin,
        "mod",
        {"review_verdict": claim.verdict.value, "review_days": 1},
        subcommand="config",
    )
    await config.finished()
    assert f"{claim.verdict.look.label.lower()} 1 d" in config.text
    half = await d.slash(newsroom.guild, newsroom.admin, "mod", {"review_days": 3}, subcommand="config")
    await half.finished()
    assert "review_verdict and review_days together" in half.text
    # nothing is a day old yet: not due
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await card.finished()
    assert "due for review" not in texts(card)
    # two days pass: the verdict's last review row dated back
    async with desk.store.transaction() as tx:
        await tx.record(
            [
                history_row(
                    claim,
                    "review",
                    claim.verdict,
                    claim.verdict,
                    note="old",
                    actor=Actor(1, "x"),
                    at=datetime.now(UTC) - timedelta(days=2),
                )
            ]
        )
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "2"})
    await card.finished()
    assert "⏰ **due for review**" in texts(card)
    queue = await open_queue(newsroom)
    assert "Due for review" in texts(queue)
    assert "**#2**" in texts(queue)
    reset = await d.slash(newsroom.guild, newsroom.admin, "mod", {"reset": "review_intervals"}, subcommand="config")
    await reset.finished()
    assert "investigating 3 d, disputed 7 d" in reset.text


async def test_the_queue_pages_four_at_a_time_and_the_pager_turns_in_place(newsroom: Newsroom, desk: Desk) -> None:
    for n in range(5):
        await ask(newsroom, newsroom.checker if n % 2 else newsroom.reader, f"The ferry carries {n + 40} cars")
    queue = await open_queue(newsroom)
    assert queue.original is not None
    assert "Showing 1–4 of 5 open submissions" in texts(queue)
    turned = await press(newsroom, queue.original, "claimbot:queue:page:4", newsroom.moderator)
    assert turned.callback_type == 7  # the message was updated, not a new one sent
    assert "Showing 5–5 of 5 open submissions" in texts(turned)
    assert "claimbot:queue:accept:5" in buttons(turned.original)  # type: ignore[arg-type]
    past = await d_slash_queue_page(newsroom, 3)
    assert "no longer there" in past.text


async def d_slash_queue_page(newsroom: Newsroom, page: int) -> InteractionResult:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.moderator, "mod", {"page": page}, subcommand="queue")
    await result.finished()
    return result


async def test_a_decision_form_submitted_by_a_member_without_rights_is_refused(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await ask(newsroom, newsroom.reader, UNRELATED)
    queue = await open_queue(newsroom)
    opened = await press(newsroom, queue.original, "claimbot:queue:reject:1", newsroom.moderator)  # type: ignore[arg-type]
    forged = await d.submit_modal(opened, reject_values(opened, "spam"), member=newsroom.reader)
    await forged.finished()
    assert forged.ephemeral
    assert "Only moderators can do that" in forged.text
    assert (await desk.submission(newsroom.guild.id, 1)).status is SubmissionStatus.OPEN
    assert await desk.submission_decisions(newsroom.guild.id, 1) == []
    # the moderator's own submission of the same form still saves, once
    saved = await d.submit_modal(opened, reject_values(opened, "spam"))
    await saved.finished()
    assert "S1 rejected (spam or abuse)" in saved.text


async def merged_with_dms_closed(newsroom: Newsroom, submitter: Member) -> InteractionResult:
    """`submitter`, whose DMs are closed, asks about an untracked message; a moderator merges it into #2."""
    newsroom.driver.close_dms(submitter)
    await ask(newsroom, submitter, UNRELATED)
    merged = await newsroom.driver.slash(
        newsroom.guild, newsroom.moderator, "mod", {"submission": "S1", "claim": "2"}, subcommand="merge"
    )
    await merged.finished()
    assert "S1 merged into #2" in merged.text
    return merged


async def test_a_refused_dm_is_recorded_on_the_notice_and_never_an_error(
    newsroom: Newsroom, desk: Desk, bot_database: Path | str
) -> None:
    d = newsroom.driver
    merged = await merged_with_dms_closed(newsroom, newsroom.reader)
    assert "Something went wrong" not in merged.text
    ((failure, delivered),) = query(bot_database, "SELECT dm_failure, delivered_at FROM notices")
    assert "50007" in str(failure)
    assert delivered is None  # still owed: it comes with the reader's next command
    # /claim reads whether she is owed notices with the claim (ClaimSummary.asker_owed): it is said
    told = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "#2"})
    await told.finished()
    (notice,) = told.messages[1:]
    assert notice.content.startswith("📬 Your submission S1 (")
    assert "is about claim #2" in notice.content
    assert notice.ephemeral
    again = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "#2"})
    await again.finished()
    assert len(again.messages) == 1  # told once


async def test_a_moderator_deciding_their_own_submission_hears_of_it_in_the_same_answer(
    newsroom: Newsroom, desk: Desk
) -> None:
    """The merge's claim option read "owed nothing" before the decision owed the moderator a word."""
    merged = await merged_with_dms_closed(newsroom, newsroom.moderator)
    notices = [m for m in merged.messages if m.content.startswith("📬 Your submission S1 (")]
    assert len(notices) == 1
    assert "is about claim #2" in notices[0].content
    assert not await desk.owes_notices(newsroom.guild.id, newsroom.moderator.id)


async def test_the_is_it_buttons_still_work_after_the_bot_restarts(
    newsroom: Newsroom, bot_database: Path | str
) -> None:
    d = newsroom.driver
    settings = bot_settings(d, bot_database)
    bot, desk, task = await start_bot(settings)
    try:
        opened = await d.slash(newsroom.guild, newsroom.reader, "submit")
        await opened
        sent = await d.submit_modal(opened, filled(opened, {"What was claimed": MATCHING}))
        await sent.finished()
        prompt = sent.messages[-1]
        same = next(i for i in buttons(prompt) if i.startswith("claimbot:submit:same:"))
    finally:
        await stop_bot(bot, desk, task)
    bot, desk, task = await start_bot(settings)
    try:
        yes = await press(newsroom, prompt, same, newsroom.reader)
        assert "Your request is counted on claim #" in texts(yes)
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def test_a_merge_worded_otherwise_proposes_keeping_the_wording_as_a_same_as_claim(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    await ask(newsroom, newsroom.reader, UNRELATED)
    merged = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {"submission": "S1", "claim": "2"}, subcommand="merge"
    )
    await merged.finished()
    proposal = next(m for m in merged.messages if "The wording differs from #2's" in m.content)
    assert "claimbot:queue:sameas:1" in buttons(proposal)
    opened = await press(newsroom, proposal, "claimbot:queue:sameas:1", newsroom.moderator)
    assert modal_inputs(opened)["Statement"]["value"] == UNRELATED
    saved = await d.submit_modal(opened, filled(opened, {"Speaker (a person or a body)": "The mayor"}))
    await saved.finished()
    found = re.fullmatch(r"✅ Added claim #(\d+), same as #2\.", saved.text)
    assert found, saved.text
    relations = await desk.relations(newsroom.guild.id, int(found[1]))
    assert [(r.kind.value, r.other.number) for r in relations] == [("same_as", 2)]
