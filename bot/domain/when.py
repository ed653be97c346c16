"""When a claim was said: an exact day or an honest approximation of one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_FORMS = (
    (re.compile(r"^(\d{4}-\d{2}-\d{2})$"), "day"),
    (re.compile(r"^week of (\d{4}-\d{2}-\d{2})$"), "week"),
    (re.compile(r"^before (\d{4}-\d{2}-\d{2})$"), "before"),
    (re.compile(r"^(\d{4}-\d{2})$"), "month"),
)

WHEN_HELP = 'a date like "2024-10-17", "week of 2024-10-14", "before 2024-10-17" or "2024-10"'


@dataclass(frozen=True, slots=True)
class SaidWhen:
    """The text a person wrote plus the day it sorts by (its earliest possible day)."""

    text: str
    sorts_on: date

    @property
    def approximate(self) -> bool:
        return self.text != self.sorts_on.isoformat()


def parse_when(text: str) -> SaidWhen:
    """Accept the few forms a desk actually writes; anything else is a ValueError with the forms."""
    cleaned = " ".join(text.strip().split()).lower()
    for pattern, form in _FORMS:
        match = pattern.match(cleaned)
        if not match:
            continue
        raw = match.group(1) + ("-01" if form == "month" else "")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            break
        return SaidWhen(cleaned, day)
    raise ValueError(f"when must be {WHEN_HELP}")
