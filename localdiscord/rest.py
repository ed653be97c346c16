"""The REST API under ``/api/v10``: the routes discord.py calls for a bot that answers interactions.

Answers carry ``Content-Type: application/json`` exactly (discord.py only decodes JSON when the header
is that string), ``X-RateLimit-*`` route headers and ``Via`` (see :mod:`localdiscord.ratelimits`). Files
the bot uploads are served back, as Discord's CDN serves them, under ``/attachments/...`` and
``/ephemeral-attachments/...`` on the same host (no token needed, as on the CDN).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from localdiscord import limits
from localdiscord import permissions as perms
from localdiscord.problems import UnknownRoute, Violation
from localdiscord.ratelimits import VIA
from localdiscord.uploads import TOO_LARGE, BadBody, check_sizes, read_body
from localdiscord.world import Channel, DMChannel, Guild, StoredFile, World

if TYPE_CHECKING:
    from localdiscord.server import LocalDiscord

log = logging.getLogger(__name__)

Json = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PREFIX = "/api/v10"
UNAUTHORIZED: Json = {"message": "401: Unauthorized", "code": 0}
NOT_FOUND: Json = {"message": "404: Not Found", "code": 0}
UNKNOWN_CHANNEL: Json = {"code": 10003, "message": "Unknown Channel"}
UNKNOWN_GUILD: Json = {"code": 10004, "message": "Unknown Guild"}
UNKNOWN_MEMBER: Json = {"code": 10007, "message": "Unknown Member"}
UNKNOWN_MESSAGE: Json = {"code": 10008, "message": "Unknown Message"}
UNKNOWN_USER: Json = {"code": 10013, "message": "Unknown User"}
UNKNOWN_APPLICATION: Json = {"code": 10002, "message": "Unknown Application"}
MISSING_ACCESS: Json = {"code": 50001, "message": "Missing Access"}
MISSING_PERMISSIONS: Json = {"code": 50013, "message": "Missing Permissions"}
NOT_AUTHOR: Json = {"code": 50005, "message": "Cannot edit a message authored by another user"}
INVALID_JSON: Json = {"code": 50109, "message": "The request body contains invalid JSON."}
CANNOT_DM: Json = {"code": 50007, "message": "Cannot send messages to this user"}
NOT_IN_DM: Json = {"code": 50003, "message": "Cannot execute action on a DM channel"}
INVALID_RECIPIENT: Json = {"code": 50033, "message": "Invalid Recipient(s)"}

#: The parts of a route that make a bucket count separately ("top-level resources", rate-limits.mdx).
_MAJOR = ("channel_id", "guild_id", "app_id", "interaction_id", "token")


class TooLarge(Exception):
    """A file (or the whole request) is over Discord's upload limits."""

    def __init__(self, findings: list[limits.Finding]) -> None:
        super().__init__(findings)
        self.findings = findings


# One encoder for every reply: json.dumps with arguments builds a new JSONEncoder per call.
_to_json = json.JSONEncoder(separators=(",", ":")).encode


def respond(status: int, body: Json | list[Json] | None) -> web.Response:
    if body is None:
        return web.Response(status=status)
    data = _to_json(body).encode()
    return web.Response(status=status, body=data, headers={"Content-Type": "application/json"})


class Rest:
    def __init__(self, server: LocalDiscord) -> None:
        self._server = server
        self.requests: list[tuple[str, str]] = []

    @property
    def _world(self) -> World:
        return self._server.world

    # --- plumbing ---------------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        p = PREFIX
        return [
            web.get(f"{p}/users/@me", self.get_me),
            web.post(f"{p}/users/@me/channels", self.create_dm),
            web.get(f"{p}/users/{{user_id}}", self.get_user),
            web.get(f"{p}/gateway", self.get_gateway),
            web.get(f"{p}/gateway/bot", self.get_gateway_bot),
            web.get(f"{p}/oauth2/applications/@me", self.get_application),
            web.get(f"{p}/applications/@me", self.get_application),
            web.get(f"{p}/applications/{{app_id}}/commands", self.list_commands),
            web.put(f"{p}/applications/{{app_id}}/commands", self.put_commands),
            web.post(f"{p}/applications/{{app_id}}/commands", self.create_command),
            web.get(f"{p}/applications/{{app_id}}/commands/{{command_id}}", self.get_command),
            web.patch(f"{p}/applications/{{app_id}}/commands/{{command_id}}", self.edit_command),
            web.delete(f"{p}/applications/{{app_id}}/commands/{{command_id}}", self.delete_command),
            web.get(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands", self.list_commands),
            web.put(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands", self.put_commands),
            web.post(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands", self.create_command),
            web.get(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands/{{command_id}}", self.get_command),
            web.patch(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands/{{command_id}}", self.edit_command),
            web.delete(f"{p}/applications/{{app_id}}/guilds/{{guild_id}}/commands/{{command_id}}", self.delete_command),
            web.post(f"{p}/interactions/{{interaction_id}}/{{token}}/callback", self.interaction_callback),
            web.post(f"{p}/webhooks/{{app_id}}/{{token}}", self.create_followup),
            web.get(f"{p}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", self.get_webhook_message),
            web.patch(f"{p}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", self.edit_webhook_message),
            web.delete(f"{p}/webhooks/{{app_id}}/{{token}}/messages/{{message_id}}", self.delete_webhook_message),
            web.get(f"{p}/channels/{{channel_id}}", self.get_channel),
            web.get(f"{p}/channels/{{channel_id}}/messages", self.list_messages),
            web.post(f"{p}/channels/{{channel_id}}/messages", self.create_message),
            web.get(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self.get_message),
            web.patch(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self.edit_message),
            web.delete(f"{p}/channels/{{channel_id}}/messages/{{message_id}}", self.delete_message),
            web.post(f"{p}/channels/{{channel_id}}/typing", self.typing),
            web.get(f"{p}/guilds/{{guild_id}}", self.get_guild),
            web.get(f"{p}/guilds/{{guild_id}}/channels", self.get_guild_channels),
            web.get(f"{p}/guilds/{{guild_id}}/roles", self.get_guild_roles),
            web.get(f"{p}/guilds/{{guild_id}}/members/{{user_id}}", self.get_member),
            web.get("/{folder:attachments|ephemeral-attachments}/{channel_id}/{file_id}/{filename}", self.cdn),
            web.route("*", "/{tail:.*}", self.unknown),
        ]

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        if handler == self.unknown or not request.path.startswith(f"{PREFIX}/"):
            return await handler(request)  # the gateway, the CDN and unknown routes
        public = request.path.startswith((f"{PREFIX}/interactions/", f"{PREFIX}/webhooks/"))
        if not public and request.headers.get("Authorization") != f"Bot {self._server.token}":
            return respond(401, UNAUTHORIZED)
        rate_limits = self._server.rate_limits
        bucket = (request.method, self._template(request), request.path.removeprefix(PREFIX), self._major(request))
        refused = rate_limits.admit(*bucket)
        if refused is not None:
            return refused
        try:
            response = await handler(request)
        except BadBody:
            response = respond(400, INVALID_JSON)
        except TooLarge as exc:
            response = self._too_large(request, exc.findings)
        response.headers.update(rate_limits.headers(*bucket))
        response.headers["Via"] = VIA
        return response

    def _template(self, request: web.Request) -> str:
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        return canonical.removeprefix(PREFIX)

    def _route(self, request: web.Request) -> str:
        return f"{request.method} {self._template(request)}"

    def _major(self, request: web.Request) -> str:
        found = request.match_info
        return "/".join(f"{key}={found[key]}" for key in _MAJOR if key in found)

    async def _body(self, request: web.Request) -> tuple[Any, list[StoredFile]]:
        """The JSON body and the uploaded files of a request, refused (:class:`TooLarge`) if over the limits."""
        body, files, size = await read_body(request)
        findings = check_sizes(files, size, file_limit=self._server.attachment_size_limit)
        if findings:
            raise TooLarge(findings)
        return body, files

    def _too_large(self, request: web.Request, findings: list[limits.Finding]) -> web.Response:
        """413 40005, recorded like any broken limit (and on the interaction, for its routes)."""
        route = self._route(request)
        for finding in findings:
            violation = Violation(route, finding.path, finding.detail, finding.code)
            log.warning("limit violated: %s", violation)
            self._server.violations.append(violation)
        token = request.match_info.get("token")
        if token is not None:
            self._server.interactions.refused(token, dict(TOO_LARGE))
        return respond(413, dict(TOO_LARGE))

    async def unknown(self, request: web.Request) -> web.Response:
        self._server.unknown_routes.append(UnknownRoute(request.method, request.path))
        log.warning("unknown route %s %s", request.method, request.path)
        return respond(404, NOT_FOUND)

    # --- identity ---------------------------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        me = self._world.bot_user.to_payload()
        me.update(verified=True, mfa_enabled=False, locale="en-US", email=None, bio="")
        return respond(200, me)

    async def get_gateway(self, request: web.Request) -> web.Response:
        return respond(200, {"url": self._server.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        server = self._server
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": server.max_concurrency}
        return respond(200, {"url": server.gateway_url, "shards": server.shard_count, "session_start_limit": limit})

    async def get_application(self, request: web.Request) -> web.Response:
        return respond(200, self._server.application_payload())

    # --- application commands ---------------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> tuple[int | None, web.Response | None]:
        if int(request.match_info["app_id"]) != self._server.application_id:
            return None, respond(404, UNKNOWN_APPLICATION)
        raw = request.match_info.get("guild_id")
        if raw is None:
            return None, None
        if int(raw) not in self._world.guilds:
            return None, respond(404, UNKNOWN_GUILD)
        return int(raw), None

    async def list_commands(self, request: web.Request) -> web.Response:
        scope, error = self._command_scope(request)
        return error or respond(200, self._server.commands.list(scope))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope, error = self._command_scope(request)
        if error:
            return error
        body, _ = await self._body(request)
        if not isinstance(body, list):
            return respond(400, INVALID_JSON)
        return respond(*self._server.commands.bulk_overwrite(scope, body, route=self._route(request)))

    async def create_command(self, request: web.Request) -> web.Response:
        scope, error = self._command_scope(request)
        if error:
            return error
        body, _ = await self._body(request)
        return respond(*self._server.commands.create(scope, body, route=self._route(request)))

    async def get_command(self, request: web.Request) -> web.Response:
        scope, error = self._command_scope(request)
        return error or respond(*self._server.commands.get(scope, int(request.match_info["command_id"])))

    async def edit_command(self, request: web.Request) -> web.Response:
        scope, error = self._command_scope(request)
        if error:
            return error
        body, _ = await self._body(request)
        command_id = int(request.match_info["command_id"])
        return respond(*self._server.commands.edit(scope, command_id, body, route=self._route(request)))

    async def delete_command(self, request: web.Request) -> web.Response:
        scope, error = self._command_scope(request)
        return error or respond(*self._server.commands.delete(scope, int(request.match_info["command_id"])))

    # --- interactions and their webhooks ----------------------------------------------------------

    async def interaction_callback(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        with_response = request.query.get("with_response", "").lower() in ("1", "true")
        reply = self._server.interactions.callback(
            int(request.match_info["interaction_id"]),
            request.match_info["token"],
            body,
            with_response=with_response,
            files=files,
            route=self._route(request),
        )
        return respond(*reply)

    async def create_followup(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        app_id, token = int(request.match_info["app_id"]), request.match_info["token"]
        return respond(
            *self._server.interactions.followup(app_id, token, body, files=files, route=self._route(request))
        )

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        m = request.match_info
        return respond(*self._server.interactions.get(int(m["app_id"]), m["token"], m["message_id"]))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        body, files = await self._body(request)
        m = request.match_info
        reply = self._server.interactions.edit(
            int(m["app_id"]), m["token"], m["message_id"], body, files=files, route=self._route(request)
        )
        return respond(*reply)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        m = request.match_info
        return respond(*self._server.interactions.delete(int(m["app_id"]), m["token"], m["message_id"]))

    async def get_user(self, request: web.Request) -> web.Response:
        """Get User (developers/resources/user.mdx): how a bot finds a user it shares no cache with."""
        raw = request.match_info["user_id"]
        user = self._world.users.get(int(raw)) if raw.isdigit() else None
        return respond(200, user.to_payload()) if user is not None else respond(404, UNKNOWN_USER)

    # --- DMs and the CDN -------------------------------------------------------------------------

    async def create_dm(self, request: web.Request) -> web.Response:
        """Create DM (developers/resources/user.mdx): the user's DM channel, the existing one if there is one."""
        body, _ = await self._body(request)
        try:
            user = self._world.users.get(int(body.get("recipient_id")))
        except (TypeError, ValueError, AttributeError):
            user = None
        if user is None or user.id == self._world.bot_user.id:
            return respond(400, INVALID_RECIPIENT)
        channel = self._world.dm_channel_with(user, create=True)
        assert channel is not None
        return respond(200, channel.to_payload())

    async def cdn(self, request: web.Request) -> web.Response:
        """A stored file's bytes, at the URL its attachment object gives (as cdn.discordapp.com serves it)."""
        m = request.match_info
        file = self._world.files.get(int(m["file_id"])) if m["file_id"].isdigit() else None
        ephemeral = m["folder"] == "ephemeral-attachments"
        if file is None or str(file.channel_id) != m["channel_id"] or file.filename != m["filename"]:
            return web.Response(status=404, text="404: Not Found")
        if file.ephemeral != ephemeral:
            return web.Response(status=404, text="404: Not Found")
        return web.Response(body=file.data, headers={"Content-Type": file.content_type})

    # --- channels and messages --------------------------------------------------------------------

    def _channel(self, request: web.Request) -> tuple[Channel | DMChannel | None, web.Response | None]:
        channel_id = int(request.match_info["channel_id"])
        dm = self._world.dm_channels.get(channel_id)
        if dm is not None:
            return dm, None  # the bot always sees its own DM channels
        channel = self._world.channels.get(channel_id)
        if channel is None:
            return None, respond(404, UNKNOWN_CHANNEL)
        if not self._server.bot_permissions(channel) & perms.VIEW_CHANNEL:
            return None, respond(403, MISSING_ACCESS)
        return channel, None

    async def get_channel(self, request: web.Request) -> web.Response:
        channel, error = self._channel(request)
        return error or respond(200, channel.to_payload())  # type: ignore[union-attr]  # None only with an error

    async def list_messages(self, request: web.Request) -> web.Response:
        channel, error = self._channel(request)
        if error:
            return error
        assert channel is not None
        messages = [m for m in self._world.channel_messages(channel.id) if not m.ephemeral]
        if "before" in request.query:
            messages = [m for m in messages if m.id < int(request.query["before"])]
        if "after" in request.query:
            messages = [m for m in messages if m.id > int(request.query["after"])]
        limit = int(request.query.get("limit", 50))
        newest_first = sorted(messages, key=lambda m: m.id, reverse=True)[:limit]
        return respond(200, [m.snapshot() for m in newest_first])

    async def create_message(self, request: web.Request) -> web.Response:
        channel, error = self._channel(request)
        if error:
            return error
        assert channel is not None
        if isinstance(channel, Channel) and not self._server.bot_permissions(channel) & perms.SEND_MESSAGES:
            return respond(403, MISSING_PERMISSIONS)
        body, files = await self._body(request)
        if isinstance(channel, DMChannel) and not self._can_dm(channel):
            channel.refused.append(body)
            return respond(403, CANNOT_DM)
        findings = limits.check_message(body, default_parse=limits.PARSE_ALL, has_files=bool(files))
        if findings:
            return respond(400, self._server.record_violations(self._route(request), findings))
        flags = int(body.get("flags") or 0) & ((1 << 2) | (1 << 12) | (1 << 15))
        recipient = channel.recipient.id if isinstance(channel, DMChannel) else None
        message = self._world.create_message(
            channel, body, author=self._world.bot_user, flags=flags, visible_to=recipient, files=files
        )
        self._server.announce_message(message)
        return respond(200, message.snapshot())

    def _can_dm(self, channel: DMChannel) -> bool:
        """Whether the bot may DM the recipient: DMs open, and a server in common (or 50007)."""
        return channel.recipient.dms_open and self._world.shares_guild_with_bot(channel.recipient)

    def _message(self, request: web.Request, channel: Channel | DMChannel) -> tuple[Any, web.Response | None]:
        message = self._world.messages.get(int(request.match_info["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
            return None, respond(404, UNKNOWN_MESSAGE)
        return message, None

    async def get_message(self, request: web.Request) -> web.Response:
        channel, error = self._channel(request)
        if error:
            return error
        assert channel is not None
        message, error = self._message(request, channel)
        return error or respond(200, message.snapshot())

    async def edit_message(self, request: web.Request) -> web.Response:
        """Edit Message: the author edits anything; others only ``flags``, with MANAGE_MESSAGES.

        Losing SEND_MESSAGES does not stop edits (discord/discord-api-docs#3096: "Send Messages permission
        restricts the ability to send new messages, but does not prevent existing messages from being
        updated or deleted"); losing VIEW_CHANNEL does (403 50001, from :meth:`_channel`).
        """
        channel, error = self._channel(request)
        if error:
            return error
        assert channel is not None
        message, error = self._message(request, channel)
        if error:
            return error
        body, files = await self._body(request)
        if message.author_id != self._world.bot_user.id:
            if set(body) - {"flags"} or files or isinstance(channel, DMChannel):
                return respond(403, NOT_AUTHOR)
            if not self._server.bot_permissions(channel) & perms.MANAGE_MESSAGES:
                return respond(403, MISSING_PERMISSIONS)
        findings = limits.check_message(body, creating=False, default_parse=limits.PARSE_ALL)
        if findings:
            return respond(400, self._server.record_violations(self._route(request), findings))
        self._world.edit_message(message, body, files=files)
        self._server.announce_edit(message)
        return respond(200, message.snapshot())

    async def delete_message(self, request: web.Request) -> web.Response:
        channel, error = self._channel(request)
        if error:
            return error
        assert channel is not None
        message, error = self._message(request, channel)
        if error:
            return error
        if message.author_id != self._world.bot_user.id:
            if isinstance(channel, DMChannel):
                return respond(403, NOT_IN_DM)
            if not self._server.bot_permissions(channel) & perms.MANAGE_MESSAGES:
                return respond(403, MISSING_PERMISSIONS)
        message.deleted = True
        self._server.announce_delete(message)
        return respond(204, None)

    async def typing(self, request: web.Request) -> web.Response:
        _, error = self._channel(request)
        return error or respond(204, None)

    # --- guilds -----------------------------------------------------------------------------------

    def _guild(self, request: web.Request) -> tuple[Guild | None, web.Response | None]:
        guild = self._world.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            return None, respond(404, UNKNOWN_GUILD)
        return guild, None

    async def get_guild(self, request: web.Request) -> web.Response:
        guild, error = self._guild(request)
        if error:
            return error
        assert guild is not None
        payload = guild.to_payload(with_members=False)
        for key in (
            "channels",
            "members",
            "threads",
            "voice_states",
            "presences",
            "joined_at",
            "large",
            "member_count",
        ):
            payload.pop(key, None)
        if request.query.get("with_counts", "").lower() in ("1", "true"):
            payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return respond(200, payload)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild, error = self._guild(request)
        # guild is None only with an error, which `or` returns first.
        return error or respond(200, [c.to_payload() for c in guild.channels.values()])  # type: ignore[union-attr]

    async def get_guild_roles(self, request: web.Request) -> web.Response:
        guild, error = self._guild(request)
        # guild is None only with an error, which `or` returns first.
        return error or respond(200, [r.to_payload() for r in guild.roles.values()])  # type: ignore[union-attr]

    async def get_member(self, request: web.Request) -> web.Response:
        guild, error = self._guild(request)
        if error:
            return error
        assert guild is not None
        member = guild.members.get(int(request.match_info["user_id"]))
        if member is None:
            return respond(404, UNKNOWN_MEMBER)
        return respond(200, member.to_payload())
