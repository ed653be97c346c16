"""`python -m bench.matching`: the labelled set's scores, then latency at 100,000 claims. See __init__."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench import generate
from bench.matching import Labelled, evaluate, load, time_calls
from bot.desk import Desk
from bot.domain import matching, text
from bot.seedfile import SeedStory, load_stories
from bot.store.sqlite import SqliteStore

GUILD = 844444444444444444
BIG_GUILD = generate.GUILD_BASE + 1


async def seeded_keys(desk: Desk, guild_id: int, story: SeedStory) -> dict[str, int]:
    return {key: row.number for key, row in (await desk.store.seeded_claims(guild_id, story.story.slug)).items()}


async def quality(labelled: Labelled, story: SeedStory, verbose: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="claimbot-matching-") as scratch:
        async with Desk(SqliteStore(Path(scratch) / "claims.db"), [story]) as desk:
            await desk.ensure_guild(GUILD)
            scores = await evaluate(desk, GUILD, await seeded_keys(desk, GUILD, story), labelled)
    print(f"the shipped story alone ({len(story.claims)} claims):")
    print(f"  {scores.line()}")
    if verbose:
        for miss in scores.misses:
            print(f"    {miss}")


def big_store(size: int) -> Path:
    """The benchmark's synthetic store of `size` claims, its index built by this analyser, kept in
    bench/.cache/ (the first run of a new INDEX_VERSION rebuilds the index once, and says how long)."""
    source = generate.cached_database(generate.Shape(1, size, 1))
    path = generate.CACHE / f"matching-c{size}-{generate.built_by()}.db"
    if not path.exists():
        shutil.copyfile(source, generate.CACHE / "matching.partial.db")
        (generate.CACHE / "matching.partial.db").rename(path)
    return path


async def at_scale(labelled: Labelled, story: SeedStory, size: int, rounds: int, verbose: bool) -> None:
    path = big_store(size)
    started = time.perf_counter()
    async with Desk(SqliteStore(path), [story]) as desk:
        opened = time.perf_counter() - started
        await desk.apply_seed(story, [BIG_GUILD])  # the story's claims among the synthetic ones
        keys = await seeded_keys(desk, BIG_GUILD, story)
        scores = await evaluate(desk, BIG_GUILD, keys, labelled)
        await time_calls(desk, BIG_GUILD, labelled, 1)  # warm the caches
        check, search = await time_calls(desk, BIG_GUILD, labelled, rounds)
    print(f"the story among {size:,} synthetic claims in one guild (store opened in {opened:.1f} s):")
    print(f"  {scores.line()}")
    if verbose:
        for miss in scores.misses:
            print(f"    {miss}")
    print(f"  Check claims  {check.line()}")
    print(f"  /search       {search.line()}")


# Steps of bench/matching's "before and after" (BENCHMARKS.md), each turned off by patching the bot's own
# functions in this process only: what the analyser alone gives, then with every field, with the
# aliases and the thesaurus, with the ranking (idf and the named speaker), and with polarity (a message
# that denies prefers denials, one that asserts the claims asserting it).
STEPS = ("fields", "aliases", "ranking", "polarity")


@contextlib.contextmanager
def without(steps: Sequence[str]) -> Iterator[None]:
    patches: list[tuple[object, str, object]] = []

    def patch(owner: object, name: str, value: object) -> None:
        patches.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    if "fields" in steps:  # the statement, the speaker's names and the role only, as before
        core = ("speaker", "statement", "role")
        original = text.ClaimText.fields
        patch(text.ClaimText, "fields", lambda self: tuple((n, v) for n, v in original(self) if n in core))
    if "aliases" in steps:  # no entity names, no thesaurus
        patch(text, "aliases", lambda _names: text.Aliases())
    if "ranking" in steps:  # every word weighs the same, the speaker adds nothing
        patch(matching, "weights", lambda groups, _claims, _counts: [1.0] * len(groups))
        patch(matching, "SPEAKER_BONUS", 0.0)
    if "polarity" in steps:  # every message and query neither asserts nor denies
        patch(text, "negated", lambda _text: None)
    caches = (matching.decode_profile, matching.encode_profile, text.index_terms)  # kept by claim text
    for cache in caches:
        cache.cache_clear()
    try:
        yield
    finally:
        for owner, name, value in reversed(patches):
            setattr(owner, name, value)
        for cache in caches:
            cache.cache_clear()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    p.add_argument("--size", type=int, default=100_000, help="claims in the guild for latency (0 skips it)")
    p.add_argument("--rounds", type=int, default=5, help="times each message and query is timed")
    p.add_argument("--quick", action="store_true", help="quality only")
    p.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    p.add_argument("--steps", action="store_true", help="also score each step of the work turned off (quality only)")
    a = p.parse_args(sys.argv[1:] if argv is None else argv)
    labelled = load()
    story = next(s for s in load_stories() if s.story.slug == "north-korea-troops-2024-10-17")
    print(
        f"labelled set: {len(labelled.positives)} messages, {len(labelled.negatives)} negatives "
        f"({sum(m.hard for m in labelled.negatives)} hard), {len(labelled.queries)} queries; "
        f"analyser version {text.INDEX_VERSION}"
    )
    if a.steps:
        for n in range(len(STEPS) + 1):
            off = STEPS[n:]
            print(f"[with {', '.join(('analyser', *STEPS[:n]))}; without {', '.join(off) or 'nothing'}]")
            with without(off):
                asyncio.run(quality(labelled, story, a.verbose))
        return 0
    asyncio.run(quality(labelled, story, a.verbose))
    if a.size and not a.quick:
        asyncio.run(at_scale(labelled, story, a.size, a.rounds, a.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
