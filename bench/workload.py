"""What members do in the benchmark: one interaction maker per command, fed by samples of the data.

The samples (claim numbers, words from statements, speaker names) are read through the store's own
interface before the bot starts, so the benchmark asks for things that exist, as members would.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field

from bench import answers
from bench.answers import Check
from bench.harness import Dispatch, Place
from bot.desk import Desk
from bot.domain.states import Verdict
from bot.settings import Settings
from bot.store import open_store
from localdiscord.driver import Driver
from localdiscord.interactions import InteractionResult
from localdiscord.world import Member, Message

COMMANDS = (
    "/claim",  # one of the 300 sampled claims: a hot set, which the bot's card cache (1,000 cards) holds
    "/claim any",  # any claim of the guild, uniformly: mostly cache misses at 100,000 claims
    "autocomplete",
    "/search",
    "/who-said",
    "/status board",
    "/status timeline",
    "/mod status",
    "Check claims",
)
_WORD = re.compile(r"[a-z]{4,}")


@dataclass
class Samples:
    numbers: list[int]
    statements: list[str]
    speakers: list[str]
    claims: int = 1  # how many the guild has, numbered 1..claims
    # What autocomplete is asked (a word cut short, sometimes after a whole word), and whether the desk
    # found claims for it before the run: an answer with no choices is right only where it found none.
    suggested: dict[str, bool] = field(default_factory=dict)
    words: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.words = sorted({w for s in self.statements for w in _WORD.findall(s.lower())})

    def typing(self, rng: random.Random, count: int) -> list[str]:
        """`count` distinct things someone has typed so far, drawn from the sampled words."""
        found: dict[str, None] = {}
        for _ in range(count * 4):
            word = rng.choice(self.words)
            cut = word[: rng.randint(3, len(word))]
            found[f"{rng.choice(self.words)} {cut}" if rng.random() < 0.3 else cut] = None
            if len(found) == count:
                break
        return list(found)


async def sample(database_url: str, guild_id: int, seed: int, count: int = 300, typed: int = 500) -> Samples:
    """Claims, words and speaker names that exist in `guild_id`, and what autocomplete finds for `typed`
    partial words (the store opened briefly, read only, through the bot's own desk)."""
    rng = random.Random(seed)
    async with Desk(open_store(Settings(database_url=database_url))) as store:
        await store.ensure_guild(guild_id)
        board = await store.board(guild_id)
        total = sum(board.counts.values())
        numbers = [rng.randint(1, max(1, total)) for _ in range(count)]
        statements, speakers = [], set()
        for number in numbers[: count // 3]:
            claim = await store.claim(guild_id, number)
            statements.append(claim.statement)
            speakers.add(claim.speaker.name)
        speakers.update(s.name for s in await store.suggest_speakers(guild_id, "", 25))
        found = Samples(numbers, statements, sorted(speakers), max(1, total))
        # A separate stream, so the numbers and statements drawn above stay what they were.
        for text in found.typing(random.Random(seed + 1), typed):
            found.suggested[text] = bool(await store.suggest_claims(guild_id, text))
    return found


class Workload:
    """`dispatchers()[command](i)` sends the i-th interaction of that command, as a member of the pool."""

    def __init__(self, driver: Driver, place: Place, samples: Samples, seed: int) -> None:
        self.driver = driver
        self.place = place
        self.samples = samples
        self.rng = random.Random(seed)
        # One rotation through the pool for every dispatch of every command: cooldowns are per member.
        self._turns = itertools.count()
        member = place.members[0]
        self.typed = list(samples.suggested)
        self.messages: list[Message] = [
            driver.post_message(place.channel, member, f"Apparently {statement[:300]} Is that true?")
            for statement in samples.statements[:50]
        ]

    def _member(self, i: int) -> Member:
        return self.place.members[next(self._turns) % len(self.place.members)]

    def _number(self) -> str:
        return str(self.rng.choice(self.samples.numbers))

    def _typed(self) -> str:
        """What someone has typed so far, one of those the desk was asked before the run."""
        return self.rng.choice(self.typed)

    def _query(self) -> str:
        statement = self.rng.choice(self.samples.statements)
        words = _WORD.findall(statement.lower()) or ["troops"]
        return " ".join(self.rng.sample(words, min(len(words), self.rng.choice((1, 2, 2, 3)))))

    def dispatchers(self) -> dict[str, Dispatch]:
        d, guild, rng = self.driver, self.place.guild, self.rng
        verdicts = [v.value for v in Verdict]

        async def claim(i: int) -> InteractionResult:
            return await d.slash(guild, self._member(i), "claim", {"claim": self._number()})

        async def claim_any(i: int) -> InteractionResult:
            return await d.slash(guild, self._member(i), "claim", {"claim": str(rng.randint(1, self.samples.claims))})

        async def autocomplete(i: int) -> InteractionResult:
            return await d.autocomplete(guild, self._member(i), "claim", "claim", self._typed())

        async def search(i: int) -> InteractionResult:
            return await d.slash(guild, self._member(i), "search", {"query": self._query()})

        async def who_said(i: int) -> InteractionResult:
            return await d.slash(guild, self._member(i), "who-said", {"speaker": rng.choice(self.samples.speakers)})

        async def board(i: int) -> InteractionResult:
            return await d.slash(guild, self._member(i), "status", {})

        async def timeline(i: int) -> InteractionResult:
            return await d.slash(guild, self._member(i), "status", {"claim": self._number()})

        async def mod_status(i: int) -> InteractionResult:
            options = {"claim": self._number(), "verdict": rng.choice(verdicts), "note": f"Bench change {i}."}
            return await d.slash(guild, self._member(i), "mod", options, subcommand="status")

        async def check(i: int) -> InteractionResult:
            return await d.message_command(guild, self._member(i), "Check claims", rng.choice(self.messages))

        makers = (claim, claim_any, autocomplete, search, who_said, board, timeline, mod_status, check)
        return dict(zip(COMMANDS, makers, strict=True))

    def checks(self) -> dict[str, Check]:
        """What each command's answer must show (bench/answers.py)."""
        return answers.claimbot_checks(self.samples.suggested)


def spread(workloads: list[Workload]) -> dict[str, Dispatch]:
    """One dispatcher per command that takes turns between the workloads' guilds: the i-th interaction
    goes to guild i mod n, so guilds on different shards (and processes) get the same share."""
    each = [workload.dispatchers() for workload in workloads]

    def turns(name: str) -> Dispatch:
        async def dispatch(i: int) -> InteractionResult:
            return await each[i % len(each)][name](i // len(each))

        return dispatch

    return {name: turns(name) for name in COMMANDS}


def spread_checks(workloads: list[Workload]) -> dict[str, Check]:
    """The checks for `spread`'s load: each answer checked against what its own guild was asked."""
    return answers.by_guild({workload.place.guild.id: workload.checks() for workload in workloads})
