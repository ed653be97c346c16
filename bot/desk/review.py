"""Freshness: every verdict stands "as of" its last review, and each verdict has a review interval.

A review re-affirms a verdict without changing it: a history row (field `review`, the verdict as old
and new value, the moderator's note), so "as of" is simply the latest verdict or review row. A claim
whose "as of" is older than its verdict's interval is due for review; conclusions (confirmed, false,
misleading) never are unless the server sets an interval for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.desk.changes import history_row
from bot.desk.errors import ClaimNotFound
from bot.domain.claims import Actor, Change, Claim
from bot.domain.intake import IntakeSettings
from bot.domain.rules import RuleBroken, check_note
from bot.domain.states import Verdict
from bot.store.base import Tx

REVIEW_FIELD = "review"
DAYS_MAX = 3_650


def cutoffs(settings: IntakeSettings, now: datetime) -> dict[Verdict, datetime]:
    """For each verdict that is ever due: a claim last reviewed before this moment is due now."""
    found = {}
    for verdict in Verdict:
        days = settings.review_days(verdict)
        if days is not None:
            found[verdict] = now - timedelta(days=days)
    return found


def is_due(settings: IntakeSettings, verdict: Verdict, as_of: datetime | None, now: datetime) -> bool:
    days = settings.review_days(verdict)
    return days is not None and as_of is not None and as_of < now - timedelta(days=days)


def check_days(value: int | None) -> int | None:
    """0 is "never"; otherwise a whole number of days up to ten years."""
    if value is None or value == 0:
        return None
    if not 0 < value <= DAYS_MAX:
        raise RuleBroken(f"A review interval is a number of days from 1 to {DAYS_MAX:,} (0 for never).")
    return value


async def reviewed(
    tx: Tx, guild_id: int, number: int, *, note: str, actor: Actor, at: datetime
) -> tuple[Claim, Change]:
    claim = await tx.claim(guild_id, number)
    if claim is None:
        raise ClaimNotFound(number)
    checked = check_note(note)
    (change,) = await tx.record(
        [history_row(claim, REVIEW_FIELD, claim.verdict, claim.verdict, note=checked, actor=actor, at=at)]
    )
    return claim, change
