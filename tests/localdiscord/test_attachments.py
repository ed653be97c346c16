"""Files both ways: a member's ATTACHMENT option the bot reads from the CDN, and files the bot uploads."""

from __future__ import annotations

import io

import aiohttp
import discord
import pytest
from discord import app_commands

from localdiscord.driver import Driver
from tests.localdiscord.bots import make_bot, sync_to
from tests.localdiscord.conftest import StartBot

STORY = b'title = "Floods"\n[[claims]]\nstatement = "the river rose 2m"\n'


async def test_an_attachment_option_carries_a_file_the_bot_can_read(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = make_bot()

    @bot.tree.command(name="import", description="Read a story file")
    @app_commands.describe(file="The story file")
    async def import_(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        first = data.decode().splitlines()[0]
        await interaction.response.send_message(
            f"{file.filename} {file.content_type} {file.size} {first}", ephemeral=True
        )

    await start_bot(bot)
    await sync_to(bot, guild.id)
    upload = local_discord.attachment("story.toml", STORY, "application/toml")

    result = await local_discord.slash(guild, alice, "import", {"file": upload})
    await result

    assert result.text == f'story.toml application/toml {len(STORY)} title = "Floods"'
    (option,) = result.payload["data"]["options"]
    assert option == {"name": "file", "type": 11, "value": str(upload.id)}
    resolved = result.payload["data"]["resolved"]["attachments"][str(upload.id)]
    assert resolved["url"] == upload.url
    assert f"/ephemeral-attachments/{local_discord.default_channel(guild).id}/{upload.id}/story.toml" in upload.url
    assert local_discord.warnings == []


async def test_a_member_cannot_attach_a_file_over_the_upload_limit(local_discord: Driver) -> None:
    local_discord.server.attachment_size_limit = 100

    with pytest.raises(ValueError, match="101 bytes > 100"):
        local_discord.attachment("big.json", b"x" * 101)
    assert local_discord.attachment("small.json", b"{}").content_type == "application/json"


async def test_files_the_bot_sends_are_recorded_and_served(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    alice = local_discord.create_member(guild, "alice")
    bot = make_bot()

    @bot.tree.command(description="Export the desk")
    async def export(interaction: discord.Interaction) -> None:
        files = [
            discord.File(io.BytesIO(b"number,verdict\n7,confirmed\n"), "claims.csv", description="current state"),
            discord.File(io.BytesIO(b'{"@type": "ClaimReview"}'), "claimreview.json"),
        ]
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("the export", files=files)
        await interaction.followup.send("history", file=discord.File(io.BytesIO(b"when,what\n"), "history.csv"))

    await start_bot(bot)
    await sync_to(bot, guild.id)

    result = await local_discord.slash(guild, alice, "export")
    await result.wait_until(lambda r: len(r.followup_bodies) == 2)
    await result

    assert [(f.filename, f.data) for f in result.files] == [
        ("claims.csv", b"number,verdict\n7,confirmed\n"),
        ("claimreview.json", b'{"@type": "ClaimReview"}'),
        ("history.csv", b"when,what\n"),
    ]
    csv = result.files[0]
    assert csv.text.splitlines() == ["number,verdict", "7,confirmed"]
    assert csv.description == "current state"
    assert result.original is not None
    assert result.original.payload["attachments"][0]["description"] == "current state"
    async with aiohttp.ClientSession() as cdn, cdn.get(csv.url) as served:  # no token, as on Discord's CDN
        assert served.status == 200
        assert await served.read() == csv.data


async def test_files_in_channel_messages_and_their_edits(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    bot = await start_bot(make_bot())
    channel = local_discord.default_channel(guild)
    seen = bot.get_channel(channel.id)
    assert isinstance(seen, discord.TextChannel)

    sent = await seen.send("report", file=discord.File(io.BytesIO(b"a"), "a.txt"))
    (attachment,) = sent.attachments
    assert await attachment.read() == b"a"  # discord.py's own read, from the local CDN

    sent = await sent.add_files(discord.File(io.BytesIO(b"b"), "b.txt"))  # appended
    assert [f.filename for f in local_discord.messages(channel)[0].files] == ["a.txt", "b.txt"]
    sent = await sent.remove_attachments(sent.attachments[0])  # only the listed ones stay
    assert [f.filename for f in local_discord.messages(channel)[0].files] == ["b.txt"]
    await sent.edit(attachments=[])
    assert local_discord.messages(channel)[0].files == []


async def test_a_file_over_the_upload_limit_is_refused_with_413(local_discord: Driver, start_bot: StartBot) -> None:
    guild = local_discord.create_guild("News")
    bot = await start_bot(make_bot())
    channel = local_discord.default_channel(guild)
    seen = bot.get_channel(channel.id)
    assert isinstance(seen, discord.TextChannel)
    local_discord.server.attachment_size_limit = 1000

    with pytest.raises(discord.HTTPException) as refused:
        await seen.send(file=discord.File(io.BytesIO(b"x" * 1001), "big.csv"))

    assert (refused.value.status, refused.value.code) == (413, 40005)
    (violation,) = local_discord.take_violations()
    assert (violation.path, violation.detail) == ("files[0]", "big.csv: 1,001 bytes > 1,000")
    assert local_discord.messages(channel) == []
    await seen.send(file=discord.File(io.BytesIO(b"x" * 1000), "fits.csv"))
    assert local_discord.messages(channel)[0].files[0].size == 1000


async def test_a_request_over_25_mib_is_refused_whatever_the_file_limit(
    local_discord: Driver, start_bot: StartBot
) -> None:
    guild = local_discord.create_guild("News")
    bot = await start_bot(make_bot())
    seen = bot.get_channel(local_discord.default_channel(guild).id)
    assert isinstance(seen, discord.TextChannel)
    local_discord.server.attachment_size_limit = 50 * 1024 * 1024  # a boosted server's limit, say
    half = 13 * 1024 * 1024

    with pytest.raises(discord.HTTPException) as refused:
        await seen.send(files=[discord.File(io.BytesIO(b"x" * half), f"{n}.bin") for n in range(2)])

    assert (refused.value.status, refused.value.code) == (413, 40005)
    assert [v.path for v in local_discord.take_violations()] == ["files"]
