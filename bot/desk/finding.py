"""Finding the claim a member means: autocomplete, a typed claim value, /search and "Check claims".

Everything runs through the one analyser (bot.domain.text) with the guild's aliases: the store's index
narrows a guild's claims to candidates (every typed word as a prefix; or, for a message, the claims
holding its rarer words), and which of them are shown, in which order, and whether a message is about
a claim at all is decided here and in bot.domain.matching, identically for every backend.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk.errors import SpeakerNotFound
from bot.desk.word_counts import WordCounts
from bot.domain import matching, text
from bot.domain.claims import Alias, ClaimSummary, IndexedClaim, Page, SearchHit, Speaker
from bot.domain.names import normalise_name
from bot.domain.rules import RuleBroken, parse_claim_number
from bot.domain.text import Aliases, Group
from bot.store.base import ID_MAX, Filters, Reads

SUGGESTIONS = 25  # Discord shows at most 25 choices
SEARCH_FILL = 5  # a search whose every word is in fewer claims than this also lists claims with some of them
# Matches are ranked while there are at most this many; past it the newest are listed instead. Ranking
# reads each candidate's text, and a common word in a large guild would otherwise read thousands.
RANK_LIMIT = 100
# A search counts and pages through at most this many matches, and past them says "100+": twenty pages
# of five are more than anyone reads, where one word or filter more finds the claim. Counting further
# cost the index walk of every common word (on PostgreSQL, a match tested a row: 500 took a fifth more
# of a search than 101).
SEARCH_CAP = RANK_LIMIT
# "Check claims" reads and ranks the text of at most this many claims: those holding the most of a
# message's rarer words.
MESSAGE_POOL = 20
# "Check claims": a claim is what a message is about when it holds at least this share of the weight of
# the message's words (rare words weigh more), at least two of them (one, for a one-word message), one
# of them in what was said or who said it (not only in the desk's notes), and scores at least
# MATCH_NEAR_BEST of the best match. Otherwise the answer is "no tracked claim".
MATCH_COVERAGE = 0.4
MATCH_NEAR_BEST = 0.5
NO_FILTERS = Filters()


async def guild_aliases(reads: Reads, guild_id: int) -> Aliases:
    """The guild's other names for things, as the analyser applies them (built once per set of names)."""
    return text.aliases(tuple((a.entity, a.name) for a in await reads.aliases(guild_id)))


def _candidate(claim: IndexedClaim) -> matching.Candidate:
    """A claim as the ranking reads it: its stored profile, which also says whether its statement denies."""
    return matching.Candidate(claim.number, claim.profile)


async def _weights(reads: Reads, guild_id: int, groups: Sequence[Group], words: WordCounts) -> list[float]:
    claims, counts = await words.document_counts(reads, guild_id, groups)
    return matching.weights(groups, claims, counts)


async def _ranked(
    reads: Reads,
    guild_id: int,
    ids: list[int],
    groups: Sequence[Group],
    *,
    newest: int,
    weights: Sequence[float] | None = None,
    denies: bool | None = None,
) -> list[int]:
    """`ids` (newest first) ranked best first when there are at most RANK_LIMIT, else the `newest`
    newest. Profiles are read only for claims that are ranked, and summaries (`_shown`) only for those shown."""
    if len(ids) > RANK_LIMIT:
        return ids[:newest]
    if not ids:
        return []
    found = await reads.indexed(guild_id, ids)
    by_number = {claim.number: claim.id for claim in found}
    order = matching.rank(groups, [_candidate(c) for c in found], weights, prefix=True, denies=denies)
    return [by_number[m.number] for m in order]


async def suggest_claims(
    reads: Reads,
    guild_id: int,
    typed: str,
    limit: int = SUGGESTIONS,
    *,
    aliases: Aliases | None = None,
    filters: Filters = NO_FILTERS,
) -> list[ClaimSummary]:
    """Autocomplete: the claim with that number first, then every typed word as a prefix, best first;
    with nothing typed, the recently changed. `filters` narrow the words' matches (a story chosen in
    the same command); a number names its claim whatever the filters, as numbers are the server's."""
    limit = max(1, min(limit, SUGGESTIONS))
    found: list[ClaimSummary] = []
    number = parse_claim_number(typed)
    if number is not None:
        summary = await reads.claim_summary(guild_id, number)
        if summary is not None:
            found.append(summary)
    aliases = aliases if aliases is not None else await guild_aliases(reads, guild_id)
    groups = text.prefix_groups(typed, aliases)
    if not groups:
        if not found and filters.story_id is not None:
            found.extend(await _story_recent(reads, guild_id, filters.story_id, limit))
        elif not found:
            found.extend(await reads.recent_claims(guild_id, limit))
        return found[:limit]
    ids = await reads.claims_with_prefixes(guild_id, groups, filters, RANK_LIMIT + 1)
    # Every keystroke: no idf (one statement less), where the words are found decides.
    ranked = await _ranked(reads, guild_id, ids, groups, newest=limit)
    seen = {s.number for s in found}
    found.extend(s for s in await reads.summaries(guild_id, ranked[:limit]) if s.number not in seen)
    return found[:limit]


async def _story_recent(reads: Reads, guild_id: int, story_id: int, limit: int) -> list[ClaimSummary]:
    """With nothing typed and a story chosen: the story's claims whose verdict changed last."""
    return [summary for summary, _change in await reads.story_verdict_changes(guild_id, story_id, limit)]


async def resolve_claim(
    reads: Reads,
    guild_id: int,
    typed: str,
    *,
    aliases: Aliases | None = None,
    filters: Filters = NO_FILTERS,
    asker: int | None = None,
) -> ClaimSummary | None:
    """What a submitted claim value means: the number it names, else the best match, else nothing.
    A number's lookup also reads whether `asker` is owed notices (ClaimSummary.asker_owed)."""
    number = parse_claim_number(typed)
    if number is not None:
        return await reads.claim_summary(guild_id, number, asker=asker)
    if not text.query_terms(typed):
        # No number and no word ("\"", "🧨", "@"): autocomplete offers recent claims for that, but a
        # submitted value must name a claim, or a moderator's stray quote changes the latest claim.
        return None
    best = await suggest_claims(reads, guild_id, typed, limit=1, aliases=aliases, filters=filters)
    return best[0] if best else None


async def search(
    reads: Reads,
    guild_id: int,
    query: str,
    filters: Filters,
    *,
    offset: int = 0,
    limit: int = 5,
    aliases: Aliases | None = None,
    words: WordCounts | None = None,
) -> Page[SearchHit]:
    """Claims with every word as a prefix ("korea" finds "Korean", "deny" finds "denied"), ranked by the
    words' idf and where each claim has them (denials first for a query that denies); while those are
    fewer than a page, claims with any of the words follow them. `words`: the desk's (WordCounts)."""
    words = words if words is not None else WordCounts()
    if not text.query_terms(query):
        raise RuleBroken("Type at least one word to search for.")
    offset = max(0, min(offset, SEARCH_CAP))
    limit = max(1, min(limit, 25))
    aliases = aliases if aliases is not None else await guild_aliases(reads, guild_id)
    groups = text.prefix_groups(query, aliases)
    every = await reads.claims_with_prefixes(guild_id, groups, filters, SEARCH_CAP + 1) if groups else []
    more = len(every) > SEARCH_CAP  # past the cap: the newest, as for more than RANK_LIMIT
    some: list[int] = []
    if len(every) < SEARCH_FILL:
        seen = set(every)
        some = [i for i in await _some_words(reads, guild_id, query, aliases, filters, words) if i not in seen]
    if not every and not some:
        return Page((), 0, offset, limit)
    weights = await _weights(reads, guild_id, groups, words) if len(every) <= RANK_LIMIT else None
    # A query asserts nothing ("shells"), but one that denies ("not sent", "Pyongyang denies") lists the
    # denials first. Not autocomplete's: "no" there is as likely the start of "North".
    denies = True if text.negated(query) else None
    window = offset + limit
    ranked = [
        *await _ranked(reads, guild_id, every, groups, newest=window, weights=weights, denies=denies),
        *await _ranked(reads, guild_id, some, groups, newest=window, weights=weights, denies=denies),
    ][: SEARCH_CAP + len(some)]  # past the cap (`more`, then no `some`), the newest SEARCH_CAP only
    page = await reads.summaries(guild_id, ranked[offset : offset + limit])
    hits = tuple(SearchHit(s, matching.snippet(s.statement, groups, aliases=aliases)) for s in page)
    return Page(hits, min(len(every), SEARCH_CAP) + len(some), offset, limit, more=more)


async def _some_words(
    reads: Reads, guild_id: int, typed: str, aliases: Aliases, filters: Filters, words: WordCounts
) -> list[int]:
    """Claims with some of the typed words, at most MESSAGE_POOL: those with the most of the rarer
    words' weight, as for a message (with filters: the newest with any of them)."""
    groups = text.content_groups(typed, aliases)
    if not groups:
        return []
    if filters != NO_FILTERS:
        terms = [term for group in groups for term in group]
        return await reads.claims_with_terms(guild_id, terms, filters, MESSAGE_POOL)
    claims, counts = await words.document_counts(reads, guild_id, groups)
    return await _message_candidates(reads, guild_id, groups, counts, matching.weights(groups, claims, counts))


async def _message_candidates(
    reads: Reads, guild_id: int, groups: Sequence[Group], counts: Sequence[int], weights: Sequence[float]
) -> list[int]:
    """The claims a message may be about, at most MESSAGE_POOL: of the claims holding one of its rarer
    words (as many words as together have at most RANK_LIMIT claims: a claim sharing only common
    words with a message is not what it is about), those holding the most of their weight, told from
    the index alone before any text is read. When every word is common: claims with the two rarest,
    then the rarest."""
    order = sorted((i for i in range(len(groups)) if counts[i]), key=lambda i: (counts[i], i))
    if not order:
        return []
    chosen: list[int] = []
    total = 0
    for i in order:
        if total + counts[i] > RANK_LIMIT:
            break
        chosen.append(i)
        total += counts[i]
    if chosen:
        held: dict[int, float] = {}
        each = await reads.claims_with_each(guild_id, [groups[i] for i in chosen], RANK_LIMIT)
        for i, ids in zip(chosen, each, strict=True):
            for claim_id in ids:
                held[claim_id] = held.get(claim_id, 0.0) + weights[i]
        return sorted(held, key=lambda claim_id: (-held[claim_id], -claim_id))[:MESSAGE_POOL]
    rarest = [groups[i] for i in order[:2]]
    ids = await reads.claims_with_prefixes(guild_id, rarest, NO_FILTERS, MESSAGE_POOL) if len(rarest) > 1 else []
    return ids or await reads.claims_with_terms(guild_id, list(rarest[0]), NO_FILTERS, MESSAGE_POOL)


async def match_ids(
    reads: Reads,
    guild_id: int,
    message: str,
    limit: int = 5,
    *,
    aliases: Aliases | None = None,
    words: WordCounts | None = None,
) -> list[int]:
    """The claims a message is about, best first, by id; none when it is about something else. Of claims
    with the same words, one that asserts (or denies) as the message does comes first. Ids only: what the
    desk keeps (bot/desk/kept_matches.py), the summaries read apart."""
    words = words if words is not None else WordCounts()
    aliases = aliases if aliases is not None else await guild_aliases(reads, guild_id)
    groups = text.content_groups(message, aliases)
    if not groups:
        return []
    claims, counts = await words.document_counts(reads, guild_id, groups)
    weights = matching.weights(groups, claims, counts)
    ids = await _message_candidates(reads, guild_id, groups, counts, weights)
    if not ids:
        return []
    found = {c.number: c for c in await reads.indexed(guild_id, ids)}
    denies = text.negated(message)
    ranked = matching.rank(groups, [_candidate(c) for c in found.values()], weights, denies=denies)
    needed = min(2, len(groups))
    about = [m for m in ranked if m.coverage >= MATCH_COVERAGE and m.matched >= needed and m.in_core]
    if not about:
        return []
    # Which claims are near the best is decided on their words alone: polarity orders them, it does not
    # hide the denial of what a message asserts (or the other way round).
    best = max(m.score for m in about)
    return [found[m.number].id for m in about if m.score >= best * MATCH_NEAR_BEST][:limit]


def alias_owner(aliases: Sequence[Alias], named: str) -> str | None:
    """The entity `named` is (its own name or one of its other names in use), as the aliases write it."""
    wanted = normalise_name(named)
    by_name = {normalise_name(a.entity): a.entity for a in aliases}
    for alias in aliases:
        by_name.setdefault(normalise_name(alias.name), alias.entity)
    return by_name.get(wanted) if wanted else None


def names_matching(names: Sequence[str], typed: str, limit: int = SUGGESTIONS) -> list[str]:
    """Names beginning with what was typed (any case, any accents), then those holding it, as listed."""
    wanted = normalise_name(typed)
    keyed = [(name, normalise_name(name)) for name in names]
    starting = [name for name, key in keyed if key.startswith(wanted)]
    holding = [name for name, key in keyed if wanted in key and not key.startswith(wanted)]
    return (starting + holding)[:limit]


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
