"""How well a claim matches the words someone typed, and which of its words to highlight.

The store narrows the claims to a few hundred candidates with its index; ranking and highlighting
those few is plain Python, the same for any backend. Ranking in SQLite's bm25 instead would make it
read every claim of a large guild to weigh the guild's own filter term, which is what we avoid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.claims import MATCH_END, MATCH_START
from bot.domain.text import WORD, fold, words

SNIPPET_WORDS = 32

# Where a word is found says how much it tells: the speaker's name most, the role least.
SPEAKER_WEIGHT = 2.0
STATEMENT_WEIGHT = 1.0
ROLE_WEIGHT = 0.5
WHOLE_WORD_BONUS = 0.5  # "troops" typed in full beats "troo" as a prefix of "troopship"


def _column_score(query: Sequence[str], text: str) -> tuple[float, set[str]]:
    score = 0.0
    hit: set[str] = set()
    for word in words(text):
        for term in query:
            if word.startswith(term):
                score += 1.0 + (WHOLE_WORD_BONUS if word == term else 0.0)
                hit.add(term)
    return score, hit


@dataclass(frozen=True, slots=True)
class Candidate:
    number: int
    statement: str
    speaker: str  # every name variant, space-separated
    role: str


def score(query: Sequence[str], candidate: Candidate) -> float:
    """More of the typed words, more often, in the weightier places; every word found counts double."""
    total = 0.0
    found: set[str] = set()
    for weight, text in (
        (STATEMENT_WEIGHT, candidate.statement),
        (SPEAKER_WEIGHT, candidate.speaker),
        (ROLE_WEIGHT, candidate.role),
    ):
        column, hit = _column_score(query, text)
        total += weight * column
        found |= hit
    return total + 2.0 * len(found)


def rank(query: Sequence[str], candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best first; ties go to the older claim, whose number a reader is likelier to know."""
    return sorted(candidates, key=lambda c: (-score(query, c), c.number))


def _words(statement: str, query: Sequence[str]) -> list[tuple[int, int, bool]]:
    """Every word of the statement as (start, end, whether it matches a typed word)."""
    if statement.isascii() and query:
        # One regex pass instead of folding each word: most statements are plain ASCII.
        wanted = re.compile("|".join(re.escape(t) for t in query), re.IGNORECASE)
        return [(m.start(), m.end(), wanted.match(m.group()) is not None) for m in WORD.finditer(statement)]
    return [(m.start(), m.end(), any(fold(m.group()).startswith(t) for t in query)) for m in WORD.finditer(statement)]


def snippet(statement: str, query: Sequence[str], words: int = SNIPPET_WORDS) -> str:
    """Up to `words` words around the first match, matches between MATCH_START and MATCH_END."""
    spans = _words(statement, query)
    if not spans:
        return statement
    first = next((i for i, span in enumerate(spans) if span[2]), 0)
    start = max(0, min(first - words // 4, len(spans) - words))
    end = min(len(spans), start + words)
    begin = 0 if start == 0 else spans[start][0]
    finish = len(statement) if end == len(spans) else spans[end - 1][1]
    out: list[str] = ["…" if begin else ""]
    cursor = begin
    for s, e, matched in spans[start:end]:
        if matched:
            out += [statement[cursor:s], MATCH_START, statement[s:e], MATCH_END]
            cursor = e
    out.append(statement[cursor:finish])
    if finish < len(statement):
        out.append("…")
    return "".join(out)
