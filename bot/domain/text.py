"""One analysis of text, for the search index and for what members type, whatever the backend.

Both stores index the terms made here and compare them as opaque strings (SQLite's FTS5 and
PostgreSQL's tsvector only see words that are already folded), so they find exactly the same claims
for the same query. Changing what a term is changes INDEX_VERSION: a store whose index was built by
another version rebuilds it when it opens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

INDEX_VERSION = 1
MAX_TERMS = 12  # of a query: more words narrow nothing and only cost
MAX_TERM_LENGTH = 48

# Runs of letters and digits. Not `\w`: an underscore splits words, as punctuation does.
WORD = re.compile(r"[^\W_]+")

# Words too common in news prose to say anything about which claim a message is about.
# fmt: off
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "he",
    "her", "his", "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "said", "says", "she",
    "that", "the", "their", "them", "they", "this", "to", "was", "we", "were", "will", "with", "would", "you",
    "about", "after", "also", "than", "then", "there", "these", "those", "which", "who", "what", "when",
    "where", "why", "not", "no", "more", "one",
))
# fmt: on


def fold(text: str) -> str:
    """Case and accents away: "Zelenskyy", "ZELENSKYY" and "Zelénskyy" read alike."""
    if text.isascii():  # most text: no accents to strip, and the per-character loop is the cost
        return text.lower()
    # casefold first: it may add combining marks (İ → i̇), which the decomposition then strips.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Every word of the text as the index stores it, in order, repeats kept."""
    return [w[:MAX_TERM_LENGTH] for w in WORD.findall(fold(text))]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Each word's (start, end) in the original text with its term, for highlighting."""
    return [(m.start(), m.end(), fold(m.group())[:MAX_TERM_LENGTH]) for m in WORD.finditer(text)]


def index_terms(statement: str, speaker_names: Iterable[str], role: str) -> list[str]:
    """What a claim is found by: the words of its statement, of every name of its speaker, of its role."""
    found = set(words(statement)) | set(words(role))
    for name in speaker_names:
        found.update(words(name))
    found.discard("")
    return sorted(found)


def query_terms(text: str) -> list[str]:
    """The words someone typed, first MAX_TERMS distinct ones."""
    return list(dict.fromkeys(w for w in words(text) if w))[:MAX_TERMS]


def content_terms(text: str) -> list[str]:
    """The words of a message that can say what it is about: no stop words, nothing under three letters."""
    found = dict.fromkeys(w for w in words(text) if len(w) > 2 and w not in STOPWORDS)
    return list(found)[: MAX_TERMS * 2]
