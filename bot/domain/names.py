"""Name matching that forgives case and accents, as readers type "zelenskiy" or "Rütte" alike."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


# Every new guild's seeding normalises the same ~200 names (speakers, aliases): a character loop each.
@lru_cache(maxsize=4_096)
def normalise_name(name: str) -> str:
    """The key a speaker's name variant is stored and looked up by."""
    decomposed = unicodedata.normalize("NFKD", name)
    # Lone surrogates (JSON can carry "\ud800") cannot be encoded for SQLite, NUL not stored by PostgreSQL;
    # they name nobody anyway.
    stripped = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and not "\ud800" <= ch <= "\udfff" and ch != "\x00"
    )
    return _SPACES.sub(" ", stripped.casefold()).strip()
