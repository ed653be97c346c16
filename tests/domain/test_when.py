from __future__ import annotations

from datetime import date

import pytest

from bot.domain.when import parse_when


@pytest.mark.parametrize(
    ("text", "stored", "sorts_on", "approximate"),
    [
        ("2024-10-17", "2024-10-17", date(2024, 10, 17), False),
        ("week of 2024-10-14", "week of 2024-10-14", date(2024, 10, 14), True),
        ("  Week  of 2024-10-14 ", "week of 2024-10-14", date(2024, 10, 14), True),
        ("before 2024-10-17", "before 2024-10-17", date(2024, 10, 17), True),
        ("2024-06", "2024-06", date(2024, 6, 1), True),
    ],
)
def test_the_forms_a_desk_writes(text: str, stored: str, sorts_on: date, approximate: bool) -> None:
    when = parse_when(text)
    assert (when.text, when.sorts_on, when.approximate) == (stored, sorts_on, approximate)


@pytest.mark.parametrize(
    "text", ["yesterday", "2024-02-30", "2024-13", "17/10/2024", "week of", "after 2024-10-17", ""]
)
def test_anything_else_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="week of 2024-10-14"):
        parse_when(text)
