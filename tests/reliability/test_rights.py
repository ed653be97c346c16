"""Rights that hold whatever a client sends: forms submitted by members without rights, numbers,
speaker values and button ids from another server, and pagers pressed by someone else.

tests/bot/test_refusals.py covers every /mod slash subcommand for a reader and a member with no
permissions, /claim and /mod status with another server's numbers, and forged card-button ids; this
module covers the paths those do not: form submissions, the remaining /mod subcommands and the speaker
values across servers, the search pager's speaker filter, and the search and history pagers.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.desk import Desk
from bot.domain.claims import Actor, NewClaim
from bot.domain.states import Verdict
from localdiscord import permissions as perms
from localdiscord.interactions import InteractionResult
from localdiscord.world import Member
from tests.bot.conftest import Newsroom
from tests.bot.support import claim_state, filled, public

NOT_A_MODERATOR = (
    "Only moderators can do that: Administrator, Manage Server or Manage Messages, "
    "or the moderator role set with /mod config."
)
SETUP = Actor(1, "setup")


def assert_refused(result: InteractionResult, text: str) -> None:
    assert result.answered, result
    assert not result.late, result
    assert result.modal is None, f"opened a form instead of refusing: {result!r}"
    assert result.ephemeral, result
    assert [m.text for m in result.messages] == [text]


async def board_and_claims(desk: Desk, guild_id: int) -> tuple[object, ...]:
    board = await desk.board(guild_id)
    states = [await claim_state(desk, guild_id, n) for n in range(1, 17)]
    return board, tuple(states)


def nobody(newsroom: Newsroom) -> Member:
    """A member whose permissions in the channel are 0 (every bit denied by an overwrite)."""
    d = newsroom.driver
    member = d.create_member(newsroom.guild, "nobody")
    d.set_permissions(newsroom.general, member, deny=perms.ALL)
    assert d.permissions(member, newsroom.general) == 0
    return member


async def test_forms_opened_by_a_moderator_are_refused_when_submitted_by_a_member_without_rights(
    newsroom: Newsroom, desk: Desk
) -> None:
    """A form's custom_id is no key: whoever submits it is checked again."""
    d = newsroom.driver
    before = await board_and_claims(desk, newsroom.guild.id)
    add = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "quote"}, subcommand="add")
    edit = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"claim": "2", "note": "n"}, subcommand="edit")
    await add
    await edit
    typed = {
        add: {"Statement": "Forged words", "Speaker (a person or a body)": "Someone"},
        edit: {"Statement": "Forged words"},
    }
    submitted = 0
    for member in (nobody(newsroom), newsroom.reader):
        for opened, values in typed.items():
            result = await d.submit_modal(opened, filled(opened, values), member)
            await result.finished(idle=0.02)
            assert_refused(result, NOT_A_MODERATOR)
            submitted += 1
    assert submitted == 4
    assert await board_and_claims(desk, newsroom.guild.id) == before
    assert public(d.messages(newsroom.general)) == []


async def a_only_claim(desk: Desk, newsroom: Newsroom) -> tuple[int, int]:
    """Claim #17 and its speaker exist only in the newsroom (server A)."""
    new = NewClaim(statement="Drones were seen over the Newsroom's city.", verbatim=False, speaker="Local Desk")
    claim = await desk.add_claim(newsroom.guild.id, new, note="setup", actor=SETUP)
    assert claim.number == 17
    return claim.number, claim.speaker.id


def every_mod_change(number: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("status", {"claim": number, "verdict": "false", "note": "n"}),
        ("attribution", {"claim": number, "status": "retracted", "note": "n"}),
        ("edit", {"claim": number, "note": "n"}),
        ("link", {"claim": number, "relation": "supports", "other": "2"}),
        ("link", {"claim": "2", "relation": "supports", "other": number}),
        ("evidence", {"claim": number, "url": "https://example.org/e", "note": "n"}),
    ]


async def test_another_servers_claim_number_reaches_no_mod_subcommand(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    number, _speaker = await a_only_claim(desk, newsroom)
    before_a = await claim_state(desk, newsroom.guild.id, number)
    before_b = await board_and_claims(desk, newsroom.other_guild.id)
    tried = 0
    for typed in (str(number), f"#{number}"):
        for subcommand, options in every_mod_change(typed):
            result = await d.slash(
                newsroom.other_guild, newsroom.other_moderator, "mod", options, subcommand=subcommand
            )
            await result.finished(idle=0.02)
            assert_refused(result, f"There is no claim #{number} in this server.")
            tried += 1
    assert tried == 12
    assert await claim_state(desk, newsroom.guild.id, number) == before_a
    assert await board_and_claims(desk, newsroom.other_guild.id) == before_b


async def test_a_speaker_value_from_another_servers_suggestions_finds_nothing(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    _number, speaker_id = await a_only_claim(desk, newsroom)
    suggested = await d.autocomplete(newsroom.guild, newsroom.moderator, "who-said", "speaker", "local")
    await suggested
    assert suggested.choices[0]["value"] == "Local Desk"
    other, member = newsroom.other_guild, newsroom.other_moderator
    # The suggested value, and the id form a long name's value takes.
    for value in ("Local Desk", f"id:{speaker_id}"):
        for name, options in (("who-said", {"speaker": value}), ("search", {"query": "drones", "speaker": value})):
            result = await d.slash(other, member, name, options)
            await result.finished(idle=0.02)
            assert_refused(result, f"No speaker matches “{value}” in this server.")
    # The name, typed or suggested, is not known there either.
    elsewhere = await d.autocomplete(other, member, "who-said", "speaker", "local")
    await elsewhere
    assert elsewhere.choices == []


@pytest.mark.parametrize("forged_speaker", ["a", "99999999999999999999"])
async def test_a_search_pager_forged_with_another_servers_speaker_finds_nothing(
    newsroom: Newsroom, desk: Desk, forged_speaker: str
) -> None:
    d = newsroom.driver
    _number, speaker_id = await a_only_claim(desk, newsroom)
    forged_id = str(speaker_id) if forged_speaker == "a" else forged_speaker
    searched = await d.slash(newsroom.other_guild, newsroom.other_moderator, "search", {"query": "north korea"})
    await searched
    page = searched.original
    assert page is not None
    assert "claimbot:search:page:5:any:0" in page.custom_ids
    custom_id = f"claimbot:search:page:5:any:{forged_id}"
    for row in page.payload["components"]:
        for button in row["components"]:
            if button.get("custom_id") == "claimbot:search:page:5:any:0":
                button["custom_id"] = custom_id
    pressed = await d.press(page, custom_id, newsroom.other_moderator)
    await pressed.finished(idle=0.02)
    assert_refused(pressed, f"No speaker matches “{int(forged_id)}” in this server.")


async def many_changes(desk: Desk, guild_id: int, number: int, count: int) -> None:
    verdicts = [Verdict.INVESTIGATING, Verdict.DISPUTED]
    for k in range(count):
        await desk.set_verdict(guild_id, number, verdicts[k % 2], note=f"change {k}", source_url=None, actor=SETUP)


@pytest.mark.parametrize("listing", ["search", "history"])
async def test_someone_elses_search_or_history_page_turn_is_private_and_leaves_the_list_alone(
    newsroom: Newsroom, desk: Desk, listing: str
) -> None:
    d = newsroom.driver
    if listing == "search":
        asked = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "north korea"})
    else:
        await many_changes(desk, newsroom.guild.id, 3, 12)
        asked = await d.slash(newsroom.guild, newsroom.reader, "status", {"claim": "3"})
    await asked
    page = asked.original
    assert page is not None
    before = page.snapshot()
    following = next(c for c in page.custom_ids if not page.find_component(c).get("disabled"))

    other = await d.press(page, following, newsroom.moderator)
    await other.finished(idle=0.02)

    assert other.callback_type == 4, other  # a new message, not an update of the reader's
    assert other.ephemeral
    assert other.original is not None
    assert other.original.id != page.id
    assert d.world.messages[page.id].payload == before
    assert not d.world.messages[page.id].edited
