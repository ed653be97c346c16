"""Application commands the bot registered, global and per guild, with Discord's id rules.

A bulk overwrite (PUT) keeps the id of a command whose (type, name) already existed, as Discord does, so
ids a test captured stay valid after a re-sync.
"""

from __future__ import annotations

import builtins
import copy
from typing import TYPE_CHECKING, Any

from localdiscord.command_rules import CHAT_INPUT, check_command, check_command_list

if TYPE_CHECKING:
    from localdiscord.server import LocalDiscord

Json = dict[str, Any]
Reply = tuple[int, Json | list[Json] | None]

UNKNOWN_COMMAND: Json = {"code": 10063, "message": "Unknown application command"}

_KEPT_FIELDS = (
    "name",
    "name_localizations",
    "description",
    "description_localizations",
    "options",
    "default_member_permissions",
    "dm_permission",
    "contexts",
    "integration_types",
    "nsfw",
)


class CommandStore:
    def __init__(self, server: LocalDiscord) -> None:
        self._server = server
        self.scopes: dict[int | None, list[Json]] = {}
        self.sync_count = 0

    def list(self, guild_id: int | None) -> list[Json]:
        return copy.deepcopy(self.scopes.get(guild_id, []))

    def find(self, name: str, *, guild_id: int | None, kind: int = CHAT_INPUT) -> Json | None:
        """The command a user would see in ``guild_id``: a guild command first, then a global one."""
        for scope in (guild_id, None) if guild_id is not None else (None,):
            for command in self.scopes.get(scope, []):
                if command["name"] == name and command.get("type", CHAT_INPUT) == kind:
                    return command
        return None

    def _stored(self, body: Json, guild_id: int | None, existing: Json | None) -> Json:
        ids = self._server.world.ids
        command: Json = {
            "id": existing["id"] if existing else str(ids.next()),
            "application_id": str(self._server.application_id),
            "version": str(ids.next()),
            "type": body.get("type", CHAT_INPUT),
            "name_localizations": None,
            "description_localizations": None,
            "description": "",
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
        }
        command.update({k: copy.deepcopy(body[k]) for k in _KEPT_FIELDS if k in body})
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        return command

    def _existing(self, guild_id: int | None, body: Json) -> Json | None:
        for command in self.scopes.get(guild_id, []):
            if command["name"] == body.get("name") and command.get("type", CHAT_INPUT) == body.get("type", CHAT_INPUT):
                return command
        return None

    def bulk_overwrite(self, guild_id: int | None, bodies: builtins.list[Json], *, route: str) -> Reply:
        findings = check_command_list(bodies)
        if findings:
            return 400, self._server.record_violations(route, findings)
        self.scopes[guild_id] = [self._stored(b, guild_id, self._existing(guild_id, b)) for b in bodies]
        self.sync_count += 1
        return 200, self.list(guild_id)

    def create(self, guild_id: int | None, body: Json, *, route: str) -> Reply:
        findings = check_command(body)
        if findings:
            return 400, self._server.record_violations(route, findings)
        existing = self._existing(guild_id, body)
        command = self._stored(body, guild_id, existing)
        scope = self.scopes.setdefault(guild_id, [])
        if existing is not None:
            scope[scope.index(existing)] = command
            return 200, copy.deepcopy(command)
        scope.append(command)
        return 201, copy.deepcopy(command)

    def _by_id(self, guild_id: int | None, command_id: int) -> Json | None:
        for command in self.scopes.get(guild_id, []):
            if int(command["id"]) == command_id:
                return command
        return None

    def get(self, guild_id: int | None, command_id: int) -> Reply:
        command = self._by_id(guild_id, command_id)
        return (200, copy.deepcopy(command)) if command else (404, UNKNOWN_COMMAND)

    def edit(self, guild_id: int | None, command_id: int, body: Json, *, route: str) -> Reply:
        command = self._by_id(guild_id, command_id)
        if command is None:
            return 404, UNKNOWN_COMMAND
        merged = {**command, **{k: v for k, v in body.items() if k in _KEPT_FIELDS}}
        findings = check_command(merged)
        if findings:
            return 400, self._server.record_violations(route, findings)
        scope = self.scopes[guild_id]
        scope[scope.index(command)] = updated = self._stored(merged, guild_id, command)
        return 200, copy.deepcopy(updated)

    def delete(self, guild_id: int | None, command_id: int) -> Reply:
        command = self._by_id(guild_id, command_id)
        if command is None:
            return 404, UNKNOWN_COMMAND
        self.scopes[guild_id].remove(command)
        return 204, None
