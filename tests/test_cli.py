"""`python -m bot` as an operator types it: invite, sync, seed, and the one-line failures."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import discord

from localdiscord.driver import Driver
from localdiscord.pytest_plugin import local_discord, local_discord_options  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
# A made-up token whose first part is the base64 of 123456789012345678, as Discord's tokens are.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx1234.not-a-real-token"


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}", **extra})
    return env


def run_cli(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no .env here: only the environment counts
        env={**env_for(tmp_path, **extra), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_invite_url_asks_for_exactly_the_scopes_and_permissions_needed(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "invite", DISCORD_TOKEN=TOKEN)

    assert done.returncode == 0, done.stderr
    query = parse_qs(urlsplit(done.stdout.strip()).query)
    assert query["client_id"] == ["123456789012345678"]
    assert set(query["scope"][0].split()) == {"bot", "applications.commands"}
    perms = discord.Permissions(int(query["permissions"][0]))
    assert perms == discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
    assert TOKEN not in done.stdout + done.stderr


def test_without_a_token_the_bot_names_the_setting_and_points_to_the_sandbox(tmp_path: Path) -> None:
    done = run_cli(tmp_path)

    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "DISCORD_TOKEN" in done.stderr
    assert "sandbox" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_setting_is_one_line_and_exit_code_two(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "seed", DISCORD_API_BASE="ftp://nowhere")

    assert done.returncode == 2
    assert done.stderr.startswith("claimbot: DISCORD_API_BASE:")
    assert "Traceback" not in done.stderr


def test_seed_twice_duplicates_nothing(tmp_path: Path) -> None:
    database = tmp_path / "claims.db"
    with sqlite3.connect(database):
        pass
    first = run_cli(tmp_path, "seed")
    assert first.returncode == 0, first.stderr
    # No guild has been seen yet; give the desk one, then seed twice.
    asyncio.run(_ensure_guild(database, 42))
    before = count_rows(database)
    second = run_cli(tmp_path, "seed")
    third = run_cli(tmp_path, "seed")

    assert second.returncode == third.returncode == 0
    assert "0 claims added" in third.stdout
    assert count_rows(database) == before


def count_rows(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("claims", "history", "relations", "speakers", "speaker_names", "stories")
        }


async def _ensure_guild(database: Path, guild_id: int) -> None:
    from bot.seedfile import load_stories
    from tests.desks import opened_desk

    async with opened_desk(database, load_stories()) as desk:
        await desk.ensure_guild(guild_id)


async def test_sync_registers_every_command_with_the_guild(local_discord: Driver, tmp_path: Path) -> None:  # noqa: F811
    guild = local_discord.create_guild("Newsroom")
    server = local_discord.server
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sync",
        "--guild",
        str(guild.id),
        cwd=tmp_path,
        env={
            **env_for(tmp_path, DISCORD_TOKEN=server.token, DISCORD_API_BASE=server.api_base),
            "PYTHONPATH": str(ROOT),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)

    assert process.returncode == 0, err.decode()
    names = {command["name"] for command in local_discord.commands(guild)}
    assert {"claim", "who-said", "status", "search", "mod", "Check claims"} <= names
    assert f"to guild {guild.id}" in out.decode()
    assert local_discord.commands(None) == []  # nothing global


def test_an_unreachable_postgres_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "seed", DATABASE_URL="postgresql://claimbot:s3cret@127.0.0.1:9/claims")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("claimbot: cannot connect to postgresql://claimbot:***@127.0.0.1:9/claims")
    assert "s3cret" not in done.stderr + done.stdout


def test_shard_ids_that_leave_shards_to_others_are_refused_on_sqlite(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "run", DISCORD_TOKEN=TOKEN, SHARD_COUNT="2", SHARD_IDS="1")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "a SQLite file serves one process" in done.stderr


def test_backup_on_postgres_points_to_pg_dump(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "backup", str(tmp_path / "b.db"), DATABASE_URL="postgresql://u@127.0.0.1:9/claims")
    assert done.returncode == 2
    assert "pg_dump" in done.stderr


# ----------------------------------------------------------------------------- export (issue 12)


def test_export_writes_each_format_to_files(tmp_path: Path) -> None:
    import csv
    import io
    import json

    from bot.seedfile import load_story

    database = tmp_path / "claims.db"
    asyncio.run(_ensure_guild(database, 42))
    slug = "north-korea-troops-2024-10-17"

    done = run_cli(tmp_path, "export", "--guild", "42", "--format", "claimreview", "out/reviews.json")
    assert done.returncode == 0, done.stderr
    reviews = json.loads((tmp_path / "out/reviews.json").read_text(encoding="utf-8"))
    assert reviews
    assert all(r["@type"] == "ClaimReview" for r in reviews)
    assert "desk_url is not set" in done.stdout
    assert "Left out" in done.stdout

    done = run_cli(tmp_path, "export", "--guild", "42", "--format", "csv", "--story", slug, "claims.csv")
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    history = list(csv.DictReader(io.StringIO((tmp_path / "claims-history.csv").read_text("utf-8-sig"), newline="")))
    assert len(rows) == len(history) > 0  # one seeded verdict row per claim
    assert not list(tmp_path.glob("*.part"))

    done = run_cli(tmp_path, "export", "--guild", "42", "--format", "story", "stories")
    assert done.returncode == 0, done.stderr
    story = load_story(tmp_path / "stories" / f"{slug}.toml")
    assert len(story.claims) == len(rows)

    done = run_cli(tmp_path, "export", "--guild", "42", "--format", "story", "--story", slug, "one.toml")
    assert done.returncode == 0, done.stderr
    assert load_story(tmp_path / "one.toml").claims == story.claims


def test_export_refusals_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    database = tmp_path / "claims.db"
    asyncio.run(_ensure_guild(database, 42))
    (tmp_path / "taken.json").write_text("keep me")

    for args, words in (
        (("--guild", "7", "--format", "csv", "x.csv"), "no server 7"),
        (("--guild", "42", "--format", "csv", "--story", "nope", "x.csv"), "no story 'nope'"),
        (("--guild", "42", "--format", "claimreview", "taken.json"), "exists already"),
    ):
        done = run_cli(tmp_path, "export", *args)
        assert done.returncode == 2, done.stdout
        assert words in done.stderr
        assert done.stderr.strip().count("\n") == 0
        assert "Traceback" not in done.stderr
    assert (tmp_path / "taken.json").read_text() == "keep me"
    assert not (tmp_path / "x.csv").exists()
    assert not list(tmp_path.glob("*.part"))
