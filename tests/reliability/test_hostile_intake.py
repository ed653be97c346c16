"""Hostile input into every field of issue 11: Request a check's message, /submit's four fields, the
queue's Accept / Merge / Reject forms, /mod merge, /mod reviewed and the submission autocomplete.

As tests/reliability/test_hostile_input.py does (read its docstring for the design): Hypothesis drives
synchronous examples into a real bot on a background loop; `ThreadedBot.attempt` checks each answer
came within 3 s with no error, no ping and no limit broken. Here a refused call must also leave the
intake tables as they were, and what a member's request saved is their text, as typed (stripped,
less NUL and lone surrogates).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.rules import as_text
from localdiscord.interactions import InteractionResult
from localdiscord.world import Member
from tests.reliability.figures import record_figure
from tests.reliability.hostile import clipped, hostile_text
from tests.reliability.threaded import ThreadedBot

FAST, SLOW = 6, 30
TIERS = [pytest.param(FAST, id="fast"), pytest.param(SLOW, id="slow", marks=pytest.mark.slow)]
READERS = 80  # 10 requests an hour each: rotated, so the examples test the text, not the limit
MODERATORS = 6
INTAKE_TABLES = ("submissions", "submission_requests", "claim_requests", "submission_decisions", "notices")


@dataclass
class Draws:
    index: int
    others: list[str]


draws = st.builds(Draws, st.integers(0, 10**6), st.lists(hostile_text, max_size=6))


@dataclass
class Room:
    bot: ThreadedBot
    readers: Iterator[Member]
    moderators: Iterator[Member]
    messages: Iterator[int]


Act = Callable[[Room, str, Draws], Awaitable[list[InteractionResult]]]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    bot = ThreadedBot(Path(tmp_path_factory.mktemp("hostile-intake")) / "claims.db").start()

    async def crowd() -> tuple[list[Member], list[Member]]:
        d = bot.driver
        mods = d.create_role(bot.guild, "More mods", permissions=8192)  # MANAGE_MESSAGES
        readers = [d.create_member(bot.guild, f"reader{i}") for i in range(READERS)]
        moderators = [d.create_member(bot.guild, f"mod{i}", roles=[mods]) for i in range(MODERATORS)]
        return readers, moderators

    readers, moderators = bot.run(crowd())
    yield Room(bot, itertools.cycle(readers), itertools.cycle(moderators), itertools.count(1))
    problems = bot.stop()
    record_figure("hostile inputs tried on intake fields (answered < 3 s, no error, no ping)", bot.tried)
    assert not problems, problems


def intake_state(database: Path) -> tuple[Any, ...]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        counts = tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in INTAKE_TABLES)
        statuses = db.execute("SELECT group_concat(number || status || revision, ',') FROM submissions").fetchone()
    return (*counts, statuses[0])


def statements(database: Path) -> set[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT statement FROM submissions")}


def fill(opened: InteractionResult, text: str, data: Draws, fixed: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every text input gets hostile text (drawn ones, then this example's), clipped as the client does;
    selects (inside labels) get a valid choice."""
    assert opened.modal is not None, f"no form: {opened!r}"
    values: dict[str, Any] = {}
    others = iter(data.others)
    for top in opened.modal["components"]:
        children = top.get("components") or ([top["component"]] if top.get("component") else [])
        for component in children:
            if component.get("type") == 4:
                typed = next(others, text)
                values[component["custom_id"]] = clipped(
                    typed, component.get("max_length", 4000), required=component.get("required", True)
                )
            else:
                options = [o["value"] for o in component.get("options") or []]
                values[component["custom_id"]] = [options[data.index % len(options)]]
    values.update(fixed or {})
    return values


async def open_submission(room: Room) -> int:
    """A fresh submission in the queue (a member's request on an unrelated message): its number."""
    member = next(room.readers)
    n = next(room.messages)
    message = room.bot.driver.post_message(room.bot.general, member, f"The ferry to Quillport carries {n} cars")
    result = await room.bot.driver.message_command(room.bot.guild, member, "Request a check", message)
    await result.finished(within=5, idle=0.02)
    assert "submission S" in result.text, result.text
    return int(result.text.split("submission S", 1)[1].split(" ", 1)[0])


async def request_check(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.readers)
    message = room.bot.driver.post_message(room.bot.general, member, clipped(text, 4000, required=True))
    return [await room.bot.driver.message_command(room.bot.guild, member, "Request a check", message)]


async def submit_form(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.readers)
    opened = await room.bot.driver.slash(room.bot.guild, member, "submit")
    await opened.wait_answered()
    return [opened, await room.bot.driver.submit_modal(opened, fill(opened, text, data))]


def queue_form(action: str) -> Act:
    async def act(room: Room, text: str, data: Draws) -> list[InteractionResult]:
        await open_submission(room)  # so the queue is never empty
        member = next(room.moderators)
        queue = await room.bot.driver.slash(room.bot.guild, member, "mod", subcommand="queue")
        await queue.finished(within=5, idle=0.02)
        assert queue.original is not None
        # the first of the page: the most requested open submission
        custom_id = next(i for i in queue.original.custom_ids if i.startswith(f"claimbot:queue:{action}:"))
        opened = await room.bot.driver.press(queue.original, custom_id, member)
        await opened.wait_answered()
        assert opened.modal is not None, opened.text
        return [queue, opened, await room.bot.driver.submit_modal(opened, fill(opened, text, data))]

    return act


def mod_slash(subcommand: str, build: Callable[[str, Draws], dict[str, str]]) -> Act:
    async def act(room: Room, text: str, data: Draws) -> list[InteractionResult]:
        member = next(room.moderators)
        return [await room.bot.driver.slash(room.bot.guild, member, "mod", build(text, data), subcommand=subcommand)]

    return act


async def merge_submission_option(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    await open_submission(room)
    return await mod_slash("merge", lambda t, d: {"submission": t, "claim": "2"})(room, text, data)


async def merge_note(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    number = await open_submission(room)
    return await mod_slash("merge", lambda t, d: {"submission": f"S{number}", "claim": "2", "note": t})(
        room, text, data
    )


async def keep_wording_form(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    number = await open_submission(room)
    member = next(room.moderators)
    options = {"submission": f"S{number}", "claim": "2"}
    merged = await room.bot.driver.slash(room.bot.guild, member, "mod", options, subcommand="merge")
    await merged.finished(within=5, idle=0.02)
    proposal = next(m for m in merged.messages if f"claimbot:queue:sameas:{number}" in m.custom_ids)
    opened = await room.bot.driver.press(proposal, f"claimbot:queue:sameas:{number}", member)
    await opened.wait_answered()
    return [merged, opened, await room.bot.driver.submit_modal(opened, fill(opened, text, data))]


async def submission_autocomplete(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.moderators)
    result = await room.bot.driver.autocomplete(
        room.bot.guild, member, "mod", "submission", text, {"claim": "2"}, subcommand="merge"
    )
    return [result]


TARGETS: dict[str, Act] = {
    "Request a check message": request_check,
    "/submit form": submit_form,
    "queue Accept form": queue_form("accept"),
    "queue Merge form": queue_form("merge"),
    "queue Reject form": queue_form("reject"),
    "merge's Keep its wording form": keep_wording_form,
    "/mod merge submission": merge_submission_option,
    "/mod merge note": merge_note,
    "/mod reviewed claim": mod_slash("reviewed", lambda t, d: {"claim": t, "note": "looked again"}),
    "/mod reviewed note": mod_slash("reviewed", lambda t, d: {"claim": "3", "note": t}),
    "autocomplete /mod merge submission": submission_autocomplete,
}
# The targets whose own setup (a fresh submission) changes the intake tables before the hostile part.
SETS_UP = {
    "merge's Keep its wording form",
    "queue Accept form",
    "queue Merge form",
    "queue Reject form",
    "/mod merge submission",
    "/mod merge note",
}


@pytest.mark.parametrize("examples", TIERS)
@pytest.mark.parametrize("target", list(TARGETS))
def test_hostile_text_in_intake_fields_is_answered_safely_and_a_refusal_changes_nothing(
    room: Room, target: str, examples: int
) -> None:
    act = TARGETS[target]
    database = room.bot.database

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(text=hostile_text, data=draws)
    def example(text: str, data: Draws) -> None:
        before = intake_state(database)
        claims_before = room.bot.snapshot()
        results = room.bot.attempt(lambda _bot: act(room, text, data))
        saved = any("✅" in m.text for r in results for m in r.messages)
        if target.startswith("autocomplete"):
            assert len(results[0].choices) <= 25
            assert all(1 <= len(c["name"]) <= 100 for c in results[0].choices)
        if not saved and target not in SETS_UP:
            assert intake_state(database) == before, f"a refused call changed the intake tables: {results!r}"
            assert room.bot.snapshot() == claims_before
        if saved and target == "Request a check message" and "submission S" in results[0].text:
            typed = as_text(clipped(text, 4000, required=True)).strip()
            assert typed in statements(database), f"the saved text is not what was typed: {text!r}"
        for result in results if target.startswith(("/mod", "queue")) else ():
            assert all(m.ephemeral for m in result.messages), f"a moderator's answer was public: {result!r}"

    example()
