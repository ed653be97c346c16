"""Small readers for the bot-level tests: what a member sees in an embed or a form, and what the desk holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
