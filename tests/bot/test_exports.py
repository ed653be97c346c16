"""/mod export through the local Discord: the files arrive, pass the checks, and only moderators get them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from bot.desk import Desk
from bot.domain.exports import DeskProfile
from bot.domain.states import Verdict
from bot.seedfile import load_story
from tests.bot.conftest import BOTH_BACKENDS, Newsroom
from tests.exports.helpers import check_claim_review
from tests.store.test_exports import all_claims

pytestmark = pytest.mark.parametrize("bot_backend", BOTH_BACKENDS, indirect=True)

SLUG = "north-korea-troops-2024-10-17"


def seen(text: str) -> str:
    """The text as the client shows it: markdown escapes gone."""
    return re.sub(r"\\(.)", r"\1", text)


async def export(newsroom: Newsroom, member=None, **options: object):  # type: ignore[no-untyped-def]
    result = await newsroom.driver.slash(
        newsroom.guild, member or newsroom.moderator, "mod", options, subcommand="export"
    )
    await result
    return result


async def configure(newsroom: Newsroom, **options: object):  # type: ignore[no-untyped-def]
    result = await newsroom.driver.slash(newsroom.guild, newsroom.admin, "mod", options, subcommand="config")
    await result
    return result


async def test_claimreview_file_arrives_and_passes_the_checks(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    change = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "#2", "verdict": "false", "note": "Debunked"},
        subcommand="status",
    )
    await change
    config = await configure(newsroom, desk_name="Newsroom Facts", desk_url="https://facts.example/newsroom")
    assert "Desk name (exports): Newsroom Facts" in config.text
    assert "Desk URL (exports): <https://facts.example/newsroom>" in config.text

    result = await export(newsroom, format="claimreview")
    assert result.ephemeral
    (file,) = result.files
    assert file.filename == "claimreview-server.json"
    reviews = json.loads(file.data.decode("utf-8"))
    standing = {i.claim.number: i for i in await all_claims(desk, newsroom.guild.id)}
    assert reviews
    assert any(r["url"].endswith("#claim-2") and r["reviewRating"]["alternateName"] == "False" for r in reviews)
    for review in reviews:
        number = int(review["url"].rsplit("-", 1)[1])
        check_claim_review(review, standing[number], DeskProfile("Newsroom Facts", "https://facts.example/newsroom"))
    left_out = sum(1 for i in standing.values() if i.claim.verdict in (Verdict.UNVERIFIED, Verdict.INVESTIGATING))
    assert f"Left out {left_out} claims without a conclusion" in result.text
    assert "desk_url is not set" not in seen(result.text)


async def test_without_desk_settings_the_export_says_what_is_missing(newsroom: Newsroom, desk: Desk) -> None:
    result = await export(newsroom, format="claimreview", story=SLUG)
    (file,) = result.files
    assert file.filename == f"claimreview-{SLUG}.json"
    reviews = json.loads(file.data)
    assert all("url" not in r for r in reviews)
    assert all(r["author"]["name"] == "Newsroom" for r in reviews)  # the server's name
    shown = seen(result.text)
    assert "desk_url is not set" in shown
    assert "desk_name is not set" in shown


async def test_csv_files_open_as_a_spreadsheet_reads_them(newsroom: Newsroom, desk: Desk) -> None:
    d = newsroom.driver
    change = await d.slash(
        newsroom.guild,
        newsroom.moderator,
        "mod",
        {"claim": "#3", "verdict": "confirmed", "note": '=HYPERLINK("https://evil.example")'},
        subcommand="status",
    )
    await change
    result = await export(newsroom, format="csv")
    claims_file, history_file = result.files
    assert (claims_file.filename, history_file.filename) == ("claims-server.csv", "history-server.csv")
    for file in (claims_file, history_file):
        assert file.data.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" in file.data
    rows = list(csv.DictReader(io.StringIO(claims_file.data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(await all_claims(desk, newsroom.guild.id))
    third = next(r for r in rows if r["number"] == "3")
    assert third["verdict"] == "confirmed"
    assert third["rationale"] == '\'=HYPERLINK("https://evil.example")'
    history = list(csv.DictReader(io.StringIO(history_file.data.decode("utf-8-sig"), newline="")))
    assert any(h["claim_number"] == "3" and h["new_value"] == "confirmed" for h in history)


async def test_story_file_is_what_the_seed_loader_reads(newsroom: Newsroom, desk: Desk, tmp_path: Path) -> None:
    result = await export(newsroom, format="story")
    (file,) = result.files
    assert file.filename == f"{SLUG}.toml"
    path = tmp_path / file.filename
    path.write_bytes(file.data)
    story = load_story(path)
    standing = await all_claims(desk, newsroom.guild.id, SLUG)
    assert [c.claim.statement for c in story.claims] == [i.claim.statement for i in standing]


async def test_readers_get_nothing_and_other_servers_are_apart(newsroom: Newsroom, desk: Desk) -> None:
    refused = await export(newsroom, newsroom.reader, format="csv")
    assert refused.ephemeral
    assert refused.files == []
    assert "Only moderators" in refused.text
    other = await newsroom.driver.slash(
        newsroom.other_guild, newsroom.other_moderator, "mod", {"format": "csv"}, subcommand="export"
    )
    await other
    rows = list(csv.DictReader(io.StringIO(other.files[0].data.decode("utf-8-sig"), newline="")))
    assert rows
    assert len(rows) == len(await all_claims(desk, newsroom.other_guild.id))
    # The story option suggests the server's stories, as /story lists them to everyone.
    suggestions = await newsroom.driver.autocomplete(
        newsroom.guild, newsroom.moderator, "mod", "story", "north", {"format": "csv"}, subcommand="export"
    )
    await suggestions
    assert [c["value"] for c in suggestions.choices] == [SLUG]


async def test_an_unknown_story_is_refused(newsroom: Newsroom, desk: Desk) -> None:
    result = await export(newsroom, format="csv", story="no-such-story")
    assert result.ephemeral
    assert result.files == []
    assert "No story matches “no-such-story” in this server" in result.text


async def test_an_export_past_the_attachment_limit_points_to_the_command_line(newsroom: Newsroom, desk: Desk) -> None:
    newsroom.driver.server.attachment_size_limit = 4_000
    result = await export(newsroom, format="csv")
    assert result.ephemeral
    assert result.files == []
    assert "larger than" in result.text
    assert f"python -m bot export --guild {newsroom.guild.id} --format csv PATH" in result.text


async def test_bad_desk_url_is_refused_and_changes_nothing(newsroom: Newsroom, desk: Desk) -> None:
    await configure(newsroom, desk_url="https://facts.example")
    for bad in ("javascript:alert(1)", "facts.example", "https://facts.example/#x"):
        result = await configure(newsroom, desk_url=bad)
        assert result.ephemeral
        assert "http:// or https://" in result.text
    assert (await desk.guild_settings(newsroom.guild.id)).desk_url == "https://facts.example"
    cleared = await configure(newsroom, reset="desk_url")
    assert "Desk URL" not in cleared.text
    assert (await desk.guild_settings(newsroom.guild.id)).desk_url == ""
