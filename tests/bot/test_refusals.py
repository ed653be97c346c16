"""What the bot refuses: each refusal is private, says why, and leaves everything as it was.

Discord's client hides /mod from members without Manage Messages, but that is only a hint: these
interactions reach the bot as a modified client (or a stale command list) would send them.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from bot.desk import Desk
from bot.domain.claims import Actor, NewClaim
from bot.domain.states import Verdict
from localdiscord import permissions as perms
from localdiscord.interactions import InteractionResult
from localdiscord.world import Member
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.bot.support import all_thinking, assert_no_lost_update, claim_state, filled, public, writes_held

# Every test here runs on SQLite and, where a server answers, on PostgreSQL.
pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

NOT_A_MODERATOR = (
    "Only moderators can do that: Administrator, Manage Server or Manage Messages, "
    "or the moderator role set with /mod config."
)
NOT_A_MANAGER = "Only members with Manage Server (or Administrator) can change claimbot's settings."


def mod_calls(newsroom: Newsroom) -> list[tuple[str, dict[str, Any], str]]:
    """Every /mod subcommand with valid options, and the refusal a non-moderator gets."""
    return [
        ("status", {"claim": "2", "verdict": "confirmed", "note": "n"}, NOT_A_MODERATOR),
        ("attribution", {"claim": "2", "status": "retracted", "note": "n"}, NOT_A_MODERATOR),
        ("add", {"kind": "quote"}, NOT_A_MODERATOR),
        ("edit", {"claim": "2", "note": "n"}, NOT_A_MODERATOR),
        ("link", {"claim": "2", "relation": "supports", "other": "5"}, NOT_A_MODERATOR),
        ("evidence", {"claim": "2", "url": "https://example.org/e", "note": "n"}, NOT_A_MODERATOR),
        ("alias", {"entity": "North Korea", "name": "Hermit Kingdom", "note": "n"}, NOT_A_MODERATOR),
        ("aliases", {}, NOT_A_MODERATOR),
        ("config", {"moderator_role": newsroom.checker_role}, NOT_A_MANAGER),
        ("config", {"announce_channel": newsroom.announce}, NOT_A_MANAGER),
        # Exports (issue 12)
        ("export", {"format": "csv"}, NOT_A_MODERATOR),
        ("config", {"desk_url": "https://facts.example"}, NOT_A_MANAGER),
    ]


async def set_moderator_role(newsroom: Newsroom) -> None:
    d = newsroom.driver
    options = {"moderator_role": newsroom.checker_role}
    result = await d.slash(newsroom.guild, newsroom.admin, "mod", options, subcommand="config")
    await result
    assert "Moderator role: <@&" in result.text


async def everything(desk: Desk, newsroom: Newsroom) -> tuple[object, ...]:
    """What any /mod call could change in the newsroom: claims 2 and 5, the board, the settings."""
    guild_id = newsroom.guild.id
    return (
        await claim_state(desk, guild_id, 2),
        await claim_state(desk, guild_id, 5),
        await desk.board(guild_id),
        await desk.guild_settings(guild_id),
        await desk.aliases(guild_id),
    )


def assert_refused(result: InteractionResult, text: str) -> None:
    assert result.answered, result
    assert result.modal is None, f"opened a form instead of refusing: {result!r}"
    assert result.ephemeral, result
    assert [m.text for m in result.messages] == [text]
    assert result.files == []


async def refuse_every_mod_subcommand(newsroom: Newsroom, desk: Desk, member: Member) -> None:
    d = newsroom.driver
    before = await everything(desk, newsroom)
    for subcommand, options, refusal in mod_calls(newsroom):
        result = await d.slash(newsroom.guild, member, "mod", options, subcommand=subcommand)
        await result.finished(idle=0.02)
        assert_refused(result, refusal)
    assert await everything(desk, newsroom) == before
    assert public(d.messages(newsroom.general)) == []
    assert d.messages(newsroom.announce) == []


async def test_reader_is_refused_every_mod_subcommand_and_nothing_changes(newsroom: Newsroom, desk: Desk) -> None:
    await refuse_every_mod_subcommand(newsroom, desk, newsroom.reader)


async def test_member_with_no_permissions_is_refused_even_when_the_interaction_reaches_the_bot(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    nobody = d.create_member(newsroom.guild, "nobody")
    d.set_permissions(newsroom.general, nobody, deny=perms.ALL)
    assert d.permissions(nobody, newsroom.general) == 0
    await refuse_every_mod_subcommand(newsroom, desk, nobody)


async def test_plain_moderator_cannot_change_the_settings(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    before = await desk.guild_settings(newsroom.guild.id)
    for options in ({"moderator_role": newsroom.checker_role}, {"announce_channel": newsroom.announce}, {}):
        result = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand="config")
        await result.finished(idle=0.02)
        assert_refused(result, NOT_A_MANAGER)
    # nor can a member whose only right is the configured moderator role
    await set_moderator_role(newsroom)
    configured = await desk.guild_settings(newsroom.guild.id)
    assert configured.moderator_role_id == newsroom.checker_role.id
    result = await d.slash(newsroom.guild, newsroom.checker, "mod", {"reset": "moderator_role"}, subcommand="config")
    await result
    assert_refused(result, NOT_A_MANAGER)
    assert await desk.guild_settings(newsroom.guild.id) == configured
    assert before.announce_channel_id is None


async def test_note_over_1000_characters_is_refused(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    note = "x" * 1001
    before = await everything(desk, newsroom)
    calls = [
        ("status", {"claim": "2", "verdict": "confirmed", "note": note}),
        ("attribution", {"claim": "2", "status": "retracted", "note": note}),
        ("edit", {"claim": "2", "note": note}),
        ("link", {"claim": "2", "relation": "supports", "other": "5", "note": note}),
        ("evidence", {"claim": "2", "url": "https://example.org/e", "note": note}),
    ]
    for subcommand, options in calls:
        result = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand=subcommand)
        await result.finished(idle=0.02)
        assert_refused(result, "The note is 1,001 characters; keep it to 1,000.")
    assert await everything(desk, newsroom) == before
    assert public(d.messages(newsroom.general)) == []


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://x", "notaurl", "http://", "https://exa mple.org"])
async def test_source_that_is_not_a_web_link_is_refused(newsroom: Newsroom, desk: Desk, link: str) -> None:
    d = newsroom.driver
    before = await everything(desk, newsroom)
    calls = [
        ("status", {"claim": "2", "verdict": "confirmed", "note": "n", "source": link}),
        ("attribution", {"claim": "2", "status": "retracted", "note": "n", "source": link}),
        ("evidence", {"claim": "2", "url": link, "note": "n"}),
    ]
    for subcommand, options in calls:
        result = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand=subcommand)
        await result.finished(idle=0.02)
        assert result.ephemeral
        assert result.text in (
            "The source must be a web link starting with http:// or https://.",
            "The evidence needs a link starting with http:// or https://.",
        ), subcommand
    assert await everything(desk, newsroom) == before
    assert public(d.messages(newsroom.general)) == []


async def test_verdict_equal_to_the_current_one_is_refused(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    before = await claim_state(desk, newsroom.guild.id, 2)
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "2", "verdict": "disputed", "note": "n"},
        subcommand="status",
    )
    await result
    assert result.ephemeral
    assert result.text.startswith("#2 is already disputed; nothing was changed. claimbot seed set it <t:")
    assert await claim_state(desk, newsroom.guild.id, 2) == before
    assert public(d.messages(newsroom.general)) == []


async def test_unknown_verdict_from_a_modified_client_is_refused(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    before = await claim_state(desk, newsroom.guild.id, 2)
    result = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {"claim": "2", "verdict": "true", "note": "n"}, subcommand="status"
    )
    await result
    assert d.warnings == ["/mod: verdict='true' is not one of its choices"]
    d.warnings.clear()  # sent on purpose: no Discord client offers it
    assert result.ephemeral
    assert result.text.startswith("Unknown verdict 'true'; choose one of: unverified, investigating")
    assert await claim_state(desk, newsroom.guild.id, 2) == before


async def test_two_moderators_changing_one_claim_at_once_only_one_wins(
    newsroom: Newsroom, desk: Desk, bot_database: Path | str
) -> None:
    d = newsroom.driver
    before = await claim_state(desk, newsroom.guild.id, 2)
    # Different verdicts: a lost update would save both, the second overwriting the first unseen.
    racers = ((newsroom.moderator, "false"), (newsroom.admin, "confirmed"))
    async with writes_held(bot_database):  # both resolve the claim (the same revision) before either writes
        results = await asyncio.gather(
            *(
                d.slash(
                    newsroom.guild,
                    member,
                    "mod",
                    {"claim": "2", "verdict": verdict, "note": f"{member.user.username} checked it"},
                    subcommand="status",
                )
                for member, verdict in racers
            )
        )
        await all_thinking(results)
    await asyncio.gather(*(result.finished() for result in results))
    saved = [r for r in results if r.messages and r.messages[0].text.startswith("✅ #2 is now ")]
    after = await claim_state(desk, newsroom.guild.id, 2)
    # Both read the claim (the option's revision) before either saved: one change wins, the other was
    # prepared against a claim that no longer is, and is refused.
    assert len(saved) == 1, [r.text for r in results]
    assert_no_lost_update(before, after, 1)
    winner = saved[0]
    loser = next(r for r in results if r is not winner)
    name = winner.member.user.username
    assert loser.ephemeral
    assert len(loser.messages) == 1
    assert re.fullmatch(
        rf"#2 was changed meanwhile by {name} \(now \w+\); nothing was saved\. That change was <t:\d+:R>; "
        r"look at the claim again before changing it\.",
        loser.text,
    ), loser.text
    assert after.history[0].actor.name == name
    announcements = public(d.messages(newsroom.general))
    assert len(announcements) == len(saved)


async def test_edit_form_submitted_after_another_moderator_changed_the_claim_is_refused(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"claim": "6", "note": "typo"}, subcommand="edit")
    await opened
    change = await d.slash(
        newsroom.guild, newsroom.admin, "mod", {"claim": "6", "verdict": "false", "note": "n"}, subcommand="status"
    )
    await change
    before = await claim_state(desk, newsroom.guild.id, 6)
    submitted = await d.submit_modal(opened, filled(opened, {"Role or affiliation": "NATO chief"}))
    await submitted
    assert submitted.ephemeral
    assert submitted.text.startswith("#6 was changed meanwhile by admin (now false); nothing was saved.")
    assert await claim_state(desk, newsroom.guild.id, 6) == before


async def test_form_submitted_after_losing_the_moderator_role_is_refused(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await set_moderator_role(newsroom)
    opened = await d.slash(newsroom.guild, newsroom.checker, "mod", {"kind": "quote"}, subcommand="add")
    await opened
    assert opened.modal is not None
    d.remove_roles(newsroom.checker, newsroom.checker_role)
    before = await desk.board(newsroom.guild.id)
    submitted = await d.submit_modal(
        opened, filled(opened, {"Statement": "Late words", "Speaker (a person or a body)": "Someone"})
    )
    await submitted
    assert_refused(submitted, NOT_A_MODERATOR)
    assert await desk.board(newsroom.guild.id) == before


# Another server


async def guild_a_only_claim(desk: Desk, newsroom: Newsroom) -> int:
    new = NewClaim(statement="Drones were seen over the Newsroom's city.", verbatim=False, speaker="Local Desk")
    claim = await desk.add_claim(newsroom.guild.id, new, note="setup", actor=Actor(1, "setup"))
    assert claim.number == 17
    return claim.number


async def test_number_that_exists_only_in_another_server_is_not_found(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    number = await guild_a_only_claim(desk, newsroom)
    before = await claim_state(desk, newsroom.guild.id, number)
    other = newsroom.other_guild
    for typed in (str(number), f"#{number}"):
        shown = await d.slash(other, newsroom.other_moderator, "claim", {"claim": typed})
        await shown.finished(idle=0.02)
        assert_refused(shown, f"There is no claim #{number} in this server.")
        changed = await d.slash(
            other,
            newsroom.other_moderator,
            "mod",
            {"claim": typed, "verdict": "false", "note": "not ours"},
            subcommand="status",
        )
        await changed.finished(idle=0.02)
        assert_refused(changed, f"There is no claim #{number} in this server.")
    # The words of A's claim find nothing in B either, typed or suggested.
    suggested = await d.autocomplete(other, newsroom.other_moderator, "mod", "claim", "drones", subcommand="status")
    await suggested
    assert suggested.choices == []
    typed_words = await d.slash(
        other,
        newsroom.other_moderator,
        "mod",
        {"claim": "drones newsroom city", "verdict": "false", "note": "not ours"},
        subcommand="status",
    )
    await typed_words
    assert_refused(typed_words, "No claim matches “drones newsroom city”. Try /search, or pick one of the suggestions.")
    assert await claim_state(desk, newsroom.guild.id, number) == before


async def test_other_servers_moderator_changes_only_their_own_claim_of_the_same_number(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    before = await everything(desk, newsroom)
    result = await d.slash(
        newsroom.other_guild,
        newsroom.other_moderator,
        "mod",
        {"claim": "2", "verdict": "false", "note": "our own copy"},
        subcommand="status",
    )
    await result
    assert result.messages[0].text == "✅ #2 is now false."
    assert (await desk.claim(newsroom.other_guild.id, 2)).verdict is Verdict.FALSE
    assert await everything(desk, newsroom) == before
    assert public(d.messages(newsroom.general)) == []


async def test_button_ids_pointing_at_another_servers_data_find_nothing(newsroom: Newsroom, desk: Desk) -> None:
    """A modified client can press any custom_id on a message; the guild still comes from the interaction."""
    d = newsroom.driver
    number = await guild_a_only_claim(desk, newsroom)
    zelensky_in_a = await desk.find_speaker(newsroom.guild.id, "Zelensky")
    other = newsroom.other_guild
    card = await d.slash(other, newsroom.other_moderator, "claim", {"claim": "2"})
    await card
    message = card.original
    assert message is not None
    forged = {
        f"claimbot:claim:history:{number}": f"There is no claim #{number} in this server.",
        f"claimbot:claim:speaker:{number}": f"There is no claim #{number} in this server.",
        f"claimbot:claim:related:{number}": f"There is no claim #{number} in this server.",
        f"claimbot:history:page:{number}:0": f"There is no claim #{number} in this server.",
        f"claimbot:speaker:page:{zelensky_in_a.id}:0": f"No speaker matches “{zelensky_in_a.id}” in this server.",
    }
    for custom_id, refusal in forged.items():
        message.payload["components"][0]["components"][0]["custom_id"] = custom_id
        pressed = await d.press(message, custom_id, newsroom.other_moderator)
        await pressed.finished(idle=0.02)
        assert_refused(pressed, refusal)
        assert "Drones" not in pressed.text


# Other limits


async def test_search_too_often_is_told_to_slow_down(newsroom: Newsroom, claimbot) -> None:
    d = newsroom.driver
    answers = []
    for _ in range(6):
        result = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "troops"})
        await result.finished(idle=0.02)
        answers.append(result)
    assert all(not r.ephemeral for r in answers[:5])
    assert answers[5].ephemeral
    assert re.fullmatch(r"Slow down a little: try again in \d+ s\.", answers[5].text)


async def test_links_evidence_and_edits_that_change_nothing_are_refused(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await desk.add_evidence(newsroom.guild.id, 2, "https://example.org/a", note="a", actor=Actor(1, "setup"))
    before = await everything(desk, newsroom)
    calls = [
        ({"claim": "2", "relation": "supports", "other": "#2"}, "link", "A claim cannot be linked to itself."),
        # seeded: #6 contradicts #2, and #2 is the same as #1 (which reads the same both ways)
        (
            {"claim": "6", "relation": "contradicts", "other": "2"},
            "link",
            "That link is already recorded: #6 contradicts #2.",
        ),
        ({"claim": "1", "relation": "same_as", "other": "2"}, "link", "That link is already recorded: #1 same as #2."),
        ({"claim": "2", "url": "https://example.org/a", "note": "n"}, "evidence", "#2 already lists that link."),
        ({"claim": "2", "status": "on_record", "note": "n"}, "attribution", "#2 is already marked on the record."),
    ]
    others = [await claim_state(desk, newsroom.guild.id, number) for number in (1, 6)]
    for options, subcommand, refusal in calls:
        result = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand=subcommand)
        await result.finished(idle=0.02)
        assert_refused(result, refusal)
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"claim": "2", "note": "n"}, subcommand="edit")
    await opened
    submitted = await d.submit_modal(opened, {})  # the prefilled form, sent back as it was
    await submitted
    assert_refused(submitted, "#2 already says that; nothing was changed.")
    assert await everything(desk, newsroom) == before
    assert [await claim_state(desk, newsroom.guild.id, number) for number in (1, 6)] == others
