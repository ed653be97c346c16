"""The desk's rules, over any store: what a change may be, what it also changes, what is refused and why.

Knows neither Discord nor SQL. The cogs and the command line call `Desk`; it calls a `Store`.
"""

from bot.desk.changes import ClaimEdit
from bot.desk.desk import UNSET, Desk
from bot.desk.errors import (
    ClaimNotFound,
    DuplicateRelation,
    NothingToChange,
    Refusal,
    SpeakerNotFound,
    VerdictConflict,
)
from bot.desk.seeding import SeedReport

__all__ = [
    "UNSET",
    "ClaimEdit",
    "ClaimNotFound",
    "Desk",
    "DuplicateRelation",
    "NothingToChange",
    "Refusal",
    "SeedReport",
    "SpeakerNotFound",
    "VerdictConflict",
]
