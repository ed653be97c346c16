"""Following and corrections: what a member follows, and what a change leaves in the outbox for the sender.

Plain data, no rules: which followers a change reaches and what it enqueues is decided in
`bot.desk.outbox`; how an outbox row is delivered, in `bot.delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class FollowKind(StrEnum):
    CLAIM = "claim"
    SPEAKER = "speaker"
    STORY = "story"


@dataclass(frozen=True, slots=True)
class Followed:
    """One thing a member follows, as /following lists it."""

    kind: FollowKind
    target_id: int
    name: str  # the claim's statement, the speaker's name, the story's title
    number: int | None  # the claim's number; None for a speaker or a story
    since: datetime


class OutboxKind(StrEnum):
    DM = "dm"  # recipient: the member's user id
    EDIT = "edit"  # recipient: the posted message's row id (posted_messages.id)


@dataclass(frozen=True, slots=True)
class NewOutboxItem:
    guild_id: int
    kind: OutboxKind
    recipient: int
    payload: dict[str, Any]
    at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    guild_id: int
    kind: OutboxKind
    recipient: int
    payload: dict[str, Any]
    created_at: datetime
    due_at: datetime
    attempts: int


class PostedKind(StrEnum):
    CARD = "card"  # a /claim card: re-rendered on an edit
    ANNOUNCEMENT = "announcement"  # a verdict announcement: its text kept, an "Updated" line added


@dataclass(frozen=True, slots=True)
class NewPostedMessage:
    guild_id: int
    claim_id: int
    channel_id: int
    message_id: int
    kind: PostedKind
    shown_verdict: str
    shown_attribution: str
    shown_revision: int
    content: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PostedMessage:
    id: int
    guild_id: int
    claim_id: int
    claim_number: int
    channel_id: int
    message_id: int
    kind: PostedKind
    shown_verdict: str
    shown_attribution: str
    shown_revision: int
    content: str
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards a process owns, of `count`: its share of the outbox (by the guild of each row)."""

    count: int
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EditProblem:
    channel_id: int
    code: int
    at: datetime
