"""Whatever a member types, the text-taking desk calls answer or refuse politely, never with an SQL error.

Hypothesis drives a plain function, so each test owns one event loop (asyncio.Runner) and one desk
opened in it; every example runs on that loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.desk import Desk, SpeakerNotFound
from bot.domain.rules import RuleBroken
from bot.seedfile import load_story
from tests.store.conftest import GUILD_A, SHIPPED_STORY, make_store

# The fixture's desk is shared by the examples on purpose: the calls under test only read.
FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Everything Python can hold in a str, lone surrogates included (a gateway payload can carry "\ud800"),
# mixed with FTS5 and SQL syntax so that the interesting characters turn up often.
SYNTAX = st.sampled_from(
    ['"', "'", "*", "(", ")", "^", ":", "-", "+", "NEAR", "AND", "OR", "NOT", "{", "}", "%", "_", "\\", ";", "--"]
)
WORDS = st.sampled_from(["troops", "Zelensky", "korea", "#2", "7", "g1", "statement", "speaker", "guild"])
ANY_CHAR = st.characters(exclude_categories=())
SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2)
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=80),
    st.lists(st.one_of(SYNTAX, WORDS, SURROGATES, st.text(ANY_CHAR, max_size=4)), max_size=20).map(" ".join),
    st.lists(st.one_of(SYNTAX, WORDS), max_size=20).map("".join),
)


@pytest.fixture
def running(backend: str, store_location: str) -> Iterator[tuple[asyncio.Runner, Desk]]:
    """A desk on either backend, on a loop of its own: Hypothesis calls the test many times over."""
    runner = asyncio.Runner()
    desk = Desk(make_store(backend, store_location), [load_story(SHIPPED_STORY)])
    runner.run(desk.open())
    runner.run(desk.ensure_guild(GUILD_A))
    try:
        yield runner, desk
    finally:
        runner.run(desk.close())
        runner.close()


async def call(desk: Desk, name: str, text: str) -> None:
    """One text-taking call, with the bounds its callers rely on; RuleBroken/SpeakerNotFound are polite."""
    if name == "suggest_claims":
        assert len(await desk.suggest_claims(GUILD_A, text)) <= 25
    elif name == "resolve_claim":
        await desk.resolve_claim(GUILD_A, text)
    elif name == "search":
        try:
            page = await desk.search(GUILD_A, text)
        except RuleBroken:
            return
        assert len(page.items) <= min(5, page.total)
    elif name == "match_text":
        assert len(await desk.match_text(GUILD_A, text)) <= 5
    elif name == "suggest_speakers":
        assert len(await desk.suggest_speakers(GUILD_A, text)) <= 25
    elif name == "find_speaker":
        try:
            speaker = await desk.find_speaker(GUILD_A, text)
        except SpeakerNotFound:
            return
        assert speaker.claim_count >= 1
    else:  # pragma: no cover
        raise AssertionError(name)


@pytest.mark.parametrize(
    "name", ["suggest_claims", "resolve_claim", "search", "match_text", "suggest_speakers", "find_speaker"]
)
@FAST
@given(text=TEXT)
def test_any_text_is_answered_or_refused_politely(running: tuple[asyncio.Runner, Desk], name: str, text: str) -> None:
    runner, desk = running
    runner.run(call(desk, name, text))
