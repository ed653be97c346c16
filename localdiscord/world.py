"""The fake Discord's data: users, guilds, channels, roles, members and messages.

Everything is kept as small dataclasses and turned into Discord's JSON shapes on demand, so a change the
driver makes shows up in every later payload (GUILD_CREATE, interactions, REST answers) consistently.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from localdiscord import permissions as perms
from localdiscord.snowflake import SnowflakeGenerator, iso_now

Json = dict[str, Any]

_LEAVES = (str, int, float, bool, type(None))


def copy_json(value: Any) -> Any:
    """`copy.deepcopy` for what JSON decodes to (dicts, lists, immutable leaves), about four times
    faster: every answer the bot sends is copied at least once (a message's snapshot), so this is
    the local Discord's hottest path under load. Anything else is handed to deepcopy."""
    kind = type(value)
    if kind is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if kind is list:
        return [copy_json(item) for item in value]
    if kind in _LEAVES:
        return value
    return copy.deepcopy(value)


TEXT_CHANNEL = 0
DM_CHANNEL = 1
CATEGORY_CHANNEL = 4

EPHEMERAL = 1 << 6
LOADING = 1 << 7
IS_COMPONENTS_V2 = 1 << 15


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    #: False: the user accepts no DMs from the bot (blocked it, or "Allow DMs from server members" is off).
    dms_open: bool = True

    def to_payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    color: int = 0

    def to_payload(self) -> Json:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class Channel:
    id: int
    guild_id: int
    name: str
    type: int = TEXT_CHANNEL
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    overwrites: list[perms.Overwrite] = field(default_factory=list)
    last_message_id: int | None = None

    def to_payload(self) -> Json:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "topic": self.topic,
            "nsfw": False,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "rate_limit_per_user": 0,
            "permission_overwrites": [o.to_payload() for o in self.overwrites],
            "flags": 0,
        }


@dataclass
class DMChannel:
    """The bot's DM channel with one user (developers/resources/channel.mdx, "Example DM Channel")."""

    id: int
    recipient: User
    last_message_id: int | None = None
    #: The bodies the bot tried to send here while the user's DMs were closed, oldest first.
    refused: list[Json] = field(default_factory=list)
    type: int = DM_CHANNEL

    @property
    def guild_id(self) -> None:
        return None

    def to_payload(self) -> Json:
        return {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "recipients": [self.recipient.to_payload()],
            "flags": 0,
        }


@dataclass(eq=False)
class StoredFile:
    """A file someone uploaded: the bot (``files[n]`` of a message) or a member (an ATTACHMENT option).

    ``id`` and ``url`` are set when the file is stored (:meth:`World.store_file`); the local server serves
    the bytes at ``url`` as Discord's CDN does.
    """

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None
    index: int | None = None  # the ``n`` of ``files[n]`` in the request that uploaded it
    id: int = 0
    channel_id: int = 0
    url: str = ""
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def text(self) -> str:
        return self.data.decode()

    def to_payload(self) -> Json:
        payload: Json = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            payload["description"] = self.description
        if self.ephemeral:
            payload["ephemeral"] = True
        return payload


@dataclass
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    def to_payload(self) -> Json:
        return {
            "user": self.user.to_payload(),
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.role_ids],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def base_permissions(self, member: Member) -> int:
        return perms.base_permissions(
            everyone=self.everyone.permissions,
            role_permissions=(self.roles[r].permissions for r in member.role_ids if r in self.roles),
            is_owner=member.id == self.owner_id,
        )

    def permissions_in(self, member: Member, channel: Channel) -> int:
        return perms.channel_permissions(
            self.base_permissions(member),
            guild_id=self.id,
            member_id=member.id,
            member_role_ids=member.role_ids,
            overwrites=channel.overwrites,
        )

    def to_payload(self, *, with_members: bool = True, members: list[Member] | None = None) -> Json:
        shown = list(self.members.values()) if members is None else members
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": iso_now(),
            "channels": [c.to_payload() for c in self.channels.values()],
            "threads": [],
            "members": [m.to_payload() for m in shown] if with_members else [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass
class Message:
    """A message as the fake keeps it: Discord's payload plus who may see it."""

    payload: Json
    visible_to: int | None = None  # the only user who sees it: an ephemeral message's member, a DM's recipient
    interaction_id: int | None = None
    deleted: bool = False
    history: list[Json] = field(default_factory=list)  # earlier versions, oldest first
    edits: list[Json] = field(default_factory=list)  # the body of each edit, oldest first
    uploads: dict[int, StoredFile] = field(default_factory=dict)  # every file ever attached, by id

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def author_id(self) -> int:
        return int(self.payload["author"]["id"])

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[Json]:
        return list(self.payload.get("embeds") or [])

    @property
    def components(self) -> list[Json]:
        return list(self.payload.get("components") or [])

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def files(self) -> list[StoredFile]:
        """The files attached to the message now (name, bytes, content type), in the message's order."""
        ids = [int(a["id"]) for a in self.payload.get("attachments") or []]
        return [self.uploads[i] for i in ids if i in self.uploads]

    def find_component(self, custom_id: str) -> Json | None:
        """The component (button, select, ...) with ``custom_id`` anywhere in the message."""
        stack = list(self.components)
        while stack:
            item = stack.pop(0)
            if item.get("custom_id") == custom_id:
                return item
            stack.extend(item.get("components") or [])
            for key in ("accessory", "component"):
                if isinstance(item.get(key), dict):
                    stack.append(item[key])
        return None

    @property
    def custom_ids(self) -> list[str]:
        found: list[str] = []
        stack = list(self.components)
        while stack:
            item = stack.pop(0)
            if item.get("custom_id"):
                found.append(item["custom_id"])
            stack.extend(item.get("components") or [])
            for key in ("accessory", "component"):
                if isinstance(item.get(key), dict):
                    stack.append(item[key])
        return found

    @property
    def text(self) -> str:
        """Everything a person reads in the message, one piece a line: content, then each embed."""
        parts = [self.content] if self.content else []
        for embed in self.embeds:
            for key in ("title", "description"):
                if embed.get(key):
                    parts.append(str(embed[key]))
            for fld in embed.get("fields") or []:
                parts.append(f"{fld.get('name', '')}: {fld.get('value', '')}")
            if (embed.get("footer") or {}).get("text"):
                parts.append(str(embed["footer"]["text"]))
        return "\n".join(parts)

    def snapshot(self) -> Json:
        copied: Json = copy_json(self.payload)
        return copied

    def __repr__(self) -> str:
        kind = "ephemeral " if self.ephemeral else ""
        return f"<{kind}Message {self.id} in {self.channel_id}: {self.text[:60]!r}>"


class World:
    """Every object the fake knows, indexed for the REST routes and the driver."""

    def __init__(self, *, bot_user: User, ids: SnowflakeGenerator) -> None:
        self.ids = ids
        self.bot_user = bot_user
        self.users: dict[int, User] = {bot_user.id: bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, DMChannel] = {}  # by channel id
        self.messages: dict[int, Message] = {}
        self.files: dict[int, StoredFile] = {}
        #: Where stored files are served (the server's base URL once it listens).
        self.cdn_base = ""

    def guild_of(self, channel: Channel) -> Guild:
        return self.guilds[channel.guild_id]

    # --- DMs --------------------------------------------------------------------------------------

    def dm_channel_with(self, user: User, *, create: bool = False) -> DMChannel | None:
        """The bot's DM channel with ``user`` (one per user, as on Discord); ``create`` opens it if need be."""
        for channel in self.dm_channels.values():
            if channel.recipient.id == user.id:
                return channel
        if not create:
            return None
        channel = DMChannel(id=self.ids.next(), recipient=user)
        self.dm_channels[channel.id] = channel
        return channel

    def shares_guild_with_bot(self, user: User) -> bool:
        return any(user.id in g.members and self.bot_user.id in g.members for g in self.guilds.values())

    # --- files ------------------------------------------------------------------------------------

    def store_file(self, file: StoredFile, channel_id: int, *, ephemeral: bool = False) -> StoredFile:
        """Give ``file`` an id and a CDN URL under ``channel_id`` and keep it for serving."""
        file.id = self.ids.next()
        file.channel_id = channel_id
        file.ephemeral = ephemeral
        folder = "ephemeral-attachments" if ephemeral else "attachments"
        file.url = f"{self.cdn_base}/{folder}/{channel_id}/{file.id}/{quote(file.filename)}"
        self.files[file.id] = file
        return file

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    def channel_messages(self, channel_id: int) -> list[Message]:
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    # --- messages ---------------------------------------------------------------------------------

    def create_message(
        self,
        channel: Channel | DMChannel,
        body: Json,
        *,
        author: User,
        flags: int = 0,
        message_type: int = 0,
        visible_to: int | None = None,
        interaction: Json | None = None,
        files: Sequence[StoredFile] = (),
    ) -> Message:
        """Store a new message the way Discord would return it; ``files`` are the request's ``files[n]``."""
        message_id = self.ids.next()
        payload: Json = {
            "id": str(message_id),
            "channel_id": str(channel.id),
            "author": author.to_payload(),
            "content": "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "mention_channels": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "reactions": [],
            "pinned": False,
            "type": message_type,
            "flags": flags,
        }
        if channel.guild_id is not None:
            payload["guild_id"] = str(channel.guild_id)
        guild = self.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if guild is not None and author.id in guild.members:
            member = guild.members[author.id].to_payload()
            member.pop("user")
            payload["member"] = member
        _apply_body(payload, body)
        payload["flags"] = flags
        message = Message(payload=payload, visible_to=visible_to)
        if files:
            payload["attachments"] = self._attach(message, channel.id, body.get("attachments"), files, [])
        if interaction is not None:
            payload["application_id"] = str(self.bot_user.id)
            payload["webhook_id"] = str(self.bot_user.id)
            payload["interaction"] = interaction
            payload["interaction_metadata"] = {
                "id": interaction["id"],
                "type": interaction["type"],
                "user": interaction["user"],
                "authorizing_integration_owners": {"0": str(channel.guild_id)},
            }
        if body.get("message_reference"):
            payload["message_reference"] = body["message_reference"]
            payload["type"] = 19
        self.messages[message_id] = message
        if not flags & EPHEMERAL:
            channel.last_message_id = message_id
        return message

    def edit_message(self, message: Message, body: Json, *, files: Sequence[StoredFile] = ()) -> None:
        """Apply an edit body; only the fields present change, as with Discord's PATCH.

        Attachments follow "Editing Message Attachments" (developers/reference.mdx): with an
        ``attachments`` array, exactly the listed files stay (existing ones by id, new ones by their
        ``files[n]`` index); without one, new files are appended to those already there.
        """
        message.history.append(message.snapshot())
        message.edits.append(copy_json(body))
        _apply_body(message.payload, body)
        if files or isinstance(body.get("attachments"), list):
            current = list(message.payload.get("attachments") or [])
            message.payload["attachments"] = self._attach(
                message, message.channel_id, body.get("attachments"), files, current
            )
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS (1 << 2) and IS_COMPONENTS_V2 may change on edit; keep EPHEMERAL.
            kept = message.flags & EPHEMERAL
            message.payload["flags"] = kept | (int(body["flags"]) & ((1 << 2) | IS_COMPONENTS_V2))
        message.payload["flags"] = message.flags & ~LOADING
        message.payload["edited_timestamp"] = iso_now()

    def _attach(
        self,
        message: Message,
        channel_id: int,
        wanted: Any,
        files: Sequence[StoredFile],
        current: list[Json],
    ) -> list[Json]:
        """The message's attachment objects after a create or edit that uploads ``files``."""
        by_index = {f.index: f for f in files if f.index is not None}
        for file in files:
            self.store_file(file, channel_id)
            message.uploads[file.id] = file
        if not isinstance(wanted, list):
            return current + [f.to_payload() for f in files]
        kept = {a["id"]: a for a in current}
        result: list[Json] = []
        for entry in wanted:
            if not isinstance(entry, dict):
                continue
            key = str(entry.get("id"))
            if key in kept:
                attachment = dict(kept[key])
                if "description" in entry:
                    attachment["description"] = entry["description"]
                result.append(attachment)
                continue
            index = _as_index(entry.get("id"))
            new = by_index.pop(index, None) if index is not None else None
            if new is not None:
                if entry.get("description") is not None:
                    new.description = entry["description"]
                result.append(new.to_payload())
        return result


def _as_index(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _apply_body(payload: Json, body: Json) -> None:
    if "content" in body:
        payload["content"] = body["content"] or ""
    if "embeds" in body:
        payload["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
    if "components" in body:
        payload["components"] = body["components"] or []
    if "tts" in body:
        payload["tts"] = bool(body["tts"])
    if body.get("poll"):
        payload["poll"] = body["poll"]
