"""Finding the claim a member means: autocomplete, a typed claim value, /search and "Check claims".

The store's index narrows a guild's claims to candidates (every typed word as a prefix, or any of a
message's content words); which of them are shown, in which order, and whether a message is about a
claim at all is decided here, in Python, identically for every backend.
"""

from __future__ import annotations

from bot.desk.errors import SpeakerNotFound
from bot.domain import matching, text
from bot.domain.claims import ClaimSummary, IndexedClaim, Page, SearchHit, Speaker
from bot.domain.names import normalise_name
from bot.domain.rules import RuleBroken, parse_claim_number
from bot.store.base import ID_MAX, Filters, Reads

SEARCH_CAP = 500  # a search counts and pages through at most this many matches
SUGGESTIONS = 25  # Discord shows at most 25 choices
MATCH_POOL = 20
MATCH_SHARE = 0.25  # of a message's content words a claim must share (at least two) to be about it
MATCH_NEAR_BEST = 0.5  # and its score must be at least this share of the best match's
# Matches are ranked while there are at most this many; past it the newest are listed instead. Ranking
# reads each candidate's text, and a common word in a large guild would otherwise read thousands.
RANK_LIMIT = 100
NO_FILTERS = Filters()


def _candidate(claim: IndexedClaim) -> matching.Candidate:
    return matching.Candidate(claim.summary.number, claim.summary.statement, claim.speaker_names, claim.role)


async def _candidates(
    reads: Reads,
    guild_id: int,
    ids: list[int],
    query: list[str],
    *,
    newest: int,
) -> tuple[list[IndexedClaim], bool]:
    """The claims behind `ids` (newest first), ranked best first when there are at most RANK_LIMIT,
    else the `newest` newest; the second value says which. Text is read only for claims that are used."""
    ranked = len(ids) <= RANK_LIMIT
    if not ranked:
        ids = ids[:newest]
    if not ids:
        return [], ranked
    found = await reads.indexed(guild_id, ids)
    if not ranked:
        return found, False
    by_number = {claim.summary.number: claim for claim in found}
    order = matching.rank(query, [_candidate(claim) for claim in found])
    return [by_number[candidate.number] for candidate in order], True


async def suggest_claims(reads: Reads, guild_id: int, typed: str, limit: int = SUGGESTIONS) -> list[ClaimSummary]:
    """Autocomplete: the claim with that number first, then every typed word as a prefix, best first;
    with nothing typed, the recently changed."""
    limit = max(1, min(limit, SUGGESTIONS))
    found: list[ClaimSummary] = []
    number = parse_claim_number(typed)
    if number is not None:
        summary = await reads.claim_summary(guild_id, number)
        if summary is not None:
            found.append(summary)
    words = text.query_terms(typed)
    if not words:
        if not found:
            found.extend(await reads.recent_claims(guild_id, limit))
        return found[:limit]
    ids = await reads.claims_with_prefixes(guild_id, words, NO_FILTERS, RANK_LIMIT + 1)
    candidates, _ranked = await _candidates(reads, guild_id, ids, words, newest=limit)
    seen = {s.number for s in found}
    found.extend(c.summary for c in candidates if c.summary.number not in seen)
    return found[:limit]


async def resolve_claim(reads: Reads, guild_id: int, typed: str) -> ClaimSummary | None:
    """What a submitted claim value means: the number it names, else the best match, else nothing."""
    number = parse_claim_number(typed)
    if number is not None:
        return await reads.claim_summary(guild_id, number)
    if not text.query_terms(typed):
        # No number and no word ("\"", "🧨", "@"): autocomplete offers recent claims for that, but a
        # submitted value must name a claim, or a moderator's stray quote changes the latest claim.
        return None
    best = await suggest_claims(reads, guild_id, typed, limit=1)
    return best[0] if best else None


async def search(
    reads: Reads, guild_id: int, query: str, filters: Filters, *, offset: int = 0, limit: int = 5
) -> Page[SearchHit]:
    """Every word as a prefix ("korea" finds "Korean"); failing that, any of the words."""
    words = text.query_terms(query)
    if not words:
        raise RuleBroken("Type at least one word to search for.")
    offset = max(0, min(offset, SEARCH_CAP))
    limit = max(1, min(limit, 25))
    any_words = text.content_terms(query)
    for ids in (
        await reads.claims_with_prefixes(guild_id, words, filters, SEARCH_CAP),
        await reads.claims_with_terms(guild_id, any_words, filters, SEARCH_CAP) if any_words else [],
    ):
        if ids:
            break
    else:
        return Page((), 0, offset, limit)
    candidates, _ranked = await _candidates(reads, guild_id, ids, words, newest=offset + limit)
    page = candidates[offset : offset + limit]
    hits = tuple(SearchHit(c.summary, matching.snippet(c.summary.statement, words)) for c in page)
    return Page(hits, len(ids), offset, limit)


async def match_text(reads: Reads, guild_id: int, message: str, limit: int = 5) -> list[ClaimSummary]:
    """Claims a message is likely about: any shared content word finds candidates; enough shared
    words, and a score near the best one, confirm them."""
    wanted = text.content_terms(message)
    if not wanted:
        return []
    ids = await reads.claims_with_terms(guild_id, wanted, NO_FILTERS, RANK_LIMIT + 1)
    typed = sorted(wanted)
    candidates, ranked = await _candidates(reads, guild_id, ids, typed, newest=MATCH_POOL)
    if not ranked:  # the newest few of many: rank them all the same
        order = {c.number: i for i, c in enumerate(matching.rank(typed, [_candidate(c) for c in candidates]))}
        candidates = sorted(candidates, key=lambda c: order[c.summary.number])
    wanted_set = set(wanted)
    needed = min(len(wanted_set), max(2, round(len(wanted_set) * MATCH_SHARE)))
    matches: list[ClaimSummary] = []
    best = None
    for claim in candidates[:MATCH_POOL]:
        shared = wanted_set & set(text.content_terms(f"{claim.summary.statement} {claim.speaker_names}"))
        if len(shared) < needed:
            continue
        points = matching.score(typed, _candidate(claim))
        best = best if best is not None else points
        if points >= best * MATCH_NEAR_BEST:
            matches.append(claim.summary)
    return matches[:limit]


async def suggest_speakers(reads: Reads, guild_id: int, typed: str, limit: int = SUGGESTIONS) -> list[Speaker]:
    return await reads.speakers_matching(guild_id, normalise_name(typed), max(1, min(limit, SUGGESTIONS)))


async def speaker_by_id(reads: Reads, guild_id: int, speaker_id: int) -> Speaker:
    # An id from a forged value or custom_id ("id:99999999999999999999") names nobody.
    speaker = await reads.speaker(guild_id, speaker_id) if 0 < speaker_id <= ID_MAX else None
    if speaker is None:
        raise SpeakerNotFound(str(speaker_id))
    return speaker


async def find_speaker(reads: Reads, guild_id: int, name: str) -> Speaker:
    """Any variant, any case, any accents; failing an exact match, the best-known prefix match."""
    key = normalise_name(name)
    speaker_id = await reads.speaker_id_by_name(guild_id, key) if key else None
    if speaker_id is None:
        suggestions = await suggest_speakers(reads, guild_id, name, limit=1) if key else []
        if not suggestions:
            raise SpeakerNotFound(name)
        speaker_id = suggestions[0].id
    return await speaker_by_id(reads, guild_id, speaker_id)
