"""The only place that speaks SQL. Cogs use the `ClaimStore` interface; `open_store` picks the backend."""

from __future__ import annotations

from bot.store.base import ClaimEdit, ClaimStore, SeedReport
from bot.store.errors import (
    ClaimNotFound,
    DuplicateRelation,
    NothingToChange,
    SaveFailed,
    SpeakerNotFound,
    StoreError,
    StoreLocked,
    VerdictConflict,
)

__all__ = [
    "ClaimEdit",
    "ClaimNotFound",
    "ClaimStore",
    "DuplicateRelation",
    "NothingToChange",
    "SaveFailed",
    "SeedReport",
    "SpeakerNotFound",
    "StoreError",
    "StoreLocked",
    "VerdictConflict",
]
