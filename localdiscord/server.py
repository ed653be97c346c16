"""LocalDiscord: the fake Discord server on loopback, tying the world, REST, gateway and records together.

Start it with ``api_base = await LocalDiscord().start()`` (or ``async with LocalDiscord() as server``),
point discord.py at ``api_base`` (see :mod:`localdiscord.client`), and drive it with
:class:`localdiscord.driver.Driver`.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from localdiscord.commands import CommandStore
from localdiscord.gateway import DIRECT_MESSAGES, GUILD_MEMBERS, GUILD_MESSAGES, GUILDS, Gateway
from localdiscord.interactions import Interactions
from localdiscord.limits import Finding
from localdiscord.problems import UnknownRoute, Violation, invalid_form_body
from localdiscord.ratelimits import RateLimitRule, RateLimits
from localdiscord.rest import Rest
from localdiscord.shards import Shard
from localdiscord.snowflake import SnowflakeGenerator
from localdiscord.uploads import FILE_SIZE_LIMIT
from localdiscord.world import Channel, Guild, Message, User, World

log = logging.getLogger(__name__)

Json = dict[str, Any]

EMPTY_MESSAGE: Json = {"code": 50006, "message": "Cannot send an empty message"}


class LocalDiscord:
    """A faithful-enough Discord for one bot, listening on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str = "local-discord-token",
        bot_name: str = "claimbot",
        application_id: int | None = None,
        application_flags: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        interaction_deadline: float = 3.0,
        heartbeat_interval_ms: int = 41_250,
        shard_count: int = 1,
        max_concurrency: int = 16,
        max_guilds_per_shard: int = 2500,
        attachment_size_limit: int = FILE_SIZE_LIMIT,
    ) -> None:
        self.token = token
        #: What ``GET /gateway/bot`` recommends in ``shards``; a bot may identify with any other count.
        self.shard_count = shard_count
        #: ``session_start_limit.max_concurrency``: IDENTIFYs per 5 s (one per bucket ``shard_id % n``).
        #: 16 lets a bot that honours it start up to 16 shards at once; the fake itself never refuses one.
        self.max_concurrency = max_concurrency
        #: More guilds than this on one session closes its IDENTIFY with 4011 (sharding required).
        self.max_guilds_per_shard = max_guilds_per_shard
        #: The largest file, in bytes, the bot may upload (and a member may attach); sent in interactions.
        self.attachment_size_limit = attachment_size_limit
        self.host = host
        self.port = port
        self.interaction_deadline = interaction_deadline
        self.application_flags = application_flags
        ids = SnowflakeGenerator()
        self.application_id = application_id or ids.next()
        self.world = World(bot_user=User(id=self.application_id, username=bot_name, bot=True), ids=ids)
        self.gateway = Gateway(self, heartbeat_interval_ms=heartbeat_interval_ms)
        self.rest = Rest(self)
        self.interactions = Interactions(self)
        self.commands = CommandStore(self)
        self.rate_limits = RateLimits()
        self.violations: list[Violation] = []
        self.unknown_routes: list[UnknownRoute] = []
        self.warnings: list[str] = []
        self._runner: web.AppRunner | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.add_routes(self.rest.routes())
        return app

    async def start(self) -> str:
        """Listen on ``host:port`` (port 0 picks a free one) and return the API base URL."""
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.world.cdn_base = self.base_url
        log.info("local Discord listening on %s", self.api_base)
        return self.api_base

    async def stop(self) -> None:
        await self.gateway.drop_connections(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- rate limits ------------------------------------------------------------------------------

    def rate_limit(
        self,
        method: str,
        route: str,
        *,
        times: int = 1,
        retry_after: float = 0.2,
        global_: bool = False,
        scope: str | None = None,
    ) -> RateLimitRule:
        """Answer the next ``times`` matching requests with 429 (:meth:`RateLimits.rate_limit`)."""
        return self.rate_limits.rate_limit(
            method, route, times=times, retry_after=retry_after, global_=global_, scope=scope
        )

    # --- records ----------------------------------------------------------------------------------

    def record_violations(self, route: str, findings: list[Finding]) -> Json:
        """Remember every broken limit and return the error body Discord would answer with."""
        found = [Violation(route, f.path, f.detail, f.code) for f in findings]
        for violation in found:
            log.warning("limit violated: %s", violation)
        self.violations.extend(found)
        if all(f.code == "EMPTY_MESSAGE" for f in findings):
            return dict(EMPTY_MESSAGE)
        return invalid_form_body(found)

    def problems(self) -> list[str]:
        """Everything that should fail the test: violations, unknown routes, late or unanswered interactions."""
        found = [str(v) for v in self.violations]
        found += [str(r) for r in self.unknown_routes]
        found += [str(late) for late in self.interactions.overdue()]
        return found

    def clear_problems(self) -> None:
        self.violations.clear()
        self.unknown_routes.clear()
        self.interactions.overdue()
        self.interactions.late.clear()

    # --- payloads the gateway and REST share -------------------------------------------------------

    def application_payload(self) -> Json:
        owner = User(id=self.world.ids.next(), username="owner")
        return {
            "id": str(self.application_id),
            "name": self.world.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": self.application_flags,
            "owner": owner.to_payload(),
            "team": None,
            "bot": self.world.bot_user.to_payload(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
        }

    def ready_payload(self, session_id: str, guilds: list[Guild], shard: Shard | None) -> Json:
        """READY for a session that receives ``guilds``; ``shard`` is echoed if the IDENTIFY sent one."""
        user = self.world.bot_user.to_payload()
        user.update(verified=True, mfa_enabled=False)
        ready: Json = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "session_type": "normal",
            "auth": {},
        }
        if shard is not None:
            ready["shard"] = shard.as_list()
        return ready

    def guild_create_payload(self, guild: Guild, intents: int) -> Json:
        """Without GUILD_MEMBERS the member list holds only the bot itself, as on Discord."""
        if intents & GUILD_MEMBERS:
            return guild.to_payload()
        return guild.to_payload(members=[self.world.bot_member(guild)])

    def bot_permissions(self, channel: Channel) -> int:
        guild = self.world.guild_of(channel)
        return guild.permissions_in(self.world.bot_member(guild), channel)

    # --- telling the bot what changed --------------------------------------------------------------
    # Each announcement names its guild: the gateway sends it only to that guild's shard (None: shard 0).

    # A DM has no guild: its events need DIRECT_MESSAGES and go to shard 0 only.

    def announce_message(self, message: Message) -> None:
        if not message.ephemeral:
            guild_id = _guild_id(message)
            intent = _intent(guild_id)
            if self.gateway.wants(guild_id, intent):
                self.gateway.dispatch("MESSAGE_CREATE", message.snapshot(), guild_id=guild_id, intent=intent)

    def announce_edit(self, message: Message) -> None:
        if not message.ephemeral:
            guild_id = _guild_id(message)
            intent = _intent(guild_id)
            if self.gateway.wants(guild_id, intent):
                self.gateway.dispatch("MESSAGE_UPDATE", message.snapshot(), guild_id=guild_id, intent=intent)

    def announce_delete(self, message: Message) -> None:
        if not message.ephemeral:
            guild_id = _guild_id(message)
            data = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if guild_id is not None:
                data["guild_id"] = str(guild_id)  # absent, not null, in a DM: discord.py reads it with int()
            self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=guild_id, intent=_intent(guild_id))

    def announce_guild(self, guild: Guild) -> None:
        for session in self.gateway.sessions_for(guild.id):
            self.gateway.dispatch_to(session, "GUILD_CREATE", self.guild_create_payload(guild, session.intents))

    def announce(self, event: str, data: Json, *, guild_id: int | None, intent: int | None = GUILDS) -> None:
        self.gateway.dispatch(event, data, guild_id=guild_id, intent=intent)


def _guild_id(message: Message) -> int | None:
    raw = message.payload.get("guild_id")
    return int(raw) if raw else None


def _intent(guild_id: int | None) -> int:
    return GUILD_MESSAGES if guild_id is not None else DIRECT_MESSAGES
