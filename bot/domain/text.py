"""One analysis of text, for the search index and for what members type, whatever the backend.

Both stores index the terms made here and compare them as opaque strings (SQLite's FTS5 and
PostgreSQL's tsvector only see words that are already analysed), so they find exactly the same claims
for the same query. Changing what a term is changes INDEX_VERSION: a store whose index was built by
another version rebuilds it when it opens.

What a word becomes:
- case and accents folded ("Zelénskyy" reads as "zelenskyy");
- a number in any writing one canonical term: "10,000", "10000", "10 000", "10k", "ten thousand" are
  all "10000"; "1.28 million" and "1.28m" are "1280000";
- an ISO date its year and its month's name ("2024-06-19": "2024", "june"), so "June", "2024" and
  "2024-06" find what was said then; "Oct" is October;
- every other word its Snowball (English) stem, after a small table of irregular forms ("frozen" is
  "freeze", "sent" is "send", "denial" is "deny") and British spellings ("defence");
- stop words (function words, chat filler) are never terms: they cannot decide a match; "US" and
  "U.S." are a name ("usa"), "us" a stop word;

A claim is also found by the surface form of each word ("evaluated" besides its stem "evalu"), so a
word typed halfway ("evaluat") still begins a term; by the entities its words name (`Aliases`: the
guild's, from its stories and moderators); and by the few words of THESAURUS ("soldiers" and "troops").

Whether a text denies what it speaks of ("has not sent", "never", "denies") is `negated`: the ranking
puts claims that assert (or deny) as a message does first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

INDEX_VERSION = 5
MAX_TERMS = 12  # of a query: more words narrow nothing and only cost
MAX_TERM_LENGTH = 48
MAX_ALIAS_WORDS = 6

# fmt: off
# Function words, and the filler of chat ("is it true", "legit?", "lol"): no claim is found by them.
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "being", "but", "by", "for", "from", "had", "has", "have",
    "he", "her", "his", "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "she", "so", "that",
    "the", "their", "them", "they", "this", "to", "was", "we", "were", "will", "with", "would", "you", "your",
    "about", "after", "also", "than", "then", "there", "these", "those", "which", "who", "whom", "what", "when",
    "where", "why", "how", "not", "no", "nor", "more", "most", "one", "any", "all", "some", "such", "very",
    "can", "could", "should", "shall", "may", "might", "must", "do", "does", "did", "done", "doing", "am",
    "me", "my", "mine", "us", "him", "hers", "theirs", "ours", "yours", "it's", "s", "t", "don", "didn",
    "doesn", "isn", "wasn", "aren", "won", "wouldn", "hasn", "hasnt", "haven", "havent", "cant", "dont",
    "didnt", "doesnt", "isnt", "wont", "ll", "re", "ve", "d", "m", "just", "only", "own", "same", "too",
    "both", "each", "other", "again", "further", "here", "out", "up", "down", "off", "over", "under",
    "while", "until", "because", "through", "during", "before", "between", "against", "above", "below",
    "said", "says", "say", "saying", "told", "tell", "tells", "claim", "claims", "claimed", "claiming",
    "really", "actually", "apparently", "reportedly", "true", "legit", "real", "lol", "lmao", "omg", "wtf",
    "hey", "hi", "ok", "okay", "yes", "yeah", "please", "pls", "thanks", "thank", "anyone", "someone",
    "somebody", "everyone", "anybody", "guys", "like", "heard", "hear", "think", "thought", "believe",
    "know", "knows", "get", "got", "gets", "getting", "going", "gonna", "wanna", "now", "still", "already",
    "even", "yet", "ever", "never", "always", "well", "much", "many", "way", "thing", "things", "stuff",
))

# Forms the stemmer cannot see are one word: irregular verbs, nouns made from verbs, British spellings.
IRREGULAR = {
    "sent": "send", "spent": "spend", "fought": "fight", "gave": "give", "given": "give", "took": "take",
    "taken": "take", "made": "make", "saw": "see", "seen": "see", "went": "go", "gone": "go", "came": "come",
    "knew": "know", "known": "know", "brought": "bring", "bought": "buy", "built": "build", "held": "hold",
    "kept": "keep", "led": "lead", "lost": "lose", "met": "meet", "paid": "pay", "ran": "run", "shot": "shoot",
    "sold": "sell", "stood": "stand", "struck": "strike", "threw": "throw", "thrown": "throw", "wrote": "write",
    "written": "write", "began": "begin", "begun": "begin", "broke": "break", "broken": "break",
    "chose": "choose", "chosen": "choose", "drew": "draw", "drawn": "draw", "drove": "drive", "driven": "drive",
    "fell": "fall", "fallen": "fall", "flew": "fly", "flown": "fly", "froze": "freeze", "frozen": "freeze",
    "grew": "grow", "grown": "grow", "hid": "hide", "hidden": "hide", "rose": "rise", "risen": "rise",
    "shook": "shake", "shaken": "shake", "spoke": "speak", "spoken": "speak", "stole": "steal",
    "stolen": "steal", "sought": "seek", "caught": "catch", "fled": "flee", "meant": "mean", "felt": "feel",
    "dealt": "deal", "sank": "sink", "sunk": "sink", "won": "win", "understood": "understand",
    "denial": "deny", "denials": "deny", "refusal": "refuse", "refusals": "refuse", "agreement": "agree",
    "agreements": "agree", "concession": "concede", "concessions": "concede", "withdrawal": "withdraw",
    "approval": "approve", "proposal": "propose", "proposals": "propose", "arrival": "arrive",
    "survival": "survive", "invasion": "invade", "decision": "decide", "militarily": "military",
    "defence": "defense", "offence": "offense", "programme": "program", "programmes": "program",
    "centre": "center", "armour": "armor", "labour": "labor", "favour": "favor", "rumour": "rumor",
    "neighbour": "neighbor", "neighbours": "neighbor", "honour": "honor", "kyiv's": "kyiv",
}
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)
MONTH_ABBREVIATIONS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
}
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "hundreds": 100, "a": 1, "one": 1,
}
# Capitals that are a name where the same letters in lower case are a stop word ("US" and "us").
ACRONYMS = {"US": "usa", "USA": "usa"}
MULTIPLIERS = {
    "k": 1_000, "thousand": 1_000, "thousands": 1_000, "m": 1_000_000, "mn": 1_000_000, "mln": 1_000_000,
    "million": 1_000_000, "millions": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
}
# fmt: on

# A date, a number (thousands grouped by commas or spaces, a decimal part, a multiplier: "10k",
# "1.28 million"), or a run of letters and digits. Not `\w`: an underscore splits words, as punctuation does.
_TOKEN = re.compile(
    r"(?P<acronym>(?<![^\W_])(?:[A-Za-z]\.){2,}(?![^\W_]))"
    r"|(?P<date>(?<![\d-])\d{4}-\d{2}(?:-\d{2})?(?![\d-]))"
    r"|(?P<number>(?<![\d.,])(?:\d{1,3}(?:(?:,|[ \u00a0\u202f])\d{3})+|\d+)(?:\.\d+)?(?![\d]))"
    r"(?:[ \u00a0]?(?P<multiplier>k|m|mn|mln|bn|thousand|million|billion)(?![^\W_]))?"
    r"|(?P<word>[^\W_]+)",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W_]+")
_LAST_WORD = re.compile(r"[^\W_]+\Z")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Case and accents away: "Zelenskyy", "ZELENSKYY" and "Zelénskyy" read alike."""
    if text.isascii():  # most text: no accents to strip, and the per-character loop is the cost
        return text.lower()
    # casefold first: it may add combining marks (İ → i̇), which the decomposition then strips.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Small: with PyStemmer (the speed extra) a stem costs ~1 µs, and each entry ~230 bytes; full caches of
# 32,768 held ~17 MB of these two between them in a large guild's vocabulary.
@lru_cache(maxsize=4_096)
def stem(word: str) -> str:
    """A folded word's term (not a number's, not a stop word's)."""
    word = IRREGULAR.get(word, word)
    word = MONTH_ABBREVIATIONS.get(word, word)
    if len(word) <= 2 or not word.isalpha():
        return word
    stemmed: str = _STEMMER.stemWord(word)
    return stemmed[:MAX_TERM_LENGTH]


def _number(digits: str, multiplier: str | None) -> str:
    """The canonical term of a number: its value in digits ("1280000"); a fraction keeps a 'd' ("2d5")."""
    plain = re.sub(r"[^\d.]", "", digits)
    whole, _, fraction = plain.partition(".")
    scale = MULTIPLIERS.get(multiplier.lower(), 1) if multiplier else 1
    fraction = fraction.rstrip("0")
    if scale > 1 and len(fraction) <= len(str(scale)) - 1:
        value = int(whole or "0") * scale + int(fraction.ljust(len(str(scale)) - 1, "0") or "0")
        return str(value)[:MAX_TERM_LENGTH]
    whole = whole.lstrip("0") or "0"
    return (f"{whole}d{fraction}" if fraction else whole)[:MAX_TERM_LENGTH]


class Token(NamedTuple):
    """One word of a text: where it is (for highlighting), its term, and how it was written (folded)."""

    start: int
    end: int
    term: str
    surface: str

    @property
    def stop(self) -> bool:
        return self.term == ""


@lru_cache(maxsize=8_192)
def _word(raw: str) -> tuple[str, str]:
    """(term, surface form) of a run of letters and digits as written; a stop word's term is empty."""
    surface = fold(raw)[:MAX_TERM_LENGTH]
    if not WORD.fullmatch(surface):  # folding can split a word ("ﬃ" → "ffi" is fine; "ǅ" too)
        surface = "".join(WORD.findall(surface))[:MAX_TERM_LENGTH]
    if not surface or surface in STOPWORDS:
        return "", surface
    return stem(surface), surface


def _date_tokens(start: int, end: int, text: str) -> list[Token]:
    year, month, *_day = text.split("-")
    found = [Token(start, end, year, year)]
    if 1 <= int(month) <= 12:
        found.append(Token(start, end, stem(MONTHS[int(month) - 1]), MONTHS[int(month) - 1]))
    return found


def tokens(text: str) -> list[Token]:
    """Every word of the text in order, repeats kept; stop words have an empty term."""
    if _SPECIAL.search(text) is None:
        return _word_tokens(text)
    return _all_tokens(text)


# What every match of _TOKEN's other kinds holds: a digit (a date, a number) or a letter between dots
# ("U.S."). Text without either (most statements, queries and messages) is words alone, read with the
# plain WORD, which costs about half of _TOKEN's alternatives and lookarounds per word.
_SPECIAL = re.compile(r"\d|\.[A-Za-z]\.")
_tuple = tuple.__new__  # a Token without NamedTuple's __new__ in Python, for the loops below


def _word_token(found: list[Token], start: int, end: int, raw: str) -> None:
    if raw in ACRONYMS:  # "US" in capitals (but not "us")
        found.append(_tuple(Token, (start, end, ACRONYMS[raw], ACRONYMS[raw])))
        return
    term, surface = _word(raw)
    if surface in MULTIPLIERS and found and found[-1].surface in NUMBER_WORDS:
        # "ten thousand": the number word before a multiplier word is the number's start
        previous = found.pop()
        value = str(NUMBER_WORDS[previous.surface] * MULTIPLIERS[surface])
        found.append(_tuple(Token, (previous.start, end, value, value)))
        return
    found.append(_tuple(Token, (start, end, term, surface)))


def _word_tokens(text: str) -> list[Token]:
    """`tokens` of a text without _SPECIAL: each run of letters and digits is a word (_word_token, inlined
    for the common word: this loop is most of what a snippet or a message's analysis costs)."""
    found: list[Token] = []
    append, word, new = found.append, _word, _tuple
    for match in WORD.finditer(text):
        raw = match[0]
        term, surface = word(raw)
        if raw in ACRONYMS or surface in MULTIPLIERS:
            _word_token(found, *match.span(), raw)
        else:
            append(new(Token, (*match.span(), term, surface)))
    return found


def _all_tokens(text: str) -> list[Token]:
    """`tokens` of any text."""
    found: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        start, end = match.span()
        if kind == "word":
            _word_token(found, start, end, match[0])
        elif kind == "acronym":  # "U.S.": the letters as one word
            letters = match.group().replace(".", "").lower()
            term = ACRONYMS.get(letters.upper(), letters)
            found.append(Token(start, end, term, term))
        elif kind == "date":
            found.extend(_date_tokens(start, end, match.group()))
        else:  # a number, with or without its multiplier
            term = _number(match.group("number"), match.group("multiplier"))
            found.append(Token(start, end, term, term))
    return found


def words(text: str) -> list[str]:
    """Every term of the text, in order, repeats kept (stop words left out)."""
    return [t.term for t in tokens(text) if t.term]


# --------------------------------------------------------------------------------- entities


@lru_cache(maxsize=4_096)  # the same entity and speaker names, for every guild's aliases
def name_terms(name: str) -> tuple[str, ...]:
    """The terms a name is written with, as the analyser finds it in a text (stop words skipped)."""
    return tuple(t.term for t in tokens(name) if t.term)[:MAX_ALIAS_WORDS]


def entity_term(name: str) -> str:
    """The term an entity is indexed by: its name's terms run together ("North Korea": "northkorea";
    "Russia": "russia", the word's own term, so the name needs no alias of itself)."""
    return "".join(name_terms(name))[:MAX_TERM_LENGTH]


class Aliases:
    """Other names of places, bodies and people: every name of an entity (its own included) adds the
    entity's term wherever it is written, in a claim as in a query. "DPRK", "NK" and "Pyongyang" add
    "northkorea", as "North Korea" itself does. Immutable and hashable (the analyses are cached by it)."""

    __slots__ = ("_firsts", "_hash", "by_words", "longest")

    def __init__(self, by_words: dict[tuple[str, ...], str] | None = None) -> None:
        self.by_words: dict[tuple[str, ...], str] = dict(by_words or {})
        self.longest = max((len(k) for k in self.by_words), default=0)
        # The words a name can begin with: most words of a text begin none, and are passed over at once.
        self._firsts = frozenset(k[0] for k in self.by_words)
        self._hash = hash(tuple(sorted(self.by_words.items())))

    @classmethod
    def build(cls, names: Iterable[tuple[str, str]]) -> Aliases:
        """From (entity, name) pairs; a name another entity already has keeps the first entity."""
        by_words: dict[tuple[str, ...], str] = {}
        for entity, name in names:
            term = entity_term(entity)
            for written in (entity, name):
                key = name_terms(written)
                if term and key and (len(key) > 1 or key[0] != term):
                    by_words.setdefault(key, term)
        return cls(by_words)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Aliases) and self.by_words == other.by_words

    def __bool__(self) -> bool:
        return bool(self.by_words)

    def __repr__(self) -> str:
        return f"Aliases({len(self.by_words)} names)"

    def spans(self, found: Sequence[Token], *, nested: bool = False) -> list[tuple[int, int, str]]:
        """(first, last + 1, entity term) over the content tokens of `found`; indexes count content
        tokens only, so stop words inside a name are skipped ("Ministry of Defense"). Longest name first
        and names not overlapping (what a query is read as); or, `nested`, every name wherever it is
        written ("North Korean leader" is Kim and North Korea: what a claim is indexed by)."""
        if not self.by_words:
            return []
        content = [t.term for t in found if t.term]
        spans: list[tuple[int, int, str]] = []
        firsts = self._firsts
        i = 0
        while i < len(content):
            if content[i] not in firsts:
                i += 1
                continue
            step = 1
            for n in range(min(self.longest, len(content) - i), 0, -1):
                term = self.by_words.get(tuple(content[i : i + n]))
                if term is not None:
                    spans.append((i, i + n, term))
                    if not nested:
                        step = n
                        break
            i += step
        return spans


# A few words news prose uses for one another, for every guild: each adds the first word's term, as an
# alias adds its entity's ("soldiers" is found by "troops" and the other way round). Kept small: each
# pair must mean the same thing in any story about a war, or it costs precision everywhere.
# fmt: off
THESAURUS = (
    ("troops", "soldiers"), ("troops", "servicemen"), ("troops", "personnel"),
    ("weapons", "arms"), ("weapons", "munitions"), ("weapons", "armaments"),
    ("evidence", "proof"), ("prepare", "ready"),
)
# fmt: on
NO_ALIASES = Aliases.build(THESAURUS)  # none of a guild's own: the thesaurus only


@lru_cache(maxsize=1_024)
def aliases(names: tuple[tuple[str, str], ...]) -> Aliases:
    """A guild's (entity, name) pairs as the analyser takes them, with the thesaurus; read for every
    query, built once per set of names."""
    return Aliases.build((*THESAURUS, *names)) if names else NO_ALIASES


# --------------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class ClaimText:
    """Every field a claim is found by."""

    statement: str
    speaker_names: tuple[str, ...] = ()
    role: str = ""
    venue: str = ""
    said_when: str = ""
    rationale: str = ""
    notes: tuple[str, ...] = ()  # of its evidence

    def fields(self) -> tuple[tuple[str, str], ...]:
        """(field name, text) in the order matching.FIELD_WEIGHTS lists them."""
        return (
            ("speaker", " ; ".join(self.speaker_names)),
            ("statement", self.statement),
            ("role", self.role),
            ("venue", self.venue),
            ("when", self.said_when),
            ("rationale", self.rationale),
            ("notes", " ; ".join(self.notes)),
        )


@lru_cache(maxsize=2_048)
def _analysed(text: str) -> tuple[tuple[Token, ...], frozenset[str], frozenset[str]]:
    """A field's tokens, its words' terms and the written forms that differ from them, once."""
    found = tokens(text)
    words = frozenset(t.term for t in found if t.term)
    surfaces = frozenset(t.surface for t in found if t.term and t.surface != t.term)
    return tuple(found), words, surfaces


@lru_cache(maxsize=2_048)
def field_terms(text: str, aliases: Aliases = NO_ALIASES) -> frozenset[str]:
    """The exact terms of one field: its words' terms and the entities they name."""
    found, words, _surfaces = _analysed(text)
    if not aliases:
        return words
    named = {term for _i, _j, term in aliases.spans(found, nested=True)}
    return words | named if named else words


def field_words(text: str) -> frozenset[str]:
    """The terms of one field's own words, without the entities they name."""
    return _analysed(text)[1]


def field_surfaces(text: str) -> frozenset[str]:
    """How the field's words are written, where that differs from their term: what a prefix may begin."""
    return _analysed(text)[2]


# Every new guild is seeded with the same claims: their terms are worked out once, not once per guild.
@lru_cache(maxsize=256)
def index_terms(claim: ClaimText, aliases: Aliases = NO_ALIASES) -> tuple[str, ...]:
    """What a claim is found by: every field's terms, the entities they name, and the words as written."""
    found: set[str] = set()
    for _name, value in claim.fields():
        if value:
            found |= field_terms(value, aliases)
            found |= field_surfaces(value)
    found.discard("")
    return tuple(sorted(found))


# --------------------------------------------------------------------------------- queries

Group = tuple[str, ...]  # one typed word (or name): a claim matches it by any of these terms


# What a query or message is taken to ask: the same text is analysed again when several members check
# one message, a search is paged, or a value autocomplete was asked for is submitted. Pure in the text
# and the aliases (immutable, hashed once), so a kept analysis is never stale. A message's analysis
# costs ~40 µs, a kept one ~0.5; the key is the text (a message: at most 4,000 characters).
@lru_cache(maxsize=256)
def _groups(text: str, aliases: Aliases, *, prefix: bool) -> tuple[Group, ...]:
    found = tokens(text)
    content = [t for t in found if t.term]
    if not content and prefix:
        # Only stop words ("who", "the"): as typed, so autocomplete and /search still find something.
        content = [Token(t.start, t.end, t.surface, t.surface) for t in found if t.surface]
    spans = {i: (j, term) for i, j, term in aliases.spans(content)}
    groups: list[Group] = []
    i = 0
    while i < len(content):
        if i in spans:
            j, term = spans[i]
            if j - i == 1:  # "DPRK": the word itself or the entity it names
                groups.append((*_alternatives(content[i], prefix), term))
            else:  # "North Korea": the name, as one group
                groups.append((term,))
            i = j
            continue
        groups.append(_alternatives(content[i], prefix))
        i += 1
    return tuple(dict.fromkeys(tuple(dict.fromkeys(g)) for g in groups))


def _alternatives(token: Token, prefix: bool) -> Group:
    # A word typed halfway ("evaluat") begins its surface form but maybe not its stem ("evalu"); the
    # stem also begins every other form of the word. Only when it is not already a prefix of what was
    # typed does the surface form add anything.
    if prefix and not token.surface.startswith(token.term):
        return (token.term, token.surface)
    return (token.term,)


def prefix_groups(text: str, aliases: Aliases = NO_ALIASES) -> list[Group]:
    """What autocomplete and /search look for: each typed word as a prefix, first MAX_TERMS of them."""
    return list(_groups(text, aliases, prefix=True)[:MAX_TERMS])


def content_groups(text: str, aliases: Aliases = NO_ALIASES) -> list[Group]:
    """What a message is about: its words' terms and the entities it names, no stop words."""
    return list(_groups(text, aliases, prefix=False)[: MAX_TERMS * 2])


# --------------------------------------------------------------------------------- polarity

# What makes a sentence deny rather than assert: "has not sent", "never sent", "no shells were sent",
# "denies sending", "rejects the reports", "one more fake", "it is false that ...". As written (folded),
# for the function words, which have no term; as terms for the rest, so every form of a verb counts.
# fmt: off
NEGATION_WORDS = frozenset((
    "not", "no", "never", "nor", "neither", "none", "nothing", "nobody", "cannot", "didnt", "dont", "doesnt",
    "isnt", "wasnt", "arent", "werent", "hasnt", "havent", "hadnt", "wont", "cant", "wouldnt", "couldnt",
    "shouldnt", "aint",
))
NEGATION_TERMS = frozenset(stem(w) for w in (
    "deny", "reject", "refute", "dismiss", "false", "fake", "untrue", "hoax",
))
# fmt: on


@lru_cache(maxsize=256)  # a claim's statement when it is indexed, a query or message (which rarely recur)
def negated(text: str) -> bool:
    """Whether the text denies what it speaks of. A cue anywhere is enough, and two do not cancel: what a
    member types is short, and "denies it has not sent" is rarer than a miscounted double negative. The
    ranking only orders claims by it (bot.domain.matching), so a wrong reading costs an order, never a
    claim. Not part of the index: it is read from the text at ranking time, so INDEX_VERSION stays."""
    previous = ""
    for token in tokens(text):
        if token.surface in NEGATION_WORDS or (token.term and token.term in NEGATION_TERMS):
            return True
        if token.surface == "t" and previous.endswith("n"):  # "didn't", "can't", "won't": the apostrophe splits
            return True
        previous = token.surface
    return False


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, never ending inside a word: a word cut short ("numb" of "number")
    is one no claim has, and in a message it would weigh as the rarest word there is."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    inside = WORD.match(text, limit) is not None and _LAST_WORD.search(cut)
    return cut[: inside.start()] if inside and inside.start() > 0 else cut


def query_terms(text: str) -> list[str]:
    """The words someone typed, first MAX_TERMS distinct ones (stop words too): whether there is a word at all."""
    return list(dict.fromkeys(t.term or t.surface for t in tokens(text) if t.term or t.surface))[:MAX_TERMS]


def content_terms(text: str) -> list[str]:
    """The terms of a message that can say what it is about."""
    return [term for group in content_groups(text) for term in group]
