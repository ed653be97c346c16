"""Would a sentence-embedding re-ranker help? `python -m bench.matching.rerank`, with wordllama installed
(`pip install wordllama`: static embeddings, weights in the wheel; not a claimbot dependency).

The re-ranker reorders what the desk already answers: "Check claims"' claims (up to 5) and the first 25
results of /search, by alpha x the desk's own order + (1 - alpha) x the cosine similarity of the
message and the claim (its statement and speaker). Nothing is downloaded: the wheel's own weights and
tokenizer are loaded from its folder (its loader would fetch the tokenizer from a model hub), and any
network connection is refused while it runs.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.matching import PAGE, Labelled, load
from bench.matching.__main__ import GUILD, seeded_keys
from bot.desk import Desk
from bot.domain.claims import ClaimSummary
from bot.seedfile import load_stories
from bot.store.sqlite import SqliteStore

ALPHAS = (1.0, 0.8, 0.6, 0.4, 0.2)


def _refuse_network(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("the re-ranker must not reach the network")


def load_model() -> Any:
    import wordllama  # type: ignore[import-not-found]
    from safetensors import safe_open  # type: ignore[import-not-found]
    from wordllama.inference import WordLlamaInference  # type: ignore[import-not-found]
    from wordllama.wordllama import WordLlama  # type: ignore[import-not-found]

    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer, binary=False)


def reorder(model: Any, message: str, claims: Sequence[ClaimSummary], alpha: float) -> list[int]:
    if alpha >= 1.0 or len(claims) < 2:
        return [c.number for c in claims]
    texts = [f"{c.speaker_name}: {c.statement}" for c in claims]
    similarity = (
        [float(s) for s in model.similarity_batch(message, texts)]
        if hasattr(model, "similarity_batch")
        else [float(model.similarity(message, t)) for t in texts]
    )
    n = len(claims)
    scored = [(alpha * (1 - i / n) + (1 - alpha) * similarity[i], -i, c.number) for i, c in enumerate(claims)]
    return [number for *_key, number in sorted(scored, reverse=True)]


async def scores(model: Any, desk: Desk, keys: dict[str, int], labelled: Labelled, alpha: float) -> tuple[float, ...]:
    hits1 = hits3 = 0
    spent: list[float] = []
    for message in labelled.positives:
        wanted = {keys[k] for k in message.claims}
        found = await desk.match_text(GUILD, message.text)
        started = time.perf_counter()
        order = reorder(model, message.text, found, alpha)
        spent.append(time.perf_counter() - started)
        hits1 += bool(order[:1] and order[0] in wanted)
        hits3 += bool(wanted & set(order[:3]))
    required = on_page = 0
    for query in labelled.queries:
        wanted = {keys[k] for k in query.claims}
        page = await desk.search(GUILD, query.text, limit=25)
        order = reorder(model, query.text, [hit.summary for hit in page.items], alpha)
        required += len(wanted)
        on_page += len(wanted & set(order[:PAGE]))
    n = len(labelled.positives)
    spent.sort()
    return hits1 / n, hits3 / n, on_page / required, spent[len(spent) // 2] * 1000, spent[-1] * 1000


async def run() -> None:
    socket.socket.connect = _refuse_network  # type: ignore[method-assign]
    started = time.perf_counter()
    model = load_model()
    logging.getLogger().setLevel(logging.WARNING)  # wordllama turns the root logger up to INFO
    print(
        f"wordllama loaded in {time.perf_counter() - started:.2f} s; "
        f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    labelled = load()
    story = next(s for s in load_stories() if s.story.slug == "north-korea-troops-2024-10-17")
    with tempfile.TemporaryDirectory(prefix="claimbot-rerank-") as scratch:
        async with Desk(SqliteStore(Path(scratch) / "claims.db"), [story]) as desk:
            await desk.ensure_guild(GUILD)
            keys = await seeded_keys(desk, GUILD, story)
            for alpha in ALPHAS:
                r1, r3, r5, p50, worst = await scores(model, desk, keys, labelled, alpha)
                label = "the desk's order alone" if alpha >= 1.0 else f"alpha {alpha:.1f}"
                print(
                    f"  {label:24} Check claims r@1 {r1:.3f}  r@3 {r3:.3f}   search r@5 {r5:.3f}   "
                    f"re-rank p50 {p50:.2f} ms, max {worst:.2f} ms"
                )


if __name__ == "__main__":
    asyncio.run(run())
