"""The Gateway websocket: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, RESUME and dispatches.

Dispatching is synchronous: an event gets its sequence number and goes into the session's backlog and
into the live connection's outbox at once, and a writer task sends the outbox in order. That keeps the
order of events exact (a resume replays the backlog and queues RESUMED in one step) and lets the driver
build the world without awaiting.

Transport compression: discord.py 2.7 asks for ``zstd-stream`` when a zstd codec is importable
(``zstandard`` or Python 3.14's ``compression.zstd``) and ``zlib-stream`` otherwise. ``zlib-stream`` is
implemented with the standard library (one shared deflate stream, each message ending in a
Z_SYNC_FLUSH). For ``zstd-stream`` frames are zstd-compressed if ``zstandard`` is installed; otherwise
the gateway sends plain text frames, which discord.py accepts on any connection. Only
``encoding=json`` is spoken; anything else is closed with 4002 (decode error).

Sharding (:mod:`localdiscord.shards`): each session keeps the shard it identified with (a RESUME keeps
it), READY and the GUILD_CREATEs that follow hold only that shard's guilds, and every later dispatch
names its guild so that :meth:`Gateway.sessions_for` sends it to the sessions of that guild's shard only.
An invalid ``shard`` is closed with 4010; a session that would hold more than ``max_guilds_per_shard``
guilds with 4011 (sharding required).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from localdiscord.shards import InvalidShard, Shard

if TYPE_CHECKING:
    from localdiscord.server import LocalDiscord

log = logging.getLogger(__name__)

Json = dict[str, Any]

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE, RESUME, RECONNECT, REQUEST_MEMBERS = 0, 1, 2, 3, 4, 6, 7, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11

#: Gateway intents that gate the events this fake sends (developers/events/gateway.mdx, "List of Intents").
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12

BACKLOG_MAX = 5000

# One encoder for every frame: json.dumps with arguments builds a new JSONEncoder per call.
_to_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class _Encoder:
    """Turns a payload into the frame the client asked for."""

    def __init__(self, compress: str | None) -> None:
        self.kind = "text"
        self._zlib: Any = None
        self._zstd: Any = None
        if compress == "zlib-stream":
            self.kind = "zlib"
            self._zlib = zlib.compressobj()
        elif compress == "zstd-stream":
            try:
                import zstandard
            except ImportError:
                pass
            else:
                self.kind = "zstd"
                self._zstd = zstandard.ZstdCompressor().compressobj()

    def encode(self, payload: Json) -> str | bytes:
        text = _to_json(payload)
        if self.kind == "zlib":
            frame: bytes = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            return frame
        if self.kind == "zstd":
            import zstandard

            frame = self._zstd.compress(text.encode()) + self._zstd.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
            return frame
        return text


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    encoder: _Encoder
    outbox: asyncio.Queue[Json | None] = field(default_factory=asyncio.Queue)
    session: Session | None = None

    def send(self, payload: Json) -> None:
        self.outbox.put_nowait(payload)


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: Shard = field(default_factory=Shard)
    seq: int = 0
    backlog: list[Json] = field(default_factory=list)
    connection: Connection | None = None


class Gateway:
    """All gateway sessions of one fake Discord: one per shard the bot runs (normally exactly one)."""

    def __init__(self, server: LocalDiscord, *, heartbeat_interval_ms: int = 41_250) -> None:
        self._server = server
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self._changed = asyncio.Event()

    # --- waiting ----------------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], within: float) -> None:
        async with asyncio.timeout(within):
            while True:
                event = self._changed
                if predicate():
                    return
                await event.wait()

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.connection is not None]

    def sessions_for(self, guild_id: int | None) -> list[Session]:
        """The sessions, connected or awaiting a RESUME, whose shard receives ``guild_id``'s events.

        None is an event without a guild, which goes to shard 0. Every dispatch after READY is routed here.
        """
        return [s for s in self.sessions.values() if s.shard.receives(guild_id)]

    # --- sending ----------------------------------------------------------------------------------

    def wants(self, guild_id: int | None, intent: int) -> bool:
        """Whether any session would receive an event about ``guild_id`` gated by ``intent``: when none
        does, the caller need not build the event (a message's snapshot, for a bot without that intent)."""
        return any(s.intents & intent for s in self.sessions_for(guild_id))

    def dispatch(self, event: str, data: Json, *, guild_id: int | None, intent: int | None = None) -> None:
        """Send a DISPATCH about ``guild_id`` (None: no guild) to its shard's sessions that subscribed to ``intent``.

        ``intent`` None means the event is always sent.
        """
        for session in self.sessions_for(guild_id):
            if intent is not None and not session.intents & intent:
                continue
            self.dispatch_to(session, event, data)

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every live connection the way a Discord hiccup does; the sessions stay resumable."""
        for connection in list(self.connections):
            await connection.ws.close(code=code, message=b"dropped by the local Discord")

    def request_reconnect(self) -> None:
        """Send op 7 RECONNECT, which makes discord.py close and RESUME on its own."""
        for connection in list(self.connections):
            connection.send({"op": RECONNECT, "d": None})

    # --- the websocket ----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=4002, message=b"only encoding=json is supported")
            return ws
        connection = Connection(ws=ws, encoder=_Encoder(request.query.get("compress")))
        self.connections.add(connection)
        writer = asyncio.create_task(self._write(connection))
        connection.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    await ws.close(code=4002, message=b"decode error")
                    break
                if not await self._receive(connection, payload):
                    break
        finally:
            self.connections.discard(connection)
            if connection.session is not None and connection.session.connection is connection:
                connection.session.connection = None
            connection.outbox.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            self._notify()
        return ws

    async def _write(self, connection: Connection) -> None:
        while True:
            payload = await connection.outbox.get()
            if payload is None or connection.ws.closed:
                return
            frame = connection.encoder.encode(payload)
            try:
                if isinstance(frame, bytes):
                    await connection.ws.send_bytes(frame)
                else:
                    await connection.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    async def _close(self, connection: Connection, code: int, reason: str) -> bool:
        log.info("closing gateway connection with %s: %s", code, reason)
        # A close frame's reason is at most 123 bytes.
        await connection.ws.close(code=code, message=reason.encode()[:123])
        return False

    async def _receive(self, connection: Connection, payload: Json) -> bool:
        op = payload.get("op")
        data = payload.get("d")
        if op == HEARTBEAT:
            self.heartbeat_count += 1
            connection.send({"op": HEARTBEAT_ACK})
            return True
        if op == IDENTIFY:
            return await self._identify(connection, data or {})
        if op == RESUME:
            return await self._resume(connection, data or {})
        if connection.session is None:
            return await self._close(connection, 4003, "not authenticated")
        if op == REQUEST_MEMBERS:
            self._member_chunk(connection, data or {})
            return True
        if op in (PRESENCE, VOICE):
            return True
        return await self._close(connection, 4001, f"unknown opcode {op}")

    async def _identify(self, connection: Connection, data: Json) -> bool:
        if connection.session is not None:
            return await self._close(connection, 4005, "already authenticated")
        if data.get("token") != self._server.token:
            return await self._close(connection, 4004, "authentication failed")
        try:
            shard = Shard.from_identify(data.get("shard"))
        except InvalidShard as exc:
            return await self._close(connection, 4010, str(exc))
        guilds = [g for g in self._server.world.guilds.values() if shard.receives(g.id)]
        if len(guilds) > self._server.max_guilds_per_shard:
            reason = f"shard {shard} would hold {len(guilds)} guilds, more than {self._server.max_guilds_per_shard}"
            return await self._close(connection, 4011, reason)
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents") or 0), shard=shard)
        self.sessions[session.id] = session
        session.connection = connection
        connection.session = session
        self.identify_count += 1
        # READY echoes ``shard`` only when the IDENTIFY sent one (developers/events/gateway-events.mdx, Ready).
        echoed = shard if data.get("shard") is not None else None
        self.dispatch_to(session, "READY", self._server.ready_payload(session.id, guilds, echoed))
        for guild in guilds:
            self.dispatch_to(session, "GUILD_CREATE", self._server.guild_create_payload(guild, session.intents))
        self._notify()
        return True

    def dispatch_to(self, session: Session, event: str, data: Json) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.backlog.append(payload)
        del session.backlog[:-BACKLOG_MAX]
        if session.connection is not None:
            session.connection.send(payload)

    async def _resume(self, connection: Connection, data: Json) -> bool:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self._server.token:
            return await self._close(connection, 4004, "authentication failed")
        if session is None:
            connection.send({"op": INVALID_SESSION, "d": False})
            return True
        seq = int(data.get("seq") or 0)
        if session.backlog and seq < session.backlog[0]["s"] - 1:
            connection.send({"op": INVALID_SESSION, "d": False})
            return True
        if session.connection is not None and session.connection is not connection:
            await session.connection.ws.close(code=4000, message=b"session resumed elsewhere")
        session.connection = connection
        connection.session = session
        for missed in session.backlog:
            if missed["s"] > seq:
                connection.send(missed)
        self.dispatch_to(session, "RESUMED", {})
        self.resume_count += 1
        self._notify()
        return True

    def _member_chunk(self, connection: Connection, data: Json) -> None:
        assert connection.session is not None
        guild = self._server.world.guilds.get(int(data.get("guild_id") or 0))
        members = list(guild.members.values()) if guild else []
        user_ids = {str(u) for u in data.get("user_ids") or []}
        query = data.get("query")
        if user_ids:
            members = [m for m in members if str(m.id) in user_ids]
        elif query:
            members = [m for m in members if m.user.username.lower().startswith(str(query).lower())]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: Json = {
            "guild_id": str(data.get("guild_id")),
            "members": [m.to_payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        self.dispatch_to(connection.session, "GUILD_MEMBERS_CHUNK", chunk)
