"""Rendering for stories, imports and /help (issue 11), without Discord: within every limit, safe text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.claims import Story
from bot.domain.states import Verdict
from bot.domain.stories import SeedPlan, StoryOverview, StoryRecord
from bot.render.help import CommandHelp, asking_the_desk, help_embed
from bot.render.stories import (
    import_buttons,
    import_done,
    import_preview,
    kept_to,
    nothing_to_import,
    story_choice,
    story_list,
    story_saved,
)
from tests.render.helpers import NASTY, assert_safe_text, assert_valid_choice, assert_valid_content, assert_valid_embed

LONG_URL = "https://example.org/" + "a" * 480


def record(
    n: int = 1, *, title: str = "Floods close the port", url: str = "", publisher: str = "Gazette"
) -> StoryRecord:
    return StoryRecord(n, Story(f"story-{n}-2025-03-02", title, publisher, url, date(2025, 3, 2)))


def overview(n: int, **kwargs: str) -> StoryOverview:
    counts = {Verdict.CONFIRMED: 3, Verdict.UNVERIFIED: 12}
    return StoryOverview(record(n, **kwargs), counts, datetime(2025, 3, 3, tzinfo=UTC))


def test_the_story_list_shows_counts_last_change_and_the_story_value() -> None:
    embed = story_list([overview(1)])
    assert_valid_embed(embed)
    text = embed.description or ""
    assert "**Floods close the port** · Gazette · 2025-03-02" in text
    assert "**15 claims** · ⚪ 12 · 🟢 3 · last change <t:1740960000:R>" in text  # verdicts in their order
    assert "`story: story-1-2025-03-02`" in text


def test_a_hundred_hostile_stories_fit_with_a_count_of_the_rest() -> None:
    embed = story_list([overview(n, title=NASTY * 3, url=LONG_URL, publisher=NASTY) for n in range(1, 101)])
    assert_valid_embed(embed)
    assert_safe_text(embed.description or "")
    assert "more" in (embed.description or "")


def test_story_choices_and_the_author_line_are_plain_and_short() -> None:
    hostile = record(title=NASTY * 5, publisher=NASTY)
    assert_valid_choice(story_choice(hostile))
    assert story_choice(hostile).value == "story-1-2025-03-02"
    embed = kept_to(story_list([]), hostile)
    assert_valid_embed(embed)
    assert embed.author.name is not None
    assert embed.author.name.startswith("Story: ")
    assert "\u202e" not in embed.author.name


def test_story_saved_escapes_the_title_and_says_when_there_is_no_url() -> None:
    text = story_saved(record(title=NASTY), new=True)
    assert_valid_content(text)
    assert "(no URL yet: set one with /mod story edit)" in text
    assert "<https://time.com/x>" in story_saved(record(url="https://time.com/x"), new=False)


def test_an_import_preview_of_2000_claims_fits_and_lists_the_first_few() -> None:
    keys = tuple(f"claim-{n}" for n in range(2_000))
    plan = SeedPlan("s", False, False, keys[:1_000], keys[1_000:1_500], keys[1_500:1_990], 10)
    statements = {key: NASTY for key in keys}
    embed = import_preview(NASTY, Story("s", NASTY, NASTY, "", date(2025, 1, 1)), statements, plan)
    assert_valid_embed(embed)
    names = [field.name for field in embed.fields]
    assert names == [
        "To add: 1,000",
        "To update (no moderator has touched them): 500",
        "Left alone, because a moderator changed them: 490",
        "Already as the file says",
    ]
    assert "… and 992 more" in (embed.fields[0].value or "")
    for field in embed.fields:
        assert_safe_text(field.value or "")
    view = import_buttons("0123456789abcdef")
    assert [item.custom_id for item in view.children] == [  # type: ignore[attr-defined]
        "claimbot:import:confirm:0123456789abcdef",
        "claimbot:import:cancel:0123456789abcdef",
    ]
    assert_valid_content(import_done(Story("s", NASTY, "p", "", date(2025, 1, 1)), 1, 2, 3))
    assert_valid_content(nothing_to_import(NASTY, Story("s", NASTY, "p", "", date(2025, 1, 1)), plan))


def test_help_lists_the_commands_given_and_explains_every_verdict_and_attribution() -> None:
    commands = [
        CommandHelp("search", "Search the claims", (("query", True), ("status", False), ("story", False))),
        CommandHelp("Check claims", "", menu=True),
    ]
    embed = help_embed(commands)
    assert_valid_embed(embed)
    text = embed.description or ""
    assert "• **/search** query: [status:] [story:] — Search the claims" in text
    assert "• Apps → **Check claims** on a message — the tracked claims a message is about" in text
    fields = {field.name: field.value or "" for field in embed.fields}
    assert "🟣 **Misleading** — Partly true" in fields["Verdicts: is it true?"]
    assert "↩️ **Retracted**" in fields["Attribution: did they say it? (apart from whether it is true)"]
    assert fields["Asking the desk"].startswith("Ask one of this server's moderators")


def test_help_says_how_to_ask_the_desk_when_the_commands_exist() -> None:
    text = asking_the_desk([CommandHelp("Request a check", "", menu=True), CommandHelp("submit", "Submit a claim")])
    assert "choose **Request a check**" in text
    assert "use **/submit**" in text
    many = [CommandHelp(f"c{n}", NASTY, (("x", True),)) for n in range(200)]
    assert_valid_embed(help_embed(many))
