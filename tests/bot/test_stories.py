"""Stories through the real client and the local Discord (issue 11): /story, `story:` on /claim, /search,
/who-said and /status (with autocomplete), and the pagers of lists kept to one story."""

from __future__ import annotations

from datetime import date

import pytest

from bot.desk import Desk
from bot.desk.stories import StoryFields, StoryNotFound
from bot.domain.claims import Actor, NewClaim
from bot.domain.stories import StoryRecord
from bot.render import custom_ids
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.bot.support import description, filled, modal_inputs

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

SETUP = Actor(1, "test setup")
SHIPPED = "north-korea-troops-2024-10-17"
FLOODS = StoryFields("Floods close the river port", "Harbour Gazette", "", date(2025, 3, 2))
FLOODS_SLUG = "floods-close-the-river-port-2025-03-02"


async def add_floods(desk: Desk, guild_id: int, claims: int = 2) -> tuple[StoryRecord, int]:
    """The floods story with `claims` claims by Ada Quillfeather, all about the port; the first number."""
    record = await desk.new_story(guild_id, FLOODS)
    first = 0
    for n in range(claims):
        added = await desk.add_claim(
            guild_id,
            NewClaim(
                f"The port stays closed for day {n + 1} of the floods.", False, "Ada Quillfeather", story=record.story
            ),
            note="n",
            actor=SETUP,
        )
        first = first or added.number
    return record, first


async def test_story_lists_each_story_with_its_claims_per_verdict(newsroom: Newsroom, desk: Desk) -> None:
    await add_floods(desk, newsroom.guild.id)
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "story")
    await result
    assert not result.ephemeral
    text = description(result.original)
    assert text.index("Floods close the river port") < text.index("North Korea to Send 10,000 Troops")
    assert f"`story: {FLOODS_SLUG}`" in text
    assert f"`story: {SHIPPED}`" in text
    assert "**2 claims** · ⚪ 2" in text
    assert "**16 claims**" in text
    assert "last change <t:" in text


async def test_story_autocomplete_offers_the_servers_stories_only(newsroom: Newsroom, desk: Desk) -> None:
    await add_floods(desk, newsroom.guild.id)
    d = newsroom.driver
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "search", "story", "flo", {"query": "port"})
    await result
    assert [c["value"] for c in result.choices] == [FLOODS_SLUG]
    assert result.choices[0]["name"].startswith("Floods close the river port · Harbour Gazette · 2025-03-02")
    elsewhere = await d.autocomplete(
        newsroom.other_guild, newsroom.other_moderator, "search", "story", "flo", {"query": "p"}
    )
    await elsewhere
    assert elsewhere.choices == []


async def test_claim_autocomplete_keeps_to_the_chosen_story(newsroom: Newsroom, desk: Desk) -> None:
    _record, first = await add_floods(desk, newsroom.guild.id)
    d = newsroom.driver
    result = await d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "", {"story": FLOODS_SLUG})
    await result
    assert sorted(c["value"] for c in result.choices) == [str(first), str(first + 1)]
    troops = await d.autocomplete(newsroom.guild, newsroom.reader, "claim", "claim", "troops", {"story": FLOODS_SLUG})
    await troops
    assert troops.choices == []
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "day 2", "story": FLOODS_SLUG})
    await card
    assert "day 2 of the floods" in card.text


async def test_search_kept_to_a_story_pages_within_it(newsroom: Newsroom, desk: Desk) -> None:
    record, first = await add_floods(desk, newsroom.guild.id, claims=7)
    d = newsroom.driver
    result = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "port", "story": FLOODS_SLUG})
    await result
    message = result.original
    assert message.embeds[0]["author"]["name"] == "Story: Floods close the river port"
    assert "Showing 1–5 of 7 claims" in description(message)
    next_id = custom_ids.story_search_page(record.id, 5)
    assert next_id in message.custom_ids
    page = await d.press(message, next_id, newsroom.reader)
    await page
    shown = description(page.original)
    assert "Showing 6–7 of 7 claims" in shown
    assert f"**#{first + 6}**" in shown
    assert page.original.embeds[0]["author"]["name"] == "Story: Floods close the river port"
    nothing = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "troops", "story": FLOODS_SLUG})
    await nothing
    assert "No claim matches" in description(nothing.original)


async def test_a_story_pager_pressed_with_another_servers_story_reaches_nothing(newsroom: Newsroom, desk: Desk) -> None:
    record, _first = await add_floods(desk, newsroom.guild.id, claims=7)
    d = newsroom.driver
    theirs = await d.slash(newsroom.other_guild, newsroom.other_moderator, "search", {"query": "troops"})
    await theirs
    page = theirs.original
    # A pager id forged to name this server's story, on a search message in the other server.
    real, forged_id = custom_ids.search_page(5), custom_ids.story_search_page(record.id, 5)
    assert real in page.custom_ids
    for row in page.payload["components"]:
        for button in row["components"]:
            if button.get("custom_id") == real:
                button["custom_id"] = forged_id
    forged = await d.press(page, forged_id, newsroom.other_moderator)
    await forged.finished(idle=0.02)
    assert forged.ephemeral
    assert f"No story matches “id {record.id}” in this server." in forged.text


async def test_who_said_and_status_for_one_story(newsroom: Newsroom, desk: Desk) -> None:
    await add_floods(desk, newsroom.guild.id)
    d = newsroom.driver
    said = await d.slash(newsroom.guild, newsroom.reader, "who-said", {"speaker": "Zelensky", "story": FLOODS_SLUG})
    await said
    assert "**#" not in description(said.original)  # none of Zelensky's claims is in the floods story
    assert said.original.embeds[0]["author"]["name"] == "Story: Floods close the river port"
    ada = await d.slash(newsroom.guild, newsroom.reader, "who-said", {"speaker": "Ada", "story": FLOODS_SLUG})
    await ada
    assert "day 1 of the floods" in description(ada.original)
    board = await d.slash(newsroom.guild, newsroom.reader, "status", {"story": FLOODS_SLUG})
    await board
    embed = board.original.embeds[0]
    assert embed["author"]["name"] == "Story: Floods close the river port"
    assert "**2 claims** in all" in embed["description"]
    whole = await d.slash(newsroom.guild, newsroom.reader, "status")
    await whole
    assert "**18 claims** in all" in description(whole.original)


async def test_an_unknown_story_is_refused_privately(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(
        newsroom.guild, newsroom.reader, "search", {"query": "troops", "story": "no-such-story @everyone"}
    )
    await result
    assert result.ephemeral
    assert "No story matches" in result.text
    assert result.original.payload.get("mention_everyone") is not True
    assert result.original.payload.get("mentions", []) == []


# /mod story new, /mod story edit, /mod add story:


async def open_story_form(newsroom: Newsroom, subcommand: str, options: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    opened = await newsroom.driver.slash(
        newsroom.guild, newsroom.moderator, "mod", options or {}, subcommand=("story", subcommand)
    )
    await opened
    return opened


async def test_a_moderator_adds_a_story_with_the_form(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await open_story_form(newsroom, "new")
    assert list(modal_inputs(opened)) == [
        "Title (of the report)",
        "Publisher (the outlet)",
        "URL (a link to the report)",
        "Date published",
    ]
    values = {
        "Title (of the report)": "Floods close the **river** port @everyone",
        "Publisher (the outlet)": "Harbour Gazette",
        "URL (a link to the report)": "https://example.org/floods",
        "Date published": "2025-03-02",
    }
    submitted = await d.submit_modal(opened, filled(opened, values))
    await submitted
    assert submitted.ephemeral
    assert submitted.text.startswith("✅ Added the story **Floods close the \\*\\*river\\*\\* port @\u200beveryone**")
    assert "`story: floods-close-the-river-port-everyone-2025-03-02`" in submitted.text
    record = await desk.find_story(newsroom.guild.id, "floods-close-the-river-port-everyone-2025-03-02")
    assert record.story.url == "https://example.org/floods"
    with pytest.raises(StoryNotFound):
        await desk.find_story(newsroom.other_guild.id, record.slug)


async def test_a_bad_story_form_is_refused_and_saves_nothing(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await open_story_form(newsroom, "new")
    values = {
        "Title (of the report)": "Floods",
        "Publisher (the outlet)": "Harbour Gazette",
        "URL (a link to the report)": "javascript:alert(1)",
        "Date published": "2025-03-02",
    }
    submitted = await d.submit_modal(opened, filled(opened, values))
    await submitted
    assert submitted.ephemeral
    assert submitted.text == "The story's URL must be a web link starting with http:// or https://."
    assert len(await desk.stories(newsroom.guild.id)) == 1


async def test_a_moderator_sets_the_shipped_storys_url(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    shown = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})  # a card rendered (and kept)
    await shown
    assert "https://time.com/7094578/" not in str(shown.original.embeds[0])
    opened = await open_story_form(newsroom, "edit", {"story": SHIPPED})
    inputs = modal_inputs(opened)
    assert inputs["Title (of the report)"]["value"] == "North Korea to Send 10,000 Troops to Ukraine, Zelensky Warns"
    assert inputs["Date published"]["value"] == "2024-10-17"
    assert not inputs["URL (a link to the report)"].get("value")
    submitted = await d.submit_modal(
        opened, filled(opened, {"URL (a link to the report)": "https://time.com/7094578/"})
    )
    await submitted
    assert submitted.text.startswith("✅ Saved the story")
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})
    await card
    assert "https://time.com/7094578/" in str(card.original.embeds[0])


async def test_a_reader_cannot_add_or_edit_a_story(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    for subcommand, options in (("new", {}), ("edit", {"story": SHIPPED})):
        result = await d.slash(newsroom.guild, newsroom.reader, "mod", options, subcommand=("story", subcommand))
        await result
        assert result.modal is None
        assert result.ephemeral
        assert result.text.startswith("Only moderators can do that")
    # A form opened by a moderator and submitted by a reader is refused too.
    opened = await open_story_form(newsroom, "edit", {"story": SHIPPED})
    submitted = await d.submit_modal(
        opened, filled(opened, {"URL (a link to the report)": "https://evil.example/"}), newsroom.reader
    )
    await submitted
    assert submitted.text.startswith("Only moderators can do that")
    assert (await desk.find_story(newsroom.guild.id, SHIPPED)).story.url == ""


async def test_mod_add_puts_the_claim_in_the_chosen_story(newsroom: Newsroom, desk: Desk) -> None:
    await add_floods(desk, newsroom.guild.id, claims=1)
    d = newsroom.driver
    opened = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {"kind": "paraphrase", "story": SHIPPED}, subcommand="add"
    )
    await opened
    values = {"Statement": "Troops were seen in Kursk.", "Speaker (a person or a body)": "Ada Quillfeather"}
    submitted = await d.submit_modal(opened, filled(opened, values))
    await submitted
    assert "to the story **North Korea to Send 10,000 Troops" in submitted.text
    claim = await desk.claim(newsroom.guild.id, 18)
    assert claim.story is not None
    assert claim.story.slug == SHIPPED
    # Without story: the most recent story (the floods story, published later).
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "paraphrase"}, subcommand="add")
    await opened
    submitted = await d.submit_modal(opened, filled(opened, values | {"Statement": "The port reopens."}))
    await submitted
    assert "to the story **Floods close the river port**" in submitted.text


async def test_mod_story_is_a_group_with_new_and_edit(newsroom: Newsroom, claimbot) -> None:
    mod = next(command for command in newsroom.driver.commands() if command["name"] == "mod")
    story = next(option for option in mod["options"] if option["name"] == "story")
    assert story["type"] == 2  # SUB_COMMAND_GROUP
    assert {option["name"] for option in story["options"]} == {"new", "edit"}
    assert next(c for c in newsroom.driver.commands() if c["name"] == "story")["description"]


async def test_help_is_private_and_lists_every_members_command_from_the_tree(newsroom: Newsroom, claimbot) -> None:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "help")
    await result
    assert result.ephemeral
    embed = result.original.embeds[0]
    text = embed["description"]
    for command in claimbot.tree.get_commands():
        if command.name != "mod":
            assert command.name in text, command.name
    assert "**/search** query: [status:] [speaker:] [story:]" in text
    assert "Apps → **Check claims** on a message" in text
    assert "/mod" not in text
    assert {field["name"] for field in embed["fields"]} >= {"Verdicts: is it true?", "Asking the desk"}
