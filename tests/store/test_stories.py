"""Stories (issue 11): several per server, every claim in one, listed with their verdicts, and a story
filter for finding, search, a speaker's claims and the board; on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.desk import Desk, NothingToChange
from bot.desk.stories import StoryFields, StoryNotFound, check_story_fields, slug_for
from bot.domain.rules import RuleBroken
from bot.domain.states import Verdict
from bot.seedfile import SeedStory
from tests.store.conftest import ALICE, GUILD_A, GUILD_B, SEEDED_CLAIMS, new_claim, scalar

SHIPPED_SLUG = "north-korea-troops-2024-10-17"
FLOODS = StoryFields("Floods close the river port", "Harbour Gazette", "https://example.org/floods", date(2025, 3, 2))


async def floods_story(desk: Desk, guild_id: int = GUILD_A) -> int:
    """A second story with two claims of its own (numbers returned: the first)."""
    record = await desk.new_story(guild_id, FLOODS)
    first = await desk.add_claim(
        guild_id,
        new_claim("The river port closes for a week because of the floods.", story=record.story),
        note="n",
        actor=ALICE,
    )
    await desk.add_claim(
        guild_id,
        new_claim("The floods reached two metres at the port.", "Harbour Master", story=record.story),
        note="n",
        actor=ALICE,
    )
    return first.number


async def test_the_shipped_story_is_listed_with_its_claims_per_verdict(desk: Desk) -> None:
    (story,) = await desk.stories(GUILD_A)
    assert story.record.slug == SHIPPED_SLUG
    assert story.record.story.url == ""
    assert story.total == SEEDED_CLAIMS
    board = await desk.board(GUILD_A)
    assert story.counts == board.counts
    assert story.last_change is not None


async def test_a_new_story_is_listed_first_with_its_own_counts(desk: Desk) -> None:
    await floods_story(desk)
    newest, shipped = await desk.stories(GUILD_A)
    assert newest.record.slug == "floods-close-the-river-port-2025-03-02"
    assert newest.counts == {Verdict.UNVERIFIED: 2}
    assert shipped.total == SEEDED_CLAIMS


async def test_a_second_story_of_the_same_title_and_day_gets_its_own_slug(desk: Desk) -> None:
    first = await desk.new_story(GUILD_A, FLOODS)
    second = await desk.new_story(GUILD_A, FLOODS)
    assert (first.slug, second.slug) == (
        "floods-close-the-river-port-2025-03-02",
        "floods-close-the-river-port-2025-03-02-2",
    )


def test_slugs_are_ascii_words_and_the_date() -> None:
    slug = slug_for("Zelensky: “10,000 troops” — Ünïcode!", date(2024, 10, 17))
    assert slug == "zelensky-10-000-troops-unicode-2024-10-17"
    assert slug_for("🔥🔥", date(2024, 1, 2)) == "story-2024-01-02"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("", "TIME", "", "2024-10-17"), "needs a title"),
        (("T", " ", "", "2024-10-17"), "needs a publisher"),
        (("T", "TIME", "javascript:alert(1)", "2024-10-17"), "URL must be a web link"),
        (("T", "TIME", "", "17/10/2024"), "written 2024-10-17"),
        (("T", "TIME", "", "2024-02-30"), "written 2024-10-17"),
        (("x" * 257, "TIME", "", "2024-10-17"), "keep it to 256"),
    ],
)
def test_a_bad_story_form_is_refused_with_what_is_wrong(fields: tuple[str, str, str, str], message: str) -> None:
    with pytest.raises(RuleBroken, match=message):
        check_story_fields(*fields)


async def test_a_moderator_sets_the_shipped_storys_url_and_seeding_again_keeps_it(desk: Desk, seed: SeedStory) -> None:
    record = await desk.find_story(GUILD_A, SHIPPED_SLUG)
    url = "https://time.com/7094578/"
    fields = StoryFields(record.story.title, record.story.publisher, url, record.story.published)
    edited = await desk.edit_story(GUILD_A, SHIPPED_SLUG, fields)
    assert edited.story.url == "https://time.com/7094578/"
    with pytest.raises(NothingToChange):
        await desk.edit_story(GUILD_A, SHIPPED_SLUG, fields)

    await desk.apply_seed(seed, [GUILD_A])  # the seed file still has no URL

    again = await desk.find_story(GUILD_A, SHIPPED_SLUG)
    assert again.story.url == "https://time.com/7094578/"
    assert again.moderated
    card = await desk.claim_card(GUILD_A, 1)
    assert card.claim.story is not None
    assert card.claim.story.url == "https://time.com/7094578/"


async def test_a_story_is_found_by_slug_title_or_publisher_and_only_in_its_server(desk: Desk) -> None:
    await floods_story(desk)
    await desk.ensure_guild(GUILD_B)
    assert (await desk.find_story(GUILD_A, "floods-close-the-river-port-2025-03-02")).story.title == FLOODS.title
    assert (await desk.find_story(GUILD_A, "river PORT")).story.title == FLOODS.title
    assert (await desk.find_story(GUILD_A, "harbour")).story.title == FLOODS.title
    assert [r.slug for r in await desk.suggest_stories(GUILD_A, "")][:2] == [
        "floods-close-the-river-port-2025-03-02",
        SHIPPED_SLUG,
    ]
    accented = await desk.new_story(GUILD_A, StoryFields("Zürich Ünïcode report", "Ñews", "", date(2025, 1, 1)))
    assert (await desk.find_story(GUILD_A, "ZURICH unicode")).slug == accented.slug
    assert (await desk.find_story(GUILD_A, "news")).slug == accented.slug
    for typed in ("floods-close-the-river-port-2025-03-02", "harbour", "%", "_", "\\", "'", "\x00"):
        with pytest.raises(StoryNotFound):
            await desk.find_story(GUILD_B, typed)


async def test_search_and_autocomplete_keep_to_the_chosen_story(desk: Desk) -> None:
    first = await floods_story(desk)
    floods = await desk.find_story(GUILD_A, "floods")
    shipped = await desk.find_story(GUILD_A, SHIPPED_SLUG)

    anywhere = await desk.search(GUILD_A, "troops")
    assert anywhere.total > 0
    assert (await desk.search(GUILD_A, "troops", story_id=floods.id)).total == 0
    in_floods = await desk.search(GUILD_A, "port", story_id=floods.id)
    assert {hit.summary.number for hit in in_floods.items} == {first, first + 1}
    assert (await desk.search(GUILD_A, "port", story_id=shipped.id)).total == 0

    suggested = await desk.suggest_claims(GUILD_A, "", story_id=floods.id)
    assert {s.number for s in suggested} == {first, first + 1}
    assert all(s.number not in (first, first + 1) for s in await desk.suggest_claims(GUILD_A, "o", story_id=shipped.id))
    resolved = await desk.resolve_claim(GUILD_A, "metres", story_id=floods.id)
    assert resolved is not None
    assert resolved.number == first + 1
    assert await desk.resolve_claim(GUILD_A, "metres", story_id=shipped.id) is None
    # A number is the server's: it names its claim whichever story is chosen.
    by_number = await desk.resolve_claim(GUILD_A, "#1", story_id=floods.id)
    assert by_number is not None
    assert by_number.number == 1


async def test_a_speakers_claims_and_the_board_for_one_story(desk: Desk) -> None:
    first = await floods_story(desk)
    floods = await desk.find_story(GUILD_A, "floods")
    await desk.set_verdict(GUILD_A, first, Verdict.CONFIRMED, note="Port notice", source_url=None, actor=ALICE)

    ada = await desk.find_speaker(GUILD_A, "Ada Quillfeather")
    page = await desk.speaker_claims(GUILD_A, ada.id, story_id=floods.id)
    assert [s.number for s in page.items] == [first]
    assert page.total == 1
    with pytest.raises(RuleBroken, match="no longer there"):
        await desk.speaker_claims(GUILD_A, ada.id, story_id=floods.id, offset=10)

    board = await desk.story_board(GUILD_A, floods)
    assert board.counts == {Verdict.CONFIRMED: 1, Verdict.UNVERIFIED: 1}
    assert [summary.number for summary, _change in board.recent] == [first, first + 1]
    assert board.recent[0][1].new_value == "confirmed"
    whole = await desk.board(GUILD_A)
    assert whole.total == SEEDED_CLAIMS + 2


async def test_a_claim_added_without_a_story_goes_to_the_most_recent_one(desk: Desk, db_path: Path) -> None:
    added = await desk.add_claim(GUILD_A, new_claim("Before the floods story."), note="n", actor=ALICE)
    assert added.story is not None
    assert added.story.slug == SHIPPED_SLUG
    await floods_story(desk)
    later = await desk.add_claim(GUILD_A, new_claim("After the floods story."), note="n", actor=ALICE)
    assert later.story is not None
    assert later.story.slug == "floods-close-the-river-port-2025-03-02"
    orphans = scalar(db_path, "SELECT count(*) FROM claims WHERE story_id IS NULL")
    assert orphans == 0


async def test_another_servers_story_id_reaches_nothing(desk: Desk) -> None:
    await floods_story(desk)
    await desk.ensure_guild(GUILD_B)
    theirs = await desk.find_story(GUILD_A, "floods")
    assert (await desk.search(GUILD_B, "port", story_id=theirs.id)).total == 0
    assert await desk.suggest_claims(GUILD_B, "", story_id=theirs.id) == []
    assert (await desk.story_board(GUILD_B, theirs)).total == 0
    # Editing by slug in another server finds nothing there.
    with pytest.raises(StoryNotFound):
        await desk.edit_story(GUILD_B, theirs.slug, replace(FLOODS, title="Hijacked"))
    assert (await desk.find_story(GUILD_A, "floods")).story.title == FLOODS.title
