"""What the fake records when the bot does something real Discord would refuse or a user would notice.

A test fixture reads these lists at teardown and fails the test that caused them, naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class Violation:
    """One broken limit in one request body, e.g. ``embeds[0].fields[3].value: 1,300 > 1,024``."""

    route: str
    path: str
    detail: str
    code: str = "BASE_TYPE_MAX_LENGTH"

    def __str__(self) -> str:
        return f"{self.route}: {self.path}: {self.detail}"


@dataclass(frozen=True)
class LateInteraction:
    """An interaction first answered after its deadline, or never answered at all."""

    interaction_id: int
    name: str
    latency: float | None  # None: never answered
    deadline: float

    def __str__(self) -> str:
        if self.latency is None:
            return f"interaction {self.name!r} ({self.interaction_id}) was never answered"
        return (
            f"interaction {self.name!r} ({self.interaction_id}) first answered after "
            f"{self.latency:.3f}s > {self.deadline:g}s"
        )


@dataclass(frozen=True)
class UnknownRoute:
    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} is not a route the local Discord knows"


_INDEX = re.compile(r"\[(\d+)\]")


def _path_keys(path: str) -> list[str]:
    """``embeds[0].fields[3].value`` -> ``["embeds", "0", "fields", "3", "value"]``."""
    keys: list[str] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        if name:
            keys.append(name)
        if rest:
            keys.extend(_INDEX.findall("[" + rest))
    return keys


def form_errors(violations: list[Violation]) -> Json:
    """Discord's nested ``errors`` object for a 50035 Invalid Form Body answer."""
    errors: Json = {}
    for v in violations:
        node = errors
        for key in _path_keys(v.path):
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": v.code, "message": v.detail})
    return errors


def invalid_form_body(violations: list[Violation]) -> Json:
    return {"code": 50035, "message": "Invalid Form Body", "errors": form_errors(violations)}
