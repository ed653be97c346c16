"""Rendering issue 11: the queue, a queue-channel post, the "is it #7?" prompt, notices, the card's
demand and freshness line and the board's most-requested list, with hostile text everywhere."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.claims import Actor, Board, Evidence, Page, Story
from bot.domain.intake import DueClaim, IntakeSettings, Notice, Standing, Submission, SubmissionStatus
from bot.domain.states import Verdict
from bot.render import custom_ids
from bot.render.cards import claim_card
from bot.render.lists import board
from bot.render.queue import (
    intake_settings_lines,
    is_it_prompt,
    notice_dm,
    notices_text,
    queue_page,
    queue_post,
    submission_block,
)
from tests.render.helpers import (
    NASTY,
    NOW,
    assert_safe_text,
    assert_valid_content,
    assert_valid_embed,
    assert_valid_view,
    card,
    change,
    claim,
    relation,
    summary,
)


def submission(number: int = 3, text: str = NASTY, **fields: object) -> Submission:
    values: dict[str, object] = {
        "id": number,
        "guild_id": 1,
        "number": number,
        "status": SubmissionStatus.OPEN,
        "revision": 0,
        "statement": text,
        "speaker": NASTY[:200],
        "where_when": NASTY[:200],
        "link": "https://example.org/a",
        "message_url": f"https://discord.com/channels/1/2/{number}",
        "message_at": NOW,
        "author_name": NASTY[:100],
        "submitter": Actor(9, NASTY[:100]),
        "created_at": NOW,
        "requests": 2,
    }
    values.update(fields)
    return Submission(**values)  # type: ignore[arg-type]


def ids(view: object) -> list[str]:
    return [item.custom_id for item in view.children]  # type: ignore[attr-defined]


def test_a_queue_page_of_hostile_submissions_fits_and_every_button_parses_back() -> None:
    page = Page(tuple(submission(n, (NASTY + " ") * 60) for n in range(1, 5)), 9, 0, 4)
    due = [DueClaim(summary(number=n, statement=NASTY * 3), NOW - timedelta(days=20)) for n in range(1, 30)]
    embeds, view = queue_page(page, due)

    for embed in embeds:
        assert_valid_embed(embed)
    assert sum(len(e) for e in embeds) <= 6000
    assert_valid_view(view)
    assert embeds[1].title == "Due for review"
    assert (embeds[1].description or "").endswith("more")
    found = ids(view)
    assert len(found) == 4 * 3 + 2
    for custom_id in found:
        assert sum(re.fullmatch(t, custom_id) is not None for t in custom_ids.TEMPLATES) == 1, custom_id
    assert custom_ids.queue_page(4) in found


def test_an_empty_queue_says_so_and_has_no_buttons() -> None:
    embeds, view = queue_page(Page((), 0, 0, 4), [])
    assert embeds[0].description == "No open submissions: nothing is waiting for a decision."
    assert len(embeds) == 1
    assert ids(view) == []


def test_a_submission_shows_its_link_time_and_author_by_name_only() -> None:
    block = submission_block(submission(author_name="<@123456789012345678> @everyone"), 1000)
    assert_safe_text(block)
    assert "[message](https://discord.com/channels/1/2/3)" in block
    assert f"<t:{int(NOW.timestamp())}:f>" in block
    assert "2 members asked" in block


def test_a_queue_channel_post_has_the_same_three_buttons() -> None:
    embed, view = queue_post(submission(7))
    assert_valid_embed(embed)
    assert ids(view) == [custom_ids.queue_accept(7), custom_ids.queue_merge(7), custom_ids.queue_reject(7)]


def test_the_is_it_prompt_names_the_claim_and_offers_yes_and_no() -> None:
    text, view = is_it_prompt(submission(5), summary(number=12, statement=NASTY))
    assert_valid_content(text)
    assert "This looks like claim **#12**" in text
    assert ids(view) == [custom_ids.submit_same(5, 12), custom_ids.submit_new(5)]


def test_notices_are_escaped_and_fit_one_message() -> None:
    notices = [Notice(n, 1, 2, NASTY * 10, NOW) for n in range(20)]
    text = notices_text(notices)
    assert_valid_content(text)
    assert_valid_content(notice_dm(NASTY, NASTY * 10))


def test_the_card_with_demand_and_freshness_at_every_limit_still_fits() -> None:
    worst = claim(
        statement=(NASTY + " ") * 40,
        rationale=(NASTY + " ") * 20,
        story=Story("s", "T" * 400, "P" * 300, "https://example.com/" + "p" * 480, date(2024, 1, 1)),
        evidence=tuple(Evidence("https://example.com/" + "e" * 480, NASTY) for _ in range(30)),
    )
    embed = claim_card(
        card(worst, latest=change(note=NASTY * 5), relations=tuple(relation(n, note=NASTY) for n in range(50))),
        Standing(12345, NOW, True),
    )
    assert_valid_embed(embed)
    line = next(f.value for f in embed.fields if f.name == "Asked and reviewed")
    assert (
        line
        == f"👥 12345 members asked for a check · verdict as of <t:{int(NOW.timestamp())}:R> · ⏰ **due for review**"
    )


def test_a_card_nobody_asked_about_says_so() -> None:
    embed = claim_card(card(), Standing(0, None, False))
    assert next(f.value for f in embed.fields if f.name == "Asked and reviewed") == "👥 Nobody asked for a check yet"


def test_the_board_lists_the_most_requested_open_claims_within_limits() -> None:
    found = [(summary(number=n, statement=NASTY * 4), 100 - n) for n in range(1, 40)]
    embed = board(Board({Verdict.UNVERIFIED: 3}), found)
    assert_valid_embed(embed)
    value = next(f.value for f in embed.fields if f.name == "Most requested, still open")
    assert value.startswith("**#1**")
    assert "👥 99 asked" in value


def test_the_settings_lines_say_never_for_conclusions_and_the_defaults_elsewhere() -> None:
    lines = intake_settings_lines(IntakeSettings(1, 55, {Verdict.CONFIRMED: 30}))
    assert lines[0] == "Queue channel: <#55>"
    assert "unverified 14 d, investigating 3 d, disputed 7 d, confirmed 30 d, false never, misleading never" in lines[1]
