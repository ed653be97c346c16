"""/mod import through the real client and the local Discord (issue 11): bad files refused in one line
with nothing applied, a preview with Confirm and Cancel for the importing moderator only, Confirm
applying exactly what was previewed, and a preview that outlived a restart saying so."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.desk.importing import MAX_BYTES
from bot.domain.states import Verdict
from localdiscord.client import restore_discord_py
from localdiscord.interactions import InteractionResult
from localdiscord.world import StoredFile
from tests.bot.conftest import BOTH_BACKENDS, Newsroom, bot_settings, start_bot, stop_bot
from tests.bot.support import fields
from tests.store.conftest import SHIPPED_STORY, rewrite_claim
from tests.store.test_importing import EXTRA_CLAIM, many_claims

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

SHIPPED_TEXT = SHIPPED_STORY.read_text(encoding="utf-8")


def edition() -> str:
    """The shipped story, a claim's verdict changed and a claim added."""
    text = rewrite_claim(SHIPPED_TEXT, "white-paper-1-28-million", 'verdict = "unverified"', 'verdict = "confirmed"')
    return text + EXTRA_CLAIM


async def run_import(newsroom: Newsroom, upload: StoredFile, member=None) -> InteractionResult:  # type: ignore[no-untyped-def]
    result = await newsroom.driver.slash(
        newsroom.guild, member or newsroom.moderator, "mod", {"file": upload}, subcommand="import"
    )
    await result.finished(idle=0.05)
    return result


def buttons(result: InteractionResult) -> tuple[str, str]:
    message = result.messages[-1]
    confirm = next(c for c in message.custom_ids if c.startswith("claimbot:import:confirm:"))
    cancel = next(c for c in message.custom_ids if c.startswith("claimbot:import:cancel:"))
    return confirm, cancel


@pytest.mark.parametrize(
    ("filename", "data", "line"),
    [
        ("photo.toml", b"\x89PNG\r\n\x1a\n\x00\x00", "photo.toml is not a text file"),
        ("story.toml", b"[story\n", "story.toml is not a story file (TOML or JSON"),
        ("story.json", b'{"claims": []}', "it needs a [story] table and [[claims]]"),
        ("many.toml", many_claims(2_001).encode(), "many.toml has 2,001 claims; a story file may hold at most 2,000"),
    ],
)
async def test_a_bad_file_is_refused_in_one_line_and_nothing_is_applied(
    newsroom: Newsroom, desk: Desk, filename: str, data: bytes, line: str
) -> None:
    before = await desk.stories(newsroom.guild.id)
    result = await run_import(newsroom, newsroom.driver.attachment(filename, data))
    assert result.ephemeral
    assert result.callback_type == 5  # deferred: the file is downloaded and checked
    (message,) = result.messages
    assert line in message.text
    assert "\n" not in message.text
    assert message.custom_ids == []
    assert await desk.stories(newsroom.guild.id) == before


async def test_a_file_over_1_mb_is_refused_before_it_is_read(newsroom: Newsroom, desk: Desk) -> None:
    upload = newsroom.driver.attachment("big.toml", b"#" * (MAX_BYTES + 1))
    result = await run_import(newsroom, upload)
    assert result.ephemeral
    assert result.text.startswith("big.toml is 1,000,001 bytes; a story file may be at most 1,000,000 bytes (1 MB).")


async def test_an_invalid_claim_is_named_with_its_field(newsroom: Newsroom, desk: Desk) -> None:
    data = tomllib.loads(SHIPPED_TEXT)
    data["claims"][1]["attribution"] = "hearsay"
    result = await run_import(
        newsroom, newsroom.driver.attachment("edition.json", json.dumps(data, default=str).encode())
    )
    assert result.ephemeral
    assert "edition.json: claim 2 (" in result.text
    assert "field attribution: Input should be" in result.text


async def test_preview_then_confirm_applies_it_with_a_history_row_per_claim(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    result = await run_import(newsroom, d.attachment("edition.toml", edition().encode()))
    preview = result.messages[-1]
    assert preview.ephemeral
    shown = fields(preview)
    assert "`added-later` — A claim the file gained later." in shown["To add: 1"]
    assert "`white-paper-1-28-million`" in shown["To update (no moderator has touched them): 1"]
    assert shown["Already as the file says"] == "15 claims"
    assert (await desk.board(newsroom.guild.id)).total == 16  # nothing applied yet

    confirm, _cancel = buttons(result)
    pressed = await d.press(preview, confirm, newsroom.moderator)
    # The buttons go first, the outcome follows: on a loaded machine more than a short quiet apart.
    await pressed.wait_until(lambda r: "✅ Imported" in r.text, within=10)
    await pressed.finished(idle=0.05)
    assert "✅ Imported **North Korea to Send 10,000 Troops" in pressed.text
    assert "1 added, 1 updated, 0 left alone" in pressed.text
    assert d.messages(newsroom.general, ephemeral=False) == []  # nothing public
    claim = await desk.claim(newsroom.guild.id, 17)
    assert claim.statement == "A claim the file gained later."
    history = await desk.history(newsroom.guild.id, 17)
    assert [c.actor.name for c in history.items] == ["mod"]
    white_paper = await desk.resolve_claim(newsroom.guild.id, "white paper")
    assert white_paper is not None
    assert white_paper.verdict is Verdict.CONFIRMED
    assert (await desk.history(newsroom.guild.id, white_paper.number)).items[0].actor.name == "mod"
    assert d.world.messages[preview.id].custom_ids == []  # the preview's buttons are gone: one Confirm


async def test_cancel_applies_nothing_and_others_cannot_press(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    result = await run_import(newsroom, d.attachment("edition.toml", edition().encode()))
    confirm, cancel = buttons(result)
    preview = result.messages[-1]
    # The preview is the moderator's alone; another moderator (the admin) forging its id is refused.
    d.world.messages[preview.id].visible_to = None
    other = await d.press(preview, confirm, newsroom.admin)
    await other.finished(idle=0.05)
    assert other.ephemeral
    assert other.text == "Only the moderator who ran this import can confirm or cancel it."
    cancelled = await d.press(preview, cancel, newsroom.moderator)
    await cancelled.finished(idle=0.05)
    assert "Import cancelled; nothing was changed." in cancelled.text
    assert (await desk.board(newsroom.guild.id)).total == 16


async def test_confirm_refuses_when_the_file_or_the_claims_changed(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    upload = d.attachment("edition.toml", edition().encode())
    result = await run_import(newsroom, upload)
    confirm, _cancel = buttons(result)
    upload.data = edition().replace("A claim the file gained later.", "Something else.").encode()
    pressed = await d.press(result.messages[-1], confirm, newsroom.moderator)
    await pressed.finished(idle=0.05)
    assert "The file changed since the preview: nothing was imported." in pressed.text
    assert (await desk.board(newsroom.guild.id)).total == 16

    upload = d.attachment("edition.toml", edition().encode())
    result = await run_import(newsroom, upload)
    confirm, _cancel = buttons(result)
    white_paper = await desk.resolve_claim(newsroom.guild.id, "white paper")
    assert white_paper is not None
    moderated = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": str(white_paper.number), "verdict": "false", "note": "Checked."},
        subcommand="status",
    )
    await moderated.finished(idle=0.05)
    pressed = await d.press(result.messages[-1], confirm, newsroom.moderator)
    await pressed.finished(idle=0.05)
    assert "The claims changed since the preview" in pressed.text
    assert (await desk.board(newsroom.guild.id)).total == 16
    assert (await desk.claim(newsroom.guild.id, white_paper.number)).verdict is Verdict.FALSE


async def test_a_reader_cannot_import(newsroom: Newsroom, desk: Desk) -> None:
    result = await run_import(newsroom, newsroom.driver.attachment("edition.toml", edition().encode()), newsroom.reader)
    assert result.ephemeral
    assert result.text.startswith("Only moderators can do that")
    assert (await desk.board(newsroom.guild.id)).total == 16


async def test_a_preview_confirmed_after_a_restart_says_it_expired(
    newsroom: Newsroom, bot_database: Path | str
) -> None:
    d = newsroom.driver
    settings = bot_settings(d, bot_database)
    bot, desk, task = await start_bot(settings)
    try:
        result = await run_import(newsroom, d.attachment("edition.toml", edition().encode()))
        confirm, _cancel = buttons(result)
    finally:
        await stop_bot(bot, desk, task)
    bot, desk, task = await start_bot(settings)
    try:
        pressed = await d.press(result.messages[-1], confirm, newsroom.moderator)
        await pressed.finished(idle=0.05)
        assert pressed.ephemeral
        assert pressed.text.startswith("This import preview is no longer open (claimbot restarted")
        assert (await desk.board(newsroom.guild.id)).total == 16
    finally:
        await stop_bot(bot, desk, task)
        restore_discord_py()


async def test_a_preview_token_pressed_in_another_server_reaches_nothing(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    result = await run_import(newsroom, d.attachment("edition.toml", edition().encode()))
    confirm, _cancel = buttons(result)
    # Another server's moderator, on a message of theirs whose button is forged to carry the token.
    theirs = await d.slash(newsroom.other_guild, newsroom.other_moderator, "search", {"query": "troops"})
    await theirs
    page = theirs.messages[-1]
    real = "claimbot:search:page:5:any:0"  # its Next button
    assert real in page.custom_ids
    for row in page.payload["components"]:
        for button in row["components"]:
            if button.get("custom_id") == real:
                button["custom_id"] = confirm
    forged = await d.press(page, confirm, newsroom.other_moderator)
    await forged.finished(idle=0.05)
    assert forged.ephemeral
    assert forged.text.startswith("This import preview is no longer open")
    assert (await desk.board(newsroom.guild.id)).total == 16
    assert (await desk.board(newsroom.other_guild.id)).total == 16
    # The importer's own Confirm still works: the forged press took nothing.
    pressed = await d.press(result.messages[-1], confirm, newsroom.moderator)
    await pressed.finished(idle=0.05)
    assert "✅ Imported" in pressed.text
