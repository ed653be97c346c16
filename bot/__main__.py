"""`python -m bot`: run the bot, or one of its chores (sync, invite, seed, backup, copy-db, export, sandbox).

Start-up failures are one readable line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import ctypes
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import discord

from bot import heap
from bot.bot import ClaimBot
from bot.desk import Desk
from bot.desk.errors import Refusal
from bot.domain.rules import RuleBroken
from bot.logs import setup_logging
from bot.seedfile import SeedError, load_stories, load_story
from bot.settings import Settings, SettingsError, is_postgres_url, load_settings
from bot.store import open_store
from bot.store.copying import copy_database, format_report
from bot.store.errors import StoreError, StoreLocked

log = logging.getLogger("claimbot")

# What the bot needs in a server: to see and post in the announce channel, with embeds.
INVITE_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


SHUTDOWN_GRACE = 7.0  # seconds in-flight interactions get after SIGTERM; the whole stop stays under 10 s


class StartupError(Exception):
    """Ends the process with one line and this exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def open_desk(settings: Settings, *, single_instance: bool = False) -> Desk:
    """The desk over the configured store, with the shipped seeds; `async with` opens both."""
    return Desk(open_store(settings, single_instance=single_instance), load_stories())


async def run_bot(settings: Settings) -> None:
    token = settings.require_token()
    if settings.owns_some_shards_only and not settings.database_is_postgres:
        raise StartupError(
            "SHARD_IDS leaves shards to other processes, but a SQLite file serves one process: "
            "run every shard here (unset SHARD_IDS) or use PostgreSQL (DATABASE_URL=postgresql://…)",
            2,
        )
    async with open_desk(settings, single_instance=True) as desk:
        bot = ClaimBot(settings=settings, desk=desk)
        heap.freeze_when_ready(bot)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        async with bot:
            runner = asyncio.create_task(bot.start(token))
            stopper = asyncio.create_task(stopping.wait())
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                log.info("Stopping: finishing the interactions under way")
                await bot.drain(SHUTDOWN_GRACE)
                await bot.close()
            await runner
        log.info("Stopped; the database is checkpointed and closed")


async def sync_commands(settings: Settings, guild_id: int | None) -> None:
    token = settings.require_token()
    async with open_desk(settings) as desk:
        bot = ClaimBot(settings=settings, desk=desk, sync_dev_guild=False)
        async with bot:
            await bot.login(token)
            if guild_id:
                guild = discord.Object(guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                print(f"Synced {len(synced)} commands to guild {guild_id}.")
            else:
                synced = await bot.tree.sync()
                print(f"Synced {len(synced)} global commands (Discord may take a while to show them).")


def client_id_from_token(token: str) -> int:
    """A bot token starts with the bot's user id in base64, which is its application's id."""
    head = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(head + "=" * (-len(head) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise StartupError("cannot read the application id from DISCORD_TOKEN; pass --client-id", 2) from None


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands"))


async def seed(settings: Settings, file: Path | None) -> None:
    stories = [load_story(file)] if file else load_stories()
    async with open_desk(settings) as desk:
        for story in stories:
            report = await desk.apply_seed(story)
            print(
                f"{story.story.slug}: {report.guilds} guilds, {report.added} claims added, "
                f"{report.updated} updated, {report.kept} kept as moderators left them"
            )


async def backup(settings: Settings, target: Path) -> None:
    """SQLite only: PostgreSQL has pg_dump (README, Backups)."""
    if settings.database_is_postgres:
        raise StartupError("backup copies a SQLite file; back PostgreSQL up with pg_dump (see the README)", 2)
    from bot.store.sqlite import SqliteStore
    from bot.store.sqlite.maintenance import backup as backup_sqlite

    async with SqliteStore(settings.database_path) as store:
        await backup_sqlite(store, target)
    print(f"Backed up {settings.database_path} to {target}.")


async def copy_db(settings: Settings, target_url: str) -> None:
    """Copy the configured database into an empty PostgreSQL one, check every table, print the check."""
    if not is_postgres_url(target_url):
        raise StartupError("copy-db copies into PostgreSQL: --to must be postgresql://user@host:5432/database", 2)
    report = await copy_database(settings, target_url)
    print(format_report(report))
    if not report.committed:
        raise StartupError(f"the copy differs from its source in {', '.join(report.differing)}; nothing was written")


async def export(settings: Settings, guild_id: int, fmt: str, story: str | None, target: Path) -> None:
    """Write an export to files: PATH (and PATH-history for csv; for story files of the whole server,
    PATH is a folder with one SLUG.toml each). Each file is written as .part and renamed when complete."""
    from bot.desk.exports import ExportFile, ExportFormat, Part

    chosen = ExportFormat(fmt)
    folder = chosen is ExportFormat.STORY and story is None

    def path_of(file: ExportFile) -> Path:
        if folder:
            return target / file.name
        if file.part is Part.HISTORY:
            return target.with_name(f"{target.stem}-history{target.suffix or '.csv'}")
        return target

    opened: list[tuple[Path, BinaryIO]] = []

    def open_file(file: ExportFile) -> BinaryIO:
        path = path_of(file)
        if path.exists():
            raise StartupError(f"{path} exists already; choose a new file name", 2)
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = path.with_name(path.name + ".part").open("wb")
        opened.append((path, stream))
        return stream

    async with open_desk(settings) as desk:
        if guild_id not in await desk.known_guilds():
            raise StartupError(f"no server {guild_id} in {settings.database_label}", 2)
        try:
            result = await desk.export(guild_id, chosen, open_file, story_slug=story)
        except BaseException:
            for path, stream in opened:
                stream.close()
                path.with_name(path.name + ".part").unlink(missing_ok=True)
            raise
    for path, stream in opened:
        stream.close()
        path.with_name(path.name + ".part").replace(path)
    for file in result.files:
        print(f"Wrote {path_of(file)} ({file.size:,} bytes).")
    for note in result.notes:
        print(note)


def check_export_target(target: Path, *, folder: bool) -> None:
    """Before the database is opened: an export never overwrites a file."""
    if folder:
        if target.exists() and not target.is_dir():
            raise StartupError(f"{target} is a file; a story export of the whole server writes a folder", 2)
    elif target.exists():
        raise StartupError(f"{target} exists already; choose a new file name", 2)


def use_uvloop() -> None:
    """uvloop, when installed (the `speed` extra), answers ~30 % more interactions per second (BENCHMARKS.md)."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2


def fewer_malloc_arenas() -> None:
    """glibc gives threads that allocate malloc arenas of their own (up to eight per core), and each keeps
    the memory freed in it: the store's threads (aiosqlite's, one per connection) then hold several
    MB each that the loop's thread could have reused. Two arenas: a desk serving searches, Check claims
    and autocomplete at 100,000 claims peaked ~3 MB lower (BENCHMARKS.md); /claim alone
    (bench.memory) ends at the same RSS either way. MALLOC_ARENA_MAX in the environment still decides;
    not glibc: nothing."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc (musl names its library otherwise), or no mallopt
        return


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="claimbot: who claimed what, and does it hold up"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default; needs DISCORD_TOKEN)")
    sub.add_parser("start", help="run the bot if DISCORD_TOKEN is set, otherwise open the sandbox")
    sub.add_parser("sandbox", help="try the bot in a local Discord in this terminal, no account needed")
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, help="sync to this server only (instant)")
    invite = sub.add_parser("invite", help="print the URL that adds the bot to a server")
    invite.add_argument("--client-id", type=int, help="the application id (read from the token if omitted)")
    seed_cmd = sub.add_parser("seed", help="load a story file into every known server")
    seed_cmd.add_argument("file", nargs="?", type=Path, help="a story file (default: every shipped story, bot/stories)")
    backup_cmd = sub.add_parser("backup", help="copy the database while the bot runs")
    backup_cmd.add_argument("path", type=Path)
    copy_cmd = sub.add_parser("copy-db", help="copy the database into an empty PostgreSQL database, and check it")
    copy_cmd.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:5432/database")
    export_cmd = sub.add_parser("export", help="write a server's claims as ClaimReview JSON-LD, CSV or story files")
    export_cmd.add_argument("--guild", type=int, required=True, help="the server's id")
    export_cmd.add_argument("--format", required=True, choices=["claimreview", "csv", "story"])
    export_cmd.add_argument("--story", help="one story's slug (default: the whole server)")
    export_cmd.add_argument(
        "path", type=Path, help="the file (csv: also PATH-history.csv; story without --story: a folder)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    fewer_malloc_arenas()  # before any thread starts
    use_uvloop()
    command = args.command or "run"
    try:
        settings = load_settings()
        setup_logging(getattr(logging, settings.log_level))
        if command == "start" and settings.discord_token is None:
            print("No DISCORD_TOKEN is configured, so here is the sandbox: a local Discord in this terminal.")
            command = "sandbox"
        if command in ("run", "start"):
            asyncio.run(run_bot(settings))
        elif command == "sandbox":
            from sandbox import run_sandbox

            asyncio.run(run_sandbox(settings))
        elif command == "sync":
            asyncio.run(sync_commands(settings, args.guild))
        elif command == "invite":
            client_id = args.client_id or client_id_from_token(settings.require_token())
            print(invite_url(client_id))
        elif command == "seed":
            asyncio.run(seed(settings, args.file))
        elif command == "backup":
            if args.path.exists():
                raise StartupError(f"{args.path} exists already; choose a new file name", 2)
            asyncio.run(backup(settings, args.path))
        elif command == "copy-db":
            asyncio.run(copy_db(settings, args.to))
        elif command == "export":
            check_export_target(args.path, folder=args.format == "story" and args.story is None)
            asyncio.run(export(settings, args.guild, args.format, args.story, args.path))
    except SettingsError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return 2
    except (SeedError, StoreLocked) as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return 2
    except StartupError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return exc.code
    except (Refusal, RuleBroken) as exc:  # an export the desk refuses: an unknown story, say
        print(f"claimbot: {exc}", file=sys.stderr)
        return 2
    except discord.LoginFailure:
        print("claimbot: DISCORD_TOKEN was refused by Discord; check it in the developer portal", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return 1
    except PermissionError as exc:
        print(f"claimbot: cannot write the database: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"claimbot: the database cannot be used: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
