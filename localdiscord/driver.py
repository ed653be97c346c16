"""The test's side of the local Discord: build guilds, act as members, read what the bot did.

Building the world is synchronous (changes are announced to a connected bot through the gateway as they
happen). Acting as a member is ``async`` and returns an :class:`InteractionResult` to await::

    guild = driver.create_guild("News")
    alice = driver.create_member(guild, "alice", roles=[driver.create_role(guild, "Mods")])
    result = await driver.slash(guild, alice, "claim", {"story": "flood"}, subcommand=("mod", "status"))
    await result                      # answered, not "thinking", then a moment of quiet
    assert result.ephemeral and "flood" in result.text
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Iterable, Sequence
from typing import Any

from localdiscord import permissions as perms
from localdiscord.command_rules import CHAT_INPUT, MESSAGE_COMMAND, SUB_COMMAND, SUB_COMMAND_GROUP, USER_COMMAND
from localdiscord.gateway import DIRECT_MESSAGES, GUILD_MEMBERS, GUILD_MESSAGES
from localdiscord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionResult,
)
from localdiscord.problems import LateInteraction, UnknownRoute, Violation
from localdiscord.ratelimits import RateLimitHit, RateLimitRule
from localdiscord.server import LocalDiscord
from localdiscord.world import Channel, DMChannel, Guild, Member, Message, Role, StoredFile, User, World

Json = dict[str, Any]

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
STRING_SELECT = 3


class Driver:
    def __init__(self, server: LocalDiscord) -> None:
        self.server = server

    @property
    def world(self) -> World:
        return self.server.world

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    # --- building the world -----------------------------------------------------------------------

    def create_user(self, name: str, *, bot: bool = False) -> User:
        user = User(id=self.world.ids.next(), username=name, bot=bot)
        self.world.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str = "Test Guild",
        *,
        owner: str = "owner",
        everyone_permissions: int = perms.DEFAULT_EVERYONE,
        bot_permissions: int = 0,
        channel: str | None = "general",
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild with @everyone, an owner, the bot (with a role of its own) and one text channel.

        ``shard=(shard_id, num_shards)`` picks a guild id that a session identified with that pair
        receives (``(id >> 22) % num_shards == shard_id``); otherwise the id lands on any shard.
        """
        owner_user = self.create_user(owner)
        guild_id = self.world.ids.next_on_shard(*shard) if shard is not None else self.world.ids.next()
        guild = Guild(id=guild_id, name=name, owner_id=owner_user.id)
        guild.roles[guild.id] = Role(id=guild.id, guild_id=guild.id, name="@everyone", permissions=everyone_permissions)
        bot_role = Role(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=self.bot_user.username,
            permissions=bot_permissions,
            position=1,
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner_user.id] = Member(user=owner_user, guild_id=guild.id)
        guild.members[self.bot_user.id] = Member(user=self.bot_user, guild_id=guild.id, role_ids=[bot_role.id])
        self.world.guilds[guild.id] = guild
        if channel:
            self._add_channel(guild, channel)
        self.server.announce_guild(guild)
        return guild

    def _add_channel(self, guild: Guild, name: str, **fields: Any) -> Channel:
        channel = Channel(
            id=self.world.ids.next(), guild_id=guild.id, name=name, position=len(guild.channels), **fields
        )
        guild.channels[channel.id] = channel
        self.world.channels[channel.id] = channel
        return channel

    def create_text_channel(
        self, guild: Guild, name: str, *, topic: str | None = None, overwrites: Iterable[perms.Overwrite] = ()
    ) -> Channel:
        channel = self._add_channel(guild, name, topic=topic, overwrites=list(overwrites))
        self.server.announce("CHANNEL_CREATE", channel.to_payload(), guild_id=guild.id)
        return channel

    def default_channel(self, guild: Guild) -> Channel:
        return next(c for c in guild.channels.values() if c.type == 0)

    def create_role(self, guild: Guild, name: str, *, permissions: int = 0, mentionable: bool = False) -> Role:
        role = Role(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
            position=len(guild.roles),
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        self.server.announce(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_payload()}, guild_id=guild.id
        )
        return role

    def edit_role(self, role: Role, *, permissions: int | None = None, name: str | None = None) -> Role:
        if permissions is not None:
            role.permissions = permissions
        if name is not None:
            role.name = name
        self.server.announce(
            "GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": role.to_payload()}, guild_id=role.guild_id
        )
        return role

    def create_member(self, guild: Guild, name: str, *, roles: Iterable[Role] = ()) -> Member:
        member = Member(user=self.create_user(name), guild_id=guild.id, role_ids=[r.id for r in roles])
        guild.members[member.id] = member
        self.server.announce(
            "GUILD_MEMBER_ADD",
            {"guild_id": str(guild.id), **member.to_payload()},
            guild_id=guild.id,
            intent=GUILD_MEMBERS,
        )
        return member

    def add_roles(self, member: Member, *roles: Role) -> None:
        member.role_ids.extend(r.id for r in roles if r.id not in member.role_ids)
        self._member_updated(member)

    def remove_roles(self, member: Member, *roles: Role) -> None:
        member.role_ids[:] = [r for r in member.role_ids if r not in {role.id for role in roles}]
        self._member_updated(member)

    def _member_updated(self, member: Member) -> None:
        self.server.announce(
            "GUILD_MEMBER_UPDATE",
            {"guild_id": str(member.guild_id), **member.to_payload()},
            guild_id=member.guild_id,
            intent=GUILD_MEMBERS,
        )

    def set_permissions(self, channel: Channel, target: Role | Member, *, allow: int = 0, deny: int = 0) -> None:
        """Set (replace) ``target``'s overwrite in ``channel``."""
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites[:] = [o for o in channel.overwrites if (o.type, o.id) != (kind, target.id)]
        channel.overwrites.append(perms.Overwrite(id=target.id, type=kind, allow=allow, deny=deny))
        self.server.announce("CHANNEL_UPDATE", channel.to_payload(), guild_id=channel.guild_id)

    def set_bot_permissions(self, channel: Channel, *, allow: int = 0, deny: int = 0) -> None:
        """Give or take the bot's own permissions in one channel (a member overwrite, as a mod would)."""
        guild = self.world.guild_of(channel)
        self.set_permissions(channel, self.world.bot_member(guild), allow=allow, deny=deny)

    def permissions(self, member: Member, channel: Channel) -> int:
        return self.world.guild_of(channel).permissions_in(member, channel)

    def bot_member(self, guild: Guild) -> Member:
        return self.world.bot_member(guild)

    def post_message(self, channel: Channel, member: Member, content: str) -> Message:
        """A member writes in a channel (the bot sees MESSAGE_CREATE if it asked for GUILD_MESSAGES)."""
        message = self.world.create_message(channel, {"content": content}, author=member.user)
        self.server.announce("MESSAGE_CREATE", message.snapshot(), guild_id=channel.guild_id, intent=GUILD_MESSAGES)
        return message

    def delete_message(self, message: Message) -> None:
        """Delete a message as its author or a moderator would; the bot's later edits get 404 10008."""
        current = self.world.messages.get(message.id)
        if current is None or current.deleted:
            raise LookupError(f"message {message.id} does not exist (any more)")
        current.deleted = True
        self.server.announce_delete(current)

    # --- DMs --------------------------------------------------------------------------------------

    def close_dms(self, who: Member | User) -> None:
        """The user accepts no DMs from the bot any more: sending there answers 403 50007."""
        _user(who).dms_open = False

    def open_dms(self, who: Member | User) -> None:
        _user(who).dms_open = True

    def dm_channel(self, who: Member | User) -> DMChannel | None:
        """The bot's DM channel with the user, once the bot opened it (or the user wrote to the bot)."""
        return self.world.dm_channel_with(_user(who))

    def dms(self, who: Member | User) -> list[Message]:
        """What the user received from the bot by DM, oldest first (deleted messages left out)."""
        channel = self.dm_channel(who)
        if channel is None:
            return []
        bot_id = self.bot_user.id
        return [m for m in self.messages(channel) if m.author_id == bot_id]

    def refused_dms(self, who: Member | User) -> list[Json]:
        """The bodies the bot tried to DM the user while their DMs were closed (each answered 50007)."""
        channel = self.dm_channel(who)
        return list(channel.refused) if channel is not None else []

    def post_dm(self, who: Member | User, content: str) -> Message:
        """The user writes to the bot in DMs: MESSAGE_CREATE without a guild (DIRECT_MESSAGES, shard 0 only)."""
        user = _user(who)
        channel = self.world.dm_channel_with(user, create=True)
        assert channel is not None
        message = self.world.create_message(channel, {"content": content}, author=user, visible_to=user.id)
        self.server.announce("MESSAGE_CREATE", message.snapshot(), guild_id=None, intent=DIRECT_MESSAGES)
        return message

    # --- files and rate limits ----------------------------------------------------------------------

    def attachment(
        self, filename: str, data: bytes, content_type: str | None = None, *, description: str | None = None
    ) -> StoredFile:
        """A file a member attaches to an ATTACHMENT option: ``slash(..., {"file": driver.attachment(...)})``.

        The Discord client uploads it first, so the interaction's ``resolved.attachments`` gives a URL the
        bot can read the bytes from; the client refuses a file over ``attachment_size_limit``.
        """
        if len(data) > self.server.attachment_size_limit:
            raise ValueError(f"{filename}: {len(data):,} bytes > {self.server.attachment_size_limit:,}")
        guessed = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return StoredFile(filename=filename, data=bytes(data), content_type=guessed, description=description)

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
        """The next ``times`` requests of ``method`` on ``route`` answer 429 (see :mod:`localdiscord.ratelimits`)."""
        return self.server.rate_limit(method, route, times=times, retry_after=retry_after, global_=global_, scope=scope)

    @property
    def rate_limited(self) -> list[RateLimitHit]:
        """Every 429 answered so far, oldest first."""
        return list(self.server.rate_limits.hits)

    def rename_bot(self, name: str) -> None:
        """Rename the bot's user (as in the developer portal); USER_UPDATE has no guild, so only shard 0 hears it."""
        self.bot_user.username = name
        self.server.announce("USER_UPDATE", self.bot_user.to_payload(), guild_id=None, intent=None)

    # --- reading what the bot did -----------------------------------------------------------------

    def messages(self, channel: Channel | DMChannel, *, ephemeral: bool | None = None) -> list[Message]:
        """Messages in ``channel``, oldest first; ``ephemeral`` filters (None: all of them)."""
        found = self.world.channel_messages(channel.id)
        if ephemeral is not None:
            found = [m for m in found if m.ephemeral == ephemeral]
        return sorted(found, key=lambda m: m.id)

    def last_message(self, channel: Channel | DMChannel) -> Message | None:
        found = self.messages(channel)
        return found[-1] if found else None

    def commands(self, guild: Guild | None = None) -> list[Json]:
        return self.server.commands.list(guild.id if guild else None)

    @property
    def violations(self) -> list[Violation]:
        return self.server.violations

    @property
    def unknown_routes(self) -> list[UnknownRoute]:
        return self.server.unknown_routes

    @property
    def late_interactions(self) -> list[LateInteraction]:
        return self.server.interactions.overdue()

    @property
    def warnings(self) -> list[str]:
        return self.server.warnings

    def take_violations(self) -> list[Violation]:
        """Return and forget the violations so far (for tests that provoke them on purpose)."""
        taken = list(self.server.violations)
        self.server.violations.clear()
        return taken

    def take_unknown_routes(self) -> list[UnknownRoute]:
        taken = list(self.server.unknown_routes)
        self.server.unknown_routes.clear()
        return taken

    def take_late_interactions(self) -> list[LateInteraction]:
        taken = self.server.interactions.overdue()
        self.server.interactions.late.clear()
        return taken

    # --- the connection ---------------------------------------------------------------------------

    async def wait_for_bot(self, within: float = 5.0) -> None:
        """Until a bot has identified and is connected."""
        await self.server.gateway.wait_for(lambda: bool(self.server.gateway.live_sessions), within)

    async def drop_connection(self, code: int = 4000) -> int:
        """Drop the bot's gateway connection; returns the resume count to pass to :meth:`wait_resumed`."""
        before = self.server.gateway.resume_count
        await self.server.gateway.drop_connections(code)
        return before

    async def wait_resumed(self, before: int, within: float = 10.0) -> None:
        gateway = self.server.gateway
        await gateway.wait_for(lambda: gateway.resume_count > before and bool(gateway.live_sessions), within)

    # --- acting as a member: application commands -------------------------------------------------

    async def slash(
        self,
        guild: Guild,
        member: Member,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: Sequence[str] | str = (),
        channel: Channel | None = None,
        deadline: float | None = None,
        delayed: float = 0.0,
    ) -> InteractionResult:
        """``/name [subcommand...] options`` typed by ``member``; Member/Role/Channel values get resolved.
        `delayed`: seconds between the interaction's creation and its INTERACTION_CREATE (see _dispatch)."""
        path = (subcommand,) if isinstance(subcommand, str) else tuple(subcommand)
        command = self._command(guild, name, CHAT_INPUT)
        channel = channel or self.default_channel(guild)
        built, resolved = self._options(command, name, path, options or {}, guild, channel, member, focused=None)
        data = self._command_data(command, guild, name, CHAT_INPUT, built, resolved)
        return await self._dispatch(
            APPLICATION_COMMAND, " ".join((name, *path)), guild, channel, member, data, deadline, delayed=delayed
        )

    async def autocomplete(
        self,
        guild: Guild,
        member: Member,
        name: str,
        focused: str,
        value: str = "",
        options: dict[str, Any] | None = None,
        *,
        subcommand: Sequence[str] | str = (),
        channel: Channel | None = None,
        deadline: float | None = None,
    ) -> InteractionResult:
        """The member is typing ``value`` into option ``focused``; answer with ``result.choices``."""
        path = (subcommand,) if isinstance(subcommand, str) else tuple(subcommand)
        command = self._command(guild, name, CHAT_INPUT)
        channel = channel or self.default_channel(guild)
        typed = {**(options or {}), focused: value}
        built, resolved = self._options(command, name, path, typed, guild, channel, member, focused=focused)
        data = self._command_data(command, guild, name, CHAT_INPUT, built, resolved)
        return await self._dispatch(AUTOCOMPLETE, " ".join((name, *path)), guild, channel, member, data, deadline)

    async def user_command(
        self,
        guild: Guild,
        member: Member,
        name: str,
        target: Member,
        *,
        channel: Channel | None = None,
        deadline: float | None = None,
    ) -> InteractionResult:
        command = self._command(guild, name, USER_COMMAND)
        channel = channel or self.default_channel(guild)
        resolved: Json = {}
        self._resolve_member(resolved, target, channel)
        data = self._command_data(command, guild, name, USER_COMMAND, None, resolved)
        data["target_id"] = str(target.id)
        return await self._dispatch(APPLICATION_COMMAND, name, guild, channel, member, data, deadline)

    async def message_command(
        self,
        guild: Guild,
        member: Member,
        name: str,
        target: Message,
        *,
        deadline: float | None = None,
        delayed: float = 0.0,
    ) -> InteractionResult:
        command = self._command(guild, name, MESSAGE_COMMAND)
        channel = self.world.channels[target.channel_id]
        resolved = {"messages": {str(target.id): target.snapshot()}}
        data = self._command_data(command, guild, name, MESSAGE_COMMAND, None, resolved)
        data["target_id"] = str(target.id)
        return await self._dispatch(APPLICATION_COMMAND, name, guild, channel, member, data, deadline, delayed=delayed)

    def _command(self, guild: Guild, name: str, kind: int) -> Json | None:
        command = self.server.commands.find(name, guild_id=guild.id, kind=kind)
        if command is None:
            self.server.warnings.append(
                f"command {name!r} (type {kind}) was never synced to guild {guild.id} or globally;"
                " dispatched with a made-up id"
            )
        return command

    def _command_data(
        self, command: Json | None, guild: Guild, name: str, kind: int, options: list[Json] | None, resolved: Json
    ) -> Json:
        data: Json = {"id": command["id"] if command else str(self.world.ids.next()), "name": name, "type": kind}
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if options:
            data["options"] = options
        if resolved:
            data["resolved"] = resolved
        return data

    def _options(
        self,
        command: Json | None,
        name: str,
        path: tuple[str, ...],
        options: dict[str, Any],
        guild: Guild,
        channel: Channel,
        member: Member,
        *,
        focused: str | None,
    ) -> tuple[list[Json], Json]:
        definitions: list[Json] | None = command.get("options") or [] if command else None
        kinds: list[int] = []
        for depth, part in enumerate(path):
            default = SUB_COMMAND_GROUP if depth < len(path) - 1 else SUB_COMMAND
            found = next((o for o in definitions if o["name"] == part), None) if definitions is not None else None
            if definitions is not None and found is None:
                self.server.warnings.append(f"/{name}: no subcommand {part!r}")
            kinds.append(found["type"] if found else default)
            definitions = (found.get("options") or []) if found else None
        resolved: Json = {}
        built: list[Json] = []
        for key, value in options.items():
            definition = next((o for o in definitions if o["name"] == key), None) if definitions is not None else None
            if definitions is not None and definition is None:
                self.server.warnings.append(f"/{name}: no option {key!r}")
            kind = definition["type"] if definition else _infer_type(value)
            if focused == key:
                built.append({"name": key, "type": kind, "value": str(value), "focused": True})
                continue
            choices = (definition or {}).get("choices")
            encoded = self._encode(kind, value, resolved, guild, channel)
            if choices and encoded not in [c["value"] for c in choices]:
                self.server.warnings.append(f"/{name}: {key}={value!r} is not one of its choices")
            built.append({"name": key, "type": kind, "value": encoded})
        if definitions is not None and focused is None:
            for definition in definitions:
                if definition.get("required") and definition["name"] not in options:
                    self.server.warnings.append(f"/{name}: required option {definition['name']!r} missing")
        for part, kind in reversed(list(zip(path, kinds, strict=True))):
            built = [{"name": part, "type": kind, "options": built}]
        return built, resolved

    def _encode(self, kind: int, value: Any, resolved: Json, guild: Guild, channel: Channel) -> Any:
        if kind in (USER, MENTIONABLE) and isinstance(value, Member):
            self._resolve_member(resolved, value, channel)
            return str(value.id)
        if kind in (USER, MENTIONABLE) and isinstance(value, User):
            resolved.setdefault("users", {})[str(value.id)] = value.to_payload()
            return str(value.id)
        if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
            return str(value.id)
        if kind == CHANNEL and isinstance(value, Channel):
            payload = value.to_payload()
            resolved.setdefault("channels", {})[str(value.id)] = {
                key: payload[key]
                for key in ("id", "name", "type", "parent_id", "topic", "position", "nsfw", "guild_id", "flags")
            } | {
                "permissions": str(
                    self.world.guild_of(value).base_permissions(self.world.bot_member(self.world.guild_of(value)))
                )
            }
            return str(value.id)
        if kind == ATTACHMENT and isinstance(value, StoredFile):
            if not value.id:
                self.world.store_file(value, channel.id, ephemeral=True)
            resolved.setdefault("attachments", {})[str(value.id)] = value.to_payload()
            return str(value.id)
        if kind == INTEGER:
            return int(value)
        if kind == NUMBER:
            return float(value)
        if kind == BOOLEAN:
            return bool(value)
        return value if isinstance(value, str) else str(value)

    def _resolve_member(self, resolved: Json, member: Member, channel: Channel) -> None:
        resolved.setdefault("users", {})[str(member.id)] = member.user.to_payload()
        partial = member.to_payload()
        partial.pop("user")
        partial["permissions"] = str(self.permissions(member, channel))
        resolved.setdefault("members", {})[str(member.id)] = partial

    # --- acting as a member: components and modals ------------------------------------------------

    async def press(
        self, message: Message, custom_id: str, member: Member, *, deadline: float | None = None
    ) -> InteractionResult:
        """Click the button ``custom_id`` on ``message`` (a message the bot sent)."""
        component = self._clickable(message, custom_id, member)
        if component.get("type") != 2:
            raise ValueError(f"{custom_id!r} is a component of type {component.get('type')}, not a button")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._component(message, member, data, deadline)

    async def select(
        self, message: Message, custom_id: str, values: Sequence[Any], member: Member, *, deadline: float | None = None
    ) -> InteractionResult:
        """Pick ``values`` in the select menu ``custom_id`` (strings, or Members/Roles/Channels for entity selects)."""
        component = self._clickable(message, custom_id, member)
        kind = component.get("type")
        if kind not in (3, 5, 6, 7, 8):
            raise ValueError(f"{custom_id!r} is a component of type {kind}, not a select")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"{custom_id!r} takes {low}..{high} values, not {len(values)}")
        channel = self.world.channels[message.channel_id]
        resolved: Json = {}
        encoded: list[str] = []
        for value in values:
            if kind == STRING_SELECT:
                allowed = [o["value"] for o in component.get("options") or []]
                if value not in allowed:
                    raise ValueError(f"{value!r} is not an option of {custom_id!r} ({allowed})")
                encoded.append(str(value))
            else:
                encoded.append(
                    str(
                        self._encode(
                            MENTIONABLE if kind == 7 else {5: USER, 6: ROLE, 8: CHANNEL}[kind],
                            value,
                            resolved,
                            self.world.guild_of(channel),
                            channel,
                        )
                    )
                )
        data: Json = {"custom_id": custom_id, "component_type": kind, "values": encoded}
        if resolved:
            data["resolved"] = resolved
        return await self._component(message, member, data, deadline)

    def _clickable(self, message: Message, custom_id: str, member: Member) -> Json:
        current = self.world.messages.get(message.id)
        if current is None or current.deleted:
            raise LookupError(f"message {message.id} does not exist (any more)")
        if current.channel_id in self.world.dm_channels:
            raise NotImplementedError("components on DM messages are not faked (DM interactions have no guild)")
        if current.visible_to is not None and current.visible_to != member.id:
            raise PermissionError(f"message {message.id} is ephemeral and not visible to {member.user.username}")
        component = current.find_component(custom_id)
        if component is None:
            raise LookupError(f"message {message.id} has no component {custom_id!r}; it has {current.custom_ids}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        return component

    async def _component(
        self, message: Message, member: Member, data: Json, deadline: float | None
    ) -> InteractionResult:
        channel = self.world.channels[message.channel_id]
        guild = self.world.guild_of(channel)
        current = self.world.messages[message.id]
        return await self._dispatch(
            MESSAGE_COMPONENT, data["custom_id"], guild, channel, member, data, deadline, message=current
        )

    async def submit_modal(
        self,
        modal: str | InteractionResult,
        values: dict[str, Any],
        member: Member | None = None,
        *,
        deadline: float | None = None,
    ) -> InteractionResult:
        """Fill in and submit a modal the bot opened: the interaction that opened it, or the modal's custom_id.

        ``values`` maps each input's custom_id to what the member typed (or, for a select, the values).
        """
        opener = modal if isinstance(modal, InteractionResult) else self._modal_opener(modal)
        if opener.modal is None:
            raise LookupError(f"interaction {opener.name!r} did not answer with a modal")
        custom_id = opener.modal.get("custom_id", "")
        member = member or opener.member
        unused = dict(values)
        components: list[Json] = []
        for top in opener.modal.get("components") or []:
            if top.get("type") == 1:
                children = [_submitted(child, unused) for child in top.get("components") or []]
                components.append({"type": 1, "components": children})
            elif top.get("type") == 18 and isinstance(top.get("component"), dict):
                components.append({"type": 18, "id": top.get("id"), "component": _submitted(top["component"], unused)})
        if unused:
            raise LookupError(f"modal {custom_id!r} has no inputs {sorted(unused)}")
        data = {"custom_id": custom_id, "components": components}
        source = self.world.messages.get(opener.source_message_id) if opener.source_message_id else None
        guild = self.world.guild_of(opener.channel)
        return await self._dispatch(
            MODAL_SUBMIT, custom_id, guild, opener.channel, member, data, deadline, message=source
        )

    def _modal_opener(self, custom_id: str) -> InteractionResult:
        for result in reversed(self.server.interactions.by_id.values()):
            if result.modal is not None and result.modal.get("custom_id") == custom_id:
                return result
        raise LookupError(f"the bot never opened a modal {custom_id!r}")

    # --- dispatching ------------------------------------------------------------------------------

    async def _dispatch(
        self,
        kind: int,
        name: str,
        guild: Guild,
        channel: Channel,
        member: Member,
        data: Json,
        deadline: float | None,
        *,
        message: Message | None = None,
        delayed: float = 0.0,
    ) -> InteractionResult:
        """`delayed`: the event reaches the bot that many seconds after Discord sent it, as when the bot
        reads its gateway connection late (a busy event loop). Discord's 3 s run from sending
        (receiving-and-responding.mdx: "you must send an initial response within 3 seconds of receiving
        the event"), and the id's timestamp is the interaction's creation: both are set back by it."""
        if not self.server.gateway.sessions_for(guild.id):
            self.server.warnings.append(
                f"interaction {name!r} dispatched while no bot session had identified on the shard of guild {guild.id}"
            )
        interaction_id = self.world.ids.next()
        if delayed > 0:
            interaction_id -= int(delayed * 1000) << 22
            while interaction_id in self.server.interactions.by_id:  # one handed out in that millisecond
                interaction_id -= 1
        token = self.server.interactions.new_token()
        permissions = str(self.permissions(member, channel))
        member_payload = member.to_payload() | {"permissions": permissions}
        channel_payload = channel.to_payload() | {"permissions": permissions}
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.server.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": channel_payload,
            "member": member_payload,
            "token": token,
            "version": 1,
            "app_permissions": str(self.server.bot_permissions(channel)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": self.server.attachment_size_limit,
        }
        if message is not None:
            payload["message"] = message.snapshot()
        result = InteractionResult(
            id=interaction_id,
            token=token,
            type=kind,
            name=name,
            payload=payload,
            deadline=self.server.interaction_deadline if deadline is None else deadline,
            dispatched_at=asyncio.get_running_loop().time() - max(0.0, delayed),
            channel=channel,
            member=member,
            source_message_id=message.id if message is not None else None,
        )
        self.server.interactions.register(result)
        # Sent to every session of the guild's shard: two sessions on one shard both get it (and both may answer).
        self.server.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild.id)
        await asyncio.sleep(0)
        return result


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, Member | User):
        return USER
    if isinstance(value, Role):
        return ROLE
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, StoredFile):
        return ATTACHMENT
    return STRING


def _user(who: Member | User) -> User:
    return who.user if isinstance(who, Member) else who


def _submitted(component: Json, values: dict[str, Any]) -> Json:
    """One input of a submitted modal, checked the way the Discord client checks it before sending."""
    custom_id = component.get("custom_id", "")
    kind = component.get("type")
    if kind == 4:
        value = str(values.pop(custom_id, component.get("value") or ""))
        if component.get("required", True) and not value:
            raise ValueError(f"modal input {custom_id!r} is required")
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        if value and not low <= len(value) <= high:
            raise ValueError(f"modal input {custom_id!r} takes {low}..{high} characters, not {len(value)}")
        return {"type": 4, "custom_id": custom_id, "value": value, "id": component.get("id")}
    chosen = values.pop(custom_id, [])
    return {"type": kind, "custom_id": custom_id, "values": [str(v) for v in chosen], "id": component.get("id")}
