"""The two questions a desk asks of a claim, kept apart: did they say it, and is it true.

Each state carries its label, colour, emoji and one-line meaning here and nowhere else, so the card,
the board, the choices and the sandbox all speak the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Look:
    label: str
    colour: int
    emoji: str
    meaning: str


class Verdict(StrEnum):
    """Is it true? Moderators move a claim between these."""

    UNVERIFIED = "unverified"
    INVESTIGATING = "investigating"
    DISPUTED = "disputed"
    CONFIRMED = "confirmed"
    FALSE = "false"
    MISLEADING = "misleading"

    @property
    def look(self) -> Look:
        return _VERDICT_LOOKS[self]


_VERDICT_LOOKS: dict[Verdict, Look] = {
    Verdict.UNVERIFIED: Look("Unverified", 0x95A5A6, "⚪", "Not yet checked; no evidence either way."),
    Verdict.INVESTIGATING: Look("Investigating", 0x3498DB, "🔵", "Being checked now; evidence is being gathered."),
    Verdict.DISPUTED: Look("Disputed", 0xE67E22, "🟠", "Credible sources disagree; not settled."),
    Verdict.CONFIRMED: Look("Confirmed", 0x2ECC71, "🟢", "Independent evidence shows it is true."),
    Verdict.FALSE: Look("False", 0xE74C3C, "🔴", "Evidence shows it is not true."),
    Verdict.MISLEADING: Look("Misleading", 0x9B59B6, "🟣", "Partly true, but framed to give a wrong picture."),
}


class Attribution(StrEnum):
    """Did they say it? Separate from whether it is true."""

    ON_RECORD = "on_record"
    VIA_OUTLET = "via_outlet"
    ANONYMOUS_SOURCES = "anonymous_sources"
    DISPUTED_QUOTE = "disputed_quote"
    RETRACTED = "retracted"

    @property
    def look(self) -> Look:
        return _ATTRIBUTION_LOOKS[self]


_ATTRIBUTION_LOOKS: dict[Attribution, Look] = {
    Attribution.ON_RECORD: Look("On the record", 0x2ECC71, "🎙️", "Said publicly, in their own name."),
    Attribution.VIA_OUTLET: Look(
        "Reported by an outlet", 0x3498DB, "📰", "Known through a news report, not a primary record."
    ),
    Attribution.ANONYMOUS_SOURCES: Look(
        "Anonymous sources", 0x95A5A6, "🕶️", "Attributed to unnamed officials or sources."
    ),
    Attribution.DISPUTED_QUOTE: Look(
        "Quote disputed", 0xE67E22, "❓", "Whether they said this, or said it this way, is contested."
    ),
    Attribution.RETRACTED: Look("Retracted", 0xE74C3C, "↩️", "The speaker or outlet has withdrawn it."),
}
