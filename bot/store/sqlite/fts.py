"""Turning what a member typed into an FTS5 query that can never be a syntax error.

Everything is reduced to plain words and each word is quoted, so FTS operators (AND, NEAR, *, ^,
column filters), quotes, parentheses and SQL fragments are only ever searched for as text.
"""

from __future__ import annotations

import re

from bot.domain.matching import MAX_TERM_LENGTH, MAX_TERMS

_WORD = re.compile(r"\w+")

# Words too common in news prose to say anything about which claim a message is about.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "said",
        "says",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "would",
        "you",
        "about",
        "after",
        "also",
        "than",
        "then",
        "there",
        "these",
        "those",
        "which",
        "who",
        "what",
        "when",
        "where",
        "why",
        "not",
        "no",
        "more",
        "one",
    ]
)


def words(text: str) -> list[str]:
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(text.casefold())][:MAX_TERMS]


def _quote(word: str) -> str:
    # \w never matches a double quote, but say so in code rather than rely on it.
    return '"' + word.replace('"', "") + '"'


def _in_guild(guild_id: int, expression: str) -> str:
    return f'guild : "g{guild_id}" AND {{statement speaker role}} : ({expression})'


def prefix_query(guild_id: int, text: str) -> str | None:
    """Every word must match, each as a prefix: what autocomplete wants while someone types."""
    terms = words(text)
    if not terms:
        return None
    return _in_guild(guild_id, " AND ".join(_quote(t) + "*" for t in terms))


def any_word_query(guild_id: int, text: str) -> str | None:
    """Any content word may match: for matching a whole message against claims, and as a last resort."""
    terms = [t for t in dict.fromkeys(_WORD.findall(text.casefold())) if len(t) > 2 and t not in STOPWORDS]
    terms = [t[:MAX_TERM_LENGTH] for t in terms][: MAX_TERMS * 2]
    if not terms:
        return None
    return _in_guild(guild_id, " OR ".join(_quote(t) for t in terms))


def content_words(text: str) -> set[str]:
    return {t for t in _WORD.findall(text.casefold()) if len(t) > 2 and t not in STOPWORDS}
