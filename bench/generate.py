"""Deterministic synthetic claims: speakers with name variants, statements of news-like length, verdict
histories and relations, from a seeded random generator, loaded through `bot.store.sqlite.bulk`.

The same (guilds, claims per guild, seed) always gives the same database, so it is built once and kept
under bench/.cache/ (`cached_database`).
"""

from __future__ import annotations

import logging
import random
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from bot.domain import text
from bot.domain.names import normalise_name
from bot.store.sqlite.bulk import BulkLoader

log = logging.getLogger(__name__)

CACHE = Path(__file__).resolve().parent / ".cache"
GUILD_BASE = 900_000_000_000_000_000  # snowflake-sized guild ids: see Shape.guild_ids
CHUNK = 20_000  # claims generated and written per executemany batch

VERDICTS = ("unverified", "investigating", "disputed", "confirmed", "false", "misleading")
VERDICT_WEIGHTS = (40, 15, 10, 15, 12, 8)
ATTRIBUTIONS = ("on_record", "via_outlet", "anonymous_sources", "disputed_quote", "retracted")
ATTRIBUTION_WEIGHTS = (55, 25, 12, 6, 2)
RELATION_KINDS = ("contradicts", "supports", "supersedes", "same_as")
ROLES = (
    "President",
    "Defence Minister",
    "spokesperson",
    "Foreign Minister",
    "intelligence official",
    "military analyst",
    "ambassador to the UN",
    "senior adviser",
    "press secretary",
    "commander",
    "",
)
VENUES = ("press conference", "interview", "statement", "televised address", "social media post", "briefing", "")
COMMON = tuple(
    str.split(
        "the of to and in a that on for is said troops forces will would border military officials government "
        "attack sent soldiers drones missiles city region war country president ministry report reported "
        "according sources people new two thousand against support weapons front line talks peace deal"
    )
)
SYLLABLES = tuple(
    str.split(
        "ka ro mi tse na vo li da re ski ov an el ur ba te go zy lu pa sha ko ri en ya dmi tro ser gei ha "
        "vla lo no ve ni mar ta ber lin ost pol ky iv dar bi sk"
    )
)
FIRST_NAMES = tuple(
    str.split(
        "Volodymyr Olena Sergei Maria Andriy Kim Jong Yoon Antony Rishi Emmanuel Olaf Mark Jens Kaja Petr Anna "
        "Dmytro Oleksandr Rustem Kyrylo Yulia Lloyd Jake Karine Dmitry Maria Vladimir Jean Giorgia Pedro"
    )
)
START = datetime(2024, 1, 1, tzinfo=UTC)


def built_by() -> str:
    """The analyser's version and the store's latest migration: a database built by others would make the
    bot migrate and re-index it as it starts (tens of seconds at 100,000 claims), inside the measurement."""
    migrations = (Path(__file__).resolve().parents[1] / "bot" / "store" / "sqlite" / "migrations").glob("V*__*.sql")
    latest = max(int(path.name[1:].split("__", 1)[0]) for path in migrations)
    return f"v{text.INDEX_VERSION}m{latest}"


@dataclass(frozen=True, slots=True)
class Shape:
    guilds: int
    claims_per_guild: int
    seed: int = 1

    @property
    def key(self) -> str:
        # "-spread": guild ids 2**22 apart (see guild_ids); the first guild's id is the same either way.
        spread = "-spread" if self.guilds > 1 else ""
        return f"g{self.guilds}-c{self.claims_per_guild}-s{self.seed}{spread}-{built_by()}"

    @property
    def total(self) -> int:
        return self.guilds * self.claims_per_guild

    def guild_ids(self) -> list[int]:
        """GUILD_BASE + 1, then 2**22 apart: Discord's shard of a guild is `(id >> 22) % shard_count`, so
        consecutive guilds land on consecutive shards, whatever the shard count."""
        return [GUILD_BASE + 1 + (i << 22) for i in range(self.guilds)]


def iso(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


class Vocabulary:
    """Common news words plus a few thousand made-up ones, drawn with a Zipf-like skew."""

    def __init__(self, rng: random.Random, size: int = 6000) -> None:
        made: set[str] = set()
        while len(made) < size:
            made.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = [*COMMON, *sorted(made)]
        self.cum = list(accumulate(1.0 / (rank + 8) for rank in range(len(self.words))))

    def sentence(self, rng: random.Random, low: int = 8, high: int = 45) -> str:
        words = rng.choices(self.words, cum_weights=self.cum, k=rng.randint(low, high))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def rare_word(self, rng: random.Random) -> str:
        return self.words[rng.randrange(len(COMMON), len(self.words))]


def speaker_names(rng: random.Random, count: int) -> list[list[str]]:
    """`count` speakers, each a canonical name and 0-2 variants, every normalised form unique."""
    seen: set[str] = set()
    speakers: list[list[str]] = []
    while len(speakers) < count:
        surname = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        name = f"{rng.choice(FIRST_NAMES)} {surname}"
        variants = [name, surname, name.replace("y", "iy").replace("i", "y"), f"{name[0]}. {surname}"]
        names = []
        for variant in variants[: 1 + rng.randint(0, 2)] if rng.random() < 0.7 else variants[:1]:
            key = normalise_name(variant)
            if key and key not in seen:
                seen.add(key)
                names.append(variant)
        if names and names[0] == name:
            speakers.append(names)
    return speakers


def build(path: Path, shape: Shape) -> None:
    """Write `shape` into a new database at `path`."""
    rng = random.Random(shape.seed)
    vocab = Vocabulary(rng)
    started = time.perf_counter()
    with BulkLoader(path) as load:
        story_id = load.next_id("stories")
        speaker_id = load.next_id("speakers")
        claim_id = load.next_id("claims")
        for guild_id in shape.guild_ids():
            n = shape.claims_per_guild
            load.guilds([(guild_id, n + 1, None, None, iso(START))])
            load.stories([(story_id, guild_id, "synthetic", "A synthetic story", "Bench Wire", "", "2024-01-01")])
            people = speaker_names(rng, max(5, n // 50))
            ids = list(range(speaker_id, speaker_id + len(people)))
            load.speakers((sid, guild_id, names[0]) for sid, names in zip(ids, people, strict=True))
            load.speaker_names(
                (guild_id, normalise_name(name), sid, name)
                for sid, names in zip(ids, people, strict=True)
                for name in names
            )
            # A few speakers say most things, as in any story.
            weights = list(accumulate(1.0 / (rank + 2) for rank in range(len(ids))))
            for first in range(1, n + 1, CHUNK):
                numbers = range(first, min(n, first + CHUNK - 1) + 1)
                claims, history, evidence, relations = _chunk(
                    rng, vocab, guild_id, story_id, claim_id, numbers, ids, weights
                )
                load.claims(claims)
                load.history(history)
                load.evidence(evidence)
                load.relations(relations)
                claim_id += len(numbers)
            story_id += 1
            speaker_id += len(people)
    log.info("built %s (%d claims) in %.1f s", path.name, shape.total, time.perf_counter() - started)


def _chunk(
    rng: random.Random,
    vocab: Vocabulary,
    guild_id: int,
    story_id: int,
    first_id: int,
    numbers: range,
    speaker_ids: list[int],
    speaker_weights: list[float],
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    claims: list[tuple[object, ...]] = []
    history: list[tuple[object, ...]] = []
    evidence: list[tuple[object, ...]] = []
    relations: list[tuple[object, ...]] = []
    speakers = rng.choices(speaker_ids, cum_weights=speaker_weights, k=len(numbers))
    base_id = first_id - numbers[0]
    for number, speaker in zip(numbers, speakers, strict=True):
        cid = base_id + number
        created = START + timedelta(seconds=number * 30 + rng.randint(0, 29))
        verdict = "unverified"
        changes = 0
        at = created
        history.append((guild_id, cid, "verdict", None, verdict, "Added.", None, 0, "claimbot seed", iso(at)))
        for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2, 3))):
            new = rng.choices(VERDICTS, weights=VERDICT_WEIGHTS)[0]
            if new == verdict:
                continue
            at += timedelta(minutes=rng.randint(1, 600))
            source = f"https://example.org/check/{cid}/{len(history)}" if rng.random() < 0.5 else None
            history.append(
                (
                    guild_id,
                    cid,
                    "verdict",
                    verdict,
                    new,
                    vocab.sentence(rng, 4, 14),
                    source,
                    1000 + rng.randint(0, 20),
                    f"mod{rng.randint(0, 20)}",
                    iso(at),
                )
            )
            verdict = new
            changes += 1
        if rng.random() < 0.2:
            evidence.append((cid, f"https://example.org/source/{cid}", "Where it was said.", iso(created)))
        if number > 10 and rng.random() < 0.05:
            target = rng.randrange(1, number)
            relations.append((guild_id, cid, rng.choice(RELATION_KINDS), base_id + target, "", iso(created)))
        claims.append(
            (
                cid,
                guild_id,
                number,
                vocab.sentence(rng),
                int(rng.random() < 0.6),
                speaker,
                rng.choice(ROLES),
                rng.choice(VENUES),
                iso(created)[:10],
                story_id,
                rng.choices(ATTRIBUTIONS, weights=ATTRIBUTION_WEIGHTS)[0],
                verdict,
                "" if verdict == "unverified" else "Checked against the sources.",
                1 + changes,
                int(verdict != "unverified"),
                iso(created),
                iso(at),
            )
        )
    return claims, history, evidence, relations


def cached_database(shape: Shape, *, cache: Path = CACHE) -> Path:
    """The database for `shape`, built on first use and kept (keyed by size and seed)."""
    path = cache / f"{shape.key}.db"
    if path.exists():
        return path
    partial = cache / f"{shape.key}.partial.db"
    for leftover in cache.glob(f"{shape.key}.partial.db*"):
        leftover.unlink()
    build(partial, shape)
    partial.rename(path)
    return path


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def working_copy(source: Path, target: Path) -> Path:
    """A copy the bot may write to, so the cached database stays as built."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_database(target)
    shutil.copyfile(source, target)
    return target
