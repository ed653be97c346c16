"""What the desk refuses, in terms a member can be told. The cogs turn these into ephemeral replies."""

from __future__ import annotations

from datetime import datetime

from bot.domain.claims import Actor
from bot.domain.states import Verdict


class Refusal(Exception):
    """Base for every refusal of the desk's: str(exc) is the sentence the member sees."""


class ClaimNotFound(Refusal):
    def __init__(self, number: int | str) -> None:
        if isinstance(number, int) or str(number).startswith("#"):
            text = f"There is no claim #{str(number).lstrip('#')} in this server."
        else:
            text = f"No claim matches “{number}”. Try /search, or pick one of the suggestions."
        super().__init__(text)
        self.number = number


class SpeakerNotFound(Refusal):
    def __init__(self, name: str) -> None:
        super().__init__(f"No speaker matches “{name}” in this server.")
        self.name = name


class VerdictConflict(Refusal):
    """Someone else changed the claim after this change was prepared: refuse rather than overwrite."""

    def __init__(self, number: int, current: Verdict, by: Actor, at: datetime) -> None:
        super().__init__(f"#{number} was changed meanwhile by {by.name} (now {current.value}); nothing was saved.")
        self.number, self.current, self.by, self.at = number, current, by, at


class NothingToChange(Refusal):
    """The change asks for what is already there (a verdict equal to the current one)."""

    def __init__(self, message: str, by: Actor | None = None, at: datetime | None = None) -> None:
        super().__init__(message)
        self.by, self.at = by, at


class DuplicateRelation(Refusal):
    pass
