"""How well a claim matches what someone typed, and which of its words to highlight.

The store narrows the claims to a few hundred candidates with its index; ranking and highlighting
those few is plain Python over the analyser's terms (bot.domain.text), the same for any backend.

A claim's score is the sum, over the typed words (groups: a word, or a name with the entity it
stands for), of the word's weight in the guild (an idf: rare words say more than common ones) times
where the claim has it (FIELD_WEIGHTS: the statement and the speaker fully, the desk's own notes a
little); naming the speaker adds up to half a word, so it prefers their claims (the one named first
most). Its coverage is the share of the typed words' weight it holds: what "Check claims" uses to
decide whether a message is about a claim at all.

Polarity only orders: of claims with the same words, the one that asserts what a message asserts ("has
sent") comes before the one denying it ("has not sent"), and the other way round for a message that
denies (bot.domain.text.negated); a message contradicting a claim does not earn it the speaker's bonus
("North Korea has sent shells" names North Korea as who sent them, not as who denied it). Which claims
are listed is decided without it, so a member asking about an accusation still sees its denial.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.claims import MATCH_END, MATCH_START
from bot.domain.text import (
    NO_ALIASES,
    Aliases,
    ClaimText,
    Group,
    Token,
    field_surfaces,
    field_terms,
    field_words,
    negated,
    tokens,
)

SNIPPET_WORDS = 32

# Where a word is found says how much it tells. The rationale and evidence notes are the desk's words
# about a claim: they find it ("denies", "treaty"), but less than what was said.
FIELD_WEIGHTS = {
    "speaker": 1.0,
    "statement": 1.0,
    "role": 0.6,
    "venue": 0.6,
    "when": 0.6,
    "rationale": 0.45,
    "notes": 0.3,
}
SPEAKER_BONUS = 0.5  # naming the speaker adds this share of the mean typed word's weight
ALIAS_MATCH = 0.9  # "soldiers" for "troops", "Pyongyang" for "DPRK": a match, a little weaker than the word
PREFIX_MATCH = 0.8  # "troo" begins "troops": a match, weaker than the whole word
# A claim that asserts (or denies) as the message does gains this share of the mean typed word's weight:
# more than naming the speaker, less than a whole word. Only the order: see Match.order.
POLARITY_BONUS = 0.75


@dataclass(frozen=True, slots=True)
class Candidate:
    number: int
    profile: str  # encode_profile's, as the index stores it


@dataclass(frozen=True, slots=True)
class Match:
    """How a candidate matched: its score, its coverage of the typed words' weight, the words it has."""

    number: int
    score: float  # how well its words match what was typed, the speaker's name included
    order: float  # the score the ranking sorts by: polarity moves a claim up or down, never out
    coverage: float
    matched: int  # typed groups found anywhere in the claim
    in_statement: int  # of them, found in its statement
    in_core: int  # of them, found in its statement or its speaker's names (not only in the desk's notes)


def idf(claims: int, count: int) -> float:
    """A group's weight in a guild of `claims` claims, `count` of which have it. A word no claim has
    weighs as much as the rarest word that some claim has (it says the message is about something else,
    but no more than the rarest known word says it is about a claim)."""
    count = max(1, min(count, claims))
    return math.log(1.0 + (claims - count + 0.5) / (count + 0.5))


def weights(groups: Sequence[Group], claims: int, counts: Sequence[int]) -> list[float]:
    return [idf(claims, count) for count in counts] if claims else [1.0] * len(groups)


@dataclass(frozen=True, slots=True)
class _Profile:
    """A claim's fields as the ranking reads them: a stored profile split, each form's number read only
    when a typed word needs it (a message's few words against a claim's forty-odd forms). The forms are
    sorted, so one bisection finds a term and every form it begins: no dictionary is built (building
    one was half of ranking a candidate)."""

    written: list[str]  # the forms, sorted
    marks: list[str]  # their numbers (encode_profile), in that order
    negated: bool  # its statement denies ("has not sent") rather than asserts (text.negated)

    def exact(self, term: str) -> tuple[float, float, bool] | None:
        """(best score, best coverage, in the speaker's names) of a term the claim has, else None."""
        at = bisect.bisect_left(self.written, term)
        if at < len(self.written) and self.written[at] == term:
            return _meaning(self.marks[at])[0]
        return None


# A claim's ranking profile as the index stores it beside its terms (PROFILE_FORMAT): each term and
# written form of the claim, sorted, with a number saying in which fields it is a word's own term, an
# entity an alias finds there, or a word's written form. Ranking then reads the profile instead of
# analysing each candidate's text again (~0.5 ms a claim, most of a search's cost in a large guild);
# the weights are applied when it is read, so changing FIELD_WEIGHTS needs no re-index.
FIELDS = tuple(FIELD_WEIGHTS)  # bit i of a field mask: FIELDS[i], in ClaimText.fields() order
NEGATED_MARK = "! 1"  # leads the profile of a claim whose statement denies
_SPEAKER = 1 << FIELDS.index("speaker")
_STATEMENT = 1 << FIELDS.index("statement")
_MASKS = 1 << len(FIELDS)
_OWN, _NAMED, _WRITTEN = 1, _MASKS, _MASKS * _MASKS  # a form's number: own + named * _NAMED + written * _WRITTEN
# The best field weight of each set of fields.
_BEST = tuple(
    max((FIELD_WEIGHTS[f] for i, f in enumerate(FIELDS) if mask >> i & 1), default=0.0) for mask in range(_MASKS)
)


@lru_cache(maxsize=256)  # as text.index_terms: the same seeded claims in every new guild
def encode_profile(text: ClaimText, aliases: Aliases = NO_ALIASES) -> str:
    """What the index stores for a claim: made with the same analysis (and aliases) as its terms, and
    rewritten whenever they are. Terms and forms are letters and digits, so spaces can separate them."""
    masks: dict[str, int] = {}
    for name, value in text.fields():
        if not value:
            continue
        bit = 1 << FIELDS.index(name)
        words = field_words(value)
        for term in field_terms(value, aliases):
            masks[term] = masks.get(term, 0) | (bit * _OWN if term in words else bit * _NAMED)
        for form in field_surfaces(value):
            masks[form] = masks.get(form, 0) | bit * _WRITTEN
    # Whether the statement denies, first, as a form no term can be (terms are letters and digits).
    polarity = (NEGATED_MARK,) if negated(text.statement) else ()
    return " ".join((*polarity, *(f"{form} {masks[form]}" for form in sorted(masks))))


@lru_cache(maxsize=4_096)
def _meaning(number: str) -> tuple[tuple[float, float, bool] | None, tuple[float, bool], bool]:
    """What a form's number says: its exact match (score, coverage, the speaker's) if it is a term, its
    best field as a written form, and whether the statement has it. A claim has a few distinct numbers."""
    mask = int(number)
    own, named, surface = mask % _MASKS, mask // _NAMED % _MASKS, mask // _WRITTEN
    term = own | named
    exact = (max(_BEST[own], _BEST[named] * ALIAS_MATCH), _BEST[term], bool(term & _SPEAKER)) if term else None
    return exact, (_BEST[term | surface], bool((term | surface) & _SPEAKER)), bool(term & _STATEMENT)


# The profiles of the claims ranked lately: a claim ranked again (autocomplete's every keystroke) is
# not split again. Small: splitting is a few µs, and each profile holds ~6 KB (1,024 of them held 6 MB,
# for a hit rate of 46 % over the benchmark's searches; a keystroke's candidates are at most RANK_LIMIT).
@lru_cache(maxsize=128)
def decode_profile(stored: str) -> _Profile:
    denies = stored.startswith(NEGATED_MARK)
    if denies:
        stored = stored[len(NEGATED_MARK) + 1 :]
    parts = stored.split(" ") if stored else []
    return _Profile(parts[0::2], parts[1::2], denies)


def _group_match(group: Group, profile: _Profile, prefix: bool) -> tuple[float, float, bool, bool]:
    """(score, coverage, names the speaker, in the statement) of one typed group in one claim: its best
    field; whether the statement has one of its terms (or the entity it names) as a term."""
    written, marks = profile.written, profile.marks
    end = len(written)
    best = held = 0.0
    named = said = False
    for term in group:
        at = bisect.bisect_left(written, term)
        if at < end and written[at] == term:
            exact, _form, in_statement = _meaning(marks[at])
            said = said or in_statement
            if exact is not None:
                best, held, named = max(best, exact[0]), max(held, exact[1]), named or exact[2]
        if not prefix:
            continue
        while at < end and written[at].startswith(term):
            weight, speaker = _meaning(marks[at])[1]
            best, held = max(best, weight * PREFIX_MATCH), max(held, weight * PREFIX_MATCH)
            named = named or speaker
            at += 1
    return best, held, named, said


def match(
    groups: Sequence[Group],
    group_weights: Sequence[float],
    candidate: Candidate,
    *,
    prefix: bool = False,
    denies: bool | None = None,
) -> Match:
    """`denies`: whether what was typed denies (True) or asserts (False) what it speaks of; None when it
    does neither (a search for "shells" asserts nothing)."""
    profile = decode_profile(candidate.profile)
    score = covered = 0.0
    matched = in_statement = in_core = 0
    first_named: int | None = None
    for position, (group, weight) in enumerate(zip(groups, group_weights, strict=True)):
        best, held, named, said = _group_match(group, profile, prefix)
        if not best:
            continue
        matched += 1
        in_statement += said
        in_core += said or named
        covered += weight * held
        score += weight * best
        if named and first_named is None:
            first_named = position
    total = sum(group_weights)
    mean = total / len(groups) if groups else 0.0
    speaker = 0.0
    if first_named is not None:
        # Naming the speaker says "their claims" however often the guild names them, so the bonus is a
        # share of the mean word's weight, not of the name's own; the speaker named first is likelier
        # the one who said it ("Pyongyang denied sending shells to Moscow" is Pyongyang's denial), so
        # it falls to half over the length of what was typed.
        speaker = SPEAKER_BONUS * mean * (1.0 - first_named / (2 * len(groups)))
    score += speaker
    order = score
    if denies is not None and matched:
        if denies == profile.negated:
            # Of two claims with the same words, the one that says what the message says ("has sent" for
            # "has sent", "has not sent" for "never sent") comes first.
            order += POLARITY_BONUS * mean
        else:
            # A message saying the opposite of a claim names its speaker as the subject, not as who said
            # it: "North Korea has sent shells to Russia" is not North Korea's denial.
            order -= speaker
    return Match(candidate.number, score, order, covered / total if total else 0.0, matched, in_statement, in_core)


def rank(
    groups: Sequence[Group],
    candidates: Sequence[Candidate],
    group_weights: Sequence[float] | None = None,
    *,
    prefix: bool = False,
    denies: bool | None = None,
) -> list[Match]:
    """Best first (by `Match.order`); ties go to the claim whose statement holds more of the words, then
    to the older claim, whose number a reader is likelier to know."""
    group_weights = group_weights if group_weights is not None else [1.0] * len(groups)
    found = [match(groups, group_weights, c, prefix=prefix, denies=denies) for c in candidates]
    return sorted(found, key=lambda m: (-round(m.order, 9), -m.in_statement, m.number))


# --------------------------------------------------------------------------------- highlighting


# The words of the statements shown lately: the claims a server asks about most come up in one search
# after another, and reading a statement's words is half of its snippet's cost (40 -> 16 µs a snippet
# when kept). ~2.5 KB a statement.
@lru_cache(maxsize=256)
def _statement_tokens(statement: str) -> tuple[Token, ...]:
    return tuple(tokens(statement))


def _marked(statement: str, groups: Sequence[Group], aliases: Aliases, prefix: bool) -> list[tuple[int, int, bool]]:
    """Every word of the statement as (start, end, whether it matches a typed word or name)."""
    wanted = {term for group in groups for term in group}
    starts = tuple(wanted) if prefix else ()  # str.startswith takes them all at once
    found = _statement_tokens(statement)
    content = [t for t in found if t.term]
    named = {i for start, end, term in aliases.spans(found, nested=True) if term in wanted for i in range(start, end)}
    marked_at = {(content[i].start, content[i].end) for i in named}
    spans: list[tuple[int, int, bool]] = []
    last_start = last_end = -1
    for start, end, term, surface in found:  # ~30 words a statement, five statements a page: kept lean
        hit = bool(term) and (term in wanted or (prefix and (term.startswith(starts) or surface.startswith(starts))))
        if not hit and marked_at:
            hit = (start, end) in marked_at
        if start == last_start and end == last_end:  # a date is several terms of one span
            spans[-1] = (start, end, spans[-1][2] or hit)
        else:
            spans.append((start, end, hit))
            last_start, last_end = start, end
    return spans


def snippet(
    statement: str,
    groups: Sequence[Group],
    words: int = SNIPPET_WORDS,
    *,
    prefix: bool = True,
    aliases: Aliases = NO_ALIASES,
) -> str:
    """Up to `words` words around the first match, matches between MATCH_START and MATCH_END. A word is
    a match when the analyser makes it a typed word's term ("denies" for "deny"), when it begins one
    (as typed, `prefix`), or when it is part of a name the member used another name for ("North Korea"
    for "DPRK")."""
    spans = _marked(statement, groups, aliases, prefix)
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
