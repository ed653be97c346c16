from __future__ import annotations

import io

import discord
import pytest

from localdiscord.driver import Driver
from tests.localdiscord.bots import make_bot, sync_to
from tests.localdiscord.conftest import StartBot, eventually


@pytest.fixture
async def ready(local_discord: Driver, start_bot: StartBot):  # type: ignore[no-untyped-def]
    """A guild with alice, a bot connected to it and its commands synced there."""
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = await start_bot(make_bot())
    await sync_to(bot, guild.id)
    return guild, alice, bot


async def test_slash_command_answer_is_what_the_member_sees(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready
    mods = local_discord.create_role(guild, "Mods")
    bob = local_discord.create_member(guild, "bob")

    result = await local_discord.slash(guild, alice, "ping", {"who": bob, "role": mods})
    await result

    assert result.callback_type == 4
    assert result.ephemeral
    assert result.text == "pong bob Mods"
    assert result.latency is not None
    assert result.latency < 1
    assert result.payload["data"]["id"] == next(c["id"] for c in local_discord.commands(guild) if c["name"] == "ping")
    assert result.payload["member"]["permissions"]
    assert result.payload["app_permissions"]
    assert local_discord.warnings == []


async def test_deferred_followup_replaces_the_thinking_message(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready

    result = await local_discord.slash(guild, alice, "slow")
    await result.wait_answered()
    assert result.callback_type == 5
    await result.wait_until(lambda r: len(r.followup_bodies) == 2)
    await result

    assert [m.content for m in result.messages] == ["done thinking", "and one more"]
    assert result.original is not None
    assert result.original.edited
    assert not result.original.loading
    assert len(result.followups) == 1  # the first follow-up edited the thinking message instead
    # The deferral decided the thinking message was ephemeral; the later follow-up did not ask to be.
    assert [m.ephemeral for m in result.messages] == [True, False]


async def test_oversized_embed_field_is_refused_and_named(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, bot = ready

    result = await local_discord.slash(guild, alice, "huge")
    await result.wait_until(lambda r: bool(r.errors))

    assert result.errors[0]["code"] == 50035
    assert result.errors[0]["errors"]["data"]["embeds"]["0"]["fields"]["3"]["value"]["_errors"]
    violations = local_discord.take_violations()
    assert [f"{v.path}: {v.detail}" for v in violations] == ["data.embeds[0].fields[3].value: 1,300 > 1,024"]
    await eventually(lambda: bot.seen_errors)
    assert isinstance(bot.seen_errors[0].original, discord.HTTPException)
    local_discord.take_late_interactions()  # the bot never answered: expected here


async def test_pinging_message_is_refused_and_named(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = await start_bot(make_bot(allowed_mentions=discord.AllowedMentions.all()))
    await sync_to(bot, guild.id)

    result = await local_discord.slash(guild, alice, "shout", {"text": "hey @everyone"})
    await result.wait_until(lambda r: len(r.followups) == 1)

    assert result.followups[0].content == "failed: 50035"
    (violation,) = local_discord.take_violations()
    assert violation.route == "POST /channels/{channel_id}/messages"
    assert violation.path == "content"
    assert "would ping @everyone" in violation.detail
    assert [m.content for m in local_discord.messages(local_discord.default_channel(guild), ephemeral=False)] == []


async def test_channel_messages_are_readable_by_the_test(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready

    result = await local_discord.slash(guild, alice, "shout", {"text": "hello newsroom"})
    await result

    posted = local_discord.messages(local_discord.default_channel(guild), ephemeral=False)
    assert [m.content for m in posted] == ["hello newsroom"]
    assert posted[0].author_id == local_discord.bot_user.id


async def test_missing_send_permission_is_refused(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready
    channel = local_discord.default_channel(guild)
    local_discord.set_bot_permissions(channel, deny=discord.Permissions(send_messages=True).value)

    result = await local_discord.slash(guild, alice, "shout", {"text": "hello"})
    await result.wait_until(lambda r: len(r.followups) == 1)

    assert result.followups[0].content == "failed: 50013"


async def test_late_answer_is_flagged(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, bot = ready

    result = await local_discord.slash(guild, alice, "late", {"seconds": 0.3}, deadline=0.2)
    await result.wait_until(lambda r: bool(r.errors))

    assert result.late
    assert result.errors == [{"code": 10062, "message": "Unknown interaction"}]
    (late,) = local_discord.take_late_interactions()
    assert late.name == "late"
    assert late.latency is not None
    assert late.latency > 0.2
    await eventually(lambda: bot.seen_errors)
    assert isinstance(bot.seen_errors[0].original, discord.NotFound)


async def test_an_event_read_late_has_its_creation_time_and_less_of_its_deadline_left(  # type: ignore[no-untyped-def]
    local_discord: Driver, ready
) -> None:
    guild, alice, _ = ready
    before = discord.utils.utcnow()
    # Sent 2.9 s ago: the answer after 0.3 s is past Discord's 3 s, though the bot had it for 0.3 s.
    result = await local_discord.slash(guild, alice, "late", {"seconds": 0.3}, delayed=2.9)
    await result.wait_until(lambda r: bool(r.errors))
    age = (before - discord.utils.snowflake_time(result.id)).total_seconds()
    assert 2.85 < age < 3.0
    assert result.late
    assert result.errors == [{"code": 10062, "message": "Unknown interaction"}]
    local_discord.take_late_interactions()

    on_time = await local_discord.slash(guild, alice, "late", {"seconds": 0.3}, delayed=2.0)
    await on_time
    assert on_time.answered
    assert not on_time.late
    assert on_time.latency is not None
    assert on_time.latency > 2.0  # counted, as Discord counts it, from when it was sent


async def test_button_updates_its_message(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready
    status = await local_discord.slash(guild, alice, "mod", {"story": "flood"}, subcommand="status")
    await status
    message = status.original
    assert message is not None
    assert message.custom_ids == ["vote:agree", "vote:explain", "vote:pick"]

    pressed = await local_discord.press(message, "vote:agree", alice)
    await pressed

    assert pressed.callback_type == 7
    assert message.content == "agreed"
    assert message.components == []


async def test_select_and_modal_round_trip(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready
    status = await local_discord.slash(guild, alice, "mod", {"story": "flood"}, subcommand=("status",))
    await status
    assert status.original is not None

    picked = await local_discord.select(status.original, "vote:pick", ["b"], alice)
    await picked
    assert picked.text == "picked b"

    opened = await local_discord.press(status.original, "vote:explain", alice)
    await opened
    assert opened.modal is not None
    assert opened.modal["title"] == "Why?"
    submitted = await local_discord.submit_modal(opened, {"reason": "sources agree"})
    await submitted
    assert submitted.text == "because sources agree"


async def test_autocomplete_offers_choices(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready

    result = await local_discord.autocomplete(guild, alice, "mod", "story", "fl", subcommand="status")
    await result

    assert result.callback_type == 8
    assert len(result.choices) == 25
    assert result.choices[0] == {"name": "fl-0", "value": "fl-0"}


async def test_message_command_gets_the_target_message(local_discord: Driver, ready) -> None:  # type: ignore[no-untyped-def]
    guild, alice, _ = ready
    said = local_discord.post_message(local_discord.default_channel(guild), alice, "the river rose 2m")

    result = await local_discord.message_command(guild, alice, "Check claims", said)
    await result

    assert result.text == "checked 17 characters"


async def test_files_arrive_as_attachments(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = make_bot()

    @bot.tree.command(description="Send a file")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("report", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "claims.csv"))

    await start_bot(bot)
    await sync_to(bot, guild.id)

    result = await local_discord.slash(guild, alice, "report")
    await result

    assert result.original is not None
    (attachment,) = result.original.payload["attachments"]
    assert (attachment["filename"], attachment["size"]) == ("claims.csv", 8)


async def test_guild_created_after_connecting_reaches_the_bot(local_discord: Driver, start_bot: StartBot) -> None:
    local_discord.create_guild("First")
    bot = await start_bot(make_bot())

    later = local_discord.create_guild("Later")
    await eventually(lambda: bot.get_guild(later.id) is not None)

    seen = bot.get_guild(later.id)
    assert seen is not None
    assert seen.name == "Later"


async def test_message_command_on_another_members_message(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bob = local_discord.create_member(guild, "bob")
    bot = make_bot()

    @bot.tree.context_menu(name="Request a check")
    async def request_check(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(
            f"{interaction.user.name} asks about {message.author.name}'s {message.content!r} {message.jump_url}",
            ephemeral=True,
        )

    await start_bot(bot)
    await sync_to(bot, guild.id)
    said = local_discord.post_message(local_discord.default_channel(guild), alice, "the river rose 2m")

    result = await local_discord.message_command(guild, bob, "Request a check", said)
    await result

    assert result.text.startswith("bob asks about alice's 'the river rose 2m' https://discord.com/channels/")
    assert result.text.endswith(f"/{said.channel_id}/{said.id}")
    assert result.member is bob
    assert result.ephemeral
    assert local_discord.warnings == []
