"""Hostile input into every string option, modal field, message and autocomplete of every command.

Design: Hypothesis calls a plain function once per example and shrinks failures by calling it again;
an asyncio test cannot be that function without nesting event loops. So these tests are synchronous,
and the local Discord and the real ClaimBot run on an event loop in a background thread
(tests/reliability/threaded.py), one bot for the whole module. Each example sends its interactions
into that loop and waits for them; `ThreadedBot.attempt` then checks that every interaction was
answered within 3 s, that the local Discord caught no limit broken, no ping and no unknown route,
that nothing at WARNING or above was logged and no "Something went wrong (ref …)" reached the member.
Here each example also compares a database snapshot (counts of claims, history, evidence, relations
and speakers; every claim's verdict, attribution and revision): a refused call changes nothing, and
a call the bot accepted stored exactly what was typed (stripped, less NUL and lone surrogates).

Members are used in rotation so /search's and Check claims' per-member cooldowns do not turn the
examples into cooldown replies. The fast tier tries a few examples per field; the slow tier many.
The number of inputs tried is printed in pytest's summary (`reliability figures`).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.rules import as_text
from bot.domain.states import Attribution, Verdict
from localdiscord.interactions import DEFERRED_UPDATE, InteractionResult
from localdiscord.world import Member
from tests.reliability.figures import record_figure
from tests.reliability.hostile import clipped, hostile_text
from tests.reliability.threaded import Snapshot, ThreadedBot

FAST, SLOW = 8, 40
TIERS = [pytest.param(FAST, id="fast"), pytest.param(SLOW, id="slow", marks=pytest.mark.slow)]
READERS = 60
MODERATORS = 8

VERDICTS = [v.value for v in Verdict]
ATTRIBUTIONS = [a.value for a in Attribution]
RELATIONS = ["contradicts", "supports", "duplicates", "updates"]


@dataclass
class Draws:
    """What an example needs besides its text: an index for choices, more texts for the form's inputs."""

    index: int
    others: list[str]


draws = st.builds(Draws, st.integers(0, 10**6), st.lists(hostile_text, max_size=5))

Act = Callable[["Room", str, Draws], Awaitable[list[InteractionResult]]]


@dataclass
class Room:
    bot: ThreadedBot
    readers: Iterator[Member]
    moderators: Iterator[Member]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    bot = ThreadedBot(Path(tmp_path_factory.mktemp("hostile")) / "claims.db").start()

    async def crowd() -> tuple[list[Member], list[Member]]:
        d = bot.driver
        mods = d.create_role(bot.guild, "More mods", permissions=8192)  # MANAGE_MESSAGES
        readers = [d.create_member(bot.guild, f"reader{i}") for i in range(READERS)]
        moderators = [d.create_member(bot.guild, f"mod{i}", roles=[mods]) for i in range(MODERATORS)]
        return readers, moderators

    readers, moderators = bot.run(crowd())
    yield Room(bot, itertools.cycle(readers), itertools.cycle(moderators))
    problems = bot.stop()
    record_figure("hostile inputs tried (each answered < 3 s, no error, no ping, no limit broken)", bot.tried)
    assert not problems, problems


def notes(database: Path) -> set[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT note FROM history")}


def statements(database: Path) -> set[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT statement FROM claims")}


def check_unchanged_unless_saved(
    room: Room, before: Snapshot, results: list[InteractionResult], *, moderator: bool
) -> bool:
    """A refused call leaves the database as it was (a moderator's refusal is private); returns whether it saved."""
    saved = any("✅" in m.text for r in results for m in r.messages)
    if not saved:
        assert room.bot.snapshot() == before, f"a refused call changed the database: {results!r}"
        for result in results if moderator else ():
            assert all(m.ephemeral for m in result.messages), f"a refusal was public: {result!r}"
    return saved


# ----------------------------------------------------------------------------- the targets


def reader_slash(name: str, option: str, extra: dict[str, str] | None = None) -> Act:
    async def act(room: Room, text: str, data: Draws) -> list[InteractionResult]:
        member = next(room.readers)
        return [await room.bot.driver.slash(room.bot.guild, member, name, {**(extra or {}), option: text})]

    return act


def mod_slash(subcommand: str, build: Callable[[str, Draws], dict[str, str]]) -> Act:
    async def act(room: Room, text: str, data: Draws) -> list[InteractionResult]:
        member = next(room.moderators)
        return [await room.bot.driver.slash(room.bot.guild, member, "mod", build(text, data), subcommand=subcommand)]

    return act


def pick(data: Draws, values: list[str]) -> str:
    """A choice drawn before the example runs (Hypothesis draws only in the test's own thread)."""
    return values[data.index % len(values)]


async def check_claims(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.readers)
    message = room.bot.driver.post_message(room.bot.general, member, clipped(text, 4000, required=True))
    return [await room.bot.driver.message_command(room.bot.guild, member, "Check claims", message)]


async def add_form(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.moderators)
    kind = pick(data, ["quote", "paraphrase"])
    opened = await room.bot.driver.slash(room.bot.guild, member, "mod", {"kind": kind}, subcommand="add")
    await opened.wait_answered()
    return [opened, await submit_hostile(room, opened, text, data)]


async def edit_form(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.moderators)
    options = {"claim": pick(data, ["5", "9", "12"]), "note": "hostile edit"}
    opened = await room.bot.driver.slash(room.bot.guild, member, "mod", options, subcommand="edit")
    await opened.wait_answered()
    return [opened, await submit_hostile(room, opened, text, data)]


async def submit_hostile(room: Room, opened: InteractionResult, text: str, data: Draws) -> InteractionResult:
    """Every input of the form gets hostile text (another drawn one, then this example's), clipped as
    the Discord client clips it."""
    assert opened.modal is not None, f"no form: {opened!r}"
    values = {}
    others = iter(data.others)
    for row in opened.modal["components"]:
        for component in row["components"]:
            typed = next(others, text)
            values[component["custom_id"]] = clipped(
                typed, component.get("max_length", 4000), required=component.get("required", True)
            )
    return await room.bot.driver.submit_modal(opened, values)


def autocomplete(name: str, focused: str, options: dict[str, str] | None = None, subcommand: str = "") -> Act:
    async def act(room: Room, text: str, data: Draws) -> list[InteractionResult]:
        member = next(room.moderators) if name == "mod" else next(room.readers)
        result = await room.bot.driver.autocomplete(
            room.bot.guild, member, name, focused, text, options, subcommand=subcommand or ()
        )
        return [result]

    return act


def status_options(text: str, data: Draws, field: str) -> dict[str, str]:
    options = {"claim": "3", "verdict": pick(data, VERDICTS), "note": "checked against the report"}
    options[field] = text
    return options


def attribution_options(text: str, data: Draws, field: str) -> dict[str, str]:
    options = {"claim": "8", "status": pick(data, ATTRIBUTIONS), "note": "checked"}
    options[field] = text
    return options


def link_options(text: str, data: Draws, field: str) -> dict[str, str]:
    options = {"claim": "1", "relation": pick(data, RELATIONS), "other": pick(data, ["2", "4", "6"])}
    options[field] = text
    return options


def evidence_options(text: str, data: Draws, field: str) -> dict[str, str]:
    options = {"claim": "6", "url": f"https://example.com/{data.index}", "note": "shows it"}
    options[field] = text
    return options


# Stories (issue 11): hostile bytes as a story file, hostile text inside a well-formed one (previewed, then
# confirmed when the file is valid), and the story form.


def story_file(text: str, data: Draws) -> bytes:
    others = iter(data.others)
    story = {
        "slug": f"hostile-{data.index % 5}",
        "title": text,
        "publisher": next(others, text),
        "published": "2025-01-01",
    }
    claim = {
        "key": "hostile-claim",
        "speaker": next(others, "Hostile Speaker") or "Hostile Speaker",
        "verbatim": True,
        "statement": text,
        "attribution": "on_record",
        "verdict": "unverified",
        "rationale": next(others, "r") or "r",
    }
    return json.dumps({"story": story, "claims": [claim]}).encode("utf-8", "surrogatepass")


async def import_bytes(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.moderators)
    upload = room.bot.driver.attachment(f"hostile-{data.index}.toml", text.encode("utf-8", "surrogatepass"))
    return [await room.bot.driver.slash(room.bot.guild, member, "mod", {"file": upload}, subcommand="import")]


async def import_story_text(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.moderators)
    upload = room.bot.driver.attachment("hostile.json", story_file(text, data))
    result = await room.bot.driver.slash(room.bot.guild, member, "mod", {"file": upload}, subcommand="import")
    await result.finished(idle=0.05)
    preview = result.messages[-1] if result.messages else None
    confirm = [c for c in preview.custom_ids if c.startswith("claimbot:import:confirm:")] if preview else []
    if not confirm:
        return [result]
    pressed = await room.bot.driver.press(preview, confirm[0], member)  # type: ignore[arg-type]
    # Confirm defers (an update, no "thinking") and edits the preview once the import is applied or refused.
    # Wait for that edit, not for a quiet moment: on a busy machine the import could commit during the next
    # example, and that example's "a refusal changes nothing" would see this one's claims.
    await pressed.wait_until(
        lambda r: bool(r.edits) or r.late or r.callback_type not in (None, DEFERRED_UPDATE), within=10
    )
    return [result, pressed]


async def story_form(room: Room, text: str, data: Draws) -> list[InteractionResult]:
    member = next(room.moderators)
    opened = await room.bot.driver.slash(room.bot.guild, member, "mod", {}, subcommand=("story", "new"))
    await opened.wait_answered()
    return [opened, await submit_hostile(room, opened, text, data)]


TARGETS: dict[str, Act] = {
    "/claim claim": reader_slash("claim", "claim"),
    "/who-said speaker": reader_slash("who-said", "speaker"),
    "/search query": reader_slash("search", "query"),
    "/search speaker": reader_slash("search", "speaker", {"query": "troops"}),
    "/status claim": reader_slash("status", "claim"),
    "Check claims message": check_claims,
    "/mod status claim": mod_slash("status", lambda t, d: status_options(t, d, "claim")),
    "/mod status note": mod_slash("status", lambda t, d: status_options(t, d, "note")),
    "/mod status source": mod_slash("status", lambda t, d: status_options(t, d, "source")),
    "/mod attribution claim": mod_slash("attribution", lambda t, d: attribution_options(t, d, "claim")),
    "/mod attribution note": mod_slash("attribution", lambda t, d: attribution_options(t, d, "note")),
    "/mod attribution source": mod_slash("attribution", lambda t, d: attribution_options(t, d, "source")),
    "/mod edit claim": mod_slash("edit", lambda t, d: {"claim": t, "note": "hostile"}),
    "/mod edit note": mod_slash("edit", lambda t, d: {"claim": "5", "note": t}),
    "/mod edit form": edit_form,
    "/mod add form": add_form,
    "/mod link claim": mod_slash("link", lambda t, d: link_options(t, d, "claim")),
    "/mod link other": mod_slash("link", lambda t, d: link_options(t, d, "other")),
    "/mod link note": mod_slash("link", lambda t, d: link_options(t, d, "note")),
    "/mod evidence claim": mod_slash("evidence", lambda t, d: evidence_options(t, d, "claim")),
    "/mod evidence url": mod_slash("evidence", lambda t, d: evidence_options(t, d, "url")),
    "/mod evidence note": mod_slash("evidence", lambda t, d: evidence_options(t, d, "note")),
    "/mod alias entity": mod_slash("alias", lambda t, d: {"entity": t, "name": f"Alias {d.index}", "note": "n"}),
    "/mod alias name": mod_slash("alias", lambda t, d: {"entity": "North Korea", "name": t, "note": "n"}),
    "/mod alias note": mod_slash("alias", lambda t, d: {"entity": "Iran", "name": f"Tehran {d.index}", "note": t}),
    "/mod aliases entity": mod_slash("aliases", lambda t, d: {"entity": t}),
    "autocomplete /claim claim": autocomplete("claim", "claim"),
    "autocomplete /who-said speaker": autocomplete("who-said", "speaker"),
    "autocomplete /search speaker": autocomplete("search", "speaker", {"query": "troops"}),
    "autocomplete /status claim": autocomplete("status", "claim"),
    "autocomplete /mod status claim": autocomplete("mod", "claim", {"verdict": "false"}, "status"),
    "autocomplete /mod link other": autocomplete("mod", "other", {"claim": "1", "relation": "supports"}, "link"),
    "autocomplete /mod evidence claim": autocomplete("mod", "claim", subcommand="evidence"),
    "/search story": reader_slash("search", "story", {"query": "troops"}),
    "/who-said story": reader_slash("who-said", "story", {"speaker": "Zelensky"}),
    "/status story": reader_slash("status", "story"),
    "autocomplete /search story": autocomplete("search", "story", {"query": "troops"}),
    "autocomplete /claim claim in a story": autocomplete("claim", "claim", {"story": "north-korea-troops-2024-10-17"}),
    "/mod import file": import_bytes,
    "/mod import story text": import_story_text,
    "/mod story new form": story_form,
}

# What a saved change must have stored, by target: the typed text, stripped, where the member reads it back
# (less NUL and lone surrogates, which are no text: bot.domain.rules.as_text).
SAVED_NOTE = {"/mod status note", "/mod attribution note", "/mod link note", "/mod evidence note"}


@pytest.mark.parametrize("examples", TIERS)
@pytest.mark.parametrize("target", list(TARGETS))
def test_hostile_text_is_answered_safely_and_a_refusal_changes_nothing(room: Room, target: str, examples: int) -> None:
    act = TARGETS[target]
    database = room.bot.database

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(text=hostile_text, data=draws)
    def example(text: str, data: Draws) -> None:
        before = room.bot.snapshot()
        results = room.bot.attempt(lambda _bot: act(room, text, data))
        saved = check_unchanged_unless_saved(room, before, results, moderator=target.startswith("/mod"))
        if target.startswith(("/claim", "/who-said", "/search", "/status", "Check", "autocomplete")):
            assert not saved
            assert room.bot.snapshot() == before
        if target.startswith("autocomplete"):
            choices = results[0].choices
            assert len(choices) <= 25
            assert all(1 <= len(c["name"]) <= 100 for c in choices)
        if saved and target in SAVED_NOTE:
            assert as_text(text).strip() in notes(database), f"the saved note is not what was typed: {text!r}"

    example()
