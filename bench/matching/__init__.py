"""How well claimbot finds the claim a member means: a labelled set written from the shipped story's
article (labelled.toml) and the numbers it gives, for "Check claims" and /search.

    python -m bench.matching            # make bench-matching: quality, then latency at 100,000 claims
    python -m bench.matching --quick    # quality only, a few seconds

Results are in BENCHMARKS.md, "Finding claims".
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.desk import Desk

LABELLED = Path(__file__).resolve().parent / "labelled.toml"
PAGE = 5  # a /search page


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    claims: tuple[str, ...]  # seed keys; empty: a negative
    hard: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    claims: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Labelled:
    messages: tuple[Message, ...]
    queries: tuple[Query, ...]

    @property
    def positives(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.claims)

    @property
    def negatives(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if not m.claims)


def load(path: Path = LABELLED) -> Labelled:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Labelled(
        tuple(Message(m["text"], tuple(m["claims"]), bool(m.get("hard", False))) for m in data["message"]),
        tuple(Query(q["text"], tuple(q["claims"])) for q in data["query"]),
    )


@dataclass
class Scores:
    """Check claims: recall@1 and @3 over positives, share of negatives answered with nothing;
    /search: share of the required claims found on the first page. Misses are kept for reading."""

    r1: float = 0.0
    r3: float = 0.0
    negatives_clean: float = 0.0
    hard_negatives_clean: float = 0.0
    search_r5: float = 0.0
    queries_complete: float = 0.0
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"Check claims r@1 {self.r1:.3f}  r@3 {self.r3:.3f}  negatives clean {self.negatives_clean:.3f} "
            f"(hard {self.hard_negatives_clean:.3f})   search r@5 {self.search_r5:.3f} "
            f"(queries complete {self.queries_complete:.3f})"
        )


async def evaluate(desk: Desk, guild_id: int, keys: dict[str, int], labelled: Labelled) -> Scores:
    """Score the desk on one guild, given the claim number of each seed key there."""
    scores = Scores()
    hits1 = hits3 = 0
    for message in labelled.positives:
        wanted = {keys[k] for k in message.claims}
        found = [c.number for c in await desk.match_text(guild_id, message.text)]
        hits1 += bool(found[:1] and found[0] in wanted)
        hits3 += bool(wanted & set(found[:3]))
        if not found[:1] or found[0] not in wanted:
            scores.misses.append(f"check  {message.text!r}: wanted {sorted(wanted)}, got {found}")
    clean = hard = hard_clean = 0
    for message in labelled.negatives:
        found = [c.number for c in await desk.match_text(guild_id, message.text)]
        clean += not found
        hard += message.hard
        hard_clean += message.hard and not found
        if found:
            scores.misses.append(f"negative  {message.text!r}: got {found}")
    required = on_page = complete = 0
    for query in labelled.queries:
        wanted = {keys[k] for k in query.claims}
        page = await desk.search(guild_id, query.text, limit=PAGE)
        shown = {hit.summary.number for hit in page.items}
        required += len(wanted)
        on_page += len(wanted & shown)
        complete += wanted <= shown
        if not wanted <= shown:
            scores.misses.append(f"search  {query.text!r}: missing {sorted(wanted - shown)}, got {sorted(shown)}")
    scores.r1 = hits1 / len(labelled.positives)
    scores.r3 = hits3 / len(labelled.positives)
    scores.negatives_clean = clean / len(labelled.negatives)
    scores.hard_negatives_clean = hard_clean / max(1, hard)
    scores.search_r5 = on_page / max(1, required)
    scores.queries_complete = complete / len(labelled.queries)
    return scores


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p99_ms: float
    calls: int

    def line(self) -> str:
        return f"p50 {self.p50_ms:6.2f} ms  p99 {self.p99_ms:6.2f} ms  ({self.calls} calls)"


def latency(samples: Sequence[float]) -> Latency:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Latency(round(statistics.median(ordered) * 1000, 2), round(p99 * 1000, 2), len(ordered))


async def time_calls(desk: Desk, guild_id: int, labelled: Labelled, rounds: int) -> tuple[Latency, Latency]:
    """Check claims on every message and the first page of every query, `rounds` times, one at a time."""
    check: list[float] = []
    search: list[float] = []
    for _ in range(rounds):
        for message in labelled.messages:
            started = time.perf_counter()
            await desk.match_text(guild_id, message.text)
            check.append(time.perf_counter() - started)
        for query in labelled.queries:
            started = time.perf_counter()
            await desk.search(guild_id, query.text, limit=PAGE)
            search.append(time.perf_counter() - started)
    return latency(check), latency(search)
