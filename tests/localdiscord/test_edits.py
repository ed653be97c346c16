"""Message edits and deletes by the bot, with Discord's answers when the message or the right is gone."""

from __future__ import annotations

import discord
import pytest

from localdiscord import permissions as perms
from localdiscord.driver import Driver
from localdiscord.world import Channel, Guild
from tests.localdiscord.bots import make_bot, sync_to
from tests.localdiscord.conftest import StartBot, eventually


async def connected(driver: Driver, start_bot: StartBot) -> tuple[Guild, Channel, discord.TextChannel]:
    guild = driver.create_guild("News")
    bot = await start_bot(make_bot())
    channel = driver.default_channel(guild)
    seen = bot.get_channel(channel.id)
    assert isinstance(seen, discord.TextChannel)
    return guild, channel, seen


async def test_an_edit_is_what_the_channel_then_shows_and_is_kept_in_the_history(
    local_discord: Driver, start_bot: StartBot
) -> None:
    _, channel, seen = await connected(local_discord, start_bot)
    sent = await seen.send("#7: disputed")

    await sent.edit(content="#7: confirmed", embed=discord.Embed(title="Updated: was Disputed"))

    (shown,) = local_discord.messages(channel)
    assert shown.content == "#7: confirmed"
    assert shown.embeds[0]["title"] == "Updated: was Disputed"
    assert shown.edited
    assert shown.payload["edited_timestamp"]
    assert [e["content"] for e in shown.edits] == ["#7: confirmed"]
    assert shown.history[0]["content"] == "#7: disputed"


async def test_a_message_deleted_by_a_moderator_is_unknown_to_later_edits_and_deletes(
    local_discord: Driver, start_bot: StartBot
) -> None:
    _, channel, seen = await connected(local_discord, start_bot)
    sent = await seen.send("#7: disputed")

    local_discord.delete_message(local_discord.messages(channel)[0])

    with pytest.raises(discord.NotFound) as edited:
        await sent.edit(content="#7: confirmed")
    with pytest.raises(discord.NotFound) as deleted:
        await sent.delete()
    assert (edited.value.code, edited.value.text) == (10008, "Unknown Message")
    assert deleted.value.code == 10008
    assert local_discord.messages(channel) == []
    with pytest.raises(LookupError):
        local_discord.delete_message(local_discord.world.messages[sent.id])


async def test_losing_view_channel_stops_edits_but_losing_send_messages_does_not(
    local_discord: Driver, start_bot: StartBot
) -> None:
    _, channel, seen = await connected(local_discord, start_bot)
    sent = await seen.send("#7: disputed")

    # discord/discord-api-docs#3096: Send Messages only restricts new messages.
    local_discord.set_bot_permissions(channel, deny=perms.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as cannot_send:
        await seen.send("#8: new")
    await sent.edit(content="#7: confirmed")

    local_discord.set_bot_permissions(channel, deny=perms.VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as cannot_edit:
        await sent.edit(content="#7: false")
    with pytest.raises(discord.Forbidden) as cannot_delete:
        await sent.delete()

    assert cannot_send.value.code == 50013
    assert (cannot_edit.value.code, cannot_delete.value.code) == (50001, 50001)
    assert [m.content for m in local_discord.messages(channel)] == ["#7: confirmed"]


async def test_deleting_a_members_message_needs_manage_messages(local_discord: Driver, start_bot: StartBot) -> None:
    guild, channel, seen = await connected(local_discord, start_bot)
    alice = local_discord.create_member(guild, "alice")
    said = local_discord.post_message(channel, alice, "the river rose 2m")
    theirs = await seen.fetch_message(said.id)

    with pytest.raises(discord.Forbidden) as refused:
        await theirs.delete()
    with pytest.raises(discord.Forbidden) as not_author:
        await theirs.edit(content="the river rose 3m")
    local_discord.set_bot_permissions(channel, allow=perms.MANAGE_MESSAGES)
    await theirs.delete()

    assert refused.value.code == 50013
    assert not_author.value.code == 50005
    assert local_discord.messages(channel) == []


async def test_edits_are_held_to_the_limits_and_ping_rules_of_sends(local_discord: Driver, start_bot: StartBot) -> None:
    _, channel, seen = await connected(local_discord, start_bot)
    sent = await seen.send("#7: disputed")

    with pytest.raises(discord.HTTPException) as too_long:
        await sent.edit(content="x" * 2001)
    with pytest.raises(discord.HTTPException) as pinging:
        await sent.edit(content="@everyone #7 is confirmed", allowed_mentions=discord.AllowedMentions(everyone=True))

    assert (too_long.value.code, pinging.value.code) == (50035, 50035)
    found = [(v.route, v.path, v.code) for v in local_discord.take_violations()]
    route = "PATCH /channels/{channel_id}/messages/{message_id}"
    assert found == [(route, "content", "BASE_TYPE_MAX_LENGTH"), (route, "content", "PING")]
    assert local_discord.messages(channel)[0].content == "#7: disputed"


async def test_interaction_responses_are_edited_through_the_webhook_routes(
    local_discord: Driver, start_bot: StartBot
) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = make_bot()
    refusals: list[int] = []

    @bot.tree.command(description="Answer, then correct the answer and its follow-up")
    async def card(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("#7: disputed")
        extra = await interaction.followup.send("see also #8", wait=True)
        await interaction.edit_original_response(content="#7: confirmed")
        await extra.edit(content="see also #9")
        pinging = discord.AllowedMentions(users=True)
        for attempt in (
            interaction.edit_original_response(content=f"<@{alice.id}> #7 is confirmed", allowed_mentions=pinging),
            interaction.delete_original_response(),
            interaction.edit_original_response(content="too late"),
        ):
            try:
                await attempt
            except discord.HTTPException as exc:
                refusals.append(exc.code)

    await start_bot(bot)
    await sync_to(bot, guild.id)
    result = await local_discord.slash(guild, alice, "card")
    await eventually(lambda: len(refusals) == 2)

    assert refusals == [50035, 10008]
    (violation,) = local_discord.take_violations()
    assert (violation.route, violation.code) == ("PATCH /webhooks/{app_id}/{token}/messages/{message_id}", "PING")
    assert [m.content for m in result.messages] == ["see also #9"]
    assert result.original is not None
    assert result.original.deleted
    assert [e["content"] for e in result.original.edits] == ["#7: confirmed"]
