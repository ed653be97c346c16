"""Interaction bookkeeping: the 3-second deadline, acknowledgement, follow-ups and the original response.

Semantics follow developers/interactions/receiving-and-responding.mdx:

- the first callback must arrive within the deadline (3 s), otherwise the token is invalidated and the
  callback gets 404 ``10062 Unknown interaction``;
- a second callback gets 400 ``40060 Interaction has already been acknowledged``;
- follow-ups and edits use the webhook routes and need an acknowledged interaction;
- after a deferred (type 5) answer, the first follow-up replaces the "thinking" message instead of
  creating a new one (what Discord does, and what surprises people).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from localdiscord import limits
from localdiscord.problems import LateInteraction
from localdiscord.world import EPHEMERAL, LOADING, Channel, Member, Message, StoredFile

if TYPE_CHECKING:
    from localdiscord.server import LocalDiscord

Json = dict[str, Any]
Reply = tuple[int, Json | None]

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 1, 4, 5, 6, 7, 8, 9

#: Which callback types each interaction type accepts (the footnotes under "Interaction Callback Type").
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({PONG}),
    APPLICATION_COMMAND: frozenset({MESSAGE, DEFERRED_MESSAGE, MODAL}),
    MESSAGE_COMPONENT: frozenset({MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL}),
    AUTOCOMPLETE: frozenset({AUTOCOMPLETE_RESULT}),
    MODAL_SUBMIT: frozenset({MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE}),
}

UNKNOWN_INTERACTION: Json = {"code": 10062, "message": "Unknown interaction"}
ALREADY_ACKNOWLEDGED: Json = {"code": 40060, "message": "Interaction has already been acknowledged."}
UNKNOWN_WEBHOOK: Json = {"code": 10015, "message": "Unknown Webhook"}
UNKNOWN_MESSAGE: Json = {"code": 10008, "message": "Unknown Message"}


@dataclass(eq=False)
class InteractionResult:
    """What happened to one interaction the driver dispatched; ``await`` it to wait for the answer.

    ``callback_type``/``callback_data`` are the first (accepted) callback; ``followup_bodies`` and ``edits``
    are the raw bodies the bot sent afterwards; ``messages`` is what the member finally sees.
    """

    id: int
    token: str
    type: int
    name: str
    payload: Json
    deadline: float
    dispatched_at: float
    channel: Channel
    member: Member
    source_message_id: int | None = None
    callback_type: int | None = None
    callback_data: Json | None = None
    latency: float | None = None
    late: bool = False
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    followup_bodies: list[Json] = field(default_factory=list)
    edits: list[Json] = field(default_factory=list)
    errors: list[Json] = field(default_factory=list)
    _server: LocalDiscord | None = field(default=None, repr=False)
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    # --- what the member sees ---------------------------------------------------------------------

    def _message(self, message_id: int | None) -> Message | None:
        if message_id is None or self._server is None:
            return None
        return self._server.world.messages.get(message_id)

    @property
    def answered(self) -> bool:
        return self.callback_type is not None

    @property
    def original(self) -> Message | None:
        """The original response message (or, for component updates, the message that was updated)."""
        return self._message(self.original_id)

    @property
    def followups(self) -> list[Message]:
        return [m for m in map(self._message, self.followup_ids) if m is not None]

    @property
    def messages(self) -> list[Message]:
        """The messages this interaction left visible: the original response, then each follow-up."""
        found = [self.original, *self.followups]
        return [m for m in found if m is not None and not m.deleted]

    @property
    def files(self) -> list[StoredFile]:
        """The files attached to the messages the member sees (name, bytes, content type)."""
        return [file for message in self.messages for file in message.files]

    @property
    def ephemeral(self) -> bool:
        original = self.original
        return bool(original and original.ephemeral)

    @property
    def thinking(self) -> bool:
        original = self.original
        return bool(original and original.loading)

    @property
    def text(self) -> str:
        """Everything the member reads, message after message."""
        return "\n".join(m.text for m in self.messages)

    @property
    def choices(self) -> list[Json]:
        """Autocomplete suggestions, when the callback was type 8."""
        if self.callback_type != AUTOCOMPLETE_RESULT or self.callback_data is None:
            return []
        return list(self.callback_data.get("choices") or [])

    @property
    def modal(self) -> Json | None:
        return self.callback_data if self.callback_type == MODAL else None

    # --- waiting ----------------------------------------------------------------------------------

    def touch(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(
        self, predicate: Callable[[InteractionResult], bool], within: float = 5.0
    ) -> InteractionResult:
        try:
            async with asyncio.timeout(within):
                while True:
                    event = self._changed
                    if predicate(self):
                        return self
                    await event.wait()
        except TimeoutError:
            raise TimeoutError(f"interaction {self.name!r} did not get there within {within}s: {self!r}") from None

    async def wait_answered(self, within: float = 5.0) -> InteractionResult:
        return await self.wait_until(lambda r: r.answered or r.late, within)

    async def finished(self, within: float = 5.0, idle: float = 0.1) -> InteractionResult:
        """Wait for the answer, for any "thinking" state to end, then for ``idle`` seconds of quiet."""
        loop = asyncio.get_running_loop()
        end = loop.time() + within
        await self.wait_until(lambda r: (r.answered and not r.thinking) or r.late, within)
        while True:
            event = self._changed
            remaining = end - loop.time()
            if remaining <= 0:
                return self
            try:
                await asyncio.wait_for(event.wait(), min(idle, remaining))
            except TimeoutError:
                return self

    def __await__(self) -> Generator[Any, None, InteractionResult]:
        return self.finished().__await__()

    def __repr__(self) -> str:
        return (
            f"<InteractionResult {self.name!r} type={self.type} callback={self.callback_type} "
            f"latency={self.latency} late={self.late} messages={self.messages!r} errors={self.errors!r}>"
        )


class Interactions:
    """Every interaction dispatched by the driver, and the callback and webhook semantics."""

    def __init__(self, server: LocalDiscord) -> None:
        self._server = server
        self.by_id: dict[int, InteractionResult] = {}
        self.by_token: dict[str, InteractionResult] = {}
        self.late: list[LateInteraction] = []

    def new_token(self) -> str:
        return "interaction." + secrets.token_urlsafe(48)

    def register(self, result: InteractionResult) -> None:
        result._server = self._server
        self.by_id[result.id] = result
        self.by_token[result.token] = result

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _expired(self, result: InteractionResult) -> bool:
        return result.callback_type is None and self._now() - result.dispatched_at > result.deadline

    def _mark_late(self, result: InteractionResult, latency: float | None) -> None:
        if not result.late:
            result.late = True
            self.late.append(LateInteraction(result.id, result.name, latency, result.deadline))
            result.touch()

    def overdue(self) -> list[LateInteraction]:
        """Record interactions never answered within their deadline; return every late one so far."""
        for result in self.by_id.values():
            if self._expired(result):
                self._mark_late(result, None)
        return list(self.late)

    def refused(self, token: str, body: Json) -> None:
        """Note on its interaction an error answered before the request reached these routes (a 413)."""
        result = self.by_token.get(token)
        if result is not None:
            result.errors.append(body)
            result.touch()

    def _fail(self, result: InteractionResult | None, status: int, body: Json) -> Reply:
        if result is not None:
            result.errors.append(body)
            result.touch()
        return status, body

    # --- POST /interactions/{id}/{token}/callback -------------------------------------------------

    def callback(
        self,
        interaction_id: int,
        token: str,
        body: Json,
        *,
        with_response: bool,
        files: list[StoredFile],
        route: str,
    ) -> Reply:
        result = self.by_id.get(interaction_id)
        if result is None or result.token != token:
            return 404, UNKNOWN_INTERACTION
        if result.callback_type is not None:
            return self._fail(result, 400, ALREADY_ACKNOWLEDGED)
        latency = self._now() - result.dispatched_at
        if latency > result.deadline:
            self._mark_late(result, latency)
            return self._fail(result, 404, UNKNOWN_INTERACTION)
        kind = body.get("type")
        data = body.get("data") or {}
        findings: list[limits.Finding] = []
        if kind not in ALLOWED_CALLBACKS.get(result.type, frozenset()):
            findings.append(
                limits.Finding(
                    "type",
                    f"callback type {kind} is not valid for interaction type {result.type}",
                    "INTERACTION_CALLBACK_TYPE_INVALID",
                )
            )
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and result.source_message_id is None:
            findings.append(
                limits.Finding("type", "there is no message to update", "INTERACTION_CALLBACK_TYPE_INVALID")
            )
        elif kind == MESSAGE:
            findings += limits.check_message(
                data, prefix="data", default_parse=limits.PARSE_INTERACTION, has_files=bool(files)
            )
        elif kind == UPDATE_MESSAGE:
            findings += limits.check_message(
                data, prefix="data", creating=False, default_parse=limits.PARSE_INTERACTION
            )
        elif kind == DEFERRED_MESSAGE and int(data.get("flags") or 0) & ~EPHEMERAL:
            findings.append(
                limits.Finding(
                    "data.flags", "only EPHEMERAL may be set on a deferred response", "INTERACTION_FLAGS_INVALID"
                )
            )
        elif kind == AUTOCOMPLETE_RESULT:
            findings += limits.check_autocomplete(data)
        elif kind == MODAL:
            findings += limits.check_modal(data)
        if findings:
            return self._fail(result, 400, self._server.record_violations(route, findings))

        result.callback_type = kind
        result.callback_data = data
        result.latency = latency
        world = self._server.world
        resource: Json = {"type": kind}
        if kind in (MESSAGE, DEFERRED_MESSAGE):
            flags = int(data.get("flags") or 0) & (EPHEMERAL | (1 << 2) | (1 << 12) | (1 << 15))
            if kind == DEFERRED_MESSAGE:
                flags |= LOADING
            message = world.create_message(
                result.channel,
                data if kind == MESSAGE else {},
                author=world.bot_user,
                flags=flags,
                message_type=20 if result.type == APPLICATION_COMMAND else 0,
                visible_to=result.member.id if flags & EPHEMERAL else None,
                interaction=self._interaction_stub(result),
                files=files if kind == MESSAGE else (),
            )
            message.interaction_id = result.id
            result.original_id = message.id
            if kind == MESSAGE:
                # A reply is serialised at once (rest.respond), before anything can change the message,
                # so it may hold the live payload: no copy on the path every answer takes.
                resource["message"] = message.payload
            self._server.announce_message(message)
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            result.original_id = result.source_message_id
            source = self._message_or_none(result.source_message_id)
            if kind == UPDATE_MESSAGE and source is not None:
                world.edit_message(source, data, files=files)
                result.edits.append(data)
                resource["message"] = source.snapshot()
                self._server.announce_edit(source)
        result.touch()
        if not with_response:
            return 204, None
        original = result.original
        answer: Json = {"interaction": {"id": str(result.id), "type": result.type}, "resource": resource}
        if original is not None and kind in (MESSAGE, DEFERRED_MESSAGE, UPDATE_MESSAGE):
            answer["interaction"].update(
                response_message_id=str(original.id),
                response_message_loading=original.loading,
                response_message_ephemeral=original.ephemeral,
            )
        return 200, answer

    def _interaction_stub(self, result: InteractionResult) -> Json:
        return {"id": str(result.id), "type": result.type, "name": result.name, "user": result.member.user.to_payload()}

    def _message_or_none(self, message_id: int | None) -> Message | None:
        return None if message_id is None else self._server.world.messages.get(message_id)

    # --- /webhooks/{application_id}/{token}[...] --------------------------------------------------

    def _webhook_target(self, application_id: int, token: str) -> InteractionResult | None:
        result = self.by_token.get(token)
        if result is None or application_id != self._server.application_id:
            return None
        if result.callback_type is None or result.late:
            return None
        return result

    def followup(self, application_id: int, token: str, body: Json, *, files: list[StoredFile], route: str) -> Reply:
        result = self._webhook_target(application_id, token)
        if result is None:
            return self._fail(self.by_token.get(token), 404, UNKNOWN_WEBHOOK)
        world = self._server.world
        original = result.original
        replaces_thinking = result.callback_type == DEFERRED_MESSAGE and original is not None and original.loading
        findings = limits.check_message(body, default_parse=limits.PARSE_INTERACTION, has_files=bool(files))
        if findings:
            return self._fail(result, 400, self._server.record_violations(route, findings))
        result.followup_bodies.append(body)
        if replaces_thinking:
            assert original is not None
            world.edit_message(original, body, files=files)
            self._server.announce_edit(original)
            result.touch()
            return 200, original.snapshot()
        flags = int(body.get("flags") or 0) & (EPHEMERAL | (1 << 2) | (1 << 12) | (1 << 15))
        message = world.create_message(
            result.channel,
            body,
            author=world.bot_user,
            flags=flags,
            visible_to=result.member.id if flags & EPHEMERAL else None,
            interaction=self._interaction_stub(result),
            files=files,
        )
        message.interaction_id = result.id
        result.followup_ids.append(message.id)
        self._server.announce_message(message)
        result.touch()
        return 200, message.payload  # serialised at once, as in callback

    def _owned_message(self, result: InteractionResult, message_id: str) -> Message | None:
        if message_id == "@original":
            return result.original
        try:
            wanted = int(message_id)
        except ValueError:
            return None
        if wanted != result.original_id and wanted not in result.followup_ids:
            return None
        return self._server.world.messages.get(wanted)

    def edit(
        self, application_id: int, token: str, message_id: str, body: Json, *, files: list[StoredFile], route: str
    ) -> Reply:
        result = self._webhook_target(application_id, token)
        if result is None:
            return self._fail(self.by_token.get(token), 404, UNKNOWN_WEBHOOK)
        message = self._owned_message(result, message_id)
        if message is None or message.deleted:
            return self._fail(result, 404, UNKNOWN_MESSAGE)
        # Edits are checked like sends: Discord re-parses an edit's mentions with the default allowances.
        findings = limits.check_message(body, creating=False, default_parse=limits.PARSE_INTERACTION)
        if findings:
            return self._fail(result, 400, self._server.record_violations(route, findings))
        self._server.world.edit_message(message, body, files=files)
        result.edits.append(body)
        self._server.announce_edit(message)
        result.touch()
        return 200, message.snapshot()

    def get(self, application_id: int, token: str, message_id: str) -> Reply:
        result = self._webhook_target(application_id, token)
        if result is None:
            return 404, UNKNOWN_WEBHOOK
        message = self._owned_message(result, message_id)
        if message is None or message.deleted:
            return 404, UNKNOWN_MESSAGE
        return 200, message.snapshot()

    def delete(self, application_id: int, token: str, message_id: str) -> Reply:
        result = self._webhook_target(application_id, token)
        if result is None:
            return 404, UNKNOWN_WEBHOOK
        message = self._owned_message(result, message_id)
        if message is None or message.deleted:
            return 404, UNKNOWN_MESSAGE
        message.deleted = True
        self._server.announce_delete(message)
        result.touch()
        return 204, None
