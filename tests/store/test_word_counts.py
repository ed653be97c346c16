"""The desk remembers which words are common in a guild (WordCounts), on both stores: it stops counting
them, says the same counts as the store would, and keeps each guild's words to that guild."""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk import Desk
from bot.desk.word_counts import WordCounts
from bot.domain import text
from bot.store.base import Reads
from tests.store.conftest import ALICE, GUILD_A, GUILD_B, new_claim


class Recording:
    """The real store's document_counts, with the groups each call sent to it written down."""

    def __init__(self, reads: Reads) -> None:
        self.reads = reads
        self.asked: list[list[tuple[str, ...]]] = []

    async def document_counts(self, guild_id: int, groups: Sequence[Sequence[str]], cap: int) -> tuple[int, list[int]]:
        self.asked.append([tuple(g) for g in groups if g])
        return await self.reads.document_counts(guild_id, groups, cap)


def groups(message: str) -> list[tuple[str, ...]]:
    return text.content_groups(message, text.Aliases())


async def _add(desk: Desk, guild_id: int, *statements: str) -> None:
    await desk.ensure_guild(guild_id)
    for statement in statements:
        await desk.add_claim(guild_id, new_claim(statement), note="", actor=ALICE)


async def test_a_word_in_as_many_claims_as_the_cap_is_not_counted_again_and_keeps_its_count(desk: Desk) -> None:
    await _add(desk, GUILD_A, "Zorblat drones hit the depot", "Zorblat drones seen again", "More zorblat drones")
    words = WordCounts(cap=3)
    recording = Recording(desk.store)
    message = groups("zorblat drones over the depot")
    zorblat = groups("zorblat")[0]
    first = await words.document_counts(recording, GUILD_A, message)  # type: ignore[arg-type]
    second = await words.document_counts(recording, GUILD_A, message)  # type: ignore[arg-type]
    assert first == second == await desk.store.document_counts(GUILD_A, message, 3)
    assert zorblat in recording.asked[0]
    assert zorblat not in recording.asked[1]
    assert groups("depot")[0] in recording.asked[1]  # in fewer claims than the cap: counted every time


async def test_a_word_common_in_one_guild_is_counted_in_another(desk: Desk) -> None:
    await _add(desk, GUILD_A, "Zorblat one", "Zorblat two", "Zorblat three")
    await _add(desk, GUILD_B, "Zorblat in guild B")
    words = WordCounts(cap=3)
    message = groups("zorblat")
    assert (await words.document_counts(desk.store, GUILD_A, message))[1] == [3]
    assert (await words.document_counts(desk.store, GUILD_B, message))[1] == [1]


async def test_a_common_word_is_counted_again_once_its_time_is_up(desk: Desk) -> None:
    await _add(desk, GUILD_A, "Zorblat one", "Zorblat two", "Zorblat three")
    words = WordCounts(cap=3, kept_s=0.0)
    recording = Recording(desk.store)
    message = groups("zorblat")
    for _ in range(2):
        await words.document_counts(recording, GUILD_A, message)  # type: ignore[arg-type]
    assert recording.asked == [message, message]


async def test_the_words_remembered_are_bounded_the_least_recently_used_forgotten_first(desk: Desk) -> None:
    await _add(desk, GUILD_A, *(f"Zorblat quixel wombet {n}" for n in range(2)))
    words = WordCounts(cap=2, size=2)
    recording = Recording(desk.store)
    zorblat, quixel, wombet = (groups(w) for w in ("zorblat", "quixel", "wombet"))
    for message in (zorblat, quixel, zorblat, wombet):  # quixel is the least recently used when wombet comes
        await words.document_counts(recording, GUILD_A, message)  # type: ignore[arg-type]
    recording.asked.clear()
    for message in (wombet, zorblat, quixel):
        await words.document_counts(recording, GUILD_A, message)  # type: ignore[arg-type]
    assert recording.asked == [[], [], quixel]


async def test_search_and_check_claims_answer_the_same_with_the_common_words_remembered(desk: Desk) -> None:
    message = "Did North Korea really send soldiers to fight for Russia?"
    first = [c.number for c in await desk.match_text(GUILD_A, message)]
    search = [h.summary.number for h in (await desk.search(GUILD_A, "north korean troops")).items]
    assert [c.number for c in await desk.match_text(GUILD_A, message)] == first
    assert [h.summary.number for h in (await desk.search(GUILD_A, "north korean troops")).items] == search
