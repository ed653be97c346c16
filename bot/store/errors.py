"""What a store raises on purpose: the database would not take a write, or cannot be used at all."""

from __future__ import annotations


class StoreError(Exception):
    """Base for everything a store raises on purpose; str(exc) is fit to show a member."""


class SaveFailed(StoreError):
    """The database would not take the write (read-only, disk full, locked too long, unreachable, a
    statement timeout). Nothing changed."""

    sentence = "Could not save, nothing was changed. Please try again in a moment."

    def __init__(self, reason: str) -> None:
        super().__init__(self.sentence)
        self.reason = reason


class ReadFailed(SaveFailed):
    """A read the database could not do now (a statement timeout, no pool connection free in time, the
    server unreachable). A SaveFailed, so whatever handles one (nothing changed, try again) handles this
    too; only the sentence differs, as a member who searched (or whose claim option was being looked up)
    was not saving anything yet."""

    sentence = "The database did not answer in time; nothing was changed. Please try again in a moment."


class StoreLocked(StoreError):
    """Another claimbot process holds the database (SQLite: one process per file)."""


class StoreUnwritable(StoreError):
    """The database's folder cannot be written (a read-only file system): claimbot will not start."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached or refuses us at start-up: claimbot will not start."""
