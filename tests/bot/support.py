"""Small readers for the bot-level tests: what a member sees in an embed or a form, and what the desk holds."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bot.desk import Desk
from bot.domain.claims import Change, Claim, Relation
from localdiscord.interactions import InteractionResult
from localdiscord.world import Message


def fields(message: Message) -> dict[str, str]:
    """The first embed's fields by name."""
    embed = message.embeds[0]
    return {field["name"]: field["value"] for field in embed.get("fields") or []}


def description(message: Message) -> str:
    return str(message.embeds[0].get("description") or "")


def modal_inputs(result: InteractionResult) -> dict[str, dict[str, Any]]:
    """The text inputs of the modal the bot answered with, by label."""
    assert result.modal is not None, f"no modal: {result!r}"
    inputs: dict[str, dict[str, Any]] = {}
    for row in result.modal["components"]:
        for component in row.get("components") or []:
            inputs[component["label"]] = component
    return inputs


def filled(result: InteractionResult, by_label: dict[str, str]) -> dict[str, str]:
    """{custom_id: value} for driver.submit_modal, from {label: value}."""
    inputs = modal_inputs(result)
    return {inputs[label]["custom_id"]: value for label, value in by_label.items()}


@dataclass(frozen=True)
class ClaimState:
    """Everything a refused command must leave as it was."""

    claim: Claim
    history: tuple[Change, ...]
    relations: tuple[Relation, ...]


async def claim_state(desk: Desk, guild_id: int, number: int) -> ClaimState:
    history = await desk.history(guild_id, number, limit=100)
    relations = await desk.relations(guild_id, number)
    return ClaimState(await desk.claim(guild_id, number), history.items, tuple(relations))


def public(messages: list[Message]) -> list[Message]:
    return [m for m in messages if not m.ephemeral]


def assert_no_lost_update(before: ClaimState, after: ClaimState, saved: int) -> None:
    """Each saved verdict change replaced the one before it: a change prepared against a revision another
    change had already replaced would show as two rows starting from the same old verdict."""
    added = list(reversed(after.history[: len(after.history) - len(before.history)]))  # oldest first
    assert len(added) == saved, added
    previous = before.claim.verdict.value
    for change in added:
        assert change.field == "verdict"
        assert change.old_value == previous, f"{change.actor.name} overwrote a change it never saw: {added}"
        previous = change.new_value
    assert after.claim.verdict.value == previous
    assert after.claim.revision == before.claim.revision + saved


@contextlib.asynccontextmanager
async def writes_held(database: Path | str) -> AsyncIterator[None]:
    """Another session holds back every write to the claims, while reads go on: racers all read the same
    revision, then all write when it lets go. SQLite: a writer's lock (WAL readers pass); PostgreSQL: a
    lock that conflicts with UPDATE, not with SELECT."""
    if isinstance(database, str):
        conn = await asyncpg.connect(database)
        try:
            async with conn.transaction():
                await conn.execute("LOCK TABLE claims IN EXCLUSIVE MODE")
                yield
        finally:
            await conn.close()
        return
    db = sqlite3.connect(database, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        yield
        db.execute("ROLLBACK")
    finally:
        db.close()


async def all_thinking(results: list[InteractionResult], within: float = 5.0) -> None:
    """Until each was deferred: its options were resolved and it is about to write."""
    for result in results:
        await result.wait_until(lambda r: r.callback_type is not None, within=within)
