"""Figures the reliability tests measure (inputs tried, faults injected, recoveries), printed in
pytest's terminal summary under "reliability figures" so the README's numbers come from a run."""

from __future__ import annotations

FIGURES: dict[str, int] = {}


def record_figure(name: str, value: int) -> None:
    """Add `value` to the figure `name` (a test run may contribute to one figure several times)."""
    FIGURES[name] = FIGURES.get(name, 0) + value
