"""What moderators do with /mod, and what everyone then sees in the channel, on the card and in the history."""

from __future__ import annotations

import asyncio

import pytest

from bot.desk import Desk
from bot.domain.states import Attribution, Verdict
from localdiscord import permissions as perms
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.bot.support import description, fields, filled, modal_inputs, public

# /mod add says which story the claim went to (issue 11: by default the server's most recent story).
ADDED_17 = "✅ Added claim #17 to the story **North Korea to Send 10,000 Troops to Ukraine, Zelensky Warns**."

# Every test here runs on SQLite and, where a server answers, on PostgreSQL.
pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)


async def timeline_text(newsroom: Newsroom, number: int) -> str:
    result = await newsroom.driver.slash(newsroom.guild, newsroom.reader, "status", {"claim": str(number)})
    await result
    assert not result.ephemeral
    return description(result.original)


async def configure(newsroom: Newsroom, **options: object):  # type: ignore[no-untyped-def]
    result = await newsroom.driver.slash(newsroom.guild, newsroom.admin, "mod", options, subcommand="config")
    await result
    return result


# /mod status


async def test_verdict_change_is_announced_in_the_channel_and_confirmed_privately(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {
            "claim": "#2",
            "verdict": "confirmed",
            # a note that would ping everyone if the bot let it
            "note": "Satellite images @everyone <@&1> <@2>",
            "source": "https://example.org/images",
        },
        subcommand="status",
    )
    await result
    private, announcement = result.messages
    assert private.ephemeral
    assert private.text == "✅ #2 is now confirmed."
    assert not announcement.ephemeral
    first_line = announcement.content.split("\n")[0]
    assert first_line.startswith("**#2 is now Confirmed** 🟢 — Satellite images ")
    assert first_line.endswith(" — <https://example.org/images> — by mod")
    assert "@everyone" not in announcement.content  # escaped, so it cannot even look like a ping
    assert announcement.payload.get("mentions", []) == []
    assert announcement.payload.get("mention_everyone") is not True
    assert "We know about 10,000 soldiers" in announcement.content
    assert [m.id for m in public(d.messages(newsroom.general))] == [announcement.id]
    assert d.messages(newsroom.announce) == []  # no announce channel configured
    claim = await desk.claim(newsroom.guild.id, 2)
    assert claim.verdict is Verdict.CONFIRMED
    assert claim.rationale.startswith("Satellite images")


async def test_verdict_change_is_also_posted_in_the_announce_channel(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    config = await configure(newsroom, announce_channel=newsroom.announce)
    assert config.ephemeral
    assert f"Announcements: <#{newsroom.announce.id}>" in config.text
    assert "⚠️" not in config.text
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "6", "verdict": "false", "note": "NATO later said it had evidence"},
        subcommand="status",
    )
    await result
    announced = d.messages(newsroom.announce)
    assert len(announced) == 1
    in_channel = public(d.messages(newsroom.general))
    assert len(in_channel) == 1
    assert announced[0].content == in_channel[0].content
    assert announced[0].content.startswith("**#6 is now False** 🔴 — NATO later said it had evidence — by mod")
    assert result.messages[0].text == "✅ #6 is now false."


async def test_config_warns_when_the_bot_may_not_post_in_the_announce_channel(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    d.set_bot_permissions(newsroom.announce, deny=perms.SEND_MESSAGES)
    config = await configure(newsroom, announce_channel=newsroom.announce)
    assert config.ephemeral
    # (issue 11's queue channel and review intervals are listed between the settings and the warnings)
    assert f"Announcements: <#{newsroom.announce.id}>\n" in config.text
    assert config.text.endswith(
        "\n⚠️ I may not post in the announce channel: give me View Channel and Send Messages there."
    )
    # The setting is kept; a verdict change still goes through, and the moderator hears why it was not announced.
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "6", "verdict": "investigating", "note": "Looking into it"},
        subcommand="status",
    )
    await result
    private = result.messages[0]
    assert private.ephemeral
    assert private.text.startswith("✅ #6 is now investigating.\nI may not post in <#")
    assert d.messages(newsroom.announce) == []
    assert (await desk.claim(newsroom.guild.id, 6)).verdict is Verdict.INVESTIGATING


async def test_config_sets_a_moderator_role_whose_members_may_change_verdicts(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    config = await configure(newsroom, moderator_role=newsroom.checker_role)
    assert config.ephemeral
    assert f"Moderator role: <@&{newsroom.checker_role.id}>" in config.text
    assert (await desk.guild_settings(newsroom.guild.id)).moderator_role_id == newsroom.checker_role.id
    assert d.permissions(newsroom.checker, newsroom.general) & (perms.MANAGE_MESSAGES | perms.MANAGE_GUILD) == 0
    result = await d.slash(
        newsroom.guild,
        newsroom.checker,
        "mod",
        {"claim": "3", "verdict": "investigating", "note": "Asking Kyiv for evidence"},
        subcommand="status",
    )
    await result
    assert result.messages[0].text == "✅ #3 is now investigating."
    assert public(d.messages(newsroom.general))[-1].content.startswith("**#3 is now Investigating** 🔵")
    assert "by checker" in public(d.messages(newsroom.general))[-1].content

    reset = await configure(newsroom, reset="moderator_role")
    assert "Moderator role: not set" in reset.text
    again = await d.slash(
        newsroom.guild,
        newsroom.checker,
        "mod",
        {"claim": "3", "verdict": "confirmed", "note": "No longer a moderator"},
        subcommand="status",
    )
    await again
    assert again.ephemeral
    assert again.text.startswith("Only moderators can do that")
    assert (await desk.claim(newsroom.guild.id, 3)).verdict is Verdict.INVESTIGATING


async def test_config_without_options_shows_the_settings(newsroom: Newsroom, claimbot) -> None:
    result = await configure(newsroom)
    assert result.ephemeral
    assert result.text == (
        "**claimbot settings**\nModerator role: not set\nAnnouncements: off (verdict changes are not announced)\n"
        # issue 11
        "Queue channel: off (use /mod queue)\n"
        "Review after: unverified 14 d, investigating 3 d, disputed 7 d, confirmed never, false never, misleading never"
    )


# The other /mod subcommands: each leaves a history row a reader can see


async def test_attribution_change_is_in_the_history_and_on_the_card(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "6", "status": "via_outlet", "note": "Only reported by Reuters", "source": "https://reuters.com/x"},
        subcommand="attribution",
    )
    await result
    assert result.ephemeral
    assert result.text == "✅ #6 is now: reported by an outlet."
    assert (await desk.claim(newsroom.guild.id, 6)).attribution is Attribution.VIA_OUTLET
    history = await timeline_text(newsroom, 6)
    block = history.split("\n\n")[1]
    assert block.startswith("**Attribution**: 🎙️ On the record → 📰 Reported by an outlet · by **mod**")
    assert "Only reported by Reuters" in block
    assert "Source: https://reuters.com/x" in block
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "6"})
    await card
    assert "Reported by an outlet" in fields(card.original)["Attribution"]


async def test_add_opens_a_form_and_the_new_claim_can_be_shown(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "quote"}, subcommand="add")
    await opened
    assert opened.modal is not None
    assert opened.modal["title"] == "Add a claim"
    inputs = modal_inputs(opened)
    assert list(inputs) == [
        "Statement",
        "Speaker (a person or a body)",
        "Role or affiliation",
        "When it was said",
        "Source (a link)",
    ]
    submitted = await d.submit_modal(
        opened,
        filled(
            opened,
            {
                "Statement": "North Korean troops are already in Kursk.",
                "Speaker (a person or a body)": "zelenskiy",  # a variant: joins the known speaker
                "Role or affiliation": "President of Ukraine",
                "When it was said": "2024-10-20",
                "Source (a link)": "https://example.org/kursk",
            },
        ),
    )
    await submitted
    assert submitted.ephemeral
    assert submitted.text == ADDED_17
    claim = await desk.claim(newsroom.guild.id, 17)
    assert claim.speaker.name == "Volodymyr Zelensky"
    assert claim.verbatim
    assert [e.url for e in claim.evidence] == ["https://example.org/kursk"]

    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "#17"})
    await card
    text = description(card.original)
    assert text.startswith("“North Korean troops are already in Kursk.”")
    assert "— **Volodymyr Zelensky**, President of Ukraine" in text
    assert "2024-10-20" in text
    history = await timeline_text(newsroom, 17)
    assert "**Evidence**: https://example.org/kursk · by **mod**" in history
    assert "**Verdict**: ⚪ Unverified · by **mod**" in history
    assert "Added by a moderator." in history


async def test_add_refuses_a_form_with_a_date_it_cannot_read(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "paraphrase"}, subcommand="add")
    await opened
    submitted = await d.submit_modal(
        opened,
        filled(
            opened, {"Statement": "Something", "Speaker (a person or a body)": "Someone", "When it was said": "soon"}
        ),
    )
    await submitted
    assert submitted.ephemeral
    assert submitted.text.startswith('when must be a date like "2024-10-17"')
    board = await desk.board(newsroom.guild.id)
    assert board.total == 16


async def test_edit_opens_a_prefilled_form_and_records_each_changed_field(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {"claim": "6", "note": "Role per NATO's site"}, subcommand="edit"
    )
    await opened
    assert opened.modal is not None
    assert opened.modal["title"] == "Edit claim #6"
    inputs = modal_inputs(opened)
    assert inputs["Statement"]["value"] == "There is no evidence that North Korean soldiers are involved in the fight."
    assert inputs["Speaker (a person or a body)"]["value"] == "Mark Rutte"
    assert inputs["Role or affiliation"]["value"] == "NATO Secretary General"
    assert inputs["When it was said"]["value"] == "2024-10-17"
    submitted = await d.submit_modal(opened, filled(opened, {"Role or affiliation": "Secretary General of NATO"}))
    await submitted
    assert submitted.ephemeral
    assert submitted.text == "✅ #6: changed role."
    assert (await desk.claim(newsroom.guild.id, 6)).role == "Secretary General of NATO"
    history = await timeline_text(newsroom, 6)
    block = history.split("\n\n")[1]
    assert block.startswith("**Role**: NATO Secretary General → Secretary General of NATO · by **mod**")
    assert "Role per NATO's site" in block


async def test_link_records_the_relation_on_both_cards(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "10", "relation": "supports", "other": "#1", "note": "Size of the army"},
        subcommand="link",
    )
    await result
    assert result.ephemeral
    assert result.text == "✅ #10 supports #1."
    history = await timeline_text(newsroom, 10)
    assert "**Link**: supports #1 · by **mod**" in history
    assert "Size of the army" in history
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "1"})
    await card
    assert "supported by **#10**" in fields(card.original)["Related claims"]


async def test_evidence_is_listed_on_the_card_and_in_the_history(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "9", "url": "https://kcna.kp/treaty", "note": "Treaty text"},
        subcommand="evidence",
    )
    await result
    assert result.ephemeral
    assert result.text == "✅ #9 now lists 1 evidence link."
    history = await timeline_text(newsroom, 9)
    assert "**Evidence**: https://kcna.kp/treaty · by **mod**" in history
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "9"})
    await card
    assert "[Treaty text](https://kcna.kp/treaty)" in fields(card.original)["Evidence"]


async def test_change_made_in_the_announce_channel_is_posted_there_once(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    await configure(newsroom, announce_channel=newsroom.announce)
    result = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "4", "verdict": "confirmed", "note": "Pentagon briefing"},
        subcommand="status",
        channel=newsroom.announce,
    )
    await result
    posted = public(d.messages(newsroom.announce))
    assert [m.content.split("\n")[0] for m in posted] == ["**#4 is now Confirmed** 🟢 — Pentagon briefing — by mod"]
    assert public(d.messages(newsroom.general)) == []


async def test_member_written_markup_and_mentions_show_as_typed_and_ping_nobody(newsroom: Newsroom, desk: Desk) -> None:
    """The local Discord fails the test on any ping; here we also check the text reads as it was typed."""
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "paraphrase"}, subcommand="add")
    await opened
    statement = f"@everyone **look** <@{newsroom.reader.id}> <@&{newsroom.checker_role.id}> says # hello"
    submitted = await d.submit_modal(
        opened,
        filled(opened, {"Statement": statement, "Speaker (a person or a body)": "@here <#1> __Desk__"}),
    )
    await submitted
    assert submitted.text == ADDED_17
    card = await d.slash(newsroom.guild, newsroom.reader, "claim", {"claim": "17"})
    await card
    text = description(card.original)
    assert "@\u200beveryone \\*\\*look\\*\\*" in text
    assert f"<\u200b@{newsroom.reader.id}>" in text
    assert "**@\u200bhere <\u200b#1> \\_\\_Desk\\_\\_**" in text
    change = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "17", "verdict": "false", "note": f"<@{newsroom.moderator.id}> @here"},
        subcommand="status",
    )
    await change
    announcement = public(d.messages(newsroom.general))[-1]
    assert "<@" not in announcement.content
    assert "@here" not in announcement.content
    assert "@everyone" not in announcement.content


async def test_a_form_submitted_twice_at_once_adds_one_claim(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    opened = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"kind": "paraphrase"}, subcommand="add")
    await opened
    values = filled(
        opened, {"Statement": "Drones were seen over the port.", "Speaker (a person or a body)": "Harbour watch"}
    )
    first, second = await asyncio.gather(d.submit_modal(opened, values), d.submit_modal(opened, values))
    await asyncio.gather(first, second)
    saved = [r for r in (first, second) if r.text == ADDED_17]
    refused = [r for r in (first, second) if "already submitted" in r.text]
    assert len(saved) == 1, (first.text, second.text)
    assert len(refused) == 1, (first.text, second.text)
    assert first.ephemeral
    assert second.ephemeral
    assert (await desk.board(newsroom.guild.id)).total == 17  # one claim, not two


async def test_a_moderator_removes_a_name_and_searching_by_it_finds_nothing_in_that_server_only(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    before = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "NK"})
    await before
    assert "**North** **Korea**" in description(before.original)  # the story's other name for it
    entities = await d.autocomplete(newsroom.guild, newsroom.moderator, "mod", "entity", "north", subcommand="unalias")
    await entities.finished()
    assert "North Korea" in [c["value"] for c in entities.choices]
    names = await d.autocomplete(
        newsroom.guild, newsroom.moderator, "mod", "name", "n", {"entity": "North Korea"}, subcommand="unalias"
    )
    await names.finished()
    assert [c["value"] for c in names.choices][:2] == ["NK", "N. Korea"]
    assert "Moscow" not in [c["value"] for c in names.choices]  # Russia's
    options = {"entity": "North Korea", "name": "NK", "note": "members here use it for a streamer"}
    removed = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand="unalias")
    await removed
    assert removed.ephemeral
    assert removed.text == (
        "✅ “NK” no longer finds what is said of North Korea; /mod aliases entity: keeps the record of it."
    )
    after = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "NK"})
    await after
    assert "No claims" in description(after.original)
    elsewhere = await d.slash(newsroom.other_guild, newsroom.other_moderator, "search", {"query": "NK"})
    await elsewhere
    assert "**North** **Korea**" in description(elsewhere.original)
    listed = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"entity": "DPRK"}, subcommand="aliases")
    await listed
    who = newsroom.moderator.nick or newsroom.moderator.user.global_name or newsroom.moderator.user.username
    assert "• ~~NK~~ (added by claimbot seed" in listed.text
    assert f"removed by {who}" in listed.text
    assert "members here use it for a streamer" in listed.text
    overview = await d.slash(newsroom.guild, newsroom.moderator, "mod", {}, subcommand="aliases")
    await overview
    assert "**North Korea**: DPRK, N. Korea" in overview.text


async def test_unalias_refuses_a_reader_and_says_which_names_it_does_not_know(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    options = {"entity": "North Korea", "name": "NK", "note": "n"}
    refused = await d.slash(newsroom.guild, newsroom.reader, "mod", options, subcommand="unalias")
    await refused
    assert refused.ephemeral
    assert refused.text.startswith("Only moderators can do that")
    unknown = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {**options, "entity": "Atlantis"}, subcommand="unalias"
    )
    await unknown
    assert unknown.ephemeral
    assert "This server has no other names for “Atlantis”" in unknown.text
    not_its = await d.slash(
        newsroom.guild, newsroom.moderator, "mod", {**options, "name": "Hermit Kingdom"}, subcommand="unalias"
    )
    await not_its
    assert not_its.ephemeral
    assert "“Hermit Kingdom” is not one of North Korea’s other names" in not_its.text
    assert ("North Korea", "NK") in {(a.entity, a.name) for a in await desk.aliases(newsroom.guild.id)}


async def test_a_reader_is_refused_before_the_claim_option_is_even_resolved(newsroom: Newsroom, desk: Desk) -> None:
    # Were the option resolved first, the reader would hear that no claim matches these words.
    d = newsroom.driver
    options = {"claim": "no claim says this at all", "verdict": "false", "note": "n"}
    refused = await d.slash(newsroom.guild, newsroom.reader, "mod", options, subcommand="status")
    await refused
    assert refused.ephemeral
    assert refused.text.startswith("Only moderators can do that")


# /mod alias, /mod aliases


async def test_a_moderators_alias_finds_what_is_said_under_the_other_name_and_is_listed_with_who_added_it(
    newsroom: Newsroom, desk: Desk
) -> None:
    d = newsroom.driver
    before = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "hermit kingdom"})
    await before
    assert "No claims" in description(before.original)
    options = {"entity": "DPRK", "name": "Hermit Kingdom", "note": "What some columnists call it"}
    added = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand="alias")
    await added
    assert added.ephemeral
    assert (
        added.text
        == "✅ “Hermit Kingdom” now finds what is said of North Korea, in claims already written with it too."
    )
    after = await d.slash(newsroom.guild, newsroom.reader, "search", {"query": "hermit kingdom"})
    await after
    found = description(after.original)
    assert "Showing 1–5 of 14 claims" in found  # every claim that names North Korea, by any of its names
    assert "**North** **Korea**" in found
    again = await d.slash(newsroom.guild, newsroom.moderator, "mod", options, subcommand="alias")
    await again
    assert again.ephemeral
    assert "already stands for North Korea" in again.text
    listed = await d.slash(newsroom.guild, newsroom.moderator, "mod", {"entity": "north korea"}, subcommand="aliases")
    await listed
    assert listed.ephemeral
    assert "**Other names of North Korea**" in listed.text
    who = newsroom.moderator.nick or newsroom.moderator.user.global_name or newsroom.moderator.user.username
    assert f"Hermit Kingdom (added by {who}" in listed.text
    assert "What some columnists call it" in listed.text
    assert "• DPRK (added by claimbot seed" in listed.text
    overview = await d.slash(newsroom.guild, newsroom.moderator, "mod", {}, subcommand="aliases")
    await overview
    assert overview.ephemeral
    assert "**North Korea**: DPRK, NK" in overview.text
