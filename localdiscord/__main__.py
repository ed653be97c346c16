"""Run a local Discord as its own process: ``python -m localdiscord [--port 8123] [--token T]``.

It seeds one guild with a text channel (and any ``--member`` names), prints the API base for the bot
(``Route.BASE``) and serves until interrupted. Handy for trying a bot by hand against a fake Discord.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from localdiscord.driver import Driver
from localdiscord.server import LocalDiscord


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m localdiscord", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default="local-discord-token")
    parser.add_argument("--guild", default="Local Guild")
    parser.add_argument("--member", action="append", default=[], help="a member to create (repeatable)")
    parser.add_argument("--deadline", type=float, default=3.0, help="seconds an interaction may wait for its answer")
    parser.add_argument("--shards", type=int, default=1, help="the shard count GET /gateway/bot recommends")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    server = LocalDiscord(
        token=args.token,
        host=args.host,
        port=args.port,
        interaction_deadline=args.deadline,
        shard_count=args.shards,
    )
    driver = Driver(server)
    guild = driver.create_guild(args.guild)
    for name in args.member:
        driver.create_member(guild, name)
    api_base = await server.start()
    print(f"api_base={api_base} gateway={server.gateway_url} token={server.token} guild_id={guild.id}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
